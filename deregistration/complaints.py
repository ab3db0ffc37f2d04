"""Complaints by recipients (2022 p.19(5), p.21; 2020 p.15(4), p.18; DER-3, E20-8): a person
with disability posts on the portal that a registered supplier failed to perform, or performed
improperly, the obligations it took through the portal.

A complaint is filed under the edition in force on the day it is posted (``edition_code``); its
kind is a code of that edition's ``complaint_kinds``. It is posted no later than the edition's
``complaint_filing_calendar_days`` after the day the person learned of the failure, signed with
the person's EDS (the signed bytes are kept with the signature). Posting opens (or joins) the
supplier's deregistration case on the non-performance ground, which the commission reviews
within ``complaint_review_working_days`` of posting; the supplier may answer with documents
within ``complaint_answer_working_days``. The complaint follows its case: on the agenda, decided
(a violation or none), the supplier deregistered or the case closed.

``status`` is protected: it changes only through ``deregistration.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.deadlines import HeldDeadline
from portal.editions import ComplaintKind, Edition, edition_by_code
from portal.storage import extension_for, private_storage

ANSWER_PERIOD = "complaint_answer_working_days"
REVIEW_PERIOD = "complaint_review_working_days"


class Complaint(ConcurrentTransitionMixin, models.Model):
    """Information posted by a person with disability about a supplier's failure to perform its
    obligations (информация о неисполнении обязательств поставщиком, 2022 p.21)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("not yet signed")
        POSTED = "posted", _("posted, awaiting the commission's review")
        UNDER_REVIEW = "under_review", _("on the commission's agenda")
        DECIDED = "decided", _("decided by the commission")
        SUPPLIER_DEREGISTERED = "supplier_deregistered", _("the supplier was deregistered")
        CLOSED = "closed", _("closed without deregistration")

    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("person with disability"),
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("supplier"),
    )
    edition_code = models.CharField(_("rules edition"), max_length=10)
    kind = models.CharField(_("what happened"), max_length=40)
    learned_on = models.DateField(_("learned of it on"))
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    description = models.TextField(_("description"))
    status = FSMField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    signature = models.ForeignKey(
        "eds.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature"),
    )
    case = models.ForeignKey(
        "deregistration.DeregistrationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("deregistration case"),
    )
    # Deadlines tracked per complaint (CAL-2): the supplier's answer and the commission's review.
    answer_due = models.DateField(_("the supplier may answer until"), null=True, blank=True)
    review_due = models.DateField(_("to be reviewed by"), null=True, blank=True)
    answer_deadline = HeldDeadline(day_field="answer_due", parameter=ANSWER_PERIOD)
    review_deadline = HeldDeadline(day_field="review_due", parameter=REVIEW_PERIOD)
    answer = models.TextField(_("the supplier's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "review_due"], name="complaint_status_review_due"),
        ]

    def __str__(self) -> str:
        return str(_("Complaint No. %(number)s") % {"number": self.pk})

    @property
    def edition(self) -> Edition:
        return edition_by_code(self.edition_code)

    @property
    def kind_rule(self) -> ComplaintKind:
        """The kind as its edition words it (text, clause, whether it is a late delivery)."""
        return self.edition.complaint_kind(self.kind)

    @property
    def is_posted(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    # --- lifecycle ---
    @transition(field=status, source=Status.DRAFT, target=Status.POSTED)
    def post(self) -> None:
        """Signed with the person's EDS and posted on the portal (2022 p.21; 2020 p.18)."""

    @transition(
        field=status, source=[Status.POSTED, Status.UNDER_REVIEW], target=Status.UNDER_REVIEW
    )
    def put_on_agenda(self) -> None:
        """Its case is on the agenda of a commission's meeting."""

    @transition(field=status, source=[Status.POSTED, Status.UNDER_REVIEW], target=Status.DECIDED)
    def decide(self) -> None:
        """The commission decided by vote whether the supplier violated its obligations."""

    @transition(field=status, source=[Status.DECIDED], target=Status.SUPPLIER_DEREGISTERED)
    def supplier_deregistered(self) -> None:
        """The protocol was published and the supplier deregistered (2022 p.23)."""

    @transition(
        field=status,
        source=[Status.POSTED, Status.UNDER_REVIEW, Status.DECIDED],
        target=Status.CLOSED,
    )
    def close(self) -> None:
        """Closed without deregistration: no violation was found, or the case ended otherwise."""


def complaint_document_path(instance: ComplaintDocument, filename: str) -> str:
    """``complaints/<complaint id>/<random>.<detected extension>``; the uploaded name is kept in
    the database only."""
    return (
        f"complaints/{instance.complaint_id}/{uuid.uuid4().hex}."
        f"{extension_for(instance.content_type)}"
    )


class ComplaintDocument(models.Model):
    """A document attached to a complaint: the complainant's evidence or the supplier's answer.
    Stored in private storage, its type detected from its content (``portal.uploads``)."""

    class Party(models.TextChoices):
        COMPLAINANT = "complainant", _("evidence of the complainant")
        SUPPLIER = "supplier", _("answer of the supplier")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="documents", verbose_name=_("complaint")
    )
    party = models.CharField(_("attached by"), max_length=20, choices=Party.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=complaint_document_path, max_length=255
    )
    original_name = models.CharField(_("file name as uploaded"), max_length=255)
    content_type = models.CharField(_("detected type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("complaint document")
        verbose_name_plural = _("complaint documents")

    def __str__(self) -> str:
        return self.original_name
