import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omslag.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Import at start-up what the first requests would (the chart library), then move every
    object that exists by then out of the garbage collector's view (gc.freeze). Full
    collections otherwise scan Django, numpy and matplotlib on every cycle, which costs
    pages with large figures a pause of about 100 ms every few requests."""
    from omslag.common import charts

    charts.preload()
    gc.collect()
    gc.freeze()


warm_up()
