"""The shared layout in Chromium: languages, keyboard use, error pages, axe WCAG 2.1 AA checks."""

import pytest
from playwright.sync_api import expect

from portal.models import Role
from tests.browser.helpers import assert_accessible, focused_element, sign_in_as, tab_to

pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-operator-password"
OWN_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
SWITCHER = ".language-switcher"
SUBMIT = "main form button[type=submit]"


def expect_language(page, code):
    expect(page.locator("html")).to_have_attribute("lang", code)
    current = page.locator(f"{SWITCHER} button[aria-current='true']")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("value", code)
    expect(current).to_have_text(OWN_NAMES[code])


def test_home_is_in_kazakh_by_default_and_accessible(page):
    page.goto("/")
    expect_language(page, "kk")
    expect(page.locator("main h1")).to_have_count(1)
    assert page.locator("script").count() == 0, "the home page needs no JavaScript"
    assert_accessible(page)


@pytest.mark.kazakh_default
@pytest.mark.parametrize("browser_locale", ["de-DE"])
def test_home_falls_back_to_kazakh_for_other_browser_languages(page):
    page.goto("/")
    expect_language(page, "kk")


HOME_HEADINGS = {
    "kk": "Әлеуметтік қызметтер порталында өнім беруші болыңыз",
    "ru": "Стать поставщиком на портале социальных услуг",
    "en": "Become a supplier on the Social Services Portal",
}


def test_language_switcher_by_mouse(page):
    page.goto("/")
    for code in ("ru", "en", "kk"):
        page.locator(SWITCHER).get_by_role("button", name=OWN_NAMES[code]).click()
        expect_language(page, code)
        expect(page.locator("main h1")).to_have_text(HOME_HEADINGS[code])
        for button in page.locator(f"{SWITCHER} button[lang]").all():
            assert button.get_attribute("lang") == button.get_attribute("value")
        assert_accessible(page)


def test_language_switcher_by_keyboard_with_visible_focus(page):
    page.goto("/sign-in/")
    tab_to(page, f"{SWITCHER} button[value='en']")
    focused = page.locator(f"{SWITCHER} button[value='en']")
    # The GOV.UK focus state: a yellow background behind the focused control.
    background = focused.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert background == "rgb(255, 221, 0)"
    page.keyboard.press("Enter")
    expect_language(page, "en")
    # The switcher returns to the page it was used on.
    assert page.url.endswith("/sign-in/")


def test_skip_link_moves_focus_to_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1 and box["x"] >= 0, "not visible on focus"
    page.keyboard.press("Enter")
    assert focused_element(page)["id"] == "main"


def test_after_the_skip_link_tab_continues_in_the_main_content(page):
    page.goto("/sign-in/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # Past the header and the menus, straight to the first field of the form.
    expect(page.locator("#id_username")).to_be_focused()


def test_layout_has_the_landmarks(page):
    page.goto("/")
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.get_by_role("navigation")).to_have_count(2)
    expect(page.locator("nav a[aria-current='page']")).to_have_attribute("href", "/")


@pytest.mark.parametrize("url", ["/", "/sign-in/"])
def test_pages_reflow_on_a_narrow_screen(page, url):
    """WCAG 1.4.10: content fits 320 CSS pixels without scrolling sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(url)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_in_page_is_accessible(page):
    page.goto("/sign-in/")
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_attribute(
        "aria-describedby", "id_username_helptext"
    )
    assert_accessible(page)


@pytest.mark.req("ID-3")
def test_wrong_password_shows_a_focused_error_summary_that_links_to_the_field(page, user_factory):
    operator = user_factory(role=Role.OPERATOR, password=PASSWORD)
    page.goto("/sign-in/")
    title_without_errors = page.title()
    page.fill("#id_username", operator.iin)
    page.fill("#id_password", "not-the-password")
    page.click(SUBMIT)

    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    assert page.title() != title_without_errors, "the title should announce the error"
    expect(page.locator("#id_username")).to_have_value(operator.iin)
    expect(page.locator("#id_password")).to_have_value("")
    assert_accessible(page)

    summary.locator("a[href='#id_username']").click()
    expect(page.locator("#id_username")).to_be_focused()


def test_empty_sign_in_shows_inline_errors_and_the_summary_links_focus_each_field(page):
    page.goto("/sign-in/")
    page.click(SUBMIT)  # the form has novalidate: the server's messages, not the browser's
    for field in ("username", "password"):
        expect(page.locator(f"#id_{field}_error")).to_be_visible()
        expect(page.locator(f"#id_{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#id_{field}_error .visually-hidden")).to_have_count(1)
    assert_accessible(page)
    page.locator(".error-summary a[href='#id_password']").click()
    expect(page.locator("#id_password")).to_be_focused()
    page.locator(".error-summary a[href='#id_username']").click()
    expect(page.locator("#id_username")).to_be_focused()


@pytest.mark.req("ID-3")
def test_operator_signs_in_sees_their_name_and_signs_out(page, live_server, user_factory):
    operator = user_factory(role=Role.OPERATOR, password=PASSWORD, full_name="Ерлан Асқарұлы")
    page.goto("/sign-in/")
    page.fill("#id_username", operator.iin)
    page.fill("#id_password", PASSWORD)
    page.click(SUBMIT)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".account__name")).to_contain_text("Ерлан Асқарұлы")
    assert_accessible(page)

    page.locator(".account__sign-out button").click()
    expect(page.locator(".account__name")).to_have_count(0)
    expect(page.locator(".notification-banner[role='status']")).to_have_count(1)
    expect(page.locator(".account a[href='/eds/sign-in/']")).to_have_count(1)
    assert_accessible(page)


def test_signed_in_layout_is_accessible_in_every_language(page, context, live_server, user_factory):
    sign_in_as(context, user_factory(role=Role.SUPPLIER), base_url=live_server.url)
    page.goto("/")
    for code in ("kk", "ru", "en"):
        page.locator(SWITCHER).get_by_role("button", name=OWN_NAMES[code]).click()
        expect_language(page, code)
        expect(page.locator(".account__sign-out button")).to_have_count(1)
        assert_accessible(page)


@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU"])
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/no-such-page/", 404),  # a missing page
        ("/sign-out/", 405),  # the sign-out address typed in: it takes only the button's POST
    ],
)
def test_error_pages_are_helpful_and_accessible(page, url, status):
    response = page.goto(url)
    assert response.status == status
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main a[href='/']")).to_have_count(1)
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_pages_work_without_javascript(browser, live_server, user_factory):
    operator = user_factory(role=Role.OPERATOR, password=PASSWORD)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="kk-KZ"
    )
    try:
        page = context.new_page()
        page.goto("/sign-in/")
        page.locator(SWITCHER).get_by_role("button", name="Русский").click()
        expect_language(page, "ru")
        page.fill("#id_username", operator.iin)
        page.fill("#id_password", PASSWORD)
        page.click(SUBMIT)
        expect(page.locator(".account__name")).to_have_count(1)
    finally:
        context.close()
