"""The maturity scan's section on the organisation page, and its tile on the board dashboard."""

from django.utils.translation import gettext_lazy

from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)

from .board_tile import maturity_tile_register

organisation_section_register("digital-maturity", gettext_lazy("Digital maturity"), 60)
organisation_link_register(
    RegisterLink(
        section="digital-maturity",
        url_name="maturity:rounds",
        label=gettext_lazy("Maturity scan"),
        description=gettext_lazy(
            "The board's own scan of six dimensions of digital government, its results and "
            "their trend."
        ),
        order=10,
    )
)
organisation_link_register(
    RegisterLink(
        section="digital-maturity",
        url_name="maturity:peers",
        label=gettext_lazy("Comparison with peers"),
        description=gettext_lazy(
            "The scan's results against organisations of the same kind, anonymously."
        ),
        order=20,
    )
)
maturity_tile_register()
