"""What the safeguards app offers the shared machinery: history of its records, the gate
rules of experiments and projects, and the template import and export on the command line."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omslag.common.history import TrackedModel, history_register
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.common.subjects import assessment_subjects_changed_listen
from omslag.common.tabular.registry import (
    DocumentExport,
    DocumentImport,
    document_export_register,
    document_import_register,
)

from . import access, exports, gates, services
from .coverage_stored import coverage_changed
from .definitions import PARSERS
from .models import Assessment, Mitigation, Risk

gates.register()
# Subjects added, removed or changed in the apps that own them: the stored coverage is behind.
assessment_subjects_changed_listen(coverage_changed)


def _no_restore(**_kwargs):
    from omslag.common.errors import RuleViolation

    raise RuleViolation(_("Assessments are changed through their own pages, not restored."))


for key, model, getter in [
    ("assessment", Assessment, access.assessment_get_readable),
    ("risk", Risk, access.risk_get_readable),
    ("mitigation", Mitigation, access.mitigation_get_readable),
]:
    history_register(
        TrackedModel(
            key=key,
            model=model,
            get_readable=getter,
            can_restore=lambda person, record: False,
            restore=_no_restore,
        )
    )


def _import_template(stream, filename, actor, dry_run, fmt) -> str:
    template, happened, count = services.template_import_file(
        actor=actor, stream=stream, fmt=fmt, dry_run=dry_run
    )
    verb = "Would import" if dry_run else "Imported"
    return (
        f"{verb} {template.name!r} ({template.urn} version {template.version}) from "
        f"{filename}: {count} item(s), {happened}."
    )


document_import_register(
    DocumentImport(kind="assessment-template", formats=tuple(PARSERS), run=_import_template)
)
document_export_register(
    DocumentExport(kind="assessment-templates", formats=("json",), run=exports.templates_json)
)


# --- the links on the organisation page
organisation_section_register("safeguards", gettext_lazy("Safeguards"), 40)
organisation_link_register(
    RegisterLink(
        section="safeguards",
        url_name="safeguards:list",
        label=gettext_lazy("Assessments"),
        description=gettext_lazy(
            "Privacy, accessibility, security, workers, misinformation and AI Act assessments, "
            "their risks and sign-off."
        ),
        order=10,
    )
)
organisation_link_register(
    RegisterLink(
        section="safeguards",
        url_name="safeguards:coverage",
        label=gettext_lazy("Safeguard coverage"),
        description=gettext_lazy(
            "Which experiments, projects and applications have every assessment they need."
        ),
        order=20,
    )
)
organisation_link_register(
    RegisterLink(
        section="safeguards",
        url_name="safeguards:gates",
        label=gettext_lazy("Gate requirements"),
        description=gettext_lazy("Which approved assessments a stage or status change needs."),
        order=30,
    )
)
organisation_link_register(
    RegisterLink(
        section="safeguards",
        url_name="safeguards:templates",
        label=gettext_lazy("Assessment templates"),
        description=gettext_lazy("The questionnaires, omslag's own and the government's."),
        order=50,
        per_organisation=False,
    )
)
