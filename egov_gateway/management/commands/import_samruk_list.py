"""``manage.py import_samruk_list FILE [--dry-run]``: the Samruk-Kazyna list as published.

The fund has no public API (DER-1 ground 4); the operator downloads the published list (CSV or
XLSX) and imports it here. The import is a sync run of the ``samruk`` source: what the list adds
or drops becomes change events for watched suppliers, all or nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov_gateway.models import SyncRun
from egov_gateway.sources import samruk
from egov_gateway.sync import sync_source


class Command(BaseCommand):
    help = "Import the published Samruk-Kazyna list of unreliable suppliers (CSV or XLSX)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Compare only, apply nothing.")
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="Apply a list that drops most of the previous one (refused by default).",
        )

    def handle(self, *args, file: Path, dry_run=False, allow_mass_removal=False, **options):
        run = sync_source(
            source=samruk.NAME,
            dry_run=dry_run,
            trigger=f"import {file.name}",
            feed=samruk.SamrukList(file),
            allow_mass_removal=allow_mass_removal,
            progress=lambda source, n: self.stdout.write(f"{n:,} rows read"),
        )
        if run.status == SyncRun.Status.FAILED:
            raise CommandError(f"The list was not imported, nothing applied: {run.errors}")
        c = run.counts
        prefix = "Dry run, nothing applied: " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{c['listed']} listed ({c['new']} new, {c['relisted']} listed again, "
                f"{c['removed']} removed, {c['changed']} changed); {c['without_identifier']} rows "
                f"without a BIN/IIN skipped; {c['events']} change events."
            )
        )
