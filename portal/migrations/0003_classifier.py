"""The classifier of goods and services (SUP-1; Order No. 502 of 27.12.2021): a starting subset."""

from django.db import migrations

from portal import reference_data


def add_classifier(apps, schema_editor):
    reference_data.add_classifier(apps.get_model("portal", "ClassifierItem"))


def remove_classifier(apps, schema_editor):
    reference_data.remove_classifier(apps.get_model("portal", "ClassifierItem"))


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0002_regions"),
    ]

    operations = [
        migrations.RunPython(add_classifier, remove_classifier),
    ]
