"""Verifying a CMS signature made with NCALayer (ID-2): the one entry point, ``verify_cms``.

Checks, in order: the CMS structure (one signer, id-data content, detached or attached); the signed
attributes (contentType, messageDigest over exactly the document); the signature value (RSA
PKCS#1 v1.5 or PSS, ECDSA); the key's purpose (SIGN or AUTH); the holder's IIN and BIN; the
signing time; the certificate's validity at that time; and the path to a trusted root of NCA of RK
with revocation by CRL and OCSP. GOST signatures are verified by NCANode (``ncanode.py``) and
then go through the same purpose, holder and time checks. Each refusal is a ``SignatureError``
subclass with its own ``code`` (``errors.py``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from egov_gateway.eds import cms as cms_format
from egov_gateway.eds import conf, identity, maths, ncanode, oids, path
from egov_gateway.eds.certificates import CertificateInfo, parse_certificate
from egov_gateway.eds.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    DigestMismatch,
    GostUnsupported,
    MalformedSignature,
    MissingSignedAttributes,
    SignatureError,
    SignerCertificateMissing,
    SigningTimeOutOfRange,
    WrongContentType,
)
from egov_gateway.eds.signer import Purpose, VerifiedSigner

__all__ = ["Purpose", "SignatureError", "VerifiedSigner", "peek_signer", "verify_cms"]

LOCAL = "local"
NCANODE = "ncanode"


def verify_cms(
    cms: bytes,
    data: bytes | None,
    *,
    purpose: Purpose,
    expected_iin: str,
    expected_bin: str | None = None,
    at: datetime | None = None,
) -> VerifiedSigner:
    """Verify ``cms`` (DER) as a signature of ``data`` by ``expected_iin`` for ``purpose``.

    ``data`` is the exact signed document; None takes it from an attached CMS. ``expected_bin``,
    when given, requires the organisation's certificate with that BIN. ``at`` is the moment of
    verification (now by default); the signing time must lie within
    ``EDS_SIGNING_TIME_TOLERANCE_SECONDS`` of it. Raises a ``SignatureError`` subclass.
    """
    purpose = Purpose(purpose)
    settings = conf.verification()
    now = (at or datetime.now(UTC)).astimezone(UTC)
    parsed = cms_format.parse_cms(cms)
    data = _signed_content(parsed, data)
    _check_content_type(parsed)
    certificate = _signer_certificate(parsed)
    signing_time = _signing_time(parsed, now, settings.signing_time_tolerance_seconds)

    if _is_gost(parsed, certificate):
        return _verify_gost(
            parsed, data, certificate, settings, purpose, expected_iin, expected_bin, signing_time
        )

    maths.check_message_digest(parsed, data)
    assert parsed.signer_certificate is not None, "_signer_certificate refuses a CMS without it"
    algorithm = maths.verify_signature_value(parsed, parsed.signer_certificate)
    identity.check_purpose(purposes=certificate.purposes, purpose=purpose)
    identity.check_holder(
        iin=certificate.iin,
        bin=certificate.bin,
        expected_iin=expected_iin,
        expected_bin=expected_bin,
    )
    _check_validity(certificate, signing_time)
    path.validate_path(
        parsed.signer_certificate,
        moment=signing_time,
        trust=path.trust_from_settings(settings),
        policy=path.policy_from_settings(settings),
        extra_certificates=[c for c in parsed.certificates if c != parsed.signer_certificate],
    )
    return _result(certificate, signing_time, algorithm, LOCAL, purpose, data)


def peek_signer(cms: bytes) -> CertificateInfo:
    """The signer's certificate as the CMS presents it, NOT verified.

    For finding whom a sign-in claims to be (the IIN to pass to ``verify_cms`` as
    ``expected_iin``); never trust it before ``verify_cms`` has accepted the signature.
    """
    return _signer_certificate(cms_format.parse_cms(cms))


def _signer_certificate(parsed: cms_format.ParsedCms) -> CertificateInfo:
    if parsed.signer_certificate is None:
        raise SignerCertificateMissing(detail="no certificate matches the SignerInfo's sid")
    try:
        return parse_certificate(parsed.signer_certificate)
    except ValueError as error:
        raise MalformedSignature(detail=f"unreadable signer certificate: {error}") from error


def _signed_content(parsed: cms_format.ParsedCms, data: bytes | None) -> bytes:
    if parsed.content is None:
        if data is None:
            raise MalformedSignature(detail="detached signature and no document given")
        return data
    if data is not None and parsed.content != data:
        raise DigestMismatch(detail="the encapsulated content differs from the document")
    return parsed.content


def _check_content_type(parsed: cms_format.ParsedCms) -> None:
    """Only plain documents (id-data) are signed on the portal; the contentType attribute must
    say the same as the encapsulated content (RFC 5652 §11.1)."""
    if parsed.content_type != oids.CMS_DATA:
        raise WrongContentType(detail=f"encapsulated content type {parsed.content_type}")
    if parsed.signed_attributes is None:
        raise MissingSignedAttributes(detail="no signed attributes")
    value = parsed.signed_attributes.single(cms_format.OID_CONTENT_TYPE)
    if value is None:
        raise MissingSignedAttributes(detail="no contentType attribute")
    if value.dotted != parsed.content_type:
        raise WrongContentType(detail=f"contentType attribute {value.dotted}")


def _signing_time(parsed: cms_format.ParsedCms, now: datetime, tolerance_seconds: int) -> datetime:
    """The signingTime attribute if present (it must be close to ``now``: the signer chooses it,
    so a far one could pretend the certificate was still valid), else ``now``."""
    claimed = cms_format.signing_time_of(parsed)
    if claimed is None:
        return now
    if abs(claimed - now) > timedelta(seconds=tolerance_seconds):
        raise SigningTimeOutOfRange(
            detail=f"signingTime {claimed.isoformat()}, now {now.isoformat()}"
        )
    return claimed


def _check_validity(certificate: CertificateInfo, moment: datetime) -> None:
    if moment < certificate.not_before:
        raise CertificateNotYetValid(detail=f"valid from {certificate.not_before.isoformat()}")
    if moment > certificate.not_after:
        raise CertificateExpired(detail=f"expired {certificate.not_after.isoformat()}")


def _is_gost(parsed: cms_format.ParsedCms, certificate: CertificateInfo) -> bool:
    return (
        certificate.is_gost
        or oids.is_gost(parsed.signature_algorithm)
        or oids.is_gost(parsed.digest_algorithm)
    )


def _verify_gost(
    parsed, data, certificate, settings, purpose, expected_iin, expected_bin, signing_time
) -> VerifiedSigner:
    if not settings.ncanode_url:
        raise GostUnsupported(detail=f"GOST algorithm {parsed.signature_algorithm}, no NCANODE_URL")
    verdict = ncanode.verify(
        cms_bytes=parsed.der,
        data=data,
        detached=parsed.content is None,
        certificate=certificate,
        url=settings.ncanode_url,
        timeout=settings.ncanode_timeout,
        revocation_checks=ncanode.revocation_checks(settings.revocation_mode),
        signing_time=signing_time,
    )
    identity.check_purpose(purposes=certificate.purposes & verdict.purposes, purpose=purpose)
    identity.check_holder(
        iin=verdict.iin, bin=verdict.bin, expected_iin=expected_iin, expected_bin=expected_bin
    )
    _check_validity(certificate, signing_time)
    return _result(certificate, signing_time, "gost", NCANODE, purpose, data)


def _result(
    certificate: CertificateInfo,
    signing_time: datetime,
    algorithm: str,
    backend: str,
    purpose: Purpose,
    data: bytes,
) -> VerifiedSigner:
    return VerifiedSigner(
        iin=certificate.iin,
        bin=certificate.bin,
        common_name=certificate.common_name,
        organisation=certificate.organisation,
        role_oids=certificate.role_oids,
        certificate=certificate.der,
        serial=certificate.serial,
        issuer=certificate.issuer,
        not_before=certificate.not_before,
        not_after=certificate.not_after,
        signing_time=signing_time,
        algorithm=algorithm,
        backend=backend,
        purpose=purpose,
        data_sha256=hashlib.sha256(data).hexdigest(),
    )
