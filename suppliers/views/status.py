"""After submission: confirmation, status, withdrawal (SUP-8, SUP-9, CAL-2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commission.selectors import published_kind_decisions
from suppliers import selectors, services
from suppliers.models import (
    AnnexDocument,
    Application,
)
from suppliers.views.common import cabinet_page, own_application

# --- after submission: confirmation, status, withdrawal (SUP-8, SUP-9, CAL-2) -----------------


@require_safe
@cabinet_page()
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    if application.status == Application.Status.DRAFT:
        return redirect("suppliers:application")
    return render(
        request,
        "suppliers/submitted.html",
        {
            "application": application,
            "status": selectors.application_status(application),
            "kind_decisions": published_kind_decisions(application),
            "signed_annex": _signed_annex(application),
        },
    )


def _signed_annex(application: Application) -> AnnexDocument | None:
    return (
        application.annexes.filter(signature__isnull=False)
        .select_related("signature")
        .order_by("-rendered_at")
        .first()
    )


@require_safe
@cabinet_page()
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the application stands, what happens next and by when (SUP-9, CAL-2)."""
    application = own_application(request, pk)
    return render(
        request,
        "suppliers/status.html",
        {
            "application": application,
            "supplier": application.supplier,
            "status": selectors.application_status(application),
            "kind_decisions": published_kind_decisions(application),
            "signed_annex": _signed_annex(application),
            "documents": list(selectors.documents_of(application)),
        },
    )


@cabinet_page()
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the application before the commission decides, after a confirmation."""
    application = own_application(request, pk)
    status_view = selectors.application_status(application)
    if not status_view.can_withdraw:
        messages.warning(request, _("This application can no longer be withdrawn."))
        return redirect("suppliers:status", pk=application.pk)
    if request.method == "POST":
        try:
            services.withdraw_application(application=application, user=request.user)
        except services.SupplierActionError as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("suppliers:status", pk=application.pk)
    return render(
        request,
        "suppliers/withdraw.html",
        {"application": application, "status": status_view},
    )
