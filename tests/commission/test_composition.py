"""COM-1, COM-2, E20-9: the regional commission, its dated compositions and who runs a meeting.

Compositions are formed through ``commission.services.form_composition`` (the admin and
``load_demo`` use it too) and checked against the edition in force on their first day.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from commission import services
from commission.models import Commission, Composition, Seat
from commission.selectors import (
    CompositionPlan,
    composition_on,
    is_member_on,
    presiding_member,
)
from portal import reference_data
from portal.audit.models import AuditEvent
from portal.deadlines import today
from portal.models import Region, Role, RoleAssignment
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

ASTANA = "710000000"


@pytest.fixture
def region() -> Region:
    return Region.objects.get(kato=ASTANA)


def plan(size: int, *, day: datetime.date | None = None, **changes) -> CompositionPlan:
    members = UserFactory.create_batch(size)
    fields = {
        "members": members,
        "chair": members[0] if members else None,
        "deputy_chair": members[1] if len(members) > 1 else None,
        "secretary": UserFactory(),
        "effective_from": day or today(),
    }
    fields.update(changes)
    return CompositionPlan(**fields)


def form(region, composition_plan, protocol="№ 3 от 01.12.2026"):
    return services.form_composition(
        region=region, plan=composition_plan, election_protocol=protocol, by=None
    )


def refusal(region, composition_plan) -> str:
    with pytest.raises(services.InvalidComposition) as caught:
        form(region, composition_plan)
    assert not Composition.objects.filter(commission__region=region).exists(), "nothing saved"
    return " ".join(caught.value.problems)


@pytest.mark.req("COM-1")
@pytest.mark.parametrize(("size", "reason"), [(6, "odd"), (8, "odd"), (5, "at least 7")])
def test_edition_2022_refuses_an_even_or_small_commission_with_the_reason(region, size, reason):
    assert reason in refusal(region, plan(size))


@pytest.mark.req("COM-1")
@pytest.mark.parametrize("size", [7, 9])
def test_edition_2022_accepts_an_odd_commission_of_at_least_seven(region, size):
    composition = form(region, plan(size))
    assert composition.seats.count() == size
    assert composition.commission.region == region
    offices = sorted(composition.seats.values_list("office", flat=True))
    assert offices.count(Seat.Office.CHAIR) == offices.count(Seat.Office.DEPUTY_CHAIR) == 1


@pytest.mark.req("COM-1")
def test_the_secretary_is_not_a_member(region):
    proposed = plan(7)
    proposed = CompositionPlan(**{**proposed.__dict__, "secretary": proposed.members[3]})
    assert "The secretary is not a member of the commission (2022 p.11)" in refusal(
        region, proposed
    )


@pytest.mark.req("COM-1")
def test_chair_and_deputy_chair_are_elected_from_the_members(region):
    outsider = UserFactory()
    assert "chair is elected from the members" in refusal(region, plan(7, chair=outsider))
    assert "no deputy chair" in refusal(region, plan(7, deputy_chair=None))
    same = plan(7)
    same = CompositionPlan(**{**same.__dict__, "deputy_chair": same.chair})
    assert "two different members" in refusal(region, same)
    assert "no secretary" in refusal(region, plan(7, secretary=None))


@pytest.mark.req("E20-9")
def test_edition_2020_asks_an_odd_number_of_members_and_no_minimum(region, settings):
    settings.RULES_EDITION = "2020"
    assert form(region, plan(3)).seats.count() == 3
    assert "odd" in refusal(Region.objects.exclude(pk=region.pk).first(), plan(4))


@pytest.mark.req("COM-1")
def test_the_history_of_compositions_is_kept_and_read_by_day(region):
    day = today()
    first = form(region, plan(7))
    later = form(region, plan(9, day=day + datetime.timedelta(days=30)))
    commission = Commission.objects.get(region=region)

    assert composition_on(commission=commission, day=day) == first
    assert composition_on(commission=commission, day=day + datetime.timedelta(days=29)) == first
    assert composition_on(commission=commission, day=later.effective_from) == later
    assert composition_on(commission=commission, day=day - datetime.timedelta(days=1)) is None
    old_member = first.seats.first().member
    assert is_member_on(commission=commission, user=old_member, day=day)
    assert not is_member_on(commission=commission, user=old_member, day=later.effective_from)

    with pytest.raises(services.HistoryIsFixed, match="must start later"):
        form(region, plan(7, day=day + datetime.timedelta(days=10)))
    with pytest.raises(services.HistoryIsFixed, match="in the past"):
        form(
            Region.objects.exclude(pk=region.pk).first(),
            plan(7, day=day - datetime.timedelta(days=1)),
        )


@pytest.mark.req("COM-1")
def test_forming_a_composition_is_audited_and_gives_the_commission_roles(region):
    proposed = plan(7)
    composition = form(region, proposed)
    event = AuditEvent.objects.get(action="commission.composition_formed")
    assert event.object_id == str(composition.pk)
    assert event.basis == "2022 p.11"
    assert {seat["iin"] for seat in event.after["seats"]} == {m.iin for m in proposed.members}
    assert event.after["secretary"] == proposed.secretary.iin
    for member in proposed.members:
        assert member.has_role(Role.MEMBER, region=region)
    assert proposed.secretary.has_role(Role.SECRETARY, region=region)
    assert not proposed.secretary.has_role(Role.MEMBER, region=region)


@pytest.mark.req("COM-1")
def test_an_invalid_composition_cannot_be_used_to_meet(region, settings):
    commission = Commission.objects.create(region=region)
    with pytest.raises(services.InvalidComposition, match="no composition"):
        services.require_valid_composition(commission=commission, day=today())
    settings.RULES_EDITION = "2020"
    composition = form(region, plan(5))
    settings.RULES_EDITION = "2022"  # five members were enough in 2020, not under edition 2022
    with pytest.raises(services.InvalidComposition, match="at least 7"):
        services.require_valid_composition(
            commission=composition.commission, day=composition.effective_from
        )


@pytest.mark.req("COM-2")
def test_the_chair_runs_the_meeting_and_the_deputy_in_the_chairs_absence(region):
    proposed = plan(7)
    composition = form(region, proposed)
    everyone = list(proposed.members)
    assert presiding_member(composition=composition, present=everyone) == (
        proposed.chair,
        Seat.Office.CHAIR,
    )
    without_chair = [m for m in everyone if m != proposed.chair]
    assert presiding_member(composition=composition, present=without_chair) == (
        proposed.deputy_chair,
        Seat.Office.DEPUTY_CHAIR,
    )
    neither = [m for m in without_chair if m != proposed.deputy_chair]
    assert presiding_member(composition=composition, present=neither) is None


# --- the operators' admin -----------------------------------------------------------------------


@pytest.fixture
def operator_client(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    return client


def composition_form(commission, members, secretary, *, chair=0, deputy=1) -> dict:
    day = today().strftime("%Y-%m-%d")
    data = {
        "commission": commission.pk,
        "effective_from": day,
        "secretary": secretary.pk,
        "elected_on": day,
        "election_protocol": "№ 1 от 01.12.2026",
        "seats-TOTAL_FORMS": str(len(members)),
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "0",
        "seats-MAX_NUM_FORMS": "1000",
    }
    for index, member in enumerate(members):
        office = {chair: "chair", deputy: "deputy_chair"}.get(index, "member")
        data[f"seats-{index}-member"] = member.pk
        data[f"seats-{index}-office"] = office
    return data


@pytest.mark.req("COM-1")
def test_operators_form_a_composition_in_the_admin_and_a_bad_one_is_refused_in_words(
    operator_client, region
):
    commission = Commission.objects.create(region=region)
    url = reverse("admin:commission_composition_add")
    secretary = UserFactory()

    response = operator_client.post(
        url, composition_form(commission, UserFactory.create_batch(6), secretary)
    )
    assert response.status_code == 200
    assert "A commission must have an odd number of members." in response.content.decode()
    assert not Composition.objects.exists()

    members = UserFactory.create_batch(7)
    response = operator_client.post(url, composition_form(commission, members, secretary))
    assert response.status_code == 302, response.content.decode()[-3000:]
    composition = Composition.objects.get()
    assert {seat.member for seat in composition.seats.all()} == set(members)
    assert AuditEvent.objects.filter(action="commission.composition_formed").count() == 1

    # What took effect is history: shown, not changed or deleted.
    change = reverse("admin:commission_composition_change", args=[composition.pk])
    assert operator_client.get(change).status_code == 200
    response = operator_client.post(change, composition_form(commission, members, secretary))
    assert response.status_code == 403
    assert Composition.objects.get().election_protocol == "№ 1 от 01.12.2026"


@pytest.mark.req("COM-1")
def test_load_demo_gives_every_demo_region_a_valid_commission():
    call_command("load_demo", "--without-application", verbosity=0)
    call_command("load_demo", "--without-application", verbosity=0)  # idempotent
    demo = reference_data.DATA_DIR / "demo.json"
    import json

    for entry in json.loads(demo.read_text(encoding="utf-8"))["commissions"]:
        commission = Commission.objects.get(region__kato=entry["region_kato"])
        assert commission.compositions.count() == 1
        composition = services.require_valid_composition(commission=commission, day=today())
        assert composition.seats.count() == len(entry["members"])
    assert RoleAssignment.objects.filter(role=Role.SECRETARY).count() == 2
