"""RDM-1, RDM-2, RDM-3, E20-9: whether a deregistered supplier may be admitted again is decided
in one place (deregistration.eligibility), by the ground: at once after grounds 1 and 2; after
the procurement registers only once the latest successful sync shows it removed; after
non-performance not before one year (2022) or never while in the deregistered register (2020);
a refused application never blocks a new one. The cabinet says why and from when."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from deregistration.eligibility import admission_eligibility
from egov_gateway.models import StateListing, SyncRun
from suppliers.models import Application
from tests.deregistration.helpers import deregistered, registered_supplier
from tests.suppliers.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

ADMITTED = datetime.date(2023, 5, 2)
OUT = datetime.date(2024, 3, 4)


def identifier_of(application) -> str:
    return application.supplier.identifier


@pytest.mark.req("RDM-3")
def test_a_registered_supplier_may_not_apply_and_after_its_own_application_it_may():
    application = registered_supplier(admitted_on=ADMITTED)
    eligibility = admission_eligibility(identifier=identifier_of(application), on=OUT)
    assert eligibility.code == "already_admitted"
    deregistered(application, ground="own_application", on=OUT)
    assert admission_eligibility(identifier=identifier_of(application), on=OUT).allowed


@pytest.mark.req("RDM-3")
def test_after_death_or_end_of_activity_the_supplier_may_apply_at_once():
    application = registered_supplier(admitted_on=ADMITTED)
    deregistered(application, ground="death_or_termination", on=OUT, state_source="gbd_ul")
    assert admission_eligibility(identifier=identifier_of(application), on=OUT).allowed


@pytest.mark.req("RDM-2")
def test_after_non_performance_the_day_before_the_anniversary_is_refused_and_on_it_allowed():
    application = registered_supplier(admitted_on=ADMITTED)
    deregistered(application, ground="non_performance", on=OUT)
    identifier = identifier_of(application)
    before = admission_eligibility(identifier=identifier, on=datetime.date(2025, 3, 3))
    assert not before.allowed
    assert before.code == "readmission_waiting_period"
    assert "04.03.2025" in str(before.reason)
    assert "2022 p.24" in str(before.reason)
    assert admission_eligibility(identifier=identifier, on=datetime.date(2025, 3, 4)).allowed


def listing(source: str, identifier: str, *, removed_by: SyncRun | None = None) -> StateListing:
    seen = SyncRun.objects.create(source=source, status=SyncRun.Status.SUCCEEDED)
    return StateListing.objects.create(
        source=source,
        identifier=identifier,
        payload=[{"listed": "2024-03-01"}],
        digest="1:1",
        first_seen_run=seen,
        changed_run=seen,
        removed_run=removed_by,
    )


@pytest.mark.req("RDM-1")
def test_after_the_procurement_register_only_a_successful_sync_showing_removal_allows():
    application = registered_supplier(admitted_on=ADMITTED)
    identifier = identifier_of(application)
    row = listing("rnu", identifier)
    deregistered(application, ground="procurement_register", on=OUT, state_source="rnu")
    refused = admission_eligibility(identifier=identifier, on=OUT)
    assert refused.code == "readmission_still_listed"

    # A failed run removes no one: still refused (SYNC-3).
    failed = SyncRun.objects.create(source="rnu", status=SyncRun.Status.FAILED)
    StateListing.objects.filter(pk=row.pk).update(removed_run=failed)
    assert not admission_eligibility(identifier=identifier, on=OUT).allowed

    removed = SyncRun.objects.create(source="rnu", status=SyncRun.Status.SUCCEEDED)
    StateListing.objects.filter(pk=row.pk).update(removed_run=removed)
    assert admission_eligibility(identifier=identifier, on=OUT).allowed


@pytest.mark.req("RDM-1")
def test_after_the_samruk_list_the_source_of_the_case_is_the_one_checked():
    application = registered_supplier(admitted_on=ADMITTED)
    identifier = identifier_of(application)
    listing("samruk", identifier)
    listing("rnu", identifier, removed_by=SyncRun.objects.create(source="rnu", status="succeeded"))
    deregistered(
        application, ground="quasi_public_procurement_register", on=OUT, state_source="samruk"
    )
    assert admission_eligibility(identifier=identifier, on=OUT).code == "readmission_still_listed"


@pytest.mark.req("E20-9")
def test_under_edition_2020_non_performance_refuses_while_in_the_deregistered_register(settings):
    settings.RULES_EDITION = "2020"
    application = registered_supplier(edition_code="2020", admitted_on=datetime.date(2020, 9, 1))
    deregistered(application, ground="non_performance", on=datetime.date(2021, 6, 1))
    later = admission_eligibility(
        identifier=identifier_of(application), on=datetime.date(2023, 1, 9)
    )
    assert later.code == "readmission_deregistered_register"
    assert "2020 p.14(7)" in str(later.reason)


@pytest.mark.req("RDM-3")
def test_a_refused_supplier_applies_again():
    refused = ApplicationFactory(status=Application.Status.REFUSED)
    assert admission_eligibility(identifier=identifier_of(refused)).allowed
    # Also after a readmission: a refused new application does not block the next one.
    application = registered_supplier(admitted_on=ADMITTED)
    deregistered(application, ground="own_application", on=OUT)
    ApplicationFactory(supplier=application.supplier, status=Application.Status.REFUSED)
    assert admission_eligibility(identifier=identifier_of(application), on=OUT).allowed


@pytest.mark.req("RDM-2")
def test_the_cabinet_says_why_and_from_when(client, settings):
    from portal.models import Role
    from tests.factories import RoleAssignmentFactory, UserFactory
    from tests.suppliers.factories import HEAD_IIN, ORTHOPEDIA_BIN, SupplierFactory
    from tests.suppliers.test_views import accept_offer_without_signature, sign_in

    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    application = registered_supplier(admitted_on=ADMITTED, supplier=supplier)
    from portal.deadlines import today

    deregistered(application, ground="non_performance", on=today())
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    accept_offer_without_signature(supplier, head)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    page = client.get(reverse("suppliers:cabinet")).content.decode()
    from deregistration.models import add_years

    assert f"{add_years(today(), 1):%d.%m.%Y}" in page
    assert 'action="/cabinet/application/new/"' not in page


@pytest.mark.req("RDM-3")
def test_readmission_is_a_new_application_prefilled_and_every_section_to_confirm():
    from suppliers import services
    from tests.suppliers.factories import SupplierFactory, representative
    from tests.suppliers.test_views import accept_offer_without_signature

    supplier = SupplierFactory()
    application = registered_supplier(
        admitted_on=ADMITTED, supplier=supplier, iban="KZ86125KZT5004100100", phone="+77172123456"
    )
    application.addresses.create(region=supplier.region, settlement="Астана", street="Абая")
    deregistered(application, ground="own_application", on=OUT)
    user = representative(supplier)
    accept_offer_without_signature(supplier, user)
    draft = services.start_application(supplier=supplier, user=user)
    assert draft.pk != application.pk
    assert draft.status == Application.Status.DRAFT
    assert (draft.email, draft.iban, draft.phone) == (
        application.email,
        "KZ86125KZT5004100100",
        "+77172123456",
    )
    assert draft.offers == application.offers
    assert [a.street for a in draft.addresses.all()] == ["Абая"]
    assert draft.sections_saved == []  # the supplier confirms every section again
    assert not draft.consent_personal_data and draft.consent_publication is None
    assert not draft.documents.exists()
