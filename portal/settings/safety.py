"""The start-up checks of production settings."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import INSECURE_DEFAULT_SECRET_KEY

# What the gateway backend cannot ask the state systems without (docs/gateway.md).
GATEWAY_REQUIRED = (
    "EGOV_GATEWAY_URL",
    "EGOV_SENDER_ID",
    "EGOV_SENDER_PASSWORD",
    "EGOV_SIGNING_KEY",
    "GOSZAKUP_OWS_TOKEN",
)
POSITIVE = (
    "EGOV_TIMEOUT_SECONDS",
    "GOSZAKUP_TIMEOUT_SECONDS",
    "GOSZAKUP_PAGE_LIMIT",
    "STATE_SOURCE_ATTEMPTS",
    "STATE_SYNC_PROGRESS_EVERY",
    "NCANODE_TIMEOUT_SECONDS",
    "EDS_SIGN_IN_CHALLENGE_SECONDS",
    "EDS_SIGNING_TIME_TOLERANCE_SECONDS",
    "SUPPLIER_DOCUMENT_MAX_BYTES",
    "EMAIL_TIMEOUT",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "STATE_SYNC_SOFT_TIME_LIMIT",
)
TIME_LIMITS = (
    ("CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_TASK_TIME_LIMIT"),
    ("STATE_SYNC_SOFT_TIME_LIMIT", "STATE_SYNC_TIME_LIMIT"),
)


def check_production_safety(
    *, debug: bool, secret_key: str, sandbox_signer_enabled: bool, has_database_url: bool
) -> None:
    """Refuse to start production with DEBUG, a default key, the sandbox signer or no database."""
    problems = []
    if debug:
        problems.append("DEBUG must be off in production.")
    if not secret_key or secret_key == INSECURE_DEFAULT_SECRET_KEY or len(secret_key) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters.")
    if sandbox_signer_enabled:
        problems.append("The sandbox signer (SANDBOX_SIGNER_ENABLED) must never run in production.")
    if not has_database_url:
        problems.append("DATABASE_URL must point to the production PostgreSQL server.")
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


def configuration_problems(values: Mapping[str, Any]) -> list[str]:
    """What is wrong with the values the settings read from the environment (``values``: the
    settings module's names), each problem a sentence naming the variable."""
    from egov_gateway.conf import BACKENDS
    from egov_gateway.eds.conf import REVOCATION_MODES

    problems = []
    backend = values["STATE_SOURCES_BACKEND"]
    if backend not in BACKENDS:
        problems.append(
            f"STATE_SOURCES_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}."
        )
    if backend == "gateway":
        missing = [name for name in GATEWAY_REQUIRED if not values[name]]
        if missing:
            problems.append(
                f"The gateway backend (STATE_SOURCES_BACKEND) needs {', '.join(missing)}."
            )
    if values["EDS_REVOCATION_MODE"] not in REVOCATION_MODES:
        problems.append(
            f"EDS_REVOCATION_MODE must be one of {', '.join(REVOCATION_MODES)}, "
            f"not {values['EDS_REVOCATION_MODE']!r}."
        )
    problems += [
        f"EDS_TRUSTED_ROOTS names {root}, which is not a file."
        for root in values["EDS_TRUSTED_ROOTS"]
        if not Path(root).is_file()
    ]
    problems += [f"{name} must be more than 0." for name in POSITIVE if not values[name] > 0]
    if values["EMAIL_USE_TLS"] and values["EMAIL_USE_SSL"]:
        problems.append("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one of them.")
    if not 0 < values["STATE_SYNC_MAX_REMOVED_SHARE"] <= 1:
        problems.append("STATE_SYNC_MAX_REMOVED_SHARE must be a share: more than 0, at most 1.")
    problems += [
        f"{soft} must be shorter than {hard}: a task needs time to roll back after the soft limit."
        for soft, hard in TIME_LIMITS
        if not values[soft] < values[hard]
    ]
    return problems


def check_production_configuration(values: Mapping[str, Any]) -> None:
    """Refuse to start production with a malformed setting (see ``configuration_problems``)."""
    problems = configuration_problems(values)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
