"""Acts on state data: lookups for the supplier cabinet, watching BINs/IINs, handling events."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from egov_gateway.coverage import sources_for
from egov_gateway.errors import SourceError
from egov_gateway.models import StateChangeEvent, StateRecord, WatchedIdentifier
from egov_gateway.sources.base import StateAnswer
from egov_gateway.sources.registry import lookup_source
from portal.audit import services as audit
from portal.editions import Edition, edition_for
from portal.editions.base import SupplierKind
from portal.identifiers import validate_bin, validate_iin
from portal.models import User

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class StateDataResult:
    """What arrived (one ``StateRecord`` per source that answered) and which sources failed."""

    records: dict[str, StateRecord]
    failures: dict[str, str]

    @property
    def complete(self) -> bool:
        return not self.failures


def _validate(identifier: str, kind: str) -> None:
    if kind == SupplierKind.LEGAL_ENTITY:
        validate_bin(identifier)
    elif kind in SupplierKind.values:
        validate_iin(identifier)
    else:
        raise ValidationError(f"unknown supplier kind {kind!r}")


def fetch_state_data(
    *,
    identifier: str,
    supplier_kind: str,
    requested_by: User | None = None,
    edition: Edition | None = None,
    sources: Sequence[str] | None = None,
) -> StateDataResult:
    """Ask the state systems about a supplier and keep their answers with provenance (SUP-3).

    The sources are those holding what ``edition`` (default: the one in force) says arrives from
    the state for ``supplier_kind`` (2022 p.6; 2020 p.4 and the conditions of p.6, E20-2);
    ``sources`` overrides them. Called after the supplier signs the offer and again whenever the
    cabinet asks to refresh.
    Each answer becomes a new ``StateRecord`` (the previous ones stay as history); nothing the
    supplier entered is touched. A source that fails stores nothing and is reported in
    ``failures``, so the cabinet never shows missing data as "the state has no record" (SYNC-3).

    The sources are asked first, outside any transaction (each may take its timeout several
    times over); then what arrived and the audit event are written in one short transaction.
    """
    _validate(identifier, supplier_kind)
    edition = edition or edition_for()
    if sources is None:
        sources = sources_for(supplier_kind=supplier_kind, edition=edition)
    answers: dict[str, tuple[StateAnswer | None, datetime.datetime]] = {}
    failures: dict[str, str] = {}
    for name in sources:
        try:
            answer = lookup_source(name).lookup(identifier)
            answers[name] = (answer, answer.fetched_at if answer else timezone.now())
        except SourceError as exc:
            logger.warning("state lookup of %s in %s failed: %s", identifier, name, exc)
            failures[name] = str(exc)
    with transaction.atomic(durable=True):
        records = {
            name: StateRecord.objects.create(
                identifier=identifier,
                source=name,
                fetched_at=fetched_at,
                found=answer is not None,
                data=answer.data() if answer else {},
                raw=answer.raw if answer else "",
                requested_by=requested_by,
            )
            for name, (answer, fetched_at) in answers.items()
        }
        audit.record(
            actor=requested_by,
            action="state_data.fetched",
            after={
                "identifier": identifier,
                "supplier_kind": supplier_kind,
                "records": {name: record.pk for name, record in records.items()},
                "failures": failures,
            },
            basis=edition.clause_for("state_data_items"),
        )
    return StateDataResult(records=records, failures=failures)


def watch(*, identifier: str, kind: str) -> WatchedIdentifier:
    """Start receiving state change events for a BIN/IIN (called when a supplier is registered,
    or deregistered on grounds 3–4 and waiting for RDM-1). ``kind`` is a ``SupplierKind``."""
    _validate(identifier, kind)
    watched, _created = WatchedIdentifier.objects.get_or_create(identifier=identifier, kind=kind)
    return watched


def unwatch(*, identifier: str, kind: str | None = None) -> int:
    """Stop watching a BIN/IIN (for one kind, or all); returns how many entries were removed."""
    watched = WatchedIdentifier.objects.filter(identifier=identifier)
    if kind:
        watched = watched.filter(kind=kind)
    deleted, _per_model = watched.delete()
    return deleted


@transaction.atomic
def mark_event_processed(*, event: StateChangeEvent) -> StateChangeEvent:
    """Record that DER-2 / RDM-1 handled a change event; handling twice is harmless."""
    event = StateChangeEvent.objects.select_for_update().get(pk=event.pk)
    if not event.processed:
        event.processed = True
        event.processed_at = timezone.now()
        event.save(update_fields=["processed", "processed_at"])
    return event
