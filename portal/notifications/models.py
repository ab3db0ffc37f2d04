"""The outbox of the portal's e-mails (Уведомления): one row per event, so no event mails twice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An e-mail about one event (a status change, a decision, a meeting …), written in the
    recipient's language when the event happens and sent once after the event's transaction
    commits.

    ``event_key`` names the event (e.g. ``"audit:1234"``, the audit event that recorded it) and
    is unique: writing the same event again finds the row, and the task that sends finds it sent.
    """

    event_key = models.CharField(_("event"), max_length=128, unique=True)
    recipient = models.EmailField(_("recipient"), blank=True)
    language = models.CharField(_("language"), max_length=5)
    template = models.CharField(_("template"), max_length=200)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("text"))
    # What the e-mail is about, as the audit trail names objects ("suppliers.application", "12").
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="notification_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_key} -> {self.recipient or '—'}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
