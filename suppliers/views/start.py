"""The cabinet and the start page, the public offer (SUP-2)."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from deregistration import selectors as deregistration_selectors
from deregistration.eligibility import admission_eligibility
from egov_gateway.eds.flow import signature_step
from portal.editions import edition_for
from portal.errors import PortalError
from portal.identity import signed_in_identity
from suppliers import forms, selectors, services
from suppliers.models import (
    Application,
    Section,
    Supplier,
)
from suppliers.views.common import acting_bin, cabinet_page

# --- the cabinet and the start page (SUP-2) -----------------------------------------------------


@require_safe
@cabinet_page(supplier=False)
def cabinet(request: HttpRequest) -> HttpResponse:
    """The cabinet's front page: the supplier, its applications, what to do next."""
    supplier = request.supplier
    if supplier is None:
        return redirect("suppliers:start")
    acceptance = selectors.offer_acceptance(supplier)
    if acceptance is None:
        return redirect("suppliers:offer")
    applications = list(supplier.applications.select_related("region").order_by("-created_at"))
    draft = next((a for a in applications if a.status == Application.Status.DRAFT), None)
    eligibility = admission_eligibility(identifier=supplier.identifier)
    return render(
        request,
        "suppliers/cabinet.html",
        {
            "supplier": supplier,
            "acceptance": acceptance,
            "applications": applications,
            "draft": draft,
            "eligibility": eligibility,
            **deregistration_matters(supplier, applications),
            # Only an application with the commission has a decision due (issue 9, item 7).
            "under_review_statuses": (
                Application.Status.SUBMITTED,
                Application.Status.UNDER_REVIEW,
            ),
        },
    )


@cabinet_page(supplier=False)
def start(request: HttpRequest) -> HttpResponse:
    """Start as a supplier (2022 p.3, p.5; SUP-1, SUP-2): the kind the key allows, what is
    offered (the region follows from the legal address, SUP-8), and whether the supplier may
    apply at all (``admission_eligibility``). What is chosen is stored, and can be corrected on
    this page until an application is signed (issue 9, item 2)."""
    supplier = request.supplier
    if supplier is not None and not selectors.start_choices_changeable(supplier):
        return redirect("suppliers:cabinet")
    edition = edition_for()
    options = selectors.start_options(user=request.user, session=request.session)
    identity = signed_in_identity(request.session) or {}
    identifier = options[0].identifier if options else ""
    eligibility = admission_eligibility(identifier=identifier) if identifier else None
    if supplier is not None:
        draft = selectors.draft_of(supplier)
        initial = {
            "kind": supplier.kind,
            "name": supplier.name,
            "offers": draft.offers if draft is not None else supplier.chosen_offers,
        }
    else:
        initial = {"name": identity.get("organisation") or request.user.full_name}
    form = forms.StartForm(
        request.POST or None,
        kinds=[option.kind for option in options],
        edition=edition,
        initial=initial,
    )
    if request.method == "POST" and options and eligibility and form.is_valid():
        choices = {
            "user": request.user,
            "kind": form.cleaned_data["kind"],
            "name": form.cleaned_data["name"],
            "offers": form.cleaned_data["offers"],
        }
        try:
            if supplier is None:
                services.start_as_supplier(identifier=identifier, **choices)
            else:
                services.change_start_choices(supplier=supplier, **choices)
        except services.SupplierActionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if supplier is not None and selectors.has_accepted_offer(supplier):
                return redirect("suppliers:application")
            return redirect("suppliers:offer")
    return render(
        request,
        "suppliers/start.html",
        {
            "form": form,
            "options": options,
            "identifier": identifier,
            "organisation": identity.get("organisation", ""),
            "eligibility": eligibility,
            "edition": edition,
            "supplier": supplier,
        },
    )


@cabinet_page()
def offer(request: HttpRequest) -> HttpResponse:
    """Sign the public offer with EDS (2022 p.5; SUP-2); the state data is then requested
    (SUP-3) and the draft application opened with what was chosen on the start page."""
    supplier = request.supplier
    if selectors.has_accepted_offer(supplier):
        return redirect("suppliers:cabinet")
    language = selectors.offer_language(request.POST.get("offer_language") or get_language())
    offer_bytes = selectors.render_offer(language=language)
    step = signature_step(
        request,
        data=offer_bytes,
        title=_("Public offer for users of the Social Services Portal"),
        organisation_bin=acting_bin(supplier),
        button_label=_("Sign the public offer with EDS"),
        hidden_fields={"offer_language": language},
        cannot_sign_title=_(
            "Only the head of the organisation or a person with the right to sign may sign the "
            "offer for it."
        ),
        cannot_sign_text=_(
            "You signed in with the key of an employee. Ask your head, or a person with the "
            "right to sign, to sign in with their key and sign the offer. After that you can "
            "prepare the application, and they sign it."
        ),
    )
    if step.cms is not None:
        try:
            services.accept_public_offer(
                supplier=supplier, user=request.user, cms=step.cms, offer_bytes=offer_bytes
            )
        except PortalError as error:
            step.refuse(error)
        else:
            return _open_application(request, supplier)
    return render(
        request,
        "suppliers/offer.html",
        {
            "supplier": supplier,
            "may_change_start": selectors.start_choices_changeable(supplier),
            **step.context(),
        },
    )


def _open_application(request: HttpRequest, supplier) -> HttpResponse:
    """After the offer: open the draft with the offers chosen at the start, show state data."""
    try:
        application = services.start_application(supplier=supplier, user=request.user)
    except services.SupplierActionError as error:
        messages.warning(request, str(error))
        return redirect("suppliers:cabinet")
    offers = supplier.chosen_offers
    if offers and not application.offers:
        # If this fails, the "What you offer" section asks again.
        with contextlib.suppress(services.SupplierActionError, ValidationError):
            services.save_section(
                application=application,
                section=Section.OFFERS,
                data={"offers": offers},
                user=request.user,
            )
    messages.success(
        request,
        _("You have signed the public offer. Here is what the state systems know about you."),
    )
    return redirect("suppliers:section", section=Section.STATE_DATA)


@require_POST
@cabinet_page()
def new_application(request: HttpRequest) -> HttpResponse:
    """Start a new application (after a withdrawal), when the supplier may apply."""
    try:
        services.start_application(supplier=request.supplier, user=request.user)
    except services.SupplierActionError as error:
        messages.warning(request, str(error))
        return redirect("suppliers:cabinet")
    return redirect("suppliers:application")


def deregistration_matters(supplier: Supplier, applications: list[Application]) -> dict:
    """The cabinet's deregistration section: the own application for deregistration (2022
    p.19(1); DER-4) and the matters that outlive a deregistration (2022 p.23; DER-6). A supplier
    never admitted has none of them, and its pages ask nothing about them."""
    if not any(a.status == Application.Status.APPROVED for a in applications):
        return {
            "registered": False,
            "deregistration_refusal": "",
            "deregistrations": [],
            "open_cases": [],
        }
    return {
        "registered": deregistration_selectors.is_registered(supplier_id=supplier.pk),
        "deregistration_refusal": deregistration_selectors.own_application_refusal(
            supplier_id=supplier.pk
        ),
        "deregistrations": deregistration_selectors.own_applications_of(supplier_id=supplier.pk),
        "open_cases": deregistration_selectors.open_cases_against(supplier_id=supplier.pk),
    }
