"""Status e-mails (SUP-9): one use of the portal's outbox (``portal.notifications``)."""

from __future__ import annotations

from portal.notifications.models import Notification
from portal.notifications.services import Recipient, notify
from suppliers import selectors
from suppliers.models import Application

STATUS_EMAIL = "suppliers/email/status"  # status_subject.txt, status_body.txt

# --- notifications (SUP-9) ---


def notify_status_change(*, application_id: int, event_key: str) -> Notification | None:
    """E-mail the supplier about a change of its application's status (SUP-9, issue 5 item 8).

    Once per change (``event_key``, the audit event that recorded it): a second call finds the
    e-mail in the outbox and does nothing. It is written now, in the language of the
    application's notifications, to the application's contact e-mail, else that of the person
    who started it, and sent after the change commits. None if there is no such application.
    """
    application = (
        Application.objects.select_related("supplier", "created_by", "region")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return None
    address = application.email or (application.created_by.email if application.created_by else "")
    context = {
        "application": application,
        "supplier": application.supplier,
        "status": selectors.application_status(application),
        "status_label": Application.Status(application.status).label
        if application.status in Application.Status.values
        else application.status,
    }
    return notify(
        event_key=event_key,
        recipient=Recipient(email=address, language=application.language),
        template=STATUS_EMAIL,
        context=context,
        about=application,
    )
