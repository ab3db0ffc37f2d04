"""Refusals of the supplier cabinet's acts: ``SupplierActionError`` (translated ``str()``,
stable ``code``) and the signature refusals (``SignatureError``); both are
``portal.errors.PortalError``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from egov_gateway.eds.errors import NotEntitledToSign as NotEntitledToSign  # a key of an employee
from egov_gateway.eds.errors import SignatureError
from portal.errors import PortalError
from suppliers.selectors import Problem


class SupplierActionError(PortalError):
    """An act of the cabinet was refused. ``str(error)`` is the translated message."""

    code = "refused"
    message = _("This action is not possible.")


class NotAuthorised(SupplierActionError):
    code = "not_authorised"
    message = _("You do not act for this supplier.")


class NotEligible(SupplierActionError):
    code = "not_eligible"


class OfferNotAccepted(SupplierActionError):
    code = "offer_not_accepted"
    message = _("Sign the public offer first.")


class NotEditable(SupplierActionError):
    code = "not_editable"
    message = _("The application has been submitted and can no longer be changed.")


class ApplicationIncomplete(SupplierActionError):
    """The completeness check found problems; ``problems`` lists them (SUP-6)."""

    code = "incomplete"
    message = _("The application is not complete yet: correct the items listed.")

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems


STATE_FACT_MESSAGE = _(
    "The state systems report this fact: it cannot be replaced by your own entry or a "
    "document. If it is out of date, have it corrected where it is kept and request the data "
    "again from the state systems."
)


class StateFactReported(SupplierActionError):
    """The supplier tried to override a fact a state system reports (SUP-3)."""

    code = "state_fact"
    message = STATE_FACT_MESSAGE


class EditionChanged(SupplierActionError):
    """The rules in force changed since the draft was started: it is now checked under the
    edition in force on the day of filing (SUP-8) and must be checked and signed again."""

    code = "edition_changed"
    message = _(
        "The rules changed after you started this application. It is now checked under the "
        "rules in force today: check it again and sign the new form."
    )


class RegionUnknown(SupplierActionError):
    code = "region_unknown"
    message = _(
        "The region where you are registered cannot be told from your legal address. Give the "
        "legal address with its oblast or city of republican significance."
    )


class StaleAnnex(SupplierActionError):
    code = "stale_annex"
    message = _(
        "The application changed after this form was prepared. Check the new form and sign it."
    )


class OfferTextUnknown(SignatureError):
    code = "offer_text_unknown"
    message = _("What was signed is not the text of the public offer. Sign the offer shown.")
