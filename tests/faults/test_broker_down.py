"""Redis down when a request commits work for Celery (issue 15 item 2).

The request succeeds, its change is committed, and the work it queued is not lost: the e-mail
waits in the outbox and the sweep sends it once the broker is back.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.notifications import tasks
from portal.notifications.models import Notification
from suppliers.models import Application
from tests.suppliers.factories import ApplicationFactory, representative
from tests.suppliers.test_views import sign_in_for

pytestmark = pytest.mark.django_db(transaction=True)


def submitted_application() -> Application:
    application = ApplicationFactory(email="office@ortho.kz", language="ru")
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.SUBMITTED, review_due=datetime.date(2026, 3, 17)
    )
    application.refresh_from_db()
    return application


@pytest.mark.req("SUP-9")
def test_a_withdrawal_while_redis_is_down_succeeds_and_its_email_goes_out_when_it_returns(
    client, celery_broker, caplog
):
    application = submitted_application()
    head = representative(application.supplier)
    sign_in_for(client, application.supplier, head)
    celery_broker.down()

    response = client.post(reverse("suppliers:withdraw", args=[application.pk]))

    assert response.status_code == 302, "the request succeeds although the broker is down"
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    (notification,) = Notification.objects.all()
    assert notification.sent_at is None and mail.outbox == []
    assert "broker unavailable" in caplog.text, "the send was tried and failed"

    celery_broker.up()
    # The beat sweep finds the row once it has waited long enough for its own task.
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert tasks.send_unsent_notifications.apply().get() == 1
    assert tasks.send_unsent_notifications.apply().get() == 0, "sent once"
    (sent,) = mail.outbox
    assert sent.to == ["office@ortho.kz"]
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_with_redis_up_the_task_is_queued_on_the_broker_on_commit(client, celery_broker):
    """The same request with the broker up hands the send task to Redis (not run in-process):
    the fault test above is about the broker, not about eager mode."""
    from celery import current_app

    application = submitted_application()
    head = representative(application.supplier)
    sign_in_for(client, application.supplier, head)
    celery_broker.up()
    with current_app.connection_for_write() as connection:
        queue = connection.SimpleQueue("celery")
        queue.clear()
        response = client.post(reverse("suppliers:withdraw", args=[application.pk]))
        assert response.status_code == 302
        message = queue.get(timeout=5)
        assert message.headers["task"] == "portal.notifications.send_notification"
        message.ack()
        queue.close()
    assert mail.outbox == []  # queued, not sent in-process
