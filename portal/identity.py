"""Who is signed in, and for which organisation (ID-3).

A session opened with an EDS authentication key remembers whom the person acts for: their IIN,
the organisation's BIN and the role OIDs of the key. Sign-in (``egov_gateway.eds.signin``) writes
it; the cabinet, the workspace and the operators' second factor read it here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

SESSION_IDENTITY_KEY = "eds_identity"


def remember_identity(
    *,
    session: SessionBase,
    iin: str,
    bin: str,
    organisation: str,
    role_oids: Iterable[str],
    certificate_serial: str,
) -> None:
    """Keep in the (new) session whom the person acts for: the BIN and role OIDs of the key."""
    session[SESSION_IDENTITY_KEY] = {
        "iin": iin,
        "bin": bin,
        "organisation": organisation,
        "role_oids": list(role_oids),
        "certificate_serial": certificate_serial,
        "signed_in_at": timezone.now().isoformat(),
    }


def signed_in_identity(session: SessionBase) -> dict | None:
    """What ``remember_identity`` kept: None when the session was not opened with EDS."""
    return session.get(SESSION_IDENTITY_KEY)
