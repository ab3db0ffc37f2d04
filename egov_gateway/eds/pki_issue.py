"""Issuing NCA-shaped certificates, CRLs and OCSP answers for the test PKI (``testpki.py``)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from egov_gateway.eds import oids
from egov_gateway.eds.signer import Purpose

CPS_URL = "http://pki.gov.kz/cps"


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes


@dataclass(frozen=True)
class EndEntityProfile:
    """What NCA writes into a person's certificate."""

    iin: str
    full_name: str
    purpose: Purpose
    algorithm: str  # "rsa" or "ec"
    not_before: datetime
    not_after: datetime
    role_oids: tuple[str, ...]
    bin: str = ""
    organisation: str = ""
    urls: dict = field(default_factory=dict)  # crl, ocsp, ca_issuers

    @property
    def name_parts(self) -> tuple[str, str, str]:
        parts = self.full_name.split()
        surname = parts[0] if parts else ""
        name = parts[1] if len(parts) > 1 else ""
        return surname.upper(), name.upper(), " ".join(parts[2:]).upper()

    @property
    def common_name(self) -> str:
        surname, name, _ = self.name_parts
        return f"{surname} {name}".strip()


def new_key(key_type: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key type {key_type!r}")


def new_authority(
    common_name: str,
    issuer: Authority | None,
    *,
    now: datetime,
    key_type: str = "ec",
    crl_url: str | None = None,
    ocsp_responder: bool = False,
) -> Authority:
    """A self-signed root (``issuer`` None), an intermediate CA, or an OCSP responder."""
    key = new_key(key_type)
    name = x509.Name(
        [
            _attribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )
    signing_key = issuer.key if issuer else key
    issuer_name = issuer.certificate.subject if issuer else name
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2))
        .not_valid_after(now + timedelta(days=365 * (10 if issuer is None else 5)))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(_authority_key_id(issuer), critical=False)
    if ocsp_responder:
        builder = (
            builder.add_extension(_key_usage(digital_signature=True), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
            )
            .add_extension(x509.OCSPNoCheck(), critical=False)
        )
    else:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True
        ).add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
    if crl_url:
        builder = builder.add_extension(_crl_distribution(crl_url), critical=False)
    certificate = builder.sign(signing_key, hashes.SHA256())
    return Authority(certificate=certificate, key=key)


def issue_end_entity(profile: EndEntityProfile, issuer: Authority):
    """A person's key and certificate, shaped like NCA of RK's (subject, EKU, key usage, URLs)."""
    key = new_key(profile.algorithm)
    surname, _, patronymic = profile.name_parts
    attributes = [
        _attribute(NameOID.COMMON_NAME, profile.common_name),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{profile.iin}"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ]
    if profile.bin:
        attributes += [
            _attribute(NameOID.ORGANIZATION_NAME, profile.organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{profile.bin}"),
        ]
    if patronymic:
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, patronymic))
    signing = profile.purpose == Purpose.SIGN
    purpose_eku = oids.EKU_EMAIL_PROTECTION if signing else oids.EKU_CLIENT_AUTH
    eku = [x509.ObjectIdentifier(oid) for oid in (purpose_eku, *profile.role_oids)]
    if profile.bin:
        policy = oids.POLICY_LEGAL_SIGN if signing else oids.POLICY_LEGAL_AUTH
    else:
        policy = oids.POLICY_INDIVIDUAL_SIGN if signing else oids.POLICY_INDIVIDUAL_AUTH
    usage = (
        _key_usage(digital_signature=True, content_commitment=True)
        if signing
        else _key_usage(digital_signature=True, key_encipherment=True)
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(profile.not_before)
        .not_valid_after(profile.not_after)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=False)
        .add_extension(_authority_key_id(issuer), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier(policy), [CPS_URL])]
            ),
            critical=False,
        )
    )
    urls = profile.urls
    if urls.get("crl"):
        builder = builder.add_extension(_crl_distribution(urls["crl"]), critical=False)
    access = []
    if urls.get("ca_issuers"):
        access.append(
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(urls["ca_issuers"]),
            )
        )
    if urls.get("ocsp"):
        access.append(
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(urls["ocsp"]),
            )
        )
    if access:
        builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
    return key, builder.sign(issuer.key, hashes.SHA256())


def make_crl(
    issuer: Authority,
    revoked: Iterable[tuple[int, datetime]],
    *,
    now: datetime,
    until: datetime,
) -> bytes:
    """A DER CRL of ``issuer`` listing ``(serial, revocation time)`` pairs as key compromise."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(hours=2))
        .next_update(until)
        .add_extension(_authority_key_id(issuer), critical=False)
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(Encoding.DER)


def ocsp_answer(
    request_der: bytes,
    *,
    issuer: x509.Certificate,
    responder: Authority,
    certificates: dict[int, x509.Certificate],
    revoked: dict[int, datetime],
    now: datetime,
) -> bytes:
    """A signed OCSP response for a request about a certificate of ``issuer`` (test responder)."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(Encoding.DER)
    cert = certificates.get(request.serial_number)
    if cert is None or cert.issuer != issuer.subject:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(Encoding.DER)
    revoked_at = revoked.get(request.serial_number)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert,
        issuer=issuer,
        algorithm=hashes.SHA256()
        if isinstance(request.hash_algorithm, hashes.SHA256)
        else hashes.SHA1(),
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
        this_update=now - timedelta(minutes=5),
        next_update=now + timedelta(hours=1),
        revocation_time=revoked_at,
        revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
    )
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, responder.certificate)
    builder = builder.certificates([responder.certificate])
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    response = builder.sign(responder.key, hashes.SHA256())
    return response.public_bytes(Encoding.DER)


def _attribute(oid, value: str) -> x509.NameAttribute:
    # cryptography counts the 64-character upper bound in UTF-8 bytes, so a long Kazakh or Russian
    # organisation name would be refused although NCA issues such names; keep it, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return x509.NameAttribute(oid, value, _validate=len(value.encode()) <= 64)


def _authority_key_id(issuer: Authority) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())


def _crl_distribution(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(url)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _key_usage(**enabled) -> x509.KeyUsage:
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{name: enabled.get(name, False) for name in names})
