"""State changes of deregistration (DER-1 … DER-6): open a case, put it on an agenda, record
the commission's decision, give it effect, deregister."""

from deregistration.services.applications import (
    DeregistrationApplicationStale,
    file_deregistration_application,
    prepare_deregistration_application,
    withdraw_deregistration_application,
)
from deregistration.services.cases import (
    DeregistrationRefused,
    deregister_supplier,
    dismiss_case,
    hold_case,
    open_case,
    release_case,
)
from deregistration.services.decisions import (
    attach_protocol,
    give_effect_to_decision,
    put_case_on_agenda,
    record_case_decision,
)

__all__ = [
    "DeregistrationApplicationStale",
    "file_deregistration_application",
    "prepare_deregistration_application",
    "withdraw_deregistration_application",
    "DeregistrationRefused",
    "attach_protocol",
    "deregister_supplier",
    "dismiss_case",
    "give_effect_to_decision",
    "hold_case",
    "open_case",
    "put_case_on_agenda",
    "record_case_decision",
    "release_case",
]
