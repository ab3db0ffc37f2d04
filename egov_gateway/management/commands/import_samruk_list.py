"""``manage.py import_samruk_list FILE [FILE] [--list LIST] [--dry-run]``: the Samruk-Kazyna lists
as published, by hand.

The fund has no public API (DER-1 ground 4); the weekly sync reads both lists of 2022 item 19(4)
where they are published (``SAMRUK_REGISTER_URL``, ``SAMRUK_UNRELIABLE_URL``). An operator may also
import a downloaded file here: which list it is, is told by ``--list`` or by the file's title. A
list not given keeps its entries as the last sync recorded them. The import is a sync run of the
``samruk`` source: what the lists add or drop becomes change events for watched suppliers, all or
nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from egov_gateway.models import SyncRun
from egov_gateway.sources import samruk
from egov_gateway.sync import sync_source


class Command(BaseCommand):
    help = (
        "Import the published Samruk-Kazyna lists (CSV or XLSX): the register of unscrupulous "
        "participants and (or) the list of unreliable potential suppliers."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="file")
        parser.add_argument(
            "--list",
            dest="list_code",
            choices=sorted(samruk.LISTS),
            help="Which list the (one) file is; default: told by the file's title.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Compare only, apply nothing.")
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="Apply a list that drops most of the previous one (refused by default).",
        )

    def handle(
        self, *args, files, list_code=None, dry_run=False, allow_mass_removal=False, **options
    ):
        if list_code and len(files) > 1:
            raise CommandError("--list names the list of one file; give one file with it.")
        by_list: dict[str, Path] = {}
        for path in files:
            code = list_code or samruk.list_of_file(path)
            if code in by_list:
                raise CommandError(
                    f"{by_list[code].name} and {path.name} are both the {code} list."
                )
            by_list[code] = path
        # Read before the sync starts: it cannot query the database while it copies the rows.
        kept = {
            code: list(samruk.kept_entries(code)) for code in samruk.LISTS if code not in by_list
        }
        run = sync_source(
            source=samruk.NAME,
            dry_run=dry_run,
            trigger=f"import {', '.join(p.name for p in files)}",
            feed=samruk.SamrukLists(
                by_list,
                kept={code: functools.partial(list, entries) for code, entries in kept.items()},
            ),
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
