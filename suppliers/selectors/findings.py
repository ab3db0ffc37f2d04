"""Findings: what the state data and the documents suggest about the conditions of admission
(SUP-6, E20-2).

The completeness check (2022 p.8; 2020 p.11) is the only check that stops a submission. Whether
the supplier meets the conditions of admission is the commission's decision (2022 p.12; 2020
p.13): the portal shows what it sees — a debt the tax authority reports, a liquidation, an entry
in the register of unscrupulous participants of public procurement, a certificate not uploaded,
a document that has expired — as a finding with its evidence (the source, when it answered, what
it said), to the supplier before signing and to the commission, and refuses nothing on it.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_gateway.coverage import holder_of
from egov_gateway.models import StateRecord
from egov_gateway.selectors import current_state_data, state_reports
from egov_gateway.sources import SOURCE_LABELS
from portal.calendar import ALMATY
from portal.editions.base import SupplierKind, Text
from suppliers.models import Application, DocType, Section
from suppliers.selectors.rows import offerings_of, uploaded_documents
from suppliers.selectors.sections import (
    CERTIFICATE_CONDITIONS,
    STATE_CHECKED_CONDITIONS,
    certificate_field_id,
    document_requirements,
)

DOCUMENTS_SOURCE = "documents"


@dataclasses.dataclass(frozen=True)
class Finding:
    """What one piece of evidence suggests about a condition of admission (SUP-6, E20-2).

    ``code`` is the condition's code (``Edition.admission_conditions``) or ``document_expired``;
    ``source`` the state system that answered (``gbd_ul``, ``tax_debts`` …) or ``documents``;
    ``observed_on`` when the source answered, or the day the document expired; ``evidence`` what
    the source said, as received. ``unknown``: the source has not answered yet, so nothing is
    known (never taken as "no record", SYNC-3).
    """

    code: str
    condition: Text
    message: Text
    clause: str
    source: str
    source_label: Text
    observed_on: datetime.datetime | datetime.date | None
    evidence: dict
    section: str
    field_id: str
    unknown: bool = False


def admission_findings(
    *, application: Application, on: datetime.date | None = None
) -> list[Finding]:
    """The findings about the application's supplier, conditions first, then documents
    (SUP-6, E20-2). Read by the supplier's check-answers and sign pages and by the commission;
    none of them stops a submission."""
    on = on or timezone.localdate(timezone=ALMATY)
    findings: list[Finding] = []
    edition = application.edition
    current = current_state_data(identifier=application.supplier.identifier)
    for condition in edition.admission_conditions:
        if condition.code in STATE_CHECKED_CONDITIONS:
            findings.extend(_state_findings(application, condition, current))
        elif condition.code in CERTIFICATE_CONDITIONS:
            findings.extend(_certificate_findings(application, condition))
    findings.extend(_expired_documents(application, on))
    return findings


def _state_findings(application: Application, condition, current: dict) -> list[Finding]:
    kind = application.supplier.kind
    holder = holder_of(condition.code, supplier_kind=kind) or ""
    record: StateRecord | None = current.get(holder)
    field_id = f"id_condition-{condition.code}"

    def finding(message: Text, *, unknown: bool = False, evidence: dict | None = None) -> Finding:
        return Finding(
            code=condition.code,
            condition=condition.text,
            message=message,
            clause=condition.clause,
            source=holder,
            source_label=SOURCE_LABELS.get(holder, holder),
            observed_on=record.fetched_at if record else None,
            evidence=evidence if evidence is not None else (record.data if record else {}),
            section=Section.CONDITIONS,
            field_id=field_id,
            unknown=unknown,
        )

    if record is None:
        return [
            finding(
                _("Not received from %(source)s yet. Request the state data again.")
                % {"source": SOURCE_LABELS.get(holder, holder)},
                unknown=True,
            )
        ]
    data = record.data if record.found else {}
    # Whether the answer reports a fact against the supplier is the gateway's rule, one for the
    # cabinet, the Annex 1 form and the commission (``egov_gateway.selectors.state_reports``);
    # this only words it with its evidence.
    reported = state_reports(record, condition.code)
    if condition.code == "no_debts":
        tax, social = _amount(data.get("tax_debt")), _amount(data.get("social_contribution_debt"))
        if reported:
            return [
                finding(
                    _(
                        "The tax authority reports debts (taxes: %(tax)s tenge, social "
                        "contributions: %(social)s tenge, as of %(as_of)s)."
                    )
                    % {"tax": tax, "social": social, "as_of": data.get("as_of") or "—"}
                )
            ]
    elif condition.code == "not_bankrupt_or_liquidated":
        ended = data.get("liquidated_on") or data.get("ended_on")
        if reported and ended:
            return [
                finding(
                    _(
                        "The state systems report that the activity ended, or that liquidation "
                        "or bankruptcy began, on %(day)s."
                    )
                    % {"day": _day(ended)}
                )
            ]
        # An entrepreneur's registration arrives "if any" (2020 p.4(2), "бар болса"): no record
        # in the registry of entrepreneurs suggests nothing. An organisation unknown to the state
        # database of legal entities is worth the commission's look.
        if not record.found and kind == SupplierKind.LEGAL_ENTITY:
            return [
                finding(_("The state database of legal entities has no record of the supplier."))
            ]
    elif condition.code == "not_in_procurement_register" and reported:
        return [
            finding(
                _(
                    "The supplier is in the register of unscrupulous participants of public "
                    "procurement."
                )
            )
        ]
    return []


def _certificate_findings(application: Application, condition) -> list[Finding]:
    """2020 p.6(4), (5): a certificate for each kind of goods whose classifier item asks it."""
    flag, doc_type = CERTIFICATE_CONDITIONS[condition.code]
    have = {d.item_code for d in uploaded_documents(application) if d.doc_type == doc_type}
    findings = []
    for offering in offerings_of(application):
        item = offering.classifier_item
        if not getattr(item, flag) or item.code in have:
            continue
        findings.append(
            Finding(
                code=condition.code,
                condition=condition.text,
                message=_("No %(document)s has been uploaded for %(item)s.")
                % {"document": DocType(doc_type).label, "item": f"{item.code} {item.name}"},
                clause=condition.clause,
                source=DOCUMENTS_SOURCE,
                source_label=_("documents uploaded by the supplier"),
                observed_on=None,
                evidence={"classifier_item": item.code},
                section=Section.CONDITIONS,
                field_id=certificate_field_id(doc_type, item.code),
            )
        )
    return findings


def _expired_documents(application: Application, on: datetime.date) -> list[Finding]:
    """Documents whose validity ended before ``on``: the commission weighs them (SUP-6)."""
    requirements = document_requirements(application)
    findings = []
    expired = [d for d in uploaded_documents(application) if d.expires_on and d.expires_on < on]
    for document in sorted(expired, key=lambda d: (d.expires_on, d.pk)):
        requirement = next(
            (
                r
                for r in requirements
                if r.doc_type == document.doc_type
                and (not r.item_code or r.item_code == document.item_code)
            ),
            None,
        )
        title = requirement.title if requirement else document.get_doc_type_display()
        findings.append(
            Finding(
                code="document_expired",
                condition=title,
                message=_("The document “%(document)s” expired on %(date)s: upload a valid one.")
                % {"document": title, "date": f"{document.expires_on:%d.%m.%Y}"},
                clause="",
                source=DOCUMENTS_SOURCE,
                source_label=_("documents uploaded by the supplier"),
                observed_on=document.expires_on,
                evidence={
                    "document": document.pk,
                    "file": document.original_name,
                    "expires_on": document.expires_on.isoformat(),
                },
                section=requirement.section if requirement else Section.STATE_DATA,
                field_id=requirement.field_id if requirement else "",
            )
        )
    return findings


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal("0")


def _day(value) -> str:
    try:
        return f"{datetime.date.fromisoformat(str(value)[:10]):%d.%m.%Y}"
    except ValueError:
        return str(value)
