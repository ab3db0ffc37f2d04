"""Commissions made through the services, for the commission's tests."""

from __future__ import annotations

import datetime

from commission import selectors, services
from commission.models import AgendaItem, Composition, Meeting, Seat
from commission.selectors import CompositionPlan
from egov_gateway.eds.signer import Purpose
from portal.deadlines import today
from portal.models import Region, User
from suppliers.models import Application
from tests.factories import UserFactory
from tests.suppliers.factories import ApplicationFactory


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


def chair(commission):
    return commission.compositions.get().seats.get(office=Seat.Office.CHAIR).member


def open_meeting(commission, *, items: int = 1, absent: int = 0) -> Meeting:
    composition = commission.compositions.get()
    applications = [
        ApplicationFactory(
            status=Application.Status.SUBMITTED, region=commission.region, email="s@example.kz"
        )
        for _ in range(items)
    ]
    meeting = services.schedule_meeting(
        commission=commission,
        secretary=composition.secretary,
        held_on=composition.effective_from,
        applications=applications,
    )
    members = selectors.members_of(composition)  # the chair first
    present = members[: len(members) - absent]
    services.record_attendance(meeting=meeting, secretary=composition.secretary, present=present)
    return services.open_meeting(meeting=meeting, by=chair(commission))


def proposed(item, commission, proposal=AgendaItem.Proposal.ADMIT, reasons=()):
    return services.put_proposal(
        item=item, by=chair(commission), proposal=proposal, reasons=reasons
    )


def signed(pki, item, member, choice, *, document=None) -> bytes:
    document = document or services.vote_document(item=item, member=member, choice=choice)
    return pki.key_for(member.iin, Purpose.SIGN).sign(document)


def decided(pki, commission, item, *, votes_for: int = 4, **proposal) -> AgendaItem:
    """Every present member votes — ``votes_for`` of them for — and the item is closed."""
    item = proposed(item, commission, **proposal)
    members = selectors.present_members(item.meeting)
    for n, member in enumerate(members):
        choice = "for" if n < votes_for else "against"
        services.cast_vote(
            item=item, member=member, choice=choice, cms=signed(pki, item, member, choice)
        )
    return services.close_item(item=item, by=chair(commission))
