"""``manage.py verify_audit``: check the whole audit chain; exit non-zero at the first break."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit.verify import CHUNK_SIZE, verify_chain


class Command(BaseCommand):
    help = "Recompute every audit event's hash and check the chain; report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=CHUNK_SIZE, help="Events fetched per round trip."
        )

    def handle(self, *args, **options):
        result = verify_chain(chunk_size=options["chunk_size"])
        if not result.ok:
            raise CommandError(
                f"Broken link at audit event {result.broken_event_id} "
                f"(after {result.events_verified} verified events): {result.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"OK: {result.events_verified} events verified"))
        # The head hash lets an operator notice a truncated tail by comparing with an earlier run.
        self.stdout.write(f"Head hash: {result.head_hash}")
