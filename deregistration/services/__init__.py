"""State changes of deregistration (DER-1 … DER-6): open a case, decide it, deregister."""

from deregistration.services.cases import (
    DeregistrationRefused,
    deregister_supplier,
    open_case,
)

__all__ = [
    "DeregistrationRefused",
    "deregister_supplier",
    "open_case",
]
