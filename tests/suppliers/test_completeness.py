"""The completeness check (SUP-6) and what it asks of each kind of supplier and edition
(SUP-4, SUP-5, SUP-7, SUP-10, E20-1, E20-2, E20-3)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from egov_gateway.models import StateRecord
from portal.editions import EDITION_2020, EDITION_2022, Offer, SupplierKind
from portal.models import ClassifierItem
from suppliers.models import DocType, Offering, Section
from suppliers.selectors import (
    ITEM_SECTIONS,
    admission_findings,
    completeness_problems,
    document_requirements,
    sections_for,
    state_data_rows,
    task_list,
)
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    ApplicationFactory,
    add_document,
    complete_application,
    goods_item,
    private_media,
    state_record,
)

pytestmark = pytest.mark.django_db

LE = SupplierKind.LEGAL_ENTITY
IE = SupplierKind.INDIVIDUAL_ENTREPRENEUR
IA = SupplierKind.INDIVIDUAL_ASSISTANT


def field_ids(application) -> set[str]:
    return {problem.field_id for problem in completeness_problems(application)}


# --- a complete application passes, in every shape ---


@pytest.mark.req("SUP-6")
@pytest.mark.parametrize(
    ("kind", "offers", "edition_code"),
    [
        (LE, (Offer.TECHNICAL_AIDS,), "2022"),
        (LE, (Offer.SPECIAL_SOCIAL_SERVICES, Offer.SANATORIUM), "2022"),
        (IE, (Offer.TECHNICAL_AIDS, Offer.SIGN_LANGUAGE), "2022"),
        (IA, (Offer.INDIVIDUAL_ASSISTANT,), "2022"),
        (IE, (Offer.SPECIAL_SOCIAL_SERVICES,), "2022"),
        (LE, (Offer.TECHNICAL_AIDS, Offer.SANATORIUM), "2020"),
        (IE, (Offer.TECHNICAL_AIDS,), "2020"),
    ],
)
def test_a_complete_application_has_no_problems(kind, offers, edition_code):
    application = complete_application(kind=kind, offers=offers, edition_code=edition_code)
    assert completeness_problems(application) == []


# --- sections depend on kind and offers (SUP-4) ---


@pytest.mark.req("SUP-4")
def test_every_item_of_every_edition_has_a_section():
    for edition in (EDITION_2020, EDITION_2022):
        for item in edition.supplier_data_items:
            assert item.code in ITEM_SECTIONS, (edition.code, item.code)


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("kind", "offers"),
    [
        (LE, [Offer.TECHNICAL_AIDS]),
        (LE, [Offer.SPECIAL_SOCIAL_SERVICES]),
        (IE, [Offer.SPECIAL_SOCIAL_SERVICES]),
        (IA, [Offer.INDIVIDUAL_ASSISTANT]),
        (IE, [Offer.SIGN_LANGUAGE]),
    ],
)
def test_sections_are_those_the_edition_asks_of_the_kind_and_offers(kind, offers):
    application = ApplicationFactory(supplier__kind=kind, offers=offers)
    expected = {
        ITEM_SECTIONS[item.code]
        for item in EDITION_2022.data_items_for(supplier_kind=kind, offers=offers)
    }
    sections = sections_for(application)
    assert set(sections) - {Section.OFFERS, Section.STATE_DATA, Section.CONSENTS} == expected


@pytest.mark.req("SUP-4")
def test_goods_ask_no_specialists_while_special_social_services_ask_department_or_075u():
    goods = sections_for(ApplicationFactory(offers=[Offer.TECHNICAL_AIDS]))
    assert Section.SPECIALISTS not in goods and Section.DEPARTMENT not in goods
    organisation = sections_for(ApplicationFactory(offers=[Offer.SPECIAL_SOCIAL_SERVICES]))
    assert Section.DEPARTMENT in organisation
    assert Section.MEDICAL_CERTIFICATE not in organisation
    person = sections_for(
        ApplicationFactory(supplier__kind=IE, offers=[Offer.SPECIAL_SOCIAL_SERVICES])
    )
    assert Section.MEDICAL_CERTIFICATE in person and Section.DEPARTMENT not in person


@pytest.mark.req("SUP-4")
def test_task_list_marks_sections_by_their_state():
    application = complete_application(offers=(Offer.SPECIAL_SOCIAL_SERVICES,))
    application.sections_saved = [Section.CONTACTS]
    application.save()
    Offering.objects.filter(application=application).update(characteristics="")
    tasks = {task.section: task for task in task_list(application)}
    assert tasks[Section.CONTACTS].status == "completed"
    assert tasks[Section.STATE_DATA].status == "completed"  # arrives by itself
    assert tasks[Section.OFFERINGS].status == "not_started"
    assert tasks[Section.OFFERINGS].problems
    assert tasks[Section.STAFF].required is False  # "if any" (2022 p.7(7))
    assert tasks[Section.DEPARTMENT].required is True


# --- the qualifiers of 2022 p.7 decide what is required (SUP-4) ---


def documents_asked(application) -> dict[str, bool]:
    return {r.doc_type: r.required for r in document_requirements(application) if not r.item_code}


@pytest.mark.req("SUP-4")
def test_diplomas_certificates_and_employment_contracts_are_all_required():
    """2022 p.7(11) has no qualifier: each of the three kinds of proof is asked."""
    application = complete_application(kind=IA, offers=(Offer.INDIVIDUAL_ASSISTANT,))
    asked = documents_asked(application)
    for doc_type in (
        DocType.DIPLOMA,
        DocType.QUALIFICATION_CERTIFICATE,
        DocType.EMPLOYMENT_CONTRACT,
    ):
        assert asked[doc_type] is True, doc_type
    application.documents.filter(
        doc_type__in=[DocType.QUALIFICATION_CERTIFICATE, DocType.EMPLOYMENT_CONTRACT]
    ).delete()
    ids = field_ids(application)
    assert {"id_document-qualification_certificate", "id_document-employment_contract"} <= ids
    assert "id_document-diploma" not in ids


@pytest.mark.req("SUP-4")
def test_the_title_deed_is_asked_only_when_the_department_premises_are_owned():
    """2022 p.7(9): "документ на право собственности (при наличии собственности)"."""
    application = complete_application(offers=(Offer.SPECIAL_SOCIAL_SERVICES,))
    identifier = application.supplier.identifier
    state_record(identifier, "real_estate", data={"rights": [{"kind": "lease"}]})
    assert DocType.TITLE_DEED not in documents_asked(application)  # leased
    application.department_premises_owned = None
    application.save()
    assert "id_department_premises_owned" in field_ids(application)
    assert DocType.TITLE_DEED not in documents_asked(application)
    application.department_premises_owned = True
    application.save()
    assert documents_asked(application)[DocType.TITLE_DEED] is True
    assert "id_document-title_deed" in field_ids(application)
    # Ownership the real-estate register shows needs no document (SUP-5).
    state_record(identifier, "real_estate", data={"rights": [{"kind": "ownership"}]})
    assert documents_asked(application)[DocType.TITLE_DEED] is False
    assert completeness_problems(application) == []
    # The founding documents of the same item have no qualifier.
    assert documents_asked(application)[DocType.FOUNDING_DOCUMENTS] is True


@pytest.mark.req("SUP-4")
def test_the_medical_certificate_is_asked_of_natural_persons_providing_special_social_services():
    """2022 p.7(12): "при оказании специальных социальных услуг физическими лицами"."""
    person = complete_application(kind=IE, offers=(Offer.SPECIAL_SOCIAL_SERVICES,))
    assert documents_asked(person)[DocType.MEDICAL_CERTIFICATE_075U] is True
    person.documents.filter(doc_type=DocType.MEDICAL_CERTIFICATE_075U).delete()
    assert "id_document-medical_certificate_075u" in field_ids(person)
    organisation = complete_application(offers=(Offer.SPECIAL_SOCIAL_SERVICES,))
    assert DocType.MEDICAL_CERTIFICATE_075U not in documents_asked(organisation)
    other = complete_application(kind=IE, offers=(Offer.SIGN_LANGUAGE,))
    assert DocType.MEDICAL_CERTIFICATE_075U not in documents_asked(other)


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize(
    ("offers", "asked"),
    [
        ((Offer.SPECIAL_SOCIAL_SERVICES,), True),
        ((Offer.SANATORIUM,), True),
        ((Offer.TECHNICAL_AIDS,), False),
        ((Offer.SIGN_LANGUAGE,), False),
    ],
)
def test_accessibility_photos_are_asked_only_for_residential_services_and_only_if_any(
    offers, asked
):
    """2022 p.7(13): photos "при оказании специальных социальных услуг и санаторно-курортного
    лечения" and "(при наличии)": offered, never demanded."""
    application = complete_application(offers=offers)
    documents = documents_asked(application)
    assert (DocType.ACCESSIBILITY_PHOTO in documents) is asked
    assert (Section.ACCESSIBILITY in sections_for(application)) is asked
    if asked:
        assert documents[DocType.ACCESSIBILITY_PHOTO] is False
        assert "id_document-accessibility_photo" not in field_ids(application)


# --- what a kind of supplier may offer (SUP-1) ---


@pytest.mark.req("SUP-1")
def test_an_individual_assistant_offers_only_the_individual_assistant_service():
    assert EDITION_2022.offers_for(supplier_kind=IA) == (Offer.INDIVIDUAL_ASSISTANT,)
    assert EDITION_2022.offers_for(supplier_kind=LE) == EDITION_2022.offers
    assert EDITION_2022.offers_for(supplier_kind=IE) == EDITION_2022.offers
    assert EDITION_2022.clause_for("offers_by_kind") == "2022 p.2(4), p.6(3)"
    # A draft that holds another offer (made before the rule, or around the forms) cannot be
    # submitted: the check names the rule.
    application = complete_application(kind=IA, offers=(Offer.INDIVIDUAL_ASSISTANT,))
    application.offers = [Offer.INDIVIDUAL_ASSISTANT, Offer.SPECIAL_SOCIAL_SERVICES]
    application.save()
    problems = [p for p in completeness_problems(application) if p.field_id == "id_offers"]
    assert len(problems) == 1
    assert "individual assistant" in str(problems[0].message)


# --- every problem names its field (SUP-6) ---


@pytest.mark.req("SUP-6")
def test_an_empty_application_lists_every_missing_item_with_its_field():
    application = ApplicationFactory(offers=[Offer.SPECIAL_SOCIAL_SERVICES])
    ids = field_ids(application)
    for expected in (
        "id_mobile_phone",
        "id_email",
        "id_phone",
        "id_iban",
        "id_bic",
        "id_bank_name",
        "id_offerings-0-classifier_item",
        "id_addresses-0-region",
        "id_department_type",
        "id_department_kind",
        "id_department_name",
        "id_specialists-0-full_name",
        "id_document-founding_documents",
        "id_document-diploma",
        "id_consent_personal_data",
        "id_consent_publication",
        "id_state-legal_address",  # never received from the state
    ):
        assert expected in ids, expected
    # Optional items ("при наличии") are not demanded.
    assert "id_places_count" not in ids
    assert "id_document-staffing_table" not in ids
    assert all(problem.message for problem in completeness_problems(application))


@pytest.mark.req("SUP-6")
def test_without_offers_the_check_asks_to_choose_them_first():
    application = ApplicationFactory(offers=[])
    assert "id_offers" in field_ids(application)


@pytest.mark.req("SUP-6")
def test_invalid_values_are_problems_with_their_reason():
    application = complete_application()
    application.mobile_phone = "+7 495 123 45 67"
    application.bic = "HSBKKZKX"  # not the bank of the IBAN
    application.save()
    problems = {p.field_id: str(p.message) for p in completeness_problems(application)}
    assert "Kazakhstan" in problems["id_mobile_phone"]
    assert "IBAN" in problems["id_bic"]


@pytest.mark.req("SUP-6")
def test_each_offering_is_checked_by_its_own_row():
    application = complete_application(offers=(Offer.TECHNICAL_AIDS,))
    Offering.objects.create(
        application=application,
        classifier_item=ClassifierItem.objects.get(code="G05.01"),
        characteristics="",
        price=None,
    )
    ids = field_ids(application)
    assert {"id_offerings-1-characteristics", "id_offerings-1-price"} <= ids
    assert "id_offerings-0-price" not in ids


@pytest.mark.req("SUP-1", "SUP-6")
def test_a_kind_outside_the_offers_chosen_is_a_problem():
    application = complete_application(offers=(Offer.TECHNICAL_AIDS,))
    Offering.objects.create(
        application=application,
        classifier_item=ClassifierItem.objects.get(code="S03"),
        characteristics="Treatment",
        price=Decimal("100"),
    )
    assert "id_offerings-1-classifier_item" in field_ids(application)


@pytest.mark.req("SUP-6")
def test_an_expired_document_is_a_finding_not_a_missing_item():
    """Changed: an expired document used to block the submission; it is now a finding for the
    commission, with the document and its date as evidence (SUP-6)."""
    application = complete_application(offers=(Offer.SPECIAL_SOCIAL_SERVICES,))
    application.documents.filter(doc_type=DocType.DIPLOMA).update(
        expires_on=datetime.date(2020, 1, 1)
    )
    assert completeness_problems(application) == []
    (finding,) = admission_findings(application=application)
    assert finding.code == "document_expired"
    assert "expired on 01.01.2020" in str(finding.message)
    assert (finding.source, finding.observed_on) == ("documents", datetime.date(2020, 1, 1))
    assert finding.field_id == "id_document-diploma"


# --- state data and proof (SUP-3, SUP-5) ---


@pytest.mark.req("SUP-5")
def test_state_confirmed_items_need_no_proof():
    application = complete_application()
    rows = state_data_rows(application)
    assert rows and all(row.confirmed and not row.needs_proof for row in rows)
    assert not [r for r in document_requirements(application) if r.doc_type == "proof_of_data"]


@pytest.mark.req("SUP-3", "SUP-5")
def test_an_item_the_state_did_not_return_is_entered_and_proved_by_the_supplier():
    application = complete_application()
    identifier = application.supplier.identifier
    state_record(identifier, "real_estate", data={"rights": []})  # a newer, empty answer
    ids = field_ids(application)
    assert "id_state-real_estate_rights" in ids
    assert "id_proof-real_estate_rights" in ids
    application.supplied_state_items.create(
        item_code="real_estate_rights",
        value="Lease No. 12 of 01.02.2024, Astana, Mangilik El 20",
        entered_by=application.created_by,
    )
    ids = field_ids(application)
    assert "id_state-real_estate_rights" not in ids
    assert "id_proof-real_estate_rights" in ids
    add_document(application, DocType.PROOF_OF_DATA, item_code="real_estate_rights")
    assert completeness_problems(application) == []


@pytest.mark.req("SUP-3")
def test_a_source_that_never_answered_is_asked_again_not_taken_as_no_record():
    application = complete_application(kind=IA, offers=(Offer.INDIVIDUAL_ASSISTANT,))
    StateRecord.objects.filter(
        identifier=application.supplier.identifier, source="psychiatric"
    ).delete()
    problems = [
        p
        for p in completeness_problems(application)
        if p.field_id == "id_state-no_psychiatric_registration"
    ]
    assert len(problems) == 1
    assert "again" in str(problems[0].message)
    assert "id_proof-no_psychiatric_registration" not in field_ids(application)


# --- consents (SUP-7, SUP-10) ---


@pytest.mark.req("SUP-7", "SUP-10")
def test_consents_are_part_of_the_application_and_publication_needs_a_yes_or_no():
    application = complete_application()
    application.consent_personal_data = False
    application.consent_publication = None
    application.save()
    assert {"id_consent_personal_data", "id_consent_publication"} <= field_ids(application)
    application.consent_personal_data = True
    application.consent_publication = False  # "no" is an answer
    application.save()
    assert completeness_problems(application) == []


# --- edition 2020 (E20-1, E20-2, E20-3) ---


@pytest.mark.req("E20-1")
def test_edition_2020_requires_the_stock_quantity_of_goods_and_2022_does_not():
    old = complete_application(edition_code="2020")
    new = complete_application(edition_code="2022")
    Offering.objects.filter(application__in=[old, new]).update(stock_quantity=None)
    assert "id_offerings-0-stock_quantity" in field_ids(old)
    assert completeness_problems(new) == []


def findings_by_code(application) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in admission_findings(application=application):
        found.setdefault(finding.code, []).append(finding)
    return found


@pytest.mark.req("SUP-6", "E20-2")
def test_edition_2020_shows_debts_reported_by_the_tax_authority_as_a_finding():
    """Changed: debts used to be a problem that blocked the submission (2020 p.6(1)); the
    commission weighs them (2020 p.13), the portal shows them with their evidence."""
    application = complete_application(edition_code="2020")
    record = state_record(
        application.supplier.identifier,
        "tax_debts",
        data={"tax_debt": "15000.00", "social_contribution_debt": "0", "as_of": "2021-06-01"},
    )
    assert completeness_problems(application) == []
    (finding,) = findings_by_code(application)["no_debts"]
    assert "15000.00" in str(finding.message)
    assert finding.clause == "2020 p.6(1)"
    assert (finding.source, finding.observed_on) == ("tax_debts", record.fetched_at)
    assert finding.evidence["tax_debt"] == "15000.00"
    assert finding.field_id == "id_condition-no_debts"


@pytest.mark.req("SUP-6", "E20-2")
def test_edition_2020_shows_liquidation_and_the_procurement_register_as_findings():
    """Changed: both used to block the submission; they are findings for the commission."""
    application = complete_application(edition_code="2020")
    identifier = application.supplier.identifier
    from tests.suppliers.factories import CONFIRMING_ANSWERS

    liquidated = CONFIRMING_ANSWERS["gbd_ul"](identifier) | {"liquidated_on": "2021-01-10"}
    state_record(identifier, "gbd_ul", data=liquidated)
    state_record(identifier, "rnu", data={"entries": [{"pid": 1}]})
    assert completeness_problems(application) == []
    found = findings_by_code(application)
    assert "10.01.2021" in str(found["not_bankrupt_or_liquidated"][0].message)
    assert found["not_bankrupt_or_liquidated"][0].source == "gbd_ul"
    assert found["not_in_procurement_register"][0].evidence == {"entries": [{"pid": 1}]}
    # Nothing is found where the state systems report nothing.
    assert findings_by_code(complete_application(edition_code="2020")) == {}


@pytest.mark.req("SUP-6", "E20-2")
def test_an_entrepreneur_without_a_registry_record_is_not_blocked_under_edition_2020():
    """2020 p.4(2): the registration as an entrepreneur arrives "if any" (бар болса)."""
    application = complete_application(kind=IE, edition_code="2020")
    state_record(application.supplier.identifier, "entrepreneurs", found=False)
    assert completeness_problems(application) == []
    assert findings_by_code(application) == {}
    # Under edition 2022 the registration is not "if any": the supplier enters and proves it.
    newer = complete_application(kind=IE, edition_code="2022")
    state_record(newer.supplier.identifier, "entrepreneurs", found=False)
    assert "id_state-entrepreneur_registration" in field_ids(newer)


@pytest.mark.req("SUP-6", "E20-2")
def test_edition_2020_asks_certificates_by_the_classifier_flags_and_their_absence_is_a_finding():
    """Changed: a certificate used to be demanded of every kind of goods, and its absence
    blocked the submission. The classifier says which goods ask a certificate of conformity
    (mandatory certification, 2020 p.6(4)) and which a registration certificate (medical devices,
    p.6(5)); a certificate not uploaded is a finding for the commission."""
    prosthesis = goods_item()
    television = ClassifierItem.objects.get(code="G02.03")
    cane = ClassifierItem.objects.get(code="G03.01")
    assert (prosthesis.is_medical_device, prosthesis.requires_conformity_certificate) == (
        True,
        False,
    )
    assert (television.is_medical_device, television.requires_conformity_certificate) == (
        False,
        True,
    )
    assert not (cane.is_medical_device or cane.requires_conformity_certificate)
    application = complete_application(edition_code="2020")
    application.documents.filter(item_code=prosthesis.code).delete()
    for item in (television, cane):
        Offering.objects.create(
            application=application,
            classifier_item=item,
            characteristics="Model X",
            price=Decimal("1000"),
            stock_quantity=2,
        )
    asked = {
        (r.doc_type, r.item_code, r.required)
        for r in document_requirements(application)
        if r.section == Section.CONDITIONS
    }
    assert asked == {
        (DocType.MEDICAL_DEVICE_REGISTRATION, prosthesis.code, False),
        (DocType.CONFORMITY_CERTIFICATE, television.code, False),
    }
    assert completeness_problems(application) == []
    found = findings_by_code(application)
    assert [f.field_id for f in found["medical_device_registration"]] == [
        f"id_registration-{prosthesis.code}"
    ]
    assert [f.field_id for f in found["conformity_certificate"]] == [
        f"id_certificate-{television.code}"
    ]
    add_document(application, DocType.MEDICAL_DEVICE_REGISTRATION, item_code=prosthesis.code)
    add_document(application, DocType.CONFORMITY_CERTIFICATE, item_code=television.code)
    assert findings_by_code(application) == {}
    # 2022 asks no such certificate.
    assert not [
        r
        for r in document_requirements(complete_application(edition_code="2022"))
        if r.section == Section.CONDITIONS
    ]


@pytest.mark.req("SUP-6", "E20-2")
def test_edition_2020_takes_an_unanswered_condition_as_unknown_not_as_met():
    application = complete_application(edition_code="2020")
    StateRecord.objects.filter(
        identifier=application.supplier.identifier, source="tax_debts"
    ).delete()
    assert completeness_problems(application) == []
    (finding,) = findings_by_code(application)["no_debts"]
    assert finding.unknown and "again" in str(finding.message)


@pytest.mark.req("E20-1")
def test_edition_2020_asks_the_stock_of_sanatorium_treatment_too():
    """2020 p.2(1) counts sanatorium-resort treatment among the goods ("тауар"), and p.5(2) asks
    the quantity of the goods in stock: every kind of goods, sanatorium included."""
    application = complete_application(offers=(Offer.SANATORIUM,), edition_code="2020")
    Offering.objects.filter(application=application).update(stock_quantity=None)
    assert "id_offerings-0-stock_quantity" in field_ids(application)
    # Services of p.2(1) (individual assistant, sign language) give no stock.
    services_ = complete_application(offers=(Offer.SIGN_LANGUAGE,), edition_code="2020")
    Offering.objects.filter(application=services_).update(stock_quantity=None)
    assert completeness_problems(services_) == []


@pytest.mark.req("E20-1")
def test_edition_2020_asks_its_own_six_items_of_supplier_data():
    """2020 p.5: price, stock quantity, contacts, address of the place of activity, kinds of
    goods and services, bank details; nothing of 2022 p.7(7)-(13)."""
    application = complete_application(offers=(Offer.SANATORIUM,), edition_code="2020")
    assert sections_for(application) == [
        Section.OFFERS,
        Section.STATE_DATA,
        Section.OFFERINGS,
        Section.CONTACTS,
        Section.ADDRESSES,
        Section.BANK_DETAILS,
        Section.CONDITIONS,
        Section.CONSENTS,
    ]
    assert not [r for r in document_requirements(application) if not r.item_code]


@pytest.mark.req("E20-2")
def test_edition_2020_requires_prices():
    application = complete_application(edition_code="2020")
    Offering.objects.filter(application=application).update(price=None)
    assert "id_offerings-0-price" in field_ids(application)


@pytest.mark.req("E20-3")
def test_edition_2020_has_one_entry_per_kind_while_2022_allows_variants():
    old = complete_application(edition_code="2020")
    new = complete_application(edition_code="2022")
    for application in (old, new):
        Offering.objects.create(
            application=application,
            classifier_item=goods_item(),
            characteristics="Another model",
            price=Decimal("300000"),
            stock_quantity=1,
        )
    assert "id_offerings-1-classifier_item" in field_ids(old)
    assert completeness_problems(new) == []
