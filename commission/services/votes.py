"""A member's open vote, signed with EDS (2022 p.13; COM-5).

The member signs a short document that names the commission, the meeting, the item, the
supplier's BIN/IIN, the proposal, its reasons and the vote; the server verifies the signature
before it takes any lock (NCANode and OCSP may be asked), then, under the item's row lock,
checks that this member may vote now, stores the signature and the vote and updates the tally.
A unique constraint per (item, member) and the lock keep parallel votes exact.
"""

from __future__ import annotations

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

from commission import selectors
from commission.models import AgendaItem, Attendance, Meeting, Vote
from commission.services.errors import CommissionActionError
from egov_gateway.eds.services import verify_document
from egov_gateway.eds.signer import Purpose
from portal.audit.services import record
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


def vote_document(*, item: AgendaItem, member: User, choice: str) -> bytes:
    """The exact text a member signs for a vote (shown to them before signing)."""
    meeting = item.meeting
    application = item.application
    assert application is not None, "every agenda item is about an application"
    edition = application.edition
    reasons = [str(edition.refusal_reason(code).text) for code in item.refusal_reasons]
    labelled = [
        (_("Commission"), str(meeting.commission)),
        (_("Meeting"), f"{meeting.held_on:%d.%m.%Y}, № {meeting.pk}"),
        (_("Agenda item"), str(item.position)),
        (_("Supplier"), f"{application.supplier} ({application.supplier.identifier})"),
        (_("Application"), f"№ {application.pk}"),
        (_("Proposal"), item.get_proposal_display()),
        *([(_("Reasons for refusal"), "; ".join(reasons))] if reasons else []),
        (_("Member"), f"{member.full_name} ({member.iin})"),
        (_("Vote"), str(Vote.Choice(choice).label)),
        (_("Basis"), edition.clause_for("member_decisions_signed")),
    ]
    lines = [str(_("Vote of a member of the commission"))]
    lines += [f"{label}: {value}" for label, value in labelled]
    return ("\n".join(lines) + "\n").encode("utf-8")


def cast_vote(*, item: AgendaItem, member: User, choice: str, cms: bytes) -> Vote:
    """The member's vote ``choice`` on the item's proposal, signed with EDS (2022 p.13).

    Refused, with the reason in words: a vote by someone not present, not a member of the
    meeting's composition, by the secretary, a second vote, a vote on a closed item, or a
    signature over any other document."""
    if choice not in Vote.Choice.values:
        raise VoteRefused(_("Vote for or against the proposal."))
    item = AgendaItem.objects.select_related(
        "meeting__commission__region", "meeting__composition", "application__supplier"
    ).get(pk=item.pk)
    _ensure_may_vote(item, member)
    document = vote_document(item=item, member=member, choice=choice)
    verified = verify_document(
        cms=cms, data=document, purpose=Purpose.SIGN, signer_user=member, role=Role.MEMBER
    )
    try:
        with transaction.atomic(durable=True):
            locked = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
            locked.meeting = item.meeting
            locked.application = item.application
            _ensure_may_vote(locked, member)
            if vote_document(item=locked, member=member, choice=choice) != document:
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
            field = "votes_for" if choice == Vote.Choice.FOR else "votes_against"
            setattr(locked, field, getattr(locked, field) + 1)
            locked.save(update_fields=[field])
            record(
                actor=member,
                action="vote.cast",
                obj=vote,
                after={"item": locked.pk, "choice": choice, "signature": signature.pk},
                basis=locked.edition.clause_for("member_decisions_signed"),
                role=Role.MEMBER,
            )
    except IntegrityError:  # the unique (item, member): a second vote that raced the first
        raise VoteRefused(_("You have already voted on this item.")) from None
    except (OperationalError, InterfaceError) as lost:
        return _vote_stored_before(item=item, member=member, lost=lost)
    return vote


def _vote_stored_before(*, item: AgendaItem, member: User, lost: Exception) -> Vote:
    """The database connection broke inside the vote's transaction (a restarted or failed-over
    server): the vote was stored whole or not at all, and only a new connection can tell which
    when the break came at the commit. Stored: it is the member's vote. Not stored, or not
    known: ``VoteNotSaved``; voting again is safe, the unique (item, member) counts it once."""
    connection.close()  # the broken connection; the next query opens a new one
    try:
        stored = Vote.objects.filter(item_id=item.pk, member=member).first()
    except (OperationalError, InterfaceError):
        stored = None
    if stored is None:
        raise VoteNotSaved(detail=f"database connection lost: {lost}") from lost
    return stored


def _ensure_may_vote(item: AgendaItem, member: User) -> None:
    meeting = item.meeting
    if meeting.status != Meeting.Status.OPEN or item.status != AgendaItem.Status.VOTING:
        raise VoteRefused(_("Voting on this item is not open."))
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
    except VoteRefused as refusal:
        return str(refusal)
    return ""
