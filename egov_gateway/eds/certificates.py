"""Reading NCA of RK certificates: who the holder is and what the key may be used for.

NCA puts the holder's IIN in the subject ``SERIALNUMBER`` as ``IIN<12 digits>``, the organisation's
BIN in ``OU`` as ``BIN<12 digits>``, its name in ``O``, ``CN`` = "SURNAME NAME", ``SURNAME`` and
the patronymic in ``GIVENNAME``. The holder's role is given as extended key usage values
(``oids.ROLE_*``); the key's purpose by key usage and EKU. Works for RSA, EC and GOST certificates
(only the public key of a GOST certificate cannot be loaded, and is not needed here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID

from egov_gateway.eds import oids
from egov_gateway.eds.signer import Purpose

_IIN = re.compile(r"^IIN(\d{12})$")
_BIN = re.compile(r"^BIN(\d{12})$")
_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
# What ``cryptography`` raises for bytes that are not a certificate it can read, besides
# ValueError: each becomes ``UnreadableCertificate`` (found by fuzzing, tests/fuzz/).
_READ_ERRORS = (
    ValueError,
    TypeError,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
    UnsupportedAlgorithm,
)


class UnreadableCertificate(ValueError):
    """The bytes are not a certificate that can be read (the one error of this module)."""


@dataclass(frozen=True)
class CertificateInfo:
    """The parts of an NCA certificate the portal relies on."""

    der: bytes
    iin: str
    bin: str
    common_name: str
    surname: str
    given_name: str
    organisation: str
    country: str
    serial: str
    issuer: str
    subject: str
    not_before: datetime
    not_after: datetime
    key_usage: frozenset[str]
    extended_key_usage: tuple[str, ...]
    role_oids: tuple[str, ...]
    policy_oids: tuple[str, ...]
    signature_algorithm_oid: str
    public_key_algorithm_oid: str

    @property
    def is_gost(self) -> bool:
        return oids.is_gost(self.public_key_algorithm_oid) or oids.is_gost(
            self.signature_algorithm_oid
        )

    @property
    def purposes(self) -> frozenset[Purpose]:
        """What the key may be used for: SIGN needs nonRepudiation and EKU emailProtection;
        AUTH needs digitalSignature and EKU clientAuth."""
        found = set()
        if (
            "non_repudiation" in self.key_usage
            and oids.EKU_EMAIL_PROTECTION in self.extended_key_usage
        ):
            found.add(Purpose.SIGN)
        if (
            "digital_signature" in self.key_usage
            and oids.EKU_CLIENT_AUTH in self.extended_key_usage
        ):
            found.add(Purpose.AUTH)
        return frozenset(found)

    @property
    def is_organisation_certificate(self) -> bool:
        return bool(self.bin)


def certificate_der(data: bytes) -> bytes:
    """The DER bytes of a certificate given in DER or PEM."""
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return data


def load_certificate(data: bytes | x509.Certificate) -> x509.Certificate:
    if isinstance(data, x509.Certificate):
        return data
    return x509.load_der_x509_certificate(certificate_der(data))


def parse_certificate(data: bytes | x509.Certificate) -> CertificateInfo:
    """Read an NCA certificate (DER, PEM or a ``cryptography`` certificate).

    Raises ``UnreadableCertificate`` (a ``ValueError``) for bytes that are not a certificate.
    The IIN and BIN are returned as written; whether they are valid identifiers is for the
    caller (``portal.identifiers``).
    """
    try:
        return _parse_certificate(data)
    except _READ_ERRORS as error:
        raise UnreadableCertificate(f"{type(error).__name__}: {error}") from error


def _parse_certificate(data: bytes | x509.Certificate) -> CertificateInfo:
    cert = load_certificate(data)
    subject = cert.subject
    eku = _extension(cert, ExtensionOID.EXTENDED_KEY_USAGE)
    eku_oids = tuple(oid.dotted_string for oid in eku) if eku is not None else ()
    policies = _extension(cert, ExtensionOID.CERTIFICATE_POLICIES)
    serial_numbers = _values(subject, NameOID.SERIAL_NUMBER)
    units = _values(subject, NameOID.ORGANIZATIONAL_UNIT_NAME)
    return CertificateInfo(
        der=cert.public_bytes(Encoding.DER),
        iin=_first_match(_IIN, serial_numbers),
        bin=_first_match(_BIN, units),
        common_name=_first(subject, NameOID.COMMON_NAME),
        surname=_first(subject, NameOID.SURNAME),
        given_name=_first(subject, NameOID.GIVEN_NAME),
        organisation=_first(subject, NameOID.ORGANIZATION_NAME),
        country=_first(subject, NameOID.COUNTRY_NAME),
        serial=format(cert.serial_number, "x"),
        issuer=cert.issuer.rfc4514_string(),
        subject=subject.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_usage=_key_usage(cert),
        extended_key_usage=eku_oids,
        role_oids=tuple(oid for oid in eku_oids if oid in oids.ROLE_OIDS),
        policy_oids=tuple(p.policy_identifier.dotted_string for p in policies or ()),
        signature_algorithm_oid=cert.signature_algorithm_oid.dotted_string,
        public_key_algorithm_oid=cert.public_key_algorithm_oid.dotted_string,
    )


def read_certificates(path: Path) -> list[bytes]:
    """The DER certificates in a file (DER, or PEM with one or more certificates)."""
    data = path.read_bytes()
    if not pem.detect(data):
        return [data]
    return [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]


def read_certificate_dir(directory: Path | None) -> list[bytes]:
    """Every certificate in the files of a folder (``.pem``, ``.crt``, ``.cer``, ``.der``)."""
    if directory is None or not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() in _CERT_SUFFIXES and path.is_file():
            found.extend(read_certificates(path))
    return found


def _extension(cert: x509.Certificate, oid):
    try:
        return cert.extensions.get_extension_for_oid(oid).value
    except x509.ExtensionNotFound:
        return None


def _key_usage(cert: x509.Certificate) -> frozenset[str]:
    usage = _extension(cert, ExtensionOID.KEY_USAGE)
    if usage is None:
        return frozenset()
    names = {
        "digital_signature": usage.digital_signature,
        "non_repudiation": usage.content_commitment,
        "key_encipherment": usage.key_encipherment,
        "data_encipherment": usage.data_encipherment,
        "key_agreement": usage.key_agreement,
        "key_cert_sign": usage.key_cert_sign,
        "crl_sign": usage.crl_sign,
    }
    return frozenset(name for name, present in names.items() if present)


def _values(name: x509.Name, oid) -> list[str]:
    return [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]


def _first(name: x509.Name, oid) -> str:
    values = _values(name, oid)
    return values[0] if values else ""


def _first_match(pattern: re.Pattern, values: list[str]) -> str:
    for value in values:
        match = pattern.match(value.strip())
        if match:
            return match.group(1)
    return ""
