"""Whether a supplier may apply for admission: the one place that decides (issue 5, item 1).

The supplier cabinet asks ``admission_eligibility`` before a supplier starts, before an
application is started and again when it is submitted. Today it refuses a supplier that already
has an application under review or has been admitted; the readmission rules after a
deregistration (RDM-1, RDM-2; 2022 p.24, 2020 p.20) are to be added here, in this function,
and nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.calendar import ALMATY
from portal.deadlines import today
from portal.editions.base import ReadmissionCondition, Text

# Application states in which the commission has the application: a new one may not be filed.
# ("under_review" arrives with the commission workspace; listing it now keeps this rule whole.)
UNDER_REVIEW_STATES = frozenset({"submitted", "under_review"})
# An approved application means the supplier is registered: it cannot be admitted twice.
ADMITTED_STATES = frozenset({"approved"})


@dataclasses.dataclass(frozen=True)
class Eligibility:
    """The answer: ``allowed``, and when not, ``reason`` (translated, shown to the supplier) and
    ``code`` (stable, for logs and tests)."""

    allowed: bool
    reason: Text = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def admission_eligibility(*, identifier: str, on: datetime.date | None = None) -> Eligibility:
    """May the supplier with BIN/IIN ``identifier`` apply for admission on day ``on`` (today)?

    No while an application of it is with the commission (2022 p.12, 2020 p.13: one review at a
    time) or once it has been admitted (2022 p.17, 2020 p.14: it is in the register already).
    Drafts and withdrawn applications do not count.
    """
    # Through the app registry: the cabinet calls this rule, and the rule reads the cabinet's
    # applications without importing the cabinet back (no import cycle).
    Application = apps.get_model("suppliers", "Application")  # noqa: N806

    on = on or today()
    applications = Application.objects.filter(supplier__identifier=identifier)
    if applications.filter(status__in=ADMITTED_STATES).exists():
        return Eligibility(
            allowed=False,
            code="already_admitted",
            reason=_(
                "This supplier is already registered on the portal; it cannot be admitted again."
            ),
        )
    pending = applications.filter(status__in=UNDER_REVIEW_STATES).order_by("-submitted_at").first()
    if pending is not None:
        submitted = (
            timezone.localtime(pending.submitted_at, ALMATY) if pending.submitted_at else None
        )
        return Eligibility(
            allowed=False,
            code="application_under_review",
            reason=(
                _(
                    "An application of this supplier, submitted on %(date)s, is under review by "
                    "the commission. A new one can be made once it has been decided or withdrawn."
                )
                % {"date": f"{submitted:%d.%m.%Y}" if submitted else "—"}
            ),
        )
    return Eligibility(allowed=True)


@dataclasses.dataclass(frozen=True)
class ReadmissionTerms:
    """When a supplier deregistered by a case may be admitted again (RDM-1 … RDM-3, E20-9):
    ``from_day`` where the edition fixes a waiting period, ``condition`` in words (translated),
    ``clause`` of the rules."""

    condition: Text
    clause: str
    from_day: datetime.date | None = None


def readmission_terms(*, case: Any) -> ReadmissionTerms:
    """What the supplier of a deregistration ``case`` must wait for before it may apply again,
    as its edition words it (2022 p.24-25; 2020 p.14(7), p.20)."""
    edition = case.edition
    ground = case.ground_rule
    rule = edition.readmission_rule_for(ground.number)
    if rule is None:
        return ReadmissionTerms(
            condition=_(
                "You may apply for admission again at any time, through the same procedure as a "
                "first admission."
            ),
            clause=edition.clause_for("readmission_rules"),
        )
    if rule.condition == ReadmissionCondition.WAITING_PERIOD:
        from_day = case.may_apply_again_from()
        return ReadmissionTerms(
            condition=_("You may apply for admission again from %(date)s.")
            % {"date": f"{from_day:%d.%m.%Y}" if from_day else "—"},
            clause=rule.clause,
            from_day=from_day,
        )
    if rule.condition == ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER:
        return ReadmissionTerms(
            condition=_(
                "You may apply for admission again once you are no longer listed in the register "
                "that caused the deregistration (%(ground)s)."
            )
            % {"ground": ground.text},
            clause=rule.clause,
        )
    return ReadmissionTerms(
        condition=_(
            "An application for admission is refused while you are listed in the register of "
            "deregistered suppliers on this ground."
        ),
        clause=rule.clause,
    )
