"""The portal's outbox (issue 10, item 5): one e-mail per event, none for a rolled-back change,
written in the recipient's language, sent by a task that can run twice."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Role
from portal.notifications import tasks
from portal.notifications.models import Notification
from portal.notifications.services import (
    Recipient,
    notify,
    send_notification,
    send_unsent_notifications,
)
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SUBJECT = '{% load i18n %}{% translate "Social Services Portal" %}: {{ number }}\n'
BODY = '{% load i18n %}{% translate "Status" %}: {{ number }}\n'


@pytest.fixture(autouse=True)
def notice_templates(tmp_path, settings):
    (tmp_path / "notice_subject.txt").write_text(SUBJECT, encoding="utf-8")
    (tmp_path / "notice_body.txt").write_text(BODY, encoding="utf-8")
    engine = django_settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [str(tmp_path), *engine["DIRS"]]}]


def notice(key: str = "test:1", *, email: str = "head@ortho.kz", language: str = "ru"):
    return notify(
        event_key=key,
        recipient=Recipient(email=email, language=language),
        template="notice",
        context={"number": 7},
    )


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.req("SUP-9")
def test_the_same_event_notified_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notice()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = notice()
    assert second.pk == first.pk and callbacks == [], "nothing is scheduled the second time"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["head@ortho.kz"]
    assert Notification.objects.get().is_sent


def test_the_task_run_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = notice()
    assert tasks.send_notification.delay(notification_id=notification.pk).get() == "sent"
    assert tasks.send_notification.delay(notification_id=notification.pk).get() == "already_sent"
    assert len(mail.outbox) == 1


@pytest.mark.req("SUP-9")
def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notice()
        raise RuntimeError("the change fails after it asked for its e-mail")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_email_is_written_in_the_recipients_language(
    language, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notice(language=language)
    (sent,) = mail.outbox
    assert sent.subject == f"{translated('Social Services Portal', language)}: 7"
    assert sent.body == f"{translated('Status', language)}: 7\n"
    assert Notification.objects.get().language == language


def test_two_recipients_each_read_their_own_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice("test:kk", email="kk@ortho.kz", language="kk")
        notice("test:ru", email="ru@ortho.kz", language="ru")
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert bodies == {
        "kk@ortho.kz": f"{translated('Status', 'kk')}: 7\n",
        "ru@ortho.kz": f"{translated('Status', 'ru')}: 7\n",
    }
    assert translated("Status", "kk") != translated("Status", "ru")


def test_a_language_the_portal_does_not_speak_falls_back_to_the_default_one(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notice(language="de")
    assert Notification.objects.get().language == django_settings.LANGUAGE_CODE


def test_an_event_without_an_address_is_recorded_and_nothing_is_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notice(email="")
    assert callbacks == [] and mail.outbox == []
    assert send_notification(notification_id=notification.pk) == "no_address"


def test_the_sweep_sends_what_lost_its_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        lost = notice("test:lost")
        notice("test:fresh")
    Notification.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert send_unsent_notifications() == 1
    assert [m.subject for m in mail.outbox] == [lost.subject]
    assert send_unsent_notifications() == 0


def test_operators_read_the_outbox_and_change_nothing(client, django_capture_on_commit_callbacks):
    operator = UserFactory(is_staff=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=False):
        notification = notice()
    changelist = client.get(reverse("admin:notifications_notification_changelist"))
    assert changelist.status_code == 200 and notification.event_key in changelist.content.decode()
    page = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
