"""What a verification establishes: who signed, with which certificate, for which purpose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_gateway.eds import oids
from egov_gateway.eds.errors import NotEntitledToSign

# The roles whose key binds their organisation: its head and a person with the right to sign.
ORGANISATION_SIGNING_ROLES = frozenset({oids.ROLE_HEAD, oids.ROLE_RIGHT_TO_SIGN})


class Purpose(models.TextChoices):
    """What a key may be used for: signing documents or signing in (ЭЦП для подписи / для входа)."""

    SIGN = "sign", _("signing a document")
    AUTH = "auth", _("signing in")

    @property
    def extended_key_usage(self) -> str:
        """The EKU value NCALayer is asked to filter keys by (``signerParams.extKeyUsageOids``)."""
        return oids.EKU_EMAIL_PROTECTION if self is Purpose.SIGN else oids.EKU_CLIENT_AUTH


@dataclass(frozen=True)
class VerifiedSigner:
    """The result of a successful verification (ID-2): the signer and the certificate used."""

    iin: str
    bin: str  # empty for a certificate of an individual
    common_name: str
    organisation: str
    role_oids: tuple[str, ...]
    certificate: bytes = field(repr=False)  # DER
    serial: str  # lowercase hex
    issuer: str
    not_before: datetime
    not_after: datetime
    signing_time: datetime
    algorithm: str  # e.g. "rsa-pkcs1v15-sha256", "ecdsa-sha256", "gost"
    backend: str  # "local" or "ncanode"
    purpose: Purpose
    data_sha256: str = ""  # hex SHA-256 of the exact signed bytes

    @property
    def is_organisation_head(self) -> bool:
        return oids.ROLE_HEAD in self.role_oids

    @property
    def may_sign_for_organisation(self) -> bool:
        """Whether this key binds the organisation of its BIN (``may_bind_organisation``)."""
        return may_bind_organisation(
            organisation_bin=self.bin, bin=self.bin, role_oids=self.role_oids
        )


def may_bind_organisation(*, organisation_bin: str, bin: str, role_oids: Iterable[str]) -> bool:
    """Whether a key of the organisation ``bin`` with ``role_oids`` binds the organisation
    ``organisation_bin`` (ID-2, SUP-2): the key is that organisation's, and of its head or a
    person with the right to sign (первый руководитель / лицо с правом подписи). An ordinary
    employee's key of the same BIN does not bind it, nor does a personal key.

    The one rule, for a verified signature (``require_may_bind_organisation``) and for a page
    that asks whether the key the person signed in with may sign (``eds.flow``).
    """
    return (
        bool(organisation_bin)
        and bin == organisation_bin
        and bool(ORGANISATION_SIGNING_ROLES & set(role_oids))
    )


def require_may_bind_organisation(signer: VerifiedSigner, *, organisation_bin: str) -> None:
    """Refuse (``NotEntitledToSign``) a verified signature whose key does not bind the
    organisation ``organisation_bin`` (``may_bind_organisation``)."""
    if not may_bind_organisation(
        organisation_bin=organisation_bin, bin=signer.bin, role_oids=signer.role_oids
    ):
        raise NotEntitledToSign(
            detail=f"BIN {signer.bin or '-'} with role OIDs {list(signer.role_oids)} "
            f"for the organisation {organisation_bin}"
        )
