"""SUP-3: a fact a state system reports (a psychiatric dispensary registration, an ended IE
registration, a tax debt, a liquidation) is the state's: the supplier cannot replace it with its
own entry or an uploaded "proof", only ask the state systems again. Self-entry is for what the
state systems do not have."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal.editions import Offer, SupplierKind
from suppliers import selectors, services
from suppliers.models import DocType, Section, SuppliedStateItem
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    CONFIRMING_ANSWERS,
    ApplicationFactory,
    SupplierFactory,
    confirm_state_data,
    pdf_bytes,
    private_media,
    representative,
    state_record,
)
from tests.suppliers.test_views import accept_offer_without_signature, sign_in_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("SUP-3")]

DEMO_SANDBOX = Path(__file__).resolve().parents[2] / "egov_gateway" / "sandbox" / "demo"
REGISTERED = "no_psychiatric_registration"


def assistant_reported_at_dispensary():
    """An individual assistant whose dispensary registration the health registry reports, and
    who entered its legal address itself before the state answered about it."""
    supplier = SupplierFactory(kind=SupplierKind.INDIVIDUAL_ASSISTANT)
    user = representative(supplier)
    application = ApplicationFactory(
        supplier=supplier, offers=[Offer.INDIVIDUAL_ASSISTANT], created_by=user
    )
    confirm_state_data(supplier, skip=("psychiatric",))
    state_record(
        supplier.identifier, "psychiatric", data={"iin": supplier.identifier, "is_registered": True}
    )
    SuppliedStateItem.objects.create(
        application=application, item_code="full_name", value="Earlier entry", entered_by=user
    )
    return application, user


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("справка.pdf", pdf_bytes(), content_type="application/pdf")


def test_a_reported_dispensary_registration_is_shown_as_the_states_and_asks_for_nothing():
    application, _user = assistant_reported_at_dispensary()

    rows = {row.code: row for row in selectors.state_data_rows(application)}

    row = rows[REGISTERED]
    assert row.reported and not row.confirmed
    assert not row.needs_proof, "no self-entry for a fact the state reports"
    assert row.value  # the state's answer is shown
    assert REGISTERED not in {r.item_code for r in selectors.document_requirements(application)}
    assert REGISTERED in selectors.state_reported_facts(application)


def test_an_entry_over_a_reported_fact_is_refused_and_nothing_saved_is_lost():
    application, user = assistant_reported_at_dispensary()

    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        services.save_section(
            application=application,
            section=Section.STATE_DATA,
            data={"items": {REGISTERED: "not registered", "full_name": "Changed"}},
            user=user,
        )

    assert "state systems report this fact" in excinfo.value.message_dict[f"state-{REGISTERED}"][0]
    assert dict(application.supplied_state_items.values_list("item_code", "value")) == {
        "full_name": "Earlier entry"
    }


def test_a_proof_uploaded_against_a_reported_fact_is_refused():
    application, user = assistant_reported_at_dispensary()

    with pytest.raises(services.StateFactReported):
        services.add_document(
            application=application,
            uploaded_file=upload(),
            doc_type=DocType.PROOF_OF_DATA,
            user=user,
            item_code=REGISTERED,
        )

    assert not application.documents.exists()


def test_an_ended_entrepreneur_registration_cannot_be_overridden():
    supplier = SupplierFactory(kind=SupplierKind.INDIVIDUAL_ENTREPRENEUR)
    user = representative(supplier)
    application = ApplicationFactory(supplier=supplier, created_by=user)
    confirm_state_data(supplier, skip=("entrepreneurs",))
    ended = {**CONFIRMING_ANSWERS["entrepreneurs"](supplier.identifier), "ended_on": "2025-06-01"}
    state_record(supplier.identifier, "entrepreneurs", data=ended)

    row = {r.code: r for r in selectors.state_data_rows(application)}["entrepreneur_registration"]
    assert row.reported and not row.needs_proof
    with translation.override("en"):
        assert "01.06.2025" in selectors.state_value("entrepreneur_registration", ended)
    with pytest.raises(ValidationError):
        services.save_section(
            application=application,
            section=Section.STATE_DATA,
            data={"items": {"entrepreneur_registration": "Active since 2018"}},
            user=user,
        )
    with pytest.raises(services.StateFactReported):
        services.add_document(
            application=application,
            uploaded_file=upload(),
            doc_type=DocType.PROOF_OF_DATA,
            user=user,
            item_code="entrepreneur_registration",
        )


@pytest.mark.parametrize(
    ("code", "source", "answer"),
    [
        ("no_debts", "tax_debts", {"tax_debt": "125000.00", "social_contribution_debt": "0"}),
        (
            "not_bankrupt_or_liquidated",
            "gbd_ul",
            {"liquidated_on": "2025-02-01"},
        ),
    ],
)
def test_a_reported_debt_or_liquidation_cannot_be_overridden_by_a_proof(code, source, answer):
    supplier = SupplierFactory(kind=SupplierKind.LEGAL_ENTITY)
    user = representative(supplier)
    application = ApplicationFactory(supplier=supplier, edition_code="2020", created_by=user)
    confirm_state_data(supplier, edition_code="2020", skip=(source,))
    state_record(
        supplier.identifier,
        source,
        data={**CONFIRMING_ANSWERS[source](supplier.identifier), **answer},
    )

    assert code in selectors.state_reported_facts(application)
    with pytest.raises(services.StateFactReported):
        services.add_document(
            application=application,
            uploaded_file=upload(),
            doc_type=DocType.PROOF_OF_DATA,
            user=user,
            item_code=code,
        )


def test_a_forged_post_over_a_reported_fact_is_refused_with_a_message_and_keeps_the_rest(client):
    application, user = assistant_reported_at_dispensary()
    accept_offer_without_signature(application.supplier, user)
    sign_in_for(client, application.supplier, user)
    url = reverse("suppliers:section", args=[Section.STATE_DATA])
    page = client.get(url).content.decode()
    assert f'id="id_state-{REGISTERED}"' in page  # the row, shown read-only
    assert f'name="state-{REGISTERED}"' not in page, "no field to type over it"

    response = client.post(
        url,
        {
            "action": "continue",
            f"state-{REGISTERED}": "Не состоит на учёте",
            f"proof-{REGISTERED}-doc_type": DocType.PROOF_OF_DATA,
            f"proof-{REGISTERED}-file": upload(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "The state systems report this fact" in response.content.decode()
    assert not application.documents.exists()
    assert dict(application.supplied_state_items.values_list("item_code", "value")) == {
        "full_name": "Earlier entry"
    }


def test_the_supplier_can_only_request_the_reported_fact_again(settings, tmp_path):
    application, user = assistant_reported_at_dispensary()
    supplier = application.supplier
    accept_offer_without_signature(supplier, user)
    directory = tmp_path / "sandbox"
    shutil.copytree(DEMO_SANDBOX, directory)
    for source in ("gbd_fl", "psychiatric"):
        path = directory / f"{source}.json"
        content = json.loads(path.read_text(encoding="utf-8"))
        content["records"][supplier.identifier] = CONFIRMING_ANSWERS[source](supplier.identifier)
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(directory)

    services.refresh_state_data(supplier=supplier, user=user)

    row = {r.code: r for r in selectors.state_data_rows(application)}[REGISTERED]
    assert row.confirmed and not row.reported
