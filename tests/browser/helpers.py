"""What browser tests share: the axe accessibility check, signing in, keyboard focus."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

if TYPE_CHECKING:
    from commission.models import Protocol
    from portal.models import User

AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# A same-origin address that the browser fixture answers with axe-core; the portal has no such page.
AXE_ROUTE = "/__test-only__/axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIGN_BUTTON = "#eds-sign-button"
LANGUAGE_COOKIE = "portal_language"

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


def assert_accessible(page: Page) -> None:
    """Fail, listing each problem, if axe-core finds WCAG 2.1 A/AA violations on the page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_ROUTE)
    violations = page.evaluate(_RUN_AXE, WCAG_AA_TAGS)
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" <{violation['helpUrl']}>"
            )
            for node in violation["nodes"]:
                lines.append(f"    at {node['target']}")
                lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
        raise AssertionError("\n".join(lines))


def sign_in_as(context: BrowserContext, user, *, base_url: str) -> None:
    """Put a session for ``user`` into the browser context (no EDS or password round trip)."""
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie.value, "url": base_url}]
    )


def focused_element(page: Page) -> dict:
    """The id, tag, classes and text of the element that has keyboard focus."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {id: el.id, tag: el.tagName.toLowerCase(), classes: [...el.classList],
                  text: el.textContent.trim(), value: el.value ?? null};
        }"""
    )


def tab_to(page: Page, selector: str, *, max_presses: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has focus; fail if it is never reached."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def choose_eds_signer(page: Page, *, intent: str, signer: str) -> None:
    """On the EDS sign-in page: whom the person signs in as, and (sandbox only) whose test key
    the sandbox NCALayer signs with ("IIN", or "IIN|BIN" for an organisation's key)."""
    page.locator(f"input[name='intent'][value='{intent}']").check()
    page.select_option("#id_test_signer", signer)


def sign_in_with_eds(page: Page, *, intent: str, signer: str) -> None:
    """Sign in through the real EDS sign-in page and the sandbox NCALayer (ID-3), so that the
    session holds what the key says (its BIN and role OIDs), as for a real person."""
    page.goto("/eds/sign-in/")
    choose_eds_signer(page, intent=intent, signer=signer)
    page.click("#eds-sign-button")
    page.wait_for_selector(".account__name")


# The steps the workspace journeys share (tests/browser/test_workspace.py, test_complaints.py).


def origin(page: Page) -> str:
    match = re.match(r"https?://[^/]+", page.url)
    assert match, page.url
    return match.group(0)


def choose_language(page: Page, language: str) -> None:
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": origin(page)}])


def assert_reflows_at_320(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} needs horizontal scrolling at 320 px ({width} px)"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def page_state(page: Page) -> tuple[str, int, int, int]:
    """What tells one state of a page from another, whatever the language."""
    return (
        page.url,
        page.locator(".error-summary").count(),
        page.locator(SIGN_BUTTON).count(),
        page.locator("main form").count(),
    )


def check(page: Page, *, reflow: bool = False) -> None:
    """axe (WCAG 2.1 AA) on the page as it stands, in Russian; then the same page again in
    Kazakh, and back to Russian for the journey to go on. A page that a form's POST rendered (an
    error summary, a signing step) is posted again by the reload: those posts change nothing."""
    assert page.locator("html").get_attribute("lang") == "ru", page.url
    assert_accessible(page)
    if reflow:
        assert_reflows_at_320(page)
    state = page_state(page)
    for language in ("kk", "ru"):
        choose_language(page, language)
        page.reload()
        assert page.locator("html").get_attribute("lang") == language, page.url
        assert page_state(page) == state, f"{page.url} in {language} is not the same page"
        if language == "kk":
            assert_accessible(page)
            if reflow:
                assert_reflows_at_320(page)


def visit(page: Page, path: str, *, reflow: bool = False) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} -> {response and response.status}"
    check(page, reflow=reflow)


def as_person(page: Page, person: User, *, intent: str = "staff", signer: str = "") -> None:
    """Sign in as the person does: the EDS sign-in page, their own key in the sandbox NCALayer
    (ID-3). Cookies are cleared first, the language cookie with them."""
    page.context.clear_cookies()
    sign_in_with_eds(page, intent=intent, signer=signer or person.iin)
    expect(page.locator(".account__name")).to_contain_text(person.full_name.split()[0])


def vote_with_the_mouse(page: Page, item_pk: int, *, check_pages: bool = False) -> None:
    page.goto(f"/workspace/items/{item_pk}/vote/")
    if check_pages:
        check(page, reflow=True)
    page.locator("input[name='choice'][value='for']").check()
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".eds-document__text")).to_contain_text("Голос члена комиссии")
    if check_pages:
        check(page, reflow=True)
    page.click(SIGN_BUTTON)
    expect(page).to_have_url(re.compile(rf"/workspace/items/{item_pk}/$"))


def sign_the_protocol(page: Page, protocol: Protocol, *, check_pages: bool = False) -> None:
    page.goto(f"/workspace/protocols/{protocol.pk}/sign/")
    expect(page.locator(SIGN_BUTTON)).to_be_visible()
    if check_pages:
        check(page, reflow=True)
    page.click(SIGN_BUTTON)
    expect(page).to_have_url(re.compile(rf"/workspace/protocols/{protocol.pk}/$"))
    expect(page.locator("main")).to_contain_text("Вы подписали протокол")
