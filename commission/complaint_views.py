"""Complaints of recipients in the employee workspace (DER-3, CAL-2): the complaint with its
evidence, the supplier's answer, the deadlines and the case the commission decides on its
agenda (``commission.views``: the meeting, the vote and the protocol are the case's)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commission import selectors
from commission.models import AgendaItem
from commission.views import workspace_page
from deregistration import selectors as complaint_selectors
from deregistration.complaints import Complaint
from deregistration.views import complaint_context, document_response


def complaint_for(*, request: HttpRequest, pk: int) -> Complaint:
    """A posted complaint about a supplier of the user's regions; 404 otherwise."""
    regions = selectors.workspace_regions(request.user)
    return get_object_or_404(complaint_selectors.complaints_for_region(region_ids=regions), pk=pk)


@require_safe
@workspace_page
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    item = complaint_for(request=request, pk=pk)
    agenda_items = (
        AgendaItem.objects.filter(deregistration_case_id=item.case_id)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-pk")
        if item.case_id
        else AgendaItem.objects.none()
    )
    return render(
        request,
        "commission/workspace/complaint.html",
        {**complaint_context(item), "agenda_items": list(agenda_items)},
    )


@require_safe
@workspace_page
def complaint_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    item = complaint_for(request=request, pk=pk)
    return document_response(get_object_or_404(item.documents, pk=document_pk))
