"""Settings of signature verification, read from ``django.conf.settings`` at call time.

``portal/settings/base.py`` reads each value once from the environment (same names, defaults
there); tests override them with the ``settings`` fixture. In development and tests
(``SANDBOX_SIGNER_ENABLED``) the test PKI made by ``manage.py make_test_pki`` is trusted unless
``EDS_TRUSTED_ROOTS`` says otherwise; production never trusts it because production refuses to
start with the sandbox signer enabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REVOCATION_MODES = ("hard-fail", "soft-fail", "require")


def test_pki_dir() -> Path:
    return Path(settings.EDS_TEST_PKI_DIR)


def test_pki_url() -> str:
    """Where the test PKI publishes its CRLs and OCSP answers (written into its certificates)."""
    return settings.EDS_TEST_PKI_URL.rstrip("/")


def _sandbox() -> bool:
    return bool(getattr(settings, "SANDBOX_SIGNER_ENABLED", False))


@dataclass(frozen=True)
class VerificationSettings:
    trusted_roots: tuple[Path, ...]
    intermediates_dir: Path | None
    crl_dir: Path | None
    revocation_mode: str
    allow_fetching: bool
    signing_time_tolerance_seconds: int
    ncanode_url: str
    ncanode_timeout: float


def verification() -> VerificationSettings:
    pki = test_pki_dir()
    # Unset or empty: derived below (a test may also remove these settings).
    roots = getattr(settings, "EDS_TRUSTED_ROOTS", None) or []
    intermediates = getattr(settings, "EDS_INTERMEDIATES_DIR", None) or ""
    crls = getattr(settings, "EDS_CRL_DIR", None) or ""
    if not roots and _sandbox():
        roots = [pki / "ca" / "root.pem"]
        intermediates = intermediates or pki / "ca"
        crls = crls or pki / "crl"
    mode = settings.EDS_REVOCATION_MODE
    if mode not in REVOCATION_MODES:
        raise ImproperlyConfigured(
            f"EDS_REVOCATION_MODE must be one of {', '.join(REVOCATION_MODES)}, not {mode!r}."
        )
    # Production fetches CRLs and OCSP answers from NCA; the sandbox has its CRLs on disk.
    fetching = getattr(settings, "EDS_ALLOW_FETCHING", None)
    if fetching is None:
        fetching = not _sandbox()
    return VerificationSettings(
        trusted_roots=tuple(Path(root) for root in roots),
        intermediates_dir=Path(intermediates) if intermediates else None,
        crl_dir=Path(crls) if crls else None,
        revocation_mode=mode,
        allow_fetching=bool(fetching),
        signing_time_tolerance_seconds=int(settings.EDS_SIGNING_TIME_TOLERANCE_SECONDS),
        ncanode_url=settings.NCANODE_URL.rstrip("/"),
        ncanode_timeout=float(settings.NCANODE_TIMEOUT_SECONDS),
    )
