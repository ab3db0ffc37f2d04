"""A state system that accepts the connection and never answers (issue 15 item 2; SYNC-3).

The request that needs it answers within its timeout (EGOV_TIMEOUT_SECONDS per attempt, a few
attempts) with a clear translated message; while it waits, it holds no transaction and no lock.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egov_gateway.models import StateRecord
from portal.editions import SupplierKind
from suppliers.models import Section
from tests.egov_gateway.test_transactions import accepted_offer
from tests.faults.backends import wait_until
from tests.suppliers.factories import ApplicationFactory, SupplierFactory, representative
from tests.suppliers.test_views import sign_in_for

pytestmark = pytest.mark.django_db(transaction=True)

NOT_ANSWERED = "Some state systems did not answer. What they sent before is kept; try again later."


@pytest.fixture
def hanging_gateway(hanging_server, signing_files, settings, fast_retries):
    settings.STATE_SOURCES_BACKEND = "gateway"
    settings.EGOV_GATEWAY_URL = f"{hanging_server.url}/bip-sync-wss-gost/"
    settings.EGOV_SENDER_ID = "social-portal"
    settings.EGOV_SENDER_PASSWORD = "sender-secret"
    settings.EGOV_REQUESTOR_BIN = "120340016615"
    settings.EGOV_TIMEOUT_SECONDS = 0.5
    settings.EGOV_SIGNING_KEY = signing_files["key"]
    settings.EGOV_SIGNING_CERT = signing_files["cert"]
    return hanging_server


def transactions_and_locks_of_others() -> list[tuple]:
    """Backends of this database, other than ours, inside a transaction or holding a lock on
    a table or an advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.pid, a.state, l.locktype FROM pg_stat_activity a "
            "LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype IN ('advisory', 'relation') "
            "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
            "AND a.backend_type = 'client backend' "
            "AND (a.state LIKE 'idle in transaction%%' OR a.state = 'active' "
            "OR l.locktype IS NOT NULL)"
        )
        return cursor.fetchall()


@pytest.mark.req("SYNC-3")
def test_a_hanging_state_system_gets_a_clear_answer_and_holds_nothing_while_waited_for(
    hanging_gateway,
):
    supplier = SupplierFactory(kind=SupplierKind.LEGAL_ENTITY)
    head = representative(supplier)
    accepted_offer(supplier, head)
    ApplicationFactory(supplier=supplier, created_by=head)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    sign_in_for(client, supplier, head)
    section = reverse("suppliers:section", args=[Section.STATE_DATA])
    answer: dict = {}

    def refresh() -> None:
        try:
            answer["response"] = client.post(section, {"action": "refresh"}, follow=True)
        finally:
            connections.close_all()

    request = threading.Thread(target=refresh)
    request.start()
    try:
        wait_until(lambda: bool(hanging_gateway.accepted), what="the request to ask the gateway")
        held = transactions_and_locks_of_others()
    finally:
        request.join(60)

    assert not request.is_alive(), "the request answered: it did not wait forever"
    assert held == [], (
        f"a transaction or lock was held while the state system was waited for: {held}"
    )
    response = answer["response"]
    assert response.status_code == 200
    with translation.override("ru"):
        message = translation.gettext(NOT_ANSWERED)
    assert message != NOT_ANSWERED, "the message has a Russian translation"
    assert message in response.content.decode()
    assert StateRecord.objects.filter(identifier=supplier.identifier).count() == 0
