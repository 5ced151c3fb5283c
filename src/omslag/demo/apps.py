from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo (``omslag demo``, ``make run``): no models, only its command, which composes
    every app's demo data; it stands above the apps, so that ``common`` never has to reach up
    into them."""

    name = "omslag.demo"
    label = "demo"
    verbose_name = _("Demo")
