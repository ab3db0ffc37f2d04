"""The application's status, deadlines and who may see its documents (SUP-9, CAL-2)."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal import deadlines
from portal.access import holds_role
from portal.deadlines import Deadline
from portal.editions import Edition
from portal.editions.base import Text
from portal.models import Role, User
from suppliers.models import (
    REVIEW_PERIODS,
    Application,
    SupportingDocument,
)
from suppliers.selectors.acting import may_act_for


@dataclasses.dataclass(frozen=True)
class StatusView:
    """Where the application stands, what happens next and by when (SUP-9, CAL-2)."""

    status: str
    stage: Text
    next_step: Text
    due: datetime.date | None
    reasons: tuple[Text, ...] = ()
    submitted_on: datetime.date | None = None
    region_name: str = ""
    can_withdraw: bool = False
    overdue: bool = False
    # ``due`` with the clause that fixes it (CAL-2).
    deadline: Deadline | None = None


def application_status(
    application: Application, *, today: datetime.date | None = None
) -> StatusView:
    """The status shown in the cabinet (2022 p.16, SUP-9): the stage, the next step and its
    deadline (the review deadline of the edition, CAL-2), and the decision's reasons once the
    commission has decided."""
    today = today or deadlines.today()
    status = application.status
    submitted_on = deadlines.day_of(application.submitted_at) if application.submitted_at else None
    deadline = application.review_deadline
    due = deadline.day if deadline else None
    region_name = application.region.name if application.region_id else ""
    if status == Application.Status.DRAFT:
        return StatusView(
            status=status,
            stage=_("Draft: not yet submitted"),
            next_step=_(
                "Complete every section, check your answers, then sign the application with your "
                "EDS and submit it."
            ),
            due=None,
            can_withdraw=True,
        )
    if status in (Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW):
        return StatusView(
            status=status,
            stage=_("Submitted: with the commission"),
            next_step=_(
                "The commission of %(region)s checks your application and decides by %(due)s. "
                "You will receive an e-mail when the decision is made."
            )
            % {"region": region_name, "due": f"{due:%d.%m.%Y}" if due else "—"},
            due=due,
            submitted_on=submitted_on,
            region_name=region_name,
            can_withdraw=True,
            overdue=bool(deadline and deadline.is_overdue(on=today)),
            deadline=deadline,
        )
    if status == Application.Status.WITHDRAWN:
        return StatusView(
            status=status,
            stage=_("Withdrawn"),
            next_step=_("You withdrew this application. You can start a new one at any time."),
            due=None,
            submitted_on=submitted_on,
            region_name=region_name,
        )
    if status in (Application.Status.APPROVED, Application.Status.REFUSED):
        return _decided(application, submitted_on=submitted_on, region_name=region_name)
    return StatusView(
        status=status,
        stage=application.get_status_display(),
        next_step="",
        due=due,
        submitted_on=submitted_on,
        region_name=region_name,
        deadline=deadline,
    )


def _decided(application: Application, *, submitted_on, region_name: str) -> StatusView:
    """ "Одобрено" or "Отказано" with the reasons of the published protocol (2022 p.16)."""
    edition = application.edition
    protocol = {"protocol": application.decision_protocol}
    if application.status == Application.Status.APPROVED:
        return StatusView(
            status=application.status,
            stage=_("Approved"),
            next_step=_(
                "The commission admitted and registered you (protocol %(protocol)s). You are "
                "listed in the registers that fit what you offer."
            )
            % protocol,
            due=None,
            submitted_on=submitted_on,
            region_name=region_name,
        )
    return StatusView(
        status=application.status,
        stage=_("Refused"),
        next_step=_(
            "The commission refused the application (protocol %(protocol)s) for the reasons "
            "below. You may correct them and apply again."
        )
        % protocol,
        due=None,
        reasons=tuple(edition.refusal_reason(code).text for code in application.refusal_reasons),
        submitted_on=submitted_on,
        region_name=region_name,
    )


def review_deadline(*, edition: Edition, arrived_on: datetime.date) -> datetime.date:
    """The day by which the commission decides on an application that arrived on a day (CAL-2):
    the edition's working days of checking (2022 p.12; 2020 p.13) and, under edition 2020, of
    deciding (p.14), from the day after arrival (``Application.review_deadline`` holds it)."""
    return deadlines.deadline(edition=edition, parameter=REVIEW_PERIODS, after=arrived_on).day


def arrival_day(moment: datetime.datetime) -> datetime.date:
    """The day an application arrives: the date in Astana/Almaty time of its submission."""
    return deadlines.day_of(moment)


def submitted_applications(*, region=None) -> QuerySet[Application]:
    """Applications with the commission (operators' and, later, the commission's list)."""
    applications = Application.objects.filter(
        status__in=(Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW)
    ).select_related("supplier", "region")
    if region is not None:
        applications = applications.filter(region=region)
    return applications.order_by("review_due", "submitted_at")


def may_download(*, user: User, document: SupportingDocument) -> bool:
    """Documents are served only to those who may see their application (issue 5, item 4)."""
    return may_see_application(user=user, application=document.application)


def may_see_application(*, user: User, application: Application) -> bool:
    """The supplier's people, the commission of the application's region (once submitted) and
    operators may see an application, its documents and its Annex."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if may_act_for(user=user, supplier=application.supplier):
        return True
    if holds_role(user, Role.OPERATOR):
        return True
    if application.status != Application.Status.DRAFT and application.region_id:
        return holds_role(user, Role.MEMBER, Role.SECRETARY, region_id=application.region_id)
    return False
