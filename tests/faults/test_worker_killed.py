"""A Celery worker killed in the middle of an automatic deregistration or of the weekly sync
(issue 15 item 2; DER-2, SYNC-2).

A real worker on the real Redis takes the task the sync's commit sent and stops half-way: its
transaction has opened the case and waits for the audit chain, held by the test from a second
connection. The worker is then killed with SIGKILL (the OOM killer, a node lost): nothing of
its transaction stays, and the task, acknowledged only after it ran (``acks_late``), is still
on the broker. A new worker gets it again once the visibility timeout has passed and finishes
the deregistration exactly once: one case, one outcome, one e-mail, the audit chain whole.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery import current_app
from django.conf import settings
from django.db import connection

from deregistration.models import DeregistrationCase, StateEventOutcome
from deregistration.tasks import act_on_pending_state_events
from egov_gateway.models import StateChangeEvent, StateListing, SyncRun
from egov_gateway.services import watch
from egov_gateway.sync import INTERRUPTED, sync_source
from portal.audit.verify import verify_chain
from portal.deadlines import today
from portal.notifications.models import Notification
from registers.models import RegisterEntry
from tests.deregistration.helpers import registered_supplier
from tests.egov_gateway.servers import rnu_item
from tests.egov_gateway.test_gateway_sources import GBD_UL
from tests.faults.backends import backend_waiting_for_a_lock, holding_audit_chain, wait_until
from tests.faults.conftest import celery_sends_to, database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
LISTED = "090440023188"
RNU_LISTED = (LISTED, "120340016615", "170740318604")
# A Redis database of this test alone: no other test's messages reach its workers.
BROKER_DB = 12
VISIBILITY_TIMEOUT = 1


@pytest.fixture
def broker_url() -> Iterator[str]:
    real = urlsplit(settings.REDIS_URL)
    url = f"redis://{real.hostname or '127.0.0.1'}:{real.port or 6379}/{BROKER_DB}"
    with celery_sends_to(url):
        with current_app.connection_for_write() as broker:
            broker.default_channel.client.flushdb()
        yield url


def start_worker(broker_url: str, log: Path, **extra: str) -> subprocess.Popen:
    """One Celery worker as production runs it (prefork, here one child) in its own process
    group, so that killing the group kills the task where it stands."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PYTHONPATH": str(ROOT),
        "TEST_DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": broker_url,
        "CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        **extra,
    }
    if connection.settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "portal",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    return subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env=environment,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig: signal.Signals) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait(30)


def wait_for_worker(condition, *, what: str, log: Path, limit: float = 90) -> None:
    """``wait_until``, and on giving up the worker's log says why."""
    try:
        wait_until(condition, what=what, limit=limit)
    except AssertionError as error:
        raise AssertionError(f"{error}; worker log:\n{log.read_text()[-3000:]}") from None


def unacknowledged_tasks() -> list[str]:
    """The names of the tasks delivered to a worker and not acknowledged (kombu's ``unacked``)."""
    with current_app.connection_for_write() as broker:
        held = broker.default_channel.client.hvals("unacked")
    return [json.loads(raw)[0]["headers"]["task"] for raw in held]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] > 0


@pytest.mark.req("DER-2")
def test_a_worker_killed_in_the_middle_of_a_deregistration_leaves_it_to_be_done_once(
    ows_server, broker_url, tmp_path
):
    application = registered_supplier(
        admitted_on=today().replace(day=1, month=1), supplier__identifier=LISTED
    )
    supplier = application.supplier
    watch(identifier=LISTED, kind="legal_entity")
    ows_server.items = [rnu_item(LISTED, pid=1)]
    log = tmp_path / "worker.log"
    sync_source(source="rnu", trigger="weekly")  # its commit sends the task to Redis
    holder = holding_audit_chain()
    first = start_worker(broker_url, log)
    try:
        opened_case = DeregistrationCase._meta.db_table
        wait_until(
            lambda: backend_waiting_for_a_lock(having_written=opened_case) is not None,
            what="the case to be opened",
        )
        killed_backend = backend_waiting_for_a_lock(having_written=opened_case)
        assert killed_backend is not None
        stop(first, signal.SIGKILL)
    finally:
        holder.rollback()  # the killed worker's backend gets the lock, then finds no client
        holder.close()
        if first.poll() is None:
            stop(first, signal.SIGKILL)
    wait_until(lambda: not backend_alive(killed_backend), what="the killed backend to end")

    event = StateChangeEvent.objects.get(identifier=LISTED)
    assert not DeregistrationCase.objects.exists(), "nothing of the killed transaction stays"
    assert not StateEventOutcome.objects.exists() and not Notification.objects.exists()
    assert RegisterEntry.objects.filter(supplier=supplier, deregistered_on__isnull=True).exists()

    assert unacknowledged_tasks() == ["deregistration.tasks.act_on_state_event"]

    second = start_worker(broker_url, log)  # the message is given again after the timeout
    try:
        wait_for_worker(
            lambda: (
                StateEventOutcome.objects.filter(event=event).exists()
                and Notification.objects.filter(sent_at__isnull=False).exists()
            ),
            what="the redelivered task to finish",
            log=log,
        )
    finally:
        stop(second, signal.SIGTERM)

    (case,) = DeregistrationCase.objects.all()
    assert case.status == DeregistrationCase.Status.DEREGISTERED and case.supplier == supplier
    assert StateEventOutcome.objects.get().outcome == StateEventOutcome.Outcome.DEREGISTERED
    assert not RegisterEntry.objects.filter(supplier=supplier, deregistered_on__isnull=True)
    (notification,) = Notification.objects.all()
    assert notification.sent_at is not None
    assert act_on_pending_state_events.apply().get() == 0, "the safety net finds it done"
    assert DeregistrationCase.objects.count() == Notification.objects.count() == 1
    assert verify_chain().ok
    assert "act_on_state_event" in log.read_text()


# What the worker needs to ask the loopback state systems as the test's own settings do.
STATE_SYSTEM_SETTINGS = (
    "EGOV_GATEWAY_URL",
    "EGOV_SENDER_ID",
    "EGOV_SENDER_PASSWORD",
    "EGOV_REQUESTOR_BIN",
    "EGOV_SIGNING_KEY",
    "EGOV_SIGNING_CERT",
    "GOSZAKUP_OWS_URL",
    "GOSZAKUP_OWS_TOKEN",
    "STATE_SOURCE_ATTEMPTS",
)


@pytest.mark.req("SYNC-2", "SYNC-3")
def test_a_worker_killed_in_the_middle_of_the_weekly_sync_leaves_it_to_be_done_once(
    ows_server, soap_gateway, broker_url, tmp_path, settings
):
    watch(identifier=LISTED, kind="legal_entity")
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: GBD_UL.format(bin=bin, liquidation="")
    ows_server.items = [rnu_item(b, pid=n) for n, b in enumerate(RNU_LISTED, 1)]
    ows_server.slow_seconds = 60.0
    ows_server.script = ["ok", "slow"]  # page 1 arrives, page 2 hangs: killed mid-stream
    environment = {name: str(getattr(settings, name)) for name in STATE_SYSTEM_SETTINGS}
    environment |= {
        "STATE_SOURCES_BACKEND": "gateway",
        "GOSZAKUP_PAGE_LIMIT": "2",
        "GOSZAKUP_TIMEOUT_SECONDS": "120",
    }
    log = tmp_path / "worker.log"
    current_app.send_task("egov_gateway.tasks.weekly_state_sync")  # as the beat sends it
    first = start_worker(broker_url, log, **environment)
    try:
        wait_until(lambda: len(ows_server.requests) >= 2, what="the sync to reach page 2")
        stop(first, signal.SIGKILL)
    finally:
        if first.poll() is None:
            stop(first, signal.SIGKILL)
    (killed,) = SyncRun.objects.all()
    assert killed.source == "rnu" and killed.status == SyncRun.Status.RUNNING
    assert unacknowledged_tasks() == ["egov_gateway.tasks.weekly_state_sync"]
    assert not StateListing.objects.exists() and not StateChangeEvent.objects.exists()

    second = start_worker(broker_url, log, **environment)
    try:
        wait_for_worker(
            lambda: (
                SyncRun.objects.filter(pk__gt=killed.pk)
                .exclude(status=SyncRun.Status.RUNNING)
                .count()
                == 5
            ),
            what="the redelivered sync to finish",
            log=log,
            limit=120,
        )
    finally:
        stop(second, signal.SIGTERM)

    rnu = SyncRun.objects.get(source="rnu", status=SyncRun.Status.SUCCEEDED)
    assert rnu.counts["new"] == len(RNU_LISTED) and rnu.counts["events"] == 1
    assert StateListing.objects.filter(source="rnu").count() == len(RNU_LISTED)
    assert list(StateChangeEvent.objects.values_list("identifier", flat=True)) == [LISTED]
    assert SyncRun.objects.filter(source="rnu").count() == 2, "the killed run and one re-run"
    killed.refresh_from_db()
    assert killed.status == SyncRun.Status.FAILED and killed.errors == INTERRUPTED
    assert unacknowledged_tasks() == []
    assert verify_chain().ok
