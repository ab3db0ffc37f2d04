"""Reads of state data for the cabinet, the registers and the operators."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from egov_gateway.coverage import confirms, holder_of, reports_fact
from egov_gateway.models import (
    StateChangeEvent,
    StateListing,
    StateRecord,
    WatchedIdentifier,
)
from portal.editions import Edition
from portal.request_cache import once_per_request


def registered_identifiers(*, kinds: Iterable[str] | None = None) -> QuerySet[WatchedIdentifier]:
    """The BINs/IINs the sync emits change events for (the one place that defines them)."""
    watched = WatchedIdentifier.objects.all()
    if kinds:
        watched = watched.filter(kind__in=list(kinds))
    return watched


@once_per_request
def current_state_data(*, identifier: str) -> dict[str, StateRecord]:
    """The latest answer of each source about a BIN/IIN (SUP-3: shown as state data); read once
    per request (``portal.request_cache``), so callers must not change what it returns."""
    latest = (
        StateRecord.objects.filter(identifier=identifier)
        .order_by("source", "-fetched_at", "-pk")
        .distinct("source")
    )
    return {record.source: record for record in latest}


def state_confirms(record: StateRecord | None, code: str) -> bool:
    """Whether the holder's answer ``record`` confirms item ``code``: it has a record of the
    supplier and the record says what the item needs (SUP-5: no proof is asked for it). The one
    place this rule is written; the cabinet, the Annex 1 form and the commission read it here."""
    return record is not None and record.found and confirms(code, record.data)


def state_reports(record: StateRecord | None, code: str) -> bool:
    """Whether the holder's answer ``record`` reports a fact against the supplier on item or
    condition ``code`` (SUP-3): the state's word, which the supplier cannot replace."""
    return record is not None and record.found and reports_fact(code, record.data)


def state_confirmed_items(
    *, identifier: str, supplier_kind: str, edition: Edition
) -> frozenset[str]:
    """The SUP-3 items the state systems confirm for this BIN/IIN, by their latest answers.

    No supporting document is asked for these (SUP-5, 2022 p.7); the others the supplier proves.
    """
    current = current_state_data(identifier=identifier)
    confirmed = set()
    for item in edition.state_data_for(supplier_kind=supplier_kind):
        record = current.get(holder_of(item.code, supplier_kind=supplier_kind) or "")
        if state_confirms(record, item.code):
            confirmed.add(item.code)
    return frozenset(confirmed)


def is_listed(*, source: str, identifier: str) -> bool:
    """Whether the last successful sync of ``source`` saw the BIN/IIN listed (RDM-1)."""
    return StateListing.objects.filter(
        source=source, identifier=identifier, removed_run__isnull=True
    ).exists()


def unprocessed_events() -> QuerySet[StateChangeEvent]:
    """Change events DER-2 / RDM-1 have not handled yet, oldest first."""
    return StateChangeEvent.objects.filter(processed=False).order_by("created_at", "pk")
