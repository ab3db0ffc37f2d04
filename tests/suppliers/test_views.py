"""The supplier cabinet's pages through the Django test client (SUP-2 … SUP-10, E20-1, CAL-2):
who may open what, what each page shows, that nothing typed is lost on an error, that the
completeness check blocks submission, that hostile uploads are refused, and the whole way from
the start page to "submitted" with real signatures of the test PKI."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov_gateway.eds import oids
from egov_gateway.eds.signer import Purpose
from portal.editions import Offer, SupplierKind, edition_by_code
from portal.identity import SESSION_IDENTITY_KEY
from portal.models import ClassifierItem, Region, Role
from suppliers import selectors
from suppliers.models import (
    Application,
    DocType,
    OfferAcceptance,
    Section,
    SupportingDocument,
)
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.helpers.access import ANONYMOUS, SIGN_IN, assert_access
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    EMPLOYEE_IIN,
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    PERSON_IIN,
    SECOND_BIN,
    ApplicationFactory,
    SupplierFactory,
    add_document,
    complete_application,
    confirm_state_data,
    image_bytes,
    pdf_bytes,
    private_media,
    representative,
)

pytestmark = pytest.mark.django_db

ASTANA = "710000000"
ALMATY_CITY = "750000000"


# --- helpers ------------------------------------------------------------------------------------


def sign_in(client, user, *, bin: str = "", role_oids: tuple[str, ...] = ()) -> None:
    """A session as EDS sign-in leaves it: the person, and the BIN and role OIDs of the key."""
    client.force_login(user)
    session = client.session
    session[SESSION_IDENTITY_KEY] = {
        "iin": user.iin,
        "bin": bin,
        "organisation": "ТОО «ТЕСТ ОРТОПЕДИЯ»" if bin else "",
        "role_oids": list(role_oids)
        or ([oids.ROLE_EMPLOYEE, oids.ROLE_HEAD] if bin else [oids.ROLE_INDIVIDUAL]),
        "certificate_serial": "01",
        "signed_in_at": "2026-01-01T00:00:00+05:00",
    }
    session.save()


def sign_in_for(client, supplier, user) -> None:
    sign_in(client, user, bin=supplier.identifier if supplier.is_legal_entity else "")


def html(response) -> str:
    return unescape(response.content.decode())


def error_summary_links(response) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert summary, "the page shows no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def input_value(response, field_id: str) -> str | None:
    match = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', response.content.decode())
    assert match, f"no input #{field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else None


def textarea_value(response, field_id: str) -> str:
    match = re.search(
        rf'<textarea[^>]*id="{re.escape(field_id)}"[^>]*>(.*?)</textarea>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no textarea #{field_id}"
    return unescape(match.group(1)).strip()


def kinds_offered(page: str) -> list[str]:
    return re.findall(r'name="kind" value="([^"]+)"', page)


def sign(pki, iin: str, data: bytes, bin: str | None = None) -> bytes:
    return pki.key_for(iin, Purpose.SIGN, bin).sign(data)


def draft_with_offer(*, kind=SupplierKind.LEGAL_ENTITY, offers=(Offer.TECHNICAL_AIDS,), **kw):
    """A supplier that signed the offer and has an empty draft; returns (application, user)."""
    supplier = SupplierFactory(kind=kind, **kw)
    user = representative(supplier)
    accept_offer_without_signature(supplier, user)
    application = ApplicationFactory(supplier=supplier, offers=list(offers), created_by=user)
    return application, user


def accept_offer_without_signature(supplier, user) -> OfferAcceptance:
    """An acceptance on record, for pages that come after it (the offer's own tests sign it
    with the test PKI; factory-made suppliers have no keys)."""
    from django.utils import timezone

    from egov_gateway.eds.models import Signature

    signature = Signature.objects.create(
        purpose=Purpose.SIGN,
        document_kind="public_offer",
        document_sha256="0" * 64,
        document=b"offer",
        cms=b"test",
        certificate=b"test",
        signer=user,
        iin=user.iin,
        bin=supplier.identifier if supplier.is_legal_entity else "",
        common_name=user.full_name,
        certificate_serial="01",
        issuer="test",
        certificate_not_before="2025-01-01T00:00:00Z",
        certificate_not_after="2030-01-01T00:00:00Z",
        signing_time="2026-01-01T00:00:00Z",
        algorithm="rsa-pkcs1v15-sha256",
        backend="local",
        verified_at=timezone.now(),
    )
    return OfferAcceptance.objects.create(
        supplier=supplier, signed_by=user, signature=signature, offer_version="1.0", language="ru"
    )


def section_url(section: str) -> str:
    return reverse("suppliers:section", args=[section])


# --- who may open what --------------------------------------------------------------------------

CABINET_PAGES = [
    "suppliers:cabinet",
    "suppliers:offer",
    "suppliers:application",
    "suppliers:completeness",
    "suppliers:check-answers",
    "suppliers:sign",
    "/cabinet/application/section/contacts/",
]


def test_cabinet_pages_are_for_supplier_representatives_only(client):
    """Anonymous visitors are sent to EDS sign-in; recipients and staff get 403; a supplier's
    representative who has not started yet gets the start page."""
    matrix = {}
    for page in CABINET_PAGES + ["suppliers:start"]:
        matrix[(page, ANONYMOUS)] = SIGN_IN
        for role in (Role.RECIPIENT, Role.MEMBER, Role.SECRETARY, Role.OPERATOR):
            matrix[(page, role)] = 403
    matrix[("suppliers:start", Role.SUPPLIER)] = 200
    assert_access(client, matrix)


def test_a_representative_who_has_not_started_is_sent_to_the_start_page(client):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.SUPPLIER, organisation_bin="")
    sign_in(client, user)
    for page in CABINET_PAGES:
        path = page if page.startswith("/") else reverse(page)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("suppliers:start"), path


@pytest.mark.req("SUP-4")
def test_every_page_of_the_draft_opens_for_its_supplier(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    pages = [reverse("suppliers:cabinet"), reverse("suppliers:application")]
    pages += [section_url(section) for section in selectors.sections_for(application)]
    pages += [reverse("suppliers:completeness"), reverse("suppliers:check-answers")]
    pages += [reverse("suppliers:status", args=[application.pk])]
    pages += [reverse("suppliers:withdraw", args=[application.pk])]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path


def test_another_suppliers_application_is_not_found(client):
    mine, me = draft_with_offer()
    other, _other_user = draft_with_offer()
    sign_in_for(client, mine.supplier, me)
    for name in ("suppliers:status", "suppliers:withdraw", "suppliers:submitted"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404, name
    assert client.post(reverse("suppliers:withdraw", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == Application.Status.DRAFT


def test_a_section_that_does_not_apply_is_not_found(client):
    application, user = draft_with_offer(offers=(Offer.TECHNICAL_AIDS,))
    sign_in_for(client, application.supplier, user)
    assert Section.DEPARTMENT not in selectors.sections_for(application)
    assert client.get(section_url(Section.DEPARTMENT)).status_code == 404
    assert client.get(section_url("no-such-section")).status_code == 404


def test_suppliers_see_the_cabinet_in_the_header_and_others_do_not(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    link = f'href="{reverse("suppliers:cabinet")}"'
    assert link in client.get(reverse("portal:home")).content.decode()
    client.logout()
    client.force_login(UserFactory())
    assert link not in client.get(reverse("portal:home")).content.decode()


# --- documents: who may download them -----------------------------------------------------------


def test_documents_are_served_only_to_the_supplier_its_commission_and_operators(client):
    """Issue 5 item 4: the supplier's people, the commission (member or secretary) of the
    application's region once it is submitted, and operators; 404 for everyone else (issue 15:
    the answer does not tell that the document exists)."""
    application, user = draft_with_offer()
    document = add_document(application, DocType.DIPLOMA, uploaded_by=user)
    path = reverse("suppliers:document", args=[document.pk])
    assert_access(
        client,
        {
            (path, ANONYMOUS): SIGN_IN,
            (path, Role.RECIPIENT): 404,
            (path, Role.SUPPLIER): 404,  # a representative of another supplier
            (path, Role.MEMBER): 404,  # a member of no region's commission
            (path, Role.OPERATOR): 200,
        },
    )
    sign_in_for(client, application.supplier, user)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    astana, almaty = Region.objects.get(kato=ASTANA), Region.objects.get(kato=ALMATY_CITY)
    own_member = UserFactory()
    RoleAssignmentFactory(user=own_member, role=Role.MEMBER, region=astana)
    own_secretary = UserFactory()
    RoleAssignmentFactory(user=own_secretary, role=Role.SECRETARY, region=astana)
    other_member = UserFactory()
    RoleAssignmentFactory(user=other_member, role=Role.MEMBER, region=almaty)
    client.force_login(own_member)
    assert client.get(path).status_code == 404, "a draft is not the commission's yet"
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    for person, expected in ((own_member, 200), (own_secretary, 200), (other_member, 404)):
        client.force_login(person)
        assert client.get(path).status_code == expected, person


# --- the start page and the public offer (SUP-2) ------------------------------------------------


@pytest.mark.req("SUP-2")
def test_an_organisation_key_starts_a_legal_entity_by_its_bin(client):
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    response = client.get(reverse("suppliers:start"))
    page = html(response)
    assert ORTHOPEDIA_BIN in page
    assert kinds_offered(page) == ["legal_entity"]

    response = client.post(
        reverse("suppliers:start"),
        {
            "kind": "legal_entity",
            "name": "ТОО «ТЕСТ»",
            "offers": ["sanatorium"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:offer")
    supplier = selectors.current_supplier_for(head, client.session)
    # SUP-8: no region is chosen; it follows from the legal address once the state data arrives.
    assert (supplier.kind, supplier.identifier, supplier.region) == (
        SupplierKind.LEGAL_ENTITY,
        ORTHOPEDIA_BIN,
        None,
    )
    assert 'name="region"' not in page


@pytest.mark.req("E20-1", "E20-3")
def test_under_edition_2020_a_branch_of_a_legal_entity_may_apply(client, settings):
    """2020 p.2(2), p.4(1): "заңды тұлғалар мен олардың филиалдары" — a branch applies by its
    own BIN, as a legal entity; edition 2022 (p.2(4)) names legal entities only."""
    from portal.identifiers import control_digit, validate_bin

    first_eleven = "20044" + "1" + "00077" + "0"  # type 4, attribute digit 1: a branch
    first_eleven = first_eleven[:11]
    branch_bin = first_eleven + str(control_digit(first_eleven))
    validate_bin(branch_bin)
    head = UserFactory()
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=branch_bin)
    sign_in(client, head, bin=branch_bin)
    settings.RULES_EDITION = "2022"
    assert "branch" not in html(client.get(reverse("suppliers:start")))
    settings.RULES_EDITION = "2020"
    page = html(client.get(reverse("suppliers:start")))
    assert "legal entity or a branch of a legal entity" in page
    response = client.post(
        reverse("suppliers:start"),
        {
            "kind": "legal_entity",
            "name": "Филиал ТОО «ТЕСТ» в г. Астана",
            "region": Region.objects.get(kato=ASTANA).pk,
            "offers": ["technical_aids"],
        },
    )
    assert response["Location"] == reverse("suppliers:offer")
    supplier = selectors.current_supplier_for(head, client.session)
    assert (supplier.kind, supplier.identifier) == (SupplierKind.LEGAL_ENTITY, branch_bin)


@pytest.mark.req("SUP-4")
def test_the_department_page_asks_about_property_and_then_the_title_deed(client):
    application, user = draft_with_offer(offers=(Offer.SPECIAL_SOCIAL_SERVICES,))
    sign_in_for(client, application.supplier, user)
    page = html(client.get(section_url(Section.DEPARTMENT)))
    assert 'id="id_department_premises_owned"' in page
    assert 'id="id_document-title_deed"' not in page
    assert 'id="id_document-founding_documents"' in page
    response = client.post(
        section_url(Section.DEPARTMENT),
        {"department_type": "residential", "department_premises_owned": "yes", "action": "later"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.department_premises_owned is True
    page = html(client.get(section_url(Section.DEPARTMENT)))
    assert 'id="id_document-title_deed"' in page
    assert (
        'value="yes" checked' in page
        or 'checked value="yes"' in page
        or re.search(r'<input[^>]*value="yes"[^>]*checked', page)
    )


@pytest.mark.req("SUP-2")
def test_a_personal_key_starts_an_entrepreneur_or_an_individual_assistant_by_the_iin(client):
    person = UserFactory(iin=PERSON_IIN)
    RoleAssignmentFactory(user=person, role=Role.SUPPLIER, organisation_bin="")
    sign_in(client, person)
    page = html(client.get(reverse("suppliers:start")))
    assert PERSON_IIN in page
    assert kinds_offered(page) == ["individual_entrepreneur", "individual_assistant"]

    # Another kind than the certificate allows is refused, and nothing typed is lost.
    response = client.post(
        reverse("suppliers:start"),
        {"kind": "legal_entity", "name": "Досов Ильяс", "offers": []},
    )
    assert response.status_code == 200
    assert input_value(response, "id_name") == "Досов Ильяс"
    links = error_summary_links(response)
    assert "id_kind_0" in links and "id_offers_0" in links
    assert not selectors.current_supplier_for(person, client.session)


@pytest.mark.req("SUP-2")
def test_the_cabinet_shows_why_a_supplier_may_not_apply_again(client):
    """The answer of the one eligibility rule (``deregistration.eligibility``) is shown: with an
    application under review, no new one can be started, and the page says why."""
    from deregistration.eligibility import admission_eligibility

    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    page = html(client.get(reverse("suppliers:cabinet")))
    assert reverse("suppliers:application") in page, "the draft is continued"
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    eligibility = admission_eligibility(identifier=application.supplier.identifier)
    assert not eligibility.allowed
    page = html(client.get(reverse("suppliers:cabinet")))
    assert str(eligibility.reason) in page
    assert reverse("suppliers:new-application") not in page
    response = client.post(reverse("suppliers:new-application"))
    assert response["Location"] == reverse("suppliers:cabinet")
    assert application.supplier.applications.count() == 1, "no new application"

    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    page = html(client.get(reverse("suppliers:cabinet")))
    assert reverse("suppliers:new-application") in page
    client.post(reverse("suppliers:new-application"))
    assert application.supplier.applications.filter(status=Application.Status.DRAFT).count() == 1


@pytest.mark.req("SUP-2")
def test_an_employee_may_not_sign_the_offer_and_is_told_who_signs(client, trust_test_pki):
    supplier = SupplierFactory(identifier=SECOND_BIN)
    employee = UserFactory(iin=EMPLOYEE_IIN)
    RoleAssignmentFactory(user=employee, role=Role.SUPPLIER, organisation_bin=SECOND_BIN)
    sign_in(client, employee, bin=SECOND_BIN, role_oids=(oids.ROLE_EMPLOYEE,))
    response = client.get(reverse("suppliers:offer"))
    page = html(response)
    assert "data-eds-sign" not in page, "no signing component for an employee"
    offer = selectors.render_offer(language="en")
    assert offer.decode().splitlines()[0] in page, "the offer can be read"
    cms = sign(trust_test_pki, EMPLOYEE_IIN, offer, SECOND_BIN)
    client.post(
        reverse("suppliers:offer"),
        {"cms": base64.b64encode(cms).decode(), "offer_language": "en"},
    )
    assert not OfferAcceptance.objects.filter(supplier=supplier).exists()


@pytest.mark.req("SUP-2")
@pytest.mark.req("SUP-3")
def test_signing_the_offer_opens_the_draft_and_shows_the_state_data(client, trust_test_pki):
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    client.post(
        reverse("suppliers:start"),
        {
            "kind": "legal_entity",
            "name": "ТОО «ТЕСТ»",
            "offers": ["sanatorium"],
        },
    )
    response = client.get(reverse("suppliers:offer"))
    page = response.content.decode()
    offer = selectors.render_offer(language="en")
    assert base64.b64encode(offer).decode() in page, "the exact bytes are signed"

    # A signature over other bytes is refused; the page explains and nothing is stored.
    forged = sign(trust_test_pki, HEAD_IIN, offer + b" ", ORTHOPEDIA_BIN)
    response = client.post(
        reverse("suppliers:offer"),
        {"cms": base64.b64encode(forged).decode(), "offer_language": "en"},
    )
    assert response.status_code == 200
    assert "eds-error-title" in response.content.decode()
    assert not OfferAcceptance.objects.exists()

    cms = sign(trust_test_pki, HEAD_IIN, offer, ORTHOPEDIA_BIN)
    response = client.post(
        reverse("suppliers:offer"), {"cms": base64.b64encode(cms).decode(), "offer_language": "en"}
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(Section.STATE_DATA)
    acceptance = OfferAcceptance.objects.get()
    assert (acceptance.signed_by, acceptance.language) == (head, "en")
    draft = Application.objects.get(supplier=acceptance.supplier)
    assert draft.status == Application.Status.DRAFT
    assert draft.offers == [Offer.SANATORIUM], "the offers chosen at the start"

    response = client.get(section_url(Section.STATE_DATA))
    page = html(response)
    assert response.status_code == 200
    # Every item of the edition for a legal entity is listed, with where it came from.
    for item in draft.edition.state_data_for(supplier_kind=SupplierKind.LEGAL_ENTITY):
        assert f'id="id_state-{item.code}-row"' in page
    assert 'value="refresh"' in page


@pytest.mark.req("SUP-3")
@pytest.mark.req("SUP-5")
def test_state_data_is_read_only_and_what_is_missing_is_entered_and_proved(client):
    application, user = draft_with_offer(
        kind=SupplierKind.INDIVIDUAL_ASSISTANT, offers=(Offer.INDIVIDUAL_ASSISTANT,)
    )
    supplier = application.supplier
    confirm_state_data(supplier, skip=("psychiatric",))
    from tests.suppliers.factories import state_record

    state_record(supplier.identifier, "psychiatric", found=False)
    sign_in_for(client, supplier, user)
    response = client.get(section_url(Section.STATE_DATA))
    page = html(response)
    assert "г. Астана, ул. Тестовая, 2" in page, "the legal address as the state gave it"
    assert 'id="id_state-legal_address"' not in page, "confirmed data cannot be typed over"
    assert 'id="id_state-no_psychiatric_registration"' in page
    assert 'id="id_proof-no_psychiatric_registration"' in page, "and proved by a document"

    response = client.post(
        section_url(Section.STATE_DATA),
        {
            "action": "continue",
            "state-no_psychiatric_registration": "Справка № 12 от 01.02.2026",
            "proof-no_psychiatric_registration-doc_type": DocType.PROOF_OF_DATA,
            "proof-no_psychiatric_registration-expires_on": "",
            "proof-no_psychiatric_registration-file": SimpleUploadedFile(
                "справка.pdf", pdf_bytes(), content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    item = application.supplied_state_items.get()
    assert (item.item_code, item.value) == (
        "no_psychiatric_registration",
        "Справка № 12 от 01.02.2026",
    )
    proof = application.documents.get()
    assert (proof.doc_type, proof.item_code) == (
        DocType.PROOF_OF_DATA,
        "no_psychiatric_registration",
    )
    problems = [
        p for p in selectors.completeness_problems(application) if p.section == "state_data"
    ]
    assert problems == []


# --- sections: drafts, validation errors keep what was typed (SUP-4) ----------------------------


@pytest.mark.req("SUP-4")
def test_an_invalid_contact_keeps_everything_typed_and_links_to_the_field(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    typed = {
        "mobile_phone": "+7 701 12",
        "email": "not-an-email",
        "phone": "+7 7172 12 34 56",
        "fax": "",
        "website": "https://ortopedia.example.kz",
        "action": "continue",
    }
    response = client.post(section_url(Section.CONTACTS), typed)
    assert response.status_code == 200
    assert "id_mobile_phone" in error_summary_links(response)
    assert "id_email" in error_summary_links(response)
    for name in ("mobile_phone", "email", "phone", "website"):
        assert input_value(response, f"id_{name}") == typed[name], name
    assert "<title>" in response.content.decode()
    application.refresh_from_db()
    assert application.mobile_phone == "" and application.website == "", "nothing saved"


@pytest.mark.req("SUP-4")
def test_valid_contacts_are_saved_normalised_and_the_next_section_follows(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    response = client.post(
        section_url(Section.CONTACTS),
        {
            "mobile_phone": "8 (701) 123-45-67",
            "email": "Info@Ortopedia.KZ",
            "phone": "+7 7172 12 34 56",
            "action": "continue",
        },
    )
    assert response.status_code == 302
    sections = selectors.sections_for(application)
    assert response["Location"] == section_url(sections[sections.index("contacts") + 1])
    application.refresh_from_db()
    assert (application.mobile_phone, application.email) == ("+77011234567", "Info@ortopedia.kz")
    task = next(t for t in selectors.task_list(application) if t.section == "contacts")
    assert task.status == "completed"


@pytest.mark.req("SUP-4")
def test_save_and_come_back_later_keeps_a_half_filled_section(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    response = client.post(
        section_url(Section.BANK_DETAILS),
        {"iban": "KZ86 125K ZT50 0410 0100", "bic": "", "bank_name": "", "action": "later"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:application")
    application.refresh_from_db()
    assert application.iban == "KZ86125KZT5004100100"
    task = next(t for t in selectors.task_list(application) if t.section == "bank_details")
    assert task.status == "in_progress"
    page = html(client.get(reverse("suppliers:application")))
    assert str(task.status_label) in page


@pytest.mark.req("SUP-4")
def test_a_wrong_iban_is_shown_with_what_was_typed(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    response = client.post(
        section_url(Section.BANK_DETAILS),
        {
            "iban": "KZ00 0000 0000 0000 0000",
            "bic": "HSBKKZKX",
            "bank_name": "",
            "action": "continue",
        },
    )
    assert response.status_code == 200
    assert "id_iban" in error_summary_links(response)
    assert input_value(response, "id_iban") == "KZ00 0000 0000 0000 0000"
    assert input_value(response, "id_bic") == "HSBKKZKX"


@pytest.mark.req("SUP-4")
@pytest.mark.req("E20-1")
def test_offerings_are_rows_added_changed_and_removed_and_keep_input_on_errors(client, settings):
    settings.RULES_EDITION = "2020"
    application, user = draft_with_offer(offers=(Offer.TECHNICAL_AIDS,))
    Application.objects.filter(pk=application.pk).update(edition_code="2020")
    sign_in_for(client, application.supplier, user)
    url = section_url(Section.OFFERINGS)
    page = html(client.get(url))
    assert 'id="id_offerings-0-classifier_item"' in page
    assert 'id="id_offerings-0-stock_quantity"' in page, "edition 2020 asks for the stock (E20-1)"
    assert "<optgroup" in page
    item = ClassifierItem.objects.get(code="G01.02")
    other = ClassifierItem.objects.get(code="G01.01")
    management = {"offerings-TOTAL_FORMS": "1", "offerings-INITIAL_FORMS": "0"}
    row = {
        "offerings-0-classifier_item": str(item.pk),
        "offerings-0-characteristics": "Titanium knee",
        "offerings-0-price": "twelve",
        "offerings-0-unit": "piece",
        "offerings-0-stock_quantity": "4",
    }
    response = client.post(url, {**management, **row, "action": "continue"})
    assert response.status_code == 200
    assert "id_offerings-0-price" in error_summary_links(response)
    assert textarea_value(response, "id_offerings-0-characteristics") == "Titanium knee"
    assert input_value(response, "id_offerings-0-price") == "twelve"
    assert application.offerings.count() == 0

    row["offerings-0-price"] = "125000.50"
    response = client.post(url, {**management, **row, "action": "add"})
    assert response.status_code == 302 and "add=1" in response["Location"]
    offering = application.offerings.get()
    assert (offering.price, offering.stock_quantity) == (Decimal("125000.50"), 4)
    page = html(client.get(response["Location"]))
    assert 'id="id_offerings-1-classifier_item"' in page, "a new empty row"

    two = {
        "offerings-TOTAL_FORMS": "2",
        "offerings-INITIAL_FORMS": "1",
        **row,
        "offerings-1-classifier_item": str(other.pk),
        "offerings-1-characteristics": "Foot",
        "offerings-1-price": "9000",
        "offerings-1-unit": "pair",
        "offerings-1-stock_quantity": "2",
    }
    client.post(url, {**two, "action": "later"})
    assert [o.classifier_item.code for o in application.offerings.all()] == ["G01.02", "G01.01"]
    client.post(url, {**two, "offerings-INITIAL_FORMS": "2", "action": "remove-row-0"})
    assert [o.classifier_item.code for o in application.offerings.all()] == ["G01.01"]


@pytest.mark.req("SUP-4")
@pytest.mark.req("SUP-6")
def test_a_half_filled_address_is_kept_and_the_check_says_what_is_missing(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    astana = Region.objects.get(kato=ASTANA)
    response = client.post(
        section_url(Section.ADDRESSES),
        {
            "addresses-TOTAL_FORMS": "1",
            "addresses-INITIAL_FORMS": "0",
            "addresses-0-region": str(astana.pk),
            "addresses-0-settlement": "Астана",
            "action": "later",
        },
    )
    assert response.status_code == 302
    address = application.addresses.get()
    assert (address.region, address.settlement, address.street) == (astana, "Астана", "")
    page = html(client.get(section_url(Section.ADDRESSES)))
    assert 'href="#id_addresses-0-street"' in page, "the section lists what it still lacks"
    assert 'id="id_addresses-0-street"' in page
    assert input_value(client.get(section_url(Section.ADDRESSES)), "id_addresses-0-settlement") == (
        "Астана"
    )


@pytest.mark.req("SUP-4")
def test_a_specialists_wrong_iin_is_shown_with_everything_typed(client):
    application, user = draft_with_offer(offers=(Offer.SIGN_LANGUAGE,))
    sign_in_for(client, application.supplier, user)
    response = client.post(
        section_url(Section.SPECIALISTS),
        {
            "specialists-TOTAL_FORMS": "1",
            "specialists-INITIAL_FORMS": "0",
            "specialists-0-full_name": "Тестова Айгерім",
            "specialists-0-iin": "123456789012",
            "specialists-0-education": "КазНПУ, 2010",
            "action": "continue",
        },
    )
    assert response.status_code == 200
    assert error_summary_links(response) == ["id_specialists-0-iin"]
    assert input_value(response, "id_specialists-0-full_name") == "Тестова Айгерім"
    assert input_value(response, "id_specialists-0-iin") == "123456789012"
    assert textarea_value(response, "id_specialists-0-education") == "КазНПУ, 2010"
    assert not application.specialists.exists()


@pytest.mark.req("SUP-3")
def test_the_state_data_is_requested_again_on_demand(client):
    from egov_gateway.models import StateRecord

    application, user = draft_with_offer(
        kind=SupplierKind.INDIVIDUAL_ASSISTANT, offers=(Offer.INDIVIDUAL_ASSISTANT,)
    )
    sign_in_for(client, application.supplier, user)
    before = StateRecord.objects.filter(identifier=application.supplier.identifier).count()
    response = client.post(section_url(Section.STATE_DATA), {"action": "refresh"})
    assert response.status_code == 302
    assert response["Location"] == section_url(Section.STATE_DATA)
    records = StateRecord.objects.filter(identifier=application.supplier.identifier)
    assert records.count() > before
    page = html(client.get(section_url(Section.STATE_DATA)))
    for record in records:
        assert str(record.get_source_display()) in page


@pytest.mark.req("SUP-4")
def test_sections_follow_what_is_offered(client):
    application, user = draft_with_offer(offers=(Offer.TECHNICAL_AIDS,))
    sign_in_for(client, application.supplier, user)
    response = client.post(
        section_url(Section.OFFERS),
        {"offers": [Offer.SPECIAL_SOCIAL_SERVICES], "action": "later"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    page = html(client.get(reverse("suppliers:application")))
    for section in (Section.DEPARTMENT, Section.SPECIALISTS, Section.PLACES):
        assert section_url(section) in page


@pytest.mark.req("SUP-1")
def test_an_individual_assistant_is_offered_only_its_service_and_a_forged_offer_is_refused(
    client,
):
    application, user = draft_with_offer(
        kind=SupplierKind.INDIVIDUAL_ASSISTANT, offers=(Offer.INDIVIDUAL_ASSISTANT,)
    )
    sign_in_for(client, application.supplier, user)
    page = html(client.get(section_url(Section.OFFERS)))
    assert re.findall(r'name="offers" value="([^"]+)"', page) == [Offer.INDIVIDUAL_ASSISTANT]
    response = client.post(
        section_url(Section.OFFERS),
        {"offers": [Offer.INDIVIDUAL_ASSISTANT, Offer.TECHNICAL_AIDS], "action": "continue"},
    )
    assert response.status_code == 200
    assert "id_offers_0" in error_summary_links(response)
    assert (
        "Under the rules in force a supplier of the kind “individual assistant” may offer only: "
        "services of an individual assistant." in html(response)
    )
    application.refresh_from_db()
    assert application.offers == [Offer.INDIVIDUAL_ASSISTANT]
    # Other kinds choose among every offer of the rules.
    organisation, head = draft_with_offer()
    sign_in_for(client, organisation.supplier, head)
    page = html(client.get(section_url(Section.OFFERS)))
    assert len(re.findall(r'name="offers" value="([^"]+)"', page)) == len(
        edition_by_code("2022").offers
    )


@pytest.mark.req("SUP-1")
def test_the_start_page_refuses_an_individual_assistant_offering_goods(client):
    person = UserFactory(iin=PERSON_IIN)
    RoleAssignmentFactory(user=person, role=Role.SUPPLIER, organisation_bin="")
    sign_in(client, person)
    page = html(client.get(reverse("suppliers:start")))
    assert "may offer only" in page  # said before anything is chosen
    response = client.post(
        reverse("suppliers:start"),
        {
            "kind": "individual_assistant",
            "name": "Досов Ильяс",
            "region": str(Region.objects.get(kato=ASTANA).pk),
            "offers": [Offer.TECHNICAL_AIDS],
        },
    )
    assert response.status_code == 200
    assert "id_offers_0" in error_summary_links(response)
    assert "may offer only" in html(response)
    assert not selectors.current_supplier_for(person, client.session)


@pytest.mark.req("SUP-10")
def test_the_consents_are_a_yes_or_no_answer_shown_before_signing(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    url = section_url(Section.CONSENTS)
    page = html(client.get(url))
    assert 'id="id_consent_publication_0"' in page and 'id="id_consent_publication_1"' in page
    assert "checked" not in re.search(
        r'<div id="id_consent_publication".*?</div>\s*</div>', page, re.S
    ).group(0)
    client.post(
        url, {"consent_personal_data": "on", "consent_publication": "no", "action": "later"}
    )
    application.refresh_from_db()
    assert (application.consent_personal_data, application.consent_publication) == (True, False)
    page = html(client.get(url))
    assert re.search(r'value="no"[^>]*checked|checked[^>]*value="no"', page)
    answers = dict(
        re.findall(
            r'<dt class="summary-list__key">(.*?)</dt>\s*'
            r'<dd class="summary-list__value">(.*?)</dd>',
            html(client.get(reverse("suppliers:check-answers"))),
            re.S,
        )
    )
    assert answers["Consent to publication in the registers"].strip() == "No"


# --- documents: uploads checked by content (SUP-5) ----------------------------------------------


def upload(client, section, requirement_id, content, name, *, content_type="application/pdf"):
    """Post the section's page with a file chosen for one requirement, as the browser does."""
    prefix = requirement_id.removeprefix("id_")
    rows = {}
    if section in ("offerings", "addresses", "specialists"):
        rows = {f"{section}-TOTAL_FORMS": "0", f"{section}-INITIAL_FORMS": "0"}
    return client.post(
        section_url(section),
        {
            **rows,
            "action": "upload",
            f"{prefix}-file": SimpleUploadedFile(name, content, content_type=content_type),
            f"{prefix}-expires_on": "31.12.2030",
        },
    )


@pytest.mark.req("SUP-5")
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "diploma.pdf", "program"),
        (image_bytes("PNG"), "diploma.jpg", "does not match its extension"),
        (b"%PDF-1.4\nnot really a pdf", "diploma.pdf", "damaged"),
        (b"just text", "diploma.pdf", "PDF, JPEG or PNG"),
    ],
    ids=["executable-named-pdf", "png-named-jpg", "truncated-pdf", "text"],
)
def test_hostile_uploads_are_refused_with_their_reason(client, settings, content, name, message):
    application, user = draft_with_offer(offers=(Offer.SIGN_LANGUAGE,))
    sign_in_for(client, application.supplier, user)
    response = upload(client, Section.SPECIALISTS, "id_document-diploma", content, name)
    assert response.status_code == 200
    assert "id_document-diploma" in error_summary_links(response)
    assert message in html(response)
    assert not SupportingDocument.objects.exists()
    assert not any(settings.PRIVATE_MEDIA_ROOT.rglob("*.*")), "no file left behind"


@pytest.mark.req("SUP-5")
def test_an_oversize_upload_is_refused(client, settings):
    settings.SUPPLIER_DOCUMENT_MAX_BYTES = 1024
    application, user = draft_with_offer(offers=(Offer.SIGN_LANGUAGE,))
    sign_in_for(client, application.supplier, user)
    response = upload(client, Section.SPECIALISTS, "id_document-diploma", pdf_bytes(6), "big.pdf")
    assert response.status_code == 200
    assert "id_document-diploma" in error_summary_links(response)
    assert not SupportingDocument.objects.exists()


@pytest.mark.req("SUP-5")
def test_a_document_is_uploaded_listed_with_its_expiry_and_removed(client, settings):
    application, user = draft_with_offer(offers=(Offer.SIGN_LANGUAGE,))
    sign_in_for(client, application.supplier, user)
    response = upload(client, Section.SPECIALISTS, "id_document-diploma", pdf_bytes(), "Диплом.pdf")
    assert response.status_code == 302
    document = SupportingDocument.objects.get()
    assert (document.doc_type, document.original_name, document.content_type) == (
        DocType.DIPLOMA,
        "Диплом.pdf",
        "application/pdf",
    )
    assert document.expires_on.isoformat() == "2030-12-31"
    stored = document.file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in stored and str(settings.MEDIA_ROOT) not in stored
    page = html(client.get(section_url(Section.SPECIALISTS)))
    assert "Диплом.pdf" in page and "31.12.2030" in page
    assert reverse("suppliers:document", args=[document.pk]) in page

    response = client.post(
        section_url(Section.SPECIALISTS),
        {
            "action": f"remove-document-{document.pk}",
            "specialists-TOTAL_FORMS": "0",
            "specialists-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert not SupportingDocument.objects.exists()


# --- completeness, sign and submit, status, withdrawal (SUP-6 … SUP-10) ------------------------


@pytest.mark.req("SUP-6")
@pytest.mark.parametrize(
    ("kind", "offers", "edition"),
    [
        (SupplierKind.LEGAL_ENTITY, (Offer.TECHNICAL_AIDS,), "2022"),
        (SupplierKind.LEGAL_ENTITY, (Offer.SPECIAL_SOCIAL_SERVICES, Offer.SANATORIUM), "2022"),
        (SupplierKind.INDIVIDUAL_ENTREPRENEUR, (Offer.SPECIAL_SOCIAL_SERVICES,), "2022"),
        (SupplierKind.INDIVIDUAL_ASSISTANT, (Offer.INDIVIDUAL_ASSISTANT,), "2022"),
        (SupplierKind.LEGAL_ENTITY, (Offer.TECHNICAL_AIDS,), "2020"),
    ],
    ids=["goods", "residential-services", "entrepreneur", "assistant", "goods-2020"],
)
def test_the_completeness_page_links_every_problem_to_its_field(
    client, settings, kind, offers, edition
):
    """Every missing item is listed with a link to its section and field, and the field is there
    to be filled (SUP-6); edition 2020 adds its conditions and certificates (E20-2)."""
    settings.RULES_EDITION = edition
    application, user = draft_with_offer(kind=kind, offers=offers)
    Application.objects.filter(pk=application.pk).update(edition_code=edition)
    application.refresh_from_db()
    if edition == "2020":
        application.offerings.create(classifier_item=ClassifierItem.objects.get(code="G01.02"))
    sign_in_for(client, application.supplier, user)
    problems = selectors.completeness_problems(application)
    assert problems
    page = html(client.get(reverse("suppliers:completeness")))
    for problem in problems:
        assert f'href="{section_url(problem.section)}#{problem.field_id}"' in page
        assert str(problem.message) in page
    pages = {}
    for problem in problems:
        if problem.section not in pages:
            pages[problem.section] = client.get(section_url(problem.section)).content.decode()
        assert f'id="{problem.field_id}"' in pages[problem.section], problem


@pytest.mark.req("SUP-6")
@pytest.mark.parametrize(("edition", "item"), [("2022", "8"), ("2020", "11")])
def test_the_completeness_page_cites_the_item_of_the_applications_edition(
    client, settings, edition, item
):
    """The completeness check is 2022 p.8 and 2020 p.11: the page cites the item of the edition
    the application is handled under, read from the edition (issue 10, item 8)."""
    settings.RULES_EDITION = edition
    application, user = draft_with_offer()
    Application.objects.filter(pk=application.pk).update(edition_code=edition)
    sign_in_for(client, application.supplier, user)
    page = html(client.get(reverse("suppliers:completeness")))
    assert f"The portal checks every field the rules require (item {item})." in page


@pytest.mark.req("SUP-6")
def test_an_incomplete_application_cannot_be_signed_or_submitted(client, trust_test_pki):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    response = client.get(reverse("suppliers:sign"))
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:completeness")
    response = client.post(reverse("suppliers:sign"), {"cms": "AAAA", "annex": "1"})
    assert response["Location"] == reverse("suppliers:completeness")
    assert not application.annexes.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    page = html(client.get(reverse("suppliers:check-answers")))
    assert reverse("suppliers:sign") not in page
    assert reverse("suppliers:completeness") in page


def prepare_the_form(client) -> None:
    """ "Continue to the application form" on the check-answers page: Annex 1 is formed."""
    response = client.post(reverse("suppliers:sign"), {"action": "prepare"})
    assert response["Location"] == reverse("suppliers:sign")


@pytest.fixture
def signed_in_head(client):
    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    accept_offer_without_signature(supplier, head)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    return supplier, head


@pytest.mark.req("SUP-7")
@pytest.mark.req("SUP-8")
@pytest.mark.req("SUP-9")
def test_the_head_signs_the_exact_annex_and_the_application_is_submitted(
    client, trust_test_pki, signed_in_head
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    page = html(client.get(reverse("suppliers:check-answers")))
    assert reverse("suppliers:sign") in page
    for section in selectors.sections_for(application):
        if section == Section.STATE_DATA:  # all confirmed by the state: nothing to change
            assert f'href="{section_url(section)}"' not in page
        else:
            assert f'href="{section_url(section)}"' in page, "a Change link per section"

    prepare_the_form(client)
    response = client.get(reverse("suppliers:sign") + "?language=ru")
    assert response.status_code == 200
    annex = application.annexes.get(language="ru")
    assert {a.language for a in application.annexes.all()} == {"kk", "ru"}
    content = response.content.decode()
    assert base64.b64encode(bytes(annex.pdf)).decode() in content, "the exact PDF is signed"
    assert reverse("suppliers:annex-pdf", args=[application.pk, annex.pk]) in content
    pdf = client.get(reverse("suppliers:annex-pdf", args=[application.pk, annex.pk]))
    assert b"".join(pdf.streaming_content) == bytes(annex.pdf)

    cms = sign(trust_test_pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN)
    response = client.post(
        reverse("suppliers:sign"),
        {"cms": base64.b64encode(cms).decode(), "annex": annex.pk, "language": "ru"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:submitted", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    annex.refresh_from_db()
    assert annex.is_signed
    due = edition_by_code(application.edition_code).decision_due(
        selectors.arrival_day(application.submitted_at)
    )
    assert application.review_due == due

    page = html(client.get(response["Location"]))
    assert due.strftime("%d.%m.%Y") in page
    page = html(client.get(reverse("suppliers:status", args=[application.pk])))
    assert due.strftime("%d.%m.%Y") in page
    assert reverse("suppliers:annex-pdf", args=[application.pk, annex.pk]) in page
    assert reverse("suppliers:withdraw", args=[application.pk]) in page
    # The draft pages are gone with the draft.
    assert client.get(reverse("suppliers:application"))["Location"] == reverse("suppliers:cabinet")


@pytest.mark.req("SUP-6", "E20-2")
def test_findings_are_shown_before_signing_and_do_not_stop_the_submission(
    client, trust_test_pki, signed_in_head, settings
):
    """A debt the tax authority reports (2020 p.6(1)) is shown on the check-answers and sign
    pages with its source and date; the application is still signed and submitted, and the
    commission finds what the supplier was shown in the audit trail and the selector."""
    from django.utils import timezone

    settings.RULES_EDITION = "2020"  # filed under edition 2020 (SUP-8: the edition of filing)

    from portal.audit.models import AuditEvent
    from tests.suppliers.factories import state_record

    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head, edition_code="2020")
    record = state_record(
        supplier.identifier,
        "tax_debts",
        data={"tax_debt": "15000.00", "social_contribution_debt": "0", "as_of": "2021-06-01"},
    )
    message = "The tax authority reports debts (taxes: 15000.00 tenge"
    day = timezone.localtime(record.fetched_at).strftime("%d.%m.%Y")
    page = html(client.get(reverse("suppliers:check-answers")))
    assert message in page and "What the commission will see" in page
    assert reverse("suppliers:sign") in page, "a finding does not stop the signing"
    page = html(client.get(reverse("suppliers:section", args=[Section.CONDITIONS])))
    assert message in page and "For the commission to weigh" in page
    prepare_the_form(client)
    response = client.get(reverse("suppliers:sign") + "?language=ru")
    assert response.status_code == 200
    assert message in html(response) and day in html(response)
    annex = application.annexes.get(language="ru")
    cms = sign(trust_test_pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN)
    response = client.post(
        reverse("suppliers:sign"),
        {"cms": base64.b64encode(cms).decode(), "annex": annex.pk, "language": "ru"},
    )
    assert response["Location"] == reverse("suppliers:submitted", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    event = AuditEvent.objects.get(action="application.submitted", object_id=str(application.pk))
    assert [f["code"] for f in event.after["findings"]] == ["no_debts"]
    (finding,) = selectors.admission_findings(application=application)
    assert (finding.source, finding.observed_on) == ("tax_debts", record.fetched_at)


@pytest.mark.req("SUP-7", "SUP-8")
def test_showing_the_sign_page_writes_nothing_the_form_is_prepared_by_a_post(
    client, trust_test_pki, signed_in_head
):
    """A GET only reads: the form is made by "Continue to the application form" (a POST), and
    a change of the data afterwards sends the supplier back to check their answers."""
    from portal.audit.models import AuditEvent
    from suppliers import services

    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    events = AuditEvent.objects.count()
    response = client.get(reverse("suppliers:sign"))
    assert response["Location"] == reverse("suppliers:check-answers")
    assert not application.annexes.exists()
    assert AuditEvent.objects.count() == events

    prepare_the_form(client)
    prepared = set(application.annexes.values_list("pk", flat=True))
    assert len(prepared) == 2
    events = AuditEvent.objects.count()
    for language in ("kk", "ru", "kk"):
        response = client.get(reverse("suppliers:sign") + f"?language={language}")
        assert response.status_code == 200
        assert "data-eds-sign" in response.content.decode()
    assert set(application.annexes.values_list("pk", flat=True)) == prepared
    assert AuditEvent.objects.count() == events

    services.save_section(
        application=application,
        section=Section.CONTACTS,
        data={"website": "https://ortopedia.kz"},
        user=head,
    )
    response = client.get(reverse("suppliers:sign"))
    assert response["Location"] == reverse("suppliers:check-answers")
    assert set(application.annexes.values_list("pk", flat=True)) == prepared
    # A signature of the form prepared before the change is not taken: the answers are checked.
    old = application.annexes.get(language="ru")
    cms = sign(trust_test_pki, HEAD_IIN, bytes(old.pdf), ORTHOPEDIA_BIN)
    response = client.post(
        reverse("suppliers:sign"),
        {"cms": base64.b64encode(cms).decode(), "annex": old.pk, "language": "ru"},
    )
    assert response["Location"] == reverse("suppliers:check-answers")
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.req("SUP-8")
def test_a_signature_over_other_bytes_is_refused_and_nothing_changes(
    client, trust_test_pki, signed_in_head
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head)
    prepare_the_form(client)
    client.get(reverse("suppliers:sign") + "?language=kk")
    annex = application.annexes.get(language="kk")
    cms = sign(trust_test_pki, HEAD_IIN, bytes(annex.pdf) + b"\n", ORTHOPEDIA_BIN)
    response = client.post(
        reverse("suppliers:sign"),
        {"cms": base64.b64encode(cms).decode(), "annex": annex.pk, "language": "kk"},
    )
    assert response.status_code == 200
    assert "eds-error-title" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.req("SUP-2")
def test_an_employee_prepares_the_application_but_cannot_sign_it(client, trust_test_pki):
    supplier = SupplierFactory(identifier=SECOND_BIN)
    employee = UserFactory(iin=EMPLOYEE_IIN)
    RoleAssignmentFactory(user=employee, role=Role.SUPPLIER, organisation_bin=SECOND_BIN)
    accept_offer_without_signature(supplier, employee)
    application = complete_application(supplier=supplier, user=employee)
    sign_in(client, employee, bin=SECOND_BIN, role_oids=(oids.ROLE_EMPLOYEE,))
    assert client.get(section_url(Section.CONTACTS)).status_code == 200
    prepare_the_form(client)
    response = client.get(reverse("suppliers:sign") + "?language=kk")
    assert response.status_code == 200
    assert "data-eds-sign" not in response.content.decode(), "no signing component"
    annex = application.annexes.get(language="kk")
    cms = sign(trust_test_pki, EMPLOYEE_IIN, bytes(annex.pdf), SECOND_BIN)
    client.post(
        reverse("suppliers:sign"),
        {"cms": base64.b64encode(cms).decode(), "annex": annex.pk, "language": "kk"},
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.req("SUP-9")
def test_a_submitted_application_is_withdrawn_after_a_confirmation(client, signed_in_head):
    supplier, head = signed_in_head
    application = ApplicationFactory(supplier=supplier, created_by=head)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    url = reverse("suppliers:withdraw", args=[application.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED, "a GET changes nothing"
    response = client.post(url)
    assert response["Location"] == reverse("suppliers:status", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    page = html(client.get(reverse("suppliers:status", args=[application.pk])))
    assert str(selectors.application_status(application).stage) in page
    assert url not in page


def test_a_submitted_application_can_no_longer_be_changed(client, signed_in_head):
    """A submitted application's sections cannot be posted to: its draft pages are gone."""
    supplier, head = signed_in_head
    application = ApplicationFactory(supplier=supplier, created_by=head)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    response = client.post(section_url(Section.CONTACTS), {"email": "x@y.kz"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.email == ""
