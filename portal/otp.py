"""The operators' second factor (ID-3): a TOTP code (django-otp) after the password.

Operators sign in with a password plus a one-time code from an authenticator app, or with EDS.
Where ``OPERATOR_REQUIRE_OTP`` is on (production) an operator needs a confirmed TOTP device to
sign in with a password, and the admin opens only to a session verified by the code or opened
with EDS. Development leaves it off so that the demo operator can sign in with the password
alone; an operator who has a confirmed device is asked for the code everywhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.admin.apps import AdminConfig

if TYPE_CHECKING:
    from portal.models import User

# The password step keeps who passed it here until the code is entered (no session user before).
PENDING_SESSION_KEY = "operator_otp_pending"
PENDING_SECONDS = 5 * 60


def operator_otp_required() -> bool:
    """``OPERATOR_REQUIRE_OTP`` (the setting); when unset, on wherever the sandbox signer is off.
    Production settings turn it on."""
    value = getattr(settings, "OPERATOR_REQUIRE_OTP", None)
    if value is None:
        value = not getattr(settings, "SANDBOX_SIGNER_ENABLED", False)
    return bool(value)


def confirmed_totp_devices(user) -> list:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


def strongly_authenticated(request) -> bool:
    """Verified by a TOTP code, or signed in with an EDS authentication key."""
    from portal.identity import signed_in_identity

    user = request.user
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    identity = signed_in_identity(request.session)
    if not identity:
        return False
    return identity.get("iin") == getattr(user, "iin", None)


def start_second_factor(*, session, iin: str, user=None, next_url: str = "") -> None:
    """The password step is over: ask for the code before saying whether it passed (ID-3).

    ``user`` is who the IIN and password identified, or None when they identified nobody; the
    code page looks the same either way, and only both factors together sign in.
    """
    session[PENDING_SESSION_KEY] = {
        "iin": iin[:12],
        "user": user.pk if user is not None else None,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
    }


@dataclass(frozen=True)
class PendingSignIn:
    iin: str
    user: User | None  # None: the IIN and password identified nobody
    backend: str
    next_url: str


def pending_sign_in(session) -> PendingSignIn | None:
    """The password step passed (or failed) in this session, if it was less than five minutes
    ago."""
    from portal.models import User

    pending = session.get(PENDING_SESSION_KEY)
    if not pending or pending.get("until", 0) < time.time():
        return None
    user = None
    if pending.get("user") is not None:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return PendingSignIn(
        iin=pending.get("iin", ""),
        user=user,
        backend=pending["backend"],
        next_url=pending.get("next", ""),
    )


def end_second_factor(session) -> None:
    session.pop(PENDING_SESSION_KEY, None)


@dataclass(frozen=True)
class CodeCheck:
    device: object | None  # the device that accepted the code
    throttled: bool  # every device refuses to check codes for now (too many wrong ones)


def check_code(*, user, code: str) -> CodeCheck:
    """Try ``code`` on each of the user's confirmed TOTP devices (with django-otp's throttling
    and protection against reusing a code)."""
    from django_otp import verify_token

    devices = confirmed_totp_devices(user)
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    for device in allowed:
        matched = verify_token(user, device.persistent_id, code)
        if matched is not None:
            return CodeCheck(device=matched, throttled=False)
    return CodeCheck(device=None, throttled=bool(devices) and not allowed)


class OperatorAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the operators' admin site as the default ``admin.site``.

    Listed in INSTALLED_APPS instead of "django.contrib.admin"; kept free of model imports
    because it is imported while the apps are being loaded.
    """

    default_site = "portal.admin_site.OperatorAdminSite"
