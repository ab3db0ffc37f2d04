"""The regional commission and its dated compositions (COM-1, COM-2, E20-9).

A commission is permanent ("постоянно действующая комиссия", 2022 p.11); who sits on it changes
over time. Each ``Composition`` is the whole commission from its ``effective_from`` day until the
next composition of the same commission takes effect: members, the chair and the deputy chair
elected from them, and the secretary, who is not a member. Which composition decided a case is
therefore derived from the dates, never from a flag that could drift, and a past protocol shows
who was a member on its day.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    def is_in_force_on(self, day: datetime.date) -> bool:
        later = self.commission.compositions.filter(
            effective_from__gt=self.effective_from, effective_from__lte=day
        )
        return self.effective_from <= day and not later.exists()


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
