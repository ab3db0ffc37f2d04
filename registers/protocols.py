"""Reads of the published protocols for the public (COM-7, DER-5; 2022 p.15, p.23): the list,
newest first by keyset, and one protocol with the signatures as the portal verified them
(signer, IIN, time, certificate serial)."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from commission.models import Protocol, ProtocolSignature

PAGE_SIZE = 25


def published_protocols() -> QuerySet[Protocol]:
    return Protocol.objects.filter(status=Protocol.Status.PUBLISHED).defer("pdf")


def last_publication() -> datetime.datetime | None:
    return published_protocols().aggregate(last=Max("published_at"))["last"]


@dataclass
class ProtocolsPage:
    rows: list[Protocol]
    next_cursor: str


def protocols_page(*, region: int | None = None, cursor: str = "") -> ProtocolsPage:
    protocols = published_protocols().select_related("commission__region")
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
    return ProtocolsPage(rows=rows, next_cursor=next_cursor)


def published_protocol(pk: int) -> Protocol:
    """``Protocol.DoesNotExist`` before publication."""
    return published_protocols().select_related("commission__region").get(pk=pk)


def signatures_of(protocol: Protocol) -> list[ProtocolSignature]:
    """Each signature of the protocol's PDF with what verification established."""
    return list(
        protocol.signatures.select_related("signature", "signer").order_by(
            "signature__signing_time", "pk"
        )
    )
