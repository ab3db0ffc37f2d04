"""The supplier's own application for deregistration in the cabinet (2022 p.19(1), p.22,
Annex 3; 2020 p.15(1), Annex 2; DER-4): fill the form, sign its exact PDF with EDS, follow the
case and its deadline until the protocol is published (CAL-2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deregistration import selectors as deregistration_selectors
from deregistration.application_form import form_fields
from deregistration.eligibility import readmission_terms
from deregistration.models import DeregistrationApplication
from egov_gateway.eds.flow import signature_step
from portal.editions import edition_for
from portal.errors import PortalError
from portal.pdf import pdf_text
from suppliers import forms
from suppliers.selectors.deregistration import deregistration_initial
from suppliers.services.deregistration import (
    prepare_deregistration,
    sign_deregistration,
    withdraw_deregistration,
)
from suppliers.views.common import acting_bin, cabinet_page


def _own(request: HttpRequest, pk: int) -> DeregistrationApplication:
    """An application for deregistration of the supplier the person acts for; else 404."""
    return get_object_or_404(
        DeregistrationApplication.objects.select_related("supplier", "case", "case__protocol"),
        pk=pk,
        supplier=request.supplier,
    )


@cabinet_page()
def deregistration(request: HttpRequest) -> HttpResponse:
    """The form of the application for deregistration, prefilled; refused with the reason when
    the supplier may not apply (not registered, or an application already with the
    commission)."""
    supplier = request.supplier
    edition = edition_for()
    refusal = deregistration_selectors.own_application_refusal(supplier_id=supplier.pk)
    form = forms.DeregistrationApplicationForm(
        request.POST or None,
        fields=form_fields(edition),
        initial=deregistration_initial(supplier),
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            application = prepare_deregistration(
                supplier=supplier,
                user=request.user,
                data={**form.cleaned_data, "identifier": supplier.identifier},
                language=(get_language() or "")[:2],
            )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            return redirect("suppliers:deregistration-sign", pk=application.pk)
    return render(
        request,
        "suppliers/deregistration/form.html",
        {
            "supplier": supplier,
            "form": form,
            "refusal": refusal,
            "edition": edition,
            "annex": edition.form("deregistration_application"),
            "obligations_survive": edition.ground_by_code("own_application").obligations_survive,
        },
    )


@cabinet_page()
def deregistration_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact PDF of the application and its signature with EDS, which files it."""
    application = _own(request, pk)
    if application.is_signed:
        return redirect("suppliers:deregistration-status", pk=application.pk)
    pdf = bytes(application.pdf)
    annex = application.edition.form("deregistration_application")
    step = signature_step(
        request,
        data=pdf,
        title=annex.text,
        organisation_bin=acting_bin(application.supplier),
        text=pdf_text(pdf),
        pdf_url=reverse("suppliers:deregistration-pdf", args=[application.pk]),
        button_label=_("Sign and file the application for deregistration"),
        cannot_sign_title=_(
            "Only the head of the organisation or a person with the right to sign may sign the "
            "application."
        ),
        cannot_sign_text=_(
            "The application is ready. Ask your head, or a person with the right to sign, to "
            "sign in with their key and sign it on this page."
        ),
    )
    if step.cms is not None:
        try:
            sign_deregistration(application=application, user=request.user, cms=step.cms)
        except PortalError as error:
            step.refuse(error)
        else:
            messages.success(request, _("Your application for deregistration is signed and filed."))
            return redirect("suppliers:deregistration-status", pk=application.pk)
    return render(
        request,
        "suppliers/deregistration/sign.html",
        {
            "application": application,
            "supplier": application.supplier,
            "annex": annex,
            **step.context(),
        },
    )


@cabinet_page()
def deregistration_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the application for deregistration is: with the commission until its deadline,
    decided, the protocol published, the supplier deregistered — and when it may apply again."""
    application = _own(request, pk)
    case = application.case
    if case is None:
        raise Http404
    deadline = case.decision_deadline
    refusal = ""
    if request.method == "POST":
        try:
            withdraw_deregistration(application=application, user=request.user)
        except PortalError as error:
            refusal = str(error)
        else:
            messages.success(request, _("Your application for deregistration is withdrawn."))
            return redirect("suppliers:deregistration-status", pk=application.pk)
    return render(
        request,
        "suppliers/deregistration/status.html",
        {
            "refusal": refusal,
            "may_withdraw": case.status in (case.Status.OPEN, case.Status.UNDER_REVIEW),
            "application": application,
            "supplier": application.supplier,
            "case": case,
            "deadline": deadline,
            "protocol": case.protocol if case.protocol and case.protocol.published_at else None,
            "readmission": readmission_terms(case=case)
            if case.status == case.Status.DEREGISTERED
            else None,
        },
    )


@require_safe
@cabinet_page()
def deregistration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact bytes of the application (signed or to sign)."""
    application = _own(request, pk)
    response = HttpResponse(bytes(application.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="deregistration-application-{application.pk}.pdf"'
    )
    return response
