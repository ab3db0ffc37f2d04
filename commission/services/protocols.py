"""The protocol (Annex 2): formed by the secretary, signed with EDS, published within one
working day of its signing; publishing decides the application and, on admission, registers the
supplier (COM-6, COM-7, SUP-9, REG-1; 2022 p.14-17)."""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commission import selectors
from commission.models import AgendaItem, Protocol, ProtocolCounter, ProtocolSignature
from commission.protocol import render_protocol
from commission.services.errors import CommissionActionError, require_awaiting_decision
from deregistration import services as deregistration_services
from egov_gateway.eds.services import verify_document
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.audit.services import record
from portal.editions import Edition
from portal.lost_connection import CONNECTION_LOST, stored_after_lost_connection
from portal.models import Role, User
from registers.models import RegisterEntry
from suppliers.models import Application
from suppliers.selectors import offer_of


class ProtocolRefused(CommissionActionError):
    code = "protocol_refused"


def form_protocol(*, item: AgendaItem, secretary: User) -> Protocol:
    """The secretary forms the protocol of an adopted decision from the members' signed votes
    (2022 p.14; COM-6). The protocol takes the next number of its commission and year under the
    counter's lock, in a short transaction, so numbers never repeat and never skip; its PDF is
    then made outside any lock and attached. A protocol left numbered without its PDF (the
    rendering failed) is completed by calling this again."""
    item = _item_for_protocol(item, secretary)
    protocol = Protocol.objects.filter(item=item).first() or _numbered(item, secretary)
    if protocol.status != Protocol.Status.NUMBERED:
        raise ProtocolRefused(_("The protocol of this decision has already been formed."))
    pdf = render_protocol(item=item, number=protocol.number, formed_on=protocol.formed_on)
    with transaction.atomic(durable=True):
        protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
        if protocol.status != Protocol.Status.NUMBERED:
            raise ProtocolRefused(_("The protocol of this decision has already been formed."))
        protocol.pdf = pdf
        protocol.sha256 = hashlib.sha256(pdf).hexdigest()
        protocol.attach_form()
        protocol.save(update_fields=["pdf", "sha256", "status"])
        record(
            actor=secretary,
            action="protocol.formed",
            obj=protocol,
            after={"number": protocol.number, "year": protocol.year, "sha256": protocol.sha256},
            basis=protocol_basis(item.edition),
            role=Role.SECRETARY,
        )
    return protocol


def _numbered(item: AgendaItem, secretary: User) -> Protocol:
    commission = item.meeting.commission
    formed_on = deadlines.today()
    ProtocolCounter.objects.bulk_create(
        [ProtocolCounter(commission=commission, year=formed_on.year)], ignore_conflicts=True
    )
    with transaction.atomic(durable=True):
        counter = ProtocolCounter.objects.select_for_update().get(
            commission=commission, year=formed_on.year
        )
        existing = Protocol.objects.filter(item=item).first()
        if existing is not None:  # formed by a concurrent call that held the lock first
            return existing
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        protocol = Protocol.objects.create(
            commission=commission,
            year=formed_on.year,
            number=counter.last_number,
            item=item,
            decision=item.proposal,
            refusal_reasons=item.refusal_reasons,
            formed_on=formed_on,
        )
        if item.deregistration_case is not None:
            deregistration_services.attach_protocol(
                case=item.deregistration_case, protocol=protocol
            )
        record(
            actor=secretary,
            action="protocol.numbered",
            obj=protocol,
            after={"number": protocol.number, "year": protocol.year, "item": item.pk},
            basis=protocol_basis(item.edition),
            role=Role.SECRETARY,
        )
    return protocol


def _item_for_protocol(item: AgendaItem, secretary: User) -> AgendaItem:
    item = AgendaItem.objects.select_related(
        "meeting__commission__region",
        "meeting__composition",
        "application__supplier",
        "deregistration_case__supplier",
    ).get(pk=item.pk)
    if item.meeting.composition.secretary_id != secretary.pk:
        raise ProtocolRefused(_("Only the commission's secretary forms its protocols."))
    if item.status != AgendaItem.Status.ADOPTED:
        raise ProtocolRefused(
            _("A protocol is formed only for an adopted decision; this item has none.")
        )
    require_awaiting_decision(item.application)
    return item


def required_signers(protocol: Protocol) -> list[tuple[User, str]]:
    """Who signs the protocol, and in which capacity: each member who voted, the presiding
    member (the chair's decision) and the secretary (signature only), as Annex 2 lays it out."""
    meeting = protocol.item.meeting
    presiding = meeting.presided_by
    voters = [
        vote.member
        for vote in protocol.item.votes.select_related("member").order_by("member__full_name")
    ]
    signers: list[tuple[User, str]] = [
        (voter, ProtocolSignature.Capacity.MEMBER) for voter in voters if voter != presiding
    ]
    if presiding is not None:
        signers.append((presiding, ProtocolSignature.Capacity.CHAIR))
    signers.append((meeting.composition.secretary, ProtocolSignature.Capacity.SECRETARY))
    return signers


def sign_protocol(*, protocol: Protocol, signer: User, cms: bytes) -> ProtocolSignature:
    """A signature of the protocol's exact PDF (2022 p.13-14; Annex 2). When every required
    signer has signed, the protocol is signed and its publication is due within the edition's
    working days (2022 p.15: one; COM-7; of a deregistration, p.23: one; DER-5)."""
    protocol = Protocol.objects.select_related(
        "item__meeting__composition",
        "item__meeting__presided_by",
        "item__application",
        "item__deregistration_case",
    ).get(pk=protocol.pk)
    capacity = _capacity_of(protocol, signer)
    edition = protocol.item.edition
    role = Role.SECRETARY if capacity == ProtocolSignature.Capacity.SECRETARY else Role.MEMBER
    verified = verify_document(
        cms=cms, data=bytes(protocol.pdf), purpose=Purpose.SIGN, signer_user=signer, role=role
    )
    with transaction.atomic(durable=True):
        locked = Protocol.objects.select_for_update().get(pk=protocol.pk)
        if locked.status != Protocol.Status.FORMED:
            raise ProtocolRefused(_("The protocol is already signed."))
        if locked.signatures.filter(signer=signer, capacity=capacity).exists():
            raise ProtocolRefused(_("You have already signed this protocol."))
        signature = verified.keep(
            obj=locked, document_kind="protocol", basis=protocol_basis(edition)
        )
        signed = ProtocolSignature.objects.create(
            protocol=locked, signer=signer, capacity=capacity, signature=signature
        )
        if locked.signatures.count() == len(required_signers(protocol)):
            locked.complete_signatures()
            locked.signed_at = timezone.now()
            locked.publication_due = publication_due(
                edition=edition, item=protocol.item, signed_on=deadlines.day_of(locked.signed_at)
            )
            locked.save(update_fields=["status", "signed_at", "publication_due"])
        record(
            actor=signer,
            action="protocol.signed",
            obj=locked,
            after={"capacity": capacity, "signature": signature.pk, "status": locked.status},
            basis=protocol_basis(edition),
            role=role,
        )
    return signed


def publication_due(
    *, edition: Edition, item: AgendaItem, signed_on: datetime.date
) -> datetime.date | None:
    """The last day to publish the protocol of ``item`` signed on ``signed_on``: 2022 p.15 for
    an application (COM-7), p.23 for a deregistration (DER-5); None where the edition fixes no
    period (2020 p.19)."""
    parameter = (
        "deregistration_protocol_publication_working_days"
        if item.is_deregistration
        else "protocol_publication_working_days"
    )
    if edition.parameter(parameter) is None:
        return None
    return deadlines.deadline(edition=edition, parameter=parameter, after=signed_on).day


def _capacity_of(protocol: Protocol, signer: User) -> str:
    for person, capacity in required_signers(protocol):
        if (
            person.pk == signer.pk
            and not protocol.signatures.filter(signer=signer, capacity=capacity).exists()
        ):
            return capacity
    if any(person.pk == signer.pk for person, _capacity in required_signers(protocol)):
        raise ProtocolRefused(_("You have already signed this protocol."))
    raise ProtocolRefused(
        _("Only the members who decided, the presiding member and the secretary sign it.")
    )


class PublicationNotSaved(CommissionActionError):
    """The connection to the database was lost while the protocol was being published."""

    code = "publication_not_saved"
    message = _(
        "The protocol could not be published: the connection to the database was lost. Nothing "
        "was published; please publish it again."
    )


def publish_protocol(*, protocol: Protocol, secretary: User) -> Protocol:
    """The secretary publishes the signed protocol on the portal (2022 p.15; COM-7). The
    application is decided — approved, or refused with the reasons (p.16; SUP-9) — the supplier
    is e-mailed, and on admission it enters every register that fits its kind and offers
    (p.17; REG-1) with the protocol's number and date. The protocol of a deregistration case
    gives the decision its effect: the supplier is deregistered with the protocol's number and
    date, or the case is closed (2022 p.23; DER-5, REG-3).

    The publication is stored whole or not at all: where the database connection breaks in the
    middle, either it was published (the commit came through) or ``PublicationNotSaved`` says
    nothing was, and publishing again is safe."""
    try:
        return _publish(protocol, secretary)
    except CONNECTION_LOST as lost:
        published = stored_after_lost_connection(
            Protocol.objects.filter(pk=protocol.pk, status=Protocol.Status.PUBLISHED).first
        )
        if published is None:
            raise PublicationNotSaved(detail=f"database connection lost: {lost}") from lost
        return published


@transaction.atomic(durable=True)
def _publish(protocol: Protocol, secretary: User) -> Protocol:
    protocol = (
        Protocol.objects.select_for_update(of=("self",))
        .select_related(
            "item__meeting__composition",
            "item__application__supplier",
            "item__deregistration_case__supplier",
        )
        .get(pk=protocol.pk)
    )
    if protocol.item.meeting.composition.secretary_id != secretary.pk:
        raise ProtocolRefused(_("Only the commission's secretary publishes its protocols."))
    if protocol.status != Protocol.Status.SIGNED:
        raise ProtocolRefused(_("Only a protocol signed by everyone who signs it is published."))
    protocol.publish()
    published_at = protocol.published_at = timezone.now()
    protocol.save(update_fields=["status", "published_at"])
    if protocol.item.is_deregistration:
        return _publish_deregistration(protocol, secretary, on=deadlines.day_of(published_at))
    application = Application.objects.select_for_update().get(pk=protocol.item.application_id)
    require_awaiting_decision(application)
    entries = _decide(application, protocol, decided_on=deadlines.day_of(published_at))
    edition = application.edition
    event = record(
        actor=secretary,
        action="protocol.published",
        obj=protocol,
        after={
            "application": application.pk,
            "decision": protocol.decision,
            "reasons": protocol.refusal_reasons,
            "registers": [entry.register for entry in entries],
            "overdue": protocol.publication_due is not None
            and deadlines.today() > protocol.publication_due,
        },
        basis=edition.clause_for("protocol_publication_working_days"),
        role=Role.SECRETARY,
    )
    from suppliers.services import notify_status_change

    notify_status_change(application_id=application.pk, event_key=f"audit:{event.pk}")
    return protocol


def _publish_deregistration(protocol: Protocol, secretary: User, *, on: datetime.date) -> Protocol:
    case = protocol.item.deregistration_case
    assert case is not None
    edition = case.edition
    case = deregistration_services.give_effect_to_decision(
        case=case, protocol=protocol, on=on, actor=secretary
    )
    record(
        actor=secretary,
        action="protocol.published",
        obj=protocol,
        after={
            "deregistration_case": case.pk,
            "decision": protocol.decision,
            "ground": case.ground,
            "status": case.status,
            "overdue": protocol.publication_due is not None
            and deadlines.today() > protocol.publication_due,
        },
        basis=edition.clause_for("deregistration_protocol_publication_working_days"),
        role=Role.SECRETARY,
    )
    return protocol


def _decide(
    application: Application, protocol: Protocol, *, decided_on: datetime.date
) -> list[RegisterEntry]:
    application.decided_on = decided_on
    application.decision_protocol = protocol.label
    application.decision_protocol_url = reverse("protocols:published", args=[protocol.pk])
    if protocol.decision == AgendaItem.Proposal.REFUSE:
        application.refuse()
        application.refusal_reasons = list(protocol.refusal_reasons)
        application.save()
        return []
    application.approve()
    application.save()
    supplier = application.supplier
    registers = application.edition.registers_for(
        supplier_kind=supplier.kind, offers=admitted_offers(protocol.item)
    )
    return RegisterEntry.objects.bulk_create(
        RegisterEntry(
            supplier=supplier,
            register=register.code,
            edition_code=application.edition_code,
            region=application.region,
            application=application,
            admitted_on=decided_on,
            admission_protocol=protocol.label,
            kinds=admitted_kind_codes(protocol.item),
        )
        for register in registers
    )


def admitted_kind_codes(item: AgendaItem) -> list[str]:
    """The classifier codes of the kinds admitted by the item's decision where each kind is
    decided on its own (2020 p.8, p.14; E20-3): the register entries list only those (REG-1).
    Empty for a decision on the whole application (the entry then lists every offering)."""
    if not item.decided_per_kind:
        return []
    return sorted(
        {kind.offering.classifier_item.code for kind in selectors.kinds_of(item) if kind.admitted}
    )


def admitted_offers(item: AgendaItem) -> list[str]:
    """What the supplier is admitted to offer by the item's decision (REG-1): the whole
    application's offers; where each kind is decided on its own (2020 p.8, p.14; E20-3), only
    the offers of the kinds admitted, so that a refused kind enters no register."""
    application = application_of(item)
    if not item.decided_per_kind:
        return list(application.offers or ())
    offers = {
        offer_of(kind.offering.classifier_item)
        for kind in selectors.kinds_of(item)
        if kind.admitted
    }
    return sorted(offer for offer in offers if offer)


def application_of(item: AgendaItem) -> Application:
    """The application an item decides (an item on a deregistration case has none)."""
    if item.application is None:
        raise ProtocolRefused(_("This agenda item is not about an application."))
    return item.application


def protocol_basis(edition: Edition) -> str:
    """The clause of the protocol's form: Annex 2 of edition 2022; edition 2020 has no form of
    its own and uses the same layout (choice), on the ground of its item 14."""
    try:
        return edition.form("protocol").clause
    except KeyError:
        return edition.clause_for("member_decisions_signed")
