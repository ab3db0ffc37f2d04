"""The sandbox backend: its file format and the demo folder shipped for the demo users."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from egov_gateway.errors import MalformedAnswer, SourceNotConfigured
from egov_gateway.sources.registry import lookup_source
from portal.identifiers import is_valid_bin, is_valid_iin
from tests.egov_gateway.conftest import DEMO_SANDBOX

DEMO = json.loads(
    (Path(__file__).resolve().parents[2] / "portal" / "reference_data" / "demo.json").read_text()
)
SOURCES_OF = {
    "legal_entity": ("gbd_ul", "real_estate", "tax_debts"),
    "individual_entrepreneur": ("gbd_fl", "entrepreneurs", "tax_debts"),
    "individual_assistant": ("gbd_fl", "psychiatric", "tax_debts"),
}


@pytest.mark.req("SUP-3")
@pytest.mark.parametrize("supplier", DEMO["suppliers"], ids=lambda s: s["kind"])
def test_every_demo_supplier_has_state_data_in_the_sandbox(supplier, settings):
    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(DEMO_SANDBOX)
    identifier = supplier.get("organisation_bin") or supplier["iin"]

    answers = {
        name: lookup_source(name).lookup(identifier) for name in SOURCES_OF[supplier["kind"]]
    }

    assert all(answers.values()), answers
    if supplier["kind"] == "legal_entity":
        entity = answers["gbd_ul"]
        assert entity.short_name_ru == supplier["organisation_name"]
        assert (entity.head_iin, entity.head_full_name) == (supplier["iin"], supplier["full_name"])
        assert lookup_source("gbd_fl").lookup(supplier["iin"]).full_name == supplier["full_name"]
    else:
        assert answers["gbd_fl"].full_name == supplier["full_name"]
    if supplier["kind"] == "individual_entrepreneur":
        assert answers["entrepreneurs"].trade_name == supplier["organisation_name"]


def test_every_identifier_in_the_demo_sandbox_is_valid():
    for path in DEMO_SANDBOX.glob("*.json"):
        for identifier in json.loads(path.read_text())["records"]:
            assert is_valid_bin(identifier) or is_valid_iin(identifier), (path.name, identifier)
    for line in (DEMO_SANDBOX / "rnu.jsonl").read_text().splitlines():
        biin = json.loads(line)["supplier_biin"]
        assert not biin or is_valid_bin(biin) or is_valid_iin(biin)


@pytest.mark.req("SYNC-3")
def test_a_sandbox_record_with_an_unknown_field_is_malformed(sandbox):
    (sandbox / "psychiatric.json").write_text(
        '{"records": {"880930324194": {"iin": "880930324194", "is_registerd": false}}}'
    )

    with pytest.raises(MalformedAnswer, match="unknown fields"):
        lookup_source("psychiatric").lookup("880930324194")


@pytest.mark.req("SYNC-3")
def test_a_sandbox_file_that_is_not_json_is_malformed(sandbox):
    (sandbox / "gbd_fl.json").write_text('{"records": {')

    with pytest.raises(MalformedAnswer):
        lookup_source("gbd_fl").lookup("880930324194")


@pytest.mark.req("SYNC-3")
def test_a_missing_sandbox_file_is_a_failure_not_an_absence(sandbox):
    (sandbox / "tax_debts.json").unlink()

    with pytest.raises(SourceNotConfigured, match="no sandbox file"):
        lookup_source("tax_debts").lookup("090440023188")


def test_a_deployment_check_refuses_the_sandbox_backend(settings):
    from django.core.checks import run_checks

    settings.STATE_SOURCES_BACKEND = "sandbox"
    assert "egov_gateway.E001" in [e.id for e in run_checks(include_deployment_checks=True)]

    settings.STATE_SOURCES_BACKEND = "gateway"
    assert "egov_gateway.E001" not in [e.id for e in run_checks(include_deployment_checks=True)]
