"""What the portfolio app offers the shared machinery: record history, imports, exports."""

from decimal import Decimal
from operator import itemgetter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omslag.common.chartwarm import chart_page_register
from omslag.common.history import (
    TrackedModel,
    history_register,
    insert_with_history,
    save_with_history,
)
from omslag.common.locking import version_claim
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.common.stored_figures import organisation_subtrees_change_register
from omslag.common.subjects import AssessmentSubject, assessment_subject_register
from omslag.common.tabular.importing import Column, ImportSpec, RowError, RowProblem, field_parser
from omslag.common.tabular.parsers import choice_parser, date, euro_amount, name_list
from omslag.common.tabular.registry import ExportSpec, export_spec_register, import_spec_register
from omslag.organisations.models import Organisation

from . import access, presentation, selectors, services
from .figures import figures_inputs_changed, figures_subtrees_changed
from .models import (
    Application,
    Dependency,
    Level,
    Scenario,
    ScenarioChange,
    SpendLine,
    SpendTarget,
    TimePosition,
)

CENT = Decimal("0.01")


def _level(column):
    return Column(
        column,
        gettext_lazy("low, medium or high"),
        required=False,
        parse=choice_parser(Level.choices),
    )


class ApplicationImport(ImportSpec):
    kind = "applications"
    label = gettext_lazy("Applications")
    columns = (
        Column(
            "name",
            gettext_lazy("name, unique within the organisation"),
            key=True,
            parse=field_parser(Application, "name"),
        ),
        Column("owner_unit", gettext_lazy("owning unit"), required=False),
        Column("owner_name", gettext_lazy("owner"), required=False),
        Column(
            "purpose",
            gettext_lazy("what it is for"),
            required=False,
            parse=field_parser(Application, "purpose"),
        ),
        Column("vendor", gettext_lazy("supplier"), required=False),
        Column("technology", gettext_lazy("technology or platform"), required=False),
        Column(
            "go_live_year",
            gettext_lazy("year it went live (1990-2100)"),
            required=False,
            parse=field_parser(Application, "go_live_year"),
        ),
        Column(
            "end_of_support",
            gettext_lazy("date support ends, e.g. 2027-12-31"),
            required=False,
            parse=date,
        ),
        Column(
            "users",
            gettext_lazy("number of users"),
            required=False,
            parse=field_parser(Application, "users"),
        ),
        _level("availability"),
        _level("integrity"),
        _level("confidentiality"),
        Column(
            "business_value",
            gettext_lazy("1 (low) to 5 (high)"),
            parse=field_parser(Application, "business_value"),
        ),
        Column("business_value_reason", gettext_lazy("why"), required=False),
        Column(
            "technical_condition",
            gettext_lazy("1 (poor) to 5 (good)"),
            parse=field_parser(Application, "technical_condition"),
        ),
        Column("technical_condition_reason", gettext_lazy("why"), required=False),
        Column(
            "status",
            gettext_lazy("planned, in_use, being_retired, retired"),
            required=False,
            parse=choice_parser(Application.Status.choices),
        ),
        Column(
            "time_override",
            gettext_lazy(
                "tolerate, invest, migrate or eliminate: only to overrule the derived position"
            ),
            required=False,
            parse=choice_parser(TimePosition.choices),
        ),
        Column("time_override_reason", gettext_lazy("why it is overruled"), required=False),
        Column(
            "depends_on",
            gettext_lazy("names of applications it needs, separated by ;"),
            required=False,
            parse=name_list,
        ),
    )
    ignored_columns = ("time_position", "run_cost")

    def may_import(self, person, organisation):
        return access.portfolio_can_change(person, organisation)

    def prepare(self, context):
        context.cache["existing"] = {
            a.name.lower(): a for a in Application.objects.filter(organisation=context.organisation)
        }
        context.cache["dependencies"] = []

    def check_row(self, values, context):
        go_live, eos = values.get("go_live_year"), values.get("end_of_support")
        if go_live and eos and eos.year < go_live:
            raise RowError(
                _("support ends before the go-live year %(y)s") % {"y": go_live}, "end_of_support"
            )
        if values.get("time_override") and not values.get("time_override_reason"):
            raise RowError(_("say why the TIME position is overruled"), "time_override_reason")

    def check_file(self, rows, context):
        names = set(context.cache["existing"]) | {v["name"].lower() for _r, v in rows}
        problems = []
        for row_number, values in rows:
            for name in values.get("depends_on") or []:
                if name.lower() not in names:
                    problems.append(
                        RowProblem(
                            row_number,
                            "depends_on",
                            name,
                            _("no application with this name in %(org)s or in this file")
                            % {"org": context.organisation.name},
                        )
                    )
                elif name.lower() == values["name"].lower():
                    problems.append(
                        RowProblem(
                            row_number,
                            "depends_on",
                            name,
                            _("an application cannot depend on itself"),
                        )
                    )
        return problems

    def save_row(self, values, context):
        existing = context.cache["existing"].get(values["name"].lower())
        fields = {k: v for k, v in values.items() if k != "depends_on" and v is not None}
        for text_field in (
            "owner_unit",
            "owner_name",
            "purpose",
            "vendor",
            "technology",
            "business_value_reason",
            "technical_condition_reason",
            "time_override",
            "time_override_reason",
        ):
            fields.setdefault(text_field, "")
        for nullable in ("go_live_year", "end_of_support", "users"):
            fields.setdefault(nullable, None)
        context.cache["dependencies"].append((values["name"], values.get("depends_on") or []))
        if existing is None:
            application = services.application_create(
                actor=context.actor, organisation=context.organisation, **fields
            )
            context.cache["existing"][application.name.lower()] = application
            return "created"
        if all(getattr(existing, k) == v for k, v in fields.items()):
            return "unchanged"
        version_claim(existing, existing.version)
        for key, value in fields.items():
            setattr(existing, key, value)
        save_with_history(existing, actor=context.actor, reason=_("import"))
        return "updated"

    def finish(self, context, report):
        """Add the dependencies named in the file that are not recorded yet."""
        # Rows updated in place bypass the services: the stored figures learn of them here.
        figures_inputs_changed(context.organisation, legacy=True)
        by_name = context.cache["existing"]
        for name, needs in context.cache["dependencies"]:
            application = by_name[name.lower()]
            current = set(application.dependencies.values_list("depends_on_id", flat=True))
            for needed in needs:
                target = by_name[needed.lower()]
                if target.pk not in current:
                    services.dependency_add(
                        actor=context.actor, application=application, depends_on=target
                    )
                    current.add(target.pk)


# New spend lines are written this many at a time (COPY on PostgreSQL).
INSERT_BATCH = 20_000


class SpendImport(ImportSpec):
    kind = "spend"
    label = gettext_lazy("Spend lines")
    chunk_rows = 1000
    columns = (
        Column("year", gettext_lazy("1990-2100"), parse=field_parser(SpendLine, "year")),
        Column(
            "amount", gettext_lazy("euro, not negative; 1234.56 or 1.234,56"), parse=euro_amount
        ),
        Column(
            "kind", gettext_lazy("budget or actual"), parse=choice_parser(SpendLine.Kind.choices)
        ),
        Column(
            "category",
            gettext_lazy("run, change or innovate"),
            parse=choice_parser(SpendLine.Category.choices),
        ),
        Column(
            "cost_type",
            gettext_lazy("licences, hosting, staff, external_staff, maintenance, other"),
            required=False,
            parse=choice_parser(SpendLine.CostType.choices),
        ),
        Column("application", gettext_lazy("name of the application it pays for"), required=False),
        Column(
            "pays_for",
            gettext_lazy("project or experiment it pays for"),
            required=False,
            parse=field_parser(SpendLine, "pays_for"),
        ),
        Column(
            "description",
            gettext_lazy("free text"),
            required=False,
            parse=field_parser(SpendLine, "description"),
        ),
        Column(
            "reference",
            gettext_lazy("key in the financial system; a re-import updates it"),
            required=False,
            key=True,
            parse=field_parser(SpendLine, "reference"),
        ),
    )

    def may_import(self, person, organisation):
        return access.portfolio_can_change(person, organisation)

    def prepare(self, context):
        context.cache["applications"] = {
            name.lower(): pk
            for name, pk in Application.objects.filter(
                organisation=context.organisation
            ).values_list("name", "pk")
        }

    def check_row(self, values, context):
        name = values.get("application")
        if name:
            pk = context.cache["applications"].get(name.lower())
            if pk is None:
                raise RowError(
                    _("no application with this name in %(org)s")
                    % {"org": context.organisation.name},
                    "application",
                )
            values["application_id"] = pk

    @staticmethod
    def _fingerprint(
        year, kind, category, cost_type, application_id, pays_for, description, amount
    ):
        return (
            year,
            kind,
            category,
            cost_type,
            application_id,
            pays_for,
            description,
            Decimal(amount).quantize(CENT),
        )

    def save_all(self, rows, context, report):
        """Bulk save: new lines in batches with their history; a line with a known reference
        is updated; a line identical to an existing one is left unchanged (re-import)."""
        organisation = context.organisation
        # The lines there were before the import, per year, kept across chunks (on SQLite a
        # large file is saved in chunks): lines saved by an earlier chunk are not "existing".
        by_reference = context.cache.setdefault("spend_by_reference", {})
        fingerprints = context.cache.setdefault("spend_fingerprints", set())
        known_years = context.cache.setdefault("spend_years", set())
        years = {values["year"] for _row, values in rows} - known_years
        known_years |= years
        existing = SpendLine.objects.filter(organisation=organisation, year__in=years)
        by_reference.update({line.reference: line for line in existing.exclude(reference="")})
        fingerprints.update(
            self._fingerprint(*values)
            for values in existing.filter(reference="").values_list(
                "year",
                "kind",
                "category",
                "cost_type",
                "application_id",
                "pays_for",
                "description",
                "amount",
            )
        )
        now = timezone.now()
        reason = _("import")
        new_lines = 0
        pending: list[dict] = []  # written INSERT_BATCH at a time: memory stays bounded
        for _row_number, values in rows:
            fields = {
                "year": values["year"],
                "amount": values["amount"],
                "kind": values["kind"],
                "category": values["category"],
                "cost_type": values.get("cost_type") or "other",
                "application_id": values.get("application_id"),
                "pays_for": values.get("pays_for") or "",
                "description": values.get("description") or "",
                "reference": values.get("reference") or "",
            }
            if fields["reference"] and fields["reference"] in by_reference:
                line = by_reference[fields["reference"]]
                if all(getattr(line, k) == v for k, v in fields.items()):
                    report.unchanged += 1
                    continue
                version_claim(line, line.version)
                for key, value in fields.items():
                    setattr(line, key, value)
                save_with_history(line, actor=context.actor, reason=_("import"))
                report.updated += 1
                continue
            if not fields["reference"]:
                fingerprint = self._fingerprint(
                    fields["year"],
                    fields["kind"],
                    fields["category"],
                    fields["cost_type"],
                    fields["application_id"],
                    fields["pays_for"],
                    fields["description"],
                    fields["amount"],
                )
                if fingerprint in fingerprints:
                    report.unchanged += 1
                    continue
            if context.dry_run:
                # A check writes no new line: every value was checked by its column's parser
                # (the model's validators and limits), so the insert could not fail; counting
                # it is enough. Updates above are still saved and rolled back (full_clean).
                new_lines += 1
                continue
            fields["organisation_id"] = organisation.pk
            pending.append(fields)
            if len(pending) >= INSERT_BATCH:
                new_lines += insert_with_history(
                    SpendLine, pending, actor=context.actor, reason=reason, created_at=now
                )
                pending = []
        new_lines += insert_with_history(
            SpendLine, pending, actor=context.actor, reason=reason, created_at=now
        )
        report.created += new_lines
        if (new_lines or report.updated) and not context.dry_run:
            figures_inputs_changed(organisation, balance=True, legacy=True)


def _iso(value):
    return value.isoformat() if value else ""


# The fields an application export reads, as plain values (``QuerySet.values``): building a
# model instance per row was most of the export's CPU time at national scale.
APPLICATION_EXPORT_FIELDS = ("id", *services.APPLICATION_FIELDS, "time", "run_cost")


def _export_applications(person, organisation):
    return (
        selectors.applications_of(organisation)
        .select_related(None)
        .order_by("name")
        .values(*APPLICATION_EXPORT_FIELDS)
    )


def _export_dependency_names(applications: list[dict]) -> None:
    """The names each application of one fetch depends on (live ones): the pairs, then the
    names, two lookups by index. One join of the two made PostgreSQL's planner read every
    application of the country (a hash join, 250 ms at national scale), as did the prefetch
    the export used before."""
    pairs = Dependency.objects.filter(
        application_id__in=[a["id"] for a in applications]
    ).values_list("application_id", "depends_on_id")
    pairs = list(pairs)
    live_names = dict(
        Application.objects.filter(id__in={target for _source, target in pairs}).values_list(
            "id", "name"
        )
    )
    names: dict[int, list[str]] = {}
    for source, target in pairs:
        if target in live_names:
            names.setdefault(source, []).append(live_names[target])
    for application in applications:
        application["depends_on"] = "; ".join(sorted(names.get(application["id"], ())))


def _export_spend(person, organisation):
    return (
        SpendLine.objects.filter(organisation=organisation)
        .order_by("year", "kind", "category", "id")
        .values(
            "year",
            "amount",
            "kind",
            "category",
            "cost_type",
            "application__name",
            "pays_for",
            "description",
            "reference",
        )
    )


def _export_balance(person, organisation):
    rows = []
    for balance in selectors.balance_overview(organisation).balances:
        for kind in ("actual", "budget"):
            split = balance.split(kind)
            if split.total:
                rows.append((balance.year, kind, split))
    return rows


def _share(value):
    return round(value * 100, 2)


import_spec_register(ApplicationImport())
import_spec_register(SpendImport())
export_spec_register(
    ExportSpec(
        kind="applications",
        label=gettext_lazy("Applications"),
        columns=(
            ("name", itemgetter("name")),
            ("owner_unit", itemgetter("owner_unit")),
            ("owner_name", itemgetter("owner_name")),
            ("purpose", itemgetter("purpose")),
            ("vendor", itemgetter("vendor")),
            ("technology", itemgetter("technology")),
            ("go_live_year", lambda a: a["go_live_year"] or ""),
            ("end_of_support", lambda a: _iso(a["end_of_support"])),
            ("users", lambda a: a["users"] or ""),
            ("availability", itemgetter("availability")),
            ("integrity", itemgetter("integrity")),
            ("confidentiality", itemgetter("confidentiality")),
            ("business_value", itemgetter("business_value")),
            ("business_value_reason", itemgetter("business_value_reason")),
            ("technical_condition", itemgetter("technical_condition")),
            ("technical_condition_reason", itemgetter("technical_condition_reason")),
            ("status", itemgetter("status")),
            ("time_override", itemgetter("time_override")),
            ("time_override_reason", itemgetter("time_override_reason")),
            ("depends_on", itemgetter("depends_on")),
            ("time_position", itemgetter("time")),
            ("run_cost", itemgetter("run_cost")),
        ),
        rows=_export_applications,
        prepare_fetch=_export_dependency_names,
        may_export=access.portfolio_can_read,
    )
)
export_spec_register(
    ExportSpec(
        kind="spend",
        label=gettext_lazy("Spend lines"),
        columns=(
            ("year", itemgetter("year")),
            ("amount", itemgetter("amount")),
            ("kind", itemgetter("kind")),
            ("category", itemgetter("category")),
            ("cost_type", itemgetter("cost_type")),
            ("application", lambda s: s["application__name"] or ""),
            ("pays_for", itemgetter("pays_for")),
            ("description", itemgetter("description")),
            ("reference", itemgetter("reference")),
        ),
        rows=_export_spend,
        may_export=access.portfolio_can_read,
    )
)
export_spec_register(
    ExportSpec(
        kind="balance",
        label=gettext_lazy("Run / change / innovate balance"),
        columns=(
            ("year", lambda r: r[0]),
            ("kind", lambda r: r[1]),
            ("run", lambda r: r[2].run),
            ("change", lambda r: r[2].change),
            ("innovate", lambda r: r[2].innovate),
            ("total", lambda r: r[2].total),
            ("run_percent", lambda r: _share(r[2].run_share)),
            ("change_percent", lambda r: _share(r[2].change_share)),
            ("innovate_percent", lambda r: _share(r[2].innovate_share)),
        ),
        rows=_export_balance,
        may_export=access.portfolio_can_read,
    )
)


def _tracked(key, model, getter, restore):
    history_register(
        TrackedModel(
            key=key,
            model=model,
            get_readable=lambda person, pk: getter(person, pk, include_deleted=True),
            can_restore=access.record_can_change,
            restore=restore,
        )
    )


_tracked("application", Application, access.application_get_readable, services.application_restore)
_tracked("dependency", Dependency, access.dependency_get_readable, services.dependency_restore)
_tracked("spend-line", SpendLine, access.spend_line_get_readable, services.spend_line_restore)
_tracked(
    "spend-target", SpendTarget, access.spend_target_get_readable, services.spend_target_restore
)
_tracked("scenario", Scenario, access.scenario_get_readable, services.scenario_restore)
history_register(
    TrackedModel(
        key="scenario-change",
        model=ScenarioChange,
        get_readable=lambda person, pk: access.scenario_change_get_readable(
            person, pk, include_deleted=True
        ),
        can_restore=access.record_can_change,
        restore=services.scenario_change_restore,
    )
)


# --- the links on the organisation page
organisation_section_register("legacy-and-spend", gettext_lazy("Legacy and spend"), 10)
organisation_link_register(
    RegisterLink(
        section="legacy-and-spend",
        url_name="portfolio:applications",
        label=gettext_lazy("Applications"),
        description=gettext_lazy("The application landscape and the TIME position of each system."),
        order=10,
    )
)
organisation_link_register(
    RegisterLink(
        section="legacy-and-spend",
        url_name="portfolio:spend",
        label=gettext_lazy("Spend"),
        description=gettext_lazy("ICT spend per year: run, change and innovate."),
        order=20,
    )
)
organisation_link_register(
    RegisterLink(
        section="legacy-and-spend",
        url_name="portfolio:balance",
        label=gettext_lazy("Balance and legacy risk"),
        description=gettext_lazy(
            "The balance against the target, TIME positions and systems at the end of their "
            "support."
        ),
        order=30,
    )
)
organisation_link_register(
    RegisterLink(
        section="legacy-and-spend",
        url_name="portfolio:scenarios",
        label=gettext_lazy("Scenarios"),
        description=gettext_lazy("Planned changes projected onto the balance."),
        order=40,
    )
)


# --- what an assessment can be about
assessment_subject_register(
    AssessmentSubject(
        key="application",
        label=gettext_lazy("Applications"),
        model=Application,
        name_field="name",
        live=lambda organisation_ids: Application.objects.filter(
            organisation_id__in=organisation_ids
        ),
        choosable=selectors.applications_choosable,
        stages=lambda: [""],
        ordered=False,
        order=30,
    )
)


def _balance_charts(slug: str):
    """The balance page's charts in its default selection (with the organisations below)."""
    organisation = Organisation.objects.get(slug=slug)
    return presentation.balance_page(organisation, include_children=True).charts


# Its page with charts: drawn ahead after the stored figures change (common.chartwarm).
chart_page_register("portfolio:balance", _balance_charts)

# Its balance over a subtree follows organisations moved, deleted or restored below.
organisation_subtrees_change_register(figures_subtrees_changed)
