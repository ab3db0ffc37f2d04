"""Members' checks of an application against item 7 (2022 p.12; COM-3)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commission import selectors
from commission.models import MemberCheck
from commission.services.errors import CommissionActionError
from portal import deadlines
from portal.audit.services import record
from portal.models import Role, User
from suppliers.models import Application


class CheckRefused(CommissionActionError):
    code = "check_refused"


@transaction.atomic(durable=True)
def record_check(
    *, application: Application, member: User, agrees: bool, remarks: str
) -> MemberCheck:
    """A member of the region's commission records their check of the application (2022 p.12):
    agrees, or remarks. The new check becomes the member's current one; the earlier stays in
    the history."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.awaits_decision:
        raise CheckRefused(_("The application no longer awaits the commission's decision."))
    commission = selectors.commission_of(region=application.region) if application.region else None
    if commission is None or not selectors.is_member_on(
        commission=commission, user=member, day=deadlines.today()
    ):
        raise CheckRefused(_("Only members of the region's commission check its applications."))
    remarks = remarks.strip()
    if not agrees and not remarks:
        raise CheckRefused(_("Write your remarks, or say that you agree with the data."))
    previous = MemberCheck.objects.filter(
        application=application, member=member, is_current=True
    ).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    check = MemberCheck.objects.create(
        application=application, member=member, agrees=agrees, remarks=remarks
    )
    record(
        actor=member,
        action="application.checked",
        obj=application,
        before={"agrees": previous.agrees, "remarks": previous.remarks} if previous else None,
        after={"agrees": agrees, "remarks": remarks, "check": check.pk},
        basis="2022 p.12",
        role=Role.MEMBER,
    )
    return check
