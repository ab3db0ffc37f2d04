"""PostgreSQL connection lost during a vote (issue 15 item 2; COM-5).

The vote's backend is killed (``pg_terminate_backend`` from a second connection, as a database
restart or fail-over does) while its transaction waits on the item's row lock. The member gets a
clear error, nothing of the vote is stored, and voting again stores it once.
"""

from __future__ import annotations

import pytest

from commission import selectors, services
from commission.models import AgendaItem, Vote
from commission.services.votes import VoteNotSaved
from egov_gateway.eds.models import Signature
from portal.audit.verify import verify_chain
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401 (fixtures)
from tests.commission.helpers import open_meeting, proposed, signed
from tests.faults.backends import killed_while_waiting, second_connection


@pytest.mark.req("COM-5")
def test_a_vote_whose_database_connection_is_killed_is_stored_once_or_not_at_all(
    commission,  # noqa: F811
    trusted,  # noqa: F811
):
    meeting = open_meeting(commission)
    item = proposed(meeting.items.get(), commission)
    member = selectors.members_of(meeting.composition)[2]
    cms = signed(trusted, item, member, "for")
    holder = second_connection()
    holder.execute("SELECT 1 FROM commission_agendaitem WHERE id = %s FOR UPDATE", [item.pk])

    outcome = killed_while_waiting(
        lambda: services.cast_vote(item=item, member=member, choice=Vote.Choice.FOR, cms=cms),
        holder=holder,
    )

    error = outcome.get("error")
    assert isinstance(error, VoteNotSaved), outcome
    assert "connection to the database was lost" in str(error)
    assert Vote.objects.filter(item=item, member=member).count() == 0
    assert AgendaItem.objects.get(pk=item.pk).votes_for == 0
    assert not Signature.objects.filter(document_kind="vote", signer=member).exists()

    again = services.cast_vote(item=item, member=member, choice=Vote.Choice.FOR, cms=cms)

    assert Vote.objects.filter(item=item, member=member).get() == again
    assert AgendaItem.objects.get(pk=item.pk).votes_for == 1
    assert verify_chain().ok
