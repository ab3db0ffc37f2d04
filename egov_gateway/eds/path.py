"""The certificate path: from the signer's certificate to a trusted root of NCA of RK.

``pyhanko-certvalidator`` builds and validates the path (RFC 5280) at the signing time and checks
revocation by CRL and OCSP as ``EDS_REVOCATION_MODE`` says ("hard-fail" in production: a
certificate that names a CRL or OCSP responder must be proven not revoked). Trusted roots,
intermediate certificates and CRLs come from files named in the settings (``conf.py``); OCSP
answers and fresh CRLs are fetched when ``EDS_ALLOW_FETCHING`` is on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ImproperlyConfigured
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as pkix

from egov_gateway.eds import conf
from egov_gateway.eds.certificates import read_certificate_dir, read_certificates
from egov_gateway.eds.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    RevocationUnknown,
    UntrustedCertificate,
)


@dataclass(frozen=True)
class TrustMaterial:
    """What the path is validated against (DER bytes)."""

    roots: tuple[bytes, ...]
    intermediates: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class PathPolicy:
    """``revocation_mode``: "hard-fail", "soft-fail", "require" (the settings' choices) or "none"
    (only for checking a historical path offline, never from the settings)."""

    revocation_mode: str = "hard-fail"
    allow_fetching: bool = False


def trust_from_settings(settings: conf.VerificationSettings | None = None) -> TrustMaterial:
    settings = settings or conf.verification()
    roots: list[bytes] = []
    for path in settings.trusted_roots:
        if not path.is_file():
            raise ImproperlyConfigured(
                f"EDS_TRUSTED_ROOTS names {path}, which does not exist. In development run "
                "`manage.py make_test_pki`; in production install the NCA of RK root certificates."
            )
        roots.extend(_cached(path, read_certificates))
    if not roots:
        raise ImproperlyConfigured(
            "No trusted root certificate is configured (EDS_TRUSTED_ROOTS): no signature can be "
            "verified."
        )
    return TrustMaterial(
        roots=tuple(roots),
        intermediates=tuple(read_certificate_dir(settings.intermediates_dir)),
        crls=tuple(read_crl_dir(settings.crl_dir)),
    )


def policy_from_settings(settings: conf.VerificationSettings | None = None) -> PathPolicy:
    settings = settings or conf.verification()
    return PathPolicy(
        revocation_mode=settings.revocation_mode, allow_fetching=settings.allow_fetching
    )


def validate_path(
    certificate_der: bytes,
    *,
    moment: datetime,
    trust: TrustMaterial,
    policy: PathPolicy,
    extra_certificates: Iterable[bytes] = (),
) -> list[bytes]:
    """Validate the path of ``certificate_der`` at ``moment``; return it, root first (DER).

    Raises ``UntrustedCertificate``, ``CertificateExpired``, ``CertificateNotYetValid``,
    ``CertificateRevoked`` or ``RevocationUnknown``.
    """
    try:
        path = _run(_validate(certificate_der, moment, trust, policy, tuple(extra_certificates)))
    except pkix.RevokedError as error:
        raise CertificateRevoked(detail=str(error)) from error
    except pkix.InsufficientRevinfoError as error:
        raise RevocationUnknown(detail=str(error)) from error
    except pkix.ExpiredError as error:
        raise CertificateExpired(detail=str(error)) from error
    except pkix.NotYetValidError as error:
        raise CertificateNotYetValid(detail=str(error)) from error
    except (pkix.PathError, pkix.ValidationError) as error:
        raise UntrustedCertificate(detail=str(error)) from error
    except (ValueError, TypeError, KeyError) as error:
        # asn1crypto refusing a certificate, CRL or OCSP answer it cannot read.
        raise UntrustedCertificate(detail=f"path validation failed: {error}") from error
    return [cert.dump() for cert in path.iter_certs(include_root=True)]


async def _validate(
    certificate_der: bytes,
    moment: datetime,
    trust: TrustMaterial,
    policy: PathPolicy,
    extra_certificates: tuple[bytes, ...],
):
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root) for root in trust.roots],
        other_certs=[
            asn1_x509.Certificate.load(cert) for cert in (*trust.intermediates, *extra_certificates)
        ],
        crls=[asn1_crl.CertificateList.load(crl) for crl in trust.crls],
        ocsps=list(trust.ocsps),
        moment=moment,
        allow_fetching=policy.allow_fetching,
        revocation_mode=policy.revocation_mode,
        # Clocks of the signer, NCA's responders and this server differ a little.
        time_tolerance=timedelta(seconds=5),
    )
    validator = CertificateValidator(
        asn1_x509.Certificate.load(certificate_der), validation_context=context
    )
    # Closing the context closes the HTTP session it opened for fetching CRLs and OCSP answers.
    async with contextlib.aclosing(context):
        return await validator.async_validate_path()


def read_crl_dir(directory: Path | None) -> list[bytes]:
    """Every CRL (DER or PEM, ``*.crl``/``*.pem``) in a folder."""
    if directory is None or not directory.is_dir():
        return []
    found: list[bytes] = []
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.suffix.lower() in (".crl", ".pem"):
            found.extend(_cached(path, _read_crls))
    return found


def _read_crls(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if not pem.detect(data):
        return [data]
    return [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "X509 CRL"]


_file_cache: dict[tuple[str, int, int], list[bytes]] = {}
_file_cache_lock = threading.Lock()


def _cached(path: Path, reader) -> list[bytes]:
    """A file's contents, read once per version (NCA's CRLs are large and change a few times a
    day, so re-reading them for every signature would be wasteful)."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _file_cache_lock:
        if key not in _file_cache:
            for stale in [k for k in _file_cache if k[0] == key[0]]:
                del _file_cache[stale]
            _file_cache[key] = reader(path)
        return _file_cache[key]


def _run(coroutine):
    """Run a coroutine from synchronous code, also when an event loop is already running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
