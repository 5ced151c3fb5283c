"""Reading a page's charts as a browser does: each ``<img>`` of a chart is an address of the
page itself with ``?chart=<name>``, fetched separately (see ``omslag.common.chartimages``)."""

import html
import re

CHART_IMAGE = re.compile(r'<img src="(/[^"]*(?:\?|&amp;)chart=[^"]+)"')


def chart_urls(page: str) -> list[str]:
    """The addresses of the charts in a page's HTML, in page order."""
    return [html.unescape(src) for src in CHART_IMAGE.findall(page)]


def chart_svgs(client, response) -> list[str]:
    """The SVG text of every chart in the page, fetched with the same client (same rights)."""
    svgs = []
    for url in chart_urls(response.content.decode()):
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        assert answer["Content-Type"].startswith("image/svg+xml")
        svgs.append(answer.content.decode())
    return svgs
