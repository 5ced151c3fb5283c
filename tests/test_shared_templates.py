"""List and form pages are built from the shared includes in src/omslag/templates/components:
no app template writes out again the pagination, the sort links, the filter problems, search
field, single-value filters and buttons, the export links, the conflict notice, the grouped
form fields, a field's errors or the choices of a radio or checkbox group; edit pages
post through the shared form, delete pages through the shared confirmation. A new page that
copies one of them fails here; it includes the component instead."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "omslag"
COMPONENTS = SRC / "templates" / "components"

# (what, a piece of markup only the component may hold, the component)
WRITTEN_ONCE = [
    ("pagination", r'class="pagination"', "pagination.html"),
    ("sort link", r'class="sort-link"', "sort_heading.html"),
    ("filter problems", r"Some filters were not understood", "filter_problems.html"),
    (
        "search field of a filter form",
        r'filters__search">\s*<label for="\{\{ (form\.q|field)\.id_for_label',
        "filter_search.html",
    ),
    (
        "clear the filters",
        r'\{% if filtered %\}<a href="[^"]*">\{% translate "Clear the filters" %\}</a>',
        "filter_actions.html",
    ),
    (
        "export links of a register",
        r"\{% url 'exchange:export' organisation\.slug %\}\?kind=",
        "export_links.html",
    ),
    ("conflict notice", r"Check the current values below", "conflict.html"),
    (
        "breadcrumbs through the organisations above",
        r"\{% for ancestor in ancestors %\}",
        "org_breadcrumbs.html",
    ),
    (
        "grouped form fields",
        r"\{% for (group|legend, fields) in form\.fieldsets %\}",
        "form_fieldsets.html",
    ),
    (
        "a filter that takes one value",
        r'<div class="field">\s*<label for="\{\{ (form\.\w+|field)\.id_for_label \}\}">[^<]*'
        r"\{\{ (form\.\w+|field)\.label \}\}</label>\s*\{\{ (form\.\w+|field) \}\}\s*"
        r"(</div>|\{% if)",
        "filter_field.html",
    ),
]


def _app_templates():
    return list(SRC.glob("*/templates/**/*.html"))


def _copies(markup):
    return sorted(
        str(path.relative_to(SRC))
        for path in _app_templates()
        if re.search(markup, path.read_text())
    )


@pytest.mark.parametrize(
    ("what", "markup", "component"), WRITTEN_ONCE, ids=[w[0] for w in WRITTEN_ONCE]
)
def test_each_repeated_block_is_written_once_in_its_component(what, markup, component):
    assert re.search(markup, (COMPONENTS / component).read_text()), f"{component} holds the {what}"
    assert _copies(markup) == [], f"the {what} is written again instead of {component}"


@pytest.mark.parametrize(
    ("what", "copy"),
    [
        (
            "grouped form fields",
            "{% for legend, fields in form.fieldsets %}<fieldset><legend>{{ legend }}</legend>",
        ),
        (
            "a filter that takes one value",
            '<div class="field">\n  <label for="{{ form.owner.id_for_label }}">'
            "{{ form.owner.label }}</label>\n  {{ form.owner }}\n</div>",
        ),
    ],
)
def test_the_guard_finds_a_copy(what, copy):
    """The check above can fail: the markup the maturity answers, the experiment design and
    the application list's filters once wrote out is found in a template's text."""
    markup = next(m for w, m, _component in WRITTEN_ONCE if w == what)
    assert re.search(markup, copy)


def test_edit_and_delete_pages_use_the_shared_form_and_buttons():
    """Every create or edit page posts through components/form.html or ends with
    components/form_actions.html; every delete confirmation is components/delete_form.html."""
    for path in _app_templates():
        text = path.read_text()
        if path.name.endswith("_delete.html"):
            assert '{% include "components/delete_form.html" %}' in text, path.name
        if path.name.endswith("_form.html"):
            assert re.search(r"components/form(_actions)?\.html", text), path.name
