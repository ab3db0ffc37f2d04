"""The about page in Chromium, in Kazakh and Russian, reached from the footer, with the axe check
(issue 8, item 4: which edition applies, Order No. 60 repealed on 01.07.2023 by Order No. 285)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible

pytestmark = [pytest.mark.browser]

SWITCHER = ".language-switcher"
OWN_NAMES = {"kk": "Қазақша", "ru": "Русский"}
HEADINGS = {
    "kk": "Портал және қолданыстағы қағидалар туралы",
    "ru": "О портале и действующих правилах",
}
REPEAL = {
    "kk": (
        "16.02.2022 жылғы № 60 бұйрық 01.07.2023 бастап күші жойылды "
        "(30.06.2023 жылғы № 285 бұйрық)."
    ),
    "ru": "Приказ № 60 от 16.02.2022 утратил силу с 01.07.2023 (приказ № 285 от 30.06.2023).",
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_about_page_is_reached_from_the_footer_and_accessible(page, language):
    page.goto("/")
    if language != "kk":
        page.locator(SWITCHER).get_by_role("button", name=OWN_NAMES[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.locator("footer a[href='/about/']").click()

    expect(page).to_have_url(re.compile(r"/about/$"))
    expect(page.locator("main h1")).to_have_text(HEADINGS[language])
    expect(page.locator("main .inset-text")).to_contain_text(REPEAL[language])
    expect(page.locator("main table tbody tr")).to_have_count(2)
    expect(page.locator("footer a[aria-current='page']")).to_have_count(1)
    assert page.locator("script").count() == 0, "the about page needs no JavaScript"
    assert_accessible(page)
