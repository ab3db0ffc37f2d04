"""A member's open vote, signed with EDS (2022 p.13; COM-5).

The member signs a short document that names the commission, the meeting, the item, the
supplier's BIN/IIN, the proposal, its reasons and the vote; the server verifies the signature
before it takes any lock (NCANode and OCSP may be asked), then, under the item's row lock,
checks that this member may vote now, stores the signature and the vote and updates the tally.
A unique constraint per (item, member) and the lock keep parallel votes exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from commission import selectors
from commission.models import AgendaItem, Attendance, KindDecision, KindVote, Meeting, Vote
from commission.services.errors import CommissionActionError, require_awaiting_decision
from egov_gateway.eds.services import verify_document
from egov_gateway.eds.signer import Purpose
from portal.audit.services import record
from portal.editions import Edition
from portal.lost_connection import CONNECTION_LOST, stored_after_lost_connection
from portal.models import Role, User


class VoteRefused(CommissionActionError):
    code = "vote_refused"


class VoteNotSaved(CommissionActionError):
    """The connection to the database was lost while the vote was being stored (issue 15)."""

    code = "vote_not_saved"
    message = _(
        "Your vote could not be saved: the connection to the database was lost. Please vote "
        "again; a vote is never counted twice."
    )


def vote_document(
    *,
    item: AgendaItem,
    member: User,
    choice: str = "",
    kind_choices: Mapping[int, str] | None = None,
) -> bytes:
    """The exact text a member signs for a vote (shown to them before signing). Where the item
    is decided per kind (E20-3), it names each kind with its proposal, its reasons and the
    member's vote on it (``kind_choices``: the offering's id to "for" or "against")."""
    meeting = item.meeting
    edition = item.edition
    supplier = item.supplier
    case = item.deregistration_case
    if case is not None:
        matter = [
            (_("Deregistration case"), f"№ {case.pk}"),
            (_("Ground"), f"{case.ground_rule.text} ({case.ground_rule.clause})"),
        ]
    else:
        matter = [(_("Application"), f"№ {item.application_id}")]
    labelled: list[tuple[object, str]] = [
        (_("Commission"), str(meeting.commission)),
        (_("Meeting"), f"{meeting.held_on:%d.%m.%Y}, № {meeting.pk}"),
        (_("Agenda item"), str(item.position)),
        (_("Supplier"), f"{supplier} ({supplier.identifier})"),
        *matter,
    ]
    if item.decided_per_kind:
        choices = kind_choices or {}
        for kind in selectors.kinds_of(item):
            labelled.append((_("Kind of goods or services"), selectors.kind_label(kind)))
            labelled += _proposal_lines(edition, kind.get_proposal_display(), kind.refusal_reasons)
            labelled.append((_("Vote"), _choice_label(choices.get(kind.offering_id, ""))))
    else:
        labelled += _proposal_lines(edition, item.get_proposal_display(), item.refusal_reasons)
    labelled += [
        (_("Member"), f"{member.full_name} ({member.iin})"),
        *([] if item.decided_per_kind else [(_("Vote"), _choice_label(choice))]),
        (_("Basis"), edition.clause_for("member_decisions_signed")),
    ]
    lines = [str(_("Vote of a member of the commission"))]
    lines += [f"{label}: {value}" for label, value in labelled]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _proposal_lines(
    edition: Edition, proposal: str, reason_codes: Sequence[str]
) -> list[tuple[object, str]]:
    reasons = [str(edition.refusal_reason(code).text) for code in reason_codes]
    return [
        (_("Proposal"), proposal),
        *([(_("Reasons for refusal"), "; ".join(reasons))] if reasons else []),
    ]


def _choice_label(choice: str) -> str:
    return str(Vote.Choice(choice).label) if choice in Vote.Choice.values else ""


def cast_vote(
    *,
    item: AgendaItem,
    member: User,
    choice: str = "",
    cms: bytes,
    kind_choices: Mapping[int, str] | None = None,
) -> Vote:
    """The member's vote ``choice`` on the item's proposal, signed with EDS (2022 p.13).

    Where the item is decided per kind (2020 p.8, p.14; E20-3) the member votes on each kind
    instead (``kind_choices``: every kind's offering id to "for" or "against"), in the one
    signed document, and each kind's tally counts its votes.

    Refused, with the reason in words: a vote by someone not present, not a member of the
    meeting's composition, by the secretary, a second vote, a vote on a closed item, a vote that
    leaves out a kind, or a signature over any other document."""
    item = AgendaItem.objects.select_related(
        "meeting__commission__region",
        "meeting__composition",
        "application__supplier",
        "deregistration_case__supplier",
    ).get(pk=item.pk)
    kind_choices = dict(kind_choices or {})
    _check_choices(item, choice, kind_choices)
    _ensure_may_vote(item, member)
    document = vote_document(item=item, member=member, choice=choice, kind_choices=kind_choices)
    verified = verify_document(
        cms=cms, data=document, purpose=Purpose.SIGN, signer_user=member, role=Role.MEMBER
    )
    try:
        with transaction.atomic(durable=True):
            locked = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
            locked.meeting = item.meeting
            locked.application = item.application
            locked.deregistration_case = item.deregistration_case
            _ensure_may_vote(locked, member)
            current = vote_document(
                item=locked, member=member, choice=choice, kind_choices=kind_choices
            )
            if current != document:
                raise VoteRefused(_("The proposal changed while you signed. Sign again."))
            signature = verified.keep(
                obj=locked,
                document_kind="vote",
                keep_document=True,
                basis=locked.edition.clause_for("member_decisions_signed"),
            )
            vote = Vote.objects.create(
                item=locked, member=member, choice=choice, signature=signature
            )
            if locked.decided_per_kind:
                _count_kind_votes(locked, vote, kind_choices)
            else:
                field = "votes_for" if choice == Vote.Choice.FOR else "votes_against"
                setattr(locked, field, getattr(locked, field) + 1)
                locked.save(update_fields=[field])
            record(
                actor=member,
                action="vote.cast",
                obj=vote,
                after={
                    "item": locked.pk,
                    "choice": choice,
                    "signature": signature.pk,
                    **({"kinds": kind_choices} if kind_choices else {}),
                },
                basis=locked.edition.clause_for("member_decisions_signed"),
                role=Role.MEMBER,
            )
    except IntegrityError:  # the unique (item, member): a second vote that raced the first
        raise VoteRefused(_("You have already voted on this item.")) from None
    except CONNECTION_LOST as lost:
        return _vote_stored_before(item=item, member=member, lost=lost)
    return vote


def _check_choices(item: AgendaItem, choice: str, kind_choices: Mapping[int, str]) -> None:
    if not item.decided_per_kind:
        if kind_choices or choice not in Vote.Choice.values:
            raise VoteRefused(_("Vote for or against the proposal."))
        return
    offering_ids = {kind.offering_id for kind in selectors.kinds_of(item)}
    if (
        choice
        or set(kind_choices) != offering_ids
        or set(kind_choices.values()) - set(Vote.Choice.values)
    ):
        raise VoteRefused(_("Vote for or against the proposal on each kind of goods or services."))


def _count_kind_votes(item: AgendaItem, vote: Vote, kind_choices: Mapping[int, str]) -> None:
    """Each kind's tally, under the item's row lock held by the caller (E20-3)."""
    kinds = {kind.offering_id: kind for kind in item.kinds.all()}
    KindVote.objects.bulk_create(
        KindVote(vote=vote, kind=kinds[offering_id], choice=kind_choice)
        for offering_id, kind_choice in kind_choices.items()
    )
    for offering_id, kind_choice in kind_choices.items():
        field = "votes_for" if kind_choice == Vote.Choice.FOR else "votes_against"
        KindDecision.objects.filter(pk=kinds[offering_id].pk).update(**{field: F(field) + 1})


def _vote_stored_before(*, item: AgendaItem, member: User, lost: Exception) -> Vote:
    """The connection broke inside the vote's transaction. Stored: it is the member's vote. Not
    stored, or not known: ``VoteNotSaved``; voting again is safe, the unique (item, member)
    counts it once."""
    stored = stored_after_lost_connection(Vote.objects.filter(item_id=item.pk, member=member).first)
    if stored is None:
        raise VoteNotSaved(detail=f"database connection lost: {lost}") from lost
    return stored


def _ensure_may_vote(item: AgendaItem, member: User) -> None:
    meeting = item.meeting
    if meeting.status != Meeting.Status.OPEN or item.status != AgendaItem.Status.VOTING:
        raise VoteRefused(_("Voting on this item is not open."))
    require_awaiting_decision(item.application)
    if meeting.composition.secretary_id == member.pk:
        raise VoteRefused(_("The secretary is not a member of the commission and does not vote."))
    if member.pk not in {m.pk for m in selectors.members_of(meeting.composition)}:
        raise VoteRefused(_("Only members of the commission vote."))
    if not Attendance.objects.filter(meeting=meeting, member=member, present=True).exists():
        raise VoteRefused(_("Only members present at the meeting vote."))
    if Vote.objects.filter(item=item, member=member).exists():
        raise VoteRefused(_("You have already voted on this item."))


def vote_refusal(*, item: AgendaItem, member: User) -> str:
    """Why ``member`` may not vote on ``item`` now, in words; empty when they may. The vote page
    says it before anything is signed; ``cast_vote`` checks it again under the lock."""
    try:
        _ensure_may_vote(item, member)
    except CommissionActionError as refusal:
        return str(refusal)
    return ""
