"""Reads about commissions: which composition sat on a day, and whether a composition is valid."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from commission.models import (
    AgendaItem,
    Attendance,
    Commission,
    Composition,
    KindDecision,
    Meeting,
    MemberCheck,
    Protocol,
    ProtocolSignature,
    Seat,
    Vote,
)
from deregistration import selectors as deregistration_selectors
from deregistration.models import DeregistrationCase
from portal.deadlines import today
from portal.editions import Edition, edition_for
from portal.models import COMMISSION_ROLES, Region, User
from suppliers.models import Application
from suppliers.selectors import submitted_applications


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


def kinds_of(item: AgendaItem) -> list[KindDecision]:
    """The per-kind decisions of an item decided per kind (E20-3), in the order of the
    application's kinds; empty for an item decided as a whole, or before its proposal."""
    return list(item.kinds.select_related("offering__classifier_item").order_by("offering__pk"))


def kind_label(kind: KindDecision) -> str:
    """ "G01.02 Протезы нижних конечностей": the kind's classifier code and name."""
    item = kind.offering.classifier_item
    return f"{item.code} {item.name}"


def kind_votes_of(vote: Vote) -> dict[int, str]:
    """A per-kind vote's choices: the offering's id to "for" or "against" (E20-3)."""
    return dict(vote.kind_votes.values_list("kind__offering_id", "choice"))


def kinds_to_decide(item: AgendaItem) -> list[tuple[int, str]]:
    """The kinds of goods or services of the item's application, each to be decided on its own
    (E20-3): the offering's id and its label."""
    if item.application is None:
        return []
    offerings = item.application.offerings.select_related("classifier_item").order_by("pk")
    return [
        (offering.pk, f"{offering.classifier_item.code} {offering.classifier_item.name}")
        for offering in offerings
    ]


@dataclass(frozen=True)
class KindTally:
    """Where the vote on one kind stands, out of all members (E20-3)."""

    kind: KindDecision
    label: str
    reasons: list[str]
    still_needed: int


def kind_tallies(item: AgendaItem) -> list[KindTally]:
    edition = item.edition
    needed = edition.votes_needed(total=item.meeting.composition.seats.count())
    return [
        KindTally(
            kind=kind,
            label=kind_label(kind),
            reasons=[str(edition.refusal_reason(code).text) for code in kind.refusal_reasons],
            still_needed=max(0, needed - kind.votes_for),
        )
        for kind in kinds_of(item)
    ]


def vote_summary(vote: Vote) -> str:
    """ "за", or, for a vote per kind, "G01.02: за; S02: против"."""
    if vote.choice:
        return vote.get_choice_display()
    codes = dict(
        vote.kind_votes.values_list("kind__offering_id", "kind__offering__classifier_item__code")
    )
    return "; ".join(
        f"{codes[offering_id]}: {Vote.Choice(choice).label}"
        for offering_id, choice in sorted(kind_votes_of(vote).items())
    )


@dataclass(frozen=True)
class PublishedKindDecision:
    """What the supplier is told of one kind's decision (2020 p.14; SUP-9, E20-3)."""

    label: str
    admitted: bool
    reasons: list[str]


def published_kind_decisions(application: Application) -> list[PublishedKindDecision]:
    """The decision on each kind of goods or services of ``application``, from its published
    protocol, where its edition decides each kind on its own; empty otherwise or before then."""
    protocol = (
        Protocol.objects.filter(item__application=application, status=Protocol.Status.PUBLISHED)
        .select_related("item__application")
        .order_by("-published_at")
        .first()
    )
    if protocol is None or not protocol.item.decided_per_kind:
        return []
    edition = application.edition
    return [
        PublishedKindDecision(
            label=kind_label(kind),
            admitted=kind.admitted,
            reasons=[str(edition.refusal_reason(code).text) for code in kind.refusal_reasons],
        )
        for kind in kinds_of(protocol.item)
    ]


def votes_still_needed(item: AgendaItem) -> int:
    """How many more votes for the proposal would adopt it, out of all members (COM-5)."""
    total = item.meeting.composition.seats.count()
    return max(0, item.edition.votes_needed(total=total) - item.votes_for)


# --- the workspace: what a member or the secretary of a region may reach (404 outside it) -------


def workspace_regions(user: User) -> list[int]:
    """The regions whose commission ``user`` sits on as a member or its secretary."""
    return list(
        user.roles.filter(role__in=COMMISSION_ROLES, region__isnull=False).values_list(
            "region_id", flat=True
        )
    )


def inbox_of(user: User) -> list[Application]:
    """The applications of the user's regions that await the commission's decision (2022 p.10,
    p.12), the earliest deadline first."""
    applications: list[Application] = []
    for region_id in workspace_regions(user):
        applications += list(submitted_applications(region=Region.objects.get(pk=region_id)))
    return applications


def region_of_case(case: DeregistrationCase) -> Region:
    """The region whose commission decides a deregistration case."""
    return deregistration_selectors.region_of_case(case)


def cases_inbox_of(user: User) -> list[DeregistrationCase]:
    """The deregistration cases the user's commissions decide, not yet decided, the earliest
    deadline first (2022 p.21-22; 2020 p.19; CAL-2)."""
    return deregistration_selectors.cases_awaiting_commission(region_ids=workspace_regions(user))


def application_for(*, user: User, pk: int) -> Application:
    """An application of the user's regions that has reached the commission; 404 otherwise."""
    return get_object_or_404(
        Application.objects.select_related("supplier", "region").exclude(
            status=Application.Status.DRAFT
        ),
        pk=pk,
        region_id__in=workspace_regions(user),
    )


def meetings_of(user: User) -> list[Meeting]:
    return list(
        Meeting.objects.filter(commission__region_id__in=workspace_regions(user)).select_related(
            "commission__region"
        )
    )


def meeting_for(*, user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("commission__region", "composition", "presided_by"),
        pk=pk,
        commission__region_id__in=workspace_regions(user),
    )


def item_for(*, user: User, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related(
            "meeting__commission__region",
            "meeting__composition",
            "meeting__presided_by",
            "application__supplier",
            "deregistration_case__supplier",
        ),
        pk=pk,
        meeting__commission__region_id__in=workspace_regions(user),
    )


def protocol_for(*, user: User, pk: int) -> Protocol:
    return get_object_or_404(
        Protocol.objects.select_related(
            "commission__region",
            "item__meeting__composition",
            "item__meeting__presided_by",
            "item__application__supplier",
            "item__deregistration_case__supplier",
        ),
        pk=pk,
        commission__region_id__in=workspace_regions(user),
    )


def is_secretary_of(*, meeting: Meeting, user: User) -> bool:
    return meeting.composition.secretary_id == user.pk


def presiding_candidate(meeting: Meeting) -> User | None:
    """Who would open the meeting now: the chair if present, else the deputy chair (COM-2)."""
    presiding = presiding_member(composition=meeting.composition, present=present_members(meeting))
    return presiding[0] if presiding else None


@dataclass(frozen=True)
class ItemTally:
    """Where the vote on an item stands, out of all members (COM-5)."""

    votes_for: int
    votes_against: int
    total: int
    needed: int
    still_needed: int


def tally_of(item: AgendaItem) -> ItemTally:
    total = item.meeting.composition.seats.count()
    return ItemTally(
        votes_for=item.votes_for,
        votes_against=item.votes_against,
        total=total,
        needed=item.edition.votes_needed(total=total),
        still_needed=votes_still_needed(item),
    )


def vote_of(*, item: AgendaItem, member: User) -> Vote | None:
    return Vote.objects.filter(item=item, member=member).first()


def may_vote_now(*, item: AgendaItem, member: User) -> bool:
    """A present member who has not voted, while the item is being voted on (2022 p.13)."""
    return (
        item.meeting.status == Meeting.Status.OPEN
        and item.status == AgendaItem.Status.VOTING
        and Attendance.objects.filter(meeting=item.meeting, member=member, present=True).exists()
        and not Vote.objects.filter(item=item, member=member).exists()
    )


@dataclass(frozen=True)
class SignerRow:
    person: User
    capacity: str
    signed: bool

    @property
    def capacity_label(self) -> str:
        return str(ProtocolSignature.Capacity(self.capacity).label)


def protocol_signers(protocol: Protocol) -> list[SignerRow]:
    """Who signs the protocol, in which capacity, and whether they have (Annex 2)."""
    from commission.services.protocols import required_signers

    done = set(protocol.signatures.values_list("signer_id", "capacity"))
    return [
        SignerRow(person=person, capacity=capacity, signed=(person.pk, capacity) in done)
        for person, capacity in required_signers(protocol)
    ]


def may_sign_protocol(*, protocol: Protocol, user: User) -> bool:
    return protocol.status == Protocol.Status.FORMED and any(
        row.person.pk == user.pk and not row.signed for row in protocol_signers(protocol)
    )


@dataclass(frozen=True)
class CheckRow:
    """What one member has checked (COM-3): "not looked at", "agrees" or "remarks"."""

    member: User
    check: MemberCheck | None

    @property
    def state(self) -> str:
        if self.check is None:
            return "not_looked_at"
        return "agrees" if self.check.agrees else "remarks"


def checks_of(application: Application) -> list[CheckRow]:
    """Each member of the composition in force today with their current check, if any."""
    commission = commission_of(region=application.region) if application.region else None
    composition = composition_on(commission=commission, day=today()) if commission else None
    if composition is None:
        return []
    current = {
        check.member_id: check
        for check in MemberCheck.objects.filter(application=application, is_current=True)
    }
    return [CheckRow(member=m, check=current.get(m.pk)) for m in members_of(composition)]


def publication_overdue(protocol: Protocol) -> bool:
    """A signed protocol not published by its day (2022 p.15: one working day; COM-7)."""
    return (
        protocol.status == Protocol.Status.SIGNED
        and protocol.publication_due is not None
        and today() > protocol.publication_due
    )


def published_protocol(*, pk: int) -> Protocol:
    """A protocol the public may read: published ones only (404 for the rest)."""
    return get_object_or_404(Protocol, pk=pk, status=Protocol.Status.PUBLISHED)
