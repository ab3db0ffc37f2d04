"""Celery tasks of the commission: thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from commission.services.reminders import send_deadline_reminders as remind


@shared_task(name="commission.tasks.send_deadline_reminders", acks_late=True, ignore_result=True)
def send_deadline_reminders() -> int:
    """CAL-2: the daily reminders of tomorrow's deadlines (schedule: ``CELERY_BEAT_SCHEDULE`` in
    settings). Running it twice sends nothing more: each reminder is sent once per deadline and
    person."""
    return remind()
