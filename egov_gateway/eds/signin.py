"""EDS sign-in (ID-3): a single-use challenge signed with the authentication key.

As on the e-government portals, nobody but operators has a password: the sign-in page asks
NCALayer to sign a fresh random challenge with the person's AUTH key; the server verifies the CMS
(``verify_cms`` with ``Purpose.AUTH``), takes the IIN (and, for an organisation's key, the BIN)
from the certificate, and uses the challenge up by recording it, once (a unique nonce), so that
a signature can never sign anyone in twice. Suppliers and recipients may register themselves
this way; commission members, secretaries and operators are registered by operators.

Showing the page writes nothing (issue 12, item 4): the challenge is a random nonce carried by
the page itself, signed by the server (``django.core.signing``, with its expiry and the browser
it was issued to), and bound to that browser by a random secret in a signed cookie, not a
session. Only a POST with a valid signature of it writes a ``SignInChallenge`` row, the record
that it is used; a session is created when someone signs in. A crawler fills no table.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov_gateway.eds.certificates import CertificateInfo
from egov_gateway.eds.errors import SignatureError, WrongBin, WrongSignerIin
from egov_gateway.eds.models import SignInChallenge
from egov_gateway.eds.signer import Purpose, VerifiedSigner
from egov_gateway.eds.verify import peek_signer, verify_cms
from portal import identity
from portal.audit.services import record
from portal.models import Role, RoleAssignment, User

logger = logging.getLogger(__name__)

NONCE_BYTES = 32
DEFAULT_CHALLENGE_SECONDS = 5 * 60
# Used challenges are kept this long after they expire, so that a replay is named as such.
KEEP_EXPIRED = timedelta(days=1)
# The browser's secret the challenges are bound to (a signed cookie, not a session).
BINDING_COOKIE = "eds_sign_in_binding"
CHALLENGE_SALT = "egov_gateway.eds.sign-in-challenge"
STAFF_ROLES = (Role.MEMBER, Role.SECRETARY, Role.OPERATOR)
BASIS = "ID-3"


class SignInIntent(models.TextChoices):
    """Whom a person signs in as; only suppliers and recipients may register themselves."""

    SUPPLIER = "supplier", _("Supplier of goods or services, or a supplier's representative")
    RECIPIENT = "recipient", _("Person with a disability, or their representative")
    STAFF = "staff", _("Commission member, secretary or portal operator")


class ChallengeUnknown(SignatureError):
    code = "nonce_unknown"
    message = _(
        "This sign-in request is unknown or was started in another browser session. "
        "Start signing in again on this page."
    )


class ChallengeReplayed(SignatureError):
    code = "nonce_replayed"
    message = _(
        "This sign-in request has already been used: each signature signs in only once. "
        "Sign in again with a new signature."
    )


class ChallengeExpired(SignatureError):
    code = "nonce_expired"
    message = _(
        "This sign-in request has expired: a signature must be made within a few minutes of "
        "opening the page. Sign in again."
    )


class SignInRefused(Exception):
    """The signature is valid but it may not sign this person in. ``str()`` is translated."""

    code = "refused"
    message = _("You cannot sign in.")

    def __init__(self, message=None, *, detail: str = "") -> None:
        self.message = message or self.message
        self.detail = detail  # for the audit trail and logs; never shown
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class StaffAccountMissing(SignInRefused):
    code = "no_staff_account"
    message = _(
        "There is no commission member, secretary or operator account for your IIN. Commission "
        "members and secretaries are registered by the portal operator: ask them to add you. "
        "Suppliers and recipients choose their own option above."
    )


class AccountBlocked(SignInRefused):
    code = "blocked"
    message = _("This account is blocked. Contact the portal operator.")


@dataclass(frozen=True)
class EdsSignIn:
    """Who signed in, with which certificate, and what the sign-in created."""

    user: User
    signer: VerifiedSigner
    account_created: bool
    roles_granted: tuple[str, ...]


def challenge_lifetime() -> timedelta:
    seconds = getattr(settings, "EDS_SIGN_IN_CHALLENGE_SECONDS", None)
    return timedelta(seconds=int(seconds or DEFAULT_CHALLENGE_SECONDS))


def new_browser_secret() -> str:
    """The secret a browser's challenges are bound to (kept in ``BINDING_COOKIE``)."""
    return secrets.token_urlsafe(32)


def browser_binding(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest() if secret else ""


@dataclass(frozen=True)
class IssuedChallenge:
    """A challenge as the sign-in page carries it: ``public_id`` is what the page posts back
    (the nonce, the browser binding and the validity, signed by the server); ``nonce`` is what
    NCALayer signs. Nothing of it is stored until it is used."""

    public_id: str
    nonce: bytes
    binding: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    used_at: datetime.datetime | None = None


def issue_challenge(
    *, browser_secret: str, now: datetime.datetime | None = None
) -> IssuedChallenge:
    """A fresh random challenge for the sign-in page, bound to the browser that holds
    ``browser_secret`` (ID-3). Writes nothing."""
    now = now or timezone.now()
    nonce = secrets.token_bytes(NONCE_BYTES)
    binding = browser_binding(browser_secret)
    expires_at = now + challenge_lifetime()
    public_id = signing.dumps(
        {"n": nonce.hex(), "b": binding, "c": now.timestamp(), "e": expires_at.timestamp()},
        salt=CHALLENGE_SALT,
        compress=True,
    )
    return IssuedChallenge(
        public_id=public_id,
        nonce=nonce,
        binding=binding,
        created_at=now,
        expires_at=expires_at,
    )


def read_challenge(public_id) -> IssuedChallenge:
    """The challenge a page posted back, if the server issued it (its signature holds)."""
    try:
        payload = signing.loads(str(public_id), salt=CHALLENGE_SALT)
        return IssuedChallenge(
            public_id=str(public_id),
            nonce=bytes.fromhex(payload["n"]),
            binding=str(payload["b"]),
            created_at=datetime.datetime.fromtimestamp(payload["c"], tz=datetime.UTC),
            expires_at=datetime.datetime.fromtimestamp(payload["e"], tz=datetime.UTC),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ChallengeUnknown(detail=f"no challenge {str(public_id)[:80]!r}") from None


def sign_in_with_eds(*, challenge_id, cms: bytes, browser_secret: str, intent: str) -> EdsSignIn:
    """Sign a person in by their AUTH signature of the challenge ``challenge_id`` (ID-3).

    The certificate names the person (IIN) and, for an organisation's key, the organisation
    (BIN); ``verify_cms`` checks that the signature, the certificate, its path to NCA's root and
    its purpose (authentication) are sound. The challenge must have been issued by the portal to
    the browser holding ``browser_secret``, be unused and unexpired; it is used up here.
    ``intent`` says whom the person signs in as: suppliers and recipients get an account (and
    the role) on their first sign-in, staff must already have one.
    Raises ``SignatureError`` or ``SignInRefused``; every outcome is recorded in the audit trail.
    The caller logs the user in (``django.contrib.auth.login``) and calls ``remember_identity``.

    The signature is verified (NCANode, OCSP) before any transaction. The challenge is used up
    by one INSERT of its own, so it stays used even when the sign-in is then refused; the
    account, its roles and the audit event are written in one transaction.
    """
    claimed: CertificateInfo | None = None
    try:
        challenge = _usable_challenge(challenge_id, browser_secret)
        claimed = peek_signer(cms)
        signer = verify_cms(
            cms,
            bytes(challenge.nonce),
            purpose=Purpose.AUTH,
            expected_iin=claimed.iin,
            expected_bin=claimed.bin or None,
        )
        _check_same_holder(signer, claimed)
        use_up_challenge(challenge, iin=signer.iin)
        with transaction.atomic(durable=True):
            user, created, granted = _account_for(signer, claimed, SignInIntent(intent))
            record(
                actor=user,
                action="auth.eds_sign_in",
                obj=user,
                after={
                    "iin": signer.iin,
                    "bin": signer.bin,
                    "role_oids": list(signer.role_oids),
                    "certificate_serial": signer.serial,
                    "intent": intent,
                    "account_created": created,
                    "roles_granted": list(granted),
                },
                basis=BASIS,
            )
    except (SignatureError, SignInRefused) as error:
        logger.info("EDS sign-in refused (%s): %s", error.code, getattr(error, "detail", ""))
        record(
            actor=None,
            action="auth.eds_sign_in_refused",
            after={
                "reason": error.code,
                "detail": getattr(error, "detail", ""),
                "iin": claimed.iin if claimed else "",
                "bin": claimed.bin if claimed else "",
                "certificate_serial": claimed.serial if claimed else "",
                "intent": intent,
                "challenge": str(challenge_id)[:200],
            },
            basis=BASIS,
        )
        raise
    return EdsSignIn(user=user, signer=signer, account_created=created, roles_granted=granted)


def remember_identity(*, session: SessionBase, sign_in: EdsSignIn) -> None:
    """Keep in the (new) session whom the person acts for (``portal.identity``)."""
    signer = sign_in.signer
    identity.remember_identity(
        session=session,
        iin=signer.iin,
        bin=signer.bin,
        organisation=signer.organisation,
        role_oids=signer.role_oids,
        certificate_serial=signer.serial,
    )


def _usable_challenge(challenge_id, browser_secret: str) -> IssuedChallenge:
    challenge = read_challenge(challenge_id)
    used = SignInChallenge.objects.filter(nonce=challenge.nonce).first()
    if used is not None:
        raise ChallengeReplayed(detail=f"used by IIN {used.used_by_iin} at {used.used_at}")
    if challenge.expires_at <= timezone.now():
        raise ChallengeExpired(detail=f"expired at {challenge.expires_at.isoformat()}")
    binding = browser_binding(browser_secret)
    if not binding or not secrets.compare_digest(binding, challenge.binding):
        raise ChallengeUnknown(detail="the challenge belongs to another browser")
    return challenge


def _check_same_holder(signer: VerifiedSigner, claimed: CertificateInfo) -> None:
    """The verified signer is the holder the certificate names (never trust a peek alone)."""
    if signer.iin != claimed.iin:
        raise WrongSignerIin(detail=f"verified IIN {signer.iin}, certificate IIN {claimed.iin}")
    if signer.bin != claimed.bin:
        raise WrongBin(detail=f"verified BIN {signer.bin}, certificate BIN {claimed.bin}")


def use_up_challenge(challenge: IssuedChallenge, *, iin: str) -> SignInChallenge:
    """Record the challenge as used, atomically: of two requests with one signature, one wins
    (the nonce is unique). The only write of a challenge, made at sign-in, never on a GET."""
    now = timezone.now()
    if challenge.expires_at <= now:
        raise ChallengeExpired(detail="expired while being verified")
    try:
        with transaction.atomic():
            # Records of challenges long expired are no longer needed to name a replay.
            SignInChallenge.objects.filter(expires_at__lt=now - KEEP_EXPIRED).delete()
            return SignInChallenge.objects.create(
                nonce=challenge.nonce,
                session_binding=challenge.binding,
                created_at=challenge.created_at,
                expires_at=challenge.expires_at,
                used_at=now,
                used_by_iin=iin,
            )
    except IntegrityError:
        raise ChallengeReplayed(detail="used by a concurrent request") from None


def _full_name(claimed: CertificateInfo) -> str:
    """NCA writes "SURNAME NAME" in CN and the patronymic in GIVENNAME, in capitals."""
    parts = [claimed.common_name, claimed.given_name]
    return " ".join(part for part in parts if part).title() or claimed.iin


def _account_for(
    signer: VerifiedSigner, claimed: CertificateInfo, intent: SignInIntent
) -> tuple[User, bool, tuple[str, ...]]:
    user = User.objects.filter(iin=signer.iin).first()
    if user is not None and not user.is_active:
        raise AccountBlocked(detail=f"user {user.pk} is not active")
    if intent == SignInIntent.STAFF:
        if user is None or not user.roles.filter(role__in=STAFF_ROLES).exists():
            raise StaffAccountMissing(detail=f"IIN {signer.iin} has no staff role")
        return user, False, ()

    with transaction.atomic():  # inside sign_in_with_eds's transaction
        created = user is None
        if user is None:
            user = User.objects.create_user(signer.iin, _full_name(claimed))
        granted: tuple[str, ...] = ()
        if intent == SignInIntent.SUPPLIER:
            granted = _grant_supplier(user, organisation_bin=signer.bin)
        elif intent == SignInIntent.RECIPIENT:
            _, new = RoleAssignment.objects.get_or_create(user=user, role=Role.RECIPIENT)
            granted = (Role.RECIPIENT,) if new else ()
        if created:
            record(
                actor=user,
                action="auth.account_created_by_eds",
                obj=user,
                after={"iin": user.iin, "full_name": user.full_name, "roles": list(granted)},
                basis=BASIS,
            )
    return user, created, granted


def _grant_supplier(user: User, *, organisation_bin: str) -> tuple[str, ...]:
    """A supplier's representative acts for the organisation of their key (its BIN); with a
    personal key, any supplier role the person already holds is theirs to use."""
    assignments = user.roles.filter(role=Role.SUPPLIER)
    if organisation_bin:
        assignments = assignments.filter(organisation_bin=organisation_bin)
    if assignments.exists():
        return ()
    RoleAssignment.objects.create(user=user, role=Role.SUPPLIER, organisation_bin=organisation_bin)
    return (Role.SUPPLIER,)
