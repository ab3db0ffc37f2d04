"""Celery tasks of deregistration: thin and idempotent (DER-2, E20-7)."""

from __future__ import annotations

import functools
from typing import Any

from celery import shared_task
from django.db import OperationalError, transaction

from deregistration.services import checks, state_data
from egov_gateway.models import StateChangeEvent, SyncRun

# How many pending events one run of the safety net acts on; the next run takes the rest.
SAFETY_NET_BATCH = 5000


@shared_task(
    name="deregistration.tasks.act_on_state_event",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def act_on_state_event(event_id: int) -> None:
    """DER-2: act on one change event of the sync (started on the commit of its run). Acting
    twice is harmless; an event that keeps failing is left to the safety net."""
    event = StateChangeEvent.objects.filter(pk=event_id).first()
    if event is not None:
        state_data.act_on_state_event(event=event)


@shared_task(name="deregistration.tasks.act_on_pending_state_events", ignore_result=True)
def act_on_pending_state_events() -> int:
    """DER-2's safety net (beat, ``CELERY_BEAT_SCHEDULE``): every change event that no task has
    acted on is acted on here, so a lost message or a stopped worker delays a deregistration by
    minutes, never past the one working day of 2022 p.20. Returns how many it handled."""
    events = list(state_data.pending_state_events()[:SAFETY_NET_BATCH])
    for event in events:
        state_data.act_on_state_event(event=event)
    return len(events)


def send_tasks_for_run(sender: Any = None, *, run: SyncRun, **kwargs: Any) -> None:
    """Receiver of ``egov_gateway.sync.state_changes_recorded`` (sent after the run's commit):
    the mass-removal guard reviews the run first, then each event gets its own task, sent on
    commit."""
    state_data.review_sync_run(run=run)
    for event_id in state_data.acting_event_ids(run=run):
        transaction.on_commit(functools.partial(act_on_state_event.delay, event_id))


@shared_task(name="deregistration.tasks.open_procurement_register_checks", ignore_result=True)
def open_procurement_register_checks() -> int:
    """E20-7 (2020 p.17, beat): this week's check of the procurement register for every
    commission's secretary, under an edition that has it; opening it twice opens nothing."""
    return len(checks.open_procurement_register_checks())
