"""GOST signatures, verified by NCANode (the open-source verification server for NCA of RK keys).

``cryptography`` cannot verify GOST 34.310-2004 / GOST 34.10-2015 signatures, so ``verify_cms``
sends them to NCANode's v3 JSON API: ``POST {NCANODE_URL}/cms/verify`` with
``{"cms": b64, "data": b64, "revocationCheck": ["OCSP", "CRL"]}``. Its answer
``{valid, signers: [{certificates: [{valid, notBefore, notAfter, keyUsage, serialNumber,
revocations, subject: {iin, bin, commonName, ...}}, ...]}]}`` is mapped onto the same errors as a
local verification; the purpose, IIN and BIN checks are then done by our code on that answer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

import httpx

from egov_gateway.eds.certificates import CertificateInfo
from egov_gateway.eds.errors import (
    BadSignature,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    MalformedSignature,
    UntrustedCertificate,
    VerificationBackendUnavailable,
)
from egov_gateway.eds.signer import Purpose

KEY_USAGE = {"SIGN": Purpose.SIGN, "AUTH": Purpose.AUTH}


@dataclass(frozen=True)
class NcaNodeVerdict:
    """What NCANode said about a valid signature's signer certificate."""

    iin: str
    bin: str
    common_name: str
    serial: str
    purposes: frozenset[Purpose]
    answer: dict


def revocation_checks(mode: str) -> list[str]:
    """NCANode has no "soft" mode: it checks what it is asked to, and fails if it cannot."""
    return [] if mode == "soft-fail" else ["OCSP", "CRL"]


def verify(
    *,
    cms_bytes: bytes,
    data: bytes,
    detached: bool,
    certificate: CertificateInfo,
    url: str,
    timeout: float,
    revocation_checks: list[str],
    signing_time: datetime,
) -> NcaNodeVerdict:
    """Ask NCANode; return its verdict on a valid signature or raise the matching error."""
    body = {
        "cms": base64.b64encode(cms_bytes).decode("ascii"),
        "revocationCheck": revocation_checks,
    }
    if detached:
        body["data"] = base64.b64encode(data).decode("ascii")
    answer = _post(f"{url}/cms/verify", body, timeout)
    status = answer.get("status", 200)
    if status != 200:
        if isinstance(status, int) and 400 <= status < 500:
            raise MalformedSignature(detail=f"NCANode refused the CMS: {answer.get('message')}")
        raise VerificationBackendUnavailable(detail=f"NCANode status {status}")
    entry = _signer_certificate(answer)
    if entry is None:
        if answer.get("valid") is True:
            raise MalformedSignature(detail="NCANode answered without the signer's certificate")
        raise BadSignature(detail="NCANode found no valid signer")
    serial = str(entry.get("serialNumber", "")).lower().lstrip("0")
    if serial != certificate.serial.lstrip("0"):
        raise MalformedSignature(
            detail=f"NCANode described certificate {serial}, the CMS names {certificate.serial}"
        )
    for revocation in entry.get("revocations") or []:
        if revocation.get("revoked"):
            raise CertificateRevoked(detail=f"NCANode: revoked by {revocation.get('by')}")
    not_before, not_after = _when(entry.get("notBefore")), _when(entry.get("notAfter"))
    if not_before and signing_time < not_before:
        raise CertificateNotYetValid(detail=f"NCANode: valid from {not_before.isoformat()}")
    if not_after and signing_time > not_after:
        raise CertificateExpired(detail=f"NCANode: expired {not_after.isoformat()}")
    if entry.get("valid") is not True:
        raise UntrustedCertificate(detail="NCANode: the certificate is not valid")
    if answer.get("valid") is not True:
        raise BadSignature(detail="NCANode: the signature is not valid")
    subject = entry.get("subject") or {}
    usage = KEY_USAGE.get(str(entry.get("keyUsage", "")).upper())
    return NcaNodeVerdict(
        iin=str(subject.get("iin") or ""),
        bin=str(subject.get("bin") or ""),
        common_name=str(subject.get("commonName") or ""),
        serial=serial,
        purposes=frozenset({usage}) if usage else frozenset(),
        answer=answer,
    )


def _post(url: str, body: dict, timeout: float) -> dict:
    try:
        response = httpx.post(url, json=body, timeout=timeout)
    except httpx.HTTPError as error:
        raise VerificationBackendUnavailable(detail=f"NCANode: {error}") from error
    if response.status_code >= 500:
        raise VerificationBackendUnavailable(detail=f"NCANode HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as error:
        raise VerificationBackendUnavailable(detail="NCANode answered with no JSON") from error
    if not isinstance(answer, dict):
        raise VerificationBackendUnavailable(detail="NCANode answered with unexpected JSON")
    if response.status_code >= 400:
        answer.setdefault("status", response.status_code)
    return answer


def _signer_certificate(answer: dict) -> dict | None:
    """The signer's own certificate: the first of the first signer's chain."""
    signers = answer.get("signers") or []
    if not signers or not isinstance(signers[0], dict):
        return None
    certificates = signers[0].get("certificates") or []
    return certificates[0] if certificates and isinstance(certificates[0], dict) else None


def _when(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise VerificationBackendUnavailable(detail=f"NCANode date {value!r}") from error
