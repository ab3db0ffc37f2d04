"""Complaints by recipients (2022 p.19(5), p.21; 2020 p.15(4), p.18; DER-3, E20-8, CAL-2).

A person with disability prepares the complaint (``prepare_complaint``: the supplier, what
happened, the day they learned of it, a description, evidence), signs its exact text with EDS
(``post_complaint``); the supplier is told and may answer with documents within the window the
edition gives (``answer_complaint``); the complaint's deregistration case goes to the commission,
and the complaint follows that case to its end (``follow_case``).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterable
from typing import IO, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from deregistration.complaints import ANSWER_PERIOD, REVIEW_PERIOD, Complaint, ComplaintDocument
from deregistration.models import DeregistrationCase
from deregistration.selectors import is_open_to_complaints
from deregistration.services.cases import open_case
from egov_gateway.eds.services import verify_document
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.audit.services import record
from portal.editions import Edition, edition_for
from portal.errors import PortalError
from portal.models import Role, User
from portal.notifications.services import Recipient, notify
from portal.uploads import check_upload

FILING_PERIOD = "complaint_filing_calendar_days"
NON_PERFORMANCE = (
    "non_performance"  # the ground's code in every edition (2022 p.19(5), 2020 p.15(4))
)
POSTED_EMAIL = "deregistration/email/complaint_posted"  # to the supplier
ANSWERED_EMAIL = "deregistration/email/complaint_answered"  # to the complainant
STEP_EMAIL = "deregistration/email/complaint_step"  # to the complainant
DOCUMENT_TEMPLATE = "deregistration/complaint_document.txt"


class ComplaintRefused(PortalError):
    code = "complaint_refused"


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file as it arrived: its content, the name it was given and its size."""

    file: IO[bytes]
    name: str
    size: int | None = None


def filing_deadline(*, learned_on: datetime.date, edition: Edition) -> deadlines.Deadline:
    """The last day a complaint may be posted: ``complaint_filing_calendar_days`` calendar days
    after the day the person learned of the failure (2022 p.21; 2020 p.18)."""
    return deadlines.deadline(edition=edition, parameter=FILING_PERIOD, after=learned_on)


def check_filing_window(*, learned_on: datetime.date, on: datetime.date) -> deadlines.Deadline:
    """Refuse, with the dates, a complaint posted on ``on`` about a failure learned of on
    ``learned_on`` more than the edition's calendar days before (D+14 accepted, D+15 refused)."""
    edition = edition_for(on)
    last_day = filing_deadline(learned_on=learned_on, edition=edition)
    if learned_on > on:
        raise ComplaintRefused(
            _("The day you learned of it (%(learned)s) cannot be after today (%(today)s).")
            % {"learned": f"{learned_on:%d.%m.%Y}", "today": f"{on:%d.%m.%Y}"},
            code="learned_in_future",
        )
    if last_day.is_overdue(on=on):
        raise ComplaintRefused(
            _(
                "You learned of it on %(learned)s. The rules allow a complaint no later than "
                "%(days)d calendar days after that day, that is by %(last)s (%(clause)s). "
                "Today is %(today)s, so the period has passed and the complaint cannot be posted."
            )
            % {
                "learned": f"{learned_on:%d.%m.%Y}",
                "days": edition.complaint_filing_calendar_days,
                "last": f"{last_day.day:%d.%m.%Y}",
                "clause": last_day.clause,
                "today": f"{on:%d.%m.%Y}",
            },
            code="filing_period_passed",
        )
    return last_day


def check_late_delivery(
    *,
    edition: Edition,
    ordered_on: datetime.date | None,
    delivered_on: datetime.date | None,
    on: datetime.date,
) -> None:
    """A late order is one delivered more than ``late_delivery_calendar_days`` after the order
    (2020 p.18(2)): the day of the order is needed, and a delivery within the period is not
    late. Goods still not delivered once the period has passed are late."""
    days = edition.late_delivery_calendar_days
    if ordered_on is None:
        raise ComplaintRefused(_("Enter the day you placed the order."), code="ordered_on_missing")
    if ordered_on > on or (delivered_on is not None and delivered_on > on):
        raise ComplaintRefused(
            _("The days of the order and of the delivery cannot be after today."),
            code="dates_in_future",
        )
    if delivered_on is not None and delivered_on < ordered_on:
        raise ComplaintRefused(
            _("The goods cannot be delivered before the day of the order."),
            code="delivered_before_order",
        )
    if days is None:
        return
    waited = ((delivered_on or on) - ordered_on).days
    if waited <= days:
        raise ComplaintRefused(
            _(
                "An order is late when the goods are delivered more than %(days)d calendar days "
                "after the order (%(clause)s); %(waited)d days have passed between %(ordered)s "
                "and %(until)s. Choose another kind if something else happened."
            )
            % {
                "days": days,
                "clause": edition.clause_for("late_delivery_calendar_days"),
                "waited": waited,
                "ordered": f"{ordered_on:%d.%m.%Y}",
                "until": f"{(delivered_on or on):%d.%m.%Y}",
            },
            code="not_late",
        )


def complaint_document(complaint: Complaint) -> bytes:
    """The exact text the person signs: who complains about whom, what happened, when they
    learned of it, the description and the evidence by name and SHA-256. Written in Russian and
    Kazakh, the official languages, so the bytes do not depend on the page's language."""
    documents = list(complaint.documents.filter(party=ComplaintDocument.Party.COMPLAINANT))
    parts = []
    for language in ("ru", "kk"):
        with translation.override(language):
            parts.append(
                render_to_string(
                    DOCUMENT_TEMPLATE,
                    {
                        "complaint": complaint,
                        "kind": complaint.kind_rule,
                        "documents": documents,
                        "ground": complaint.edition.ground_by_code(NON_PERFORMANCE),
                    },
                )
            )
    return "\n".join(parts).encode("utf-8")


def _checked_uploads(uploads: Iterable[Upload]) -> list[tuple[Upload, Any]]:
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, check_upload(upload.file, name=upload.name, size=upload.size)))
        except ValidationError as error:
            raise ComplaintRefused(
                _("%(name)s: %(problem)s")
                % {"name": upload.name, "problem": " ".join(error.messages)},
                code="upload_refused",
            ) from error
    return checked


def _store_documents(
    *, complaint: Complaint, party: str, by: User, checked: list[tuple[Upload, Any]]
) -> list[ComplaintDocument]:
    stored = []
    for upload, result in checked:
        upload.file.seek(0)
        content = upload.file.read()
        document = ComplaintDocument(
            complaint=complaint,
            party=party,
            original_name=upload.name[:255],
            content_type=result.content_type,
            size=result.size,
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=by,
        )
        upload.file.seek(0)
        document.file.save(upload.name, File(upload.file), save=False)
        document.save()
        stored.append(document)
    return stored


def prepare_complaint(
    *,
    complainant: User,
    supplier: Any,
    kind: str,
    learned_on: datetime.date,
    description: str,
    ordered_on: datetime.date | None = None,
    delivered_on: datetime.date | None = None,
    evidence: Iterable[Upload] = (),
    on: datetime.date | None = None,
) -> Complaint:
    """Prepare a complaint to sign (2022 p.21; 2020 p.18; DER-3, E20-8): about a registered
    supplier (or one deregistered on a ground that keeps its obligations, DER-6), of a kind of
    the edition in force, within the filing period, with its evidence checked by content.
    Nothing is posted until the person signs it (``post_complaint``)."""
    day = on or deadlines.today()
    edition = edition_for(day)
    if not complainant.roles.filter(role=Role.RECIPIENT).exists():
        raise ComplaintRefused(
            _("Only a person with disability signed in with EDS may post a complaint."),
            code="not_a_recipient",
        )
    try:
        rule = edition.complaint_kind(kind)
    except KeyError as exc:
        raise ComplaintRefused(
            _("Choose what happened from the list."), code="unknown_kind", detail=str(exc)
        ) from exc
    if not is_open_to_complaints(supplier_id=supplier.pk):
        raise ComplaintRefused(
            _("Choose a supplier registered on the portal."), code="supplier_not_registered"
        )
    check_filing_window(learned_on=learned_on, on=day)
    if rule.late_delivery:
        check_late_delivery(
            edition=edition, ordered_on=ordered_on, delivered_on=delivered_on, on=day
        )
    else:
        ordered_on = delivered_on = None
    if not description.strip():
        raise ComplaintRefused(_("Describe what happened."), code="description_missing")
    checked = _checked_uploads(evidence)
    with transaction.atomic(durable=True):
        complaint = Complaint.objects.create(
            complainant=complainant,
            supplier_id=supplier.pk,
            edition_code=edition.code,
            kind=kind,
            learned_on=learned_on,
            ordered_on=ordered_on,
            delivered_on=delivered_on,
            description=description.strip(),
        )
        _store_documents(
            complaint=complaint,
            party=ComplaintDocument.Party.COMPLAINANT,
            by=complainant,
            checked=checked,
        )
        record(
            actor=complainant,
            action="complaint.prepared",
            obj=complaint,
            after={"supplier": supplier.pk, "kind": kind, "learned_on": learned_on},
            basis=rule.clause,
            role=Role.RECIPIENT,
        )
    return complaint


def post_complaint(
    *, complaint: Complaint, cms: bytes, on: datetime.date | None = None
) -> Complaint:
    """The person signs the complaint with EDS and it is posted (2022 p.21; 2020 p.18; DER-3).

    The filing period is checked again on the day of posting. The supplier's deregistration case
    on the non-performance ground is opened (or, if one is going, the complaint joins it) with
    the review deadline of the edition; the supplier's answer window starts; the supplier is
    notified.
    """
    day = on or deadlines.today()
    document = complaint_document(complaint)
    complainant = complaint.complainant
    verified = verify_document(
        cms=cms,
        data=document,
        purpose=Purpose.SIGN,
        signer_user=complainant,
        role=Role.RECIPIENT,
    )
    with transaction.atomic(durable=True):
        complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        if complaint.status != Complaint.Status.DRAFT:
            raise ComplaintRefused(_("This complaint has already been posted."), code="posted")
        if complaint_document(complaint) != document:
            raise ComplaintRefused(
                _("The complaint changed while it was being signed. Sign it again."),
                code="document_changed",
            )
        check_filing_window(learned_on=complaint.learned_on, on=day)
        if not is_open_to_complaints(supplier_id=complaint.supplier_id):
            raise ComplaintRefused(
                _("The supplier is no longer registered on the portal."),
                code="supplier_not_registered",
            )
        edition = edition_for(day)
        rule = complaint.kind_rule
        case = open_case(
            supplier=complaint.supplier,
            ground=NON_PERFORMANCE,
            source=DeregistrationCase.Source.COMPLAINT,
            on=day,
            evidence={"complaint": complaint.pk},
            opened_by=complainant,
        )
        complaint.post()
        complaint.edition_code = edition.code
        complaint.posted_on = day
        complaint.posted_at = timezone.now()
        complaint.case = case
        complaint.answer_deadline = deadlines.deadline(
            edition=edition, parameter=ANSWER_PERIOD, after=day
        )
        complaint.review_deadline = deadlines.deadline(
            edition=edition, parameter=REVIEW_PERIOD, after=day
        )
        complaint.signature = verified.keep(
            obj=complaint, document_kind="complaint", basis=rule.clause, keep_document=True
        )
        complaint.save()
        event = record(
            actor=complainant,
            action="complaint.posted",
            obj=complaint,
            after={
                "supplier": complaint.supplier_id,
                "case": case.pk,
                "kind": complaint.kind,
                "learned_on": complaint.learned_on,
                "posted_on": day,
                "answer_due": complaint.answer_due,
                "review_due": complaint.review_due,
                "signature": complaint.signature.pk,
            },
            basis=f"{rule.clause}; {edition.clause_for(REVIEW_PERIOD)}",
            role=Role.RECIPIENT,
        )
        notify(
            event_key=f"audit:{event.pk}",
            recipient=supplier_recipient(supplier_id=complaint.supplier_id),
            template=POSTED_EMAIL,
            context={"complaint": complaint, "supplier": complaint.supplier, "kind": rule},
            about=complaint,
        )
    return complaint


def answer_complaint(
    *,
    complaint: Complaint,
    by: User,
    text: str,
    documents: Iterable[Upload] = (),
    on: datetime.date | None = None,
) -> Complaint:
    """The supplier answers the complaint with documents within the window of the edition
    (``complaint_answer_working_days`` after posting), once, before the commission decides.
    The caller has checked that ``by`` acts for the supplier."""
    day = on or deadlines.today()
    if not text.strip():
        raise ComplaintRefused(_("Write your answer."), code="answer_missing")
    checked = _checked_uploads(documents)
    with transaction.atomic(durable=True):
        complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        if complaint.answered:
            raise ComplaintRefused(_("You have already answered this complaint."), code="answered")
        if complaint.status not in (Complaint.Status.POSTED, Complaint.Status.UNDER_REVIEW):
            raise ComplaintRefused(
                _("The commission has decided on this complaint; it can no longer be answered."),
                code="decided",
            )
        answer_deadline = complaint.answer_deadline
        if answer_deadline is not None and answer_deadline.is_overdue(on=day):
            raise ComplaintRefused(
                _("The answer was possible until %(day)s (%(clause)s).")
                % {"day": f"{answer_deadline.day:%d.%m.%Y}", "clause": answer_deadline.clause},
                code="answer_period_passed",
            )
        complaint.answer = text.strip()
        complaint.answered_at = timezone.now()
        complaint.answered_by = by
        complaint.save(update_fields=["answer", "answered_at", "answered_by"])
        stored = _store_documents(
            complaint=complaint, party=ComplaintDocument.Party.SUPPLIER, by=by, checked=checked
        )
        event = record(
            actor=by,
            action="complaint.answered",
            obj=complaint,
            after={"documents": [d.pk for d in stored]},
            basis=complaint.edition.clause_for(ANSWER_PERIOD),
            role=Role.SUPPLIER,
        )
        notify(
            event_key=f"audit:{event.pk}",
            recipient=Recipient(
                email=complaint.complainant.email, language=complaint.complainant.language
            ),
            template=ANSWERED_EMAIL,
            context={"complaint": complaint, "supplier": complaint.supplier},
            about=complaint,
        )
    return complaint


# What each state of a case means for the complaints that joined it: (the complaints' states
# that move, the transitions in order, the state they reach).
_FOLLOW: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    DeregistrationCase.Status.UNDER_REVIEW: (
        (Complaint.Status.POSTED,),
        ("put_on_agenda",),
        Complaint.Status.UNDER_REVIEW,
    ),
    # The vote decides the complaints that were on the agenda with the case, not those that
    # joined it afterwards.
    DeregistrationCase.Status.DECIDED: (
        (Complaint.Status.UNDER_REVIEW,),
        ("decide",),
        Complaint.Status.DECIDED,
    ),
    DeregistrationCase.Status.DEREGISTERED: (
        (Complaint.Status.POSTED, Complaint.Status.UNDER_REVIEW, Complaint.Status.DECIDED),
        ("decide", "supplier_deregistered"),
        Complaint.Status.SUPPLIER_DEREGISTERED,
    ),
    DeregistrationCase.Status.DISMISSED: (
        (Complaint.Status.UNDER_REVIEW, Complaint.Status.DECIDED),
        ("close",),
        Complaint.Status.CLOSED,
    ),
    DeregistrationCase.Status.WITHDRAWN: (
        (Complaint.Status.UNDER_REVIEW, Complaint.Status.DECIDED),
        ("close",),
        Complaint.Status.CLOSED,
    ),
}
_CLOSED_CASES = (DeregistrationCase.Status.DISMISSED, DeregistrationCase.Status.WITHDRAWN)


def follow_case(*, case: DeregistrationCase) -> list[Complaint]:
    """Move the complaints of ``case`` to the step the case has reached (on the agenda, decided,
    the supplier deregistered, closed), auditing each move and telling the complainant of the
    decision and of its effect (DER-3: the complainant sees each step). Runs in the caller's
    transaction, the one that moved the case; a complaint already there is left as it is.

    A complaint that joined the case after it went on the agenda is not decided by that vote:
    if the case ends without deregistration, the complaint goes on in a new case of its own
    (its review deadline stays the one counted from its posting)."""
    follow = _FOLLOW.get(case.status)
    if follow is None:
        return []
    sources, transitions, target = follow
    moved = []
    with transaction.atomic():
        complaints = list(
            Complaint.objects.select_for_update()
            .select_related("complainant", "supplier")
            .filter(case_id=case.pk)
        )
        for complaint in complaints:
            if case.status in _CLOSED_CASES and complaint.status == Complaint.Status.POSTED:
                _move_to_new_case(complaint, old=case)
                continue
            if complaint.status not in sources:
                continue
            for name in transitions:
                if name == "decide" and complaint.status == Complaint.Status.DECIDED:
                    continue
                getattr(complaint, name)()
            if target in (Complaint.Status.SUPPLIER_DEREGISTERED, Complaint.Status.CLOSED):
                complaint.closed_at = timezone.now()
            complaint.save(update_fields=["status", "closed_at"])
            event = record(
                actor=None,
                action=f"complaint.{target}",
                obj=complaint,
                after={"case": case.pk, "case_status": case.status, "outcome": case.outcome},
                basis=case.ground_rule.clause,
            )
            if target != Complaint.Status.UNDER_REVIEW:
                notify(
                    event_key=f"audit:{event.pk}",
                    recipient=Recipient(
                        email=complaint.complainant.email,
                        language=complaint.complainant.language,
                    ),
                    template=STEP_EMAIL,
                    context={"complaint": complaint, "case": case, "supplier": complaint.supplier},
                    about=complaint,
                )
            moved.append(complaint)
    return moved


def _move_to_new_case(complaint: Complaint, *, old: DeregistrationCase) -> None:
    """A complaint no vote has decided goes on in a case of its own when its case closes."""
    case = open_case(
        supplier=complaint.supplier,
        ground=NON_PERFORMANCE,
        source=DeregistrationCase.Source.COMPLAINT,
        evidence={"complaint": complaint.pk, "previous_case": old.pk},
    )
    complaint.case = case
    complaint.save(update_fields=["case"])
    record(
        actor=None,
        action="complaint.moved_to_case",
        obj=complaint,
        after={"case": case.pk, "previous_case": old.pk},
        basis=complaint.kind_rule.clause,
    )


def supplier_recipient(*, supplier_id: int) -> Recipient:
    """Where the portal writes to a supplier: the e-mail and language of its latest decided
    application (else its latest application)."""
    Application = apps.get_model("suppliers", "Application")  # noqa: N806
    application = (
        Application.objects.select_related("created_by")
        .filter(supplier_id=supplier_id)
        .order_by(F("decided_on").desc(nulls_last=True), "-pk")
        .first()
    )
    if application is None:
        return Recipient(email="")
    address = application.email or (application.created_by.email if application.created_by else "")
    return Recipient(email=address, language=application.language)
