"""Open government's section on the organisation page, and the ``omslag export open`` folder
export."""

from django.utils.translation import gettext_lazy

from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.exchange.options import folder_export_register

from .exports import open_export_write

folder_export_register("open", open_export_write)

organisation_section_register("open-government", gettext_lazy("Open government"), 70)
organisation_link_register(
    RegisterLink(
        section="open-government",
        url_name="publication:overview",
        label=gettext_lazy("Publications"),
        description=gettext_lazy(
            "What the organisation publishes, proposals waiting for approval, corrections and "
            "withdrawals."
        ),
        order=10,
    )
)
organisation_link_register(
    RegisterLink(
        section="open-government",
        url_name="open:start",
        label=gettext_lazy("The public side"),
        description=gettext_lazy(
            "What everyone sees without signing in, with open data and the public API."
        ),
        order=20,
        per_organisation=False,
    )
)
