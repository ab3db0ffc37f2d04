"""Register entries as approval leaves them: a supplier, its approved application with what it
offers, where and its contacts, and the entry in a register (REG-1), made through the model so
the database fills the copies (name, BIN/IIN, kinds, consent) by its trigger."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portal.editions import SupplierKind
from portal.models import ClassifierItem, Region
from registers.models import RegisterEntry
from suppliers.models import Application, Offering, ServiceAddress
from tests.suppliers.factories import ApplicationFactory, SupplierFactory

ASTANA = "710000000"
ALMATY = "750000000"


def region(kato: str = ASTANA) -> Region:
    return Region.objects.get(kato=kato)


def make_entry(
    *,
    name: str = "Supplier",
    register: str = "technical_aids",
    kato: str = ASTANA,
    consent: bool | None = True,
    edition_code: str = "2022",
    kinds: tuple[str, ...] = ("G01.02",),
    admitted_on: datetime.date = datetime.date(2025, 3, 1),
    deregistered_on: datetime.date | None = None,
    ground: str = "",
    supplier=None,
    kind: str = SupplierKind.LEGAL_ENTITY,
    protocol_url: str = "/protocols/1/",
) -> RegisterEntry:
    place = region(kato)
    supplier = supplier or SupplierFactory(name=name, region=place, kind=kind)
    application = ApplicationFactory(
        supplier=supplier,
        status=Application.Status.APPROVED,
        edition_code=edition_code,
        region=place,
        consent_publication=consent,
        phone="+77172123456",
        email="sales@supplier.example",
        decision_protocol=f"№ 7/2025 ({admitted_on:%d.%m.%Y})",
        decision_protocol_url=protocol_url,
    )
    for code in kinds:
        Offering.objects.create(
            application=application,
            classifier_item=ClassifierItem.objects.get(code=code),
            characteristics="Titanium, adjustable",
            price=Decimal("450000.00"),
            unit="piece",
        )
    ServiceAddress.objects.create(
        application=application,
        region=place,
        settlement="Astana",
        street="Mangilik El",
        building="8",
    )
    entry = RegisterEntry.objects.create(
        supplier=supplier,
        register=register,
        edition_code=edition_code,
        region=place,
        application=application,
        admitted_on=admitted_on,
        admission_protocol=f"№ 7/2025 ({admitted_on:%d.%m.%Y})",
        deregistered_on=deregistered_on,
        deregistration_protocol="№ 9/2025 (01.06.2025)" if deregistered_on else "",
        deregistration_protocol_url="/protocols/2/" if deregistered_on else "",
        deregistration_ground=ground,
    )
    entry.refresh_from_db()  # the copies the database filled in
    return entry
