"""Registers the tiles computed from the registers of the other apps."""

from django.utils.translation import gettext_lazy as _

from . import Tile, tile_register
from .balance import balance_compute, balance_link
from .innovation import innovation_compute, innovation_link
from .legacy import legacy_compute, legacy_link
from .projects import projects_compute, projects_link
from .safeguards import safeguards_compute, safeguards_link


def _template(key: str) -> str:
    return f"leadership/tiles/{key}.html"


for _key, _title, _order, _compute, _link in [
    ("balance", lambda: _("Balance"), 10, balance_compute, balance_link),
    ("legacy", lambda: _("Legacy"), 20, legacy_compute, legacy_link),
    ("projects", lambda: _("Large projects"), 30, projects_compute, projects_link),
    ("innovation", lambda: _("Innovation"), 40, innovation_compute, innovation_link),
    ("safeguards", lambda: _("Safeguards"), 50, safeguards_compute, safeguards_link),
]:
    tile_register(Tile(_key, _title, _order, _compute, _link, _template(_key)))
