"""``manage.py sync_state_data`` and the weekly task against the demo sandbox (SYNC-2, SYNC-3)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from egov_gateway.models import StateListing, SyncRun
from egov_gateway.tasks import weekly_state_sync
from portal.celery import app

pytestmark = pytest.mark.django_db


@pytest.mark.req("SYNC-2")
def test_the_command_prints_progress_and_a_summary(sandbox, settings):
    settings.STATE_SYNC_PROGRESS_EVERY = 2
    out = io.StringIO()

    call_command("sync_state_data", stdout=out)

    text = out.getvalue()
    assert "rnu: 2 rows fetched" in text and "rnu: 6 rows fetched" in text
    assert "Summary" in text
    for source in ("rnu", "gbd_fl", "gbd_ul", "entrepreneurs", "samruk"):
        assert f"\n{source:<14}succeeded" in text
    assert StateListing.objects.filter(source="rnu").count() == 4


@pytest.mark.req("SYNC-2")
def test_a_dry_run_of_one_source_applies_nothing(sandbox):
    out = io.StringIO()

    call_command("sync_state_data", "--source", "rnu", "--dry-run", stdout=out)

    assert "dry run: nothing applied" in out.getvalue()
    assert StateListing.objects.count() == 0
    assert SyncRun.objects.get().dry_run


@pytest.mark.req("SYNC-3")
def test_the_command_fails_when_a_source_failed_and_the_others_still_ran(sandbox):
    (sandbox / "rnu.jsonl").write_text('{"pid": 1, "supplier_biin": "170740318604"}\n{broken\n')
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 source\\(s\\) failed.*rnu"):
        call_command("sync_state_data", stdout=out, stderr=err)

    assert "rnu: FAILED, nothing applied" in err.getvalue()
    statuses = dict(SyncRun.objects.values_list("source", "status"))
    assert statuses.pop("rnu") == SyncRun.Status.FAILED
    assert set(statuses.values()) == {SyncRun.Status.SUCCEEDED}
    assert not StateListing.objects.filter(source="rnu").exists()


@pytest.mark.req("SYNC-2")
def test_the_weekly_task_is_scheduled_and_runs_the_sync_twice_without_harm(sandbox, settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["weekly-state-sync"]
    assert schedule["task"] in app.tasks

    first = weekly_state_sync.delay().get()
    listings = list(StateListing.objects.order_by("pk").values())
    second = weekly_state_sync.delay().get()

    assert first == second == dict.fromkeys(first, SyncRun.Status.SUCCEEDED)
    assert list(StateListing.objects.order_by("pk").values()) == listings
    assert weekly_state_sync.acks_late
