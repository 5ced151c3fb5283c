from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omslag.common.errors import DomainError
from omslag.common.tabular.formats import FileProblem, read_table
from omslag.exchange.cli import command_context
from omslag.projects import selectors, services
from omslag.projects.models import ReferenceClass


class Command(BaseCommand):
    help = (
        "Build a reference class for forecasting: from an organisation's own projects (first "
        "against latest report) or from a file with the columns earlier, later (and size, label)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="build or rebuild a class")
        build.add_argument("name")
        build.add_argument(
            "--org", required=True, help="short name of the organisation it belongs to"
        )
        build.add_argument("--from-file", type=Path, help="CSV/XLSX/ODS/JSON with earlier, later")
        build.add_argument("--actor", help="e-mail address recorded in the history")
        show = sub.add_parser("list", help="the classes an organisation may use")
        show.add_argument("--org", required=True)

    def handle(self, *args, action, org, **options):
        organisation, actor = command_context(org, options.get("actor"))
        services.reference_class_shipped()
        if action == "list":
            for reference_class in selectors.reference_classes_for(organisation):
                owner = (
                    reference_class.organisation.slug if reference_class.organisation else "shipped"
                )
                self.stdout.write(
                    f"{reference_class.name}\t{reference_class.pairs.count()} pairs\t{owner}"
                )
            return
        name, path = options["name"], options.get("from_file")
        try:
            if path is None:
                built = services.reference_class_build_from_projects(
                    actor=actor, organisation=organisation, name=name
                )
            else:
                built = services.reference_class_save(
                    actor=actor,
                    organisation=organisation,
                    name=name,
                    pairs=_pairs(path),
                    origin=ReferenceClass.Origin.FILE,
                    source=f"Imported from {path.name}",
                )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Reference class {built.name!r}: {built.pairs.count()} pairs.")
        )


def _pairs(path: Path):
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    with path.open("rb") as stream:
        try:
            table = read_table(stream, path.name, max_bytes=50_000_000)
        except FileProblem as problem:
            raise CommandError(f"{path}: {problem.message}") from None
        headers = [h.lower() for h in table.headers]
        for required in ("earlier", "later"):
            if required not in headers:
                raise CommandError(
                    f"{path}: the column {required!r} is missing (have: {', '.join(headers)})."
                )
        pairs, problems = [], []
        for row_number, values in table.rows:
            record = dict(zip(headers, values, strict=False))
            try:
                earlier = float(record["earlier"])
                later = float(record["later"])
                size = float(record["size"]) if record.get("size") else None
            except ValueError:
                problems.append(
                    f"{path}: row {row_number}: earlier, later and size must be numbers"
                )
                continue
            pairs.append((earlier, later, size, record.get("label", "")))
    if problems:
        raise CommandError("\n".join(problems))
    return pairs
