"""The status e-mails move into the portal's outbox (portal.notifications.Notification).

Every StatusEmail row becomes a Notification with the same event key, so an e-mail already sent
is never sent again. The old rows kept no text: an unsent one stays unsent (the outbox never
sends an e-mail without text). Going back copies the status e-mails of the outbox into
StatusEmail (the status of those written after the move is not known and stays empty).
"""

from django.db import migrations

TEMPLATE = "suppliers/email/status"
OBJECT_TYPE = "suppliers.application"


def into_the_outbox(apps, schema_editor):
    StatusEmail = apps.get_model("suppliers", "StatusEmail")
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.bulk_create(
        [
            Notification(
                event_key=email.event_key,
                recipient=email.recipient,
                language=email.application.language,
                template=TEMPLATE,
                subject="",
                body="",
                object_type=OBJECT_TYPE,
                object_id=str(email.application_id),
                created_at=email.created_at,
                sent_at=email.sent_at,
            )
            for email in StatusEmail.objects.select_related("application").iterator()
        ],
        ignore_conflicts=True,
    )


def out_of_the_outbox(apps, schema_editor):
    StatusEmail = apps.get_model("suppliers", "StatusEmail")
    Notification = apps.get_model("notifications", "Notification")
    Application = apps.get_model("suppliers", "Application")
    notifications = Notification.objects.filter(template=TEMPLATE, object_type=OBJECT_TYPE)
    existing = set(Application.objects.values_list("pk", flat=True))
    StatusEmail.objects.bulk_create(
        [
            StatusEmail(
                application_id=int(n.object_id),
                status="",
                event_key=n.event_key[:64],
                recipient=n.recipient,
                created_at=n.created_at,
                sent_at=n.sent_at,
            )
            for n in notifications.iterator()
            if n.object_id.isdigit() and int(n.object_id) in existing
        ],
        ignore_conflicts=True,
    )
    notifications.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0001_initial"),
        ("notifications", "0001_notification_outbox"),
    ]

    operations = [
        migrations.RunPython(into_the_outbox, out_of_the_outbox),
        migrations.DeleteModel(name="StatusEmail"),
    ]
