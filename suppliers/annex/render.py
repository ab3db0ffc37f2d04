"""Annex 1, the supplier's application, rendered as a tagged PDF (SUP-7; 2022 p.9; 2020 p.9).

"From the entered and received data the portal forms the application in the form of Annex 1"
(Заявление на допуск и регистрацию на портале социальных услуг, edition 2022; Әлеуметтік
қызметтер порталында тіркеуге өтініш, edition 2020). The supplier signs these bytes with EDS
(SUP-8); they are stored and served as they are and never rendered again in their place.

The form's fixed wording is the official text of the edition the application is filed under, in
Kazakh or Russian, kept in one template per edition and language
(``suppliers/annex/form_<edition>_<language>.html``); everything the portal adds (the annexed
lists, column headings) goes through gettext. ``portal.pdf.render_pdf`` makes the PDF/UA with the
fonts shipped with the code (``portal/fonts/``, DejaVu Sans) embedded, so the output does not
depend on the fonts of the machine and covers the Kazakh letters.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from egov_gateway.coverage import holder_of
from egov_gateway.models import StateRecord
from egov_gateway.selectors import current_state_data, state_confirms
from portal.calendar import ALMATY
from portal.editions import Edition, Offer, SupplierKind, edition_by_code
from portal.pdf import render_pdf
from suppliers.amounts import money
from suppliers.selectors.registration import legal_address_of, region_of_address, state_name_of
from suppliers.selectors.state_values import (
    day_text,
    iso_date,
    state_value,
)

if TYPE_CHECKING:
    from egov_gateway.eds.models import Signature
    from suppliers.models import AnnexDocument, Application

PACKAGE_DIR = Path(__file__).resolve().parent
STYLESHEET = PACKAGE_DIR / "annex1.css"
# form_<edition>_<language>.html extends suppliers/annex/annex1.html with the form's wording.
FORM_TEMPLATE = "suppliers/annex/form_{edition}_{language}.html"

# The months as the form's date line writes them: Russian in the genitive («05» марта 2024 года),
# Kazakh in the nominative (05 наурыз 2024 жыл), as in the forms of each language.
MONTHS = {
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "kk": (
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ),
}

CHECKED = "☒"
UNCHECKED = "☐"
NBSP = "\u00a0"


class SignedCopyUnavailable(Exception):
    """The application's data no longer renders to the bytes that were signed."""


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def render_annex1(
    application: Application,
    *,
    language: str,
    on: datetime.date | None = None,
    state_as_of: datetime.datetime | None = None,
    signatures: Iterable[Signature] = (),
    signed_sha256: str = "",
) -> bytes:
    """The application in the form of Annex 1 as PDF bytes (SUP-7; 2022 p.9; 2020 p.9).

    ``language`` is "kk" or "ru" (the two official languages). ``on`` is the date written on the
    form (default: today in Almaty). The state data shown are the latest answers of each source,
    or the latest received by ``state_as_of``. ``signatures`` and ``signed_sha256`` make the
    printed copy of an application already signed (see :func:`render_signed_copy`); the bytes
    to sign are rendered without them.
    """
    context = annex1_context(
        application,
        language=language,
        on=on,
        state_as_of=state_as_of,
        signatures=signatures,
        signed_sha256=signed_sha256,
    )
    return render_context(context)


def render_signed_copy(annex: AnnexDocument) -> bytes:
    """A printable copy of a signed Annex 1 that shows who signed it and when (SUP-8).

    The signed bytes (``annex.pdf``) stay the legal document and are never changed. The copy is
    the same form rendered again with the signers' details (signer, IIN, certificate serial,
    signing time) and the SHA-256 of the signed bytes. It is made only while the application's
    data still renders to exactly the signed bytes; otherwise (the data or the renderer changed
    since) :class:`SignedCopyUnavailable` is raised and the signed original should be served.
    """
    if annex.signature_id is None:
        raise SignedCopyUnavailable("the annex is not signed")
    application = annex.application
    if annex.revision != application.revision:
        raise SignedCopyUnavailable("the application changed after it was signed")
    as_rendered = {
        "language": annex.language,
        "on": timezone.localtime(annex.rendered_at, ALMATY).date(),
        "state_as_of": annex.rendered_at,
    }
    signed = bytes(annex.pdf)
    digest = hashlib.sha256(signed).hexdigest()
    if render_annex1(application, **as_rendered) != signed:
        raise SignedCopyUnavailable(
            "the application no longer renders to the signed bytes; serve the signed original"
        )
    return render_annex1(
        application,
        **as_rendered,
        signatures=[annex.signature],
        signed_sha256=digest,
    )


def render_context(context: Mapping[str, Any]) -> bytes:
    """Render an Annex 1 context (see :func:`annex1_context`) to tagged PDF bytes."""
    return render_pdf(
        template=context["form_template"],
        context=context,
        language=context["language"],
        stylesheet=STYLESHEET,
    )


def annex1_context(
    application: Application,
    *,
    language: str,
    on: datetime.date | None = None,
    state_as_of: datetime.datetime | None = None,
    signatures: Iterable[Signature] = (),
    signed_sha256: str = "",
) -> dict[str, Any]:
    """What Annex 1 shows for ``application``, every value already written in ``language``.

    Which form is used (its wording, whether it asks for the consent to publication, whether
    the goods carry a stock quantity) follows ``application.edition_code``.
    """
    edition = edition_by_code(application.edition_code)
    if language not in edition.annex_languages:
        raise ValueError(f"Annex 1 is made in Kazakh or Russian, not {language!r}")
    on = on or timezone.localdate(timezone=ALMATY)
    supplier = application.supplier
    with override(language):
        state = _state_data(application, edition=edition, language=language, as_of=state_as_of)
        offers = [_offer_label(code) for code in application.offers or ()]
        context = {
            "language": language,
            "number": application.pk,
            "form_template": FORM_TEMPLATE.format(edition=edition.code, language=language),
            "edition": {
                "code": edition.code,
                "title": str(edition.title),
                "order_number": edition.order.number,
                "order_date": day_text(edition.order.signed_on),
            },
            "form": {
                "annex": edition.form("application").annex,
                "clause": edition.form("application").clause,
            },
            "supplier": {
                "name": state["name"] or supplier.name,
                "identifier": supplier.identifier,
                "kind": str(SupplierKind(supplier.kind).label),
            },
            # 2020 Annex 1: "(БСН, ЖСН, мемлекеттік тіркеу нөмірі)"
            "identifier_line": ", ".join(
                p for p in (supplier.identifier, state["registration"]) if p
            ),
            "activity": "; ".join(offers),
            "legal_address": state["legal_address"],
            "email": application.email,
            "phone": application.phone,
            "mobile_phone": application.mobile_phone,
            "phones": ", ".join(p for p in (application.mobile_phone, application.phone) if p),
            "fax": application.fax,
            "consent_personal_data": bool(application.consent_personal_data),
            "consent_personal_data_mark": _mark(application.consent_personal_data),
            "asks_publication_consent": edition.publication_requires_consent,
            # None until the supplier answers: neither box is ticked.
            "consent_publication": application.consent_publication,
            "publication_yes_mark": _mark(application.consent_publication is True),
            "publication_no_mark": _mark(application.consent_publication is False),
            "date": {
                "day": f"{on.day:02d}",
                "month": MONTHS[language][on.month - 1],
                "year": str(on.year),
                "iso": on.isoformat(),
                "short": day_text(on),
            },
            "show_stock_quantity": edition.requires_stock_quantity,
            "offerings": _offerings(application),
            "addresses": _addresses(application),
            "specialists": _specialists(application),
            "details": _details(application, legal_address=state["legal_address"]),
            "state_data": state["items"],
            "documents": _documents(application),
            "signatures": [_signature(s) for s in signatures],
            "signed_sha256": _grouped_digest(signed_sha256) if signed_sha256 else "",
        }
    # The line "certified by EDS" names whom the form asks for, "of the supplier, of the head"
    # (2022 Annex 1; 2020: "of the head"), already in the bytes to sign (issue 9: no blank line
    # in a signed form); a printed copy names who signed.
    context["eds_signer"] = ", ".join(s["signer"] for s in context["signatures"]) or (
        _head_name(state["items"])
        if supplier.is_legal_entity
        else state["person_name"] or context["supplier"]["name"]
    )
    return context


def _head_name(items: Iterable[Mapping[str, Any]]) -> str:
    """The head of the organisation as the state data (or the supplier, in their place) give it."""
    return next((str(i["value"]) for i in items if i["code"] == "head_full_name"), "")


# --------------------------------------------------------------------------------------------
# The parts of the context
# --------------------------------------------------------------------------------------------


def _offer_label(code: str) -> str:
    try:
        return str(Offer(code).label)
    except ValueError:
        return code


def _offerings(application: Application) -> list[dict[str, str]]:
    rows = []
    for offering in application.offerings.select_related("classifier_item").order_by("pk"):
        item = offering.classifier_item
        rows.append(
            {
                "code": item.code,
                "name": item.name,
                "characteristics": offering.characteristics,
                "unit": offering.unit,
                "price": money(offering.price),
                "stock_quantity": (
                    "" if offering.stock_quantity is None else str(offering.stock_quantity)
                ),
            }
        )
    return rows


def _addresses(application: Application) -> list[dict[str, str]]:
    rows = []
    for address in application.addresses.select_related("region").order_by("pk"):
        parts = {
            "region": address.region.name,
            "settlement": address.settlement,
            "street": address.street,
            "building": address.building,
            "premises": address.premises,
        }
        rows.append({**parts, "text": ", ".join(p for p in parts.values() if p)})
    return rows


def _specialists(application: Application) -> list[dict[str, str]]:
    return [
        {
            "full_name": s.full_name,
            "iin": s.iin,
            "position": s.position,
            "education": s.education,
            "qualification": s.qualification,
            "experience_years": "" if s.experience_years is None else str(s.experience_years),
        }
        for s in application.specialists.order_by("pk")
    ]


def _details(application: Application, *, legal_address: str) -> list[tuple[str, str]]:
    """Contacts, bank details and the other single values the supplier entered (2022 p.7)."""
    supplier = application.supplier
    # SUP-8: the region of the legal address shown on the form decides the commission; a
    # submitted application keeps the region it was filed to.
    region = application.region if application.submitted_at else None
    region = region or region_of_address(legal_address)
    rows = [
        (_("Supplier kind"), str(SupplierKind(supplier.kind).label)),
        (_("Region where the supplier is registered"), _name(region)),
        (_("Commission that reviews the application (region)"), _name(region)),
        (_("Mobile phone"), application.mobile_phone),
        (_("Contact phone"), application.phone),
        (_("E-mail"), application.email),
        (_("Fax"), application.fax),
        (_("Web site"), application.website),
        (_("IBAN"), application.iban),
        (_("BIC"), application.bic),
        (_("Bank"), application.bank_name),
        (_("Staff count"), _number(application.staff_count)),
        (
            _("Places for special social services and sanatorium-resort treatment"),
            _number(application.places_count),
        ),
        (_("Department: type"), application.department_type),
        (_("Department: kind"), application.department_kind),
        (_("Department: name"), application.department_name),
        (_("Material resources"), application.material_resources),
    ]
    return [(label, value) for label, value in rows if value]


def _documents(application: Application) -> list[dict[str, str]]:
    rows = []
    for document in application.documents.order_by("pk"):
        rows.append(
            {
                "type": str(document.get_doc_type_display()),
                "name": document.original_name,
                "size": file_size(document.size),
                "expires_on": day_text(document.expires_on) if document.expires_on else "",
                "sha256": _grouped_digest(document.sha256),
                "sha256_short": document.sha256[:16],
            }
        )
    return rows


def _state_data(
    application: Application,
    *,
    edition: Edition,
    language: str,
    as_of: datetime.datetime | None,
) -> dict[str, Any]:
    """The state-certified data (SUP-3) with source and date, and what the supplier entered
    instead where the state did not confirm an item (SUP-5)."""
    supplier = application.supplier
    records = _latest_state_records(supplier.identifier, as_of=as_of)
    supplied = {item.item_code: item.value for item in application.supplied_state_items.all()}
    items = []
    for item in edition.state_data_for(supplier_kind=supplier.kind):
        record = records.get(holder_of(item.code, supplier_kind=supplier.kind) or "")
        if state_confirms(record, item.code):
            value = state_value(item.code, record.data, language=language)
            source = str(record.get_source_display())
            received = day_text(timezone.localtime(record.fetched_at, ALMATY).date())
            from_state = True
        elif item.code in supplied:
            value = supplied[item.code]
            source = _("entered by the supplier")
            received = ""
            from_state = False
        else:
            value, source, received, from_state = "", _("not received"), "", False
        items.append(
            {
                "code": item.code,
                "item": _capitalised(str(item.text)),
                "value": value,
                "source": source,
                "received_on": received,
                "from_state": from_state,
            }
        )
    # The form asks for the legal address under both editions, although edition 2020 does not
    # list it among the data received from the state (2020 p.4): take it from where it is kept.
    # The name and the legal address are the state-certified ones where a state system gave
    # them, never retyped by the supplier (SUP-7); what the supplier entered only where not.
    legal_address = legal_address_of(supplier, application=application, records=records)
    name_code = "full_and_short_name" if supplier.is_legal_entity else "full_name"
    entered = supplied.get(name_code, "")
    person_name = (
        ""
        if supplier.is_legal_entity
        else state_name_of(supplier, language=language, records=records, trade_name=False)
        or entered
    )
    # An individual entrepreneur is named as the register of entrepreneurs has the business,
    # when it has a name for it (issue 9, item 7); the person's own name is then on the EDS line.
    name = state_name_of(supplier, language=language, records=records) or entered
    return {
        "items": items,
        "legal_address": legal_address,
        "name": name,
        "person_name": person_name,
        "registration": _registration(supplier, records),
    }


def _registration(supplier, records: Mapping[str, StateRecord]) -> str:
    """The number and date of the supplier's state registration, as the state gave them: a legal
    entity's from ГБД ЮЛ, an entrepreneur's from the registry of entrepreneurs (2020 Annex 1)."""
    code = "full_and_short_name" if supplier.is_legal_entity else "entrepreneur_registration"
    if supplier.kind == SupplierKind.INDIVIDUAL_ASSISTANT:
        return ""
    record = records.get(holder_of(code, supplier_kind=supplier.kind) or "")
    if record is None or not record.found:
        return ""
    number = (record.data.get("registration_number") or "").strip()
    day = iso_date(record.data.get("registered_on"))
    return " ".join(p for p in (f"№ {number}" if number else "", day) if p)


def _latest_state_records(
    identifier: str, *, as_of: datetime.datetime | None
) -> dict[str, StateRecord]:
    """The latest answer of each source, as ``egov_gateway.selectors.current_state_data``, or
    the latest received by ``as_of`` (a signed Annex 1 printed again shows what it showed)."""
    if as_of is None:
        return current_state_data(identifier=identifier)
    latest = (
        StateRecord.objects.filter(identifier=identifier, fetched_at__lte=as_of)
        .order_by("source", "-fetched_at", "-pk")
        .distinct("source")
    )
    return {record.source: record for record in latest}


def _signature(signature: Signature) -> dict[str, str]:
    return {
        "signer": signature.common_name,
        "iin": signature.iin,
        "bin": signature.bin,
        "organisation": signature.organisation,
        "serial": signature.certificate_serial,
        "issuer": signature.issuer,
        "valid": f"{_datetime(signature.certificate_not_before)} — "
        f"{_datetime(signature.certificate_not_after)}",
        "signing_time": _datetime(signature.signing_time),
    }


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def file_size(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": max(1, round(size / 1024))}
    return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.1f}".replace(".", ",")}


def _grouped_digest(digest: str) -> str:
    """A SHA-256 in four groups of sixteen, so that it wraps between groups only."""
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _mark(given: bool) -> str:
    return CHECKED if given else UNCHECKED


def _name(region: Any) -> str:
    return region.name if region is not None else ""


def _datetime(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment, ALMATY)
    offset = local.strftime("%z")
    return f"{local:%d.%m.%Y %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
