"""Regions at KATO level 1: 17 oblasts and 3 cities of republican significance (reference data)."""

from django.db import migrations

from portal import reference_data


def add_regions(apps, schema_editor):
    reference_data.add_regions(apps.get_model("portal", "Region"))


def remove_regions(apps, schema_editor):
    reference_data.remove_regions(apps.get_model("portal", "Region"))


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_regions, remove_regions),
    ]
