"""E20-7 in Chromium: under edition 2020 the secretary finds this week's check of the
procurement register in the workspace, sees the region's registered supplier the weekly sync
found listed (sandbox register) with the case opened for the commission, and records the check.
Pages axe-checked in Russian and Kazakh; the check page reflows at 320 px."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commission.models import Commission
from deregistration.models import DeregistrationCase, ProcurementRegisterCheck
from deregistration.tasks import open_procurement_register_checks
from egov_gateway.services import watch
from egov_gateway.sync import sync_source
from portal.models import Region, Role
from tests.browser.helpers import assert_accessible, sign_in_as
from tests.deregistration.helpers import registered_supplier
from tests.egov_gateway.conftest import sandbox  # noqa: F401 (fixture)
from tests.factories import RoleAssignmentFactory

pytestmark = [pytest.mark.browser]

LISTED = "170740318604"  # in the sandbox's procurement register


@pytest.fixture
def browser_locale():
    return "ru-RU"


@pytest.mark.req("E20-7")
def test_the_secretary_records_the_weekly_check_of_the_procurement_register(
    page,
    context,
    live_server,
    settings,
    sandbox,  # noqa: F811
):
    settings.RULES_EDITION = "2020"
    astana = Region.objects.get(kato="710000000")
    Commission.objects.create(region=astana)
    supplier = registered_supplier(
        edition_code="2020",
        admitted_on=timezone.localdate().replace(month=1, day=1),
        supplier__identifier=LISTED,
        supplier__region=astana,
        supplier__name="ТОО «Медтехника Плюс»",
    ).supplier
    watch(identifier=LISTED, kind="legal_entity")
    sync_source(source="rnu")
    open_procurement_register_checks.delay()
    check = ProcurementRegisterCheck.objects.get(region=astana)
    case = DeregistrationCase.objects.get(supplier=supplier)
    secretary = RoleAssignmentFactory(role=Role.SECRETARY, region=astana).user
    sign_in_as(context, secretary, base_url=live_server.url)

    page.goto("/workspace/")
    assert_accessible(page)
    page.locator(f'main a[href="/workspace/procurement-checks/{check.pk}/"]').click()
    expect(page.locator("h1")).to_contain_text("Проверка реестра государственных закупок")
    expect(page.locator("main table")).to_contain_text(LISTED)
    expect(page.locator("main table")).to_contain_text(f"№ {case.pk}")
    expect(page.locator("main table")).to_contain_text("открыто")  # for the commission, p.19
    assert_accessible(page)
    check_path = page.url.removeprefix(live_server.url)

    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} needs horizontal scrolling at 320 px ({width} px)"
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Отметить проверку как выполненную").click()
    expect(page.locator("main")).to_contain_text("Еженедельная проверка отмечена")
    assert_accessible(page)
    assert ProcurementRegisterCheck.objects.get(pk=check.pk).status == "done"

    context.add_cookies([{"name": "portal_language", "value": "kk", "url": live_server.url}])
    for path in ("/workspace/", check_path):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "kk"
        assert_accessible(page)
