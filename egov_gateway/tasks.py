"""Celery tasks of the gateway: thin, idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from egov_gateway.sync import sync_all


@shared_task(
    name="egov_gateway.tasks.weekly_state_sync",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=settings.STATE_SYNC_SOFT_TIME_LIMIT,
    time_limit=settings.STATE_SYNC_TIME_LIMIT,
)
def weekly_state_sync() -> dict[str, str]:
    """SYNC-2, DER-2: the weekly state-data sync (schedule: ``CELERY_BEAT_SCHEDULE`` in settings).

    Running it twice is harmless: a second run over the same data changes nothing. It is not
    retried as a whole: each request already retries with backoff, and a source that still
    fails is recorded as a failed run for the operators (SYNC-3). Past its soft time limit
    (``STATE_SYNC_SOFT_TIME_LIMIT``) the source being synced applies nothing, its run is
    recorded as failed and the remaining sources wait for the next week.
    """
    runs = sync_all(trigger="weekly schedule")
    return {run.source: run.status for run in runs}
