"""Acts of the supplier cabinet: starting, the public offer, state data, the application's
sections and documents, the Annex 1 form, signing and submission, withdrawal (SUP-1..SUP-10,
E20-1..E20-3, CAL-2).

Every act checks who does it (``selectors.may_act_for``), changes state, records an audit event
and schedules side effects after commit. Refusals are ``SupplierActionError`` (translated
``str()``, stable ``code``) or, when the signature is refused, ``SignatureError``; views catch
both and show ``str(error)``.
"""

from portal.editions import ANNEX_LANGUAGES
from suppliers.selectors import Problem, completeness_problems
from suppliers.services.documents import (
    add_document,
    remove_document,
    remove_orphan_documents,
)
from suppliers.services.errors import (
    ApplicationIncomplete,
    EditionChanged,
    NotAuthorised,
    NotEditable,
    NotEligible,
    NotEntitledToSign,
    OfferNotAccepted,
    OfferTextUnknown,
    RegionUnknown,
    StaleAnnex,
    StateFactReported,
    SupplierActionError,
)
from suppliers.services.notifications import notify_status_change
from suppliers.services.sections import save_section, start_application
from suppliers.services.submission import (
    prepare_annex,
    prepare_annexes_after_change,
    submit_application,
    withdraw_application,
)
from suppliers.services.supplier import (
    accept_public_offer,
    change_start_choices,
    refresh_state_data,
    start_as_supplier,
    update_registered_region,
)

__all__ = [
    "ANNEX_LANGUAGES",
    "ApplicationIncomplete",
    "change_start_choices",
    "EditionChanged",
    "NotAuthorised",
    "NotEditable",
    "NotEligible",
    "NotEntitledToSign",
    "OfferNotAccepted",
    "OfferTextUnknown",
    "Problem",
    "RegionUnknown",
    "StaleAnnex",
    "StateFactReported",
    "SupplierActionError",
    "accept_public_offer",
    "add_document",
    "completeness_problems",
    "notify_status_change",
    "prepare_annex",
    "prepare_annexes_after_change",
    "refresh_state_data",
    "remove_document",
    "remove_orphan_documents",
    "save_section",
    "start_application",
    "start_as_supplier",
    "submit_application",
    "update_registered_region",
    "withdraw_application",
]
