"""Limits on operator password sign-in (ID-3): no guessing passwords or codes.

Every failed attempt (a wrong IIN/password pair, a wrong or throttled code) is kept as a
:class:`portal.models.SignInFailure`. Once ``OPERATOR_SIGN_IN_MAX_FAILURES`` of them for one IIN,
or ``OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS`` from one client address, fall within
``OPERATOR_SIGN_IN_LOCKOUT_SECONDS``, every attempt for that IIN or from that address is refused,
the right password too, until the period has passed. The attempt that locks is recorded in the
audit trail. The counts are kept in the database, so every worker of the portal sees the same
ones, and an IIN that matches no account is counted like any other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from portal.audit.services import record
from portal.models import SignInFailure


@dataclass(frozen=True)
class Lockout:
    """Attempts are refused until ``until``; ``scope`` is "iin" or "address"."""

    scope: str
    until: datetime.datetime

    @property
    def minutes_left(self) -> int:
        seconds = (self.until - timezone.now()).total_seconds()
        return max(1, int(-(-seconds // 60)))


def client_address(request: HttpRequest) -> str:
    """The client's address as ``CLIENT_ADDRESS_HEADER`` gives it (the first of a list)."""
    value = request.META.get(settings.CLIENT_ADDRESS_HEADER) or request.META.get("REMOTE_ADDR")
    return str(value or "").split(",")[0].strip()[:45]


def lockout(*, iin: str, address: str) -> Lockout | None:
    """The lockout in force for this IIN or this address, if any."""
    period = datetime.timedelta(seconds=settings.OPERATOR_SIGN_IN_LOCKOUT_SECONDS)
    since = timezone.now() - period
    scopes = (
        ("iin", SignInFailure.objects.filter(iin=iin), settings.OPERATOR_SIGN_IN_MAX_FAILURES),
        (
            "address",
            SignInFailure.objects.filter(address=address),
            settings.OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS,
        ),
    )
    found = [
        Lockout(scope=scope, until=locking + period)
        for scope, failures, limit in scopes
        if (locking := _locking_failure(failures.filter(failed_at__gt=since), limit)) is not None
    ]
    return max(found, key=lambda lock: lock.until) if found else None


def _locking_failure(failures: QuerySet[SignInFailure], limit: int) -> datetime.datetime | None:
    """When the ``limit``-th most recent of ``failures`` happened, if there are that many."""
    times = list(failures.order_by("-failed_at").values_list("failed_at", flat=True)[:limit])
    return times[-1] if limit > 0 and len(times) >= limit else None


def record_failure(*, iin: str, address: str) -> Lockout | None:
    """Count a failed attempt; when it reaches a limit, record the lockout in the audit trail and
    return it."""
    iin = iin[:12]
    with transaction.atomic():
        SignInFailure.objects.create(iin=iin, address=address)
        locked = lockout(iin=iin, address=address)
        if locked is not None:
            record(
                actor=None,
                action="auth.operator_sign_in_locked",
                after={
                    "iin": iin,
                    "address": address,
                    "scope": locked.scope,
                    "until": locked.until.isoformat(),
                },
                basis="ID-3",
            )
    return locked


def clear_failures(*, iin: str) -> None:
    """A successful sign-in with both factors forgets the IIN's failed attempts."""
    SignInFailure.objects.filter(iin=iin).delete()
