"""``manage.py sync_state_data [--source NAME] [--dry-run]``: the sync run by hand (SYNC-2)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from egov_gateway.models import SyncRun
from egov_gateway.sync import PLANS, scheduled_sources, sync_source


class Command(BaseCommand):
    help = "Fetch the state sources, record what they list and emit change events (SYNC-2)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--source",
            action="append",
            choices=sorted(PLANS),
            dest="sources",
            help="Only this source (repeatable). Default: the weekly schedule's sources.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Fetch and compare, print what would change, apply nothing.",
        )
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="Apply an answer that removes most of a register (refused by default).",
        )

    def handle(self, *args, sources=None, dry_run=False, allow_mass_removal=False, **options):
        runs = []
        for name in sources or scheduled_sources():
            self.stdout.write(f"{name}: fetching…")
            run = sync_source(
                source=name,
                dry_run=dry_run,
                trigger="operator command",
                progress=self._progress,
                allow_mass_removal=allow_mass_removal,
            )
            self._report(run)
            runs.append(run)
        self._summary(runs, dry_run=dry_run)
        failed = [run.source for run in runs if run.status == SyncRun.Status.FAILED]
        if failed:
            raise CommandError(
                f"{len(failed)} source(s) failed, nothing applied for them: {', '.join(failed)}"
            )

    def _progress(self, source: str, fetched: int) -> None:
        self.stdout.write(f"{source}: {fetched:,} rows fetched")

    def _report(self, run: SyncRun) -> None:
        if run.status == SyncRun.Status.FAILED:
            self.stderr.write(
                self.style.ERROR(f"{run.source}: FAILED, nothing applied: {run.errors}")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{run.source}: done"))

    def _summary(self, runs: list[SyncRun], *, dry_run: bool) -> None:
        title = "Summary (dry run: nothing applied)" if dry_run else "Summary"
        self.stdout.write(f"\n{title}")
        header = (
            f"{'source':<14}{'status':<11}{'fetched':>9}{'listed':>9}{'new':>7}"
            f"{'removed':>9}{'changed':>9}{'events':>8}  time"
        )
        self.stdout.write(header)
        for run in runs:
            c = run.counts or {}
            seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0
            self.stdout.write(
                f"{run.source:<14}{run.status:<11}{c.get('fetched', 0):>9}{c.get('listed', '-'):>9}"
                f"{c.get('new', '-'):>7}{c.get('removed', '-'):>9}{c.get('changed', '-'):>9}"
                f"{c.get('events', '-'):>8}  {seconds:.1f}s"
            )
