"""Meetings: the agenda, who is present, opening with a quorum, proposals and their outcome
(COM-2, COM-4, COM-5; 2022 p.11, p.13)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commission import selectors
from commission.models import AgendaItem, Attendance, Commission, Meeting
from commission.services.compositions import require_valid_composition
from commission.services.errors import CommissionActionError
from deregistration import selectors as deregistration_selectors
from deregistration import services as deregistration_services
from deregistration.models import DeregistrationCase
from portal.audit.services import record
from portal.deadlines import day_of
from portal.editions import edition_for
from portal.models import Role, User
from suppliers.models import Application


class NotTheSecretary(CommissionActionError):
    code = "not_the_secretary"
    message = _("Only the commission's secretary prepares its meetings.")


class NotOnTheAgenda(CommissionActionError):
    code = "not_on_the_agenda"
    message = _("This application cannot be put on the agenda: it is not awaiting a decision.")


class QuorumNotMet(CommissionActionError):
    code = "quorum_not_met"


class NotPresiding(CommissionActionError):
    code = "not_presiding"


class MeetingNotOpen(CommissionActionError):
    code = "meeting_not_open"
    message = _("The meeting is not open.")


class ProposalRefused(CommissionActionError):
    code = "proposal_refused"


@transaction.atomic(durable=True)
def schedule_meeting(
    *,
    commission: Commission,
    secretary: User,
    held_on: datetime.date,
    applications: Sequence[Application],
    cases: Sequence[DeregistrationCase] = (),
) -> Meeting:
    """The secretary schedules a meeting with its agenda (2022 p.13-14). The composition in
    force on that day must be valid (COM-1); each application must await the decision of this
    region's commission, and is under its review from now on (2020 p.13: accepted and put to the
    commission). Deregistration cases the commission decides follow the applications (2022
    p.21-22; 2020 p.19)."""
    composition = require_valid_composition(commission=commission, day=held_on)
    if composition.secretary_id != secretary.pk:
        raise NotTheSecretary()
    locked = list(
        Application.objects.select_for_update()
        .filter(pk__in=[application.pk for application in applications])
        .order_by("pk")
    )
    for application in locked:
        if application.region_id != commission.region_id or not application.awaits_decision:
            raise NotOnTheAgenda()
        if application.status == Application.Status.SUBMITTED:
            application.take_under_review()
            application.save(update_fields=["status", "updated_at"])
    for case in cases:
        if deregistration_selectors.region_of_case(case).pk != commission.region_id:
            raise NotOnTheAgenda(
                _("This deregistration case is decided by the commission of another region.")
            )
        deregistration_services.put_case_on_agenda(case=case)
    meeting = Meeting.objects.create(
        commission=commission, composition=composition, held_on=held_on, scheduled_by=secretary
    )
    AgendaItem.objects.bulk_create(
        [
            *(
                AgendaItem(meeting=meeting, position=position, application=application)
                for position, application in enumerate(applications, start=1)
            ),
            *(
                AgendaItem(meeting=meeting, position=position, deregistration_case=case)
                for position, case in enumerate(cases, start=len(applications) + 1)
            ),
        ]
    )
    record(
        actor=secretary,
        action="meeting.scheduled",
        obj=meeting,
        after={
            "held_on": held_on,
            "composition": composition.pk,
            "agenda": [application.pk for application in applications],
            "cases": [case.pk for case in cases],
        },
        basis=edition_for(held_on).clause_for("quorum"),
        role=Role.SECRETARY,
    )
    return meeting


@transaction.atomic(durable=True)
def record_attendance(*, meeting: Meeting, secretary: User, present: Iterable[User]) -> Meeting:
    """The secretary records which members of the meeting's composition are present."""
    meeting = _locked(meeting)
    if meeting.composition.secretary_id != secretary.pk:
        raise NotTheSecretary()
    if meeting.status != Meeting.Status.SCHEDULED:
        raise CommissionActionError(_("Attendance is recorded before the meeting opens."))
    members = selectors.members_of(meeting.composition)
    present_ids = {person.pk for person in present}
    if present_ids - {member.pk for member in members}:
        raise CommissionActionError(
            _("Only members of the commission are counted as present; the secretary is not.")
        )
    for member in members:
        Attendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"present": member.pk in present_ids}
        )
    record(
        actor=secretary,
        action="meeting.attendance_recorded",
        obj=meeting,
        after={"present": sorted(m.iin for m in members if m.pk in present_ids)},
        basis=edition_for(meeting.held_on).clause_for("quorum"),
        role=Role.SECRETARY,
    )
    return meeting


@transaction.atomic(durable=True)
def open_meeting(*, meeting: Meeting, by: User) -> Meeting:
    """The chair opens the meeting, or the deputy chair when the chair is absent (2022 p.11),
    and only with at least two thirds of all members present (2022 p.13; COM-4)."""
    meeting = _locked(meeting)
    edition = edition_for(meeting.held_on)
    tally = selectors.attendance_of(meeting)
    if not tally.quorum_met:
        raise QuorumNotMet(
            _(
                "The meeting cannot open: %(present)d of %(total)d members are present, and at "
                "least %(needed)d must be (%(clause)s)."
            )
            % {
                "present": tally.present,
                "total": tally.total,
                "needed": tally.needed,
                "clause": edition.clause_for("quorum"),
            }
        )
    presiding = selectors.presiding_member(
        composition=meeting.composition, present=selectors.present_members(meeting)
    )
    if presiding is None:
        raise NotPresiding(
            _("Neither the chair nor the deputy chair is present: the meeting cannot open.")
        )
    person, office = presiding
    if person.pk != by.pk:
        raise NotPresiding(
            _("%(name)s presides over this meeting and opens it.") % {"name": person.full_name}
        )
    meeting.open()
    meeting.presided_by, meeting.presiding_office = person, office
    meeting.opened_at = timezone.now()
    meeting.save()
    record(
        actor=by,
        action="meeting.opened",
        obj=meeting,
        after={"present": tally.present, "total": tally.total, "presiding_office": office},
        basis=edition.clause_for("quorum"),
        role=Role.MEMBER,
    )
    return meeting


@transaction.atomic(durable=True)
def put_proposal(
    *, item: AgendaItem, by: User, proposal: str, reasons: Sequence[str] = ()
) -> AgendaItem:
    """The presiding member puts a proposal to the open vote: admit, or refuse with reasons
    from the edition's list (2022 p.16: four; 2020 p.14: seven); on a deregistration case,
    deregister or not, with no reasons (the ground is the case's; 2022 p.21-22, 2020 p.19)."""
    item = _locked_item(item)
    _require_presiding(item.meeting, by)
    edition = item.edition
    known = {reason.code for reason in edition.refusal_reasons}
    if item.is_deregistration:
        if proposal not in (AgendaItem.Proposal.DEREGISTER, AgendaItem.Proposal.KEEP):
            raise ProposalRefused(_("Propose to deregister the supplier or not to."))
        if reasons:
            raise ProposalRefused(_("A decision on deregistration has no refusal reasons."))
    elif proposal == AgendaItem.Proposal.REFUSE:
        if not reasons or set(reasons) - known:
            raise ProposalRefused(_("A refusal names at least one reason from the list."))
    elif proposal == AgendaItem.Proposal.ADMIT:
        if reasons:
            raise ProposalRefused(_("An admission has no refusal reasons."))
    else:
        raise ProposalRefused(_("Propose to admit or to refuse."))
    item.start_voting()
    item.proposal, item.refusal_reasons = proposal, list(reasons)
    item.save()
    record(
        actor=by,
        action="agenda_item.proposal_put",
        obj=item,
        after={"proposal": proposal, "reasons": list(reasons)},
        basis=item.deregistration_case.ground_rule.clause
        if item.deregistration_case is not None
        else edition.clause_for("refusal_reasons"),
        role=Role.MEMBER,
    )
    return item


@transaction.atomic(durable=True)
def close_item(*, item: AgendaItem, by: User) -> AgendaItem:
    """The vote ends: the proposal is adopted when the votes for it reach the majority of the
    total number of members (2022 p.13; COM-5); otherwise no decision is adopted — never a
    refusal — and the application stays under review with its deadline."""
    item = _locked_item(item)
    _require_presiding(item.meeting, by)
    edition = item.edition
    total = item.meeting.composition.seats.count()
    if edition.decision_adopted(votes_for=item.votes_for, total=total):
        item.adopt()
    else:
        item.record_no_decision()
    item.decided_at = timezone.now()
    item.save()
    if item.deregistration_case is not None and item.status == AgendaItem.Status.ADOPTED:
        deregistration_services.record_case_decision(
            case=item.deregistration_case,
            outcome=DeregistrationCase.Outcome.DEREGISTER
            if item.proposal == AgendaItem.Proposal.DEREGISTER
            else DeregistrationCase.Outcome.KEEP,
            decided_on=day_of(item.decided_at),
        )
    record(
        actor=by,
        action="agenda_item.closed",
        obj=item,
        after={
            "status": item.status,
            "votes_for": item.votes_for,
            "votes_against": item.votes_against,
            "total_members": total,
        },
        basis=edition.clause_for("decision_majority"),
        role=Role.MEMBER,
    )
    return item


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("composition").get(pk=meeting.pk)


def _locked_item(item: AgendaItem) -> AgendaItem:
    """The item under a row lock: the tally of its votes changes one vote at a time."""
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__composition", "application", "deregistration_case__supplier")
        .get(pk=item.pk)
    )


def _require_presiding(meeting: Meeting, by: User) -> None:
    if meeting.status != Meeting.Status.OPEN:
        raise MeetingNotOpen()
    if meeting.presided_by_id != by.pk:
        raise NotPresiding(_("Only the member presiding over the meeting can do this."))
