"""How each section of the draft is saved: one saver per section, by ``save_section``
(SUP-3..SUP-5, SUP-7, SUP-10, E20-1, E20-3).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.editions.base import Offer
from portal.identifiers import validate_iin
from portal.models import ClassifierItem, Region, User
from suppliers import selectors, validators
from suppliers.models import (
    Application,
    Offering,
    Section,
    ServiceAddress,
    Specialist,
    SuppliedStateItem,
)
from suppliers.services.errors import STATE_FACT_MESSAGE


def _fields(application: Application, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(application, name) for name in names}


def _set_fields(
    application: Application, data: dict, names: tuple[str, ...], clean: Mapping[str, Any] = {}
) -> tuple[dict, dict]:
    before = _fields(application, names)
    errors: dict[str, list] = {}
    for name in names:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        cleaner = clean.get(name)
        if cleaner is not None and value not in ("", None):
            try:
                value = cleaner(value)
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.messages)
                continue
        if value in ("", None):
            value = "" if _is_text(application, name) else None
        setattr(application, name, value)
    if errors:
        raise ValidationError(errors)
    application.full_clean(
        exclude=[f.name for f in application._meta.fields if f.name not in names],
        validate_unique=False,
        validate_constraints=False,
    )
    application.save(update_fields=list(names))
    return before, _fields(application, names)


def _is_text(application: Application, name: str) -> bool:
    from django.db.models import CharField, TextField

    return isinstance(application._meta.get_field(name), CharField | TextField)


def _save_offers(application: Application, data: dict, user: User):
    """What the supplier offers (2022 p.3; SUP-1): offers of the application's edition that its
    kind of supplier may make (2022 p.2(4), p.6(3): an individual assistant offers the
    individual-assistant service only)."""
    offers = [str(o) for o in data.get("offers") or []]
    edition = application.edition
    kind = application.supplier.kind
    unknown = [o for o in offers if o not in edition.offers]
    if unknown:
        raise ValidationError(
            {
                "offers": [
                    _("Choose only what the rules in force allow to offer through the portal.")
                ]
            }
        )
    allowed = set(edition.offers_for(supplier_kind=kind))
    if any(o not in allowed for o in offers):
        raise ValidationError({"offers": [edition.offers_not_allowed_message(supplier_kind=kind)]})
    before = {"offers": list(application.offers)}
    application.offers = [o for o in Offer.values if o in offers]
    application.save(update_fields=["offers"])
    return before, {"offers": list(application.offers)}


def _save_contacts(application: Application, data: dict, user: User):
    """2022 p.7(1); 2020 p.5(3); Annex 1: phones normalised to E.164, e-mail checked."""
    return _set_fields(
        application,
        data,
        ("mobile_phone", "email", "phone", "fax", "website"),
        {
            "mobile_phone": lambda v: validators.normalise_kz_phone(v, mobile=True),
            "phone": validators.normalise_kz_phone,
            "fax": validators.normalise_kz_phone,
            "email": validators.normalise_email,
        },
    )


def _save_bank_details(application: Application, data: dict, user: User):
    """2022 p.7(2); 2020 p.5(6): IBAN and BIC checked (``schwifty``); the bank's name taken from
    the IBAN's bank code when the supplier leaves it empty."""
    before, after = _set_fields(
        application,
        data,
        ("iban", "bic", "bank_name"),
        {"iban": validators.normalise_kz_iban, "bic": validators.normalise_bic},
    )
    if application.iban and application.bic:
        try:
            validators.check_iban_matches_bic(iban=application.iban, bic=application.bic)
        except ValidationError as error:
            raise ValidationError({"bic": error.messages}) from None
    if application.iban and not application.bank_name:
        application.bank_name = validators.bank_name_for(application.iban)
        application.save(update_fields=["bank_name"])
        after["bank_name"] = application.bank_name
    return before, after


def _save_places(application: Application, data: dict, user: User):
    return _set_fields(application, data, ("places_count",))


def _save_staff(application: Application, data: dict, user: User):
    return _set_fields(application, data, ("staff_count",))


def _save_department(application: Application, data: dict, user: User):
    """2022 p.7(9): the department, and whether its premises are the organisation's property
    (``True``/``False``, or ``"yes"``/``"no"``; None: not answered)."""
    if isinstance(data.get("department_premises_owned"), str):
        answer = data["department_premises_owned"].strip().lower()
        data["department_premises_owned"] = {"yes": True, "no": False}.get(answer)
    return _set_fields(
        application,
        data,
        ("department_type", "department_kind", "department_name", "department_premises_owned"),
    )


def _save_material_resources(application: Application, data: dict, user: User):
    return _set_fields(application, data, ("material_resources",))


def _save_consents(application: Application, data: dict, user: User):
    """Annex 1: consent to the processing of personal data; the yes/no consent to publication
    (SUP-10), signed with the application."""
    before = _fields(application, ("consent_personal_data", "consent_publication"))
    if "consent_personal_data" in data:
        application.consent_personal_data = bool(data["consent_personal_data"])
    if "consent_publication" in data:
        value = data["consent_publication"]
        if isinstance(value, str):
            value = {"yes": True, "true": True, "no": False, "false": False}.get(value.lower())
        application.consent_publication = None if value is None else bool(value)
    application.save(update_fields=["consent_personal_data", "consent_publication"])
    return before, _fields(application, ("consent_personal_data", "consent_publication"))


def _rows(data: dict, key: str) -> list[dict]:
    rows = data.get(key)
    if rows is None:
        return []
    return [dict(row) for row in rows if row and not row.get("DELETE")]


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Enter the price as a number, like 12500.00.")) from None


def _save_offerings(application: Application, data: dict, user: User):
    """2022 p.7(3)-(5); 2020 p.5(1),(2),(5), p.8 (E20-1, E20-3). ``data["offerings"]``: rows of
    ``classifier_item`` (item or id), ``characteristics``, ``price``, ``unit``,
    ``stock_quantity``; they replace the previous rows."""
    rows = _rows(data, "offerings")
    allowed = {item.pk: item for item in selectors.classifier_items_for(offers=application.offers)}
    errors: dict[str, list] = {}
    offerings = []
    seen: set[int] = set()
    for index, row in enumerate(rows):
        item = row.get("classifier_item")
        item_id = item.pk if isinstance(item, ClassifierItem) else item
        try:
            item_id = int(item_id)
        except (TypeError, ValueError):
            item_id = None
        if item_id not in allowed:
            errors.setdefault(f"offerings-{index}-classifier_item", []).append(
                _("Choose a kind of goods or service from the classifier, within what you offer.")
            )
            continue
        if application.edition.one_application_per_kind and item_id in seen:
            errors.setdefault(f"offerings-{index}-classifier_item", []).append(
                _("Each kind of goods or service is entered once, with its characteristics.")
            )
        seen.add(item_id)
        try:
            price = _decimal(row.get("price"))
        except ValidationError as error:
            errors.setdefault(f"offerings-{index}-price", []).extend(error.messages)
            price = None
        if price is not None and price < 0:
            errors.setdefault(f"offerings-{index}-price", []).append(
                _("The price cannot be negative.")
            )
        stock = row.get("stock_quantity")
        if stock in ("", None):
            stock = None
        else:
            try:
                stock = int(stock)
                if stock < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.setdefault(f"offerings-{index}-stock_quantity", []).append(
                    _("Enter the quantity in stock as a whole number.")
                )
                stock = None
        offerings.append(
            Offering(
                application=application,
                classifier_item=allowed[item_id],
                characteristics=(row.get("characteristics") or "").strip(),
                price=price,
                unit=(row.get("unit") or "").strip(),
                stock_quantity=stock,
            )
        )
    if errors:
        raise ValidationError(errors)
    before = [
        _offering_snapshot(o) for o in application.offerings.select_related("classifier_item")
    ]
    application.offerings.all().delete()
    Offering.objects.bulk_create(offerings)
    return {"offerings": before}, {"offerings": [_offering_snapshot(o) for o in offerings]}


def _offering_snapshot(offering: Offering) -> dict:
    return {
        "classifier_item": offering.classifier_item.code,
        "characteristics": offering.characteristics,
        "price": str(offering.price) if offering.price is not None else None,
        "unit": offering.unit,
        "stock_quantity": offering.stock_quantity,
    }


def _save_addresses(application: Application, data: dict, user: User):
    """2022 p.7(6); 2020 p.5(4). ``data["addresses"]``: rows of ``region`` (Region or id),
    ``settlement``, ``street``, ``building``, ``premises``; they replace the previous rows."""
    rows = _rows(data, "addresses")
    regions = {r.pk: r for r in Region.objects.filter(is_active=True)}
    errors: dict[str, list] = {}
    addresses = []
    for index, row in enumerate(rows):
        region = row.get("region")
        region_id = region.pk if isinstance(region, Region) else region
        try:
            region_id = int(region_id)
        except (TypeError, ValueError):
            region_id = None
        if region_id not in regions:
            errors.setdefault(f"addresses-{index}-region", []).append(_("Choose the region."))
            continue
        addresses.append(
            ServiceAddress(
                application=application,
                region=regions[region_id],
                **{
                    name: (row.get(name) or "").strip()
                    for name in ("settlement", "street", "building", "premises")
                },
            )
        )
    if errors:
        raise ValidationError(errors)
    before = [str(a) for a in application.addresses.select_related("region")]
    application.addresses.all().delete()
    ServiceAddress.objects.bulk_create(addresses)
    return {"addresses": before}, {"addresses": [str(a) for a in addresses]}


def _save_specialists(application: Application, data: dict, user: User):
    """2022 p.7(7), (11). ``data["specialists"]``: rows of ``full_name``, ``iin`` (optional,
    validated), ``position``, ``education``, ``qualification``, ``experience_years``."""
    rows = _rows(data, "specialists")
    errors: dict[str, list] = {}
    specialists = []
    for index, row in enumerate(rows):
        iin = (row.get("iin") or "").strip()
        if iin:
            try:
                validate_iin(iin)
            except ValidationError as error:
                errors.setdefault(f"specialists-{index}-iin", []).extend(error.messages)
        years = row.get("experience_years")
        if years in ("", None):
            years = None
        else:
            try:
                years = int(years)
                if years < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.setdefault(f"specialists-{index}-experience_years", []).append(
                    _("Enter the work experience as a whole number of years.")
                )
                years = None
        specialists.append(
            Specialist(
                application=application,
                iin=iin,
                experience_years=years,
                **{
                    name: (row.get(name) or "").strip()
                    for name in ("full_name", "position", "education", "qualification")
                },
            )
        )
    if errors:
        raise ValidationError(errors)
    before = [s.full_name for s in application.specialists.all()]
    application.specialists.all().delete()
    Specialist.objects.bulk_create(specialists)
    return {"specialists": before}, {"specialists": [s.full_name for s in specialists]}


def _save_state_data(application: Application, data: dict, user: User):
    """2022 p.6 last paragraph; SUP-3, SUP-5: the supplier enters what the state did not return.

    ``data["items"]``: item code -> value. An item the state confirms cannot be entered: state
    data is shown read-only and never overwritten by the supplier (SUP-3); nor can a fact the
    state reports against the supplier (a dispensary registration, an ended IE registration):
    the whole entry is refused and nothing saved before is touched.
    """
    values = dict(data.get("items") or {})
    rows = {row.code: row for row in selectors.state_data_rows(application)}
    errors: dict[str, list] = {}
    for code in values:
        row = rows.get(code)
        if row is None:
            errors.setdefault(f"state-{code}", []).append(
                _("This item is not asked of this kind of supplier.")
            )
        elif row.reported:
            errors.setdefault(f"state-{code}", []).append(STATE_FACT_MESSAGE)
        elif row.confirmed:
            errors.setdefault(f"state-{code}", []).append(
                _("This data comes from the state systems and cannot be changed.")
            )
    if errors:
        raise ValidationError(errors)
    before = {s.item_code: s.value for s in application.supplied_state_items.all()}
    for code, value in values.items():
        value = str(value or "").strip()
        if value:
            SuppliedStateItem.objects.update_or_create(
                application=application,
                item_code=code,
                defaults={"value": value, "entered_by": user, "entered_at": timezone.now()},
            )
        else:
            application.supplied_state_items.filter(item_code=code).delete()
    after = {s.item_code: s.value for s in application.supplied_state_items.all()}
    if "legal_address" in values:
        from suppliers.services.supplier import update_registered_region

        update_registered_region(supplier=application.supplier, user=user, application=application)
    return before, after


def _save_nothing(application: Application, data: dict, user: User):
    """Sections made of documents only (2022 p.7(12), (13)): saving marks them as visited."""
    return None, {}


SAVERS = {
    Section.OFFERS: _save_offers,
    Section.STATE_DATA: _save_state_data,
    Section.CONTACTS: _save_contacts,
    Section.BANK_DETAILS: _save_bank_details,
    Section.OFFERINGS: _save_offerings,
    Section.ADDRESSES: _save_addresses,
    Section.STAFF: _save_staff,
    Section.PLACES: _save_places,
    Section.DEPARTMENT: _save_department,
    Section.MATERIAL_RESOURCES: _save_material_resources,
    Section.SPECIALISTS: _save_specialists,
    Section.MEDICAL_CERTIFICATE: _save_nothing,
    Section.ACCESSIBILITY: _save_nothing,
    Section.CONSENTS: _save_consents,
}
