"""COM-5: each member's open vote is signed with EDS over a document naming the commission, the
meeting, the item, the supplier, the proposal, its reasons and the vote; votes that may not be
cast are refused with their reason; votes cast in parallel are counted exactly once.

The members are the demo commission of Astana (``load_demo``) with keys of a test PKI made for
the demo people; the signatures are real and verified by the server.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from commission import selectors, services
from commission.models import AgendaItem, Vote
from commission.services.votes import VoteRefused
from egov_gateway.eds.models import Signature
from portal.audit.models import AuditEvent
from suppliers.models import Application
from tests.commission.helpers import chair, decided, open_meeting, proposed, signed
from tests.factories import UserFactory

REPETITIONS = 50


@pytest.mark.req("COM-5")
def test_a_member_signs_the_vote_document_and_the_vote_is_counted(commission, trusted):
    meeting = open_meeting(commission)
    item = proposed(meeting.items.get(), commission, AgendaItem.Proposal.REFUSE, ["untrue_data"])
    member = selectors.members_of(meeting.composition)[2]
    document = services.vote_document(item=item, member=member, choice=Vote.Choice.FOR)
    text = document.decode()
    for part in (
        str(commission),
        meeting.held_on.strftime("%d.%m.%Y"),
        item.application.supplier.identifier,
        "refuse",
        "untrue",
        member.iin,
        "for",
        "2022 p.13",
    ):
        assert part.lower() in text.lower(), part

    vote = services.cast_vote(
        item=item, member=member, choice=Vote.Choice.FOR, cms=signed(trusted, item, member, "for")
    )
    assert vote.signature.iin == member.iin
    assert bytes(vote.signature.document) == document
    assert vote.signature.document_kind == "vote"
    assert AgendaItem.objects.get(pk=item.pk).votes_for == 1
    assert AuditEvent.objects.filter(action="vote.cast", object_id=str(vote.pk)).exists()


@pytest.mark.req("COM-5", "ID-2")
def test_a_vote_signed_with_gost_asks_ncanode_once(commission, trusted, settings):
    from tests.eds.fake_ncanode import FakeNcaNode, gost_signature

    meeting = open_meeting(commission)
    item = proposed(meeting.items.get(), commission)
    member = selectors.members_of(meeting.composition)[2]
    document = services.vote_document(item=item, member=member, choice=Vote.Choice.FOR)
    ncanode = FakeNcaNode()
    settings.NCANODE_URL = ncanode.url
    try:
        vote = services.cast_vote(
            item=item,
            member=member,
            choice=Vote.Choice.FOR,
            cms=gost_signature(document, iin=member.iin, bin="090440023188"),
        )
    finally:
        ncanode.stop()
    assert vote.signature.backend == "ncanode"
    assert len(ncanode.requests) == 1, "verified once, before the item's lock"


@pytest.mark.req("COM-5")
def test_votes_that_may_not_be_cast_are_refused_with_their_reason(commission, trusted):
    meeting = open_meeting(commission, absent=1)
    item = proposed(meeting.items.get(), commission)
    composition = meeting.composition
    members = selectors.members_of(composition)
    absent = next(m for m in members if m not in selectors.present_members(meeting))
    voter = selectors.present_members(meeting)[0]

    def refused(person, *, cms=None, match):
        with pytest.raises(VoteRefused, match=match):
            services.cast_vote(
                item=item, member=person, choice="for", cms=cms or b"not checked first"
            )

    refused(absent, match="present at the meeting")
    refused(UserFactory(), match="Only members of the commission vote")
    refused(composition.secretary, match="secretary .* does not vote")
    other_document = b"Another document altogether\n"
    with pytest.raises(Exception, match="(?i)signature|document"):
        services.cast_vote(
            item=item,
            member=voter,
            choice="for",
            cms=signed(trusted, item, voter, "for", document=other_document),
        )
    services.cast_vote(
        item=item, member=voter, choice="for", cms=signed(trusted, item, voter, "for")
    )
    refused(voter, cms=signed(trusted, item, voter, "for"), match="already voted")
    services.close_item(item=item, by=chair(commission))
    late = selectors.present_members(meeting)[1]
    refused(late, cms=signed(trusted, item, late, "for"), match="not open")
    assert Vote.objects.count() == 1
    assert AgendaItem.objects.get(pk=item.pk).votes_for == 1


@pytest.mark.req("COM-5")
def test_parallel_votes_are_never_lost_or_counted_twice(commission, trusted):
    """7 members vote at once (and one of them twice), 50 times: the tallies are exact."""
    meeting = open_meeting(commission, items=REPETITIONS)
    members = selectors.members_of(meeting.composition)
    assert len(members) == 7
    for item in meeting.items.order_by("position"):
        item = proposed(item, commission)
        choices = ["for"] * 4 + ["against"] * 3
        ballots = [
            (member, choice, signed(trusted, item, member, choice))
            for member, choice in zip(members, choices, strict=True)
        ]
        ballots.append(ballots[0])  # the same member's vote sent twice
        start = threading.Barrier(len(ballots))
        outcomes: list[str] = []

        def vote(member, choice, cms, item=item, start=start, outcomes=outcomes):
            start.wait()
            try:
                services.cast_vote(item=item, member=member, choice=choice, cms=cms)
                outcomes.append("stored")
            except VoteRefused:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=vote, args=ballot) for ballot in ballots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        tally = AgendaItem.objects.get(pk=item.pk)
        assert sorted(outcomes) == ["refused"] + ["stored"] * 7
        assert (tally.votes_for, tally.votes_against) == (4, 3)
        assert tally.votes.count() == 7
    assert Vote.objects.count() == 7 * REPETITIONS
    assert Signature.objects.filter(document_kind="vote").count() == 7 * REPETITIONS


@pytest.mark.req("COM-5")
def test_seven_members_five_present_three_signed_votes_for_are_no_decision_four_adopt(
    commission, trusted
):
    """The acceptance case through the services, every vote signed: 3 of 5 present is a
    majority of those present but not of all seven members."""
    meeting = open_meeting(commission, items=2, absent=2)
    assert len(selectors.present_members(meeting)) == 5
    first, second = meeting.items.order_by("position")
    none = decided(trusted, commission, first, votes_for=3)
    assert (none.votes_for, none.votes_against, none.status) == (3, 2, "no_decision")
    none.application.refresh_from_db()
    assert none.application.status == Application.Status.UNDER_REVIEW
    assert none.application.awaits_decision
    adopted = decided(trusted, commission, second, votes_for=4)
    assert (adopted.votes_for, adopted.status) == (4, AgendaItem.Status.ADOPTED)
