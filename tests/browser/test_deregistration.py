"""Deregistration in Chromium, through the sandbox NCALayer (DER-4, DER-5, CAL-2), in Kazakh and
Russian: a registered supplier's head signs in with EDS, fills the application for
deregistration (2022 Annex 3), meets the error summary, signs the exact PDF and sees the
commission's deadline; the secretary finds the case in the workspace inbox, puts it on a
meeting's agenda, and the decision's pages and the published protocol follow. Every page is
checked with axe; the form reflows at 320 px."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from commission import selectors, services
from commission.models import AgendaItem, Commission, Protocol
from deregistration.models import DeregistrationApplication, DeregistrationCase
from deregistration.services import open_case
from portal.models import User
from registers.models import RegisterEntry
from tests.browser import eds_sandbox
from tests.browser.helpers import assert_accessible, sign_in_as, sign_in_with_eds
from tests.commission.test_protocols import sign_all
from tests.deregistration.helpers import registered_supplier
from tests.factories import RegionFactory
from tests.suppliers.factories import SupplierFactory
from tests.suppliers.test_views import accept_offer_without_signature

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser]

# ТОО «Ортопедия Астана» and its head, Каримов Асхат (the demo people, keys of eds_sandbox).
HEAD, ORTOPEDIA_BIN = "780623321477", "090440023188"
ASTANA = "710000000"
SIGN_BUTTON = "#eds-sign-button"


@pytest.fixture
def commission(transactional_db, reference_rows):
    call_command("load_demo", "--without-application", verbosity=0)
    return Commission.objects.get(region__kato=ASTANA)


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, f"{path} -> {response.status}"
    assert_accessible(page)


def assert_reflows_at_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} needs horizontal scrolling at 320 px ({width} px)"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def registered_ortopedia():
    supplier = SupplierFactory(
        identifier=ORTOPEDIA_BIN, name="ТОО «Ортопедия Астана»", region=RegionFactory(kato=ASTANA)
    )
    return registered_supplier(
        admitted_on=datetime.date(2023, 5, 2), supplier=supplier, email="info@ortopedia.kz"
    )


@pytest.mark.req("DER-4", "CAL-2")
@pytest.mark.parametrize("browser_locale", ["ru-RU", "kk-KZ"])
def test_a_supplier_signs_its_application_for_deregistration_and_withdraws_it(
    page, live_server, ncalayer_sandbox, commission, browser_locale
):
    application = registered_ortopedia()
    sign_in_with_eds(page, intent="supplier", signer=f"{HEAD}|{ORTOPEDIA_BIN}")
    accept_offer_without_signature(application.supplier, User.objects.get(iin=HEAD))

    visit(page, "/cabinet/")
    page.locator("main a[href='/cabinet/deregistration/']").click()
    expect(page).to_have_url(re.compile(r"/cabinet/deregistration/$"))
    assert_accessible(page)
    assert_reflows_at_320(page)
    expect(page.locator("#id_email")).to_have_value("info@ortopedia.kz")
    page.fill("#id_legal_address", "г. Астана, ул. Абая, 1")
    page.fill("#id_activity", "Технические средства реабилитации")
    page.fill("#id_phone", "+7 7172 12 34 56")
    page.locator("main form button[type='submit']").click()  # nothing confirmed
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)
    expect(page.locator("#id_legal_address")).to_have_value("г. Астана, ул. Абая, 1")
    for name in ("confirms_contacts", "confirms_documents", "consent_personal_data"):
        page.check(f"#id_{name}")
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/cabinet/deregistration/\d+/sign/$"))
    expect(page.locator(SIGN_BUTTON)).to_be_visible()
    assert_accessible(page)
    prepared = DeregistrationApplication.objects.get()
    pdf = page.request.get(f"{live_server.url}/cabinet/deregistration/{prepared.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    page.click(SIGN_BUTTON)

    expect(page).to_have_url(re.compile(rf"/cabinet/deregistration/{prepared.pk}/$"))
    assert_accessible(page)
    prepared.refresh_from_db()
    assert bytes(prepared.pdf) == pdf.body(), "the PDF shown is the PDF signed"
    case = prepared.case
    assert case.status == DeregistrationCase.Status.OPEN
    expect(page.locator("#deregistration-deadline")).to_contain_text(
        case.decision_due.strftime("%d.%m.%Y")
    )
    visit(page, "/cabinet/")

    # Before the commission decides, the supplier withdraws it and stays registered (DER-4).
    visit(page, f"/cabinet/deregistration/{prepared.pk}/")
    page.locator("#withdraw-deregistration").click()
    expect(page).to_have_url(re.compile(rf"/cabinet/deregistration/{prepared.pk}/$"))
    expect(page.locator("#withdraw-deregistration")).to_have_count(0)
    assert_accessible(page)
    assert_reflows_at_320(page)
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.WITHDRAWN
    assert RegisterEntry.objects.filter(
        supplier=application.supplier, deregistered_on__isnull=True
    ).exists()


@pytest.mark.req("DER-4", "DER-5", "CAL-2")
@pytest.mark.parametrize("browser_locale", ["ru-RU", "kk-KZ"])
def test_the_commission_decides_a_case_and_publishes_its_protocol(
    page, context, live_server, demo_pki, ncalayer_sandbox, commission, browser_locale
):
    application = registered_ortopedia()
    case = open_case(
        supplier=application.supplier,
        ground="own_application",
        source=DeregistrationCase.Source.SUPPLIER,
    )
    composition = commission.compositions.get()
    secretary = composition.secretary
    sign_in_as(context, secretary, base_url=live_server.url)
    visit(page, "/workspace/")
    expect(page.locator("main")).to_contain_text(case.decision_due.strftime("%d.%m.%Y"))
    visit(page, "/workspace/meetings/new/")
    page.locator(f"input[name='cases'][value='{case.pk}']").check()
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/workspace/meetings/\d+/$"))
    assert_accessible(page)

    meeting = selectors.meetings_of(secretary)[0]
    services.record_attendance(
        meeting=meeting, secretary=secretary, present=selectors.members_of(composition)
    )
    chair = composition.seats.get(office="chair").member
    services.open_meeting(meeting=meeting, by=chair)
    item = meeting.items.get()
    context.clear_cookies()
    sign_in_as(context, chair, base_url=live_server.url)
    visit(page, f"/workspace/items/{item.pk}/")
    page.locator("input[name='proposal'][value='deregister']").check()
    page.locator("main form[action$='/proposal/'] button").click()
    expect(page.locator("#item-tally")).to_be_visible()
    assert_accessible(page)
    assert_reflows_at_320(page)
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.VOTING

    # The votes and signatures through the services (the workspace's own browser test signs them
    # on its pages); the protocol and its publication on the pages.
    item = decided_after_proposal(demo_pki, commission, item)
    protocol = sign_all(demo_pki, services.form_protocol(item=item, secretary=secretary))
    context.clear_cookies()
    sign_in_as(context, secretary, base_url=live_server.url)
    visit(page, f"/workspace/protocols/{protocol.pk}/")
    page.locator("main form[action$='/publish/'] button").click()
    expect(page).to_have_url(re.compile(rf"/workspace/protocols/{protocol.pk}/$"))
    assert_accessible(page)
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.PUBLISHED
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.DEREGISTERED
    assert not RegisterEntry.objects.filter(
        supplier=application.supplier, deregistered_on__isnull=True
    ).exists()


def decided_after_proposal(pki, commission, item):
    from tests.commission.helpers import chair, signed

    for member in selectors.present_members(item.meeting)[:5]:
        services.cast_vote(
            item=item, member=member, choice="for", cms=signed(pki, item, member, "for")
        )
    return services.close_item(item=item, by=chair(commission))
