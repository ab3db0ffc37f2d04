"""What the cabinet shows about deregistration: the form prefilled from the supplier's data, and
its applications for deregistration with their cases (DER-4, CAL-2)."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from portal.editions import Offer
from suppliers.models import Application, Supplier
from suppliers.selectors.registration import legal_address_of


def admitted_application(supplier: Supplier) -> Application | None:
    """The supplier's application that admitted it last."""
    return (
        supplier.applications.filter(status=Application.Status.APPROVED)
        .order_by(F("decided_on").desc(nulls_last=True), "-pk")
        .first()
    )


def deregistration_initial(supplier: Supplier) -> dict[str, Any]:
    """The form's fields as the portal knows them (the supplier confirms or corrects them)."""
    application = admitted_application(supplier)
    initial: dict[str, Any] = {"name": supplier.name, "identifier": supplier.identifier}
    if application is None:
        return initial
    first_address = application.addresses.order_by("pk").first()
    initial.update(
        {
            "activity": "; ".join(str(Offer(code).label) for code in application.offers),
            "legal_address": legal_address_of(supplier, application=application),
            "email": application.email,
            "phone": application.phone or application.mobile_phone,
            "fax": application.fax,
            "activity_address": str(first_address) if first_address else "",
        }
    )
    return initial
