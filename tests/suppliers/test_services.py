"""The acts of the supplier cabinet, with real signatures of the test PKI (SUP-1..SUP-10, E20,
CAL-2): starting, the public offer, state data, sections, documents, Annex 1, submission,
withdrawal, status e-mails and the audit trail."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov_gateway.eds.errors import DigestMismatch, SignatureError
from egov_gateway.eds.models import Signature
from egov_gateway.eds.signer import Purpose
from egov_gateway.models import StateRecord
from portal.audit.models import AuditEvent
from portal.editions import EDITION_2020, EDITION_2022, Offer, SupplierKind, edition_for
from portal.models import ClassifierItem, Region
from portal.notifications.models import Notification
from suppliers import selectors, services
from suppliers.models import (
    AnnexDocument,
    Application,
    DocType,
    OfferAcceptance,
    Section,
    SupportingDocument,
)
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    CONFIRMING_ANSWERS,
    EMPLOYEE_IIN,
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    PERSON_IIN,
    RIGHT_TO_SIGN_IIN,
    SECOND_BIN,
    ApplicationFactory,
    SupplierFactory,
    add_document,
    complete_application,
    image_bytes,
    pdf_bytes,
    private_media,
    representative,
)

pytestmark = pytest.mark.django_db

DEMO_SANDBOX = Path(__file__).resolve().parents[2] / "egov_gateway" / "sandbox" / "demo"


@pytest.fixture
def pki(trust_test_pki):
    return trust_test_pki


@pytest.fixture
def sandbox(settings, tmp_path):
    """The sandbox state systems, knowing the test PKI's organisation and person."""
    directory = tmp_path / "sandbox"
    shutil.copytree(DEMO_SANDBOX, directory)

    def add(source: str, identifier: str, record: dict) -> None:
        path = directory / f"{source}.json"
        content = json.loads(path.read_text(encoding="utf-8"))
        content["records"][identifier] = record
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")

    for source in ("gbd_ul", "real_estate", "tax_debts"):
        add(source, ORTHOPEDIA_BIN, CONFIRMING_ANSWERS[source](ORTHOPEDIA_BIN))
    for source in ("gbd_fl", "entrepreneurs", "psychiatric"):
        record = CONFIRMING_ANSWERS[source](PERSON_IIN)
        add(source, PERSON_IIN, record)
    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(directory)
    return directory


@pytest.fixture
def astana():
    return Region.objects.get(kato="710000000")


def head_of_orthopedia():
    from tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory(iin=HEAD_IIN, full_name="Басшы Ерлан Серікұлы")
    RoleAssignmentFactory(user=user, role="supplier", organisation_bin=ORTHOPEDIA_BIN)
    return user


def sign(pki, iin: str, data: bytes, bin: str | None = None) -> bytes:
    return pki.key_for(iin, Purpose.SIGN, bin).sign(data)


def started_orthopedia(astana):
    head = head_of_orthopedia()
    supplier = services.start_as_supplier(
        user=head,
        kind=SupplierKind.LEGAL_ENTITY,
        identifier=ORTHOPEDIA_BIN,
        name="ТОО «ТЕСТ ОРТОПЕДИЯ»",
    )
    return head, supplier


def accepted(pki, supplier, user, language="ru"):
    offer = selectors.render_offer(language=language)
    bin = supplier.identifier if supplier.kind == SupplierKind.LEGAL_ENTITY else None
    return services.accept_public_offer(
        supplier=supplier, user=user, cms=sign(pki, user.iin, offer, bin), offer_bytes=offer
    )


def actions_on(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- starting (SUP-1) ---


@pytest.mark.req("SUP-1")
def test_a_legal_entity_starts_by_bin_and_a_natural_person_by_iin(astana):
    head, supplier = started_orthopedia(astana)
    # SUP-8: no region is chosen at the start; it follows from the legal address later.
    assert (supplier.kind, supplier.identifier, supplier.region) == (
        SupplierKind.LEGAL_ENTITY,
        ORTHOPEDIA_BIN,
        None,
    )
    assert actions_on(supplier) == ["supplier.started"]
    person = SupplierFactory.build(kind=SupplierKind.INDIVIDUAL_ASSISTANT, identifier=PERSON_IIN)
    user = representative(person)
    assistant = services.start_as_supplier(
        user=user,
        kind=SupplierKind.INDIVIDUAL_ASSISTANT,
        identifier=PERSON_IIN,
        name="Тестов Алихан",
    )
    assert assistant.kind == SupplierKind.INDIVIDUAL_ASSISTANT


@pytest.mark.req("SUP-1")
def test_nobody_starts_for_another_organisation_or_another_person(astana):
    head = head_of_orthopedia()
    with pytest.raises(services.NotAuthorised):
        services.start_as_supplier(
            user=head,
            kind=SupplierKind.LEGAL_ENTITY,
            identifier=SECOND_BIN,
            name="ТОО «ЕКІНШІ ТЕСТ»",
        )
    with pytest.raises(services.NotAuthorised):
        services.start_as_supplier(
            user=head,
            kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR,
            identifier=PERSON_IIN,
            name="Тестов",
        )


@pytest.mark.req("SUP-1", "E20-3")
def test_edition_2020_admits_no_individual_assistants(settings, astana):
    settings.RULES_EDITION = "2020"
    person = SupplierFactory.build(kind=SupplierKind.INDIVIDUAL_ASSISTANT, identifier=PERSON_IIN)
    user = representative(person)
    with pytest.raises(services.SupplierActionError) as excinfo:
        services.start_as_supplier(
            user=user,
            kind=SupplierKind.INDIVIDUAL_ASSISTANT,
            identifier=PERSON_IIN,
            name="Тестов",
        )
    assert excinfo.value.code == "kind_not_admitted"


@pytest.mark.req("SUP-1")
def test_a_supplier_with_an_application_under_review_cannot_start_again(astana):
    head, supplier = started_orthopedia(astana)
    ApplicationFactory(supplier=supplier, status=Application.Status.SUBMITTED)
    with pytest.raises(services.NotEligible) as excinfo:
        services.start_as_supplier(
            user=head,
            kind=SupplierKind.LEGAL_ENTITY,
            identifier=ORTHOPEDIA_BIN,
            name="ТОО «ТЕСТ ОРТОПЕДИЯ»",
        )
    assert "under review" in str(excinfo.value)


@pytest.mark.req("SUP-1")
def test_offers_are_chosen_from_the_classifier_groups_of_the_rules():
    goods = selectors.classifier_items_for(offers=[Offer.TECHNICAL_AIDS])
    assert goods.exists()
    assert all(item.kind == ClassifierItem.Kind.GOODS for item in goods)
    assert not goods.filter(code="G01").exists()  # a group, not a kind of goods
    sanatorium = selectors.classifier_items_for(offers=[Offer.SANATORIUM])
    assert list(sanatorium.values_list("code", flat=True)) == ["S03"]
    assert set(EDITION_2022.offers) == set(Offer.values)


# --- the public offer (SUP-2) ---


@pytest.mark.req("SUP-2")
def test_the_offer_is_versioned_and_exists_in_three_languages():
    texts = {lang: selectors.render_offer(language=lang) for lang in ("kk", "ru", "en")}
    assert len(set(texts.values())) == 3
    for text in texts.values():
        assert b"1.0" in text
    assert "Оферта для пользователей Портала социальных услуг".encode() in texts["ru"]
    assert selectors.identify_offer(texts["kk"]) == ("1.0", "kk")
    assert selectors.identify_offer(texts["kk"] + b" ") is None


@pytest.mark.req("SUP-2", "SUP-3")
def test_the_head_signs_the_offer_and_the_state_data_arrives(pki, sandbox, astana):
    head, supplier = started_orthopedia(astana)
    acceptance = accepted(pki, supplier, head)
    offer = selectors.render_offer(language="ru")
    assert (acceptance.offer_version, acceptance.language) == ("1.0", "ru")
    signature = acceptance.signature
    assert bytes(signature.document) == offer
    assert signature.document_sha256 == hashlib.sha256(offer).hexdigest()
    assert (signature.iin, signature.bin) == (HEAD_IIN, ORTHOPEDIA_BIN)
    assert "supplier.offer_accepted" in actions_on(acceptance)
    # SUP-3: pulled right after the offer, with source and date.
    sources = set(
        StateRecord.objects.filter(identifier=ORTHOPEDIA_BIN).values_list("source", flat=True)
    )
    assert {"gbd_ul", "real_estate"} <= sources
    application = services.start_application(supplier=supplier, user=head)
    rows = {row.code: row for row in selectors.state_data_rows(application)}
    head_row = rows["head_full_name"]
    assert head_row.confirmed and head_row.value == "Басшы Ерлан Серікұлы"
    assert head_row.source == "gbd_ul" and head_row.received_at is not None


@pytest.mark.req("SUP-2")
def test_a_person_with_the_right_to_sign_may_sign_the_offer(pki, sandbox, astana):
    _head, supplier = started_orthopedia(astana)
    signer = representative(supplier, iin=RIGHT_TO_SIGN_IIN)
    acceptance = accepted(pki, supplier, signer, language="kk")
    assert acceptance.signed_by == signer


@pytest.mark.req("SUP-2")
def test_an_ordinary_employee_prepares_but_cannot_sign_for_the_organisation(pki, sandbox, astana):
    supplier = SupplierFactory(identifier=SECOND_BIN, region=astana)
    employee = representative(supplier, iin=EMPLOYEE_IIN)
    assert selectors.may_act_for(user=employee, supplier=supplier)  # may prepare drafts
    with pytest.raises(services.NotEntitledToSign):
        accepted(pki, supplier, employee)
    assert not OfferAcceptance.objects.exists()
    assert not Signature.objects.exists()


@pytest.mark.req("SUP-2")
def test_only_the_exact_offer_text_can_be_accepted(pki, sandbox, astana):
    head, supplier = started_orthopedia(astana)
    altered = selectors.render_offer(language="ru") + b"\nAnd the supplier pays a fee."
    with pytest.raises(services.OfferTextUnknown):
        services.accept_public_offer(
            supplier=supplier,
            user=head,
            cms=sign(pki, HEAD_IIN, altered, ORTHOPEDIA_BIN),
            offer_bytes=altered,
        )
    # A signature over the Kazakh text presented with the Russian one is refused too.
    kazakh = selectors.render_offer(language="kk")
    with pytest.raises(DigestMismatch):
        services.accept_public_offer(
            supplier=supplier,
            user=head,
            cms=sign(pki, HEAD_IIN, kazakh, ORTHOPEDIA_BIN),
            offer_bytes=selectors.render_offer(language="ru"),
        )
    assert not OfferAcceptance.objects.exists()


@pytest.mark.req("SUP-2")
def test_a_natural_person_signs_with_their_personal_key(pki, sandbox, astana):
    person = SupplierFactory(
        kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR, identifier=PERSON_IIN, region=astana
    )
    user = representative(person)
    acceptance = accepted(pki, person, user)
    assert acceptance.signature.iin == PERSON_IIN and acceptance.signature.bin == ""


# --- state data (SUP-3) ---


@pytest.mark.req("SUP-3")
def test_state_data_is_asked_only_after_the_offer(sandbox, astana):
    head, supplier = started_orthopedia(astana)
    with pytest.raises(services.OfferNotAccepted):
        services.refresh_state_data(supplier=supplier, user=head)
    with pytest.raises(services.OfferNotAccepted):
        services.start_application(supplier=supplier, user=head)


@pytest.mark.req("SUP-3", "SUP-5")
def test_state_data_is_read_only_and_never_overwritten_by_the_supplier(pki, sandbox, astana):
    head, supplier = started_orthopedia(astana)
    accepted(pki, supplier, head)
    application = services.start_application(supplier=supplier, user=head)
    with pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.STATE_DATA,
            data={"items": {"head_full_name": "Someone Else"}},
            user=head,
        )
    assert "state-head_full_name" in excinfo.value.message_dict
    assert not application.supplied_state_items.exists()


@pytest.mark.req("SUP-3", "SUP-5")
def test_what_the_state_lacks_is_entered_and_kept_across_a_refresh(pki, sandbox, astana):
    head, supplier = started_orthopedia(astana)
    path = sandbox / "real_estate.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    del content["records"][ORTHOPEDIA_BIN]
    path.write_text(json.dumps(content), encoding="utf-8")
    accepted(pki, supplier, head)
    application = services.start_application(supplier=supplier, user=head)
    services.save_section(
        application=application,
        section=Section.STATE_DATA,
        data={"items": {"real_estate_rights": "Lease No. 7 of 01.02.2024"}},
        user=head,
    )
    services.refresh_state_data(supplier=supplier, user=head)
    rows = {row.code: row for row in selectors.state_data_rows(application)}
    assert rows["real_estate_rights"].supplied_value == "Lease No. 7 of 01.02.2024"
    assert rows["real_estate_rights"].needs_proof


# --- sections (SUP-4) and the draft ---


@pytest.fixture
def draft(pki, sandbox, astana):
    head, supplier = started_orthopedia(astana)
    accepted(pki, supplier, head)
    application = services.start_application(supplier=supplier, user=head, language="ru")
    return head, application


@pytest.mark.req("SUP-4")
def test_a_draft_resumes_and_takes_the_edition_in_force(draft, settings):
    head, application = draft
    assert application.edition_code == edition_for().code
    again = services.start_application(supplier=application.supplier, user=head)
    assert again.pk == application.pk


@pytest.mark.req("E20-1")
def test_an_application_started_under_edition_2020_keeps_it(pki, sandbox, astana, settings):
    settings.RULES_EDITION = "2020"
    head, supplier = started_orthopedia(astana)
    accepted(pki, supplier, head)
    application = services.start_application(supplier=supplier, user=head)
    settings.RULES_EDITION = ""
    application.refresh_from_db()
    assert application.edition is EDITION_2020


@pytest.mark.req("SUP-4")
def test_contacts_are_validated_and_normalised(draft):
    head, application = draft
    application = services.save_section(
        application=application,
        section=Section.CONTACTS,
        data={
            "mobile_phone": "8 (701) 123-45-67",
            "email": "Info@Ortopedia.KZ",
            "phone": "8 7172 12 34 56",
            "website": "https://ortopedia.kz",
        },
        user=head,
    )
    assert application.mobile_phone == "+77011234567"
    assert application.phone == "+77172123456"
    assert application.email == "Info@ortopedia.kz"
    assert Section.CONTACTS in application.sections_saved
    assert actions_on(application)[-1] == "application.section_saved"
    with pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.CONTACTS,
            data={"mobile_phone": "+7 495 000 00 00"},
            user=head,
        )
    assert "mobile_phone" in excinfo.value.message_dict
    application.refresh_from_db()
    assert application.mobile_phone == "+77011234567"


@pytest.mark.req("SUP-4")
def test_bank_details_take_the_bank_name_from_the_iban(draft):
    head, application = draft
    application = services.save_section(
        application=application,
        section=Section.BANK_DETAILS,
        data={"iban": "kz86 125k zt50 0410 0100", "bic": "nbrkkzkx", "bank_name": ""},
        user=head,
    )
    assert (application.iban, application.bic) == ("KZ86125KZT5004100100", "NBRKKZKX")
    assert application.bank_name
    with pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.BANK_DETAILS,
            data={"iban": "KZ86125KZT5004100100", "bic": "HSBKKZKX"},
            user=head,
        )
    assert "bic" in excinfo.value.message_dict


@pytest.mark.req("SUP-1", "SUP-4")
def test_offerings_must_come_from_the_classifier_within_the_offers(draft):
    head, application = draft
    services.save_section(
        application=application,
        section=Section.OFFERS,
        data={"offers": [Offer.TECHNICAL_AIDS]},
        user=head,
    )
    prosthesis = ClassifierItem.objects.get(code="G01.02")
    sanatorium = ClassifierItem.objects.get(code="S03")
    with pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.OFFERINGS,
            data={"offerings": [{"classifier_item": sanatorium.pk, "price": "100"}]},
            user=head,
        )
    assert "offerings-0-classifier_item" in excinfo.value.message_dict
    application = services.save_section(
        application=application,
        section=Section.OFFERINGS,
        data={
            "offerings": [
                {
                    "classifier_item": prosthesis.pk,
                    "characteristics": "Modular",
                    "price": "450 000,50",
                    "unit": "piece",
                    "stock_quantity": "3",
                }
            ]
        },
        user=head,
    )
    offering = application.offerings.get()
    assert (str(offering.price), offering.stock_quantity) == ("450000.50", 3)


@pytest.mark.req("SUP-1")
def test_an_individual_assistant_cannot_be_given_another_offer(pki, sandbox, astana):
    supplier = SupplierFactory(
        kind=SupplierKind.INDIVIDUAL_ASSISTANT, identifier=PERSON_IIN, region=astana
    )
    person = representative(supplier)
    accepted(pki, supplier, person)
    application = services.start_application(supplier=supplier, user=person)
    with pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.OFFERS,
            data={"offers": [Offer.INDIVIDUAL_ASSISTANT, Offer.TECHNICAL_AIDS]},
            user=person,
        )
    assert "may offer only" in excinfo.value.message_dict["offers"][0]
    application.refresh_from_db()
    assert application.offers == []
    application = services.save_section(
        application=application,
        section=Section.OFFERS,
        data={"offers": [Offer.INDIVIDUAL_ASSISTANT]},
        user=person,
    )
    assert application.offers == [Offer.INDIVIDUAL_ASSISTANT]


@pytest.mark.req("E20-3")
def test_edition_2020_refuses_a_second_entry_of_the_same_kind(pki, sandbox, astana, settings):
    settings.RULES_EDITION = "2020"
    head, supplier = started_orthopedia(astana)
    accepted(pki, supplier, head)
    application = services.start_application(supplier=supplier, user=head)
    services.save_section(
        application=application,
        section=Section.OFFERS,
        data={"offers": [Offer.TECHNICAL_AIDS]},
        user=head,
    )
    item = ClassifierItem.objects.get(code="G01.02").pk
    row = {"classifier_item": item, "characteristics": "A", "price": "1", "stock_quantity": 1}
    with pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.OFFERINGS,
            data={"offerings": [row, row | {"characteristics": "B"}]},
            user=head,
        )
    assert "offerings-1-classifier_item" in excinfo.value.message_dict


@pytest.mark.req("SUP-10")
def test_consent_to_publication_is_stored_as_yes_or_no(draft):
    head, application = draft
    application = services.save_section(
        application=application,
        section=Section.CONSENTS,
        data={"consent_personal_data": True, "consent_publication": "no"},
        user=head,
    )
    assert application.consent_publication is False
    application = services.save_section(
        application=application,
        section=Section.CONSENTS,
        data={"consent_publication": True},
        user=head,
    )
    assert application.consent_publication is True


# --- documents (SUP-5) ---


@pytest.mark.req("SUP-5")
def test_a_document_is_checked_by_content_and_stored_privately(draft, settings):
    head, application = draft
    document = services.add_document(
        application=application,
        uploaded_file=SimpleUploadedFile("Диплом.pdf", pdf_bytes(), "application/octet-stream"),
        doc_type=DocType.DIPLOMA,
        user=head,
        expires_on=datetime.date(2030, 1, 1),
    )
    assert document.content_type == "application/pdf"
    assert document.original_name == "Диплом.pdf"
    assert document.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    path = Path(document.file.path)
    assert path.is_file() and path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "application.document_added" in actions_on(application)
    services.remove_document(document=document, user=head)
    assert not SupportingDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("diploma.pdf", b"MZ\x90\x00" + b"\x00" * 300, "executable_file"),
        ("photo.jpg", image_bytes("PNG"), "extension_mismatch"),
        ("half.pdf", pdf_bytes()[:200], "damaged_file"),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_is_stored(draft, settings, name, content, code):
    head, application = draft
    with pytest.raises(ValidationError) as excinfo:
        services.add_document(
            application=application,
            uploaded_file=SimpleUploadedFile(name, content, "application/pdf"),
            doc_type=DocType.DIPLOMA,
            user=head,
        )
    assert excinfo.value.error_list[0].code == code
    assert not SupportingDocument.objects.exists()
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_an_oversize_upload_is_refused(draft, settings):
    head, application = draft
    settings.SUPPLIER_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        services.add_document(
            application=application,
            uploaded_file=SimpleUploadedFile("big.pdf", pdf_bytes()),
            doc_type=DocType.DIPLOMA,
            user=head,
        )
    assert excinfo.value.error_list[0].code == "file_too_large"


# --- Annex 1, signing and submission (SUP-6..SUP-9, CAL-2) ---


@pytest.fixture
def ready(pki, sandbox, astana):
    """A complete application of the test organisation, its offer signed by the head."""
    head, supplier = started_orthopedia(astana)
    accepted(pki, supplier, head)
    draft = services.start_application(supplier=supplier, user=head, language="ru")
    application = complete_application(application=draft, user=head)
    return head, application


@pytest.mark.req("SUP-6")
def test_an_incomplete_application_can_be_neither_prepared_nor_submitted(ready, pki):
    head, application = ready
    application.consent_personal_data = False
    application.save()
    with pytest.raises(services.ApplicationIncomplete) as excinfo:
        services.prepare_annex(application=application, language="ru", user=head)
    assert [p.field_id for p in excinfo.value.problems] == ["id_consent_personal_data"]
    annex = AnnexDocument.objects.create(
        application=application, language="ru", pdf=b"%PDF", sha256="0" * 64, revision=0
    )
    with pytest.raises(services.ApplicationIncomplete):
        services.submit_application(
            application=application,
            annex=annex,
            user=head,
            cms=sign(pki, HEAD_IIN, b"%PDF", ORTHOPEDIA_BIN),
        )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.req("SUP-7", "SUP-8", "SUP-9", "CAL-2")
def test_the_signed_annex_submits_the_application_to_the_region_with_its_deadline(
    ready, pki, django_capture_on_commit_callbacks
):
    head, application = ready
    annex = services.prepare_annex(application=application, language="ru", user=head)
    assert bytes(annex.pdf).startswith(b"%PDF")
    assert annex.sha256 == hashlib.sha256(bytes(annex.pdf)).hexdigest()
    # Preparing again gives the same bytes: the document shown is the document signed.
    assert services.prepare_annex(application=application, language="ru", user=head).pk == annex.pk
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.submit_application(
            application=application,
            annex=annex,
            user=head,
            cms=sign(pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
        )
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.region == application.supplier.region
    today = timezone.localdate()
    assert submitted.review_due == EDITION_2022.decision_due(today)
    annex.refresh_from_db()
    assert annex.signature.document_sha256 == annex.sha256
    assert annex.signature.signed_object == annex
    # SUP-9 / CAL-2: the cabinet shows the stage, what is next and by when.
    status = selectors.application_status(submitted)
    assert status.due == submitted.review_due
    assert f"{submitted.review_due:%d.%m.%Y}" in str(status.next_step)
    assert status.can_withdraw
    # Every step is in the audit trail.
    assert actions_on(submitted) == [
        "application.started",
        "application.annex_prepared",
        "application.submitted",
    ]
    assert "signature.recorded" in AuditEvent.objects.values_list("action", flat=True)
    # The supplier is told by e-mail, once.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [submitted.email]
    assert str(submitted.pk) in mail.outbox[0].body
    email = Notification.objects.get()
    services.notify_status_change(application_id=submitted.pk, event_key=email.event_key)
    assert len(mail.outbox) == 1
    # The signed data can no longer change (SUP-10: the consent stays as signed).
    with pytest.raises(services.NotEditable):
        services.save_section(
            application=submitted,
            section=Section.CONSENTS,
            data={"consent_publication": False},
            user=head,
        )


@pytest.mark.req("SUP-8")
def test_a_signature_over_other_bytes_is_refused_and_the_draft_stays(ready, pki):
    head, application = ready
    annex = services.prepare_annex(application=application, language="kk", user=head)
    with pytest.raises(DigestMismatch):
        services.submit_application(
            application=application,
            annex=annex,
            user=head,
            cms=sign(pki, HEAD_IIN, bytes(annex.pdf) + b"\n", ORTHOPEDIA_BIN),
        )
    application.refresh_from_db()
    annex.refresh_from_db()
    assert application.status == Application.Status.DRAFT and not annex.is_signed


@pytest.mark.req("SUP-2", "SUP-8")
def test_an_employee_without_the_right_to_sign_cannot_submit(ready, pki):
    head, application = ready
    signer = representative(application.supplier, iin=RIGHT_TO_SIGN_IIN)
    annex = services.prepare_annex(application=application, language="ru", user=signer)
    # A person with the right to sign may; an IIN that is not theirs may not.
    with pytest.raises(SignatureError):
        services.submit_application(
            application=application,
            annex=annex,
            user=signer,
            cms=sign(pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
        )
    submitted = services.submit_application(
        application=application,
        annex=annex,
        user=signer,
        cms=sign(pki, RIGHT_TO_SIGN_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
    )
    assert submitted.status == Application.Status.SUBMITTED


@pytest.mark.req("SUP-2", "SUP-8")
def test_an_ordinary_employee_cannot_sign_the_application(pki, sandbox, astana):
    supplier = SupplierFactory(identifier=SECOND_BIN, region=astana)
    employee = representative(supplier, iin=EMPLOYEE_IIN)
    application = complete_application(supplier=supplier, user=employee)
    annex = AnnexDocument.objects.create(
        application=application,
        language="ru",
        pdf=pdf_bytes(),
        sha256=hashlib.sha256(pdf_bytes()).hexdigest(),
        revision=application.revision,
    )
    with pytest.raises(services.NotEntitledToSign):
        services.submit_application(
            application=application,
            annex=annex,
            user=employee,
            cms=sign(pki, EMPLOYEE_IIN, pdf_bytes(), SECOND_BIN),
        )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.req("SUP-8")
def test_an_annex_prepared_before_a_change_cannot_be_signed(ready, pki):
    head, application = ready
    annex = services.prepare_annex(application=application, language="ru", user=head)
    services.save_section(
        application=application,
        section=Section.CONTACTS,
        data={"website": "https://ortopedia.kz"},
        user=head,
    )
    with pytest.raises(services.StaleAnnex):
        services.submit_application(
            application=application,
            annex=annex,
            user=head,
            cms=sign(pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
        )


@pytest.mark.req("CAL-2")
@pytest.mark.parametrize(
    ("edition", "arrived_on", "due"),
    [
        # Friday 07.03.2025; 8 March falls on Saturday, so Monday 10.03 is a day off: the five
        # working days of 2022 p.12 are 11, 12, 13, 14 and 17 March.
        (EDITION_2022, datetime.date(2025, 3, 7), datetime.date(2025, 3, 17)),
        # Friday 19.03.2021 before Nauryz (21-23 March, Sunday's moved to Wednesday 24): five
        # working days of checking (2020 p.13) and two for the decision (p.14) are 25, 26, 29,
        # 30, 31 March, 1 and 2 April.
        (EDITION_2020, datetime.date(2021, 3, 19), datetime.date(2021, 4, 2)),
    ],
)
def test_the_review_deadline_counts_working_days_of_the_edition(edition, arrived_on, due):
    assert selectors.review_deadline(edition=edition, arrived_on=arrived_on) == due


@pytest.mark.req("CAL-2")
def test_arrival_is_the_day_in_kazakhstan():
    late_friday_utc = datetime.datetime(2025, 3, 6, 20, 30, tzinfo=datetime.UTC)  # 01:30 Friday
    assert selectors.arrival_day(late_friday_utc) == datetime.date(2025, 3, 7)


# --- withdrawal and status (SUP-9) ---


@pytest.mark.req("SUP-9")
def test_a_submitted_application_can_be_withdrawn_and_then_a_new_one_started(
    ready, pki, django_capture_on_commit_callbacks
):
    head, application = ready
    annex = services.prepare_annex(application=application, language="ru", user=head)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(
            application=application,
            annex=annex,
            user=head,
            cms=sign(pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
        )
    with pytest.raises(services.NotEligible):
        services.start_application(supplier=application.supplier, user=head)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.withdraw_application(application=application, user=head)
    assert withdrawn.status == Application.Status.WITHDRAWN
    assert selectors.application_status(withdrawn).can_withdraw is False
    assert actions_on(withdrawn)[-1] == "application.withdrawn"
    assert len(mail.outbox) == 2
    with pytest.raises(services.SupplierActionError):
        services.withdraw_application(application=withdrawn, user=head)
    new = services.start_application(supplier=application.supplier, user=head)
    assert new.pk != application.pk and new.status == Application.Status.DRAFT


@pytest.mark.req("SUP-9")
def test_the_status_of_a_draft_says_what_to_do_next():
    status = selectors.application_status(ApplicationFactory())
    assert status.status == "draft" and status.due is None and status.next_step


def test_only_people_of_the_supplier_act_on_its_application(ready):
    _head, application = ready
    stranger = representative(SupplierFactory())
    with pytest.raises(services.NotAuthorised):
        services.save_section(
            application=application, section=Section.PLACES, data={}, user=stranger
        )
    with pytest.raises(services.NotAuthorised):
        services.withdraw_application(application=application, user=stranger)


# --- who acts for whom (selectors) ---


@pytest.mark.req("SUP-1")
def test_the_key_signed_in_with_decides_which_kinds_can_start(settings):
    head = head_of_orthopedia()
    organisation = {"eds_identity": {"iin": HEAD_IIN, "bin": ORTHOPEDIA_BIN}}
    options = selectors.start_options(user=head, session=organisation)
    assert [(o.kind, o.identifier) for o in options] == [
        (SupplierKind.LEGAL_ENTITY, ORTHOPEDIA_BIN)
    ]
    person = representative(
        SupplierFactory.build(kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR, identifier=PERSON_IIN)
    )
    personal = {"eds_identity": {"iin": PERSON_IIN, "bin": ""}}
    kinds = [o.kind for o in selectors.start_options(user=person, session=personal)]
    assert kinds == [SupplierKind.INDIVIDUAL_ENTREPRENEUR, SupplierKind.INDIVIDUAL_ASSISTANT]
    settings.RULES_EDITION = "2020"
    kinds = [o.kind for o in selectors.start_options(user=person, session=personal)]
    assert kinds == [SupplierKind.INDIVIDUAL_ENTREPRENEUR]


def test_the_current_supplier_follows_the_key_of_the_session(astana):
    head, supplier = started_orthopedia(astana)
    session = {"eds_identity": {"iin": HEAD_IIN, "bin": ORTHOPEDIA_BIN}}
    assert selectors.current_supplier_for(head, session) == supplier
    assert selectors.current_supplier_for(head, {"eds_identity": {"bin": ""}}) is None


def test_documents_are_served_to_the_supplier_its_commission_and_operators(ready):
    from tests.factories import RoleAssignmentFactory, UserFactory

    head, application = ready
    document = add_document(application, DocType.TITLE_DEED, uploaded_by=head)
    operator = UserFactory()
    RoleAssignmentFactory(user=operator, role="operator")
    member = UserFactory()
    RoleAssignmentFactory(user=member, role="member", region=application.region)
    other_region = Region.objects.exclude(pk=application.region_id).first()
    outsider = UserFactory()
    RoleAssignmentFactory(user=outsider, role="member", region=other_region)
    assert selectors.may_download(user=head, document=document)
    assert selectors.may_download(user=operator, document=document)
    assert not selectors.may_download(user=member, document=document)  # still a draft
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    document.refresh_from_db()
    assert selectors.may_download(user=member, document=document)
    assert not selectors.may_download(user=outsider, document=document)


@pytest.mark.req("SUP-8")
def test_operators_see_submitted_applications_in_the_admin_but_change_nothing(rf):
    from django.contrib import admin

    from tests.factories import RoleAssignmentFactory, UserFactory

    operator = UserFactory(is_staff=True)
    RoleAssignmentFactory(user=operator, role="operator")
    request = rf.get("/")
    request.user = operator
    model_admin = admin.site._registry[Application]
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    assert model_admin.has_view_permission(request, application)
    assert not model_admin.has_change_permission(request, application)
    assert not model_admin.has_delete_permission(request, application)
    assert application in model_admin.get_queryset(request)
    clerk = UserFactory(is_staff=True)
    request.user = clerk
    assert not model_admin.has_view_permission(request, application)
