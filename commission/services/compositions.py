"""Acts on commissions: forming a composition (COM-1, E20-9)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commission.models import Commission, Composition, Seat
from commission.selectors import (
    CompositionPlan,
    composition_on,
    composition_problems,
    plan_of,
)
from commission.services.errors import CommissionActionError
from portal.audit.services import record
from portal.deadlines import today
from portal.editions import edition_for
from portal.models import Region, Role, RoleAssignment, User


class InvalidComposition(CommissionActionError):
    """The composition breaks the rules; ``problems`` says why, in words."""

    code = "invalid_composition"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            _("This commission cannot work as composed: %(problems)s")
            % {"problems": " ".join(self.problems)}
        )


class HistoryIsFixed(InvalidComposition):
    code = "history_is_fixed"


def form_composition(
    *,
    region: Region,
    plan: CompositionPlan,
    election_protocol: str,
    by: User | None,
) -> Composition:
    """The region's commission takes this composition from ``plan.effective_from`` on
    (2022 p.11; 2020 p.12). The whole composition is checked against the edition in force on that
    day and refused with its reasons in words; history is kept: a composition cannot take effect
    before today or before one already recorded. The members and the secretary get the
    commission roles for the region."""
    edition = edition_for(plan.effective_from)
    problems = composition_problems(plan=plan, edition=edition)
    if problems:
        raise InvalidComposition(problems)
    assert plan.secretary is not None, "composition_problems refuses a plan without one"
    with transaction.atomic():
        commission, _created = Commission.objects.select_for_update().get_or_create(region=region)
        _check_history(commission, plan.effective_from)
        composition = Composition.objects.create(
            commission=commission,
            effective_from=plan.effective_from,
            secretary=plan.secretary,
            elected_on=plan.elected_on or plan.effective_from,
            election_protocol=election_protocol,
        )
        Seat.objects.bulk_create(_seats(composition, plan))
        _grant_roles(composition, plan)
        record(
            actor=by,
            action="commission.composition_formed",
            obj=composition,
            after=composition_snapshot(composition),
            basis=edition.clause_for("commission_size_must_be_odd"),
            role=Role.OPERATOR,
        )
    return composition


def composition_snapshot(composition: Composition) -> dict:
    seats = composition.seats.select_related("member").order_by("office", "member__iin")
    return {
        "commission": composition.commission.region.kato,
        "effective_from": composition.effective_from,
        "elected_on": composition.elected_on,
        "election_protocol": composition.election_protocol,
        "secretary": composition.secretary.iin,
        "seats": [{"iin": seat.member.iin, "office": seat.office} for seat in seats],
    }


def history_problems(*, commission: Commission | None, effective_from: datetime.date) -> list[str]:
    """Why a new composition may not take effect on ``effective_from``: the history of who sat
    on the commission is fixed (no day in the past, none before a recorded composition)."""
    if effective_from < today():
        return [str(_("A new composition cannot take effect in the past."))]
    latest = commission and commission.compositions.order_by("-effective_from").first()
    if latest and effective_from <= latest.effective_from:
        return [
            str(
                _("A composition already takes effect on %(day)s; a new one must start later.")
                % {"day": latest.effective_from.strftime("%d.%m.%Y")}
            )
        ]
    return []


def _check_history(commission: Commission, effective_from: datetime.date) -> None:
    problems = history_problems(commission=commission, effective_from=effective_from)
    if problems:
        raise HistoryIsFixed(problems)


def _seats(composition: Composition, plan: CompositionPlan) -> list[Seat]:
    def office_of(member: User) -> str:
        if member == plan.chair:
            return Seat.Office.CHAIR
        if member == plan.deputy_chair:
            return Seat.Office.DEPUTY_CHAIR
        return Seat.Office.MEMBER

    return [
        Seat(composition=composition, member=member, office=office_of(member))
        for member in plan.members
    ]


def _grant_roles(composition: Composition, plan: CompositionPlan) -> None:
    region = composition.commission.region
    people = [(member, Role.MEMBER) for member in plan.members]
    people.append((composition.secretary, Role.SECRETARY))
    for person, role in people:
        RoleAssignment.objects.get_or_create(user=person, role=role, region=region)


def require_valid_composition(*, commission: Commission, day: datetime.date) -> Composition:
    """The composition in force on ``day``, refused with its reasons when it is missing or
    breaks the rules of the edition in force on ``day`` (a meeting cannot open with it)."""
    composition = composition_on(commission=commission, day=day)
    if composition is None:
        raise InvalidComposition([str(_("The commission has no composition on this day."))])
    problems = composition_problems(plan=plan_of(composition), edition=edition_for(day))
    if problems:
        raise InvalidComposition(problems)
    return composition
