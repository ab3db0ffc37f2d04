"""Production settings refuse an unsafe configuration and turn on the transport protections."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import INSECURE_DEFAULT_SECRET_KEY
from portal.settings.safety import check_production_safety

ROOT = Path(__file__).resolve().parent.parent.parent
SAFE_KEY = "test-only-key-long-enough-for-production-checks-0123456789"
SAFE = {
    "debug": False,
    "secret_key": SAFE_KEY,
    "sandbox_signer_enabled": False,
    "has_database_url": True,
}
SAFE_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": SAFE_KEY,
    "SANDBOX_SIGNER_ENABLED": "False",
    "DATABASE_URL": "postgres://portal:secret@db:5432/portal",
    "ALLOWED_HOSTS": "portal.example.kz",
}
# Variables of the surrounding environment that would change what production settings see.
SETTINGS_VARIABLES = {
    *SAFE_ENV,
    "DJANGO_SETTINGS_MODULE",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "EMBEDDED_DB_NAME",
}
PRINT_SETTINGS = """
import json
import portal.settings.production as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "CONTENT_SECURITY_POLICY": s.CONTENT_SECURITY_POLICY,
    "SANDBOX_SIGNER_ENABLED": s.SANDBOX_SIGNER_ENABLED,
    "DATABASE": {k: s.DATABASES["default"][k] for k in ("ENGINE", "HOST", "NAME")},
    "CONNECTIONS": {
        k: s.DATABASES["default"][k] for k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
    },
}))
"""


def import_production_settings(**overrides: str | None) -> subprocess.CompletedProcess:
    """Import portal.settings.production in a fresh interpreter; None removes a variable."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(SAFE_ENV)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("unsafe", "message"),
    [
        ({"debug": True}, "DEBUG must be off in production."),
        ({"secret_key": INSECURE_DEFAULT_SECRET_KEY}, "SECRET_KEY must be set"),
        ({"secret_key": SAFE_KEY[:49]}, "at least 50 characters"),
        ({"secret_key": ""}, "SECRET_KEY must be set"),
        ({"sandbox_signer_enabled": True}, "sandbox signer (SANDBOX_SIGNER_ENABLED) must never"),
        ({"has_database_url": False}, "DATABASE_URL must point to the production PostgreSQL"),
    ],
)
def test_production_safety_check_refuses_each_unsafe_setting(unsafe, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        check_production_safety(**{**SAFE, **unsafe})


def test_production_safety_check_lists_every_problem_at_once():
    with pytest.raises(ImproperlyConfigured) as refused:
        check_production_safety(
            debug=True, secret_key="short", sandbox_signer_enabled=True, has_database_url=False
        )
    for part in ("DEBUG", "SECRET_KEY", "SANDBOX_SIGNER_ENABLED", "DATABASE_URL"):
        assert part in str(refused.value)


def test_production_safety_check_accepts_a_safe_configuration():
    assert check_production_safety(**SAFE) is None


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DEBUG": "True"}, "DEBUG must be off in production."),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": INSECURE_DEFAULT_SECRET_KEY}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "too-short-a-key"}, "at least 50 characters"),
        ({"DATABASE_URL": None}, "DATABASE_URL must point to the production PostgreSQL"),
    ],
)
def test_production_settings_do_not_load_with_an_unsafe_environment(environment, message):
    result = import_production_settings(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.req("ID-4")
def test_production_settings_do_not_load_with_the_sandbox_signer_enabled():
    result = import_production_settings(SANDBOX_SIGNER_ENABLED="True")
    assert result.returncode != 0
    assert "The sandbox signer (SANDBOX_SIGNER_ENABLED) must never run in production." in (
        result.stderr
    )


@pytest.mark.req("ID-4")
def test_production_settings_load_with_a_safe_environment_and_protect_the_transport():
    result = import_production_settings()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["DEBUG"] is False
    assert loaded["SANDBOX_SIGNER_ENABLED"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 180
    policy = loaded["CONTENT_SECURITY_POLICY"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert loaded["DATABASE"] == {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db",
        "NAME": "portal",
    }


def test_production_keeps_database_connections_between_requests_and_checks_them():
    """Issue 12: no new PostgreSQL connection per request; a dropped one is noticed."""
    result = import_production_settings()
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout.strip().splitlines()[-1])["CONNECTIONS"]
    assert database["CONN_MAX_AGE"] >= 60
    assert database["CONN_HEALTH_CHECKS"] is True
