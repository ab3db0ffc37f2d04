"""The cabinet's status e-mails (SUP-9) as one use of the portal's outbox: once per change, in
the language the supplier chose for its notifications."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import translation

from portal.notifications.models import Notification
from suppliers import services
from suppliers.models import Application
from tests.suppliers.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def submitted(**fields) -> Application:
    application = ApplicationFactory(email="office@ortho.kz", **fields)
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.SUBMITTED, review_due=datetime.date(2025, 3, 17)
    )
    application.refresh_from_db()
    return application


@pytest.mark.req("SUP-9")
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_status_email_is_written_in_the_language_of_the_applications_notifications(
    language, django_capture_on_commit_callbacks
):
    application = submitted(language=language)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.notify_status_change(application_id=application.pk, event_key="audit:1")
    (sent,) = mail.outbox
    assert sent.to == ["office@ortho.kz"]
    with translation.override(language):
        assert str(Application.Status.SUBMITTED.label) in sent.subject
        assert translation.gettext("Deadline: %(due)s.") % {"due": "17.03.2025"} in sent.body
    notification = Notification.objects.get()
    assert (notification.language, notification.object_id) == (language, str(application.pk))


@pytest.mark.req("SUP-9")
def test_one_change_is_mailed_once(django_capture_on_commit_callbacks):
    application = submitted(language="ru")
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify_status_change(application_id=application.pk, event_key="audit:1")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_status_change(application_id=application.pk, event_key="audit:2")
    assert len(mail.outbox) == 2


def test_without_an_address_the_change_is_recorded_and_nothing_sent(
    django_capture_on_commit_callbacks,
):
    application = submitted(language="kk")
    Application.objects.filter(pk=application.pk).update(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify_status_change(
            application_id=application.pk, event_key="audit:1"
        )
    assert notification is not None and notification.recipient == ""
    assert mail.outbox == []
