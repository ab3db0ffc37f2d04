"""Reads of deregistration that are more than one line: which commission decides a case, the
cases awaiting a commission, a supplier's cases; the suppliers a recipient may complain about,
complaints by who may see them and the steps of a complaint as its complainant sees them
(DER-3, E20-8, CAL-2)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deregistration.complaints import Complaint, ComplaintDocument
from deregistration.models import DeregistrationCase
from portal import deadlines
from portal.deadlines import today
from portal.editions import EDITIONS
from portal.models import User
from portal.request_cache import once_per_request
from registers.models import RegisterEntry

# The states in which a case waits for the commission (in its inbox or on an agenda).
AWAITING_COMMISSION = (DeregistrationCase.Status.OPEN, DeregistrationCase.Status.UNDER_REVIEW)

# The ground of the supplier's own application (2022 p.19(1); 2020 p.15(1)).
OWN = "own_application"


def region_of_case(case: DeregistrationCase) -> Any:
    """The region whose commission decides the case: the one that admitted the supplier (its
    open register entries'), else the region of its registration (2022 p.10)."""
    RegisterEntry = apps.get_model("registers", "RegisterEntry")  # noqa: N806
    entry = (
        RegisterEntry.objects.filter(supplier_id=case.supplier_id)
        .select_related("region")
        .order_by("deregistered_on", "-admitted_on", "-pk")
        .first()
    )
    if entry is not None:
        return entry.region
    return case.supplier.region


def is_decided_by_commission(case: DeregistrationCase) -> bool:
    """Whether the commission decides the case: every ground but the automatic ones of its
    edition (2022 p.20-22; 2020 p.19: the commission decides on every ground)."""
    return not case.ground_rule.automatic


def cases_awaiting_commission(*, region_ids: Iterable[int]) -> list[DeregistrationCase]:
    """The cases a commission of ``region_ids`` has to decide, the earliest deadline first
    (CAL-2), with the day the supplier was admitted there."""
    ids = list(region_ids)
    candidates = (
        DeregistrationCase.objects.filter(status__in=AWAITING_COMMISSION)
        .filter(Q(supplier__register_entries__region_id__in=ids) | Q(supplier__region_id__in=ids))
        .select_related("supplier", "supplier__region")
        .distinct()
        .order_by("decision_due", "opened_at", "pk")
    )
    return [
        case
        for case in candidates
        if is_decided_by_commission(case) and region_of_case(case).pk in ids
    ]


def cases_of_supplier(*, supplier_id: int) -> QuerySet[DeregistrationCase]:
    """Every case of a supplier, the latest first."""
    return DeregistrationCase.objects.filter(supplier_id=supplier_id).select_related("protocol")


@once_per_request
def is_registered(*, supplier_id: int) -> bool:
    """Whether the supplier stands in at least one active register today."""
    RegisterEntry = apps.get_model("registers", "RegisterEntry")  # noqa: N806
    return RegisterEntry.objects.filter(
        supplier_id=supplier_id, deregistered_on__isnull=True
    ).exists()


def own_application_refusal(*, supplier_id: int) -> str:
    """Why the supplier may not apply for its deregistration now, in words; empty when it may
    (2022 p.19(1); 2020 p.15(1)): it must be registered, and have no own application with the
    commission already."""
    if not is_registered(supplier_id=supplier_id):
        return str(_("You are not registered on the portal, so there is nothing to deregister."))
    going = next(
        (case for case in active_cases_of(supplier_id=supplier_id) if case.ground == OWN),
        None,
    )
    if going is not None:
        return str(
            _(
                "Your application for deregistration of %(date)s is with the commission. You "
                "can follow it on its page."
            )
            % {"date": f"{going.opened_on:%d.%m.%Y}"}
        )
    return ""


def own_applications_of(*, supplier_id: int) -> QuerySet[Any]:
    """The supplier's signed applications for deregistration with their cases, latest first."""
    DeregistrationApplication = apps.get_model(  # noqa: N806
        "deregistration", "DeregistrationApplication"
    )
    return DeregistrationApplication.objects.filter(
        supplier_id=supplier_id, signature__isnull=False
    ).select_related("case", "case__protocol")


def obligations_surviving(*, case: DeregistrationCase) -> list[DeregistrationCase]:
    """What the supplier still owes after ``case`` deregistered it (2022 p.23; DER-6): on the
    grounds that do not release it (2022: 1, 3 and 4), every other case against it that was open
    on the day of deregistration — a complaint's case above all — stays visible and is handled
    to its end; none on the other grounds, nor under edition 2020 (it has no such rule)."""
    if case.deregistered_on is None or not case.ground_rule.obligations_survive:
        return []
    day = case.deregistered_on
    others = (
        DeregistrationCase.objects.filter(supplier_id=case.supplier_id, opened_on__lte=day)
        .exclude(pk=case.pk)
        .select_related("protocol")
        .order_by("opened_on", "pk")
    )
    return [
        other
        for other in others
        if other.is_active or (other.closed_at is not None and other.closed_at.date() >= day)
    ]


@once_per_request
def active_cases_of(*, supplier_id: int) -> list[DeregistrationCase]:
    """Every case of the supplier still going, its own application's included (one read per
    page: the cabinet asks it for several answers)."""
    return list(
        DeregistrationCase.objects.filter(
            supplier_id=supplier_id, status__in=DeregistrationCase.ACTIVE_STATES
        ).order_by("decision_due", "opened_at", "pk")
    )


def open_cases_against(*, supplier_id: int) -> list[DeregistrationCase]:
    """The cases still going against the supplier, registered or not (DER-6: shown in the
    cabinet with their deadlines until they end)."""
    return [case for case in active_cases_of(supplier_id=supplier_id) if case.ground != OWN]


def overdue_cases(*, on: datetime.date | None = None) -> QuerySet[DeregistrationCase]:
    """Cases past their decision deadline on ``on`` (default today) whose protocol is not yet
    signed — the deadline covers the decision and the signing of its protocol (2022 p.22) — for
    the reports of missed deadlines (CAL-2), the longest overdue first. The publication that
    follows has its own deadline (``overdue_publications``)."""
    return (
        DeregistrationCase.objects.filter(
            status__in=DeregistrationCase.ACTIVE_STATES,
            decision_due__lt=on or today(),
            protocol__signed_at__isnull=True,
        )
        .select_related("supplier")
        .order_by("decision_due", "pk")
    )


def overdue_publications(*, on: datetime.date | None = None) -> QuerySet[Any]:
    """Signed protocols of deregistration decisions not published by their day (2022 p.23: one
    working day of the signing; DER-5, CAL-2), the longest overdue first."""
    Protocol = apps.get_model("commission", "Protocol")  # noqa: N806
    return Protocol.objects.filter(
        status="signed",
        publication_due__lt=on or today(),
        item__deregistration_case__isnull=False,
    ).order_by("publication_due", "pk")


# --- complaints (DER-3, E20-8) ---


def _surviving_grounds() -> Q:
    """The deregistrations that do not release the supplier from its obligations: (edition,
    ground) pairs whose ground says so (2022 p.23: grounds 1, 3 and 4; DER-6)."""
    condition = Q(pk__in=[])
    for edition in EDITIONS:
        codes = [g.code for g in edition.deregistration_grounds if g.obligations_survive]
        if codes:
            condition |= Q(edition_code=edition.code, ground__in=codes)
    return condition


def suppliers_open_to_complaints() -> QuerySet[Any]:
    """The suppliers a recipient may complain about (2022 p.19(5), p.21; DER-3, DER-6): those
    registered today, and those deregistered on a ground that does not release them from the
    obligations they took through the portal before (2022 p.23: 1, 3 and 4)."""
    Supplier = apps.get_model("suppliers", "Supplier")  # noqa: N806
    open_entries = RegisterEntry.objects.filter(
        supplier=OuterRef("pk"), deregistered_on__isnull=True
    )
    surviving = DeregistrationCase.objects.filter(
        _surviving_grounds(),
        supplier=OuterRef("pk"),
        status=DeregistrationCase.Status.DEREGISTERED,
    )
    return Supplier.objects.filter(Exists(open_entries) | Exists(surviving)).order_by("name", "pk")


def is_open_to_complaints(*, supplier_id: int) -> bool:
    return suppliers_open_to_complaints().filter(pk=supplier_id).exists()


def complaints_of(*, complainant: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(complainant=complainant).select_related("supplier")


def complaint_of(*, complainant: User, pk: int) -> Complaint:
    """The person's own complaint; any other is "not found"."""
    complaint = (
        Complaint.objects.select_related("supplier", "case", "case__protocol", "signature")
        .filter(complainant=complainant, pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def complaints_against(*, supplier_id: int) -> QuerySet[Complaint]:
    """The posted complaints against a supplier (drafts are the complainant's own)."""
    return (
        Complaint.objects.filter(supplier_id=supplier_id)
        .exclude(status=Complaint.Status.DRAFT)
        .select_related("supplier", "case")
    )


def complaint_against(*, supplier_id: int, pk: int) -> Complaint:
    complaint = complaints_against(supplier_id=supplier_id).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def complaints_for_region(*, region_ids: Iterable[int]) -> QuerySet[Complaint]:
    """Posted complaints against suppliers registered in the regions (the commission's inbox),
    the earliest review deadline first (CAL-2)."""
    ids = list(region_ids)
    return (
        Complaint.objects.filter(
            Q(supplier__register_entries__region_id__in=ids) | Q(supplier__region_id__in=ids)
        )
        .exclude(status=Complaint.Status.DRAFT)
        .select_related("supplier", "case")
        .distinct()
        .order_by("review_due", "pk")
    )


def documents_of(complaint: Complaint, *, party: str) -> list[ComplaintDocument]:
    return [d for d in complaint.documents.all() if d.party == party]


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a complaint's way, as the complainant and the supplier see it."""

    title: str | Promise
    done: bool
    day: datetime.date | None = None
    text: str | Promise = ""


def steps_of(complaint: Complaint, *, on: datetime.date | None = None) -> list[Step]:
    """Where the complaint stands: posted, the supplier's answer, the commission's review within
    its deadline, the decision and its effect (DER-3; CAL-2: each deadline shown)."""
    today = on or deadlines.today()
    status = complaint.status
    case: DeregistrationCase | None = complaint.case
    steps = [
        Step(
            _("Posted and signed with your EDS"),
            complaint.is_posted,
            complaint.posted_on,
        )
    ]
    answer_deadline = complaint.answer_deadline
    if complaint.answered:
        steps.append(
            Step(
                _("The supplier answered"),
                True,
                deadlines.day_of(complaint.answered_at) if complaint.answered_at else None,
            )
        )
    elif answer_deadline is not None:
        steps.append(
            Step(
                _("The supplier may answer with documents"),
                answer_deadline.is_overdue(on=today),
                answer_deadline.day,
                _("until %(day)s (%(clause)s)")
                % {"day": f"{answer_deadline.day:%d.%m.%Y}", "clause": answer_deadline.clause},
            )
        )
    review_deadline = complaint.review_deadline
    decided = status in (
        Complaint.Status.DECIDED,
        Complaint.Status.SUPPLIER_DEREGISTERED,
        Complaint.Status.CLOSED,
    )
    if review_deadline is not None:
        text = _("by %(day)s (%(clause)s)") % {
            "day": f"{review_deadline.day:%d.%m.%Y}",
            "clause": review_deadline.clause,
        }
        if not decided and review_deadline.is_overdue(on=today):
            text = _("The review was due by %(day)s (%(clause)s) and is overdue.") % {
                "day": f"{review_deadline.day:%d.%m.%Y}",
                "clause": review_deadline.clause,
            }
        meeting_day = None
        if case is not None and status != Complaint.Status.POSTED:
            item = case.agenda_items.select_related("meeting").order_by("-meeting__held_on").first()
            if item is not None:
                meeting_day = item.meeting.held_on
                text = _("On the agenda of the meeting of %(day)s; %(deadline)s") % {
                    "day": f"{meeting_day:%d.%m.%Y}",
                    "deadline": text,
                }
        steps.append(
            Step(
                _("The commission reviews the complaint at a meeting"),
                status != Complaint.Status.POSTED and complaint.is_posted,
                meeting_day or review_deadline.day,
                text,
            )
        )
    if decided and case is not None:
        if case.outcome == DeregistrationCase.Outcome.DEREGISTER:
            outcome = _("The commission found a violation and decided to deregister the supplier.")
        elif case.outcome == DeregistrationCase.Outcome.KEEP:
            outcome = _("The commission found no violation.")
        else:
            outcome = _("The case was closed without a decision on the complaint.")
        steps.append(Step(_("The commission's decision"), True, case.decided_on, outcome))
    if status == Complaint.Status.SUPPLIER_DEREGISTERED and case is not None:
        steps.append(
            Step(
                _("The protocol was published and the supplier deregistered"),
                True,
                case.deregistered_on,
                case.protocol_label,
            )
        )
    elif status == Complaint.Status.CLOSED:
        steps.append(
            Step(
                _("The complaint is closed"),
                True,
                deadlines.day_of(complaint.closed_at) if complaint.closed_at else None,
            )
        )
    return steps


def missed_reviews(*, on: datetime.date | None = None) -> QuerySet[Complaint]:
    """Posted complaints not decided by their review deadline (CAL-2: reported when missed)."""
    return Complaint.objects.filter(
        Complaint.review_deadline.missed(on=on),
        status__in=[Complaint.Status.POSTED, Complaint.Status.UNDER_REVIEW],
    )


def review_overdue(complaint: Complaint, *, on: datetime.date | None = None) -> bool:
    """Whether the commission's review of a complaint still undecided is past its day (CAL-2)."""
    deadline = complaint.review_deadline
    return bool(
        deadline is not None
        and complaint.status in (Complaint.Status.POSTED, Complaint.Status.UNDER_REVIEW)
        and deadline.is_overdue(on=on)
    )
