"""The rows of an application, read once per request (issue 12, item 2).

A page of the cabinet reads the same rows many times: the completeness check, the documents
asked for, the state data, the findings and the page itself all look at the offerings, the
addresses, the specialists, the documents and the state data the supplier entered. Each kind is
read on first use and kept for the rest of the request (``portal.request_cache``), so a page
runs one query per kind of row whatever their number. The request's first write, or a lock a
service takes to check again, empties that cache: what a service checks under its lock is read
under it. Callers must not change the lists returned.
"""

from __future__ import annotations

from portal.request_cache import once_per_request
from suppliers.models import (
    Application,
    Offering,
    ServiceAddress,
    Specialist,
    SuppliedStateItem,
    SupportingDocument,
)


@once_per_request
def _offerings(application_id: int) -> list[Offering]:
    return list(
        Offering.objects.filter(application_id=application_id)
        .select_related("classifier_item")
        .order_by("pk")
    )


@once_per_request
def _addresses(application_id: int) -> list[ServiceAddress]:
    return list(
        ServiceAddress.objects.filter(application_id=application_id)
        .select_related("region")
        .order_by("pk")
    )


@once_per_request
def _specialists(application_id: int) -> list[Specialist]:
    return list(Specialist.objects.filter(application_id=application_id).order_by("pk"))


@once_per_request
def _documents(application_id: int) -> list[SupportingDocument]:
    return list(
        SupportingDocument.objects.filter(application_id=application_id)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


@once_per_request
def _supplied_items(application_id: int) -> list[SuppliedStateItem]:
    return list(
        SuppliedStateItem.objects.filter(application_id=application_id).order_by("item_code")
    )


def offerings_of(application: Application) -> list[Offering]:
    """The kinds of goods and services, in the order entered, with their classifier items."""
    return list(_offerings(application.pk))


def addresses_of(application: Application) -> list[ServiceAddress]:
    """The addresses where goods are sold or services provided, with their regions."""
    return list(_addresses(application.pk))


def specialists_of(application: Application) -> list[Specialist]:
    return list(_specialists(application.pk))


def uploaded_documents(application: Application) -> list[SupportingDocument]:
    """The supporting documents, in the order uploaded, with who uploaded them."""
    return list(_documents(application.pk))


def documents_of(application: Application) -> list[SupportingDocument]:
    """The supporting documents as the pages list them: by type, then as uploaded."""
    return sorted(uploaded_documents(application), key=lambda d: d.doc_type)


def supplied_items_of(application: Application) -> list[SuppliedStateItem]:
    """What the supplier entered for the state data the state systems did not confirm."""
    return list(_supplied_items(application.pk))
