"""Whether a supplier may apply for admission: the one place that decides (issue 5, item 1).

The supplier cabinet asks ``admission_eligibility`` before a supplier starts, before an
application is started and again when it is submitted. It refuses a supplier that has an
application under review or is admitted, and after a deregistration applies the readmission
rules of the edition (RDM-1 … RDM-3, E20-9; 2022 p.24-25, 2020 p.14(7), p.20) — here, and
nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.apps import apps
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deregistration.models import add_years
from portal.calendar import ALMATY
from portal.deadlines import today
from portal.editions import edition_for
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
    time) or while it is admitted (2022 p.17, 2020 p.14: it is in the register already).
    Drafts, withdrawn and refused applications do not count: a refused supplier applies again.

    After a deregistration (2022 p.24-25, 2020 p.14(7), p.20; RDM-1 … RDM-3, E20-9), by the
    readmission rule of the edition in force on ``on`` for the case's ground: after grounds 1
    and 2, at once; after the procurement registers (2022: 3 and 4; 2020: 3), only once the
    latest successful sync of that source shows the supplier removed; after non-performance,
    not before one year from the deregistration (2022) or not at all while the supplier stands
    in the register of deregistered suppliers on that ground (2020, refusal reason 7).
    """
    # Through the app registry: the cabinet calls this rule, and the rule reads the cabinet's
    # applications without importing the cabinet back (no import cycle).
    Application = apps.get_model("suppliers", "Application")  # noqa: N806

    on = on or today()
    applications = Application.objects.filter(supplier__identifier=identifier)
    if _is_admitted(identifier=identifier, applications=applications):
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
    for case in _deregistrations(identifier=identifier):
        refusal = readmission_refusal(case=case, on=on)
        if refusal is not None:
            return refusal
    return Eligibility(allowed=True)


def _is_admitted(*, identifier: str, applications: Any) -> bool:
    """In a register today, or approved and not deregistered since."""
    RegisterEntry = apps.get_model("registers", "RegisterEntry")  # noqa: N806
    if RegisterEntry.objects.filter(
        supplier__identifier=identifier, deregistered_on__isnull=True
    ).exists():
        return True
    approved = (
        applications.filter(status__in=ADMITTED_STATES)
        .order_by(F("decided_on").desc(nulls_last=True), "-pk")
        .first()
    )
    if approved is None:
        return False
    latest = _deregistrations(identifier=identifier).first()
    if latest is None:
        return True
    return approved.decided_on is not None and approved.decided_on > latest.deregistered_on


def _deregistrations(*, identifier: str) -> Any:
    DeregistrationCase = apps.get_model("deregistration", "DeregistrationCase")  # noqa: N806
    return DeregistrationCase.objects.filter(
        supplier__identifier=identifier,
        status=DeregistrationCase.Status.DEREGISTERED,
        deregistered_on__isnull=False,
    ).order_by("-deregistered_on", "-pk")


# The state system whose register caused a deregistration on a ground, where the case does not
# name it (a case of edition 2020 opened by the commission): RDM-1, 2020 p.20.
GROUND_SOURCES = {
    "procurement_register": "rnu",
    "quasi_public_procurement_register": "samruk",
}


def readmission_refusal(*, case: Any, on: datetime.date) -> Eligibility | None:
    """Why a supplier deregistered by ``case`` may not be admitted again on ``on``, or None.

    The rule is the one of the edition in force on ``on`` for the case's ground (by its code);
    a ground that edition does not know is judged by the case's own edition."""
    edition = edition_for(on)
    try:
        ground = edition.ground_by_code(case.ground)
    except KeyError:
        edition, ground = case.edition, case.ground_rule
    rule = edition.readmission_rule_for(ground.number)
    if rule is None:
        return None
    deregistered = f"{case.deregistered_on:%d.%m.%Y}"
    if rule.condition == ReadmissionCondition.WAITING_PERIOD:
        from_day = add_years(case.deregistered_on, rule.waiting_period_years or 0)
        if on >= from_day:
            return None
        return Eligibility(
            allowed=False,
            code="readmission_waiting_period",
            reason=_(
                "This supplier was deregistered on %(date)s for failing to perform its "
                "obligations taken through the portal. It may apply again from %(from)s "
                "(%(clause)s)."
            )
            % {"date": deregistered, "from": f"{from_day:%d.%m.%Y}", "clause": rule.clause},
        )
    if rule.condition == ReadmissionCondition.REMOVED_FROM_SOURCE_REGISTER:
        source = case.state_source or GROUND_SOURCES.get(case.ground, "")
        if source and removed_from_listing(source=source, identifier=case.supplier.identifier):
            return None
        return Eligibility(
            allowed=False,
            code="readmission_still_listed",
            reason=_(
                "This supplier was deregistered on %(date)s on the ground: %(ground)s It may "
                "apply again once the state data show it removed from that register "
                "(%(clause)s); the portal checks them with every weekly update."
            )
            % {"date": deregistered, "ground": ground.text, "clause": rule.clause},
        )
    return Eligibility(
        allowed=False,
        code="readmission_deregistered_register",
        reason=_(
            "This supplier stands in the register of deregistered suppliers since %(date)s on "
            "the ground: %(ground)s An application for admission is refused on that account "
            "(%(clause)s)."
        )
        % {"date": deregistered, "ground": ground.text, "clause": rule.clause},
    )


def removed_from_listing(*, source: str, identifier: str) -> bool:
    """Whether a successful sync of ``source`` removed the BIN/IIN from its listing and none
    has listed it again since (RDM-1): "no answer" is never "not listed" (SYNC-3)."""
    StateListing = apps.get_model("egov_gateway", "StateListing")  # noqa: N806
    SyncRun = apps.get_model("egov_gateway", "SyncRun")  # noqa: N806
    listing = StateListing.objects.filter(source=source, identifier=identifier).first()
    if listing is None or listing.removed_run_id is None:
        return False
    return SyncRun.objects.filter(
        pk=listing.removed_run_id, status=SyncRun.Status.SUCCEEDED, dry_run=False
    ).exists()


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
