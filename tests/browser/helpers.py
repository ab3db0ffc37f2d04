"""What browser tests share: the axe accessibility check, signing in, keyboard focus."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page

AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# A same-origin address that the browser fixture answers with axe-core; the portal has no such page.
AXE_ROUTE = "/__test-only__/axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

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
