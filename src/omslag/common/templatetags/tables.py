"""``{% tablewrapper %}…{% endtablewrapper %}``: the scrolling frame around a wide table.

A table wider than the screen scrolls inside its frame; a keyboard user can only scroll it when
the frame can take focus, and a screen reader then needs to hear what the frame holds. So the
frame is focusable (``tabindex="0"``), a region, and named after the table's caption (WCAG 2.1
2.1.1 and 4.1.2; axe-core's ``scrollable-region-focusable``). Every table of the interface is
wrapped this way, whether it overflows or not: that depends on fonts, viewport and browser.
The tag is a template builtin (settings.TEMPLATES), so templates use it without ``{% load %}``.
"""

import html
import re

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


def caption_text(table_html: str) -> str:
    """The plain text of the first caption in ``table_html``, whitespace collapsed."""
    match = CAPTION.search(table_html)
    if match is None:
        return ""
    return " ".join(html.unescape(strip_tags(match.group(1))).split())


class TableWrapperNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        inner = self.nodelist.render(context)
        label = caption_text(inner)
        if not label:
            raise template.TemplateSyntaxError(
                "{% tablewrapper %} needs a table with a caption: the caption names the region"
            )
        return format_html(
            '<div class="table-wrapper" tabindex="0" role="region" aria-label="{}">{}</div>',
            label,
            mark_safe(inner),  # noqa: S308 (already rendered, and escaped, by the template)
        )


@register.tag("tablewrapper")
def tablewrapper(parser, token):
    nodelist = parser.parse(("endtablewrapper",))
    parser.delete_first_token()
    return TableWrapperNode(nodelist)


FIGCAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.DOTALL | re.IGNORECASE)
IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


class ChartFrameNode(template.Node):
    """Wraps the chart's image in a frame that scrolls sideways on a phone, where the picture
    keeps enough of its width for its text and legend to stay readable (omslag.css); like a
    table's frame it is focusable and named after the figure's caption."""

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        inner = self.nodelist.render(context)
        caption = FIGCAPTION.search(inner)
        image = IMAGE.search(inner)
        if caption is None or image is None:
            raise template.TemplateSyntaxError(
                "{% chartframe %} needs a figure with a figcaption and an img"
            )
        label = " ".join(html.unescape(strip_tags(caption.group(1))).split())
        opening = format_html(
            '<div class="chart__frame" tabindex="0" role="region" aria-label="{}">', label
        )
        return mark_safe(  # noqa: S308 (rendered and escaped by the template; label escaped)
            inner[: image.start()] + opening + image.group(0) + "</div>" + inner[image.end() :]
        )


@register.tag("chartframe")
def chartframe(parser, token):
    nodelist = parser.parse(("endchartframe",))
    parser.delete_first_token()
    return ChartFrameNode(nodelist)
