"""The recipient's pages of complaints (DER-3, E20-8), at ``/complaints/``: the person's
complaints, finding the supplier, the complaint form, signing it with EDS and each complaint's
steps. Views are thin: a selector scoped to the person (404 otherwise), a form, a service."""

from __future__ import annotations

from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deregistration import forms, selectors
from deregistration.complaints import Complaint, ComplaintDocument
from deregistration.services import complaints as services
from egov_gateway.eds.flow import signature_step
from portal.access import role_required
from portal.editions import edition_for
from portal.errors import PortalError
from portal.models import Role

recipient_page = role_required(Role.RECIPIENT)
SEARCH_RESULTS = 20

# Which field a refusal of the service belongs to (the error summary links to it).
REFUSAL_FIELDS = {
    "filing_period_passed": "learned_on",
    "learned_in_future": "learned_on",
    "ordered_on_missing": "ordered_on",
    "dates_in_future": "ordered_on",
    "delivered_before_order": "delivered_on",
    "not_late": "ordered_on",
    "unknown_kind": "kind",
    "upload_refused": "evidence",
    "description_missing": "description",
    "answer_missing": "text",
}


def add_refusal(form, error: PortalError) -> None:
    """Show a refusal of the service next to its field, or above the form."""
    field = REFUSAL_FIELDS.get(error.code)
    form.add_error(field if field in form.fields else None, str(error.message))


def document_response(document: ComplaintDocument) -> FileResponse:
    """A complaint's document as it was uploaded (the caller has checked who asks)."""
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=document.content_type == "application/pdf",
        filename=document.original_name,
    )


def complaint_context(complaint: Complaint) -> dict:
    """What every page about one complaint shows: the steps, the deadlines and the documents."""
    return {
        "complaint": complaint,
        "kind": complaint.kind_rule,
        "steps": selectors.steps_of(complaint),
        "evidence": selectors.documents_of(complaint, party=ComplaintDocument.Party.COMPLAINANT),
        "answer_documents": selectors.documents_of(
            complaint, party=ComplaintDocument.Party.SUPPLIER
        ),
        "answer_deadline": complaint.answer_deadline,
        "review_deadline": complaint.review_deadline,
        "review_overdue": selectors.review_overdue(complaint),
    }


@require_safe
@recipient_page
def complaints(request: HttpRequest) -> HttpResponse:
    """The person's complaints, with where each stands."""
    return render(
        request,
        "deregistration/complaints.html",
        {"complaints": selectors.complaints_of(complainant=request.user)},
    )


@require_safe
@recipient_page
def choose_supplier(request: HttpRequest) -> HttpResponse:
    """Find the registered supplier the complaint is about (by name or BIN/IIN)."""
    form = forms.SupplierSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        results = list(
            selectors.suppliers_open_to_complaints().filter(
                Q(name__icontains=query) | Q(identifier__startswith=query)
            )[:SEARCH_RESULTS]
        )
    return render(
        request, "deregistration/choose_supplier.html", {"form": form, "results": results}
    )


@recipient_page
def new_complaint(request: HttpRequest, supplier_pk: int) -> HttpResponse:
    """What happened, the day the person learned of it, a description and the evidence."""
    supplier = get_object_or_404(selectors.suppliers_open_to_complaints(), pk=supplier_pk)
    edition = edition_for()
    form = forms.ComplaintForm(request.POST or None, request.FILES or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.prepare_complaint(
                complainant=request.user,
                supplier=supplier,
                kind=data["kind"],
                learned_on=data["learned_on"],
                ordered_on=data["ordered_on"],
                delivered_on=data["delivered_on"],
                description=data["description"],
                evidence=forms.uploads_from(data["evidence"]),
            )
        except PortalError as error:
            add_refusal(form, error)
        else:
            return redirect("complaints:sign", pk=complaint.pk)
    return render(
        request,
        "deregistration/new_complaint.html",
        {"form": form, "supplier": supplier, "edition": edition},
    )


@recipient_page
def sign_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact text of the complaint, signed with the person's EDS: that posts it."""
    complaint = selectors.complaint_of(complainant=request.user, pk=pk)
    if complaint.is_posted:
        return redirect("complaints:complaint", pk=complaint.pk)
    document = services.complaint_document(complaint)
    step = signature_step(
        request,
        data=document,
        title=_("Your complaint"),
        text=document.decode("utf-8"),
        button_label=_("Sign and post the complaint"),
    )
    if step.cms is not None:
        try:
            services.post_complaint(complaint=complaint, cms=step.cms)
        except PortalError as error:
            step.refuse(error)
        else:
            return redirect("complaints:complaint", pk=complaint.pk)
    return render(
        request,
        "deregistration/sign_complaint.html",
        {**complaint_context(complaint), **step.context()},
    )


@require_safe
@recipient_page
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the complaint stands: each step with its day and deadline (DER-3, CAL-2)."""
    item = selectors.complaint_of(complainant=request.user, pk=pk)
    if not item.is_posted:
        return redirect("complaints:sign", pk=item.pk)
    return render(request, "deregistration/complaint.html", complaint_context(item))


@require_safe
@recipient_page
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    item = selectors.complaint_of(complainant=request.user, pk=pk)
    return document_response(get_object_or_404(item.documents, pk=document_pk))
