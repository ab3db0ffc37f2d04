"""SUP-7: Annex 1 as the seeds write it. The name and the legal address are the state-certified
ones where a state system gave them (the supplier does not retype them); the 2020 form prints
the state registration number of its identifier line; neither form adds a box the seed lacks."""

from __future__ import annotations

import re

import pytest

from egov_gateway.models import StateRecord
from egov_gateway.sources import gbd_fl, gbd_ul
from suppliers.annex import render_annex1
from suppliers.models import SuppliedStateItem, Supplier
from tests.factories import UserFactory
from tests.suppliers.test_annex1_pdf import (
    ASSISTANT_IIN,
    COMPANY_BIN,
    COMPANY_FULL_NAME_KK,
    COMPANY_FULL_NAME_RU,
    ON,
    assistant_application,
    legal_entity_application,
    pdf_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.req("SUP-7")]

TYPED = "Retyped Name LLP"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


BOXES = re.compile("[☐☒]")


def retyped(application):
    Supplier.objects.filter(pk=application.supplier_id).update(name=TYPED)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(
    ("language", "name"), [("ru", COMPANY_FULL_NAME_RU), ("kk", COMPANY_FULL_NAME_KK)]
)
def test_the_name_on_the_form_is_the_state_certified_one(language, name):
    application = retyped(legal_entity_application())

    text = pdf_text(render_annex1(application, language=language, on=ON))

    assert name in text
    assert TYPED not in text


def test_an_individual_assistants_name_and_address_come_from_the_state():
    application = retyped(assistant_application())
    SuppliedStateItem.objects.create(
        application=application,
        item_code="legal_address",
        value="typed over: г. Алматы",
        entered_by=UserFactory(),
    )

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert "Әбдіғалиева Гүлнұр Қайратқызы (полное наименование или фамилия" in text
    assert "Юридический адрес Астана қ., Сарыарқа ауданы, Сарыарқа д-лы, 7" in text
    assert TYPED not in text and "typed over" not in text


def test_where_no_state_system_gave_them_the_entered_name_and_address_are_printed():
    application = retyped(assistant_application())
    StateRecord.objects.filter(identifier=ASSISTANT_IIN, source=gbd_fl.NAME).update(
        found=False, data={}
    )
    user = UserFactory()
    for code, value in (("full_name", "Entered Person Name"), ("legal_address", "г. Астана, 1")):
        SuppliedStateItem.objects.create(
            application=application, item_code=code, value=value, entered_by=user
        )

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert "Entered Person Name (полное наименование" in text
    assert "Юридический адрес г. Астана, 1" in text


@pytest.mark.parametrize(
    ("language", "caption"),
    [("kk", "(БСН, ЖСН, мемлекеттік тіркеу нөмірі)"), ("ru", "(БИН, ИИН, номер государственной")],
)
def test_the_2020_form_prints_the_state_registration_number_line(language, caption):
    application = legal_entity_application(edition_code="2020")

    text = pdf_text(render_annex1(application, language=language, on=ON))

    assert f"{COMPANY_BIN}, № 38417-1901-ТОО 01.04.2010 {caption}" in text


def test_the_2022_form_keeps_the_bin_alone_as_its_caption_says():
    application = legal_entity_application()

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert f"{COMPANY_BIN} (БИН или ИИН)" in text
    assert "38417-1901-ТОО" not in text


@pytest.mark.parametrize(
    ("edition_code", "boxes"),
    [("2022", 2), ("2020", 0)],  # 2022: only the yes/no of the consent to publication
)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_form_adds_a_box_the_seed_does_not_have(edition_code, boxes, language):
    application = legal_entity_application(edition_code=edition_code)

    text = pdf_text(render_annex1(application, language=language, on=ON))

    assert len(BOXES.findall(text)) == boxes


def test_a_state_record_without_a_name_falls_back_to_what_the_state_lacks():
    application = retyped(legal_entity_application())
    StateRecord.objects.filter(identifier=COMPANY_BIN, source=gbd_ul.NAME).update(
        found=False, data={}
    )

    text = pdf_text(render_annex1(application, language="ru", on=ON))

    assert TYPED in text  # nothing certified and nothing entered: the name it started with
