"""Send an e-mail once per event, in the recipient's language (SUP-9 and every later notice).

A service that changes state calls :func:`notify` inside its own transaction, after the change:
the e-mail is written into the outbox (``Notification``) in the same transaction, so it exists
exactly when the change does, and a task started with ``transaction.on_commit`` sends it. A
rolled-back change leaves no row and starts no task, so nothing is sent; the same event notified
twice (a task run twice, a retried request) finds its row and sends nothing more.

::

    notify(
        event_key=f"audit:{event.pk}",
        recipient=Recipient(email=application.email, language=application.language),
        template="suppliers/email/status",     # status_subject.txt and status_body.txt
        context={...},
        about=application,
    )
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerUnavailable

from portal.notifications import tasks
from portal.notifications.models import Notification

# A row still unsent this long after it was written lost its task (a broker restart): the sweep
# of send_unsent_notifications sends it.
UNSENT_AFTER = datetime.timedelta(minutes=10)
logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Recipient:
    """Who an e-mail goes to and the language it is written in (``kk``, ``ru`` or ``en``).

    An empty address is allowed: the event is recorded and nothing is sent.
    """

    email: str
    language: str = ""

    @property
    def language_code(self) -> str:
        """``language`` if the portal speaks it, else the portal's default language (Kazakh)."""
        codes = {code for code, _name in settings.LANGUAGES}
        language = (self.language or "")[:2]
        return language if language in codes else settings.LANGUAGE_CODE


def notify(
    *,
    event_key: str,
    recipient: Recipient,
    template: str,
    context: Mapping[str, Any],
    about: models.Model | None = None,
) -> Notification:
    """Write the e-mail about event ``event_key`` to ``recipient`` into the outbox, once, and send
    it after the current transaction commits (SUP-9; issue 10, item 5).

    ``template`` names two templates, ``<template>_subject.txt`` (one line) and
    ``<template>_body.txt``, rendered with ``context`` in the recipient's language now, so the
    e-mail says what was true when the event happened. If the outbox holds ``event_key``
    already, nothing is rendered, written or sent, and its row is returned.
    """
    existing = Notification.objects.filter(event_key=event_key).first()
    if existing is not None:
        return existing
    language = recipient.language_code
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", dict(context)).split())
        body = render_to_string(f"{template}_body.txt", dict(context))
    notification, created = Notification.objects.get_or_create(
        event_key=event_key,
        defaults={
            "recipient": recipient.email,
            "language": language,
            "template": template,
            "subject": subject,
            "body": body,
            "object_type": about._meta.label_lower if about is not None else "",
            "object_id": str(about.pk) if about is not None else "",
        },
    )
    if created and notification.recipient:
        pk = notification.pk
        transaction.on_commit(lambda: _start_sending(pk))
    return notification


def _start_sending(notification_id: int) -> None:
    """Queue the send task; with the broker down the change has committed all the same and its
    e-mail waits in the outbox for ``send_unsent_notifications`` (beat, every few minutes), so
    the request that made the change still succeeds (issue 15 item 2)."""
    try:
        tasks.send_notification.delay(notification_id=notification_id)
    except (BrokerUnavailable, OSError) as error:
        logger.warning(
            "broker unavailable: e-mail %s waits in the outbox for the sweep (%s)",
            notification_id,
            error,
        )


@transaction.atomic(durable=True)
def send_notification(*, notification_id: int) -> str:
    """Send the e-mail of one outbox row unless it has been sent (idempotent; SUP-9).

    The row is locked while the e-mail goes out, so two runs of the task cannot both send it.
    Returns what happened: ``"sent"``, ``"already_sent"``, ``"no_address"``, ``"no_text"`` or
    ``"missing"``.
    """
    notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if notification is None:
        return "missing"
    if notification.sent_at is not None:
        return "already_sent"
    if not notification.recipient:
        return "no_address"
    if not notification.body:
        # Never send an empty e-mail (rows carried over from before the outbox had no text).
        return "no_text"
    send_mail(notification.subject, notification.body, None, [notification.recipient])
    notification.sent_at = timezone.now()
    notification.save(update_fields=["sent_at"])
    return "sent"


def send_unsent_notifications(*, older_than: datetime.timedelta = UNSENT_AFTER) -> int:
    """Send every outbox row with an address and a text still unsent ``older_than`` after it was
    written; returns how many were sent."""
    unsent = (
        Notification.objects.filter(
            sent_at__isnull=True, created_at__lt=timezone.now() - older_than
        )
        .exclude(recipient="")
        .exclude(body="")
        .values_list("pk", flat=True)
    )
    return sum(send_notification(notification_id=pk) == "sent" for pk in list(unsent))
