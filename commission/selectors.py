"""Reads about commissions: which composition sat on a day, and whether a composition is valid."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commission.models import AgendaItem, Attendance, Commission, Composition, Meeting, Seat
from portal.editions import Edition, edition_for
from portal.models import Region, User


@dataclass(frozen=True)
class CompositionPlan:
    """A whole composition as proposed, before it is saved (the admin form, ``load_demo``)."""

    members: Sequence[User]
    chair: User | None
    deputy_chair: User | None
    secretary: User | None
    effective_from: datetime.date
    elected_on: datetime.date | None = None


def commission_of(*, region: Region) -> Commission | None:
    return Commission.objects.filter(region=region).first()


def composition_on(*, commission: Commission, day: datetime.date) -> Composition | None:
    """The composition in force on ``day``: the latest to take effect on or before it."""
    return (
        commission.compositions.filter(effective_from__lte=day)
        .order_by("-effective_from")
        .select_related("secretary", "commission__region")
        .first()
    )


def plan_of(composition: Composition) -> CompositionPlan:
    seats = list(composition.seats.select_related("member"))
    holder = {seat.office: seat.member for seat in seats}
    return CompositionPlan(
        members=[seat.member for seat in seats],
        chair=holder.get(Seat.Office.CHAIR),
        deputy_chair=holder.get(Seat.Office.DEPUTY_CHAIR),
        secretary=composition.secretary,
        effective_from=composition.effective_from,
        elected_on=composition.elected_on,
    )


def composition_problems(*, plan: CompositionPlan, edition: Edition | None = None) -> list[str]:
    """Why ``plan`` breaks the rules of the edition in force on its first day, in words; empty
    when it is a valid commission (2022 p.11: odd, at least seven, chair and deputy chair from
    the members, a secretary who is not a member; 2020 p.12: odd, no minimum)."""
    edition = edition or edition_for(plan.effective_from)
    members = list(plan.members)
    member_ids = [member.pk for member in members]
    problems = [str(error) for error in edition.commission_size_errors(len(members))]
    if len(set(member_ids)) != len(member_ids):
        problems.append(_("The same person is listed as a member more than once."))
    problems += _officer_problems(plan, set(member_ids))
    if plan.secretary is None:
        problems.append(_("The commission has no secretary."))
    elif not edition.secretary_is_member and plan.secretary.pk in member_ids:
        problems.append(
            _("The secretary is not a member of the commission (%(clause)s): %(name)s is both.")
            % {"clause": edition.clause_for("secretary_is_member"), "name": plan.secretary}
        )
    if plan.elected_on and plan.elected_on > plan.effective_from:
        problems.append(
            _("The officers must be elected before the composition takes effect, not after.")
        )
    return problems


def _officer_problems(plan: CompositionPlan, member_ids: set[int]) -> list[str]:
    problems = []
    if plan.chair is None:
        problems.append(_("The commission has no chair."))
    elif plan.chair.pk not in member_ids:
        problems.append(
            _("The chair is elected from the members: %(name)s is not a member.")
            % {"name": plan.chair}
        )
    if plan.deputy_chair is None:
        problems.append(_("The commission has no deputy chair."))
    elif plan.deputy_chair.pk not in member_ids:
        problems.append(
            _("The deputy chair is elected from the members: %(name)s is not a member.")
            % {"name": plan.deputy_chair}
        )
    if plan.chair is not None and plan.chair == plan.deputy_chair:
        problems.append(_("The chair and the deputy chair must be two different members."))
    return problems


def presiding_member(
    *, composition: Composition, present: Sequence[User]
) -> tuple[User, str] | None:
    """Who runs a meeting (COM-2, 2022 p.11): the chair, or the deputy chair in the chair's
    absence; None when neither is present. Returns the person and their office."""
    present_ids = {person.pk for person in present}
    plan = plan_of(composition)
    for person, office in (
        (plan.chair, Seat.Office.CHAIR),
        (plan.deputy_chair, Seat.Office.DEPUTY_CHAIR),
    ):
        if person is not None and person.pk in present_ids:
            return person, office
    return None


def is_member_on(*, commission: Commission, user: User, day: datetime.date) -> bool:
    composition = composition_on(commission=commission, day=day)
    return composition is not None and composition.seats.filter(member=user).exists()


def members_of(composition: Composition) -> list[User]:
    return [seat.member for seat in composition.seats.select_related("member")]


def present_members(meeting: Meeting) -> list[User]:
    return [
        attendance.member
        for attendance in Attendance.objects.filter(meeting=meeting, present=True).select_related(
            "member"
        )
    ]


@dataclass(frozen=True)
class AttendanceTally:
    """Members present of all members, and whether that is a quorum (COM-4)."""

    present: int
    total: int
    needed: int
    quorum_met: bool


def attendance_of(meeting: Meeting) -> AttendanceTally:
    edition = edition_for(meeting.held_on)
    total = meeting.composition.seats.count()
    present = Attendance.objects.filter(meeting=meeting, present=True).count()
    needed = next(
        (n for n in range(1, total + 1) if edition.quorum_met(present=n, total=total)), total
    )
    return AttendanceTally(
        present=present,
        total=total,
        needed=needed,
        quorum_met=edition.quorum_met(present=present, total=total),
    )


def votes_still_needed(item: AgendaItem) -> int:
    """How many more votes for the proposal would adopt it, out of all members (COM-5)."""
    total = item.meeting.composition.seats.count()
    assert item.application is not None, "every agenda item is about an application"
    return max(0, item.application.edition.votes_needed(total=total) - item.votes_for)
