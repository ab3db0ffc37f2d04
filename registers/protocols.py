"""Reads of the published protocols for the public (COM-7, DER-5; 2022 p.15, p.23): the list,
newest first by keyset, and one protocol with the signatures as the portal verified them
(signer, IIN, time, certificate serial)."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from commission.models import AgendaItem, Protocol, ProtocolSignature

PAGE_SIZE = 25


def published_protocols() -> QuerySet[Protocol]:
    return Protocol.objects.filter(status=Protocol.Status.PUBLISHED).defer("pdf")


def last_publication() -> datetime.datetime | None:
    return published_protocols().aggregate(last=Max("published_at"))["last"]


MATTER_ADMISSION = "admission"
MATTER_REFUSAL = "refusal"
MATTER_DEREGISTRATION = "deregistration"
MATTERS: dict[str, Promise] = {
    MATTER_ADMISSION: _("Admission"),
    MATTER_REFUSAL: _("Refusal of admission"),
    MATTER_DEREGISTRATION: _("Deregistration"),
}


# What a row names: the commission's region, the supplier of the application or the case.
ROW_RELATIONS = (
    "commission__region",
    "item__application__supplier",
    "item__deregistration_case__supplier",
)


@dataclass(frozen=True)
class ProtocolRow:
    """A published protocol as the list shows it: the supplier it decides on and its matter
    (admission, refusal or deregistration — of a complaint's case or any other ground)."""

    protocol: Protocol
    supplier_name: str
    matter: str

    @property
    def matter_label(self) -> Promise:
        return MATTERS[self.matter]


def matter_of(protocol: Protocol) -> str:
    if protocol.item.deregistration_case_id is not None:
        return MATTER_DEREGISTRATION
    if protocol.decision == AgendaItem.Proposal.REFUSE:
        return MATTER_REFUSAL
    return MATTER_ADMISSION


def supplier_name_of(protocol: Protocol) -> str:
    item = protocol.item
    if item.deregistration_case is not None:
        return item.deregistration_case.supplier.name
    if item.application is not None:
        return item.application.supplier.name
    return ""


@dataclass
class ProtocolsPage:
    rows: list[ProtocolRow]
    next_cursor: str


def protocols_page(*, region: int | None = None, cursor: str = "") -> ProtocolsPage:
    protocols = published_protocols().select_related(*ROW_RELATIONS)
    if region:
        protocols = protocols.filter(commission__region_id=region)
    if cursor:
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            moment = datetime.datetime.fromisoformat(payload["t"])
            pk = int(payload["i"])
        except (ValueError, KeyError, TypeError):
            moment, pk = None, 0
        if moment is not None:
            protocols = protocols.filter(
                Q(published_at__lt=moment) | Q(published_at=moment, id__lt=pk)
            )
    rows = list(protocols.order_by("-published_at", "-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = ""
    if more and rows and rows[-1].published_at is not None:
        raw = json.dumps({"t": rows[-1].published_at.isoformat(), "i": rows[-1].pk}).encode()
        next_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return ProtocolsPage(rows=[row_of(protocol) for protocol in rows], next_cursor=next_cursor)


def row_of(protocol: Protocol) -> ProtocolRow:
    return ProtocolRow(
        protocol=protocol, supplier_name=supplier_name_of(protocol), matter=matter_of(protocol)
    )


def published_protocol(pk: int) -> ProtocolRow:
    """A published protocol with the supplier and matter it decides; ``Protocol.DoesNotExist``
    before publication."""
    return row_of(published_protocols().select_related(*ROW_RELATIONS).get(pk=pk))


def signatures_of(protocol: Protocol) -> list[ProtocolSignature]:
    """Each signature of the protocol's PDF with what verification established."""
    return list(
        protocol.signatures.select_related("signature", "signer").order_by(
            "signature__signing_time", "pk"
        )
    )
