"""The cabinet's part of the supplier's own application for deregistration (ground 1; 2022
p.19(1), Annex 3; 2020 p.15(1), Annex 2; DER-4): who may act and sign for the supplier is the
cabinet's rule; the application and its case are deregistration's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deregistration import services as deregistration_services
from deregistration.models import DeregistrationApplication, DeregistrationCase
from portal.models import User
from suppliers.models import Supplier
from suppliers.services.common import require_rights, verify_supplier_signature


def prepare_deregistration(
    *, supplier: Supplier, user: User, data: Mapping[str, Any], language: str = ""
) -> DeregistrationApplication:
    """Form the application for deregistration to sign, from what the person entered."""
    require_rights(user=user, supplier=supplier)
    return deregistration_services.prepare_deregistration_application(
        supplier=supplier, user=user, data=data, language=language
    )


def sign_deregistration(
    *, application: DeregistrationApplication, user: User, cms: bytes
) -> DeregistrationCase:
    """Sign the application's exact PDF with EDS and file it: the case goes to the commission
    (2022 p.22: decided and the protocol signed within two working days). A legal entity is
    bound only by its head's key or that of a person with the right to sign (SUP-2)."""
    supplier = application.supplier
    require_rights(user=user, supplier=supplier)
    verified = verify_supplier_signature(
        supplier=supplier, user=user, cms=cms, data=bytes(application.pdf)
    )
    return deregistration_services.file_deregistration_application(
        application=application, verified=verified, user=user
    )


def withdraw_deregistration(
    *, application: DeregistrationApplication, user: User
) -> DeregistrationCase:
    """Withdraw the filed application for deregistration before the commission decides; the
    person must have the right to act for the supplier (SUP-2)."""
    require_rights(user=user, supplier=application.supplier)
    return deregistration_services.withdraw_deregistration_application(
        application=application, user=user
    )
