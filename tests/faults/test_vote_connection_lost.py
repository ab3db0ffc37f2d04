"""PostgreSQL connection lost during a vote (issue 15 item 2; COM-5).

The vote's backend is killed (``pg_terminate_backend`` from a second connection, as a database
restart or fail-over does) while its transaction waits on the item's row lock. The member gets a
clear error, nothing of the vote is stored, and voting again stores it once.
"""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, connections

from commission import selectors, services
from commission.models import AgendaItem, Vote
from commission.services.votes import VoteNotSaved
from egov_gateway.eds.models import Signature
from portal.audit.verify import verify_chain
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401 (fixtures)
from tests.commission.helpers import open_meeting, proposed, signed
from tests.faults.test_sync_faults import wait_until


def second_connection() -> psycopg.Connection:
    """A connection of its own to the test database, outside Django."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=False)


def backend_waiting_for_a_lock() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


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
    outcome: dict = {}

    def vote() -> None:
        try:
            outcome["vote"] = services.cast_vote(
                item=item, member=member, choice=Vote.Choice.FOR, cms=cms
            )
        except Exception as error:  # the test looks at what the member would see
            outcome["error"] = error
        finally:
            connections.close_all()

    voting = threading.Thread(target=vote)
    voting.start()
    try:
        wait_until(lambda: backend_waiting_for_a_lock() is not None, what="the vote to wait")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_waiting_for_a_lock()])
    finally:
        holder.rollback()
        holder.close()
        voting.join(60)

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
