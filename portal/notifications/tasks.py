"""The outbox's tasks: thin, idempotent, started on commit (``services.notify``).

They import the services when they run: the services start them, so the import goes one way.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="portal.notifications.send_notification",
    acks_late=True,
    ignore_result=True,
    # SMTP failures (smtplib.SMTPException, socket errors) are OSError: ask again later.
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_notification(*, notification_id: int) -> str:
    """Send one outbox row's e-mail; running twice sends it once (``services.send_notification``
    checks whether it has been sent first)."""
    from portal.notifications import services

    return services.send_notification(notification_id=notification_id)


@shared_task(name="portal.notifications.send_unsent_notifications", acks_late=True)
def send_unsent_notifications() -> int:
    """Send what is still in the outbox (a send task lost with its broker); for Celery beat."""
    from portal.notifications import services

    return services.send_unsent_notifications()
