"""Complaints about the supplier (DER-3, E20-8) in the cabinet: the complaints posted against
it, each with its deadlines and documents, and the answer with documents within the window."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deregistration import forms as complaint_forms
from deregistration import selectors as complaint_selectors
from deregistration.services import complaints as complaint_services
from deregistration.views import add_refusal, complaint_context, document_response
from portal.errors import PortalError
from suppliers.views.common import cabinet_page


@require_safe
@cabinet_page()
def complaints(request: HttpRequest) -> HttpResponse:
    """Every posted complaint about the supplier, the answer window of each."""
    return render(
        request,
        "suppliers/complaints.html",
        {
            "supplier": request.supplier,
            "complaints": complaint_selectors.complaints_against(supplier_id=request.supplier.pk),
        },
    )


@cabinet_page()
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    """One complaint about the supplier, and the answer form while the window is open."""
    item = complaint_selectors.complaint_against(supplier_id=request.supplier.pk, pk=pk)
    form = complaint_forms.AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_services.answer_complaint(
                complaint=item,
                by=request.user,
                text=form.cleaned_data["text"],
                documents=complaint_forms.uploads_from(form.cleaned_data["documents"]),
            )
        except PortalError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Your answer has been sent to the commission."))
            return redirect("suppliers:complaint", pk=item.pk)
    context = complaint_context(item)
    answer_deadline = context["answer_deadline"]
    may_answer = (
        not item.answered
        and item.status in (item.Status.POSTED, item.Status.UNDER_REVIEW)
        and answer_deadline is not None
        and not answer_deadline.is_overdue()
    )
    return render(
        request,
        "suppliers/complaint.html",
        {**context, "supplier": request.supplier, "form": form, "may_answer": may_answer},
    )


@require_safe
@cabinet_page()
def complaint_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    item = complaint_selectors.complaint_against(supplier_id=request.supplier.pk, pk=pk)
    return document_response(get_object_or_404(item.documents, pk=document_pk))
