"""Exits from the registers (REG-2, REG-3; 2022 p.23, 2020 p.19): a deregistered supplier's open
entries are closed with the exit day, the ground and the protocol, and so move to the register of
deregistered suppliers/specialists, which is the closed entries themselves."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse

from registers.models import RegisterEntry


class ExitRefused(ValueError):
    """An entry cannot be closed on the day asked for (before its admission)."""


def published_protocol_url(protocol: Any) -> str:
    """The public address of ``protocol`` (the PDF at /protocols/<pk>/) once it is published;
    "" for none, or for a protocol not (yet) published, whose address would answer 404."""
    if protocol is None or getattr(protocol, "published_at", None) is None:
        return ""
    return reverse("protocols:published", args=[protocol.pk])


def close_open_entries(
    *,
    supplier_id: int,
    on: datetime.date,
    ground: str,
    protocol: str,
    published_protocol: Any = None,
) -> list[RegisterEntry]:
    """Close every open register entry of the supplier on day ``on`` with ``ground`` (a ground
    code of the edition) and ``protocol`` (the protocol's label, or the act of an automatic
    deregistration); returns the entries closed, none if the supplier is in no register.

    ``published_protocol`` is the commission's protocol of the decision, when there is one: once
    published, the entries link its public address, so the register of deregistered suppliers
    shows the protocol itself (REG-3; 2022 p.23). An automatic deregistration has none.

    Runs in the caller's transaction (the deregistration service's) and locks the entries, so a
    concurrent closing of the same supplier waits and then finds nothing open.
    """
    url = published_protocol_url(published_protocol)
    with transaction.atomic():
        entries = list(
            RegisterEntry.objects.select_for_update()
            .filter(supplier_id=supplier_id, deregistered_on__isnull=True)
            .order_by("pk")
        )
        for entry in entries:
            if on < entry.admitted_on:
                raise ExitRefused(
                    f"Entry {entry.pk} was admitted on {entry.admitted_on:%d.%m.%Y}; it cannot "
                    f"be closed on {on:%d.%m.%Y}."
                )
            entry.deregistered_on = on
            entry.deregistration_ground = ground
            entry.deregistration_protocol = protocol[:100]
            entry.deregistration_protocol_url = url
            entry.save(
                update_fields=[
                    "deregistered_on",
                    "deregistration_ground",
                    "deregistration_protocol",
                    "deregistration_protocol_url",
                ]
            )
    return entries


def open_entries(*, supplier_id: int) -> list[RegisterEntry]:
    """The supplier's entries still open (its registers today)."""
    return list(RegisterEntry.objects.filter(supplier_id=supplier_id, deregistered_on__isnull=True))
