"""The completeness check and the checks of each section (SUP-6, E20-1..E20-3)."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.calendar import ALMATY
from portal.editions.base import Offer, Text
from suppliers import validators
from suppliers.models import (
    Application,
    Section,
)
from suppliers.selectors.registration import legal_address_of, registered_region
from suppliers.selectors.rows import addresses_of, offerings_of, specialists_of, uploaded_documents
from suppliers.selectors.sections import (
    document_requirements,
    offer_of,
    sections_for,
)
from suppliers.selectors.state_data import state_data_rows

# --- completeness (SUP-6, E20-1..E20-3) ---


@dataclasses.dataclass(frozen=True)
class Problem:
    """A missing or invalid item: which section, the id of the field to link to, and what to do."""

    section: str
    field_id: str
    message: Text

    def __str__(self) -> str:
        return str(self.message)


def completeness_problems(
    application: Application, *, on: datetime.date | None = None, section: str | None = None
) -> list[Problem]:
    """Every missing or invalid item of the application, each with the field to fix (SUP-6;
    2022 p.8, 2020 p.11). Empty means the application can be signed and submitted.

    Checks the sections of ``sections_for`` (SUP-4), the data the state did not confirm and its
    proof (SUP-5), the consents of Annex 1 (SUP-7, SUP-10), and under edition 2020 the stock
    quantity (E20-1), the prices (p.6(6)) and one entry per kind of goods or service with its
    characteristics (E20-3). This is the only check that stops a submission (SUP-6): what the
    state data and the documents suggest about the conditions of admission (debts, liquidation,
    the procurement register, certificates, expired documents) are findings for the commission,
    ``admission_findings``, never problems here.

    ``section``: only the problems of that section (a section's page), read without the rows
    of the others.
    """
    if section is not None:
        return _section_problems(application, section, on or timezone.localdate(timezone=ALMATY))
    on = on or timezone.localdate(timezone=ALMATY)
    problems: list[Problem] = []
    if not application.offers:
        problems.append(
            Problem(Section.OFFERS, "id_offers", _("Choose what you offer through the portal."))
        )
    kind = application.supplier.kind
    allowed = application.edition.offers_for(supplier_kind=kind)
    if any(offer not in allowed for offer in application.offers):
        problems.append(
            Problem(
                Section.OFFERS,
                "id_offers",
                application.edition.offers_not_allowed_message(supplier_kind=kind),
            )
        )
    for section in sections_for(application):
        check = _SECTION_CHECKS.get(section)
        if check is not None:
            problems.extend(check(application, on))
        problems.extend(_prefill_problems(application, section))
    problems.extend(_document_problems(application, on))
    order = {section: n for n, section in enumerate(sections_for(application))}
    return sorted(problems, key=lambda p: order.get(p.section, len(order)))


def _section_problems(application: Application, section: str, on: datetime.date) -> list[Problem]:
    if section == Section.OFFERS or section not in sections_for(application):
        return [p for p in completeness_problems(application, on=on) if p.section == section]
    check = _SECTION_CHECKS.get(section)
    problems = list(check(application, on)) if check is not None else []
    problems.extend(_prefill_problems(application, section))
    problems.extend(p for p in _document_problems(application, on) if p.section == section)
    return problems


# The sections whose answers a new draft takes from the previous application
# (``suppliers.services.sections.prefill_from_previous``); the state data are asked again and
# documents and consents are never carried over.
PREFILLED_SECTIONS = frozenset(
    {
        Section.OFFERS,
        Section.CONTACTS,
        Section.BANK_DETAILS,
        Section.OFFERINGS,
        Section.ADDRESSES,
        Section.STAFF,
        Section.PLACES,
        Section.DEPARTMENT,
        Section.MATERIAL_RESOURCES,
        Section.SPECIALISTS,
    }
)


def _prefill_problems(application: Application, section: str) -> list[Problem]:
    """A section filled in from the previous application counts only once the supplier has
    checked and saved it (issue 9, item 7): what was true then is not signed unseen."""
    if (
        application.prefilled_from_id is None
        or section not in PREFILLED_SECTIONS
        or section in application.sections_saved
    ):
        return []
    return [
        Problem(
            section,
            "main",
            _("Check “%(section)s” and save it: it was filled in from your previous application.")
            % {"section": Section(section).label},
        )
    ]


# --- the checks of each section (used by completeness_problems) ---


def _message(error: ValidationError) -> Text:
    return error.messages[0] if error.messages else _("This value is not valid.")


def _check_contacts(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.7(1), 2020 p.5(3): mobile phone, e-mail, contact phone; web site and fax if any."""
    section = Section.CONTACTS
    problems = []
    fields = (
        ("mobile_phone", _("Enter a mobile phone number."), validators.validate_kz_mobile_phone),
        ("email", _("Enter an e-mail address."), validators.normalise_email),
        ("phone", _("Enter a contact phone number."), validators.validate_kz_phone),
    )
    for name, missing, validate in fields:
        value = getattr(application, name)
        if not value:
            problems.append(Problem(section, f"id_{name}", missing))
            continue
        try:
            validate(value)
        except ValidationError as error:
            problems.append(Problem(section, f"id_{name}", _message(error)))
    if application.fax:
        try:
            validators.validate_kz_phone(application.fax)
        except ValidationError as error:
            problems.append(Problem(section, "id_fax", _message(error)))
    return problems


def _check_bank_details(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.7(2), 2020 p.5(6): a Kazakh IBAN, the BIC of its bank, the bank's name."""
    section = Section.BANK_DETAILS
    problems = []
    iban = bic = ""
    try:
        iban = validators.normalise_kz_iban(application.iban)
    except ValidationError as error:
        problems.append(Problem(section, "id_iban", _message(error)))
    try:
        bic = validators.normalise_bic(application.bic)
    except ValidationError as error:
        problems.append(Problem(section, "id_bic", _message(error)))
    if iban and bic:
        try:
            validators.check_iban_matches_bic(iban=iban, bic=bic)
        except ValidationError as error:
            problems.append(Problem(section, "id_bic", _message(error)))
    if not application.bank_name.strip():
        problems.append(Problem(section, "id_bank_name", _("Enter the name of the bank.")))
    return problems


def _check_offerings(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.7(3)-(5); 2020 p.5(1),(2),(5), p.6(6), p.8 (E20-1, E20-3): each kind of goods or
    service from the classifier, within what is offered, with characteristics and a price; under
    edition 2020 also the quantity in stock of goods, and one entry per kind."""
    section = Section.OFFERINGS
    edition = application.edition
    offerings = offerings_of(application)
    problems: list[Problem] = []
    if not offerings:
        return [
            Problem(
                section,
                "id_offerings-0-classifier_item",
                _("Add at least one kind of goods or service that you offer."),
            )
        ]
    items = edition.data_items_for(
        supplier_kind=application.supplier.kind, offers=application.offers
    )
    stock_offers = _stock_offers(application, items)
    covered = {offer_of(o.classifier_item) for o in offerings}
    for offer in application.offers:
        if offer not in covered:
            problems.append(
                Problem(
                    section,
                    "id_offerings-0-classifier_item",
                    _("Add the goods or services you offer as: %(offer)s.")
                    % {"offer": Offer(offer).label},
                )
            )
    seen: set[int] = set()
    for index, offering in enumerate(offerings):
        item = offering.classifier_item
        name = f"{item.code} {item.name}"
        prefix = f"id_offerings-{index}-"
        if offer_of(item) not in application.offers or not item.is_active:
            problems.append(
                Problem(
                    section,
                    prefix + "classifier_item",
                    _("%(item)s is not among what you offer: remove it or change your offers.")
                    % {"item": name},
                )
            )
        if edition.one_application_per_kind and item.pk in seen:
            problems.append(
                Problem(
                    section,
                    prefix + "classifier_item",
                    _(
                        "%(item)s is entered more than once: give each kind of goods or service "
                        "one entry with its characteristics."
                    )
                    % {"item": name},
                )
            )
        seen.add(item.pk)
        if not offering.characteristics.strip():
            problems.append(
                Problem(
                    section,
                    prefix + "characteristics",
                    _("Describe the characteristics of %(item)s.") % {"item": name},
                )
            )
        if offering.price is None or offering.price <= 0:
            problems.append(
                Problem(
                    section,
                    prefix + "price",
                    _("Enter the price of %(item)s in tenge.") % {"item": name},
                )
            )
        if offer_of(item) in stock_offers and offering.stock_quantity is None:
            problems.append(
                Problem(
                    section,
                    prefix + "stock_quantity",
                    _("Enter the quantity of %(item)s in stock.") % {"item": name},
                )
            )
    return problems


def _stock_offers(application: Application, items) -> frozenset[str]:
    """The offers whose goods give their quantity in stock: those of the edition's item (2020
    p.5(2), with the goods of p.2(1): technical aids and sanatorium-resort treatment alike),
    whatever kind the classifier gives them."""
    if not application.edition.requires_stock_quantity:
        return frozenset()
    for item in items:
        if item.code == "stock_quantity":
            return item.offers or frozenset(application.offers)
    return frozenset()


def _check_addresses(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.7(6), 2020 p.5(4): where goods are sold or services provided."""
    section = Section.ADDRESSES
    addresses = addresses_of(application)
    if not addresses:
        return [
            Problem(
                section,
                "id_addresses-0-region",
                _("Add at least one address where you sell goods or provide services."),
            )
        ]
    problems = []
    messages = {
        "settlement": _("Enter the city, district or settlement of address %(n)d."),
        "street": _("Enter the street of address %(n)d."),
        "building": _("Enter the building number of address %(n)d."),
    }
    for index, address in enumerate(addresses):
        for name, message in messages.items():
            if not getattr(address, name).strip():
                problems.append(
                    Problem(section, f"id_addresses-{index}-{name}", message % {"n": index + 1})
                )
    return problems


def _check_department(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.7(9): type, kind and name of the department providing special social services."""
    section = Section.DEPARTMENT
    messages = {
        "department_type": _("Enter the type of the department."),
        "department_kind": _("Enter the kind of the department."),
        "department_name": _("Enter the name of the department."),
    }
    problems = [
        Problem(section, f"id_{name}", message)
        for name, message in messages.items()
        if not getattr(application, name).strip()
    ]
    if application.department_premises_owned is None:
        problems.append(
            Problem(
                section,
                "id_department_premises_owned",
                _("Say whether the department's premises are the organisation's property."),
            )
        )
    return problems


def _check_specialists(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.7(11): education, qualification and work experience of the specialists."""
    section = Section.SPECIALISTS
    specialists = specialists_of(application)
    if not specialists:
        return [
            Problem(
                section,
                "id_specialists-0-full_name",
                _("Add at least one specialist who provides the services."),
            )
        ]
    problems = []
    messages = {
        "full_name": _("Enter the full name of specialist %(n)d."),
        "position": _("Enter the position of specialist %(n)d."),
        "education": _("Enter the education of specialist %(n)d."),
        "qualification": _("Enter the qualification of specialist %(n)d."),
    }
    for index, specialist in enumerate(specialists):
        for name, message in messages.items():
            if not getattr(specialist, name).strip():
                problems.append(
                    Problem(section, f"id_specialists-{index}-{name}", message % {"n": index + 1})
                )
        if specialist.experience_years is None:
            problems.append(
                Problem(
                    section,
                    f"id_specialists-{index}-experience_years",
                    _("Enter the work experience, in years, of specialist %(n)d.")
                    % {"n": index + 1},
                )
            )
    return problems


def _check_state_data(application: Application, on: datetime.date) -> list[Problem]:
    """2022 p.6 (last paragraph), p.7; SUP-3, SUP-5: what the state did not confirm is entered by
    the supplier (and proved by a document, see ``document_requirements``); a source that has
    not answered is asked again, never taken as "no record" (SYNC-3)."""
    section = Section.STATE_DATA
    problems = []
    for row in state_data_rows(application):
        if row.confirmed or row.reported:  # a reported fact is the commission's (SUP-3)
            continue
        if not row.answered and row.source:
            problems.append(
                Problem(
                    section,
                    row.field_id,
                    _(
                        "The data “%(item)s” has not been received from %(source)s yet. Request "
                        "the state data again."
                    )
                    % {"item": row.text, "source": row.source_label},
                )
            )
        elif not row.supplied_value.strip() and not row.optional:
            problems.append(
                Problem(
                    section,
                    row.field_id,
                    _("Enter “%(item)s”: the state systems did not confirm it.")
                    % {"item": row.text},
                )
            )
    address = legal_address_of(application.supplier, application=application)
    if address and registered_region(application.supplier, application=application) is None:
        problems.append(
            Problem(
                section,
                "id_state-legal_address",
                _(
                    "The region where you are registered cannot be told from the legal address "
                    "“%(address)s”: the legal address must name its oblast or city of republican "
                    "significance."
                )
                % {"address": address},
            )
        )
    return problems


def _check_consents(application: Application, on: datetime.date) -> list[Problem]:
    """Annex 1 (SUP-7): consent to the processing of personal data; SUP-10 (2022 p.18): a yes or
    no answer on publication, where the edition makes publication depend on consent."""
    section = Section.CONSENTS
    problems = []
    if not application.consent_personal_data:
        problems.append(
            Problem(
                section,
                "id_consent_personal_data",
                _("Give your consent to the processing of personal data: it is part of Annex 1."),
            )
        )
    if application.edition.publication_requires_consent and application.consent_publication is None:
        problems.append(
            Problem(
                section,
                "id_consent_publication",
                _("Choose whether you consent to the publication of your data in the registers."),
            )
        )
    return problems


def _document_problems(application: Application, on: datetime.date) -> list[Problem]:
    """Required documents present (SUP-4, SUP-5; 2022 p.7; 2020 p.7). A document that has
    expired is a finding for the commission (``admission_findings``), not a missing one."""
    documents = uploaded_documents(application)
    problems = []
    for requirement in document_requirements(application):
        if not requirement.required:
            continue
        if requirement.item_code:
            matching = [
                d
                for d in documents
                if d.doc_type == requirement.doc_type and d.item_code == requirement.item_code
            ]
        else:
            matching = [d for d in documents if d.doc_type == requirement.doc_type]
        if not matching:
            problems.append(
                Problem(
                    requirement.section,
                    requirement.field_id,
                    _("Upload the document: %(document)s.") % {"document": requirement.title},
                )
            )
    return problems


_SECTION_CHECKS = {
    Section.CONTACTS: _check_contacts,
    Section.BANK_DETAILS: _check_bank_details,
    Section.OFFERINGS: _check_offerings,
    Section.ADDRESSES: _check_addresses,
    Section.DEPARTMENT: _check_department,
    Section.SPECIALISTS: _check_specialists,
    Section.STATE_DATA: _check_state_data,
    Section.CONSENTS: _check_consents,
}
