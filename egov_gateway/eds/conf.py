"""Settings of signature verification, read at call time (tests override them with ``settings``).

Each value is a Django setting if defined, else an environment variable of the same name, else the
default below. In development and tests (``SANDBOX_SIGNER_ENABLED``) the test PKI made by
``manage.py make_test_pki`` is trusted unless ``EDS_TRUSTED_ROOTS`` says otherwise; production
never trusts it because production refuses to start with the sandbox signer enabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()

REVOCATION_MODES = ("hard-fail", "soft-fail", "require")


def _value(name: str, default):
    return getattr(settings, name, default)


def test_pki_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "test-pki"
    return Path(_value("EDS_TEST_PKI_DIR", _env("EDS_TEST_PKI_DIR", default=str(default))))


def test_pki_url() -> str:
    """Where the test PKI publishes its CRLs and OCSP answers (written into its certificates)."""
    url = _value("EDS_TEST_PKI_URL", _env("EDS_TEST_PKI_URL", default="http://127.0.0.1:13580"))
    return url.rstrip("/")


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
    roots = _value("EDS_TRUSTED_ROOTS", _env.list("EDS_TRUSTED_ROOTS", default=[]))
    intermediates = _value("EDS_INTERMEDIATES_DIR", _env("EDS_INTERMEDIATES_DIR", default=""))
    crls = _value("EDS_CRL_DIR", _env("EDS_CRL_DIR", default=""))
    if not roots and _sandbox():
        roots = [pki / "ca" / "root.pem"]
        intermediates = intermediates or pki / "ca"
        crls = crls or pki / "crl"
    mode = _value("EDS_REVOCATION_MODE", _env("EDS_REVOCATION_MODE", default="hard-fail"))
    if mode not in REVOCATION_MODES:
        raise ImproperlyConfigured(
            f"EDS_REVOCATION_MODE must be one of {', '.join(REVOCATION_MODES)}, not {mode!r}."
        )
    # Production fetches CRLs and OCSP answers from NCA; the sandbox has its CRLs on disk.
    fetching = _value("EDS_ALLOW_FETCHING", _env.bool("EDS_ALLOW_FETCHING", default=not _sandbox()))
    return VerificationSettings(
        trusted_roots=tuple(Path(root) for root in roots),
        intermediates_dir=Path(intermediates) if intermediates else None,
        crl_dir=Path(crls) if crls else None,
        revocation_mode=mode,
        allow_fetching=bool(fetching),
        signing_time_tolerance_seconds=int(
            _value(
                "EDS_SIGNING_TIME_TOLERANCE_SECONDS",
                _env.int("EDS_SIGNING_TIME_TOLERANCE_SECONDS", default=600),
            )
        ),
        ncanode_url=_value("NCANODE_URL", _env("NCANODE_URL", default="")).rstrip("/"),
        ncanode_timeout=float(
            _value("NCANODE_TIMEOUT_SECONDS", _env.float("NCANODE_TIMEOUT_SECONDS", default=15))
        ),
    )
