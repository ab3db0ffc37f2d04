"""Meetings: the agenda, who is present, opening with a quorum, proposals and their outcome
(COM-2, COM-4, COM-5; 2022 p.11, p.13)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commission import selectors
from commission.models import AgendaItem, Attendance, Commission, KindDecision, Meeting
from commission.services.compositions import require_valid_composition
from commission.services.errors import CommissionActionError, require_awaiting_decision
from deregistration import selectors as deregistration_selectors
from deregistration import services as deregistration_services
from deregistration.models import DeregistrationCase
from portal.audit.services import record
from portal.deadlines import day_of
from portal.editions import Edition, edition_for
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


@dataclass(frozen=True)
class KindProposal:
    """The proposal on one kind of goods or services of the application (its ``Offering``),
    where the edition decides each kind on its own (2020 p.8, p.14; E20-3)."""

    offering_id: int
    proposal: str
    reasons: tuple[str, ...] = ()


@transaction.atomic(durable=True)
def put_proposal(
    *,
    item: AgendaItem,
    by: User,
    proposal: str = "",
    reasons: Sequence[str] = (),
    kinds: Sequence[KindProposal] = (),
) -> AgendaItem:
    """The presiding member puts a proposal to the open vote: admit, or refuse with reasons
    from the edition's list (2022 p.16: four; 2020 p.14: seven); on a deregistration case,
    deregister or not, with no reasons (the ground is the case's; 2022 p.21-22, 2020 p.19).

    Under an edition that decides each kind on its own (2020 p.8, p.14; E20-3) the proposal on
    an application is ``kinds``: one ``KindProposal`` for every kind of goods or services of the
    application, and no proposal of the whole; the item's ``proposal`` then sums them up (admit
    when any kind is proposed for admission) and its reasons are those of the kinds proposed for
    refusal."""
    item = _locked_item(item)
    _require_presiding(item.meeting, by)
    require_awaiting_decision(item.application)
    edition = item.edition
    if item.decided_per_kind:
        if proposal or reasons:
            raise ProposalRefused(
                _("Under these rules each kind of goods or services is decided on its own.")
            )
        proposal, reasons = _put_kind_proposals(item, kinds)
    elif kinds:
        raise ProposalRefused(_("Under these rules the application is decided as a whole."))
    elif item.is_deregistration:
        _check_deregistration_proposal(proposal, reasons)
    else:
        _check_proposal(edition, proposal, reasons)
    item.start_voting()
    item.proposal, item.refusal_reasons = proposal, list(reasons)
    item.save()
    record(
        actor=by,
        action="agenda_item.proposal_put",
        obj=item,
        after={
            "proposal": proposal,
            "reasons": list(reasons),
            **(
                {
                    "kinds": [
                        {
                            "offering": k.offering_id,
                            "proposal": k.proposal,
                            "reasons": list(k.reasons),
                        }
                        for k in kinds
                    ]
                }
                if kinds
                else {}
            ),
        },
        basis=item.deregistration_case.ground_rule.clause
        if item.deregistration_case is not None
        else edition.clause_for("refusal_reasons"),
        role=Role.MEMBER,
    )
    return item


def _check_deregistration_proposal(proposal: str, reasons: Sequence[str]) -> None:
    if proposal not in (AgendaItem.Proposal.DEREGISTER, AgendaItem.Proposal.KEEP):
        raise ProposalRefused(_("Propose to deregister the supplier or not to."))
    if reasons:
        raise ProposalRefused(_("A decision on deregistration has no refusal reasons."))


def _check_proposal(edition: Edition, proposal: str, reasons: Sequence[str]) -> None:
    known = {reason.code for reason in edition.refusal_reasons}
    if proposal == AgendaItem.Proposal.REFUSE:
        if not reasons or set(reasons) - known:
            raise ProposalRefused(_("A refusal names at least one reason from the list."))
    elif proposal == AgendaItem.Proposal.ADMIT:
        if reasons:
            raise ProposalRefused(_("An admission has no refusal reasons."))
    else:
        raise ProposalRefused(_("Propose to admit or to refuse."))


def _put_kind_proposals(item: AgendaItem, kinds: Sequence[KindProposal]) -> tuple[str, list[str]]:
    """One proposal per kind of the application, stored; returns the item's summary."""
    edition = item.edition
    application = item.application
    assert application is not None, "only an application is decided per kind"
    offering_ids = set(application.offerings.values_list("pk", flat=True))
    proposed = [kind.offering_id for kind in kinds]
    if len(set(proposed)) != len(proposed) or set(proposed) != offering_ids:
        raise ProposalRefused(
            _("Propose a decision on every kind of goods or services of the application, once.")
        )
    for kind in kinds:
        _check_proposal(edition, kind.proposal, kind.reasons)
    KindDecision.objects.bulk_create(
        KindDecision(
            item=item,
            offering_id=kind.offering_id,
            proposal=kind.proposal,
            refusal_reasons=list(kind.reasons),
        )
        for kind in kinds
    )
    admit = any(kind.proposal == AgendaItem.Proposal.ADMIT for kind in kinds)
    refused = {code for kind in kinds for code in kind.reasons}
    reasons = [reason.code for reason in edition.refusal_reasons if reason.code in refused]
    return (AgendaItem.Proposal.ADMIT if admit else AgendaItem.Proposal.REFUSE), reasons


@transaction.atomic(durable=True)
def close_item(*, item: AgendaItem, by: User) -> AgendaItem:
    """The vote ends: the proposal is adopted when the votes for it reach the majority of the
    total number of members (2022 p.13; COM-5); otherwise no decision is adopted — never a
    refusal — and the application stays under review with its deadline."""
    item = _locked_item(item)
    _require_presiding(item.meeting, by)
    edition = item.edition
    total = item.meeting.composition.seats.count()
    kinds = _close_kinds(item, total=total)
    if kinds:
        adopted = all(kind.outcome == KindDecision.Outcome.ADOPTED for kind in kinds)
    else:
        adopted = edition.decision_adopted(votes_for=item.votes_for, total=total)
    if adopted:
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
            **(
                {
                    "kinds": [
                        {
                            "offering": kind.offering_id,
                            "outcome": kind.outcome,
                            "votes_for": kind.votes_for,
                            "votes_against": kind.votes_against,
                        }
                        for kind in kinds
                    ]
                }
                if kinds
                else {}
            ),
        },
        basis=edition.clause_for("decision_majority"),
        role=Role.MEMBER,
    )
    return item


def _close_kinds(item: AgendaItem, *, total: int) -> list[KindDecision]:
    """Each kind's outcome, where the item is decided per kind (E20-3): adopted when its votes
    for reach the majority of all members, otherwise no decision. The item is adopted only when
    every kind is; a kind without a decision leaves the whole application under review, to be
    put to a later meeting with all its kinds (choice: one protocol decides the application)."""
    if not item.decided_per_kind:
        return []
    kinds = list(item.kinds.select_for_update().order_by("pk"))
    for kind in kinds:
        adopted = item.edition.decision_adopted(votes_for=kind.votes_for, total=total)
        kind.outcome = KindDecision.Outcome.ADOPTED if adopted else KindDecision.Outcome.NO_DECISION
        kind.save(update_fields=["outcome"])
    return kinds


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
