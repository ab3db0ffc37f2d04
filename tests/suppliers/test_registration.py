"""SUP-8: the application goes to the commission of the region of the supplier's registered (legal)
address, not a region it picks; and the edition that governs it is the one in force on the day
it is signed and filed, not the day its draft was started."""

# ruff: noqa: F811 (the fixtures of test_services are imported, then asked for by name)
from __future__ import annotations

import datetime
import hashlib
import inspect
import io
import json

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from portal.calendar import ALMATY
from portal.editions import EDITION_2020, EDITION_2022, Offer, SupplierKind
from portal.models import Region
from suppliers import forms, selectors, services
from suppliers.models import Application, Section
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    ApplicationFactory,
    SupplierFactory,
    complete_application,
    confirm_state_data,
    private_media,
    representative,
    state_record,
)
from tests.suppliers.test_services import (  # noqa: F401 (fixtures)
    accepted,
    astana,
    pki,
    sandbox,
    sign,
    started_orthopedia,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.req("SUP-8"),
    pytest.mark.usefixtures("reference_rows"),
]

ALMATY_CITY, ALMATY_OBLAST, KARAGANDA = "750000000", "190000000", "350000000"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize(
    ("address", "kato"),
    [
        ("г. Астана, район Есиль, проспект Мәңгілік Ел, дом 20", "710000000"),
        ("Астана қ., Сарыарқа ауданы, Сарыарқа д-лы, 7", "710000000"),
        ("г. Алматы, Медеуский район, улица Горная, дом 548", ALMATY_CITY),
        ("Алматинская область, г. Конаев, улица Абая, 1", ALMATY_OBLAST),
        ("Алматы облысы, Қонаев қ., Абай к-сі, 1", ALMATY_OBLAST),
        ("Карагандинская обл., г. Караганда, ул. Ерубаева, 1", KARAGANDA),
        ("область Абай, г. Семей, ул. Шакарима, 3", "100000000"),
        ("г. Шымкент, ул. Астана, 5", "790000000"),
        ("ул. Ленина, 5", None),
    ],
)
def test_the_region_is_read_from_the_legal_address(address, kato):
    region = selectors.region_of_address(address)

    assert (region.kato if region else None) == kato


def test_the_region_is_not_a_choice_of_the_start_form_nor_of_the_service():
    assert "region" not in forms.StartForm(kinds=["legal_entity"], edition=EDITION_2022).fields
    assert "region" not in inspect.signature(services.start_as_supplier).parameters


def test_the_application_goes_to_the_region_of_the_state_registered_address(pki, sandbox, astana):
    path = sandbox / "gbd_ul.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    content["records"][ORTHOPEDIA_BIN].update(
        legal_address="г. Алматы, Медеуский район, улица Горная, дом 1",
        actual_address="г. Астана, ул. Тестовая, 1",
    )
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    head, supplier = started_orthopedia(astana)
    assert supplier.region is None, "nothing is known before the state data arrives"

    accepted(pki, supplier, head)
    supplier.refresh_from_db()
    assert supplier.region.kato == ALMATY_CITY  # the registered address, not the actual one
    draft = services.start_application(supplier=supplier, user=head, language="ru")
    application = complete_application(application=draft, user=head)  # its records: Astana
    services.refresh_state_data(supplier=supplier, user=head)  # the state's latest: Almaty
    annex = services.prepare_annex(application=application, language="ru", user=head)
    submitted = services.submit_application(
        application=application,
        annex=annex,
        user=head,
        cms=sign(pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
    )

    assert submitted.region.kato == ALMATY_CITY


def entered_address_assistant():
    """An individual assistant the state database of natural persons does not know."""
    supplier = SupplierFactory(kind=SupplierKind.INDIVIDUAL_ASSISTANT)
    user = representative(supplier)
    application = ApplicationFactory(
        supplier=supplier, offers=[Offer.INDIVIDUAL_ASSISTANT], created_by=user
    )
    confirm_state_data(supplier, skip=("gbd_fl",))
    state_record(supplier.identifier, "gbd_fl", found=False)
    return application, user


def test_where_no_state_system_has_it_the_entered_legal_address_decides():
    application, user = entered_address_assistant()
    assert application.supplier.region.kato != KARAGANDA

    services.save_section(
        application=application,
        section=Section.STATE_DATA,
        data={"items": {"legal_address": "Карагандинская область, г. Караганда, ул. Ерубаева, 1"}},
        user=user,
    )

    application.supplier.refresh_from_db()
    assert application.supplier.region.kato == KARAGANDA
    assert selectors.registered_region(application.supplier).kato == KARAGANDA


def test_an_entered_legal_address_without_its_region_is_reported_by_the_check():
    application, user = entered_address_assistant()

    services.save_section(
        application=application,
        section=Section.STATE_DATA,
        data={"items": {"legal_address": "ул. Ленина, 5"}},
        user=user,
    )

    with translation.override("en"):
        problems = [
            str(p)
            for p in selectors.completeness_problems(application)
            if p.field_id == "id_state-legal_address"
        ]
    assert problems and "cannot be told from the legal address" in problems[0]


def test_the_edition_is_the_one_in_force_on_the_day_of_filing():
    boundary = EDITION_2022.effective_from
    last_evening = datetime.datetime.combine(
        boundary - datetime.timedelta(days=1), datetime.time(23, 59), tzinfo=ALMATY
    )
    first_morning = datetime.datetime.combine(boundary, datetime.time(0, 1), tzinfo=ALMATY)

    assert selectors.filing_edition(filed_at=last_evening) is EDITION_2020
    assert selectors.filing_edition(filed_at=first_morning) is EDITION_2022


def test_a_draft_started_under_2020_and_formed_on_the_first_day_of_2022_is_rechecked(
    monkeypatch,
):
    boundary = EDITION_2022.effective_from
    started = datetime.datetime.combine(
        boundary - datetime.timedelta(days=1), datetime.time(18, 0), tzinfo=ALMATY
    )
    application = complete_application(edition_code="2020")
    Application.objects.filter(pk=application.pk).update(created_at=started)
    application.refresh_from_db()
    assert application.edition is EDITION_2020
    filed = datetime.datetime.combine(boundary, datetime.time(9, 0), tzinfo=ALMATY)
    monkeypatch.setattr(timezone, "now", lambda: filed)

    annex = services.prepare_annex(application=application, language="ru")

    application.refresh_from_db()
    assert application.edition is EDITION_2022
    assert "Заявление на допуск и регистрацию" in pdf_text(bytes(annex.pdf)), "the 2022 form"


def test_a_form_signed_under_the_old_edition_is_refused_and_the_draft_moves_to_the_new_one(
    pki, sandbox, astana, settings
):
    settings.RULES_EDITION = "2020"
    head, supplier = started_orthopedia(astana)
    accepted(pki, supplier, head)
    draft = services.start_application(supplier=supplier, user=head, language="ru")
    application = complete_application(application=draft, user=head)
    old_annex = services.prepare_annex(application=application, language="ru", user=head)
    assert application.edition is EDITION_2020
    settings.RULES_EDITION = ""  # the day of filing falls under edition 2022

    with pytest.raises(services.EditionChanged):
        services.submit_application(
            application=application,
            annex=old_annex,
            user=head,
            cms=sign(pki, HEAD_IIN, bytes(old_annex.pdf), ORTHOPEDIA_BIN),
        )

    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.edition is EDITION_2022
    assert application.revision != old_annex.revision, "the old form can no longer be signed"
    assert selectors.completeness_problems(application) == []  # re-checked under 2022
    annex = services.prepare_annex(application=application, language="ru", user=head)
    submitted = services.submit_application(
        application=application,
        annex=annex,
        user=head,
        cms=sign(pki, HEAD_IIN, bytes(annex.pdf), ORTHOPEDIA_BIN),
    )
    assert submitted.edition is EDITION_2022
    assert submitted.review_due == EDITION_2022.decision_due(timezone.localdate(timezone=ALMATY))
    assert hashlib.sha256(bytes(annex.pdf)).hexdigest() == annex.sha256
    assert Region.objects.get(pk=submitted.region_id).kato == "710000000"
