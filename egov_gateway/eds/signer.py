"""What a verification establishes: who signed, with which certificate, for which purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov_gateway.eds import oids


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
        """Head of the organisation or a person with the right to sign (первый руководитель /
        лицо с правом подписи); an ordinary employee's key does not bind the organisation."""
        return bool(self.bin) and bool(
            {oids.ROLE_HEAD, oids.ROLE_RIGHT_TO_SIGN} & set(self.role_oids)
        )
