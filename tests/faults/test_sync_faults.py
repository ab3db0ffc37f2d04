"""The weekly sync under faults (issue 15 item 2; SYNC-2, SYNC-3, DER-2's input).

Two syncs of one source at once: the second waits for the first's lock and then applies nothing
again. A process killed in the middle of a sync (as a Celery worker is by its hard time limit or
the OOM killer; the task is ``acks_late``, so the broker gives it again): its transaction dies
with it, and the re-run applies the work exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from egov_gateway.models import StateChangeEvent, StateListing, SyncRun
from egov_gateway.services import watch
from egov_gateway.sync import INTERRUPTED, sync_source
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from tests.egov_gateway.servers import rnu_item
from tests.faults.backends import wait_until
from tests.faults.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
WATCHED, OTHER, THIRD = "090440023188", "120340016615", "170740318604"


def backends_waiting_for_the_sync_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def rnu_register(ows_server, settings):
    settings.GOSZAKUP_TIMEOUT_SECONDS = 20  # the slow page is slow, not lost
    watch(identifier=WATCHED, kind="legal_entity")
    ows_server.items = [rnu_item(b, pid=n) for n, b in enumerate((WATCHED, OTHER, THIRD), 1)]
    return ows_server


@pytest.mark.req("SYNC-2")
def test_two_syncs_of_one_source_at_once_apply_the_register_once(rnu_register):
    rnu_register.slow_seconds = 2.0
    rnu_register.script = ["slow"]  # the first sync's first page is slow: the two overlap
    runs: dict[str, SyncRun] = {}

    def sync(name: str) -> None:
        try:
            runs[name] = sync_source(source="rnu", trigger=name)
        finally:
            connections.close_all()

    first = threading.Thread(target=sync, args=("first",))
    first.start()
    wait_until(lambda: bool(rnu_register.requests), what="the first sync to ask the register")
    second = threading.Thread(target=sync, args=("second",))
    second.start()
    wait_until(lambda: backends_waiting_for_the_sync_lock() == 1, what="the second to wait")
    first.join(60)
    second.join(60)

    assert runs["first"].status == runs["second"].status == SyncRun.Status.SUCCEEDED
    assert runs["first"].counts["new"] == 3 and runs["first"].counts["events"] == 1
    assert runs["second"].counts["new"] == 0 and runs["second"].counts["events"] == 0
    assert StateListing.objects.count() == 3
    assert list(StateChangeEvent.objects.values_list("identifier", flat=True)) == [WATCHED]
    # The first was running while the second started: it is not taken for an interrupted run.
    assert not AuditEvent.objects.filter(action="state_sync.failed").exists()
    assert verify_chain().ok


@pytest.mark.req("SYNC-2", "SYNC-3")
def test_a_sync_killed_in_the_middle_applies_nothing_and_its_rerun_applies_once(
    rnu_register, settings
):
    rnu_register.slow_seconds = 60.0
    rnu_register.script = ["ok", "slow"]  # page 1 arrives, page 2 hangs: killed mid-stream
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PYTHONPATH": str(ROOT),
        "TEST_DATABASE_URL": database_url(database),
        "STATE_SOURCES_BACKEND": "gateway",
        "GOSZAKUP_OWS_URL": settings.GOSZAKUP_OWS_URL,
        "GOSZAKUP_OWS_TOKEN": settings.GOSZAKUP_OWS_TOKEN,
        "GOSZAKUP_TIMEOUT_SECONDS": "120",
        "GOSZAKUP_PAGE_LIMIT": "2",
    }
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "sync_state_data", "--source", "rnu"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: len(rnu_register.requests) >= 2, what="the sync to reach page 2")
        killed = SyncRun.objects.get()
        assert killed.status == SyncRun.Status.RUNNING
        worker.send_signal(signal.SIGKILL)  # no cleanup: as the OOM killer or a hard time limit
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    # Its transaction died with its connection: nothing of page 1 was applied, no lock is left.
    wait_until(lambda: not _backend_of(worker_run=killed.pk), what="the killed backend to be gone")
    assert StateListing.objects.count() == 0 and StateChangeEvent.objects.count() == 0
    audit_before = AuditEvent.objects.count()

    rerun = sync_source(source="rnu", trigger="redelivered")
    again = sync_source(source="rnu", trigger="redelivered twice")

    killed.refresh_from_db()  # its process is gone: the re-run records it as interrupted
    assert killed.status == SyncRun.Status.FAILED and killed.errors == INTERRUPTED
    assert rerun.status == SyncRun.Status.SUCCEEDED and rerun.counts["new"] == 3
    assert again.counts["new"] == 0 and again.counts["events"] == 0
    assert list(StateChangeEvent.objects.values_list("identifier", flat=True)) == [WATCHED]
    assert StateListing.objects.count() == 3
    # The killed run recorded as failed, the re-run, the second re-run.
    assert AuditEvent.objects.count() == audit_before + 3
    assert verify_chain().ok


def _backend_of(*, worker_run: int) -> bool:
    """Whether a backend other than ours still holds a sync lock or an open transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%' "
            "OR pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')"
        )
        return cursor.fetchone()[0] > 0
