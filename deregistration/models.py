"""Deregistration cases (снятие с регистрации; 2022 chapter 3, 2020 chapter 3): one case per
ground raised against a registered supplier, from its opening to its effect (DER-1 … DER-5,
E20-6).

A case is handled under the edition in force on the day it was opened (``edition_code``); its
ground is a code of that edition's ``deregistration_grounds`` (2022 p.19: five, 2020 p.15: four),
never a number written here. How it ends:

* grounds decided by the commission (2022: 1 and 5; 2020: every ground, p.19) go on an agenda,
  are decided by vote and take effect when the protocol is published (2022 p.22-23; DER-4, DER-5);
* automatic grounds (2022: 2-4, p.20; DER-2) take effect from the state data itself, recorded
  with the source, the sync run and the raw record.

``status`` is protected: it changes only through ``deregistration.services``.
"""

from __future__ import annotations

import datetime

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.deadlines import Deadline, clause_of
from portal.editions import DeregistrationGround, Edition, edition_by_code


class DeregistrationCase(ConcurrentTransitionMixin, models.Model):
    """A case for deregistering a supplier on one ground (дело о снятии с регистрации)."""

    class Status(models.TextChoices):
        OPEN = "open", _("opened")
        HELD = "held", _("held for an operator's confirmation")
        UNDER_REVIEW = "under_review", _("on the commission's agenda")
        DECIDED = "decided", _("decided, protocol awaiting publication")
        DEREGISTERED = "deregistered", _("supplier deregistered")
        DISMISSED = "dismissed", _("closed without deregistration")
        WITHDRAWN = "withdrawn", _("withdrawn by the supplier")

    class Outcome(models.TextChoices):
        DEREGISTER = "deregister", _("deregister the supplier")
        KEEP = "keep", _("do not deregister the supplier")

    class Source(models.TextChoices):
        """Who raised the case; automatic grounds name the state system in ``state_source``."""

        SUPPLIER = "supplier", _("the supplier's own application")
        STATE_DATA = "state_data", _("data of state information systems")
        COMPLAINT = "complaint", _("information posted by a person with disability")
        COMMISSION = "commission", _("the commission's secretary")

    # States in which a case is still going: at most one such case per supplier and ground.
    ACTIVE_STATES = (Status.OPEN, Status.HELD, Status.UNDER_REVIEW, Status.DECIDED)

    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="deregistration_cases",
        verbose_name=_("supplier"),
    )
    edition_code = models.CharField(_("rules edition"), max_length=10)
    ground = models.CharField(_("ground"), max_length=40)
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, protected=True
    )
    source = models.CharField(_("raised by"), max_length=20, choices=Source.choices)
    # The evidence: what the supplier signed, what the complainant said, what the source listed.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    # Automatic grounds (DER-2): the state system, the sync run and the record as received.
    state_source = models.CharField(_("state system"), max_length=32, blank=True)
    sync_run = models.ForeignKey(
        "egov_gateway.SyncRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deregistration_cases",
        verbose_name=_("sync run"),
    )
    raw_record = models.JSONField(_("record as received"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
        help_text=_("Empty when the portal opened it from state data."),
    )
    # The last day for the decision (or, for automatic grounds, the effect), and the edition's
    # parameter that fixes it (CAL-2); empty where the edition fixes no period (2020 p.15(1)).
    decision_due = models.DateField(_("to be decided by"), null=True, blank=True)
    decision_period = models.CharField(_("period of the decision"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    protocol = models.ForeignKey(
        "commission.Protocol",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deregistration_cases",
        verbose_name=_("protocol"),
    )
    # What the register entries say about the exit (the protocol's label, or the automatic act).
    protocol_label = models.CharField(_("protocol of deregistration"), max_length=100, blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deregistration case")
        verbose_name_plural = _("deregistration cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "ground"],
                condition=models.Q(status__in=["open", "held", "under_review", "decided"]),
                name="one_active_case_per_ground",
            ),
        ]
        indexes = [models.Index(fields=["status", "decision_due"], name="dereg_case_status_due")]

    def __str__(self) -> str:
        return str(
            _("Deregistration case No. %(number)s (%(supplier)s)")
            % {"number": self.pk, "supplier": self.supplier}
        )

    @property
    def edition(self) -> Edition:
        return edition_by_code(self.edition_code)

    @property
    def ground_rule(self) -> DeregistrationGround:
        """The ground as its edition words it (number, text, clause, automatic, …)."""
        return self.edition.ground_by_code(self.ground)

    @property
    def decision_deadline(self) -> Deadline | None:
        """The decision's last day with the clause that fixes it (CAL-2)."""
        if self.decision_due is None or not self.decision_period:
            return None
        return Deadline(
            day=self.decision_due,
            clause=clause_of(edition=self.edition, parameter=self.decision_period),
        )

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATES

    def may_apply_again_from(self) -> datetime.date | None:
        """The day from which a new admission is possible, where the edition fixes a waiting
        period for the ground (2022 p.24: one year after ground 5); None otherwise."""
        rule = self.edition.readmission_rule_for(self.ground_rule.number)
        if rule is None or rule.waiting_period_years is None or self.deregistered_on is None:
            return None
        return add_years(self.deregistered_on, rule.waiting_period_years)

    # --- lifecycle ---
    @transition(field=status, source=Status.OPEN, target=Status.HELD)
    def hold(self) -> None:
        """Held for an operator's confirmation (the mass-removal guard of the sync)."""

    @transition(field=status, source=Status.HELD, target=Status.OPEN)
    def release(self) -> None:
        """An operator confirmed the held case: it goes on."""

    @transition(field=status, source=[Status.OPEN, Status.UNDER_REVIEW], target=Status.UNDER_REVIEW)
    def put_on_agenda(self) -> None:
        """Put on the agenda of a commission's meeting (2022 p.21-22; 2020 p.19). A case whose
        item ended without a decision stays under review and may be put on a later agenda."""

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.DECIDED)
    def decide(self) -> None:
        """The commission adopted a decision by vote (COM-4, COM-5): ``outcome`` says which."""

    @transition(field=status, source=[Status.OPEN, Status.DECIDED], target=Status.DEREGISTERED)
    def deregister(self) -> None:
        """The supplier's register entries are closed: on an automatic ground from the state
        data (2022 p.20), otherwise when the protocol is published (2022 p.23)."""

    @transition(
        field=status, source=[Status.OPEN, Status.HELD, Status.DECIDED], target=Status.DISMISSED
    )
    def dismiss(self) -> None:
        """Closed without deregistration: the commission decided not to deregister (published),
        or the operator found the held state data wrong."""

    @transition(field=status, source=[Status.OPEN, Status.UNDER_REVIEW], target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        """The supplier withdrew its own application before the decision."""


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DeregistrationApplication(models.Model):
    """The supplier's application for deregistration (Заявление на снятие с регистрации; 2022
    p.19(1), Annex 3; 2020 p.15(1), Annex 2): what the supplier entered, in the form's order, and
    the exact PDF it signed with EDS (both official languages in one document).

    Preparing again makes a new row. Once ``signature`` is set the row can be neither changed
    nor deleted (a database trigger refuses both): the signed bytes never change.
    """

    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="deregistration_applications",
        verbose_name=_("supplier"),
    )
    edition_code = models.CharField(_("rules edition"), max_length=10)
    # The form's fields in its order (2022 Annex 3; 2020 Annex 2).
    name = models.CharField(_("name of the supplier"), max_length=500)
    identifier = models.CharField(_("BIN/IIN"), max_length=12)
    registration_number = models.CharField(
        _("state registration number"), max_length=50, blank=True
    )
    activity = models.CharField(_("kind of activity"), max_length=500)
    legal_address = models.CharField(_("legal address"), max_length=500)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("contact phone"), max_length=50)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    activity_address = models.CharField(
        _("address of the place of activity"), max_length=500, blank=True
    )
    confirms_contacts = models.BooleanField(_("the contacts are official"), default=False)
    confirms_documents = models.BooleanField(_("the documents are true and valid"), default=False)
    consent_personal_data = models.BooleanField(
        _("consent to the processing of personal data"), default=False
    )
    signer_name = models.CharField(_("signed by"), max_length=255)
    form_date = models.DateField(_("date of the form"))
    language = models.CharField(_("language of notifications"), max_length=5, blank=True)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    prepared_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    signature = models.OneToOneField(
        "eds.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature"),
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    case = models.OneToOneField(
        DeregistrationCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("deregistration case"),
    )

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        verbose_name = _("application for deregistration")
        verbose_name_plural = _("applications for deregistration")
        triggers = [
            pgtrigger.Protect(
                name="dereg_application_immutable_once_signed",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__signature__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Application for deregistration No. %(number)s (%(supplier)s)")
            % {"number": self.pk, "supplier": self.name}
        )

    @property
    def edition(self) -> Edition:
        return edition_by_code(self.edition_code)

    @property
    def is_signed(self) -> bool:
        return self.signature_id is not None


class SyncRunReview(ConcurrentTransitionMixin, models.Model):
    """What one state-data sync run would deregister automatically, register by register, and
    whether the mass-removal guard holds it for an operator (DER-2; SYNC-3).

    One per sync run, made before its first change event is acted on. When the run would take
    more than ``AUTO_DEREGISTRATION_MAX_SHARE`` of the suppliers out of a register (of at least
    ``AUTO_DEREGISTRATION_GUARD_MIN``), the cases it opens are held until an operator confirms
    the data (then the suppliers are deregistered) or rejects it (the cases are dismissed).
    """

    class Status(models.TextChoices):
        PROCEEDING = "proceeding", _("deregistrations proceed")
        HELD = "held", _("held for an operator's confirmation")
        CONFIRMED = "confirmed", _("confirmed by an operator")
        REJECTED = "rejected", _("rejected by an operator")

    run = models.OneToOneField(
        "egov_gateway.SyncRun",
        on_delete=models.PROTECT,
        related_name="deregistration_review",
        verbose_name=_("sync run"),
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PROCEEDING,
        protected=True,
    )
    # Register code -> {"removing": suppliers the run would deregister, "registered": in it}.
    shares = models.JSONField(_("share of each register"), default=dict, blank=True)
    max_share = models.DecimalField(_("largest share allowed"), max_digits=5, decimal_places=4)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("review of a sync run's deregistrations")
        verbose_name_plural = _("reviews of sync runs' deregistrations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(
            _("Deregistrations of sync run No. %(run)s: %(status)s")
            % {"run": self.run_id, "status": self.get_status_display()}
        )

    @property
    def removing(self) -> int:
        return sum(share["removing"] for share in self.shares.values())

    @transition(field=status, source=Status.PROCEEDING, target=Status.HELD)
    def hold(self) -> None:
        """The guard holds the run's automatic deregistrations."""

    @transition(field=status, source=Status.HELD, target=Status.CONFIRMED)
    def confirm(self) -> None:
        """An operator confirmed the data: the held suppliers are deregistered."""

    @transition(field=status, source=Status.HELD, target=Status.REJECTED)
    def reject(self) -> None:
        """An operator found the data wrong: the held cases are dismissed."""


class StateEventOutcome(models.Model):
    """What the portal did with one change event of the state-data sync (DER-2; 2020 p.19):
    at most one per event (a unique key), so an event yields at most one case and a task or
    the safety-net job that meets it again does nothing."""

    class Outcome(models.TextChoices):
        DEREGISTERED = "deregistered", _("supplier deregistered")
        HELD = "held", _("held for an operator's confirmation")
        DISMISSED = "dismissed", _("dismissed: an operator rejected the data")
        FOR_COMMISSION = "for_commission", _("case opened for the commission")
        ALREADY_IN_CASE = "already_in_case", _("the supplier's case on this ground is going")
        NOT_REGISTERED = "not_registered", _("the supplier is not registered")
        NO_GROUND = "no_ground", _("not a ground of the rules in force")
        NOT_ACTED_ON = "not_acted_on", _("nothing to do")

    event = models.OneToOneField(
        "egov_gateway.StateChangeEvent",
        on_delete=models.PROTECT,
        related_name="deregistration_outcome",
        verbose_name=_("change event"),
    )
    case = models.ForeignKey(
        DeregistrationCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="state_events",
        verbose_name=_("deregistration case"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    handled_at = models.DateTimeField(_("handled at"), default=timezone.now)

    class Meta:
        verbose_name = _("outcome of a state change event")
        verbose_name_plural = _("outcomes of state change events")
        ordering = ["-handled_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.get_outcome_display()}"


class ProcurementRegisterCheck(ConcurrentTransitionMixin, models.Model):
    """The secretary's weekly check of the register of unscrupulous participants of public
    procurement for the suppliers of the commission's region (edition 2020 p.17; E20-7).

    One per region and week under an edition whose procurement-register ground the commission
    decides (2020: no automatic deregistration, p.19). The weekly sync feeds it: the secretary
    sees what its latest successful run of the register lists among the region's registered
    suppliers and the cases opened on it, and records the check as done.
    """

    class Status(models.TextChoices):
        DUE = "due", _("to be checked")
        DONE = "done", _("checked")

    region = models.ForeignKey(
        "portal.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    week_of = models.DateField(_("week of"), help_text=_("The Monday of the week checked."))
    edition_code = models.CharField(_("rules edition"), max_length=10)
    status = FSMField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE, protected=True
    )
    sync_run = models.ForeignKey(
        "egov_gateway.SyncRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sync run checked"),
    )
    # At completion: the region's registered suppliers the register listed, and their cases.
    findings = models.JSONField(_("findings"), default=list, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly check of the procurement register")
        verbose_name_plural = _("weekly checks of the procurement register")
        ordering = ["-week_of", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "week_of"], name="one_check_per_week"),
        ]

    def __str__(self) -> str:
        return str(
            _("Check of the procurement register, week of %(day)s")
            % {"day": f"{self.week_of:%d.%m.%Y}"}
        )

    @transition(field=status, source=Status.DUE, target=Status.DONE)
    def complete(self) -> None:
        """The secretary recorded the check as done."""


# Complaints of recipients live in their own module; imported here so that Django registers them.
from deregistration.complaints import Complaint, ComplaintDocument  # noqa: E402

__all__ = [
    "Complaint",
    "ComplaintDocument",
    "DeregistrationApplication",
    "DeregistrationCase",
    "ProcurementRegisterCheck",
    "StateEventOutcome",
    "SyncRunReview",
    "add_years",
]
