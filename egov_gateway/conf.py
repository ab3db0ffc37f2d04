"""Settings of the state-data sources, read at call time.

Every value can be set in Django settings (tests override them there) and otherwise comes from the
environment, so production needs no settings edit to connect a source. See docs/gateway.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import environ
from django.conf import settings

_env = environ.Env()

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


def _value(name: str, default):
    """A Django setting if it exists, else ``default`` (which usually came from the environment)."""
    return getattr(settings, name, default)


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
    name = _value("STATE_SOURCES_BACKEND", _env("STATE_SOURCES_BACKEND", default=SANDBOX))
    if name not in BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"STATE_SOURCES_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}."
        )
    return name


def sandbox_dir() -> Path:
    default = Path(__file__).resolve().parent / "sandbox" / "demo"
    return Path(_value("SANDBOX_STATE_DIR", _env("SANDBOX_STATE_DIR", default=str(default))))


def soap_gateway() -> SoapGatewaySettings:
    service_ids = {
        name: _env(f"EGOV_SERVICE_{name.upper()}", default=default)
        for name, default in DEFAULT_SERVICE_IDS.items()
    }
    service_ids.update(_value("EGOV_SERVICE_IDS", {}))
    return SoapGatewaySettings(
        url=_value("EGOV_GATEWAY_URL", _env("EGOV_GATEWAY_URL", default="")),
        sender_id=_value("EGOV_SENDER_ID", _env("EGOV_SENDER_ID", default="")),
        sender_password=_value("EGOV_SENDER_PASSWORD", _env("EGOV_SENDER_PASSWORD", default="")),
        requestor_bin=_value("EGOV_REQUESTOR_BIN", _env("EGOV_REQUESTOR_BIN", default="")),
        timeout=float(
            _value("EGOV_TIMEOUT_SECONDS", _env.float("EGOV_TIMEOUT_SECONDS", default=30))
        ),
        signer=_value(
            "EGOV_REQUEST_SIGNER",
            _env("EGOV_REQUEST_SIGNER", default="egov_gateway.transport.signing.XmlDsigSigner"),
        ),
        signing_key_path=_value("EGOV_SIGNING_KEY", _env("EGOV_SIGNING_KEY", default="")),
        signing_cert_path=_value("EGOV_SIGNING_CERT", _env("EGOV_SIGNING_CERT", default="")),
        signing_key_password=_value(
            "EGOV_SIGNING_KEY_PASSWORD", _env("EGOV_SIGNING_KEY_PASSWORD", default="")
        ),
        service_ids=service_ids,
    )


def samruk_lists() -> dict[str, str]:
    """Where the weekly sync reads the two Samruk-Kazyna lists of 2022 p.19(4): an https URL of
    the file the fund publishes, or a path where it is put; empty while not configured."""
    from egov_gateway.sources import samruk

    return {
        samruk.REGISTER: _value("SAMRUK_REGISTER_URL", _env("SAMRUK_REGISTER_URL", default="")),
        samruk.UNRELIABLE: _value(
            "SAMRUK_UNRELIABLE_URL", _env("SAMRUK_UNRELIABLE_URL", default="")
        ),
    }


def samruk_timeout() -> float:
    return float(_value("SAMRUK_TIMEOUT_SECONDS", _env.float("SAMRUK_TIMEOUT_SECONDS", default=60)))


def ows() -> OwsSettings:
    return OwsSettings(
        url=_value(
            "GOSZAKUP_OWS_URL", _env("GOSZAKUP_OWS_URL", default="https://ows.goszakup.gov.kz")
        ),
        token=_value("GOSZAKUP_OWS_TOKEN", _env("GOSZAKUP_OWS_TOKEN", default="")),
        timeout=float(
            _value("GOSZAKUP_TIMEOUT_SECONDS", _env.float("GOSZAKUP_TIMEOUT_SECONDS", default=30))
        ),
        page_limit=int(_value("GOSZAKUP_PAGE_LIMIT", _env.int("GOSZAKUP_PAGE_LIMIT", default=500))),
    )


def retries() -> RetrySettings:
    return RetrySettings(
        attempts=int(_value("STATE_SOURCE_ATTEMPTS", _env.int("STATE_SOURCE_ATTEMPTS", default=4))),
        backoff_seconds=float(
            _value(
                "STATE_SOURCE_BACKOFF_SECONDS",
                _env.float("STATE_SOURCE_BACKOFF_SECONDS", default=2),
            )
        ),
        max_backoff_seconds=float(
            _value(
                "STATE_SOURCE_MAX_BACKOFF_SECONDS",
                _env.float("STATE_SOURCE_MAX_BACKOFF_SECONDS", default=60),
            )
        ),
    )


def progress_every() -> int:
    """How many fetched rows between two progress reports of the sync."""
    return int(
        _value("STATE_SYNC_PROGRESS_EVERY", _env.int("STATE_SYNC_PROGRESS_EVERY", default=10_000))
    )


@dataclass(frozen=True)
class MassRemovalGuard:
    """A sync refuses to remove more than ``max_share`` of a register of at least
    ``minimum_listed`` entries in one run unless the operator allows it."""

    max_share: float
    minimum_listed: int


def mass_removal_guard() -> MassRemovalGuard:
    return MassRemovalGuard(
        max_share=float(
            _value(
                "STATE_SYNC_MAX_REMOVED_SHARE",
                _env.float("STATE_SYNC_MAX_REMOVED_SHARE", default=0.5),
            )
        ),
        minimum_listed=int(
            _value(
                "STATE_SYNC_MASS_REMOVAL_MIN", _env.int("STATE_SYNC_MASS_REMOVAL_MIN", default=100)
            )
        ),
    )


def sync_work_mem() -> str:
    """PostgreSQL ``work_mem`` of a sync's transaction: its sorts and joins span whole registers."""
    return _value("STATE_SYNC_WORK_MEM", _env("STATE_SYNC_WORK_MEM", default="256MB"))
