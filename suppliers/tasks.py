"""Celery tasks of the supplier cabinet: thin and idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="suppliers.tasks.send_status_email",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_status_email(*, application_id: int, event_key: str) -> str:
    """E-mail the supplier about a status change (SUP-9). Scheduled with
    ``transaction.on_commit`` by the service that changed the status; running it twice sends one
    e-mail (``services.notify_status_change`` records each change it has mailed)."""
    from suppliers.services import notify_status_change

    outcome = notify_status_change(application_id=application_id, event_key=event_key)
    return "sent" if outcome.sent else outcome.reason
