"""Tests: real PostgreSQL (TEST_DATABASE_URL or the embedded server) and real Redis."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import database_config, env

DATABASES = {"default": database_config("TEST_DATABASE_URL")}
# Django empties every table with one TRUNCATE between transactional tests; the audit table
# refuses TRUNCATE unless the session allows it (portal/audit/migrations/0002).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c audit.allow_truncate=on"

# Tests run tasks in-process unless a test asks for the broker explicitly.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SANDBOX_SIGNER_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The registers' filter choices are read afresh on every page (each test has its own data).
REGISTERS_CHOICES_SECONDS = 0
