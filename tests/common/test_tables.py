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
