"""Status e-mails (SUP-9)."""

from __future__ import annotations

import dataclasses

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from suppliers import selectors
from suppliers.models import (
    Application,
    StatusEmail,
)

# --- notifications (SUP-9) ---


@dataclasses.dataclass(frozen=True)
class EmailOutcome:
    sent: bool
    reason: str = ""


def notify_status_change(*, application_id: int, event_key: str) -> EmailOutcome:
    """E-mail the supplier about a change of its application's status (SUP-9, issue 5 item 8).

    Once per change (``event_key``): a second call finds the e-mail already sent and does
    nothing. The text is in the application's language; the address is the application's
    contact e-mail, else that of the person who started it.
    """
    with transaction.atomic():
        application = (
            Application.objects.select_related("supplier", "created_by", "region")
            .filter(pk=application_id)
            .first()
        )
        if application is None:
            return EmailOutcome(sent=False, reason="no_application")
        email, _created = StatusEmail.objects.select_for_update().get_or_create(
            event_key=event_key,
            defaults={"application": application, "status": application.status},
        )
        if email.sent_at is not None:
            return EmailOutcome(sent=False, reason="already_sent")
        recipient = application.email or (
            application.created_by.email if application.created_by else ""
        )
        if not recipient:
            email.recipient = ""
            email.save(update_fields=["recipient"])
            return EmailOutcome(sent=False, reason="no_address")
        status_view = selectors.application_status(application)
        context = {
            "application": application,
            "supplier": application.supplier,
            "status": status_view,
            "status_label": Application.Status(email.status).label
            if email.status in Application.Status.values
            else email.status,
        }
        with translation.override(application.language or "kk"):
            subject = " ".join(
                render_to_string("suppliers/email/status_subject.txt", context).split()
            )
            body = render_to_string("suppliers/email/status_body.txt", context)
        send_mail(subject, body, None, [recipient])
        email.recipient = recipient
        email.sent_at = timezone.now()
        email.save(update_fields=["recipient", "sent_at"])
    return EmailOutcome(sent=True)
