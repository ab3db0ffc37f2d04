"""The public registers in Chromium (REG-2, SUP-10): search with Kazakh letters, a filter and
an entry page, through the pages' own forms without JavaScript; axe-clean in Kazakh, Russian
and English and reflowing at 320 px."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from commission import services
from tests.browser.helpers import assert_accessible
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401
from tests.commission.helpers import decided, open_meeting
from tests.commission.test_protocols import secretary_of, sign_all
from tests.registers.builders import ALMATY, make_entry, region

pytestmark = [pytest.mark.browser]

REGISTER = "/registers/technical_aids/"


def assert_reflows_at_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} needs horizontal scrolling at 320 px ({width} px)"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def entries(reference_rows):
    make_entry(name="«Әділет Құрылыс» ЖШС")
    make_entry(name="Ортопедия-Сервис ТОО", kato=ALMATY, kinds=("G02.01",))
    make_entry(name="Жасырын ЖШС", consent=False)
    return make_entry(
        name="Қайта тіркелген ЖШС",
        admitted_on=datetime.date(2025, 1, 10),
        deregistered_on=datetime.date(2025, 5, 1),
        ground="own_application",
    )


@pytest.mark.req("REG-2", "SUP-10")
@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU", "en-GB"])
def test_search_filter_and_entry_page_are_accessible_without_javascript(
    page, entries, browser_locale
):
    language = browser_locale[:2]
    page.goto("/")
    page.locator(".service-nav").get_by_role("link").nth(1).click()
    expect(page).to_have_url(re.compile(r"/registers/$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.locator(f"main a[href='{REGISTER}']").click()
    assert page.locator("script").count() == 0, "the register needs no JavaScript"
    expect(page.locator("table")).to_contain_text("«Әділет Құрылыс» ЖШС")
    expect(page.locator("table")).not_to_contain_text("Жасырын ЖШС")
    assert_accessible(page)
    assert_reflows_at_320(page)

    page.fill("#id_q", "ӘДІЛЕТ құр")
    page.locator("form.registers-filter button[type=submit]").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("«Әділет Құрылыс» ЖШС")
    expect(page.locator("#id_q")).to_have_value("ӘДІЛЕТ құр")
    assert_accessible(page)

    page.fill("#id_q", "")
    page.select_option("#id_region", str(region(ALMATY).pk))
    page.locator("form.registers-filter button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Ортопедия-Сервис ТОО")
    page.select_option("#id_region", "")
    page.select_option("#id_kind", "G02")
    page.locator("form.registers-filter button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Ортопедия-Сервис ТОО")
    assert_accessible(page)
    assert_reflows_at_320(page)

    page.select_option("#id_kind", "")
    page.select_option("#id_status", "deregistered")
    page.locator("form.registers-filter button[type=submit]").click()
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Қайта тіркелген ЖШС").click()
    expect(page.locator("h1")).to_have_text("Қайта тіркелген ЖШС")
    expect(page.locator("main")).to_contain_text("01.05.2025")
    expect(page.locator("main a[href='/protocols/2/']")).to_have_count(1)
    assert_accessible(page)
    assert_reflows_at_320(page)

    page.goto("/registers/deregistered/")
    expect(page.locator("table")).to_contain_text("Қайта тіркелген ЖШС")
    assert_accessible(page)
    assert_reflows_at_320(page)

    page.goto("/protocols/")
    assert_accessible(page)
    assert_reflows_at_320(page)


@pytest.mark.req("COM-7")
@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU"])
def test_a_published_protocols_page_shows_its_signatures_accessibly(
    page,
    commission,  # noqa: F811
    trusted,  # noqa: F811
    browser_locale,
):
    meeting = open_meeting(commission)
    item = decided(trusted, commission, meeting.items.get(), votes_for=5)
    secretary = secretary_of(commission)
    protocol = services.form_protocol(item=item, secretary=secretary)
    protocol = services.publish_protocol(protocol=sign_all(trusted, protocol), secretary=secretary)

    page.goto("/protocols/")
    page.get_by_role("link", name=protocol.label).click()
    expect(page.locator("h1")).to_have_count(1)
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(protocol.signatures.count())
    first = protocol.signatures.select_related("signature").first().signature
    expect(page.locator("table")).to_contain_text(first.certificate_serial)
    expect(page.locator(f"main a[href='/protocols/{protocol.pk}/']")).to_have_count(1)
    assert_accessible(page)
    assert_reflows_at_320(page)
