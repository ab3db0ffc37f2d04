"""Deregistration pages of the employee workspace: the secretary's weekly check of the
procurement register (edition 2020 p.17; E20-7). Thin: a selector scoped to the secretary's
regions (404 outside them), a service, a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from deregistration import check_selectors as selectors
from deregistration.services.checks import complete_procurement_register_check
from portal.access import role_required
from portal.errors import PortalError
from portal.models import Role


def secretary_regions(user) -> list[int]:
    """The regions whose commission ``user`` is the secretary of."""
    return list(
        user.roles.filter(role=Role.SECRETARY, region__isnull=False).values_list(
            "region_id", flat=True
        )
    )


@role_required(Role.SECRETARY)
def procurement_check(request: HttpRequest, pk: int) -> HttpResponse:
    """This week's check of the procurement register, with what the sync found (E20-7)."""
    check = selectors.check_for(regions=secretary_regions(request.user), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            complete_procurement_register_check(check=check, secretary=request.user)  # type: ignore[arg-type]
        except PortalError as refused:
            error = str(refused.message)
        else:
            messages.success(request, _("The weekly check has been recorded."))
            return redirect("deregistration:procurement-check", pk=check.pk)
    return render(
        request,
        "deregistration/workspace/procurement_check.html",
        {"check": check, "findings": selectors.check_findings(check=check), "error": error},
        status=400 if error else 200,
    )
