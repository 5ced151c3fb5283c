"""What the algorithms app offers the shared machinery: record history, the tabular export,
the Algoritmekader import and the export in the Algorithm Register standard."""

from django.utils.translation import gettext_lazy

from omslag.common.errors import RuleViolation
from omslag.common.history import TrackedModel, history_register
from omslag.common.sections import RegisterLink, organisation_link_register
from omslag.common.tabular.registry import (
    DocumentImport,
    ExportSpec,
    document_import_register,
    export_spec_register,
)
from omslag.exchange.standards import StandardExport, standard_export_register
from omslag.organisations.access import readable_paths

from . import access, exports, selectors, services
from .models import AlgorithmRecord


class FrameworkImportRefused(RuleViolation):
    """The Algoritmekader files have problems; ``problems`` names file, path and reason."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


def _algoritmekader_run(directory, filename, actor, dry_run, fmt) -> str:
    """Import a directory of Algoritmekader files (the shared document-import mechanism)."""
    report = services.algoritmekader_import(directory=directory, dry_run=dry_run)
    if not report.ok:
        raise FrameworkImportRefused(
            f"{len(report.problems)} problem(s); nothing was saved.",
            [str(p) for p in report.problems],
        )
    notes = "".join(f"\nNote: {notice}" for notice in report.notices)
    return report.summary() + notes


def _readable(person, algorithms):
    paths = readable_paths(person)
    if paths is None:
        return algorithms
    return [a for a in algorithms if any(a.organisation.path.startswith(p) for p in paths)]


def _standard_write(person, organisation, fmt) -> tuple[bytes, int]:
    algorithms = list(_readable(person, selectors.algorithms_for_export(organisation)))
    return exports.algorithms_as_standard_json(algorithms), len(algorithms)


document_import_register(
    DocumentImport(
        kind="algoritmekader", formats=("directory",), run=_algoritmekader_run, directory=True
    )
)
standard_export_register(
    StandardExport(
        kind="algorithms",
        standard="algoritmeregister",
        label=gettext_lazy("Algorithm Register publication standard"),
        write=_standard_write,
    )
)


def _list(values) -> str:
    return "; ".join(values or [])


def _column(name):
    return (name, lambda algorithm: getattr(algorithm, name))


_TEXT_COLUMNS = tuple(
    name for name in services.ALGORITHM_FIELDS if name not in {"theme", "experiment", "application"}
)

export_spec_register(
    ExportSpec(
        kind="algorithms",
        label=gettext_lazy("Algorithms"),
        columns=(
            *(_column(name) for name in _TEXT_COLUMNS),
            ("theme", lambda a: _list(a.theme)),
            ("experiment", lambda a: a.experiment.title if a.experiment_id else ""),
            ("application", lambda a: a.application.name if a.application_id else ""),
        ),
        rows=lambda person, organisation: selectors.algorithms_of(organisation).order_by("name"),
        may_export=access.algorithms_can_read,
    )
)

history_register(
    TrackedModel(
        key="algorithm",
        model=AlgorithmRecord,
        get_readable=lambda person, pk: access.algorithm_get_readable(
            person, pk, include_deleted=True
        ),
        can_restore=access.algorithm_can_change,
        restore=services.algorithm_restore,
    )
)


# --- the links on the organisation page
organisation_link_register(
    RegisterLink(
        section="safeguards",
        url_name="algorithms:list",
        label=gettext_lazy("Algorithm register"),
        description=gettext_lazy(
            "Algorithms in use, their Algoritmekader measures and their publication."
        ),
        order=40,
    )
)
