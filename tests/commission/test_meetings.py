"""COM-2, COM-4, COM-5: meetings scheduled by the secretary, opened by the chair (or the deputy
in the chair's absence) only with two thirds of all members present, and proposals that are
adopted only by the majority of the total number of members."""

from __future__ import annotations

import pytest

from commission import selectors, services
from commission.models import AgendaItem, Meeting, Seat
from commission.services import KindProposal
from commission.services.meetings import NotPresiding, NotTheSecretary, QuorumNotMet
from portal.audit.models import AuditEvent
from portal.models import ClassifierItem, Region
from suppliers.models import Application, Offering
from tests.commission.helpers import commission_of, meeting_day
from tests.suppliers.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

ASTANA = "710000000"


@pytest.fixture
def region() -> Region:
    return Region.objects.get(kato=ASTANA)


def submitted(region) -> Application:
    return ApplicationFactory(status=Application.Status.SUBMITTED, region=region)


def scheduled(composition, applications=None) -> Meeting:
    return services.schedule_meeting(
        commission=composition.commission,
        secretary=composition.secretary,
        held_on=meeting_day(),
        applications=applications or [submitted(composition.commission.region)],
    )


def members(composition):
    return [seat.member for seat in composition.seats.order_by("pk")]


def chair_and_deputy(composition):
    holder = {seat.office: seat.member for seat in composition.seats.all()}
    return holder[Seat.Office.CHAIR], holder[Seat.Office.DEPUTY_CHAIR]


@pytest.mark.req("COM-4")
def test_nine_members_five_present_cannot_meet_six_can(region):
    composition = commission_of(region, 9)
    meeting = scheduled(composition)
    chair, _deputy = chair_and_deputy(composition)
    everyone = members(composition)

    services.record_attendance(
        meeting=meeting, secretary=composition.secretary, present=everyone[:5]
    )
    with pytest.raises(QuorumNotMet) as refused:
        services.open_meeting(meeting=meeting, by=chair)
    assert "5 of 9 members are present, and at least 6 must be (2022 p.13)" in str(refused.value)
    assert Meeting.objects.get().status == Meeting.Status.SCHEDULED

    services.record_attendance(
        meeting=meeting, secretary=composition.secretary, present=everyone[:6]
    )
    opened = services.open_meeting(meeting=meeting, by=chair)
    assert opened.status == Meeting.Status.OPEN
    assert (opened.presided_by, opened.presiding_office) == (chair, Seat.Office.CHAIR)
    assert selectors.attendance_of(opened).present == 6


@pytest.mark.req("COM-2")
def test_the_deputy_opens_the_meeting_in_the_chairs_absence_and_it_is_recorded(region):
    composition = commission_of(region, 7)
    meeting = scheduled(composition)
    chair, deputy = chair_and_deputy(composition)
    present = [m for m in members(composition) if m != chair]
    services.record_attendance(meeting=meeting, secretary=composition.secretary, present=present)

    with pytest.raises(NotPresiding):
        services.open_meeting(meeting=meeting, by=present[-1])
    opened = services.open_meeting(meeting=meeting, by=deputy)
    assert (opened.presided_by, opened.presiding_office) == (deputy, Seat.Office.DEPUTY_CHAIR)
    event = AuditEvent.objects.get(action="meeting.opened")
    assert event.after["presiding_office"] == "deputy_chair"


@pytest.mark.req("COM-1")
def test_only_the_commissions_secretary_schedules_and_the_secretary_is_never_present(region):
    composition = commission_of(region, 7)
    with pytest.raises(NotTheSecretary):
        services.schedule_meeting(
            commission=composition.commission,
            secretary=members(composition)[0],
            held_on=meeting_day(),
            applications=[submitted(region)],
        )
    meeting = scheduled(composition)
    with pytest.raises(services.CommissionActionError, match="the secretary is not"):
        services.record_attendance(
            meeting=meeting,
            secretary=composition.secretary,
            present=[*members(composition), composition.secretary],
        )


@pytest.mark.req("COM-5")
def test_the_vote_count_of_all_members_decides_not_of_those_present(region):
    composition = commission_of(region, 7)
    meeting = scheduled(composition, [submitted(region), submitted(region)])
    chair, _deputy = chair_and_deputy(composition)
    services.record_attendance(
        meeting=meeting, secretary=composition.secretary, present=members(composition)[:5]
    )
    services.open_meeting(meeting=meeting, by=chair)
    first, second = meeting.items.order_by("position")

    # 5 present, 3 for: a majority of those present, not of all seven — no decision.
    services.put_proposal(item=first, by=chair, proposal=AgendaItem.Proposal.ADMIT)
    AgendaItem.objects.filter(pk=first.pk).update(votes_for=3, votes_against=2)
    assert selectors.votes_still_needed(AgendaItem.objects.get(pk=first.pk)) == 1
    closed = services.close_item(item=first, by=chair)
    assert closed.status == AgendaItem.Status.NO_DECISION
    first.application.refresh_from_db()
    assert first.application.status == Application.Status.UNDER_REVIEW, "still under review"

    services.put_proposal(
        item=second, by=chair, proposal=AgendaItem.Proposal.REFUSE, reasons=["untrue_data"]
    )
    AgendaItem.objects.filter(pk=second.pk).update(votes_for=4, votes_against=1)
    assert services.close_item(item=second, by=chair).status == AgendaItem.Status.ADOPTED


@pytest.mark.req("COM-8")
def test_a_refusal_names_reasons_from_the_editions_list(region):
    composition = commission_of(region, 7)
    meeting = scheduled(composition)
    chair, _deputy = chair_and_deputy(composition)
    services.record_attendance(
        meeting=meeting, secretary=composition.secretary, present=members(composition)
    )
    services.open_meeting(meeting=meeting, by=chair)
    item = meeting.items.get()
    for reasons in ([], ["no_such_reason"]):
        with pytest.raises(services.CommissionActionError, match="at least one reason"):
            services.put_proposal(
                item=item, by=chair, proposal=AgendaItem.Proposal.REFUSE, reasons=reasons
            )
    with pytest.raises(NotPresiding):
        services.put_proposal(item=item, by=members(composition)[3], proposal="admit")
    codes = [reason.code for reason in item.application.edition.refusal_reasons]
    assert len(codes) == 4
    voted = services.put_proposal(
        item=item, by=chair, proposal=AgendaItem.Proposal.REFUSE, reasons=codes[:2]
    )
    assert voted.status == AgendaItem.Status.VOTING
    assert voted.refusal_reasons == codes[:2]


@pytest.mark.req("E20-5")
def test_an_edition_2020_application_is_refused_with_the_seven_reasons_of_its_edition(region):
    composition = commission_of(region, 7)
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED, region=region, edition_code="2020"
    )
    meeting = scheduled(composition, [application])
    chair, _deputy = chair_and_deputy(composition)
    services.record_attendance(
        meeting=meeting, secretary=composition.secretary, present=members(composition)
    )
    services.open_meeting(meeting=meeting, by=chair)
    item = meeting.items.get()
    codes = [reason.code for reason in application.edition.refusal_reasons]
    assert len(codes) == 7
    assert "deregistered_for_non_performance" in codes  # 2020 p.14(7)
    # Each kind is decided on its own (2020 p.8, p.14; tests/commission/test_kinds_2020.py).
    kind = Offering.objects.create(
        application=application, classifier_item=ClassifierItem.objects.get(code="G01.02")
    )
    refuse = AgendaItem.Proposal.REFUSE
    with pytest.raises(services.CommissionActionError, match="at least one reason"):
        services.put_proposal(
            item=item, by=chair, kinds=[KindProposal(kind.pk, refuse, ("law_article_32_2",))]
        )
    reasons = ("document_count_mismatch", "deregistered_for_non_performance")
    voted = services.put_proposal(
        item=item, by=chair, kinds=[KindProposal(kind.pk, refuse, reasons)]
    )
    assert voted.refusal_reasons == list(reasons)
