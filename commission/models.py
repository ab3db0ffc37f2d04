"""The regional commission and its dated compositions (COM-1, COM-2, E20-9).

A commission is permanent ("постоянно действующая комиссия", 2022 p.11); who sits on it changes
over time. Each ``Composition`` is the whole commission from its ``effective_from`` day until the
next composition of the same commission takes effect: members, the chair and the deputy chair
elected from them, and the secretary, who is not a member. Which composition decided a case is
therefore derived from the dates, never from a flag that could drift, and a past protocol shows
who was a member on its day.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.editions import Edition
from portal.models import Region


class Commission(models.Model):
    """The permanent commission of a region (Комиссия, 2022 p.10–11; 2020 p.12)."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="commission", verbose_name=_("region")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["region__name_ru"]

    def __str__(self) -> str:
        return str(_("Commission of %(region)s") % {"region": self.region.name})


class Composition(models.Model):
    """Who the commission is from ``effective_from`` on: its members and its officers.

    The chair, the deputy chair and (edition 2022) the secretary are elected by the members
    ("избираются членами комиссии", 2022 p.11); ``elected_on`` and ``election_protocol`` record
    that election. Under edition 2020 the secretary is a specialist of the authorised body
    (p.12), appointed rather than elected.
    """

    commission = models.ForeignKey(
        Commission,
        on_delete=models.PROTECT,
        related_name="compositions",
        verbose_name=_("commission"),
    )
    effective_from = models.DateField(_("in force from"))
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("secretary"),
    )
    elected_on = models.DateField(_("officers elected on"))
    election_protocol = models.CharField(
        _("election protocol"),
        max_length=100,
        help_text=_("Number and date of the members' protocol that elected the officers."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("composition")
        verbose_name_plural = _("compositions")
        ordering = ["commission", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "effective_from"], name="one_composition_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(elected_on__lte=models.F("effective_from")),
                name="officers_elected_before_taking_office",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(commission)s from %(day)s")
            % {"commission": self.commission, "day": self.effective_from.strftime("%d.%m.%Y")}
        )


class Seat(models.Model):
    """A member's seat in one composition (член комиссии); the chair and the deputy chair are
    members holding an office besides."""

    class Office(models.TextChoices):
        MEMBER = "member", _("member")
        CHAIR = "chair", _("chair")
        DEPUTY_CHAIR = "deputy_chair", _("deputy chair")

    composition = models.ForeignKey(
        Composition, on_delete=models.CASCADE, related_name="seats", verbose_name=_("composition")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commission_seats",
        verbose_name=_("member"),
    )
    office = models.CharField(
        _("office"), max_length=20, choices=Office.choices, default=Office.MEMBER
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["composition", "office", "member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["composition", "member"], name="one_seat_per_member"),
            models.UniqueConstraint(
                fields=["composition", "office"],
                condition=~models.Q(office="member"),
                name="one_holder_per_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.full_name} ({self.get_office_display()})"


class Meeting(ConcurrentTransitionMixin, models.Model):
    """A meeting of the commission (заседание, 2022 p.13): scheduled by the secretary, opened by
    the chair — or by the deputy chair in the chair's absence (p.11) — once at least two thirds
    of all members are present (p.13), then closed.

    ``composition`` is the composition in force on the meeting's day, fixed when it is scheduled:
    the total number of members that quorum and majority count from.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("meeting", "scheduled")
        OPEN = "open", pgettext_lazy("meeting", "open")
        CLOSED = "closed", pgettext_lazy("meeting", "closed")

    commission = models.ForeignKey(
        Commission, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("commission")
    )
    composition = models.ForeignKey(
        Composition,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("composition"),
    )
    held_on = models.DateField(_("meeting day"))
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, protected=True
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    presided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presided by"),
    )
    presiding_office = models.CharField(
        _("presiding as"), max_length=20, choices=Seat.Office.choices, blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return str(
            _("Meeting of %(day)s, %(commission)s")
            % {"day": self.held_on.strftime("%d.%m.%Y"), "commission": self.commission}
        )

    @transition(field=status, source=Status.SCHEDULED, target=Status.OPEN)
    def open(self) -> None:
        """Opened by the presiding member with a quorum (2022 p.11, p.13)."""

    @transition(field=status, source=Status.OPEN, target=Status.CLOSED)
    def close(self) -> None:
        """Closed once every item is decided or recorded as without decision."""


class Attendance(models.Model):
    """Whether a member of the meeting's composition is present."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.present})"


class AgendaItem(ConcurrentTransitionMixin, models.Model):
    """One matter on a meeting's agenda: an application or a deregistration case (a complaint
    reaches the agenda as the case it opens). The presiding member puts a proposal (admit, or
    refuse with reasons of the edition's list; for a case: deregister or not); the members vote
    openly; the proposal is adopted only by the majority of the total number of members (2022
    p.13), otherwise the item ends without a decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("not yet discussed")
        VOTING = "voting", _("voting")
        ADOPTED = "adopted", _("decision adopted")
        NO_DECISION = "no_decision", _("no decision")

    class Proposal(models.TextChoices):
        ADMIT = "admit", _("admit and register")
        REFUSE = "refuse", _("refuse")
        # On a deregistration case (2022 p.21-22; 2020 p.19).
        DEREGISTER = "deregister", _("deregister the supplier")
        KEEP = "keep", _("do not deregister the supplier")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("position on the agenda"))
    application = models.ForeignKey(
        "suppliers.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("application"),
    )
    deregistration_case = models.ForeignKey(
        "deregistration.DeregistrationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("deregistration case"),
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, protected=True
    )
    proposal = models.CharField(_("proposal"), max_length=20, choices=Proposal.choices, blank=True)
    refusal_reasons = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("refusal reasons")
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    decided_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="one_item_per_position"),
            models.UniqueConstraint(
                fields=["meeting", "application"], name="application_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "deregistration_case"], name="case_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(application__isnull=False, deregistration_case__isnull=True)
                    | models.Q(application__isnull=True, deregistration_case__isnull=False)
                ),
                name="item_is_about_one_matter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.position}"

    @property
    def edition(self) -> Edition:
        """The rules edition that decides this item: the one its application was filed under,
        or the one its deregistration case was opened under."""
        if self.deregistration_case_id is not None:
            return self.deregistration_case.edition
        if self.application is None:
            raise ValueError("Every agenda item is about an application or a case.")
        return self.application.edition

    @property
    def is_deregistration(self) -> bool:
        """Whether the item is about a deregistration case (2022 p.21-22; 2020 p.19)."""
        return self.deregistration_case_id is not None

    @property
    def supplier(self):
        """The supplier the item's matter is about."""
        if self.deregistration_case_id is not None:
            return self.deregistration_case.supplier
        return self.application.supplier if self.application else None

    @property
    def decided_per_kind(self) -> bool:
        """Whether each kind of goods or services of the application is decided on its own
        (edition 2020 p.8, p.14: an application per kind, each approved; E20-3): then the
        proposal, the votes and the outcome are per kind (``KindDecision``), and the item's own
        ``proposal`` and ``refusal_reasons`` only sum them up."""
        return self.application is not None and self.edition.one_application_per_kind

    @transition(field=status, source=Status.PENDING, target=Status.VOTING)
    def start_voting(self) -> None:
        """The proposal is put to the vote."""

    @transition(field=status, source=Status.VOTING, target=Status.ADOPTED)
    def adopt(self) -> None:
        """Votes for reached the majority of all members."""

    @transition(field=status, source=Status.VOTING, target=Status.NO_DECISION)
    def record_no_decision(self) -> None:
        """Votes for fell short: no decision, never a refusal (COM-5, choice)."""


class Vote(models.Model):
    """A member's open vote on the proposal of an agenda item, signed with EDS (2022 p.13)."""

    class Choice(models.TextChoices):
        FOR = "for", pgettext_lazy("vote", "for")
        AGAINST = "against", pgettext_lazy("vote", "against")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="votes", verbose_name=_("agenda item")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    # Blank when the item is decided per kind: the choices are then in ``kind_votes``.
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices, blank=True)
    signature = models.OneToOneField(
        "eds.Signature", on_delete=models.PROTECT, related_name="+", verbose_name=_("signature")
    )
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.member} {self.choice}"


class KindDecision(models.Model):
    """The decision on one per-kind application (өтінім на вид товара или услуги) within an
    agenda item, where the edition decides each kind on its own (2020 p.8, p.14; E20-3): the
    proposal for this kind — admit it, or refuse it with reasons of the edition's list — the
    tally of the members' votes on it and, once the item is closed, its outcome. A kind whose
    votes for fall short of the majority of all members has no decision, never a refusal.

    Fixed once its outcome is recorded (a database trigger): the protocol is formed from it."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("decision adopted")
        NO_DECISION = "no_decision", _("no decision")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="kinds", verbose_name=_("agenda item")
    )
    offering = models.ForeignKey(
        "suppliers.Offering",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of goods or service"),
    )
    proposal = models.CharField(_("proposal"), max_length=20, choices=AgendaItem.Proposal.choices)
    refusal_reasons = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("refusal reasons")
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("decision on a kind of goods or services")
        verbose_name_plural = _("decisions on kinds of goods or services")
        ordering = ["item", "offering"]
        constraints = [
            models.UniqueConstraint(fields=["item", "offering"], name="one_decision_per_kind")
        ]
        triggers = [
            pgtrigger.Protect(
                name="kind_decision_is_fixed_once_closed",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition("OLD.outcome <> ''"),
            ),
            pgtrigger.Protect(name="kind_decision_is_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.offering_id} {self.proposal}"

    @property
    def admitted(self) -> bool:
        """This kind is admitted: its proposal to admit was adopted."""
        return self.outcome == self.Outcome.ADOPTED and self.proposal == AgendaItem.Proposal.ADMIT


class KindVote(models.Model):
    """A member's vote on one kind, part of their one signed vote on the item (E20-3)."""

    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="kind_votes", verbose_name=_("vote")
    )
    kind = models.ForeignKey(
        KindDecision,
        on_delete=models.PROTECT,
        related_name="votes",
        verbose_name=_("decision on a kind of goods or services"),
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Vote.Choice.choices)

    class Meta:
        verbose_name = _("vote on a kind of goods or services")
        verbose_name_plural = _("votes on kinds of goods or services")
        constraints = [
            models.UniqueConstraint(fields=["vote", "kind"], name="one_vote_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.vote}: {self.kind_id} {self.choice}"


class ProtocolCounter(models.Model):
    """The last protocol number of a commission in a year: numbers run without gaps, taken under
    this row's lock in the transaction that forms the protocol."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commission", "year"], name="one_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.commission} {self.year}: {self.last_number}"


# What a protocol says: fixed from the moment it is numbered; its PDF from the moment it is made.
PROTOCOL_CONTENT = (
    "commission",
    "year",
    "number",
    "item",
    "decision",
    "refusal_reasons",
    "formed_on",
)


class Protocol(ConcurrentTransitionMixin, models.Model):
    """The protocol of the commission's decision on an application (Протокол, Annex 2; 2022
    p.14): formed by the secretary from the members' signed decisions, signed with EDS by the
    members who decided, the presiding member and the secretary over the exact PDF bytes, then
    published on the portal within one working day of its signing (p.15).

    It is numbered first (a short transaction under the counter's lock), then its PDF is made
    outside any lock and attached. Database triggers refuse any change of what it says once
    numbered, and of its PDF once made.
    """

    class Status(models.TextChoices):
        NUMBERED = "numbered", _("numbered, its form being made")
        FORMED = "formed", _("formed, awaiting signatures")
        SIGNED = "signed", _("signed")
        PUBLISHED = "published", _("published")

    commission = models.ForeignKey(
        Commission, on_delete=models.PROTECT, related_name="protocols", verbose_name=_("commission")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="protocol", verbose_name=_("agenda item")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=AgendaItem.Proposal.choices)
    refusal_reasons = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("refusal reasons")
    )
    formed_on = models.DateField(_("date of the protocol"))
    pdf = models.BinaryField(_("PDF"), editable=False, default=bytes)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, blank=True)
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NUMBERED, protected=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    publication_due = models.DateField(_("to be published by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "year", "number"], name="one_protocol_per_number"
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="protocol_content_is_fixed",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*PROTOCOL_CONTENT),
            ),
            pgtrigger.Protect(
                name="protocol_pdf_is_made_once",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.sha256 <> '' AND (OLD.pdf IS DISTINCT FROM NEW.pdf"
                    " OR OLD.sha256 IS DISTINCT FROM NEW.sha256)"
                ),
            ),
            pgtrigger.Protect(name="protocol_is_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return str(
            _("Protocol № %(number)s of %(day)s")
            % {"number": self.number, "day": self.formed_on.strftime("%d.%m.%Y")}
        )

    @property
    def label(self) -> str:
        return f"№ {self.number}/{self.year} ({self.formed_on:%d.%m.%Y})"

    @transition(field=status, source=Status.NUMBERED, target=Status.FORMED)
    def attach_form(self) -> None:
        """The PDF of the form is made with the protocol's number (2022 p.14, Annex 2)."""

    @transition(field=status, source=Status.FORMED, target=Status.SIGNED)
    def complete_signatures(self) -> None:
        """Every required signer has signed the exact PDF."""

    @transition(field=status, source=Status.SIGNED, target=Status.PUBLISHED)
    def publish(self) -> None:
        """The secretary publishes it on the portal (2022 p.15; COM-7)."""


class ProtocolSignature(models.Model):
    """One EDS signature of the protocol's PDF, with the capacity in which it was given."""

    class Capacity(models.TextChoices):
        MEMBER = "member", _("member of the commission")
        CHAIR = "chair", _("presiding member")
        SECRETARY = "secretary", _("secretary of the commission")

    protocol = models.ForeignKey(
        Protocol, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("protocol")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices)
    signature = models.OneToOneField(
        "eds.Signature", on_delete=models.PROTECT, related_name="+", verbose_name=_("signature")
    )

    class Meta:
        verbose_name = _("signature of the protocol")
        verbose_name_plural = _("signatures of the protocol")
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "signer", "capacity"], name="one_signature_per_capacity"
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="protocol_signature_is_fixed",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol}: {self.signer} ({self.capacity})"


class MemberCheck(models.Model):
    """A member's check of an application against item 7 (проверка, 2022 p.12; COM-3): agrees,
    or remarks in words. Each new check replaces the member's current one; earlier ones are kept
    as history."""

    application = models.ForeignKey(
        "suppliers.Application",
        on_delete=models.PROTECT,
        related_name="member_checks",
        verbose_name=_("application"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    agrees = models.BooleanField(_("agrees with the data"))
    remarks = models.TextField(_("remarks"), blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member's check")
        verbose_name_plural = _("members' checks")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"],
                condition=models.Q(is_current=True),
                name="one_current_check_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.member} ({self.agrees})"
