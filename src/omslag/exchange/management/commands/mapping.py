import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from omslag.common.commands import OmslagCommand
from omslag.common.errors import DomainError
from omslag.common.jsonreader import JsonProblem, load_json
from omslag.exchange import selectors, services
from omslag.exchange.cli import command_context
from omslag.exchange.models import ColumnMapping


class Command(OmslagCommand):
    help = (
        "Saved mappings of other systems' files: create one from a JSON conversion, list, show "
        "or delete them. Use one with `omslag import KIND FILE --mapping NAME`."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create or replace a mapping from a file")
        create.add_argument("name")
        create.add_argument("--org", required=True, help="short name of the organisation")
        create.add_argument("--kind", required=True, help="the register the files go into")
        create.add_argument(
            "--file",
            required=True,
            type=Path,
            help="JSON: a conversion (docs/import-export.md) or {column: target} to rename",
        )
        listing = actions.add_parser("list", help="the organisation's mappings")
        listing.add_argument("--org", required=True)
        for name in ("show", "delete"):
            sub = actions.add_parser(name, help=f"{name} a mapping")
            sub.add_argument("name")
            sub.add_argument("--org", required=True)
            sub.add_argument("--kind", required=True)

    def handle(self, *args, action, org, **options):
        organisation, _person = command_context(org, None)
        if action == "list":
            for mapping in selectors.column_mappings_of(organisation):
                what = _("conversion") if mapping.conversion else _("renaming")
                self.stdout.write(
                    f"{mapping.kind}\t{mapping.name}\t{what}\t"
                    + _("%(count)s columns") % {"count": len(mapping.columns)}
                )
            return
        if action == "create":
            return self.create(organisation, options)
        mapping = ColumnMapping.objects.filter(
            organisation=organisation, kind=options["kind"], name=options["name"]
        ).first()
        if mapping is None:
            raise CommandError(
                _("No column mapping %(name)r for %(kind)s in %(org)s.")
                % {"name": options["name"], "kind": options["kind"], "org": org}
            )
        if action == "show":
            document = mapping.conversion or {"columns": mapping.columns}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        services.column_mapping_delete(mapping=mapping)
        self.stdout.write(_("Deleted the mapping %(name)s.") % {"name": options["name"]})

    def create(self, organisation, options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            document = load_json(path.read_bytes())
        except JsonProblem as problem:
            raise CommandError(f"{path.name}: {problem.message}") from None
        if not isinstance(document, dict):
            raise CommandError(_("%(file)s must hold a JSON object.") % {"file": path.name})
        is_conversion = isinstance(document.get("columns"), dict) and all(
            isinstance(rule, dict) for rule in document["columns"].values()
        )
        try:
            mapping = services.column_mapping_save(
                actor=None,
                organisation=organisation,
                kind=options["kind"],
                name=options["name"],
                columns=None if is_conversion else document,
                conversion=document if is_conversion else None,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            _("Saved the mapping %(name)s for %(kind)s (%(count)s columns).")
            % {"name": mapping.name, "kind": mapping.kind, "count": len(mapping.columns)}
        )
