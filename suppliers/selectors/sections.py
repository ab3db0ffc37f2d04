"""The classifier, the sections and the documents each asks for (SUP-1, SUP-4, SUP-5)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.editions.base import ASKED_WITH_PROPERTY, Offer, Text
from portal.models import ClassifierItem
from suppliers.models import (
    Application,
    DocType,
    Section,
)
from suppliers.selectors.rows import offerings_of
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

# Admission conditions the portal shows with what the state data and the documents suggest
# (2020 p.6, E20-2): findings for the commission, never refusals (SUP-6). Conditions of other
# editions (2022 p.4: art. 32-2 of the Law) are for the commission alone.
# The conditions of admission whose facts the state systems hold (2020 p.6(1)-(3)).
STATE_CHECKED_CONDITIONS = frozenset(
    {"no_debts", "not_bankrupt_or_liquidated", "not_in_procurement_register"}
)
# The conditions proved by a certificate of each kind of goods (2020 p.6(4), (5)), with the
# classifier flag that asks for it and the type of the certificate.
CERTIFICATE_CONDITIONS = {
    "conformity_certificate": ("requires_conformity_certificate", DocType.CONFORMITY_CERTIFICATE),
    "medical_device_registration": ("is_medical_device", DocType.MEDICAL_DEVICE_REGISTRATION),
}
PORTAL_CHECKED_CONDITIONS = (
    STATE_CHECKED_CONDITIONS | frozenset(CERTIFICATE_CONDITIONS) | frozenset({"prices_submitted"})
)


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
    """Every document the application asks for (SUP-4, SUP-5; 2020 p.6(4),(5), p.7).

    The documents of each item the edition asks of this supplier (``SupplierDataItem.documents``)
    are required as the item's qualifiers say: not for an item "if any" (при наличии), and the
    title deed of 2022 p.7(9) only when the department's premises are the organisation's property
    and the state systems do not already show that ownership (SUP-5). Data the state did not
    confirm is proved by a document; under edition 2020, each kind of goods whose classifier item
    asks a certificate of conformity or a registration certificate asks it — its absence is a
    finding for the commission (``admission_findings``), not a missing item.
    """
    requirements: list[DocumentRequirement] = []
    kind, offers = application.supplier.kind, application.offers
    seen: set[str] = set()
    for item in application.edition.data_items_for(supplier_kind=kind, offers=offers):
        for document in item.documents:
            if document.doc_type in seen:
                continue
            required = document.required and not item.optional
            if document.when == ASKED_WITH_PROPERTY:
                if application.department_premises_owned is not True:
                    continue
                required = required and not _state_shows_ownership(application)
            seen.add(document.doc_type)
            requirements.append(
                DocumentRequirement(
                    section=ITEM_SECTIONS[item.code],
                    doc_type=document.doc_type,
                    item_code="",
                    title=DocType(document.doc_type).label,
                    required=required,
                    field_id=f"id_document-{document.doc_type}",
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
                    # Data "if any" that the supplier leaves empty needs no proof.
                    required=not (row.optional and not row.supplied_value.strip()),
                    field_id=f"id_proof-{row.code}",
                )
            )
    requirements.extend(_certificate_requirements(application))
    return requirements


def _certificate_requirements(application: Application) -> list[DocumentRequirement]:
    conditions = {c.code for c in application.edition.admission_conditions}
    wanted = [
        (code, flag, doc_type)
        for code, (flag, doc_type) in CERTIFICATE_CONDITIONS.items()
        if code in conditions
    ]
    if not wanted:
        return []
    requirements = []
    for offering in offerings_of(application):
        item = offering.classifier_item
        for _condition, flag, doc_type in wanted:
            if not getattr(item, flag):
                continue
            requirements.append(
                DocumentRequirement(
                    section=Section.CONDITIONS,
                    doc_type=doc_type,
                    item_code=item.code,
                    title=_("%(document)s: %(item)s")
                    % {
                        "document": capfirst(DocType(doc_type).label),
                        "item": f"{item.code} {item.name}",
                    },
                    required=False,
                    field_id=certificate_field_id(doc_type, item.code),
                )
            )
    return requirements


def certificate_field_id(doc_type: str, item_code: str) -> str:
    """The id of the upload field of a certificate of one kind of goods (2020 p.6(4), (5))."""
    prefix = "certificate" if doc_type == DocType.CONFORMITY_CERTIFICATE else "registration"
    return f"id_{prefix}-{item_code}"


def _state_shows_ownership(application: Application) -> bool:
    """Whether the real-estate register shows property owned by the supplier (2022 p.6(1))."""
    from egov_gateway.coverage import holder_of
    from egov_gateway.selectors import current_state_data

    holder = holder_of("real_estate_rights", supplier_kind=application.supplier.kind)
    record = current_state_data(identifier=application.supplier.identifier).get(holder or "")
    if record is None or not record.found:
        return False
    return any(
        (right or {}).get("kind") == "ownership" for right in record.data.get("rights") or []
    )
