"""``manage.py held_deregistrations [--confirm RUN | --reject RUN --reason TEXT] --operator IIN``:
the sync runs the mass-removal guard held (DER-2), and an operator's decision on one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from deregistration.models import SyncRunReview
from deregistration.services.state_data import HeldRunRefused, confirm_held_run, reject_held_run
from portal.models import User


class Command(BaseCommand):
    help = "List the sync runs whose automatic deregistrations are held, or confirm/reject one."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--confirm", type=int, metavar="RUN", help="Sync run to confirm.")
        group.add_argument("--reject", type=int, metavar="RUN", help="Sync run to reject.")
        parser.add_argument("--reason", default="", help="Why the data is wrong (--reject).")
        parser.add_argument("--operator", default="", help="IIN of the operator who decides.")

    def handle(self, *args, confirm=None, reject=None, reason="", operator="", **options):
        if confirm is None and reject is None:
            held = SyncRunReview.objects.filter(status=SyncRunReview.Status.HELD)
            for review in held.select_related("run"):
                self.stdout.write(f"run {review.run_id} ({review.run}): {review.shares}")
            if not held.exists():
                self.stdout.write("No sync run is held.")
            return
        user = User.objects.filter(iin=operator).first() if operator else None
        if user is None:
            raise CommandError("--operator must be the IIN of an operator's account.")
        review = SyncRunReview.objects.filter(run_id=confirm or reject).first()
        if review is None:
            raise CommandError(f"Sync run {confirm or reject} has no review.")
        try:
            if confirm is not None:
                cases = confirm_held_run(review=review, operator=user)
                self.stdout.write(f"{len(cases)} suppliers deregistered.")
            else:
                cases = reject_held_run(review=review, operator=user, reason=reason)
                self.stdout.write(f"{len(cases)} cases dismissed.")
        except HeldRunRefused as error:
            raise CommandError(str(error.message)) from error
