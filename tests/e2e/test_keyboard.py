"""The interface works by keyboard: signing in, the skip link, and a visible focus."""

from .support import DEMO_PASSWORD, E2E

pytestmark = E2E

_FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, classes: [...el.classList],
    href: el.getAttribute('href'), text: el.textContent.trim(),
    outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def _focused(page) -> dict:
    return page.evaluate(_FOCUSED)


def test_sign_in_skip_link_and_visible_focus_by_keyboard(demo, new_page):
    page = new_page()
    page.goto(demo.url + "/login")

    # The e-mail field has focus when the page opens; sign in without touching the mouse.
    assert _focused(page)["id"] == "id_username"
    page.keyboard.type("lezer@omslag.example")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo.url + "/"

    for path in ("/", "/organisations/dienst-digitale-dienstverlening"):
        page.goto(demo.url + path)
        # The first Tab stop is the skip link, and it shows itself when it has focus.
        page.keyboard.press("Tab")
        skip = _focused(page)
        assert "skip-link" in skip["classes"] and skip["href"] == "#main", (path, skip)
        assert skip["visible"], f"{path}: the focused skip link is off screen"
        assert skip["outlineStyle"] != "none", f"{path}: the focused skip link has no outline"

        # Following it moves focus to the main content ...
        page.keyboard.press("Enter")
        assert _focused(page)["id"] == "main", f"{path}: focus did not move to main"

        # ... and the next Tab stop is inside main, with a visible focus outline.
        page.keyboard.press("Tab")
        link = _focused(page)
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
        assert link["tag"] == "a", (path, link)
        assert link["outlineStyle"] != "none" and link["outlineWidth"] != "0px", (
            f"{path}: focused link {link['text']!r} has no visible outline: {link}"
        )
