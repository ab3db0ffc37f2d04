"""The audit trail: an append-only, hash-chained journal of every act that changes state.

Why a chain: the database trigger (migration 0002) stops the application, or anyone using its
ordinary SQL rights, from changing or removing an event; but whoever owns the table can disable the
trigger. Each event therefore carries the SHA-256 of its own content and of the event before it, so
a changed or removed event breaks the chain and ``manage.py verify_audit`` names the first break.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The predecessor of the very first event.
GENESIS_HASH = "0" * 64
OBJECT_REPR_LENGTH = 200


class AuditEvent(models.Model):
    """One recorded act: who did what, to which object, on which legal basis, in which request.

    Never create one directly: ``portal.audit.services.record`` chains it to the previous event.
    """

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A person with a history is deactivated, never deleted: events keep pointing at them.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for acts of the system itself (scheduled jobs, state-system sync)."),
    )
    actor_role = models.CharField(_("actor's role"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    # "app_label.model" rather than a ContentType key: the string stays meaningful (and hashable the
    # same way) even after a model is renamed or its content type is removed.
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=OBJECT_REPR_LENGTH, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=100, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(_("previous event's hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        constraints = [
            # At most one successor per event: a forked chain cannot even be written.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_one_successor"),
            models.CheckConstraint(
                condition=models.Q(hash__regex=r"^[0-9a-f]{64}$")
                & models.Q(prev_hash__regex=r"^[0-9a-f]{64}$"),
                name="audit_hashes_are_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}".rstrip(":")

    def canonical_content(self) -> str:
        """The exact text the hash covers; identical before saving and after reloading."""
        return canonical_json(
            {
                "occurred_at": canonical_timestamp(self.occurred_at),
                "actor_id": self.actor_id,
                "actor_role": self.actor_role,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "before": self.before,
                "after": self.after,
                "basis": self.basis,
                "request_id": self.request_id,
                "prev_hash": self.prev_hash,
            }
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content().encode("ascii")).hexdigest()


def canonical_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds: PostgreSQL keeps exactly microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, ASCII only: jsonb reorders keys, so the order must not matter."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
