"""Commissions made through the services, for the commission's tests."""

from __future__ import annotations

import datetime

from commission import services
from commission.models import Composition
from commission.selectors import CompositionPlan
from portal.deadlines import today
from portal.models import Region, User
from tests.factories import UserFactory


def commission_of(
    region: Region, size: int = 7, *, members: list[User] | None = None
) -> Composition:
    """A valid composition of ``size`` members from today: members[0] chairs, members[1] is
    the deputy chair, and a secretary who is not a member."""
    members = members or UserFactory.create_batch(size)
    plan = CompositionPlan(
        members=members,
        chair=members[0],
        deputy_chair=members[1],
        secretary=UserFactory(),
        effective_from=today(),
    )
    return services.form_composition(region=region, plan=plan, election_protocol="№ 1", by=None)


def meeting_day() -> datetime.date:
    return today()
