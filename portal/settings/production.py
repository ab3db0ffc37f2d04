"""Production: refuses to start with an unsafe configuration."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import INSECURE_DEFAULT_SECRET_KEY, database_config, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
SANDBOX_SIGNER_ENABLED = env.bool("SANDBOX_SIGNER_ENABLED", default=False)
# Operators: password plus a TOTP code, or EDS; the admin opens only to such sessions (ID-3).
OPERATOR_REQUIRE_OTP = True

from portal.settings.safety import (  # noqa: E402
    check_production_configuration,
    check_production_safety,
)

check_production_safety(
    debug=DEBUG,
    secret_key=SECRET_KEY,
    sandbox_signer_enabled=SANDBOX_SIGNER_ENABLED,
    has_database_url=bool(env("DATABASE_URL", default="")),
)
check_production_configuration(globals())
DATABASES = {"default": database_config(embedded=False)}
# Persistent connections (issue 12): a worker keeps its PostgreSQL connection between requests
# instead of opening one per request, and checks it before reuse after an error or a restart.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' wss://127.0.0.1:13579; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'; "
    "upgrade-insecure-requests"
)
