"""State data with its provenance (SUP-3, SUP-5)."""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.translation import get_language

from egov_gateway.coverage import holder_of
from egov_gateway.models import StateRecord
from egov_gateway.selectors import current_state_data, state_confirms, state_reports
from egov_gateway.sources import SOURCE_LABELS
from portal.editions.base import Text
from suppliers.models import (
    Application,
    DocType,
)
from suppliers.selectors import state_values
from suppliers.selectors.rows import supplied_items_of, uploaded_documents

# --- state data (SUP-3, SUP-5) ---


@dataclasses.dataclass(frozen=True)
class StateDataRow:
    """One item of state data for the cabinet: what the state said, from where and when, or
    what the supplier entered instead (SUP-3, SUP-5)."""

    code: str
    text: Text
    clause: str
    source: str  # the holder's name ("gbd_ul"…), empty when no system holds it
    source_label: Text
    received_at: datetime.datetime | None  # when the source answered; None: never answered
    value: str  # as the state gave it (read-only), empty when not confirmed
    confirmed: bool  # the state confirms it: no proof needed (SUP-5)
    answered: bool  # the source has answered (found or not)
    supplied_value: str  # what the supplier entered instead, when not confirmed
    has_proof: bool
    optional: bool = False  # "if any" (бар болса, 2020 p.4): not asked when the state lacks it
    # the state reports a fact against the supplier (a dispensary registration, an ended IE
    # registration): the state's word, which the supplier cannot replace (SUP-3)
    reported: bool = False

    @property
    def needs_proof(self) -> bool:
        """The supplier enters this item and proves it with a document (SUP-5): only data the
        state systems do not have, never a fact they report (SUP-3)."""
        return not self.confirmed and not self.reported and (self.answered or not self.source)

    @property
    def field_id(self) -> str:
        return f"id_state-{self.code}"


def state_data_rows(application: Application) -> list[StateDataRow]:
    """The state data items the edition sends for this kind of supplier (2022 p.6; 2020 p.4),
    each with its value, source and date as received, read-only; and for those the state did
    not confirm, what the supplier entered and whether a proof is attached."""
    supplier = application.supplier
    edition = application.edition
    current = current_state_data(identifier=supplier.identifier)
    supplied = {s.item_code: s.value for s in supplied_items_of(application)}
    proofs = {
        d.item_code for d in uploaded_documents(application) if d.doc_type == DocType.PROOF_OF_DATA
    }
    rows = []
    for item in edition.state_data_for(supplier_kind=supplier.kind):
        holder = holder_of(item.code, supplier_kind=supplier.kind) or ""
        record: StateRecord | None = current.get(holder) if holder else None
        confirmed = state_confirms(record, item.code)
        reported = state_reports(record, item.code)
        rows.append(
            StateDataRow(
                code=item.code,
                text=item.text,
                clause=item.clause,
                source=holder,
                source_label=SOURCE_LABELS.get(holder, ""),
                received_at=record.fetched_at if record else None,
                value=state_value(item.code, record.data) if (confirmed or reported) else "",
                confirmed=confirmed,
                answered=record is not None,
                supplied_value="" if reported else supplied.get(item.code, ""),
                has_proof=item.code in proofs,
                optional=item.optional,
                reported=reported,
            )
        )
    return rows


def state_reported_facts(application: Application) -> dict[str, Text]:
    """The items and conditions on which a state system reports a fact against the supplier
    (SUP-3), by code, with their wording: the supplier may not enter or prove these itself."""
    supplier = application.supplier
    edition = application.edition
    current = current_state_data(identifier=supplier.identifier)
    facts: dict[str, Text] = {}
    checked = [(i.code, i.text) for i in edition.state_data_for(supplier_kind=supplier.kind)]
    checked += [(c.code, c.text) for c in edition.admission_conditions]
    for code, text in checked:
        holder = holder_of(code, supplier_kind=supplier.kind)
        record = current.get(holder) if holder else None
        if state_reports(record, code):
            facts[code] = text
    return facts


def state_value(code: str, data: dict) -> str:
    """The value of state data item ``code`` from a source's answer, as text, in the language
    of the request: the same text the Annex 1 form prints (one formatting for both)."""
    language = "kk" if (get_language() or "kk")[:2] == "kk" else "ru"
    return state_values.state_value(code, data, language=language)
