"""The supplier cabinet in Chromium, through the sandbox NCALayer (SUP-2 … SUP-10, ID-4): a legal
entity and an individual assistant each go from EDS sign-in to "submitted", meeting the
completeness check on the way; every page is checked with axe; one section is completed with the
keyboard alone. One long journey per kind of supplier keeps the suite fast.

The demo people (``portal/reference_data/demo.json``, loaded by ``load_demo``) sign with the test
keys of ``eds_sandbox``; the state data comes from the sandbox state systems
(``egov_gateway/sandbox/demo``), which know both demo suppliers.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.models import ClassifierItem, Region
from suppliers import selectors
from suppliers.models import Application, OfferAcceptance, Supplier
from tests.browser import eds_sandbox
from tests.browser.helpers import assert_accessible, sign_in_as, sign_in_with_eds, tab_to
from tests.suppliers.factories import (
    ApplicationFactory,
    SupplierFactory,
    add_document,
    pdf_bytes,
    representative,
)

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser]

# ТОО «Ортопедия Астана»: its head, Каримов Асхат, signs with the organisation's keys.
HEAD, ORTOPEDIA_BIN = "780623321477", "090440023188"
# Досов Ильяс, an individual assistant in Astana.
ASSISTANT = "880930324194"
ASTANA = "710000000"
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
    assert response.ok and page.url.endswith(path), f"{path} -> {page.url}"
    assert_accessible(page)


def click_save_and_continue(page) -> None:
    page.locator("button[name='action'][value='continue']").click()


def region_id(kato: str) -> str:
    return str(Region.objects.get(kato=kato).pk)


def item_id(code: str) -> str:
    return str(ClassifierItem.objects.get(code=code).pk)


def start_and_sign_the_offer(page, *, kind: str, offer: str) -> Supplier:
    """The start page (SUP-2): the kind the key allows and the offer (no region: SUP-8); then
    the public offer signed through the sandbox NCALayer; the state data page follows (SUP-3)."""
    page.locator(".service-nav a[href='/cabinet/']").click()
    expect(page).to_have_url(re.compile(r"/cabinet/start/$"))
    assert_accessible(page)
    page.locator(f"input[name='kind'][value='{kind}']").check()
    expect(page.locator("#id_region")).to_have_count(0)  # SUP-8: from the legal address
    page.locator(f"input[name='offers'][value='{offer}']").check()
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/cabinet/offer/$"))
    expect(page.locator(SIGN_BUTTON)).to_be_visible()
    assert_accessible(page)
    page.click(SIGN_BUTTON)

    expect(page).to_have_url(re.compile(r"/cabinet/application/section/state_data/$"))
    assert_accessible(page)
    supplier = OfferAcceptance.objects.get().supplier
    # What the state sent is shown read-only, with its source and the time it arrived.
    expect(page.locator(".summary-list .source").first).to_be_visible()
    expect(page.locator("input[id^='id_state-'], textarea[id^='id_state-']")).to_have_count(0)
    return supplier


def meet_the_completeness_check(page) -> None:
    """Signing is impossible while anything is missing (SUP-6): the sign page sends the supplier
    to the list of problems, each a link to its field."""
    page.goto("/cabinet/application/sign/")
    expect(page).to_have_url(re.compile(r"/cabinet/application/problems/$"))
    expect(page.locator(ERROR_SUMMARY)).to_be_focused()
    assert_accessible(page)
    page.locator("main a[href*='#id_mobile_phone']").click()
    expect(page).to_have_url(re.compile(r"/section/contacts/#id_mobile_phone$"))
    expect(page.locator("#id_mobile_phone")).to_be_in_viewport()


def fill_contacts_by_keyboard(page) -> None:
    """The contacts section with Tab, typing and Enter only, from the top of the page through
    every field to "Save and continue"."""
    page.goto("/cabinet/application/section/contacts/")
    assert_accessible(page)
    entries = [
        ("#id_mobile_phone", "+7 701 555 01 01"),
        ("#id_email", "office@ortopedia-astana.demo.example"),
        ("#id_phone", "+7 7172 20 01 01"),
    ]
    for selector, text in entries:
        tab_to(page, selector)
        page.keyboard.type(text)
    tab_to(page, "button[name='action'][value='continue']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/section/bank_details/$"))


def fill_bank_details(page, *, wrong_first: bool = False) -> None:
    assert_accessible(page)
    if wrong_first:
        # A wrong IBAN: the error summary links to the field, and what was typed stays.
        page.fill("#id_iban", "KZ00 1234")
        page.fill("#id_bic", "NBRKKZKX")
        click_save_and_continue(page)
        expect(page.locator(ERROR_SUMMARY)).to_be_focused()
        expect(page.locator("#id_iban")).to_have_value("KZ00 1234")
        expect(page.locator("#id_bic")).to_have_value("NBRKKZKX")
        assert_accessible(page)
        page.locator(f"{ERROR_SUMMARY} a[href='#id_iban']").click()
        expect(page.locator("#id_iban")).to_be_focused()
    page.fill("#id_iban", "KZ86125KZT5004100100")
    page.fill("#id_bic", "NBRKKZKX")
    page.fill("#id_bank_name", "Demo bank")
    click_save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/section/offerings/$"))


def fill_offering(page, *, code: str, characteristics: str, price: str, unit: str) -> None:
    assert_accessible(page)
    page.select_option("#id_offerings-0-classifier_item", item_id(code))
    page.fill("#id_offerings-0-characteristics", characteristics)
    page.fill("#id_offerings-0-price", price)
    page.fill("#id_offerings-0-unit", unit)
    click_save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/section/addresses/$"))


def fill_address(page, *, then: str) -> None:
    assert_accessible(page)
    page.select_option("#id_addresses-0-region", region_id(ASTANA))
    page.fill("#id_addresses-0-settlement", "Астана")
    page.fill("#id_addresses-0-street", "Мәңгілік Ел")
    page.fill("#id_addresses-0-building", "20")
    click_save_and_continue(page)
    expect(page).to_have_url(re.compile(rf"/section/{then}/$"))


def give_consents(page) -> None:
    assert_accessible(page)
    page.check("#id_consent_personal_data")
    page.check("#id_consent_publication_0")
    click_save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/cabinet/application/check-answers/$"))


def check_answers_and_sign(page, live_server) -> Application:
    """Check answers (SUP-4), then Annex 1 in Kazakh and Russian (SUP-7) and the signature of
    its exact bytes through the sandbox NCALayer, which submits the application (SUP-8)."""
    assert_accessible(page)
    expect(page.locator(".summary-card")).not_to_have_count(0)
    draft = Application.objects.get(status=Application.Status.DRAFT)
    assert [str(p) for p in selectors.completeness_problems(draft)] == []
    page.locator("main form[action='/cabinet/application/sign/'] button[value='prepare']").click()
    expect(page).to_have_url(re.compile(r"/cabinet/application/sign/$"))
    expect(page.locator("#annex-versions a[href*='/annex/']")).to_have_count(2)
    expect(page.locator(SIGN_BUTTON)).to_be_visible()
    assert_accessible(page)

    # The signed language is chosen on the page; the Russian form is signed here.
    page.check("#id_language_1")
    page.locator("main form[method='get'] button").click()
    expect(page).to_have_url(re.compile(r"\?language=ru$"))
    pdf_url = page.locator(".eds-sign a[href*='/annex/']").get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf_url}")
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()

    page.click(SIGN_BUTTON)
    expect(page).to_have_url(re.compile(r"/cabinet/applications/\d+/submitted/$"))
    assert_accessible(page)
    application = Application.objects.get(status=Application.Status.SUBMITTED)
    annex = application.annexes.get(signature__isnull=False)
    assert (annex.language, bytes(annex.pdf)) == ("ru", pdf), "the PDF shown is the PDF signed"
    expect(page.locator("main")).to_contain_text(application.review_due.strftime("%d.%m.%Y"))
    return application


@pytest.mark.req("SUP-2")
@pytest.mark.req("SUP-3")
@pytest.mark.req("SUP-6")
@pytest.mark.req("SUP-8")
@pytest.mark.req("SUP-9")
def test_a_legal_entity_goes_from_eds_sign_in_to_submitted(
    page, live_server, ncalayer_sandbox, demo_data, private_media
):
    sign_in_with_eds(page, intent="supplier", signer=f"{HEAD}|{ORTOPEDIA_BIN}")
    supplier = start_and_sign_the_offer(page, kind="legal_entity", offer="technical_aids")
    assert (supplier.identifier, supplier.kind) == (ORTOPEDIA_BIN, "legal_entity")
    assert OfferAcceptance.objects.get().signature.bin == ORTOPEDIA_BIN

    visit(page, "/cabinet/application/")
    expect(page.locator(".task-list__item")).to_have_count(
        len(selectors.sections_for(Application.objects.get()))
    )
    meet_the_completeness_check(page)
    fill_contacts_by_keyboard(page)
    fill_bank_details(page, wrong_first=True)
    fill_offering(
        page, code="G01.02", characteristics="Модульный протез голени", price="450000", unit="шт."
    )
    fill_address(page, then="consents")
    give_consents(page)
    application = check_answers_and_sign(page, live_server)
    assert application.region.kato == ASTANA
    assert application.consent_publication is True

    # The status page: where it stands, by when, the signed PDF (SUP-9, CAL-2).
    page.locator(f"main a[href$='/cabinet/applications/{application.pk}/']").click()
    expect(page.locator("main")).to_contain_text(application.review_due.strftime("%d.%m.%Y"))
    expect(page.locator("main a[href*='/annex/']")).to_have_count(1)
    assert_accessible(page)
    visit(page, "/cabinet/")


@pytest.mark.req("SUP-2")
@pytest.mark.req("SUP-5")
@pytest.mark.req("SUP-6")
@pytest.mark.req("SUP-8")
@pytest.mark.req("SUP-9")
def test_an_individual_assistant_goes_from_eds_sign_in_to_submitted_and_withdraws(
    page, live_server, ncalayer_sandbox, demo_data, private_media, tmp_path
):
    sign_in_with_eds(page, intent="supplier", signer=ASSISTANT)
    supplier = start_and_sign_the_offer(
        page, kind="individual_assistant", offer="individual_assistant"
    )
    assert (supplier.identifier, supplier.kind) == (ASSISTANT, "individual_assistant")

    meet_the_completeness_check(page)
    visit(page, "/cabinet/application/section/contacts/")
    page.fill("#id_mobile_phone", "+7 747 555 04 04")
    page.fill("#id_email", "ilyas.dossov@demo.example")
    page.fill("#id_phone", "+7 747 555 04 04")
    click_save_and_continue(page)
    fill_bank_details(page)
    fill_offering(
        page,
        code="S01",
        characteristics="Помощь в передвижении и самообслуживании",
        price="3500",
        unit="час",
    )
    fill_address(page, then="specialists")

    # The specialist and the diploma (SUP-4 item 11, SUP-5): a program named .pdf is refused.
    assert_accessible(page)
    page.fill("#id_specialists-0-full_name", "Досов Ильяс Ерболович")
    page.fill("#id_specialists-0-position", "Индивидуальный помощник")
    page.fill("#id_specialists-0-education", "Медицинский колледж, 2008")
    page.fill("#id_specialists-0-qualification", "Младшая медицинская сестра")
    page.fill("#id_specialists-0-experience_years", "12")
    program = tmp_path / "diploma.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 256)
    page.set_input_files("#id_document-diploma", str(program))
    page.locator("button[name='action'][value='upload']").first.click()
    expect(page.locator(ERROR_SUMMARY)).to_be_focused()
    expect(page.locator(f"{ERROR_SUMMARY} a[href='#id_document-diploma']")).to_have_count(1)
    expect(page.locator("#id_specialists-0-full_name")).to_have_value("Досов Ильяс Ерболович")
    assert_accessible(page)
    diploma = tmp_path / "diploma-2008.pdf"
    diploma.write_bytes(pdf_bytes())
    page.set_input_files("#id_document-diploma", str(diploma))
    page.locator("button[name='action'][value='upload']").first.click()
    expect(page.locator("main a[href^='/cabinet/documents/']")).to_have_text("diploma-2008.pdf")
    assert_accessible(page)
    # 2022 p.7(11) has no qualifier: the certificate and the employment contract are asked too.
    for name in ("qualification_certificate", "employment_contract"):
        document = tmp_path / f"{name}.pdf"
        document.write_bytes(pdf_bytes())
        page.set_input_files(f"#id_document-{name}", str(document))
    page.locator("button[name='action'][value='upload']").first.click()
    expect(page.locator("main a[href^='/cabinet/documents/']")).to_have_count(3)
    click_save_and_continue(page)
    expect(page).to_have_url(re.compile(r"/section/consents/$"))
    give_consents(page)
    application = check_answers_and_sign(page, live_server)
    assert application.annexes.get(signature__isnull=False).signature.iin == ASSISTANT

    # Withdrawal, after a confirmation page (SUP-9).
    visit(page, f"/cabinet/applications/{application.pk}/")
    page.locator(f"main a[href='/cabinet/applications/{application.pk}/withdraw/']").click()
    assert_accessible(page)
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"/cabinet/applications/{application.pk}/$"))
    assert_accessible(page)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("kind", "offers", "edition"),
    [
        ("legal_entity", ["special_social_services", "sanatorium", "sign_language"], "2022"),
        ("individual_entrepreneur", ["special_social_services", "technical_aids"], "2022"),
        ("individual_entrepreneur", ["technical_aids"], "2020"),
    ],
    ids=["organisation-services", "entrepreneur", "edition-2020"],
)
def test_every_section_of_every_kind_of_application_is_accessible(
    page, context, live_server, reference_rows, private_media, settings, kind, offers, edition
):
    """The sections the journeys above do not reach (staff, places, department, material
    resources, medical certificate, accessibility photos, the conditions of edition 2020), with a
    document uploaded, pass the axe check too."""
    from django.test import Client

    from portal.identity import SESSION_IDENTITY_KEY
    from tests.suppliers.test_views import accept_offer_without_signature

    settings.RULES_EDITION = edition
    supplier = SupplierFactory(kind=kind)
    user = representative(supplier)
    accept_offer_without_signature(supplier, user)
    application = ApplicationFactory(
        supplier=supplier, offers=offers, edition_code=edition, created_by=user
    )
    if edition == "2020":
        application.offerings.create(classifier_item=ClassifierItem.objects.get(code="G01.02"))
    add_document(application, "accessibility_photo", uploaded_by=user)
    if supplier.is_legal_entity:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_IDENTITY_KEY] = {"iin": user.iin, "bin": supplier.identifier}
        session.save()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                }
            ]
        )
    else:
        sign_in_as(context, user, base_url=live_server.url)
    visit(page, "/cabinet/")
    visit(page, "/cabinet/application/")
    for section in selectors.sections_for(application):
        visit(page, f"/cabinet/application/section/{section}/")
    visit(page, "/cabinet/application/check-answers/")
    visit(page, f"/cabinet/applications/{application.pk}/withdraw/")
