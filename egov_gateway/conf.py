"""Settings of the state-data sources, read from ``django.conf.settings`` at call time.

``portal/settings/base.py`` reads each value once from the environment (same names, defaults
there); tests override them with the ``settings`` fixture. See docs/gateway.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

SANDBOX = "sandbox"
GATEWAY = "gateway"
BACKENDS = (SANDBOX, GATEWAY)

# Service ids of the e-government gateway (ШЭП) for each SOAP source. They are issued on
# connection; these defaults are the names the services are published under.
DEFAULT_SERVICE_IDS = {
    "gbd_ul": "GbdulInfoByBin_v2",
    "gbd_fl": "GBDFL_UniversalServiceSync",
    "entrepreneurs": "GBDUL_IP_InfoByIIN",
    "real_estate": "RN_RightsByIINBIN",
    "psychiatric": "ERDB_PsychRegistryByIIN",
    "tax_debts": "KGD_DebtsByIINBIN",
}


@dataclass(frozen=True)
class SoapGatewaySettings:
    """The SyncChannel endpoint of the gateway and how this system identifies itself to it."""

    url: str
    sender_id: str
    sender_password: str
    requestor_bin: str
    timeout: float
    signer: str
    signing_key_path: str
    signing_cert_path: str
    signing_key_password: str
    service_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OwsSettings:
    """The goszakup open-data web service (OWS v3)."""

    url: str
    token: str
    timeout: float
    page_limit: int


@dataclass(frozen=True)
class RetrySettings:
    attempts: int
    backoff_seconds: float
    max_backoff_seconds: float


def backend() -> str:
    name = settings.STATE_SOURCES_BACKEND
    if name not in BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"STATE_SOURCES_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}."
        )
    return name


def sandbox_dir() -> Path:
    return Path(settings.SANDBOX_STATE_DIR)


def soap_gateway() -> SoapGatewaySettings:
    return SoapGatewaySettings(
        url=settings.EGOV_GATEWAY_URL,
        sender_id=settings.EGOV_SENDER_ID,
        sender_password=settings.EGOV_SENDER_PASSWORD,
        requestor_bin=settings.EGOV_REQUESTOR_BIN,
        timeout=float(settings.EGOV_TIMEOUT_SECONDS),
        signer=settings.EGOV_REQUEST_SIGNER,
        signing_key_path=settings.EGOV_SIGNING_KEY,
        signing_cert_path=settings.EGOV_SIGNING_CERT,
        signing_key_password=settings.EGOV_SIGNING_KEY_PASSWORD,
        service_ids={**DEFAULT_SERVICE_IDS, **settings.EGOV_SERVICE_IDS},
    )


def samruk_lists() -> dict[str, str]:
    """Where the weekly sync reads the two Samruk-Kazyna lists of 2022 p.19(4): an https URL of
    the file the fund publishes, or a path where it is put; empty while not configured."""
    from egov_gateway.sources import samruk

    return {
        samruk.REGISTER: settings.SAMRUK_REGISTER_URL,
        samruk.UNRELIABLE: settings.SAMRUK_UNRELIABLE_URL,
    }


def samruk_timeout() -> float:
    return float(settings.SAMRUK_TIMEOUT_SECONDS)


def ows() -> OwsSettings:
    return OwsSettings(
        url=settings.GOSZAKUP_OWS_URL,
        token=settings.GOSZAKUP_OWS_TOKEN,
        timeout=float(settings.GOSZAKUP_TIMEOUT_SECONDS),
        page_limit=int(settings.GOSZAKUP_PAGE_LIMIT),
    )


def retries() -> RetrySettings:
    return RetrySettings(
        attempts=int(settings.STATE_SOURCE_ATTEMPTS),
        backoff_seconds=float(settings.STATE_SOURCE_BACKOFF_SECONDS),
        max_backoff_seconds=float(settings.STATE_SOURCE_MAX_BACKOFF_SECONDS),
    )


def progress_every() -> int:
    """How many fetched rows between two progress reports of the sync."""
    return int(settings.STATE_SYNC_PROGRESS_EVERY)


@dataclass(frozen=True)
class MassRemovalGuard:
    """A sync refuses to remove more than ``max_share`` of a register of at least
    ``minimum_listed`` entries in one run unless the operator allows it."""

    max_share: float
    minimum_listed: int


def mass_removal_guard() -> MassRemovalGuard:
    return MassRemovalGuard(
        max_share=float(settings.STATE_SYNC_MAX_REMOVED_SHARE),
        minimum_listed=int(settings.STATE_SYNC_MASS_REMOVAL_MIN),
    )


def sync_work_mem() -> str:
    """PostgreSQL ``work_mem`` of a sync's transaction: its sorts and joins span whole registers."""
    return settings.STATE_SYNC_WORK_MEM
