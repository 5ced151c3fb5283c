"""What the browser tests share: the Chromium to use, signing in, and the accessibility check."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Every browser test carries these marks: the e2e marker, and a skip with the reason when the
# system Chromium is missing (Playwright's own browser download is not used), through
# skip_unless so that CI (OMSLAG_REQUIRE_ALL=1) fails instead.
E2E = [pytest.mark.e2e, pytest.mark.usefixtures("chromium_present")]

DEMO_PASSWORD = "e2e-demo-password-0123"
VIEWPORT = {"width": 1280, "height": 800}
# axe-core checks every page at a phone's width as well as at VIEWPORT's: whether a table
# overflows its frame (and so must be reachable by keyboard) depends on the width.
NARROW_WIDTH = 390
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS_WANTED = os.environ.get("OMSLAG_SCREENSHOTS") == "1"

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# axe-core passes an aria-describedby that points at no element at all; a screen reader then
# reads nothing. Report every id reference that does not resolve, and every one that resolves
# to more than one element (a label then names whichever field comes first in the page).
_BROKEN_IDREFS = """() => {
  const problems = [];
  const check = (el, attr) => {
    for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
      const found = document.querySelectorAll('#' + CSS.escape(id)).length;
      if (found !== 1) {
        problems.push({target: el.id ? '#' + el.id : el.tagName.toLowerCase(), attr, id, found});
      }
    }
  };
  for (const el of document.querySelectorAll('[aria-describedby]')) check(el, 'aria-describedby');
  for (const el of document.querySelectorAll('[aria-labelledby]')) check(el, 'aria-labelledby');
  for (const el of document.querySelectorAll('[aria-controls]')) check(el, 'aria-controls');
  for (const el of document.querySelectorAll('label[for]')) check(el, 'for');
  return problems;
}"""


def _target(node: dict) -> str:
    return " ".join(
        " >> ".join(part) if isinstance(part, list) else str(part) for part in node["target"]
    )


@dataclass
class PageReport:
    label: str
    url: str
    violations: list[dict]
    broken_idrefs: list[dict]

    def lines(self) -> list[str]:
        lines = [f"* {self.label} ({self.url})"]
        for violation in self.violations:
            targets = [_target(node) for node in violation["nodes"]]
            shown = ", ".join(targets[:8]) + (
                f" … and {len(targets) - 8} more" if len(targets) > 8 else ""
            )
            lines.append(
                f"    - {violation['id']} [{violation.get('impact') or 'unknown impact'}] "
                f"at {violation.get('viewport', '?')} px: {violation['help']}: {shown}"
            )
            snippet = violation["nodes"][0].get("html", "").replace("\n", " ")
            lines.append(f"      first node: {snippet[:200]}")
        for ref in self.broken_idrefs:
            lines.append(
                f'    - broken-idref [serious] {ref["target"]} has {ref["attr"]}="{ref["id"]}" '
                + (
                    "but no element has that id"
                    if not ref.get("found")
                    else f"but {ref['found']} elements have that id"
                )
            )
        return lines


@dataclass
class Tour:
    """One person's walk through the pages, each checked with axe-core (WCAG 2.1 A and AA).

    Violations are collected so that one run reports every page with problems; a wrong HTTP
    status stops the walk at once.
    """

    page: object
    base_url: str
    who: str
    checked: list[str] = field(default_factory=list)
    failures: list[PageReport] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(
        self,
        path: str,
        label: str,
        *,
        status: int = 200,
        check: bool = True,
        open_details: bool = False,
    ):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (
            f"{self.who}: {label} ({path}) answered {response and response.status}, "
            f"expected {status}"
        )
        if check:
            self.check(label, open_details=open_details)
        return response

    def submit(self, button, label: str, *, status: int = 200, check: bool = True):
        """Click a submit button, wait for the page it leads to, and check that page."""
        with self.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        assert response is not None and response.status == status, (
            f"{self.who}: {label} answered {response and response.status}, expected {status} "
            f"(now at {self.page.url})"
        )
        if check:
            self.check(label)
        return response

    def check(self, label: str, *, open_details: bool = False) -> None:
        """Check the page as it is; with open_details, first open every <details> in main,
        since axe-core skips what is hidden and forms hide there."""
        if open_details:
            self.page.evaluate(_OPEN_DETAILS)
        report = accessibility_report(self.page, label, who=self.who)
        self.checked.append(label)
        if report.violations or report.broken_idrefs:
            self.failures.append(report)

    def assert_accessible(self) -> None:
        lines = [line for report in self.failures for line in report.lines()]
        assert not self.failures, (
            f"{len(self.failures)} of {len(self.checked)} pages seen by {self.who} "
            "fail WCAG 2.1 A/AA checks:\n" + "\n".join(lines)
        )


@dataclass
class SnapshotTour(Tour):
    """A Tour whose pages are checked by axe-core in ``checker``, a page with JavaScript: the
    walk itself runs without JavaScript, where axe-core cannot run."""

    checker: object = None

    def check(self, label: str, *, open_details: bool = False) -> None:
        url = self.page.url
        html = self.page.content()
        address = url.split("#", 1)[0]

        def serve(route):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def matches(candidate: str) -> bool:
            return candidate == address

        self.checker.route(matches, serve)
        try:
            self.checker.goto(url)
            if open_details:
                self.checker.evaluate(
                    "() => document.querySelectorAll('main details').forEach(d => d.open = true)"
                )
            report = accessibility_report(self.checker, label, who=self.who)
        finally:
            self.checker.unroute(matches, serve)
        report.url = url
        self.checked.append(label)
        if report.violations or report.broken_idrefs:
            self.failures.append(report)


_axe = None

_OPEN_DETAILS = "() => document.querySelectorAll('main details').forEach(d => { d.open = true; })"

# Every chart is an <img> in a <figure>: it needs a text alternative, a caption, and the
# figures themselves in a table after it, in the same page section. Its picture is a separate
# SVG at the page's address (?chart=...), never a data: image; it must have loaded.
_CHART_PROBLEMS = """() => {
  const problems = [];
  const figures = [...document.querySelectorAll('main figure')].filter(f => f.querySelector('img'));
  figures.forEach((figure, index) => {
    const caption = (figure.querySelector('figcaption') || {}).textContent || '';
    const name = caption.trim() || `figure ${index + 1}`;
    if (!caption.trim()) problems.push(`${name}: the figure has no caption`);
    for (const img of figure.querySelectorAll('img')) {
      if (!(img.getAttribute('alt') || '').trim()) problems.push(`${name}: the image has no alt`);
      if ((img.getAttribute('src') || '').startsWith('data:'))
        problems.push(`${name}: a data: image`);
      if (!img.complete || img.naturalWidth === 0) problems.push(`${name}: the image is empty`);
    }
    const scope = figure.closest('section') || figure.closest('main');
    const after = [...scope.querySelectorAll('table')].filter(
      table => figure.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (!after.length) problems.push(`${name}: no data table follows it in its section`);
  });
  return {count: figures.length, problems};
}"""


def assert_charts(page, label: str, *, count: int) -> None:
    """The page shows ``count`` charts, each with an alt text, a caption and a data table."""
    found = page.evaluate(_CHART_PROBLEMS)
    assert not found["problems"], f"{label} ({page.url}): " + "; ".join(found["problems"])
    assert found["count"] == count, f"{label}: expected {count} charts, found {found['count']}"


_UNLOADED_STYLESHEETS = """() => [...document.querySelectorAll('link[rel=stylesheet]')]
  .filter(link => !link.sheet || link.sheet.cssRules.length === 0)
  .map(link => link.href)"""


def assert_styled(page, label: str) -> None:
    """Colour contrast can only be judged on the page as styled: every stylesheet must load."""
    unloaded = page.evaluate(_UNLOADED_STYLESHEETS)
    assert not unloaded, f"{label} ({page.url}): stylesheet did not load: {', '.join(unloaded)}"


@dataclass
class AxeRecord:
    """Every page checked in this run, for the accessibility statement (see
    docs/participation.md): written when OMSLAG_ACCESSIBILITY_REPORT=1."""

    pages: list[tuple[str, str, int]] = field(default_factory=list)  # who, url, violations
    tool: str = "axe-core"


AXE_RECORD = AxeRecord()


def accessibility_report(page, label: str, *, who: str = "") -> PageReport:
    global _axe
    assert_styled(page, label)
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    size = page.viewport_size or VIEWPORT
    violations = []
    engine: dict = {}
    try:
        for width in (NARROW_WIDTH, size["width"]):
            page.set_viewport_size({"width": width, "height": size["height"]})
            results = _axe.run(page, options=AXE_OPTIONS)
            engine = results.response.get("testEngine") or engine
            for violation in results.response["violations"]:
                violations.append({**violation, "viewport": width})
    finally:
        page.set_viewport_size(size)
    report = PageReport(
        label=label,
        url=page.url,
        violations=violations,
        broken_idrefs=page.evaluate(_BROKEN_IDREFS),
    )
    AXE_RECORD.tool = f"{engine.get('name', 'axe-core')} {engine.get('version', '')}".strip()
    AXE_RECORD.pages.append((who, page.url, len(report.violations) + len(report.broken_idrefs)))
    return report


def assert_accessible(page, label: str) -> None:
    """Check one page on its own; the assertion message lists rule, impact and nodes."""
    report = accessibility_report(page, label)
    assert not (report.violations or report.broken_idrefs), (
        "page fails WCAG 2.1 A/AA checks:\n" + "\n".join(report.lines())
    )


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url + "/login")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    # A board member or auditor (and nothing else) lands on their board dashboard.
    dashboard = re.fullmatch(re.escape(base_url) + r"/organisations/[a-z0-9-]+/dashboard", page.url)
    assert page.url == base_url + "/" or dashboard, f"signing in as {email} ended at {page.url}"


def switch_language(page, code: str):
    """Use the language form in the page header, as a visitor would."""
    page.select_option("#language-select", code)
    with page.expect_navigation() as navigation:
        page.locator("header form[action='/language'] button[type=submit]").click()
    return navigation.value


def screenshot(
    page, name: str, *, element=None, palette: bool = False, max_bytes: int = 300_000
) -> None:
    """Write docs/screenshots/<name>.png when OMSLAG_SCREENSHOTS=1: the full page, or only
    ``element`` (a locator) when given. With ``palette``, the PNG is reduced to 256 colours
    (no dithering), which keeps a long page with charts small and its text sharp."""
    if not SCREENSHOTS_WANTED:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if element is None:
        page.screenshot(path=str(path), full_page=True)
    else:
        element.screenshot(path=str(path))
    if palette:
        from PIL import Image  # comes with matplotlib

        with Image.open(path) as image:
            reduced = image.convert("RGB").quantize(
                colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            )
        reduced.save(path, optimize=True)
    size = path.stat().st_size
    assert size < max_bytes, f"{path} is {size} bytes; keep it under {max_bytes}"


def experiment_charts_expected(experiment_id: int) -> int:
    """The charts an experiment's page must show, counted from its stored evaluations (not
    from the page): one effect chart per metric with an effect estimate, and one
    confidence-sequence chart per metric with looks."""
    from omslag.innovation.models import Evaluation

    evaluations = Evaluation.objects.filter(experiment_id=experiment_id)
    effects = {
        e.metric
        for e in evaluations
        if e.method in ("welch", "proportions", "did-cells", "did-panel")
    }
    sequences = {
        e.metric for e in evaluations if e.method == "sequential" and e.result.get("looks")
    }
    return len(effects) + len(sequences)
