"""Factories and builders of the supplier cabinet's tests.

``private_media`` (autouse where imported) points ``PRIVATE_MEDIA_ROOT`` at a temporary folder.
``complete_application(...)`` builds an application that passes the completeness check for a
kind of supplier and its offers, with state records that confirm the state data, so a test can
break exactly one thing and see the check name it.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import factory
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from egov_gateway.coverage import holder_of, sources_for
from egov_gateway.models import StateRecord
from portal.editions import Offer, SupplierKind, edition_by_code
from portal.models import ClassifierItem, Role
from suppliers.models import (
    Application,
    DocType,
    Offering,
    ServiceAddress,
    Specialist,
    Supplier,
    SupportingDocument,
)
from suppliers.selectors import document_requirements
from tests.factories import (
    RegionFactory,
    RoleAssignmentFactory,
    UserFactory,
    bin_from_sequence,
    iin_from_sequence,
)

# The people of the test PKI (egov_gateway.eds.testpki.TEST_PEOPLE).
PERSON_IIN = "900101300017"  # an individual: own key only
HEAD_IIN = "770303300016"  # head of ORTHOPEDIA_BIN
RIGHT_TO_SIGN_IIN = "881111400014"  # a person with the right to sign for ORTHOPEDIA_BIN
ORTHOPEDIA_BIN = "100440000014"
EMPLOYEE_IIN = "920909400011"  # an ordinary employee of SECOND_BIN
SECOND_BIN = "090540000013"

ASTANA_KATO = "710000000"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier

    kind = SupplierKind.LEGAL_ENTITY
    identifier = factory.LazyAttributeSequence(
        lambda o, n: (
            bin_from_sequence(5000 + n)
            if o.kind == SupplierKind.LEGAL_ENTITY
            else iin_from_sequence(50_000 + n)
        )
    )
    name = factory.LazyAttribute(lambda o: f"Supplier {o.identifier}")
    region = factory.LazyFunction(lambda: RegionFactory(kato=ASTANA_KATO))


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    supplier = factory.SubFactory(SupplierFactory)
    edition_code = "2022"
    region = factory.LazyAttribute(lambda o: o.supplier.region)
    offers = factory.LazyFunction(lambda: [Offer.TECHNICAL_AIDS])


def representative(supplier: Supplier, *, iin: str | None = None, **extra):
    """A person who acts for ``supplier``: for a legal entity, a holder of the supplier role for
    its BIN; for a natural person, the IIN holder with the supplier role."""
    if supplier.kind == SupplierKind.LEGAL_ENTITY:
        user = UserFactory(iin=iin, **extra) if iin else UserFactory(**extra)
        RoleAssignmentFactory(user=user, role=Role.SUPPLIER, organisation_bin=supplier.identifier)
    else:
        from portal.models import User

        user = User.objects.filter(iin=supplier.identifier).first() or UserFactory(
            iin=supplier.identifier, **extra
        )
        RoleAssignmentFactory(user=user, role=Role.SUPPLIER, organisation_bin="")
    return user


# --- state data ---

# Answers of each source that confirm every item it holds (shaped like the sources' data()).
CONFIRMING_ANSWERS = {
    "gbd_ul": lambda identifier: {
        "bin": identifier,
        "full_name_kk": "«Тест» ЖШС",
        "full_name_ru": "ТОО «Тест»",
        "short_name_kk": "«Тест» ЖШС",
        "short_name_ru": "ТОО «Тест»",
        "legal_address": "г. Астана, ул. Тестовая, 1",
        "head_full_name": "Басшы Ерлан Серікұлы",
        "head_iin": HEAD_IIN,
        "founders": [{"full_name": "Басшы Ерлан", "identifier": HEAD_IIN, "citizenship": "KZ"}],
        "activities": [{"oked": "47741", "name_ru": "Торговля", "name_kk": "Сауда"}],
        "ownership_form": "Частная",
        "formation_method": "Вновь созданное",
        "registered_on": "2010-04-01",
        "liquidated_on": None,
    },
    "gbd_fl": lambda identifier: {
        "iin": identifier,
        "surname": "Тестов",
        "first_name": "Алихан",
        "patronymic": "Ерланұлы",
        "birth_date": "1990-01-01",
        "legal_address": "г. Астана, ул. Тестовая, 2",
        "deceased_on": None,
        "is_deceased": False,
    },
    "real_estate": lambda identifier: {
        "rights": [
            {
                "cadastral_number": "21-320-001-001",
                "address": "г. Астана, ул. Тестовая, 1",
                "kind": "ownership",
                "registered_on": "2015-01-01",
                "valid_until": None,
            }
        ]
    },
    "entrepreneurs": lambda identifier: {
        "iin": identifier,
        "trade_name": "ИП «Тест»",
        "legal_address": "г. Астана",
        "registered_on": "2018-05-05",
        "ended_on": None,
    },
    "psychiatric": lambda identifier: {"iin": identifier, "is_registered": False},
    "tax_debts": lambda identifier: {
        "tax_debt": "0.00",
        "social_contribution_debt": "0.00",
        "as_of": "2025-01-01",
    },
}
# Sources whose "no record" is the good answer (a register of the unscrupulous).
ABSENCE_IS_GOOD = {"rnu"}


def state_record(identifier: str, source: str, *, found: bool = True, data: dict | None = None):
    return StateRecord.objects.create(
        identifier=identifier,
        source=source,
        fetched_at=timezone.now(),
        found=found,
        data=data if data is not None else {},
        raw="{}",
    )


def confirm_state_data(supplier: Supplier, *, edition_code: str = "2022", skip=()) -> None:
    """State records of every source asked about ``supplier`` that confirm all its items."""
    edition = edition_by_code(edition_code)
    for source in sources_for(supplier_kind=supplier.kind, edition=edition):
        if source in skip:
            continue
        if source in ABSENCE_IS_GOOD:
            state_record(supplier.identifier, source, found=False)
        else:
            state_record(
                supplier.identifier, source, data=CONFIRMING_ANSWERS[source](supplier.identifier)
            )


# --- a complete application ---


def goods_item() -> ClassifierItem:
    return ClassifierItem.objects.get(code="G01.02")


def service_item(offer: str) -> ClassifierItem:
    code = {
        Offer.INDIVIDUAL_ASSISTANT: "S01",
        Offer.SIGN_LANGUAGE: "S02",
        Offer.SANATORIUM: "S03",
        Offer.SPECIAL_SOCIAL_SERVICES: "S04.01",
    }[offer]
    return ClassifierItem.objects.get(code=code)


def add_document(
    application: Application,
    doc_type: str,
    *,
    item_code: str = "",
    expires_on: datetime.date | None = None,
    uploaded_by=None,
) -> SupportingDocument:
    """A stored PDF document, as ``services.add_document`` would leave it."""
    content = pdf_bytes()
    document = SupportingDocument(
        application=application,
        doc_type=doc_type,
        item_code=item_code,
        original_name=f"{doc_type}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        expires_on=expires_on,
        uploaded_by=uploaded_by or application.created_by or UserFactory(),
    )
    document.file.save("upload.pdf", ContentFile(content), save=False)
    document.save()
    return document


def complete_application(
    *,
    kind: str = SupplierKind.LEGAL_ENTITY,
    offers: tuple[str, ...] = (Offer.TECHNICAL_AIDS,),
    edition_code: str = "2022",
    supplier: Supplier | None = None,
    user=None,
    application: Application | None = None,
) -> Application:
    """An application that passes the completeness check (SUP-6); ``application`` fills in a
    draft that exists (e.g. one opened by ``services.start_application``)."""
    if application is not None:
        supplier, edition_code = application.supplier, application.edition_code
    supplier = supplier or SupplierFactory(kind=kind)
    user = user or representative(supplier)
    values = {
        "offers": list(offers),
        "mobile_phone": "+77011234567",
        "email": "supplier@test.example",
        "phone": "+77172123456",
        "iban": "KZ86125KZT5004100100",
        "bic": "NBRKKZKX",
        "bank_name": "Test bank",
        "consent_personal_data": True,
        "consent_publication": True,
        "department_type": "residential",
        "department_kind": "for adults",
        "department_name": "Department No. 1",
        "department_premises_owned": False,
        "places_count": 20,
    }
    if application is None:
        application = ApplicationFactory(
            supplier=supplier, edition_code=edition_code, created_by=user, **values
        )
    else:
        Application.objects.filter(pk=application.pk).update(**values)
        application.refresh_from_db()
    confirm_state_data(supplier, edition_code=edition_code)
    for offer in offers:
        item = goods_item() if offer == Offer.TECHNICAL_AIDS else service_item(offer)
        Offering.objects.create(
            application=application,
            classifier_item=item,
            characteristics="Modular, titanium, adjustable",
            price=Decimal("450000.00"),
            unit="piece",
            # Sanatorium-resort treatment counts among the goods of edition 2020 (p.2(1), p.5(2)).
            stock_quantity=5
            if item.kind == ClassifierItem.Kind.GOODS or offer == Offer.SANATORIUM
            else None,
        )
    ServiceAddress.objects.create(
        application=application,
        region=supplier.region,
        settlement="Astana",
        street="Mangilik El",
        building="20",
    )
    Specialist.objects.create(
        application=application,
        full_name="Тестова Айгерім",
        position="Specialist",
        education="Higher",
        qualification="Sign language",
        experience_years=5,
    )
    certificates = {DocType.CONFORMITY_CERTIFICATE, DocType.MEDICAL_DEVICE_REGISTRATION}
    for requirement in document_requirements(application):
        # The certificates of edition 2020 are not needed to submit, but a complete supplier
        # has them (no finding, E20-2).
        if requirement.required or requirement.doc_type in certificates:
            add_document(
                application,
                requirement.doc_type,
                item_code=requirement.item_code,
                uploaded_by=user,
            )
    return application


def add_rows(application: Application, rows: int) -> None:
    """Grow the application to ``rows`` offerings (goods and special social services, alternating),
    addresses and specialists, all complete (the pages' query tests and ``bench/pages.py``)."""
    goods, service = goods_item(), service_item(Offer.SPECIAL_SOCIAL_SERVICES)
    Offering.objects.bulk_create(
        Offering(
            application=application,
            classifier_item=goods if n % 2 else service,
            characteristics=f"Characteristics {n}",
            price=Decimal("1000.00") + n,
            unit="piece",
            stock_quantity=n,
        )
        for n in range(application.offerings.count(), rows)
    )
    ServiceAddress.objects.bulk_create(
        ServiceAddress(
            application=application,
            region=application.supplier.region,
            settlement="Astana",
            street=f"Street {n}",
            building=str(n),
        )
        for n in range(application.addresses.count(), rows)
    )
    Specialist.objects.bulk_create(
        Specialist(
            application=application,
            full_name=f"Specialist {n}",
            position="Teacher",
            education="Higher",
            qualification="Sign language",
            experience_years=3,
        )
        for n in range(application.specialists.count(), rows)
    )


__all__ = [
    "ApplicationFactory",
    "DocType",
    "SupplierFactory",
    "add_document",
    "add_rows",
    "complete_application",
    "confirm_state_data",
    "holder_of",
    "private_media",
    "representative",
    "state_record",
]
