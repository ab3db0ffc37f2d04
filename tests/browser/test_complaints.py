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
from playwright.sync_api import expect

from deregistration.complaints import Complaint
from portal import deadlines
from portal.models import User
from tests.browser import eds_sandbox
from tests.browser.helpers import (
    AXE_ROUTE,
    AXE_SOURCE,
    assert_accessible,
    sign_in_as,
    sign_in_with_eds,
)
from tests.browser.test_workspace import assert_reflows_at_320
from tests.deregistration.helpers import registered_supplier
from tests.suppliers.factories import pdf_bytes

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser]

RECIPIENT = "750506410882"  # Әбенова Зәуре Кеңесқызы
HEAD, ORTOPEDIA_BIN = "780623321477", "090440023188"  # ТОО «Ортопедия Астана»
SECRETARY = "910226422105"  # Садыкова Асель, secretary of the Astana commission
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
    page = context.new_page()
    page.route(
        f"**{AXE_ROUTE}",
        lambda route: route.fulfill(path=AXE_SOURCE, content_type="application/javascript"),
    )
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


def review_in_the_workspace(context, complaint: Complaint, *, base_url: str) -> None:
    """The Astana secretary finds the complaint in the inbox and reads it (in Russian)."""
    sign_in_as(context, User.objects.get(iin=SECRETARY), base_url=base_url)
    page = context.new_page()
    page.route(
        f"**{AXE_ROUTE}",
        lambda route: route.fulfill(path=AXE_SOURCE, content_type="application/javascript"),
    )
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
