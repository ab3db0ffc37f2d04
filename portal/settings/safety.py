"""The start-up checks of production settings."""

from django.core.exceptions import ImproperlyConfigured

from .base import INSECURE_DEFAULT_SECRET_KEY


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
