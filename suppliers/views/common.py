"""The section tables and who is asking: the cabinet-page decorator and its helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_gateway.eds.flow import session_may_bind_organisation
from portal.access import role_required
from portal.models import Role
from suppliers import forms, selectors
from suppliers.models import (
    Application,
    Section,
)

# The sections made of rows (a formset whose prefix is the section: ``id_offerings-0-price``).
ROW_SECTIONS: dict[str, type[django_forms.Form]] = {
    Section.OFFERINGS: forms.OfferingForm,
    Section.ADDRESSES: forms.AddressForm,
    Section.SPECIALISTS: forms.SpecialistForm,
}
ROW_FIELDS = {
    Section.OFFERINGS: ("classifier_item", "characteristics", "price", "unit", "stock_quantity"),
    Section.ADDRESSES: ("region", "settlement", "street", "building", "premises"),
    Section.SPECIALISTS: (
        "full_name",
        "iin",
        "position",
        "education",
        "qualification",
        "experience_years",
    ),
}
ADD_ROW_LABELS = {
    Section.OFFERINGS: gettext_lazy("Add another kind of goods or service"),
    Section.ADDRESSES: gettext_lazy("Add another address"),
    Section.SPECIALISTS: gettext_lazy("Add another specialist"),
}
# Sections with nothing to save: what the state says, and documents uploaded with the page.
READ_ONLY_SECTIONS = frozenset({Section.CONDITIONS})


# --- who is asking ----------------------------------------------------------------------------


def cabinet_page(*, draft: bool = False, supplier: bool = True) -> Callable:
    """A page of the cabinet: signed-in supplier representatives only (others: sign-in or 403).

    ``supplier``: the person must have started as a supplier (else: the start page);
    ``draft``: the page works on the supplier's draft (``request.application``).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @role_required(Role.SUPPLIER)
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            # A draft page reads the draft with its supplier in one query (issue 12).
            application = (
                selectors.current_draft_for(request.user, request.session) if draft else None
            )
            if application is not None:
                request.supplier = application.supplier
            else:
                request.supplier = selectors.current_supplier_for(request.user, request.session)
            if supplier and request.supplier is None:
                return redirect("suppliers:start")
            if draft:
                if application is None:
                    messages.info(request, _("You have no application in progress."))
                    return redirect("suppliers:cabinet")
                request.application = application
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def own_application(request: HttpRequest, pk: int) -> Application:
    """An application of the supplier the person acts for; any other is "not found"."""
    return get_object_or_404(
        Application.objects.select_related("supplier", "supplier__region", "region"),
        pk=pk,
        supplier=request.supplier,
    )


def may_sign_for(request: HttpRequest, supplier) -> bool:
    """Whether the key the person signed in with may bind the supplier (SUP-2): a natural
    person's own key, or the key of an organisation's head or a person with the right to sign
    (``egov_gateway.eds.flow.session_may_bind_organisation``). The signature itself is checked
    again by the services when it arrives."""
    if not supplier.is_legal_entity:
        return True
    return session_may_bind_organisation(request, organisation_bin=acting_bin(supplier))


def acting_bin(supplier) -> str:
    """The organisation an act of the supplier binds: a legal entity's BIN; "" for a person."""
    return supplier.identifier if supplier.is_legal_entity else ""
