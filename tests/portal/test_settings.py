"""Settings are read once, in portal/settings/, and production checks them at start (issue 10,
item 7); Celery tasks have time limits, the weekly sync its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from egov_gateway import sync
from egov_gateway.models import SyncRun
from portal.settings import base
from portal.settings.safety import configuration_problems
from tests.portal.test_production_settings import import_production_settings

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "suppliers", "egov_gateway", "commission", "registers", "deregistration")
READS_ENVIRONMENT = re.compile(r"\bimport environ\b|environ\.Env\(|os\.environ|os\.getenv")
# Choosing the settings module is no setting: the entry points name theirs.
BOOTSTRAP = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE"'


def test_only_the_settings_read_the_environment():
    readers = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.is_relative_to(ROOT / "portal" / "settings"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if READS_ENVIRONMENT.search(line) and BOOTSTRAP not in line:
                    readers.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert readers == [], "read it in portal/settings/ and use django.conf.settings"


def test_the_settings_of_every_environment_pass_the_production_checks():
    assert configuration_problems(vars(base)) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"STATE_SOURCES_BACKEND": "soap"}, "STATE_SOURCES_BACKEND must be one of"),
        (
            {"STATE_SOURCES_BACKEND": "gateway", "EGOV_GATEWAY_URL": "https://shep.example.kz"},
            "STATE_SOURCES_BACKEND) needs EGOV_SENDER_ID, EGOV_SENDER_PASSWORD, EGOV_SIGNING_KEY",
        ),
        ({"EDS_REVOCATION_MODE": "never"}, "EDS_REVOCATION_MODE must be one of"),
        ({"EDS_TRUSTED_ROOTS": ["/nowhere/root.pem"]}, "names /nowhere/root.pem, which is not"),
        ({"STATE_SOURCE_ATTEMPTS": 0}, "STATE_SOURCE_ATTEMPTS must be more than 0."),
        ({"STATE_SYNC_MAX_REMOVED_SHARE": 1.5}, "STATE_SYNC_MAX_REMOVED_SHARE must be a share"),
        (
            {"CELERY_TASK_SOFT_TIME_LIMIT": 600, "CELERY_TASK_TIME_LIMIT": 600},
            "CELERY_TASK_SOFT_TIME_LIMIT must be shorter than CELERY_TASK_TIME_LIMIT",
        ),
        (
            {"STATE_SYNC_TIME_LIMIT": 60},
            "STATE_SYNC_SOFT_TIME_LIMIT must be shorter than STATE_SYNC_TIME_LIMIT",
        ),
    ],
)
def test_each_malformed_setting_is_named(changes, message):
    problems = configuration_problems({**vars(base), **changes})
    assert any(message in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"STATE_SOURCES_BACKEND": "gateway"}, "needs EGOV_GATEWAY_URL, EGOV_SENDER_ID"),
        (
            {"CELERY_TASK_SOFT_TIME_LIMIT": "900", "CELERY_TASK_TIME_LIMIT": "300"},
            "CELERY_TASK_SOFT_TIME_LIMIT must be shorter",
        ),
        ({"WEEKLY_SYNC_CRON": "weekly"}, "WEEKLY_SYNC_CRON must have five fields"),
        ({"DEADLINE_REMINDERS_CRON": "daily"}, "DEADLINE_REMINDERS_CRON must have five fields"),
    ],
)
def test_production_settings_do_not_load_with_a_malformed_environment(environment, message):
    result = import_production_settings(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_tasks_have_time_limits_and_the_weekly_sync_longer_ones():
    from egov_gateway.tasks import weekly_state_sync
    from portal.celery import app

    assert app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert weekly_state_sync.soft_time_limit == settings.STATE_SYNC_SOFT_TIME_LIMIT
    assert weekly_state_sync.time_limit == settings.STATE_SYNC_TIME_LIMIT
    # Hours for the largest register, and done long before the next week's run.
    assert 60 * 60 <= settings.STATE_SYNC_SOFT_TIME_LIMIT < settings.STATE_SYNC_TIME_LIMIT
    assert settings.STATE_SYNC_TIME_LIMIT < 24 * 60 * 60


@pytest.mark.req("SYNC-3")
@pytest.mark.django_db
def test_a_sync_past_its_soft_time_limit_applies_nothing_and_starts_no_other_source(monkeypatch):
    def out_of_time(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(sync, "_sync", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        sync.sync_all(sources=["rnu", "gbd_fl"], trigger="weekly schedule")

    run = SyncRun.objects.get()
    assert (run.source, run.status) == ("rnu", SyncRun.Status.FAILED)
    assert "SoftTimeLimitExceeded" in run.errors
