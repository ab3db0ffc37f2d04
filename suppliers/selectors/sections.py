"""The classifier, the sections and the documents each asks for (SUP-1, SUP-4, SUP-5)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal.editions import Edition
from portal.editions.base import Offer, SupplierKind, Text
from portal.models import ClassifierItem
from suppliers.models import (
    Application,
    DocType,
    Section,
)
from suppliers.selectors.state_data import state_data_rows

# --- the classifier (SUP-1) ---

# The classifier groups name the register an approved supplier enters; each register belongs to
# one offer of the rules (2022 p.3, p.17; portal/reference_data/classifier.json).
_OFFER_BY_CLASSIFIER_REGISTER = {
    "technical_aids": Offer.TECHNICAL_AIDS,
    "individual_assistants": Offer.INDIVIDUAL_ASSISTANT,
    "sign_language": Offer.SIGN_LANGUAGE,
    "sanatorium": Offer.SANATORIUM,
    "special_social_services": Offer.SPECIAL_SOCIAL_SERVICES,
}


def offer_of(item: ClassifierItem) -> str | None:
    """The offer (``Offer``) a classifier item belongs to, by its register."""
    return _OFFER_BY_CLASSIFIER_REGISTER.get(item.register)


def offers_not_allowed_message(*, edition: Edition, supplier_kind: str) -> str:
    """Why offers outside ``Edition.offers_for`` are refused (SUP-1), naming what is allowed."""
    allowed = edition.offers_for(supplier_kind=supplier_kind)
    message = _(
        "Under the rules in force a supplier of the kind “%(kind)s” may offer only: %(offers)s."
    )
    return message % {
        "kind": SupplierKind(supplier_kind).label,
        "offers": "; ".join(str(Offer(o).label) for o in allowed),
    }


def classifier_items_for(*, offers: Iterable[str]) -> QuerySet[ClassifierItem]:
    """The active classifier items a supplier offering ``offers`` may choose: the leaves (items
    without active children) of the groups of those offers."""
    registers = [code for code, offer in _OFFER_BY_CLASSIFIER_REGISTER.items() if offer in offers]
    return (
        ClassifierItem.objects.filter(is_active=True, register__in=registers)
        .exclude(children__is_active=True)
        .order_by("code")
    )


# --- sections and documents (SUP-4, SUP-5) ---

# Where each item a supplier enters (2022 p.7; 2020 p.5) is asked for. A new edition's item must be
# placed here (a test checks every edition).
ITEM_SECTIONS: dict[str, str] = {
    "contacts": Section.CONTACTS,
    "bank_details": Section.BANK_DETAILS,
    "kinds": Section.OFFERINGS,
    "characteristics": Section.OFFERINGS,
    "price": Section.OFFERINGS,
    "stock_quantity": Section.OFFERINGS,
    "addresses": Section.ADDRESSES,
    "staff": Section.STAFF,
    "places": Section.PLACES,
    "department": Section.DEPARTMENT,
    "material_resources": Section.MATERIAL_RESOURCES,
    "specialists_qualification": Section.SPECIALISTS,
    "medical_certificate": Section.MEDICAL_CERTIFICATE,
    "accessibility": Section.ACCESSIBILITY,
}

# Documents each section asks for: (type, required). 2022 p.7(7), (9), (10), (11), (12), (13).
SECTION_DOCUMENTS: dict[str, tuple[tuple[str, bool], ...]] = {
    Section.STAFF: ((DocType.STAFFING_TABLE, False),),
    Section.DEPARTMENT: ((DocType.FOUNDING_DOCUMENTS, True), (DocType.TITLE_DEED, False)),
    Section.MATERIAL_RESOURCES: ((DocType.EQUIPMENT_PURCHASE, False),),
    Section.SPECIALISTS: (
        (DocType.DIPLOMA, True),
        (DocType.QUALIFICATION_CERTIFICATE, False),
        (DocType.EMPLOYMENT_CONTRACT, False),
    ),
    Section.MEDICAL_CERTIFICATE: ((DocType.MEDICAL_CERTIFICATE_075U, True),),
    Section.ACCESSIBILITY: ((DocType.ACCESSIBILITY_PHOTO, False),),
}

# Admission conditions the portal checks itself against state data and documents (2020 p.6,
# E20-2). Conditions of other editions (2022 p.4: art. 32-2 of the Law) are for the commission.
PORTAL_CHECKED_CONDITIONS = frozenset(
    {
        "no_debts",
        "not_bankrupt_or_liquidated",
        "not_in_procurement_register",
        "conformity_certificate",
        "medical_device_registration",
        "prices_submitted",
    }
)


def application_edition(application: Application) -> Edition:
    return application.edition


def sections_for(application: Application) -> list[str]:
    """The sections of the task list, in order (SUP-4): what is offered, the state data, the
    sections of the items the edition asks of this kind of supplier for these offers
    (``Edition.data_items_for``), the conditions the portal checks (edition 2020), consents."""
    edition = application.edition
    sections: list[str] = [Section.OFFERS, Section.STATE_DATA]
    for item in edition.data_items_for(
        supplier_kind=application.supplier.kind, offers=application.offers
    ):
        section = ITEM_SECTIONS[item.code]
        if section not in sections:
            sections.append(section)
    if any(c.code in PORTAL_CHECKED_CONDITIONS for c in edition.admission_conditions):
        sections.append(Section.CONDITIONS)
    sections.append(Section.CONSENTS)
    return sections


def section_is_required(application: Application, section: str) -> bool:
    """A section is required unless every item it holds is "if any" (при наличии)."""
    if section in (Section.OFFERS, Section.STATE_DATA, Section.CONDITIONS, Section.CONSENTS):
        return True
    items = application.edition.data_items_for(
        supplier_kind=application.supplier.kind, offers=application.offers
    )
    return any(ITEM_SECTIONS[item.code] == section and not item.optional for item in items)


@dataclasses.dataclass(frozen=True)
class DocumentRequirement:
    """A document the application asks for: its type, the item it supports, where it goes."""

    section: str
    doc_type: str
    item_code: str
    title: Text
    required: bool
    field_id: str


def document_requirements(application: Application) -> list[DocumentRequirement]:
    """Every document the application asks for (SUP-5; 2020 p.6(4),(5), p.7)."""
    requirements: list[DocumentRequirement] = []
    sections = sections_for(application)
    for section in sections:
        section_required = section_is_required(application, section)
        for doc_type, required in SECTION_DOCUMENTS.get(section, ()):
            requirements.append(
                DocumentRequirement(
                    section=section,
                    doc_type=doc_type,
                    item_code="",
                    title=DocType(doc_type).label,
                    required=required and section_required,
                    field_id=f"id_document-{doc_type}",
                )
            )
    for row in state_data_rows(application):
        if row.needs_proof:
            requirements.append(
                DocumentRequirement(
                    section=Section.STATE_DATA,
                    doc_type=DocType.PROOF_OF_DATA,
                    item_code=row.code,
                    title=row.text,
                    required=True,
                    field_id=f"id_proof-{row.code}",
                )
            )
    if _checks(application, "conformity_certificate", "medical_device_registration"):
        for offering in application.offerings.select_related("classifier_item"):
            item = offering.classifier_item
            if item.kind != ClassifierItem.Kind.GOODS:
                continue
            requirements.append(
                DocumentRequirement(
                    section=Section.CONDITIONS,
                    doc_type=DocType.CONFORMITY_CERTIFICATE,
                    item_code=item.code,
                    title=_(
                        "Certificate of conformity or registration certificate of a medical "
                        "device: %(item)s"
                    )
                    % {"item": f"{item.code} {item.name}"},
                    required=True,
                    field_id=f"id_certificate-{item.code}",
                )
            )
    return requirements


def _checks(application: Application, *codes: str) -> bool:
    conditions = {c.code for c in application.edition.admission_conditions}
    return any(code in conditions for code in codes)
