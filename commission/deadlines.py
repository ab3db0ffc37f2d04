"""What is due and overdue in a region's commission work (CAL-2): one shape for the workspace's
pages, the reminders and the operators' overdue report.

Each deadline of the rules that a case awaits is one :class:`Due`: the act, the case, the day
with the clause that fixes it (``portal.deadlines.Deadline``), the working days left and whether
it is missed. An application awaiting the decision is due

- edition 2022: the members' check within 5 working days of its arrival (p.12; COM-3), which is
  also the last day of the decision (``Application.review_deadline``);
- edition 2020: the secretary's acceptance within 1 working day (p.13) while it is not yet
  accepted (still ``submitted``), the commission's check within 5 working days of arrival (p.13)
  and the decision within 2 working days more (p.14) (E20-4).

A signed protocol is due to be published within 1 working day of its signing (2022 p.15, 2020
p.14; COM-7, ``Protocol.publication_due``). A decided, withdrawn or published case is due
nothing, so nobody is reminded of it and no report lists it.

A recipient's complaint is due the commission's review within 10 working days of its posting
(2022 p.21; DER-3, ``Complaint.review_deadline``) while it is posted or on the agenda. A
deregistration case the commission decides (every ground but the automatic ones) is due its
decision, with the signing of its protocol, by ``DeregistrationCase.decision_deadline`` (2022
p.22; DER-4); a case opened by complaints is reminded through its complaints' review deadlines,
so one deadline is not reminded twice. Such a ``Due`` has no application: it names its complaint
or its case.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
from collections.abc import Iterable

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from commission.models import Protocol
from deregistration.complaints import Complaint
from deregistration.models import DeregistrationCase
from deregistration.selectors import is_decided_by_commission, region_of_case
from portal import deadlines
from portal.calendar import working_days_in
from portal.deadlines import Deadline
from portal.models import COMMISSION_ROLES, Region, User
from suppliers.models import Application

AWAITING_DECISION = (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW)


class Act(models.TextChoices):
    """What must be done by the deadline."""

    ACCEPTANCE = "acceptance", _("acceptance by the secretary")
    CHECK = "check", _("members' check of the application")
    DECISION = "decision", _("decision of the commission")
    PUBLICATION = "publication", _("publication of the protocol")
    COMPLAINT_REVIEW = "complaint_review", _("commission's review of the complaint")
    CASE_DECISION = "case_decision", _("commission's decision on the deregistration case")


class Actor(models.TextChoices):
    """Who must act: the composition's members and secretary, or the secretary alone."""

    COMMISSION = "commission", _("members and secretary")
    SECRETARY = "secretary", _("secretary")


# Who acts for each act (2022 p.12, p.15; 2020 p.13, p.14).
ACTORS = {
    Act.ACCEPTANCE: Actor.SECRETARY,
    Act.CHECK: Actor.COMMISSION,
    Act.DECISION: Actor.COMMISSION,
    Act.PUBLICATION: Actor.SECRETARY,
    Act.COMPLAINT_REVIEW: Actor.COMMISSION,
    Act.CASE_DECISION: Actor.COMMISSION,
}

# Complaints awaiting the commission's review, and the cases awaiting its decision.
COMPLAINTS_AWAITING_REVIEW = (Complaint.Status.POSTED, Complaint.Status.UNDER_REVIEW)
CASES_AWAITING_DECISION = (DeregistrationCase.Status.OPEN, DeregistrationCase.Status.UNDER_REVIEW)


@dataclasses.dataclass(frozen=True)
class Due:
    """One deadline a case awaits, as seen on day ``on``."""

    act: Act
    region: Region
    # The application the deadline is about; None for a complaint's or a case's deadline.
    application: Application | None
    deadline: Deadline
    on: datetime.date
    # Working days after ``on`` up to the last day: 1 the working day before, 0 on the day,
    # negative once missed (``Deadline.days_left``).
    days_left: int
    protocol: Protocol | None = None
    complaint: Complaint | None = None
    case: DeregistrationCase | None = None

    @property
    def label(self) -> str | Promise:
        return self.act.label

    @property
    def actor(self) -> Actor:
        return ACTORS[self.act]

    @property
    def day(self) -> datetime.date:
        return self.deadline.day

    @property
    def clause(self) -> str:
        return self.deadline.clause

    @property
    def is_overdue(self) -> bool:
        return self.deadline.is_overdue(on=self.on)

    @property
    def days_overdue(self) -> int:
        """Calendar days since the last day (0 while in time): a day off after a missed deadline
        is a day late all the same."""
        return max(0, (self.on - self.day).days)

    @property
    def subject(self) -> str:
        """What the deadline is about: ``application:12``, ``protocol:3``, ``complaint:5`` or
        ``deregistration_case:4``."""
        if self.protocol is not None:
            return f"protocol:{self.protocol.pk}"
        if self.complaint is not None:
            return f"complaint:{self.complaint.pk}"
        if self.case is not None:
            return f"deregistration_case:{self.case.pk}"
        assert self.application is not None, "a deadline is about something"
        return f"application:{self.application.pk}"

    @property
    def about(self) -> models.Model:
        """The object the deadline is about (the reminders' ``about``)."""
        found = self.protocol or self.complaint or self.case or self.application
        assert found is not None, "a deadline is about something"
        return found

    @property
    def key(self) -> str:
        """Names this deadline of this case: ``application:12:check:2025-03-31``."""
        return f"{self.subject}:{self.act.value}:{self.day.isoformat()}"


def deadlines_due(*, region: Region | None = None, on: datetime.date | None = None) -> list[Due]:
    """Every deadline awaited in ``region`` (default: every region) as seen on ``on`` (default:
    today in Almaty), the earliest first; missed ones are flagged, not left out (CAL-2).

    The working days left are counted on one read of the calendar for all of them."""
    on = on or deadlines.today()
    awaited = [*_application_deadlines(region), *_protocol_deadlines(region)]
    deregistration = [*_complaint_deadlines(region), *_case_deadlines(region)]
    if not awaited and not deregistration:
        return []
    calendar = _WorkingDays(
        on,
        [deadline.day for _act, _application, deadline, _p in awaited]
        + [deadline.day for _act, _region, deadline, _subject in deregistration],
    )
    found = [
        Due(
            act=act,
            region=_region_of(application),
            application=application,
            deadline=deadline,
            on=on,
            days_left=calendar.days_left(deadline.day),
            protocol=protocol,
        )
        for act, application, deadline, protocol in awaited
    ]
    found += [
        Due(
            act=act,
            region=subject_region,
            application=None,
            deadline=deadline,
            on=on,
            days_left=calendar.days_left(deadline.day),
            complaint=subject if isinstance(subject, Complaint) else None,
            case=subject if isinstance(subject, DeregistrationCase) else None,
        )
        for act, subject_region, deadline, subject in deregistration
    ]
    return _in_order(found)


def _in_order(found: list[Due]) -> list[Due]:
    order = list(Act)
    return sorted(found, key=lambda due: (due.day, order.index(due.act), due.subject))


def deadlines_for(*, user: User, on: datetime.date | None = None) -> list[Due]:
    """What is due in the regions whose commission work ``user`` does as a member or the
    secretary (their workspace; CAL-2: shown to the people who must act)."""
    regions = Region.objects.filter(
        role_assignments__user=user, role_assignments__role__in=COMMISSION_ROLES
    ).distinct()
    found = [due for region in regions for due in deadlines_due(region=region, on=on)]
    return _in_order(found)


def overdue_by_region(*, on: datetime.date | None = None) -> list[tuple[Region, list[Due]]]:
    """The missed deadlines of every region on ``on``, region by region (the operators' report,
    CAL-2); regions with none are left out."""
    by_region: dict[int, tuple[Region, list[Due]]] = {}
    for due in deadlines_due(on=on):
        if due.is_overdue:
            by_region.setdefault(due.region.pk, (due.region, []))[1].append(due)
    return sorted(by_region.values(), key=lambda pair: pair[0].kato)


Awaited = tuple[Act, Application, Deadline, Protocol | None]


def _application_deadlines(region: Region | None) -> Iterable[Awaited]:
    applications = Application.objects.filter(
        status__in=AWAITING_DECISION, review_due__isnull=False, region__isnull=False
    ).select_related("supplier", "region")
    if region is not None:
        applications = applications.filter(region=region)
    for application in applications:
        for act, deadline in application_deadlines(application):
            yield act, application, deadline, None


def application_deadlines(application: Application) -> list[tuple[Act, Deadline]]:
    """The deadlines an application awaiting the decision has, by its edition (2022 p.12;
    2020 p.13-14)."""
    held = application.review_deadline
    if held is None or application.status not in AWAITING_DECISION:
        return []
    edition = application.edition
    if edition.decision_deadline_working_days is None:
        return [(Act.CHECK, held)]
    assert application.submitted_at is not None, "a submitted application has arrived"
    arrived_on = deadlines.day_of(application.submitted_at)
    found: list[tuple[Act, Deadline]] = []
    if (
        edition.secretary_acceptance_working_days is not None
        and application.status == Application.Status.SUBMITTED
    ):
        found.append(
            (
                Act.ACCEPTANCE,
                deadlines.deadline(
                    edition=edition,
                    parameter="secretary_acceptance_working_days",
                    after=arrived_on,
                ),
            )
        )
    check = deadlines.deadline(
        edition=edition, parameter="review_deadline_working_days", after=arrived_on
    )
    return [*found, (Act.CHECK, check), (Act.DECISION, held)]


def _protocol_deadlines(region: Region | None) -> Iterable[Awaited]:
    # A deregistration's protocol has no application: its publication (2022 p.23; DER-5) is
    # tracked on the protocol and its case (deregistration.selectors.overdue_cases).
    protocols = Protocol.objects.filter(
        status=Protocol.Status.SIGNED,
        publication_due__isnull=False,
        item__application__isnull=False,
    ).select_related("item__application__supplier", "item__application__region")
    if region is not None:
        protocols = protocols.filter(commission__region=region)
    for protocol in protocols:
        application = protocol.item.application
        assert application is not None, "every protocol is about an application"
        assert protocol.publication_due is not None
        deadline = Deadline(
            day=protocol.publication_due,
            clause=application.edition.clause_for("protocol_publication_working_days"),
        )
        yield Act.PUBLICATION, application, deadline, protocol


DeregistrationAwaited = tuple[Act, Region, Deadline, Complaint | DeregistrationCase]


def _complaint_deadlines(region: Region | None) -> Iterable[DeregistrationAwaited]:
    complaints = Complaint.objects.filter(
        status__in=COMPLAINTS_AWAITING_REVIEW, review_due__isnull=False, case__isnull=False
    ).select_related("supplier", "supplier__region", "case")
    if region is not None:
        complaints = complaints.filter(
            models.Q(supplier__register_entries__region=region) | models.Q(supplier__region=region)
        ).distinct()
    for complaint in complaints:
        deadline = complaint.review_deadline
        assert complaint.case is not None and deadline is not None
        found = region_of_case(complaint.case)
        if found is not None and (region is None or found.pk == region.pk):
            yield Act.COMPLAINT_REVIEW, found, deadline, complaint


def _case_deadlines(region: Region | None) -> Iterable[DeregistrationAwaited]:
    cases = (
        DeregistrationCase.objects.filter(
            status__in=CASES_AWAITING_DECISION, decision_due__isnull=False
        )
        .exclude(source=DeregistrationCase.Source.COMPLAINT)
        .select_related("supplier", "supplier__region")
    )
    if region is not None:
        cases = cases.filter(
            models.Q(supplier__register_entries__region=region) | models.Q(supplier__region=region)
        ).distinct()
    for case in cases:
        deadline = case.decision_deadline
        if deadline is None or not is_decided_by_commission(case):
            continue
        found = region_of_case(case)
        if found is not None and (region is None or found.pk == region.pk):
            yield Act.CASE_DECISION, found, deadline, case


def _region_of(application: Application) -> Region:
    assert application.region is not None, "an application with the commission has its region"
    return application.region


class _WorkingDays:
    """The working days from ``on`` to the farthest deadline, read once (CAL-1), counted as
    ``Deadline.days_left`` counts them: after ``on`` up to and including the day."""

    def __init__(self, on: datetime.date, days: Iterable[datetime.date]) -> None:
        days = list(days)
        self.on = on
        self.working = working_days_in(min(on, *days), max(on, *days))

    def _up_to(self, day: datetime.date) -> int:
        return bisect.bisect_right(self.working, day)

    def days_left(self, day: datetime.date) -> int:
        return self._up_to(day) - self._up_to(self.on)
