"""Complaints by recipients in Chromium (DER-3, E20-8, CAL-2): the demo recipient signs in with
EDS through the sandbox NCALayer, finds a registered supplier, is refused for a day learned too
long ago (the dates explained), files the complaint with evidence and signs it; the supplier's
head signs in, reads it and answers with a document; the recipient sees the answer and the
steps. Every page is checked with axe, in Kazakh (the recipient) and Russian (the supplier, then
the recipient again); the commission's secretary finds the complaint in the workspace inbox and
reads it with the answer; the complaint's page reflows at 320 px.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from commission import selectors as commission_selectors
from commission import services as commission_services
from commission.models import AgendaItem, Commission, Protocol, Vote
from deregistration.complaints import Complaint
from deregistration.models import DeregistrationCase
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.models import User
from registers.models import RegisterEntry
from registers.selectors import ground_text
from tests.browser import eds_sandbox
from tests.browser.helpers import (
    AXE_ROUTE,
    AXE_SOURCE,
    as_person,
    assert_accessible,
    assert_reflows_at_320,
    check,
    sign_in_as,
    sign_in_with_eds,
    sign_the_protocol,
    vote_with_the_mouse,
)
from tests.browser.helpers import visit as visit_in_both_languages
from tests.deregistration.helpers import astana_supplier, registered_supplier
from tests.suppliers.factories import pdf_bytes

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser]

RECIPIENT = "750506410882"  # Әбенова Зәуре Кеңесқызы
HEAD, ORTOPEDIA_BIN = "780623321477", "090440023188"  # ТОО «Ортопедия Астана»
SECRETARY = "910226422105"
ASTANA = "710000000"  # Садыкова Асель, secretary of the Astana commission
SIGN_BUTTON = "#eds-sign-button"
ERROR_SUMMARY = ".error-summary"


@pytest.fixture
def demo_data(transactional_db, reference_rows):
    call_command("load_demo", "--without-application", verbosity=0)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, f"{path} -> {response.status}"
    assert_accessible(page)


def file_the_complaint(page, tmp_path) -> Complaint:
    """From the navigation to a signed complaint, meeting the 14-day refusal on the way."""
    page.locator(".service-nav a[href='/complaints/']").click()
    expect(page).to_have_url(re.compile(r"/complaints/$"))
    expect(page.locator("h1")).to_have_text("Менің шағымдарым")
    assert_accessible(page)
    page.locator("main a.button[href='/complaints/new/']").click()
    assert_accessible(page)
    page.fill("#id_q", "Ортопедия")
    page.locator("main form button[type='submit']").click()
    assert_accessible(page)
    page.locator("main ul.list a").first.click()
    expect(page).to_have_url(re.compile(r"/complaints/new/\d+/$"))
    assert_accessible(page)

    today = deadlines.today()
    late = today - datetime.timedelta(days=15)
    page.locator("input[name='kind'][value='characteristics_mismatch']").check()
    page.fill("#id_learned_on", f"{late:%d.%m.%Y}")
    page.fill("#id_description", "Кресло-коляска тяжелее, чем указано на портале.")
    page.locator("main form button[type='submit']").click()
    expect(page.locator(ERROR_SUMMARY)).to_be_focused()
    expect(page.locator(f"{ERROR_SUMMARY} a[href='#id_learned_on']")).to_contain_text(
        f"{late + datetime.timedelta(days=14):%d.%m.%Y}"
    )
    expect(page.locator("#id_description")).to_have_value(
        "Кресло-коляска тяжелее, чем указано на портале."
    )
    assert_accessible(page)

    page.fill("#id_learned_on", f"{today - datetime.timedelta(days=2):%d.%m.%Y}")
    evidence = tmp_path / "photo-of-the-label.pdf"
    evidence.write_bytes(pdf_bytes())
    page.set_input_files("#id_evidence", str(evidence))
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/sign/$"))
    expect(page.locator(".eds-document__text")).to_contain_text("Кресло-коляска тяжелее")
    assert_accessible(page)
    page.click(SIGN_BUTTON)
    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))
    assert_accessible(page)
    complaint = Complaint.objects.get()
    assert complaint.status == Complaint.Status.POSTED
    expect(page.locator("main")).to_contain_text(f"{complaint.review_due:%d.%m.%Y}")
    return complaint


def answer_as_the_supplier(context, complaint: Complaint, tmp_path) -> None:
    page = new_page(context)
    sign_in_with_eds(page, intent="supplier", signer=f"{HEAD}|{ORTOPEDIA_BIN}")
    visit(page, "/cabinet/complaints/")
    page.locator(f"main a[href='/cabinet/complaints/{complaint.pk}/']").click()
    expect(page.locator("main")).to_contain_text(f"{complaint.answer_due:%d.%m.%Y}")
    assert_accessible(page)
    page.locator("main form button[type='submit']").click()
    expect(page.locator(ERROR_SUMMARY)).to_be_focused()
    assert_accessible(page)
    page.fill("#id_text", "Вес указан без подлокотников; см. паспорт изделия.")
    passport = tmp_path / "passport.pdf"
    passport.write_bytes(pdf_bytes())
    page.set_input_files("#id_documents", str(passport))
    page.locator("main form button[type='submit']").click()
    expect(page.locator("#supplier-answer")).to_contain_text("Вес указан без подлокотников")
    expect(page.locator("main a", has_text="passport.pdf")).to_have_count(1)
    assert_accessible(page)
    page.close()


def new_page(context):
    page = context.new_page()
    page.route(
        f"**{AXE_ROUTE}",
        lambda route: route.fulfill(path=AXE_SOURCE, content_type="application/javascript"),
    )
    return page


def review_in_the_workspace(context, complaint: Complaint, *, base_url: str) -> None:
    """The Astana secretary finds the complaint in the inbox and reads it (in Russian)."""
    sign_in_as(context, User.objects.get(iin=SECRETARY), base_url=base_url)
    page = new_page(context)
    visit(page, "/workspace/")
    page.locator(f"main a[href='/workspace/complaints/{complaint.pk}/']").click()
    expect(page.locator("main")).to_contain_text("Вес указан без подлокотников")
    expect(page.locator("main")).to_contain_text(f"{complaint.review_due:%d.%m.%Y}")
    assert_accessible(page)
    page.close()


def test_a_recipient_files_a_complaint_and_the_supplier_answers(
    page, browser, live_server, ncalayer_sandbox, demo_data, private_media, tmp_path
):
    registered_supplier(
        admitted_on=datetime.date(2023, 5, 2),
        supplier__identifier=ORTOPEDIA_BIN,
        supplier__name="ТОО «Ортопедия Астана»",
    )
    sign_in_with_eds(page, intent="recipient", signer=RECIPIENT)
    complaint = file_the_complaint(page, tmp_path)

    supplier_context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    try:
        answer_as_the_supplier(supplier_context, complaint, tmp_path)
    finally:
        supplier_context.close()
    workspace_context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    try:
        review_in_the_workspace(workspace_context, complaint, base_url=live_server.url)
    finally:
        workspace_context.close()

    # The recipient sees the answer; the pages again in Russian, and at 320 px.
    page.locator("button.language-switcher__button[value='ru']").click()
    visit(page, f"/complaints/{complaint.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#supplier-answer")).to_contain_text("Вес указан без подлокотников")
    assert_reflows_at_320(page)
    visit(page, "/complaints/")
    visit(page, "/complaints/new/")


def decide_in_the_commission(page, pki, complaint: Complaint) -> Protocol:
    """The Astana commission decides the complaint's case, everyone signed in with their own key
    through the sandbox NCALayer, the pages in Russian and Kazakh: the secretary schedules it and
    records attendance; the chair opens the meeting, proposes to deregister and votes; three
    members vote a violation; the chair closes the item; the secretary forms the protocol; the
    members who voted sign it (through the service: the workspace journey signs each on its
    page), then the chair and the secretary on its page; the secretary publishes it."""
    commission = Commission.objects.get(region__kato=ASTANA)
    composition = commission.compositions.get()
    secretary = composition.secretary
    members = commission_selectors.members_of(composition)
    chair = next(m for m in members if composition.seats.get(member=m).office == "chair")
    others = [m for m in members if m != chair]
    case = complaint.case

    as_person(page, secretary)
    visit_in_both_languages(page, f"/workspace/complaints/{complaint.pk}/")
    visit_in_both_languages(page, "/workspace/meetings/new/", reflow=True)
    page.locator(f"input[name='cases'][value='{case.pk}']").check()
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/workspace/meetings/\d+/$"))
    meeting_path = re.sub(r"^https?://[^/]+", "", page.url)
    check(page, reflow=True)
    for member in [chair, *others[:5]]:
        page.locator(f"input[name='present'][value='{member.pk}']").check()
    page.locator("main form[action$='/attendance/'] button").click()
    expect(page.locator("#attendance-tally")).to_contain_text("6 из 7")
    check(page)

    as_person(page, chair)
    visit_in_both_languages(page, meeting_path)
    page.locator("main form[action$='/open/'] button").click()
    expect(page.locator("main")).to_contain_text("Кворум есть")
    check(page)
    item = AgendaItem.objects.get(deregistration_case=case)
    item_path = f"/workspace/items/{item.pk}/"
    visit_in_both_languages(page, item_path, reflow=True)
    page.locator("input[name='proposal'][value='deregister']").check()
    page.locator("main form[action$='/proposal/'] button").click()
    expect(page.locator("#item-tally")).to_be_visible()
    check(page)
    vote_with_the_mouse(page, item.pk, check_pages=True)
    for member in others[:3]:
        as_person(page, member)
        vote_with_the_mouse(page, item.pk)
    assert Vote.objects.filter(item=item, choice="for").count() == 4

    as_person(page, chair)
    visit_in_both_languages(page, item_path)
    expect(page.locator("#item-tally")).to_contain_text("осталось набрать: 0")
    page.locator("main form[action$='/close/'] button").click()
    expect(page.locator("main")).to_contain_text("решение принято")
    check(page)
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.ADOPTED
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DECIDED

    as_person(page, secretary)
    visit_in_both_languages(page, item_path)
    page.locator("main form[action$='/protocol/'] button").click()
    expect(page).to_have_url(re.compile(r"/workspace/protocols/\d+/$"))
    check(page, reflow=True)
    protocol = Protocol.objects.get(item=item)
    signers = commission_selectors.protocol_signers(protocol)
    assert [row.capacity for row in signers][-2:] == ["chair", "secretary"]
    for row in signers[:-2]:
        cms = pki.key_for(row.person.iin, Purpose.SIGN).sign(bytes(protocol.pdf))
        commission_services.sign_protocol(protocol=protocol, signer=row.person, cms=cms)
    as_person(page, chair)
    sign_the_protocol(page, protocol, check_pages=True)
    as_person(page, secretary)
    sign_the_protocol(page, protocol)
    check(page)
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.SIGNED
    page.locator("main form[action$='/publish/'] button").click()
    expect(page.locator("main")).to_contain_text("решение о снятии с регистрации исполнено")
    check(page)
    return Protocol.objects.get(pk=protocol.pk)


@pytest.mark.req("DER-3", "DER-5", "REG-3", "CAL-2")
def test_a_complaint_ends_with_the_supplier_in_the_deregistered_register(
    page, browser, live_server, demo_pki, ncalayer_sandbox, demo_data, private_media, tmp_path
):
    """The acceptance journey of issue 14: a recipient signs in with EDS and files a complaint
    (in Kazakh), the supplier answers, the commission votes a violation and signs the protocol,
    the secretary publishes it, and the supplier stands in the public register of deregistered
    suppliers with the ground and a link to the protocol (in Russian and Kazakh)."""
    application = astana_supplier(
        admitted_on=datetime.date(2023, 5, 2),
        supplier__identifier=ORTOPEDIA_BIN,
        supplier__name="ТОО «Ортопедия Астана»",
        consent_publication=True,
    )
    sign_in_with_eds(page, intent="recipient", signer=RECIPIENT)
    complaint = file_the_complaint(page, tmp_path)

    supplier_context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    try:
        answer_as_the_supplier(supplier_context, complaint, tmp_path)
    finally:
        supplier_context.close()

    commission_context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    try:
        commission_page = new_page(commission_context)
        protocol = decide_in_the_commission(commission_page, demo_pki, complaint)
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.SUPPLIER_DEREGISTERED
        case = DeregistrationCase.objects.get(pk=complaint.case_id)
        assert case.status == DeregistrationCase.Status.DEREGISTERED
        assert case.ground == "non_performance"

        # The public register of deregistered suppliers, for anyone (REG-3).
        commission_context.clear_cookies()
        entry = RegisterEntry.objects.filter(supplier=application.supplier).first()
        assert entry is not None and entry.deregistered_on == deadlines.today()
        visit_in_both_languages(commission_page, "/registers/deregistered/", reflow=True)
        row = commission_page.locator("main tbody tr", has_text="ТОО «Ортопедия Астана»")
        expect(row.first).to_be_visible()
        with translation.override("ru"):
            expect(row.first).to_contain_text(str(ground_text(entry)))
        expect(row.first).to_contain_text(f"{deadlines.today():%d.%m.%Y}")
        link = row.first.locator(f"a[href='/protocols/{protocol.pk}/']")
        expect(link).to_have_text(protocol.label)
        public = commission_page.request.get(f"{live_server.url}/protocols/{protocol.pk}/")
        assert public.ok and public.headers["content-type"] == "application/pdf"
        assert public.body() == bytes(protocol.pdf)
    finally:
        commission_context.close()

    # The complainant sees the end of it (in Kazakh).
    visit(page, f"/complaints/{complaint.pk}/")
    expect(page.locator("main")).to_contain_text(protocol.label)
