"""PostgreSQL connection lost during a publication (issue 15 item 2; COM-7, REG-1).

The secretary's publication is half done — the protocol marked published, the application
approved, the register entries written — and waits for the audit chain, held by the test from a
second connection, when its backend is killed (``pg_terminate_backend``, as a database restart
or fail-over does). The secretary is told in words that nothing was published; nothing is; and
publishing again publishes once, with the protocol's number unchanged.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from commission import services
from commission.models import Protocol
from commission.services.protocols import PublicationNotSaved
from portal.audit.models import AuditEvent
from portal.audit.services import CHAIN_LOCK_KEY
from portal.audit.verify import verify_chain
from portal.notifications.models import Notification
from registers.models import RegisterEntry
from suppliers.models import Application
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401 (fixtures)
from tests.commission.helpers import decided, open_meeting
from tests.commission.test_protocols import secretary_of, sign_all
from tests.faults.test_sync_faults import wait_until
from tests.faults.test_vote_connection_lost import second_connection


def publishing_backend() -> int | None:
    """The backend that has written the register entries and waits for the audit chain."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database() "
            "AND a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid() AND EXISTS ("
            "  SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "  WHERE l.pid = a.pid AND c.relname = %s AND l.mode = 'RowExclusiveLock')",
            [RegisterEntry._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.req("COM-7")
def test_a_publication_whose_database_connection_is_killed_publishes_nothing_and_can_be_retried(
    commission,  # noqa: F811
    trusted,  # noqa: F811
):
    item = decided(trusted, commission, open_meeting(commission).items.get(), votes_for=5)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    application = item.application
    audit_before = AuditEvent.objects.count()
    holder = second_connection()
    holder.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    outcome: dict = {}

    def publish() -> None:
        try:
            outcome["protocol"] = services.publish_protocol(protocol=protocol, secretary=secretary)
        except Exception as error:  # the test looks at what the secretary would see
            outcome["error"] = error
        finally:
            connections.close_all()

    publishing = threading.Thread(target=publish)
    publishing.start()
    try:
        wait_until(lambda: publishing_backend() is not None, what="the entries to be written")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [publishing_backend()])
    finally:
        holder.rollback()
        holder.close()
        publishing.join(60)

    error = outcome.get("error")
    assert isinstance(error, PublicationNotSaved), outcome
    assert "Nothing was published" in str(error)
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.SIGNED
    assert Application.objects.get(pk=application.pk).status == Application.Status.UNDER_REVIEW
    assert not RegisterEntry.objects.exists() and not Notification.objects.exists()
    assert AuditEvent.objects.count() == audit_before

    again = services.publish_protocol(protocol=protocol, secretary=secretary)

    assert again.status == Protocol.Status.PUBLISHED and again.number == protocol.number == 1
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED
    assert RegisterEntry.objects.filter(application=application).exists()
    assert Notification.objects.count() == 1
    assert AuditEvent.objects.filter(action="protocol.published").count() == 1
    assert verify_chain().ok


@pytest.mark.req("COM-7")
def test_the_secretary_is_told_in_words_when_the_publication_was_not_saved(
    commission,  # noqa: F811
    trusted,  # noqa: F811
    client,
):
    item = decided(trusted, commission, open_meeting(commission).items.get(), votes_for=5)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    holder = second_connection()
    holder.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    client.force_login(secretary)
    answer: dict = {}

    def post() -> None:
        try:
            answer["response"] = client.post(
                reverse("commission:publish", args=[protocol.pk]), HTTP_ACCEPT_LANGUAGE="ru"
            )
        finally:
            connections.close_all()

    posting = threading.Thread(target=post)
    posting.start()
    try:
        wait_until(lambda: publishing_backend() is not None, what="the entries to be written")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [publishing_backend()])
    finally:
        holder.rollback()
        holder.close()
        posting.join(60)

    response = answer["response"]
    assert response.status_code == 200
    assert "соединение с базой данных" in response.content.decode()
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.SIGNED
