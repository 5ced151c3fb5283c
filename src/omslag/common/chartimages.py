"""Charts as separate SVG resources, served at the address of the page that shows them.

A page no longer carries its charts inside its HTML. A chart function (``common.charts``)
returns a ``ChartImage``: a name, the drawing function and its arguments, not yet drawn. In a
page, ``{{ chart.image }}`` is the page's own address with ``?chart=<name>&v=<etag>``. When the
browser asks for that address, the page's view runs exactly as for the page — the same sign-in,
the same ``access.py`` checks, the same parameters — up to the moment it builds the chart of
that name; building it then raises ``ChartWanted``, and ``ChartMiddleware`` answers with the
SVG instead of the page. So the rights of a chart are the rights of its page, decided in one
place, and a chart address can never show data its page would not.

The ``ETag`` is a hash of the drawing function, its arguments (the chart's data and labels,
in the reader's language), the language and the style version (this package's chart source
and matplotlib's version): the same data gives the same tag in every process. The drawn SVG
is kept in the Django cache under that tag, so a chart is drawn once per change of its data;
a browser that has it answers ``If-None-Match`` and gets 304 without a drawing.
"""

import base64
import contextvars
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.functional import Promise
from django.utils.translation import get_language

CHART_PARAMETER = "chart"
VERSION_PARAMETER = "v"
# The address carries the tag (v=...), so a browser may keep a chart for a day: new data
# gives a new address. ``private``: a chart is as personal as the page it belongs to.
MAX_AGE = 24 * 3600
CACHE_SECONDS = 7 * 24 * 3600

_STYLE = "".join(
    hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted(Path(__file__).parent.glob("chart*.py"))
) + version("matplotlib")

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "omslag_chart_request", default=None
)


def stable(value: Any) -> Any:
    """A plain, process-independent form of a chart argument for hashing: functions by their
    module, name and captured values (never their address), dataclasses by their fields."""
    if isinstance(value, Promise):
        return str(value)  # a lazy translation: its text in the active language
    if hasattr(value, "tobytes") and hasattr(value, "dtype"):  # numpy: repr() abbreviates
        return ("array", str(value.dtype), hashlib.sha256(value.tobytes()).hexdigest())
    if isinstance(value, functools.partial):
        return ("partial", stable(value.func), stable(value.args), stable(value.keywords))
    if callable(value) and not isinstance(value, type) and hasattr(value, "__qualname__"):
        closure = getattr(value, "__closure__", None) or ()
        cells = tuple(stable(cell.cell_contents) for cell in closure)
        defaults = stable(getattr(value, "__defaults__", None))
        return ("function", value.__module__, value.__qualname__, cells, defaults)
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,) + tuple(
            (f.name, stable(getattr(value, f.name))) for f in fields(value)
        )
    if isinstance(value, dict):
        return tuple(sorted((str(k), stable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(stable(v) for v in value)
    return repr(value)


class ChartWanted(Exception):  # noqa: N818 (a signal, not an error)
    """Raised when the chart a request asks for is built: the rest of the page is not needed."""

    def __init__(self, image: "ChartImage"):
        super().__init__(image.name)
        self.image = image


# Drawn pictures also stay in the process for the next request (the Django cache is a
# database table by default): a small LRU in front of it.
_LOCAL_SIZE = 64
_local: OrderedDict[str, str] = OrderedDict()
_local_lock = threading.Lock()


class ChartImage:
    """A chart not yet drawn. ``str()`` gives its address in the current page; ``svg`` draws
    it (or takes it from the cache); ``data_uri`` is for documents made outside a browser
    (the board report's PDF)."""

    def __init__(self, name: str, draw: Callable[..., str], arguments: dict[str, Any]):
        self.name = name
        self._draw = draw
        self._arguments = arguments
        self._request = _request.get()
        self._etag: str | None = None
        request = self._request
        if (
            request is not None
            and request.method in ("GET", "HEAD")
            and request.GET.get(CHART_PARAMETER) == name
        ):
            raise ChartWanted(self)

    @property
    def etag(self) -> str:
        if self._etag is None:
            # The language too: a tick formatter may write numbers the reader's way.
            key = repr((self._draw.__qualname__, _STYLE, get_language(), stable(self._arguments)))
            self._etag = hashlib.sha256(key.encode()).hexdigest()[:32]
        return self._etag

    @property
    def url(self) -> str:
        request = self._request
        if request is None:
            raise RuntimeError("a chart's address exists only while a page is made")
        query = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (CHART_PARAMETER, VERSION_PARAMETER)
            for value in values
        ]
        query += [(CHART_PARAMETER, self.name), (VERSION_PARAMETER, self.etag)]
        return f"{request.path}?{urlencode(query)}"

    def __str__(self) -> str:
        return self.url

    @property
    def svg(self) -> str:
        key = "chart-svg-" + self.etag
        with _local_lock:
            if key in _local:
                _local.move_to_end(key)
                return _local[key]
        drawn = cache.get(key)
        if drawn is None:
            drawn = self._draw(**self._arguments)
            cache.set(key, drawn, CACHE_SECONDS)
        with _local_lock:
            _local[key] = drawn
            while len(_local) > _LOCAL_SIZE:
                _local.popitem(last=False)
        return drawn

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def chart_response(request: HttpRequest, image: ChartImage) -> HttpResponse:
    """The SVG with its tag, or 304 when the browser already holds this version."""
    etag = f'"{image.etag}"'
    headers = {"ETag": etag, "Cache-Control": f"private, max-age={MAX_AGE}"}
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in wanted or f"W/{etag}" in wanted:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(image.svg, content_type="image/svg+xml; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    response["X-Content-Type-Options"] = "nosniff"
    return response


def chart_request_begin(request: HttpRequest) -> contextvars.Token:
    return _request.set(request)


def chart_request_end(token: contextvars.Token) -> None:
    _request.reset(token)
