"""Who acts for which supplier, the start options and the current application."""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.sessions.backends.base import SessionBase

from portal.access import holds_role
from portal.editions import edition_for
from portal.editions.base import SupplierKind, Text
from portal.identity import signed_in_identity
from portal.models import Role, User
from suppliers.models import (
    Application,
    Supplier,
)

# --- who acts for whom ---


def may_act_for(*, user: User, supplier: Supplier) -> bool:
    """Whether ``user`` may prepare and manage the supplier's drafts: for a legal entity, anyone
    holding the supplier role for its BIN; for a natural person, the holder of the IIN.

    Whether they may also *sign* for a legal entity is decided by their certificate
    (``VerifiedSigner.may_sign_for_organisation``) at the moment of signing.
    """
    return may_act_as(user=user, kind=supplier.kind, identifier=supplier.identifier)


def may_act_as(*, user: User, kind: str, identifier: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if kind == SupplierKind.LEGAL_ENTITY:
        return holds_role(user, Role.SUPPLIER, organisation_bin=identifier)
    return user.iin == identifier and holds_role(user, Role.SUPPLIER)


@dataclasses.dataclass(frozen=True)
class StartOption:
    """A way the signed-in person may start as a supplier (the certificate decides)."""

    kind: str
    identifier: str
    label: Text


def start_options(*, user: User, session: SessionBase, on: datetime.date | None = None):
    """The kinds of supplier the person may start as, by the key they signed in with (SUP-1):
    with an organisation's key, the legal entity of its BIN; with a personal key, an individual
    entrepreneur or (where the edition in force allows) an individual assistant, by their IIN.
    """
    identity = signed_in_identity(session) or {}
    edition = edition_for(on)
    organisation_bin = identity.get("bin") or ""
    if organisation_bin:
        candidates = [SupplierKind.LEGAL_ENTITY]
        identifier = organisation_bin
    else:
        candidates = [SupplierKind.INDIVIDUAL_ENTREPRENEUR, SupplierKind.INDIVIDUAL_ASSISTANT]
        identifier = user.iin
    return [
        StartOption(kind=kind, identifier=identifier, label=SupplierKind(kind).label)
        for kind in candidates
        if kind in edition.supplier_kinds
        and may_act_as(user=user, kind=kind, identifier=identifier)
    ]


def current_supplier_for(user: User, session: SessionBase) -> Supplier | None:
    """The supplier the signed-in person acts for in this session, if it has started: the
    organisation of the key they signed in with, or else themselves (by IIN)."""
    if not getattr(user, "is_authenticated", False):
        return None
    identity = signed_in_identity(session) or {}
    identifier = identity.get("bin") or user.iin
    supplier = Supplier.objects.filter(identifier=identifier).select_related("region").first()
    if supplier is None or not may_act_for(user=user, supplier=supplier):
        return None
    return supplier


def current_draft_for(user: User, session: SessionBase) -> Application | None:
    """The draft of the supplier the signed-in person acts for (``current_supplier_for``), read
    with its supplier in one query; None when it has none (or the person may not act for it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    identity = signed_in_identity(session) or {}
    identifier = identity.get("bin") or user.iin
    application = (
        Application.objects.filter(supplier__identifier=identifier, status=Application.Status.DRAFT)
        .select_related("supplier", "supplier__region", "region")
        .first()
    )
    if application is None or not may_act_for(user=user, supplier=application.supplier):
        return None
    return application


def draft_of(supplier: Supplier) -> Application | None:
    """The supplier's draft application, if it has one (a supplier has one at a time, SUP-4)."""
    return (
        supplier.applications.filter(status=Application.Status.DRAFT)
        .select_related("supplier", "supplier__region", "region")
        .first()
    )


# An application in one of these is signed: what it was filed as can no longer change.
SIGNED_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.APPROVED,
)


def start_choices_changeable(supplier: Supplier) -> bool:
    """The kind, the name and the offers chosen at the start can be corrected until an
    application is signed (issue 9, item 2)."""
    return not supplier.applications.filter(status__in=SIGNED_STATUSES).exists()
