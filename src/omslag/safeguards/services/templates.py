"""Loading templates: omslag's own YAML files and imported government questionnaires. A
template that assessments use never changes; the same urn and version with other content is
refused (a new version is a new template)."""

from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.history import save_with_history

from ..definitions import PARSERS, ItemDef, TemplateDef, TemplateFileInvalid, read_yaml
from ..models import AssessmentTemplate, TemplateItem

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@transaction.atomic
def template_save(*, actor: Any, definition: TemplateDef) -> tuple[AssessmentTemplate, str]:
    """Create or refresh the template; returns it and what happened (created, updated,
    unchanged)."""
    digest = definition.content_hash()
    template = AssessmentTemplate.objects.filter(
        urn=definition.urn, version=definition.version
    ).first()
    if template is not None and template.content_hash == digest:
        return template, "unchanged"
    if template is not None and template.assessments.exists():
        raise RuleViolation(
            _(
                "Template %(urn)s version %(version)s is in use by assessments and cannot "
                "change; give the file a new version."
            )
            % {"urn": definition.urn, "version": definition.version}
        )
    happened = "updated" if template else "created"
    template = template or AssessmentTemplate(urn=definition.urn, version=definition.version)
    for name in (
        "key",
        "name",
        "name_en",
        "description",
        "description_en",
        "kind",
        "source",
        "source_format",
        "outcome_rules",
        "extra",
    ):
        setattr(template, name, getattr(definition, name))
    template.content_hash = digest
    save_with_history(template, actor=actor, reason=_("loaded from a file"))
    template.items.all().delete()
    _items_create(template, definition)
    return template, happened


def _items_create(template: AssessmentTemplate, definition: TemplateDef) -> None:
    """Insert the items level by level (one INSERT per depth), so a parent always has its
    primary key before its children are written."""
    order = {id(item): index for index, item in enumerate(definition.walk(), start=1)}
    level: list[tuple[ItemDef, TemplateItem | None]] = [(item, None) for item in definition.items]
    while level:
        records = TemplateItem.objects.bulk_create(
            [
                TemplateItem(
                    template=template,
                    source_id=item.source_id,
                    parent=parent,
                    order=order[id(item)],
                    type=item.type,
                    label=item.label,
                    label_en=item.label_en,
                    description=item.description,
                    description_en=item.description_en,
                    required=item.required,
                    repeatable=item.repeatable,
                    options=item.options,
                    condition=item.condition,
                    extra=item.extra,
                )
                for item, parent in level
            ]
        )
        level = [
            (child, record)
            for (item, _parent), record in zip(level, records, strict=True)
            for child in item.children
        ]


def template_import_file(
    *, actor: Any, stream: IO[str] | IO[bytes], fmt: str, dry_run: bool = False
) -> tuple[AssessmentTemplate, str, int]:
    """Parse and store one questionnaire file; TemplateFileInvalid lists every problem."""
    parser = PARSERS.get(fmt)
    if parser is None:
        raise RuleViolation(
            _("Unknown template format %(fmt)s; use one of: %(known)s.")
            % {"fmt": fmt, "known": ", ".join(PARSERS)}
        )
    definition = parser(read_yaml(stream))
    with transaction.atomic():
        template, happened = template_save(actor=actor, definition=definition)
        count = template.items.count()
        if dry_run:
            transaction.set_rollback(True)
    return template, happened, count


def own_templates_load(*, actor: Any = None) -> list[tuple[AssessmentTemplate, str]]:
    """Load every file in content/ (idempotent: unchanged files change nothing)."""
    results = []
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        with path.open("rb") as stream:
            try:
                definition = PARSERS["own"](read_yaml(stream))
            except TemplateFileInvalid as error:
                raise TemplateFileInvalid([f"{path.name}: {p}" for p in error.problems]) from None
        results.append(template_save(actor=actor, definition=definition))
    return results
