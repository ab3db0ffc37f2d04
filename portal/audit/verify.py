"""Checking the audit chain end to end (``manage.py verify_audit``)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.audit.models import GENESIS_HASH, AuditEvent

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainVerification:
    """How far the chain held: ``broken_event_id`` is None when every event was verified."""

    events_verified: int
    head_hash: str
    broken_event_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None


def verify_chain(*, chunk_size: int = CHUNK_SIZE) -> ChainVerification:
    """Walk every event in order, recompute its hash and check that it links to the one before.

    A server-side cursor streams the events in chunks, so memory stays flat for millions of rows.
    A changed event fails its own hash; a removed event fails the link of the event after it.
    A removed *last* event cannot be seen from inside the chain: compare ``head_hash`` and the count
    with an earlier run kept elsewhere for that.
    """
    expected_prev = GENESIS_HASH
    verified = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            problem = (
                f"its previous hash {event.prev_hash} is not the hash {expected_prev} of the event "
                "before it: an event was removed or inserted here"
            )
            return ChainVerification(verified, expected_prev, event.pk, problem)
        recomputed = event.compute_hash()
        if recomputed != event.hash:
            problem = (
                f"its content hashes to {recomputed}, not to the stored {event.hash}: "
                "the event was changed after it was recorded"
            )
            return ChainVerification(verified, expected_prev, event.pk, problem)
        expected_prev = event.hash
        verified += 1
    return ChainVerification(verified, expected_prev)
