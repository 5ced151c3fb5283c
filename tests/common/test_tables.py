"""Every scrolling table frame is reachable by keyboard and named after its table's caption."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

SRC = Path(__file__).resolve().parents[2] / "src" / "omslag"
FRAME = re.compile(r"<div[^>]*table-wrapper[^>]*>(.*?)</div>", re.DOTALL)


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_the_frame_is_a_focusable_region_named_by_the_caption():
    html = render(
        "{% tablewrapper %}<table>\n  <caption>Spend of {{ name }} <span>(€)</span></caption>"
        "<tr><td>1</td></tr></table>{% endtablewrapper %}",
        name="Wadderveen & co",
    )
    assert html.startswith(
        '<div class="table-wrapper" tabindex="0" role="region" '
        'aria-label="Spend of Wadderveen &amp; co (€)"><table>'
    )
    assert html.endswith("</table></div>")
    assert "Wadderveen &amp; co" in html  # the content is rendered (and escaped) once


def test_a_frame_without_a_caption_is_refused():
    with pytest.raises(TemplateSyntaxError, match="caption"):
        render("{% tablewrapper %}<table><tr><td>1</td></tr></table>{% endtablewrapper %}")


def test_no_template_writes_a_bare_frame():
    bare = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.html")
        if 'class="table-wrapper"' in path.read_text()
    ]
    assert not bare, f"use {{% tablewrapper %}} instead of a bare frame in {bare}"
    wrapped = sum(p.read_text().count("{% tablewrapper %}") for p in SRC.rglob("*.html"))
    assert wrapped > 40  # the scan found the project's templates


@pytest.mark.django_db
def test_a_rendered_page_names_every_frame_after_its_table(tree, make_member, client):
    from omslag.organisations.models import Role

    ministry = tree[0]
    client.force_login(make_member(Role.ADMIN, ministry))
    page = client.get(f"/organisations/{ministry.slug}/people").content.decode()
    frames = re.findall(r"<div ([^>]*class=\"table-wrapper\"[^>]*)>\s*<table", page)
    assert frames, "the page shows a table"
    for attributes in frames:
        assert 'tabindex="0"' in attributes and 'role="region"' in attributes
    captions = re.findall(r"<caption[^>]*>(.*?)</caption>", page, re.DOTALL)
    labels = re.findall(r'class="table-wrapper"[^>]*aria-label="([^"]*)"', page)
    assert labels == [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in captions]


def test_a_chart_image_sits_in_a_focusable_frame_named_by_the_caption():
    html = render(
        '{% chartframe %}<figure class="chart"><figcaption>Balans <span>(€)</span>'
        '</figcaption><img src="x.svg" alt="Grafiek"><p>Samenvatting</p></figure>'
        "{% endchartframe %}"
    )
    assert html == (
        '<figure class="chart"><figcaption>Balans <span>(€)</span></figcaption>'
        '<div class="chart__frame" tabindex="0" role="region" aria-label="Balans (€)">'
        '<img src="x.svg" alt="Grafiek"></div><p>Samenvatting</p></figure>'
    )


def test_every_chart_is_framed_and_keeps_a_readable_width_on_a_phone():
    """A 864-pixel chart drawn with 10-point text (13.3 px) shows its legend at 13.3 x w / 864
    px when drawn w pixels wide; at 390 px (about 358 px of content) that is 5.5 px. The frame
    keeps at least 37rem (592 px): 9.1 px, and scrolls sideways."""
    # Every chart's figure (class "chart"; a QR code's figure is no chart).
    figures = [
        (path, text.count('<figure class="chart'), text.count("{% chartframe %}"))
        for path in SRC.rglob("*.html")
        if '<figure class="chart' in (text := path.read_text())
    ]
    assert figures and all(found == framed for _path, found, framed in figures), figures
    css = (SRC / "static" / "omslag" / "omslag.css").read_text()
    minimum = re.search(r"\.chart__frame img \{ min-width: ([\d.]+)rem; \}", css)
    assert minimum and float(minimum.group(1)) * 16 * 13.3 / 864 >= 9
    assert ".chart__frame { overflow-x: auto; }" in css
