"""PostgreSQL connection lost during a publication (issue 15 item 2; COM-7, REG-1).

The secretary's publication is half done — the protocol marked published, the application
approved, the register entries written — and waits for the audit chain, held by the test from a
second connection, when its backend is killed (``pg_terminate_backend``, as a database restart
or fail-over does). The secretary is told in words that nothing was published; nothing is; and
publishing again publishes once, with the protocol's number unchanged.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from commission import services
from commission.models import Protocol
from commission.services.protocols import PublicationNotSaved
from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.notifications.models import Notification
from registers.models import RegisterEntry
from suppliers.models import Application
from tests.commission.conftest import commission, demo_pki, trusted  # noqa: F401 (fixtures)
from tests.commission.helpers import decided, open_meeting
from tests.commission.test_protocols import secretary_of, sign_all
from tests.faults.backends import holding_audit_chain, killed_while_waiting


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
    # The entries are written; the audit event, the publication's last step, waits.
    outcome = killed_while_waiting(
        lambda: services.publish_protocol(protocol=protocol, secretary=secretary),
        holder=holding_audit_chain(),
        having_written=RegisterEntry._meta.db_table,
    )

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
    client.force_login(secretary)

    answer = killed_while_waiting(
        lambda: client.post(
            reverse("commission:publish", args=[protocol.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        ),
        holder=holding_audit_chain(),
        having_written=RegisterEntry._meta.db_table,
    )

    response = answer["result"]
    assert response.status_code == 200
    assert "соединение с базой данных" in response.content.decode()
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.SIGNED
