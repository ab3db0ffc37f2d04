"""The employee workspace ("Рабочее место сотрудника государственного органа"), at
``/workspace/``: the region's inbox, meetings, votes signed with EDS and protocols (2022
p.10-15). Views are thin: a selector that scopes by region (404 outside it), a form, a service.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commission import forms, selectors, services
from commission.models import AgendaItem, Meeting, Protocol
from deregistration import selectors as complaint_selectors
from deregistration.check_selectors import checks_for as procurement_checks_for
from deregistration.complaints import Complaint
from egov_gateway.eds.flow import signature_step
from portal.access import role_required
from portal.errors import PortalError
from portal.models import Role
from portal.pdf import pdf_text
from suppliers import selectors as supplier_selectors
from suppliers.models import Application

workspace_page = role_required(Role.MEMBER, Role.SECRETARY)
secretary_page = role_required(Role.SECRETARY)


@workspace_page
def inbox(request: HttpRequest) -> HttpResponse:
    """Applications awaiting the decision of the user's commission, with their deadlines."""
    rows = []
    for application in selectors.inbox_of(request.user):
        deadline = application.review_deadline
        rows.append(
            {
                "application": application,
                "arrived_on": supplier_selectors.arrival_day(application.submitted_at)
                if application.submitted_at
                else None,
                "deadline": deadline,
                "days_left": deadline.days_left() if deadline else None,
                "overdue": bool(deadline and deadline.is_overdue()),
            }
        )
    return render(
        request,
        "commission/workspace/inbox.html",
        {
            "rows": rows,
            "case_rows": [
                {"case": case, "deadline": case.decision_deadline}
                for case in selectors.cases_inbox_of(request.user)
            ],
            "complaints": complaint_selectors.complaints_for_region(
                region_ids=selectors.workspace_regions(request.user)
            ).filter(status__in=[Complaint.Status.POSTED, Complaint.Status.UNDER_REVIEW]),
            "meetings": selectors.meetings_of(request.user),
            "is_secretary": request.user.roles.filter(role=Role.SECRETARY).exists(),
            # E20-7: the secretary's weekly check of the procurement register (2020 p.17).
            "procurement_checks": procurement_checks_for(
                regions=list(
                    request.user.roles.filter(role=Role.SECRETARY).values_list(
                        "region_id", flat=True
                    )
                )
            ),
        },
    )


@require_safe
@workspace_page
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """One application, read only: its answers, documents and findings (COM-3, E20-4)."""
    application = selectors.application_for(user=request.user, pk=pk)
    return _application_page(request, application)


def _application_page(request, application: Application, check_form=None):
    deadline = application.review_deadline
    checks = selectors.checks_of(application)
    is_member = any(row.member.pk == request.user.pk for row in checks)
    if check_form is None and is_member and application.awaits_decision:
        check_form = forms.CheckForm()
    return render(
        request,
        "commission/workspace/application.html",
        {
            "application": application,
            "supplier": application.supplier,
            "status": supplier_selectors.application_status(application),
            "deadline": deadline,
            "cards": supplier_selectors.application_answers(application=application),
            "documents": supplier_selectors.documents_of(application),
            "findings": supplier_selectors.admission_findings(application=application),
            "checks": checks,
            "check_form": check_form if is_member and application.awaits_decision else None,
        },
    )


@require_POST
@role_required(Role.MEMBER)
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """A member records their check: agrees, or remarks (2022 p.12; COM-3)."""
    application = selectors.application_for(user=request.user, pk=pk)
    form = forms.CheckForm(request.POST)
    if form.is_valid():
        try:
            services.record_check(
                application=application,
                member=request.user,
                agrees=form.cleaned_data["agrees"],
                remarks=form.cleaned_data["remarks"],
            )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your check is recorded."))
            return redirect("commission:application", pk=application.pk)
    return _application_page(request, application, check_form=form)


@secretary_page
def schedule(request: HttpRequest) -> HttpResponse:
    """The secretary schedules a meeting with an agenda chosen from the inbox (2022 p.13)."""
    inbox = selectors.inbox_of(request.user)
    cases = selectors.cases_inbox_of(request.user)
    form = forms.ScheduleMeetingForm(request.POST or None, inbox=inbox, cases=cases)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["applications"]
        chosen_cases = list(form.cleaned_data["cases"].order_by("decision_due", "opened_at"))
        region = chosen[0].region if chosen else selectors.region_of_case(chosen_cases[0])
        commission = selectors.commission_of(region=region)
        try:
            if commission is None:
                raise services.CommissionActionError()
            meeting = services.schedule_meeting(
                commission=commission,
                secretary=request.user,
                held_on=form.cleaned_data["held_on"],
                applications=list(chosen.order_by("review_due", "submitted_at")),
                cases=chosen_cases,
            )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting is scheduled."))
            return redirect("commission:meeting", pk=meeting.pk)
    return render(request, "commission/workspace/schedule.html", {"form": form})


@require_safe
@workspace_page
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """Members present of all, quorum, and per item the votes a decision still needs (COM-4)."""
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    return _meeting_page(request, meeting)


def _meeting_page(request, meeting: Meeting, attendance_form=None, error: str = ""):
    is_secretary = selectors.is_secretary_of(meeting=meeting, user=request.user)
    items = list(
        meeting.items.select_related(
            "application__supplier", "deregistration_case__supplier", "protocol"
        )
    )
    present_ids = {member.pk for member in selectors.present_members(meeting)}
    members = selectors.members_of(meeting.composition)
    if attendance_form is None and is_secretary and meeting.status == Meeting.Status.SCHEDULED:
        attendance_form = forms.AttendanceForm(
            members=members, initial={"present": list(present_ids)}
        )
    candidate = selectors.presiding_candidate(meeting)
    return render(
        request,
        "commission/workspace/meeting.html",
        {
            "meeting": meeting,
            "tally": selectors.attendance_of(meeting),
            "members": [(member, member.pk in present_ids) for member in members],
            "items": [(item, selectors.tally_of(item)) for item in items],
            "is_secretary": is_secretary,
            "attendance_form": attendance_form,
            "may_open": meeting.status == Meeting.Status.SCHEDULED
            and candidate is not None
            and candidate.pk == request.user.pk,
            "candidate": candidate,
            "error": error,
        },
    )


@require_POST
@secretary_page
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary records who is present (checkboxes)."""
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    form = forms.AttendanceForm(request.POST, members=selectors.members_of(meeting.composition))
    if form.is_valid():
        try:
            services.record_attendance(
                meeting=meeting, secretary=request.user, present=form.cleaned_data["present"]
            )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance is recorded."))
            return redirect("commission:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, attendance_form=form)


@require_POST
@workspace_page
def open_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair, or the deputy chair in the chair's absence, opens it with a quorum."""
    meeting = selectors.meeting_for(user=request.user, pk=pk)
    try:
        services.open_meeting(meeting=meeting, by=request.user)
    except PortalError as error:
        return _meeting_page(request, meeting, error=str(error))
    messages.success(request, _("The meeting is open."))
    return redirect("commission:meeting", pk=meeting.pk)


@require_safe
@workspace_page
def item(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(user=request.user, pk=pk)
    return _item_page(request, item)


def _item_page(request, item: AgendaItem, proposal_form=None, error: str = ""):
    meeting = item.meeting
    edition = item.edition
    presiding = meeting.presided_by_id == request.user.pk
    may_propose = (
        presiding
        and meeting.status == Meeting.Status.OPEN
        and item.status == AgendaItem.Status.PENDING
    )
    if proposal_form is None and may_propose:
        proposal_form = _proposal_form(item)
    protocol = Protocol.objects.filter(item=item).first()
    own_vote = selectors.vote_of(item=item, member=request.user)
    return render(
        request,
        "commission/workspace/item.html",
        {
            "item": item,
            "meeting": meeting,
            "application": item.application,
            "case": item.deregistration_case,
            "reasons": [edition.refusal_reason(code).text for code in item.refusal_reasons],
            "tally": selectors.tally_of(item),
            "kinds": selectors.kind_tallies(item),
            "votes": [
                (vote, selectors.vote_summary(vote))
                for vote in item.votes.select_related("member").order_by("member__full_name")
            ],
            "proposal_form": proposal_form if may_propose else None,
            "may_close": presiding
            and meeting.status == Meeting.Status.OPEN
            and item.status == AgendaItem.Status.VOTING,
            "may_vote": selectors.may_vote_now(item=item, member=request.user),
            "own_vote": selectors.vote_summary(own_vote) if own_vote else "",
            "may_form_protocol": selectors.is_secretary_of(meeting=meeting, user=request.user)
            and item.status == AgendaItem.Status.ADOPTED
            and (protocol is None or protocol.status == Protocol.Status.NUMBERED),
            "protocol": protocol,
            "error": error,
        },
    )


def _proposal_form(item: AgendaItem, data=None) -> forms.ProposalForm | forms.KindProposalForm:
    if item.decided_per_kind:
        return forms.KindProposalForm(
            data, edition=item.edition, kinds=selectors.kinds_to_decide(item)
        )
    return forms.ProposalForm(data, edition=item.edition, deregistration=item.is_deregistration)


@require_POST
@workspace_page
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The presiding member puts a proposal: admit, or refuse with reasons (COM-8); where the
    edition decides each kind on its own, one for each kind (E20-3)."""
    item = selectors.item_for(user=request.user, pk=pk)
    form = _proposal_form(item, request.POST)
    if form.is_valid():
        try:
            if isinstance(form, forms.KindProposalForm):
                services.put_proposal(
                    item=item,
                    by=request.user,
                    kinds=[services.KindProposal(*kind) for kind in form.proposals()],
                )
            else:
                services.put_proposal(
                    item=item,
                    by=request.user,
                    proposal=form.cleaned_data["proposal"],
                    reasons=form.cleaned_data.get("reasons", []),
                )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The proposal is put to the vote."))
            return redirect("commission:item", pk=item.pk)
    return _item_page(request, item, proposal_form=form)


@require_POST
@workspace_page
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """The presiding member ends the vote: adopted, or no decision (COM-5)."""
    item = selectors.item_for(user=request.user, pk=pk)
    try:
        item = services.close_item(item=item, by=request.user)
    except PortalError as error:
        return _item_page(request, item, error=str(error))
    messages.success(
        request,
        _("The vote on the item is closed: %(status)s.") % {"status": item.get_status_display()},
    )
    return redirect("commission:item", pk=item.pk)


@workspace_page
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A present member's open vote: for or against first, then the exact document signed with
    EDS (2022 p.13; COM-5)."""
    item = selectors.item_for(user=request.user, pk=pk)
    refusal = services.vote_refusal(item=item, member=request.user)
    if refusal:
        return render(request, "commission/workspace/vote.html", {"item": item, "refusal": refusal})
    choice_form: forms.VoteChoiceForm | forms.KindVoteForm
    if item.decided_per_kind:
        kinds = [
            (row.kind.offering_id, f"{row.label}: {row.kind.get_proposal_display()}")
            for row in selectors.kind_tallies(item)
        ]
        choice_form = forms.KindVoteForm(request.POST or None, kinds=kinds)
    else:
        choice_form = forms.VoteChoiceForm(request.POST or None)
    if request.method != "POST" or not choice_form.is_valid():
        return render(
            request,
            "commission/workspace/vote.html",
            {"item": item, "choice_form": choice_form, "signing": None},
        )
    if isinstance(choice_form, forms.KindVoteForm):
        choice, kind_choices = "", choice_form.kind_choices()
        hidden = {f"kind-{offering_id}": value for offering_id, value in kind_choices.items()}
    else:
        choice, kind_choices = choice_form.cleaned_data["choice"], {}
        hidden = {"choice": choice}
    step = signature_step(
        request,
        data=services.vote_document(
            item=item, member=request.user, choice=choice, kind_choices=kind_choices
        ),
        title=_("Your vote"),
        button_label=_("Sign your vote with EDS"),
        hidden_fields=hidden,
    )
    if step.cms is not None:
        try:
            services.cast_vote(
                item=item,
                member=request.user,
                choice=choice,
                cms=step.cms,
                kind_choices=kind_choices,
            )
        except PortalError as error:
            step.refuse(error)
        else:
            messages.success(request, _("Your vote is signed and counted."))
            return redirect("commission:item", pk=item.pk)
    return render(
        request,
        "commission/workspace/vote.html",
        {"item": item, "choice_form": choice_form, **step.context()},
    )


@require_POST
@secretary_page
def form_protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary forms the protocol of an adopted decision (2022 p.14; COM-6)."""
    item = selectors.item_for(user=request.user, pk=pk)
    try:
        protocol = services.form_protocol(item=item, secretary=request.user)
    except PortalError as error:
        return _item_page(request, item, error=str(error))
    messages.success(request, _("The protocol is formed. It now awaits the signatures."))
    return redirect("commission:protocol", pk=protocol.pk)


@require_safe
@workspace_page
def protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """The protocol's PDF, who has and has not signed it, and its publication (COM-6, COM-7)."""
    protocol = selectors.protocol_for(user=request.user, pk=pk)
    return _protocol_page(request, protocol)


def _protocol_page(request, protocol: Protocol, error: str = ""):
    return render(
        request,
        "commission/workspace/protocol.html",
        {
            "protocol": protocol,
            "application": protocol.item.application,
            "case": protocol.item.deregistration_case,
            "supplier": protocol.item.supplier,
            "signers": selectors.protocol_signers(protocol),
            "kinds": selectors.kind_tallies(protocol.item),
            "may_sign": selectors.may_sign_protocol(protocol=protocol, user=request.user),
            "may_publish": protocol.status == Protocol.Status.SIGNED
            and selectors.is_secretary_of(meeting=protocol.item.meeting, user=request.user),
            "publication_overdue": selectors.publication_overdue(protocol),
            "error": error,
        },
    )


@require_safe
@workspace_page
def protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact bytes that were signed."""
    return _pdf_response(selectors.protocol_for(user=request.user, pk=pk))


@require_safe
def published_protocol_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A published protocol, public at a stable address (2022 p.15; COM-7): the exact bytes
    that were signed. Protocols not yet published do not exist here (404)."""
    return _pdf_response(selectors.published_protocol(pk=pk))


def _pdf_response(protocol: Protocol) -> HttpResponse:
    response = HttpResponse(bytes(protocol.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="protocol-{protocol.number}-{protocol.year}.pdf"'
    )
    return response


@workspace_page
def sign_protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """A required signer signs the protocol's exact PDF with EDS (Annex 2)."""
    protocol = selectors.protocol_for(user=request.user, pk=pk)
    pdf = bytes(protocol.pdf)
    # The button is offered to every signed-in person here: one who is not a required signer
    # and posts anyway is refused by the service, in words (``selectors.may_sign_protocol``
    # only decides what the page shows first).
    step = signature_step(
        request,
        data=pdf,
        title=_("Protocol of the commission (Annex 2)"),
        text=pdf_text(pdf),
        pdf_url=reverse("commission:protocol-pdf", args=[protocol.pk]),
        button_label=_("Sign the protocol with EDS"),
    )
    if step.cms is not None:
        try:
            services.sign_protocol(protocol=protocol, signer=request.user, cms=step.cms)
        except PortalError as error:
            step.refuse(error)
        else:
            messages.success(request, _("You have signed the protocol."))
            return redirect("commission:protocol", pk=protocol.pk)
    return render(
        request,
        "commission/workspace/sign_protocol.html",
        {
            "protocol": protocol,
            **step.context(),
            "may_sign": selectors.may_sign_protocol(protocol=protocol, user=request.user),
        },
    )


@require_POST
@secretary_page
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary publishes the signed protocol (2022 p.15; COM-7)."""
    protocol = selectors.protocol_for(user=request.user, pk=pk)
    try:
        services.publish_protocol(protocol=protocol, secretary=request.user)
    except PortalError as error:
        return _protocol_page(request, protocol, error=str(error))
    messages.success(
        request,
        _("The protocol is published and the deregistration decision given effect.")
        if protocol.item.is_deregistration
        else _("The protocol is published and the application decided."),
    )
    return redirect("commission:protocol", pk=protocol.pk)
