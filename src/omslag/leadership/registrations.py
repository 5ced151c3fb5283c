"""The board's section on the organisation page."""

from django.utils.translation import gettext_lazy

from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)

organisation_section_register("board", gettext_lazy("Board"), 5)
organisation_link_register(
    RegisterLink(
        section="board",
        url_name="leadership:dashboard",
        label=gettext_lazy("Board dashboard"),
        description=gettext_lazy(
            "Balance, legacy, large projects, innovation and safeguards on one page, the "
            "decisions waiting, and the board report."
        ),
        order=10,
    )
)
