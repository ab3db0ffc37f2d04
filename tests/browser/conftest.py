"""Chromium through Playwright against pytest-django's live server.

Debian's Chromium (/usr/bin/chromium) is used as installed; Playwright's own browsers are never
downloaded. Playwright's launch() gives every browser a fresh, temporary user-data directory (it
refuses a --user-data-dir argument), so no profile state is carried between runs.
"""

import os
from pathlib import Path

import pytest

from tests.browser.helpers import AXE_ROUTE, AXE_SOURCE

# Playwright's sync API keeps an event loop in this thread; Django would otherwise refuse the
# tests' own database access (SynchronousOnlyOperation). Tests only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: scripts/ensure-system-packages.sh installs Debian's.")
    if not AXE_SOURCE.exists():
        pytest.fail("axe-core is missing: run `npm install` at the repository root.")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps database connections in a thread-critical asgiref Local, which switches to
    # other storage while an event loop runs in the thread, as Playwright's does from now on.
    # Carry the test database connections over, so that the tests and pytest-django keep using
    # the connections that setup prepared (a fresh one would lose what setup stored on it).
    test_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in test_connections.items():
            connections[alias] = connection
        # A machine shared by two test workers signs and renders PDFs slowly: waits are for
        # events, never timings, so a longer ceiling only makes a real failure report later.
        from playwright.sync_api import expect

        expect.set_options(timeout=20_000)
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_locale():
    """The browser's language (Accept-Language). Override in a test module to change it."""
    return "kk-KZ"


@pytest.fixture
def context(browser, live_server, reference_rows, browser_locale):
    """A fresh browser context (cookies, storage) per test, on the live server.

    The live server needs transactional_db, whose flush after each test empties every table; the
    reference rows (regions, classifier) are put back first. The page's Content-Security-Policy
    stays in force: tests see what users see.
    """
    context = browser.new_context(base_url=live_server.url, locale=browser_locale)
    yield context
    context.close()


@pytest.fixture
def csp_violations():
    """What the browser refused under the page's Content-Security-Policy during the test."""
    return []


@pytest.fixture
def page(context, live_server, csp_violations):
    """A page that serves axe-core for the accessibility check and records CSP violations.

    axe is served at a same-origin test-only address so that ``script-src 'self'`` allows it; a
    page that breaks the policy (inline style or script) fails the test at teardown.
    """
    page = context.new_page()
    page.route(
        f"{live_server.url}{AXE_ROUTE}",
        lambda route: route.fulfill(path=AXE_SOURCE, content_type="application/javascript"),
    )

    def record_csp_violation(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", record_csp_violation)
    yield page
    page.close()
    if csp_violations:
        pytest.fail("The page broke its Content-Security-Policy:\n" + "\n".join(csp_violations))
