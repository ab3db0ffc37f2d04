"""Starting as a supplier, the public offer and state data (SUP-1, SUP-2, SUP-3)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov_gateway.services import StateDataResult, fetch_state_data, watch
from portal.audit import services as audit
from portal.editions import edition_for
from portal.editions.base import SupplierKind
from portal.identifiers import validate_bin, validate_iin
from portal.models import Role, User
from suppliers import selectors
from suppliers.models import (
    Application,
    OfferAcceptance,
    Section,
    Supplier,
)
from suppliers.services.common import (
    mark_changed,
    require_eligible,
    require_rights,
    verify_supplier_signature,
)
from suppliers.services.errors import (
    NotAuthorised,
    OfferNotAccepted,
    OfferTextUnknown,
    SupplierActionError,
)

# --- starting (SUP-1, SUP-2) ---


def start_as_supplier(
    *, user: User, kind: str, identifier: str, name: str, offers: Sequence[str] = ()
) -> Supplier:
    """The person starts as a supplier of ``kind`` by BIN/IIN (2022 p.3, SUP-1).

    The region is not chosen: it follows from the legal address once the state data arrives or
    the supplier enters it (SUP-8, ``selectors.registered_region``).

    The kind must be one the edition in force admits (2022 p.2(4); 2020 p.2(2) has no individual
    assistants); the person must act for the BIN (a legal entity) or hold the IIN; and the one
    eligibility rule (``deregistration.eligibility``) must allow it. Starting again returns the
    supplier already known.
    """
    edition = edition_for()
    if kind not in edition.supplier_kinds:
        raise SupplierActionError(
            _("Suppliers of this kind cannot register under the rules in force."),
            code="kind_not_admitted",
        )
    (validate_bin if kind == SupplierKind.LEGAL_ENTITY else validate_iin)(identifier)
    if not selectors.may_act_as(user=user, kind=kind, identifier=identifier):
        raise NotAuthorised(
            _("You can start only for the organisation of your key, or for yourself.")
        )
    require_eligible(identifier)
    name = (name or "").strip()
    if not name:
        raise SupplierActionError(_("Enter the supplier's name."), code="name_required")
    with transaction.atomic(durable=True):
        supplier, created = Supplier.objects.select_for_update().get_or_create(
            identifier=identifier,
            defaults={
                "kind": kind,
                "name": name,
                "chosen_offers": list(offers),
                "created_by": user,
            },
        )
        if supplier.kind != kind:
            raise SupplierActionError(
                _("This BIN/IIN is already registered as a supplier of another kind: %(kind)s.")
                % {"kind": supplier.get_kind_display()},
                code="other_kind",
            )
        if created:
            audit.record(
                actor=user,
                action="supplier.started",
                obj=supplier,
                after={
                    "kind": kind,
                    "identifier": identifier,
                    "name": name,
                    "offers": list(offers),
                },
                basis=edition.clause_for("supplier_kinds"),
                role=Role.SUPPLIER,
            )
    return supplier


def change_start_choices(
    *, supplier: Supplier, user: User, kind: str, name: str, offers: Sequence[str]
) -> Supplier:
    """Correct what was chosen on the start page (2022 p.3; SUP-1, SUP-2): the kind of supplier
    (among those the person's key allows), the name and the offers, until an application is
    signed. The draft application, if there is one, takes the offers; its data count as changed,
    so a form prepared before is no longer signed.
    """
    edition = edition_for()
    if kind not in edition.supplier_kinds:
        raise SupplierActionError(
            _("Suppliers of this kind cannot register under the rules in force."),
            code="kind_not_admitted",
        )
    if not selectors.may_act_as(user=user, kind=kind, identifier=supplier.identifier):
        raise NotAuthorised(
            _("You can start only for the organisation of your key, or for yourself.")
        )
    name = (name or "").strip()
    if not name:
        raise SupplierActionError(_("Enter the supplier's name."), code="name_required")
    offers = list(offers)
    with transaction.atomic(durable=True):
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if not selectors.start_choices_changeable(locked):
            raise SupplierActionError(
                _(
                    "Your application has been signed: the kind, the name and what you offer "
                    "can no longer be changed on the start page."
                ),
                code="start_choices_final",
            )
        before = {"kind": locked.kind, "name": locked.name, "offers": locked.chosen_offers}
        locked.kind, locked.name, locked.chosen_offers = kind, name, offers
        locked.save(update_fields=["kind", "name", "chosen_offers"])
        draft = locked.applications.select_for_update().filter(status=Application.Status.DRAFT)
        for application in draft:
            if application.offers != offers or before["kind"] != kind:
                application.offers = offers
                application.save(update_fields=["offers", "updated_at"])
                mark_changed(application, Section.OFFERS)
        audit.record(
            actor=user,
            action="supplier.start_changed",
            obj=locked,
            before=before,
            after={"kind": kind, "name": name, "offers": offers},
            basis=edition.clause_for("supplier_kinds"),
            role=Role.SUPPLIER,
        )
    supplier.refresh_from_db()
    return supplier


def accept_public_offer(
    *, supplier: Supplier, user: User, cms: bytes, offer_bytes: bytes
) -> OfferAcceptance:
    """The supplier signs the public offer with EDS on the start page (2022 p.5; 2020 p.4;
    SUP-2), then the state data is requested (2022 p.6; SUP-3). From then on the supplier is
    watched: the weekly sync emits change events for it (SYNC-2, DER-2).

    ``offer_bytes`` must be exactly a version of the offer text (``selectors.render_offer``);
    the signature must be valid over those bytes and, for a legal entity, made by its head or a
    person with the right to sign. The signature is verified before the transaction (NCANode,
    OCSP) and the state systems are asked after it has committed: a slow or failing source never
    undoes the signature, nor holds the audit trail up.
    """
    require_rights(user=user, supplier=supplier)
    identified = selectors.identify_offer(offer_bytes)
    if identified is None:
        raise OfferTextUnknown(detail="signed bytes match no offer version")
    version, language = identified
    edition = edition_for()
    verified = verify_supplier_signature(supplier=supplier, user=user, cms=cms, data=offer_bytes)
    with transaction.atomic(durable=True):
        signature = verified.keep(
            document_kind="public_offer", basis=edition.clause_for("signs_public_offer")
        )
        acceptance = OfferAcceptance.objects.create(
            supplier=supplier,
            signed_by=user,
            signature=signature,
            offer_version=version,
            language=language,
        )
        # From the offer on, the weekly sync reports what the state systems say of it (SYNC-2).
        watch(identifier=supplier.identifier, kind=supplier.kind)
        audit.record(
            actor=user,
            action="supplier.offer_accepted",
            obj=acceptance,
            after={
                "supplier": supplier.identifier,
                "offer_version": version,
                "language": language,
                "signature": signature.pk,
                "document_sha256": signature.document_sha256,
            },
            basis=edition.clause_for("signs_public_offer"),
            role=Role.SUPPLIER,
        )
    refresh_state_data(supplier=supplier, user=user)
    return acceptance


def refresh_state_data(*, supplier: Supplier, user: User | None = None) -> StateDataResult:
    """Ask the state systems about the supplier through the gateway (2022 p.6; SUP-3).

    Only after the public offer is signed. The answers are kept as ``StateRecord``s with their
    source and time; nothing the supplier entered is touched (SUP-3: state data is never
    overwritten by supplier input, nor the reverse).
    """
    if user is not None:
        require_rights(user=user, supplier=supplier)
    if not selectors.has_accepted_offer(supplier):
        raise OfferNotAccepted()
    draft = selectors.draft_of(supplier)
    edition = draft.edition if draft else edition_for()
    result = fetch_state_data(
        identifier=supplier.identifier,
        supplier_kind=supplier.kind,
        requested_by=user,
        edition=edition,
    )
    update_registered_region(supplier=supplier, user=user)
    return result


def update_registered_region(
    *, supplier: Supplier, user: User | None = None, application: Application | None = None
) -> Supplier:
    """Keep the supplier's region of registration the region of its legal address (2022 p.10;
    SUP-8): the state's registered address, or the one the supplier entered where no state
    system has it. An address whose region cannot be told leaves the region as it was."""
    region = selectors.registered_region(supplier, application=application)
    if region is None or region.pk == supplier.region_id:
        return supplier
    before = supplier.region.kato if supplier.region_id else None
    Supplier.objects.filter(pk=supplier.pk).update(region=region)
    supplier.region = region
    audit.record(
        actor=user,
        action="supplier.region_from_legal_address",
        obj=supplier,
        before={"region": before},
        after={"region": region.kato},
        basis=edition_for().clause_for("commission_routing"),
        role=Role.SUPPLIER if user else "",
    )
    return supplier
