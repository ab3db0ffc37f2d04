"""Recording audit events: the one way an event enters the chain."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction

from portal.audit.models import GENESIS_HASH, OBJECT_REPR_LENGTH, AuditEvent
from portal.middleware import current_request_id
from portal.models import User

# Key of the transaction-level advisory lock that serialises appends ("auditlog" as 8 bytes).
CHAIN_LOCK_KEY = int.from_bytes(b"auditlog", "big")


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    basis: str = "",
    role: str = "",
    request_id: str | None = None,
) -> AuditEvent:
    """Append an event to the audit trail and return it.

    ``actor`` is the user who acts, or None for the system itself; ``basis`` is the legal clause
    (e.g. "2022 p.15"); ``before``/``after`` are JSON-serialisable snapshots (Decimal, dates and
    UUIDs become strings; floats are refused, see ``_json_payload``). The request id defaults to the
    one ``RequestIdMiddleware`` put in the context.

    Appends are serialised by a transaction-level advisory lock so that two transactions never
    chain to the same predecessor. The lock is held until the surrounding transaction ends, and
    every audited write in the portal waits for it: record the event as the last step of a
    service's own transaction (``transaction.atomic(durable=True)``), which then commits at once,
    and never ask a state system, NCANode or OCSP, or render a PDF, after it. Reading the
    last hash after taking the lock relies on READ COMMITTED (Django's default); under a stricter
    isolation level a stale read is refused by the unique constraint on ``prev_hash`` instead of
    forking the chain.
    """
    if obj is not None and obj.pk is None:
        raise ValueError("Save the object before recording an audit event about it.")
    event = AuditEvent(
        actor=actor if isinstance(actor, User) else None,  # not AnonymousUser
        actor_role=role,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:OBJECT_REPR_LENGTH] if obj is not None else "",
        before=_json_payload(before),
        after=_json_payload(after),
        basis=basis,
        request_id=(current_request_id.get() if request_id is None else request_id)[:64],
    )
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            # A new statement after the lock, so it sees the event committed by the previous holder.
            cursor.execute("SELECT clock_timestamp()")
            (event.occurred_at,) = cursor.fetchone()
        last_hash = AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True)
        event.prev_hash = last_hash.first() or GENESIS_HASH
        event.hash = event.compute_hash()
        event.save(using=using, force_insert=True)
    return event


def _json_payload(value: Any) -> Any:
    """The value exactly as jsonb will give it back, so the hash survives a reload.

    Floats are refused: jsonb stores numbers as decimals, and a float such as 1e16 comes back as
    the integer 10000000000000000, which would change the canonical text. Pass Decimal or str.
    """
    if value is None:
        return None
    payload = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    _refuse_floats(payload)
    return payload


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("Audit snapshots may not contain floats; use Decimal or str.")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_floats(item)
