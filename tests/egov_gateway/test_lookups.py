"""State data for the supplier cabinet: what is fetched for whom, kept with provenance (SUP-3)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from egov_gateway.coverage import sources_for
from egov_gateway.models import StateRecord
from egov_gateway.selectors import current_state_data, state_confirmed_items
from egov_gateway.services import fetch_state_data
from portal.editions import edition_by_code

pytestmark = [pytest.mark.req("SUP-3"), pytest.mark.django_db]

LEGAL_ENTITY, ENTREPRENEUR, ASSISTANT = "090440023188", "850111418247", "880930324194"


def test_the_2022_edition_asks_each_kind_of_supplier_what_item_6_lists():
    edition = edition_by_code("2022")

    assert sources_for(supplier_kind="legal_entity", edition=edition) == ("gbd_ul", "real_estate")
    assert sources_for(supplier_kind="individual_entrepreneur", edition=edition) == (
        "gbd_fl",
        "entrepreneurs",
    )
    assert sources_for(supplier_kind="individual_assistant", edition=edition) == (
        "gbd_fl",
        "psychiatric",
    )


@pytest.mark.req("E20-2")
def test_the_2020_edition_also_asks_about_debts_and_the_procurement_register():
    edition = edition_by_code("2020")

    assert sources_for(supplier_kind="legal_entity", edition=edition) == (
        "gbd_ul",
        "real_estate",
        "tax_debts",
        "rnu",
    )


def test_legal_entity_data_arrives_with_its_provenance(sandbox, user_factory):
    supplier = user_factory()

    result = fetch_state_data(
        identifier=LEGAL_ENTITY,
        supplier_kind="legal_entity",
        requested_by=supplier,
        edition=edition_by_code("2022"),
    )

    assert result.complete
    entity = result.records["gbd_ul"]
    assert entity.found and entity.requested_by == supplier
    assert entity.data["short_name_ru"] == "ТОО «Ортопедия Астана»"
    assert entity.data["head_full_name"] == "Каримов Асхат Нурланович"
    assert len(entity.data["founders"]) == 2
    assert json.loads(entity.raw)["bin"] == LEGAL_ENTITY  # the answer as received
    assert [r["kind"] for r in result.records["real_estate"].data["rights"]] == [
        "Собственность",
        "Аренда",
    ]


def test_an_individual_assistant_gets_name_address_and_psychiatric_registration(sandbox):
    result = fetch_state_data(
        identifier=ASSISTANT,
        supplier_kind="individual_assistant",
        edition=edition_by_code("2022"),
    )

    assert result.records["gbd_fl"].data["surname"] == "Досов"
    assert result.records["psychiatric"].data == {"iin": ASSISTANT, "is_registered": False}


def test_what_the_state_does_not_know_is_recorded_as_no_record(sandbox):
    result = fetch_state_data(
        identifier="190540996036",
        supplier_kind="legal_entity",
        edition=edition_by_code("2022"),
    )

    record = result.records["gbd_ul"]
    assert record.found is False and record.data == {}


def test_a_refetch_adds_a_record_and_the_latest_answer_is_current(sandbox):
    fetch_state_data(identifier=ENTREPRENEUR, supplier_kind="individual_entrepreneur")
    ip = json.loads((sandbox / "entrepreneurs.json").read_text())
    ip["records"][ENTREPRENEUR]["trade_name"] = "ИП «Мейірім Плюс»"
    (sandbox / "entrepreneurs.json").write_text(json.dumps(ip, ensure_ascii=False))

    fetch_state_data(identifier=ENTREPRENEUR, supplier_kind="individual_entrepreneur")

    history = StateRecord.objects.filter(identifier=ENTREPRENEUR, source="entrepreneurs")
    assert history.count() == 2
    current = current_state_data(identifier=ENTREPRENEUR)
    assert current["entrepreneurs"].data["trade_name"] == "ИП «Мейірім Плюс»"
    assert set(current) >= {"gbd_fl", "entrepreneurs"}


@pytest.mark.req("SYNC-3")
def test_a_source_that_fails_stores_nothing_and_is_reported(soap_gateway):
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: (
        f"<Status><Code>002</Code></Status><Organization><BIN>{bin}</BIN></Organization>"
    )
    soap_gateway.services["RN_RightsByIINBIN"] = lambda bin: "<Rights/>"
    soap_gateway.slow_services = {"RN_RightsByIINBIN"}  # every try of real estate times out

    result = fetch_state_data(
        identifier=LEGAL_ENTITY,
        supplier_kind="legal_entity",
        edition=edition_by_code("2022"),
    )

    assert not result.complete
    assert set(result.records) == {"gbd_ul"}
    assert "real_estate" in result.failures
    assert not StateRecord.objects.filter(source="real_estate").exists()


def test_an_identifier_of_the_wrong_kind_is_refused(sandbox):
    with pytest.raises(ValidationError):
        fetch_state_data(identifier=ASSISTANT, supplier_kind="legal_entity")


@pytest.mark.req("SUP-5")
def test_items_the_state_confirms_need_no_proof(sandbox):
    edition = edition_by_code("2022")
    fetch_state_data(identifier=LEGAL_ENTITY, supplier_kind="legal_entity", edition=edition)
    fetch_state_data(identifier="151140077023", supplier_kind="legal_entity", edition=edition)
    rights = json.loads((sandbox / "real_estate.json").read_text())
    rights["records"]["151140077023"]["rights"] = []
    (sandbox / "real_estate.json").write_text(json.dumps(rights, ensure_ascii=False))
    fetch_state_data(identifier="151140077023", supplier_kind="legal_entity", edition=edition)

    with_premises = state_confirmed_items(
        identifier=LEGAL_ENTITY, supplier_kind="legal_entity", edition=edition
    )
    without_premises = state_confirmed_items(
        identifier="151140077023", supplier_kind="legal_entity", edition=edition
    )

    assert "real_estate_rights" in with_premises and "founders" in with_premises
    assert "real_estate_rights" not in without_premises  # the supplier uploads the title deed
    assert "head_full_name" in without_premises


@pytest.mark.req("SUP-5")
def test_a_psychiatric_registration_does_not_confirm_its_absence(sandbox):
    edition = edition_by_code("2022")
    answers = json.loads((sandbox / "psychiatric.json").read_text())
    answers["records"][ASSISTANT]["is_registered"] = True
    (sandbox / "psychiatric.json").write_text(json.dumps(answers))
    fetch_state_data(identifier=ASSISTANT, supplier_kind="individual_assistant", edition=edition)

    confirmed = state_confirmed_items(
        identifier=ASSISTANT, supplier_kind="individual_assistant", edition=edition
    )

    assert confirmed == {"legal_address", "full_name"}
