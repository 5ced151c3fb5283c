"""What this app offers the shared machinery: record history, imports and exports."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omslag.common.history import TrackedModel, history_register, save_with_history
from omslag.common.locking import version_claim
from omslag.common.tabular.importing import (
    Column,
    ImportContext,
    ImportSpec,
    RowError,
    RowProblem,
    field_parser,
)
from omslag.common.tabular.parsers import choice_parser, email
from omslag.common.tabular.registry import (
    ExportSpec,
    export_spec_register,
    import_spec_register,
)

from . import access, selectors, services
from .models import Membership, Organisation, Role


class OrganisationImport(ImportSpec):
    kind = "organisations"
    label = gettext_lazy("Organisations")
    chunk_rows = 1000
    columns = (
        Column(
            "slug",
            gettext_lazy("short name, unique; used in addresses"),
            key=True,
            parse=field_parser(Organisation, "slug"),
        ),
        Column("name", gettext_lazy("full name"), parse=field_parser(Organisation, "name")),
        Column(
            "kind",
            gettext_lazy("ministry, agency, province, municipality, water_board, other"),
            parse=choice_parser(Organisation.Kind.choices),
        ),
        Column(
            "parent",
            gettext_lazy("short name of the parent; empty: the organisation imported into"),
            required=False,
        ),
        Column(
            "description",
            gettext_lazy("free text"),
            required=False,
            parse=field_parser(Organisation, "description"),
        ),
    )

    def may_import(self, person, organisation):
        return access.organisation_can_import(person, organisation)

    def prepare(self, context: ImportContext):
        subtree = selectors.organisation_subtree(context.organisation)
        context.cache["subtree"] = {o.slug: o for o in subtree}
        context.cache["new"] = set()

    def check_row(self, values, context):
        subtree, new = context.cache["subtree"], context.cache["new"]
        slug = values["slug"]
        parent = values.get("parent")
        if parent and parent not in subtree and parent not in new:
            raise RowError(
                _("unknown parent: give an organisation below %(org)s, or one on an earlier row")
                % {"org": context.organisation.slug},
                "parent",
            )
        if parent == slug:
            raise RowError(_("an organisation cannot be its own parent"), "parent")
        if slug == context.organisation.slug and parent:
            raise RowError(_("the organisation imported into keeps its parent"), "parent")
        new.add(slug)

    def check_file(self, rows, context):
        """Short names taken outside the subtree: one query per thousand rows, not per row."""
        subtree = context.cache["subtree"]
        wanted = {v["slug"]: number for number, v in rows if v["slug"] not in subtree}
        slugs = list(wanted)
        problems = []
        for start in range(0, len(slugs), 1000):
            taken = Organisation.all_objects.filter(slug__in=slugs[start : start + 1000])
            for slug in taken.values_list("slug", flat=True):
                problems.append(
                    RowProblem(
                        wanted[slug],
                        "slug",
                        slug,
                        _("this short name is already taken by another organisation"),
                    )
                )
        return problems

    def save_row(self, values, context):
        subtree = context.cache["subtree"]
        existing = subtree.get(values["slug"])
        fields = {
            "name": values["name"],
            "kind": values["kind"],
            "description": values.get("description") or "",
        }
        if existing is not None:
            wanted_parent = values.get("parent")
            if wanted_parent and (existing.parent is None or existing.parent.slug != wanted_parent):
                raise RowError(
                    _("moving an organisation to another parent is not supported"), "parent"
                )
            if all(getattr(existing, k) == v for k, v in fields.items()):
                return "unchanged"
            version_claim(existing, existing.version)
            for key, value in fields.items():
                setattr(existing, key, value)
            save_with_history(existing, actor=context.actor, reason=_("import"))
            return "updated"
        parent = subtree.get(values.get("parent") or context.organisation.slug)
        organisation = services.organisation_create(
            actor=context.actor, slug=values["slug"], parent=parent, **fields
        )
        subtree[organisation.slug] = organisation
        return "created"

    def save_all(self, rows, context, report):
        """Changes to existing organisations row by row; new ones in one bulk service call
        (an import of 5,000 organisations took minutes one row at a time)."""
        subtree = context.cache["subtree"]
        existing = [(n, values) for n, values in rows if values["slug"] in subtree]
        super().save_all(existing, context, report)
        new_rows = []
        for row_number, values in rows:
            if values["slug"] in subtree:
                continue
            parent = values.get("parent") or context.organisation.slug
            row = {
                "slug": values["slug"],
                "name": values["name"],
                "kind": values["kind"],
                "description": values.get("description") or "",
                "parent": subtree.get(parent, parent),
            }
            try:
                Organisation(**{k: v for k, v in row.items() if k != "parent"}).full_clean(
                    exclude=["path", "parent"], validate_unique=False
                )
            except ValidationError as exc:
                for column, messages in exc.message_dict.items():
                    column = "" if column == "__all__" else column
                    raw = str(values.get(column) or "")
                    report.add(RowProblem(row_number, column, raw, "; ".join(messages)))
                continue
            new_rows.append(row)
        if not report.ok or not new_rows:
            return
        for organisation in services.organisations_create_many(
            actor=context.actor, rows=new_rows, reason=_("import")
        ):
            subtree[organisation.slug] = organisation
        report.created += len(new_rows)


class MembershipImport(ImportSpec):
    kind = "memberships"
    label = gettext_lazy("Memberships")
    columns = (
        Column("email", gettext_lazy("e-mail address of the person"), parse=email, key=True),
        Column(
            "role",
            gettext_lazy("viewer, editor, admin, board, auditor, safeguard_officer"),
            parse=choice_parser(Role.choices),
            key=True,
        ),
        Column(
            "organisation",
            gettext_lazy("short name; empty: the organisation imported into"),
            required=False,
            key=True,
        ),
        Column("full_name", gettext_lazy("name of the person (for new people)"), required=False),
    )

    def may_import(self, person, organisation):
        return access.organisation_can_import(person, organisation)

    def prepare(self, context):
        context.cache["subtree"] = {
            o.slug: o for o in selectors.organisation_subtree(context.organisation)
        }

    def check_row(self, values, context):
        slug = values.get("organisation") or context.organisation.slug
        if slug not in context.cache["subtree"]:
            raise RowError(
                _("unknown organisation: give one below %(org)s")
                % {"org": context.organisation.slug},
                "organisation",
            )

    def save_row(self, values, context):
        organisation = context.cache["subtree"][
            values.get("organisation") or context.organisation.slug
        ]
        person = services.person_find_or_create(
            email=values["email"], full_name=values.get("full_name") or ""
        )
        if Membership.objects.filter(
            person=person, organisation=organisation, role=values["role"]
        ).exists():
            return "unchanged"
        services.membership_create(
            actor=context.actor, person=person, organisation=organisation, role=values["role"]
        )
        return "created"


def _export_organisations(person, organisation):
    return selectors.organisation_subtree(organisation).select_related("parent").order_by("path")


def _export_memberships(person, organisation):
    return selectors.memberships_readable(person, organisation)


import_spec_register(OrganisationImport())
import_spec_register(MembershipImport())
export_spec_register(
    ExportSpec(
        kind="organisations",
        label=gettext_lazy("Organisations"),
        columns=(
            ("slug", lambda o: o.slug),
            ("name", lambda o: o.name),
            ("kind", lambda o: o.kind),
            ("parent", lambda o: o.parent.slug if o.parent_id else ""),
            ("description", lambda o: o.description),
        ),
        rows=_export_organisations,
        may_export=access.organisation_can_read,
    )
)
export_spec_register(
    ExportSpec(
        kind="memberships",
        label=gettext_lazy("Memberships"),
        columns=(
            ("email", lambda m: m.person.email),
            ("role", lambda m: m.role),
            ("organisation", lambda m: m.organisation.slug),
            ("full_name", lambda m: m.person.full_name),
        ),
        rows=_export_memberships,
        may_export=access.organisation_can_read,
    )
)

history_register(
    TrackedModel(
        key="organisation",
        model=Organisation,
        get_readable=access.organisation_get_readable_by_pk,
        can_restore=access.organisation_can_restore,
        restore=services.organisation_restore,
    )
)
history_register(
    TrackedModel(
        key="membership",
        model=Membership,
        get_readable=lambda person, pk: access.membership_get_readable(
            person, pk, include_deleted=True
        ),
        can_restore=lambda person, m: access.membership_can_change(person, m),
        restore=services.membership_restore,
    )
)
