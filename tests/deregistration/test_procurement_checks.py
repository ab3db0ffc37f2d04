"""E20-7 (2020 p.17): the secretary's weekly check of the procurement register, a task in the
secretary's workspace fed by the weekly sync (SYNC-2); without a successful sync of the register
this week the check cannot be recorded (SYNC-3). Edition 2022 has no such check: the sync
deregisters automatically (p.20)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from commission.models import Commission
from deregistration.check_selectors import week_of
from deregistration.models import DeregistrationCase, ProcurementRegisterCheck
from deregistration.tasks import open_procurement_register_checks
from egov_gateway.models import SyncRun
from egov_gateway.services import watch
from egov_gateway.sync import sync_source
from portal.audit.models import AuditEvent
from portal.deadlines import today
from portal.models import Role
from registers.models import RegisterEntry
from tests.deregistration.helpers import registered_supplier
from tests.egov_gateway.servers import rnu_item
from tests.factories import RegionFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

LISTED, UNLISTED = "090440023188", "170740318604"
ASTANA, ALMATY = "710000000", "750000000"


@pytest.fixture
def edition_2020(settings):
    settings.RULES_EDITION = "2020"
    return settings


@pytest.fixture
def astana():
    region = RegionFactory(kato=ASTANA)
    Commission.objects.create(region=region)
    Commission.objects.create(region=RegionFactory(kato=ALMATY))
    return region


def secretary_client(region) -> tuple[Client, object]:
    secretary = RoleAssignmentFactory(role=Role.SECRETARY, region=region).user
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(secretary)
    return client, secretary


def registered(identifier: str, region):
    application = registered_supplier(
        edition_code="2020",
        admitted_on=today().replace(month=1, day=1),
        supplier__identifier=identifier,
        supplier__region=region,
    )
    watch(identifier=identifier, kind="legal_entity")
    return application.supplier


@pytest.mark.req("E20-7")
def test_under_edition_2020_every_commission_gets_one_check_a_week(edition_2020, astana):
    assert open_procurement_register_checks.delay().get() == 2
    assert open_procurement_register_checks.delay().get() == 0  # opened once a week

    checks = ProcurementRegisterCheck.objects.order_by("region__kato")
    assert [(c.region.kato, c.week_of, c.status) for c in checks] == [
        (ASTANA, week_of(today()), "due"),
        (ALMATY, week_of(today()), "due"),
    ]
    assert checks[0].edition_code == "2020"
    assert AuditEvent.objects.filter(action="procurement_check.opened", basis="2020 p.17").count()


@pytest.mark.req("E20-7", "DER-2")
def test_under_edition_2022_there_is_no_weekly_check(astana):
    assert open_procurement_register_checks.delay().get() == 0
    assert not ProcurementRegisterCheck.objects.exists()


@pytest.mark.req("E20-7", "SYNC-2")
def test_the_secretary_sees_what_the_sync_found_and_records_the_check(
    edition_2020, astana, ows_server, django_capture_on_commit_callbacks
):
    listed = registered(LISTED, astana)
    registered(UNLISTED, astana)
    ows_server.items = [rnu_item(LISTED, pid=1)]
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_source(source="rnu")
    open_procurement_register_checks.delay()
    check = ProcurementRegisterCheck.objects.get(region=astana)
    client, secretary = secretary_client(astana)

    inbox = client.get(reverse("commission:inbox"))
    url = reverse("deregistration:procurement-check", args=[check.pk])
    assert url in inbox.content.decode()
    page = client.get(url)

    assert page.status_code == 200
    text = page.content.decode()
    case = DeregistrationCase.objects.get(supplier=listed)
    assert listed.name in text and LISTED in text and str(case) in text
    assert UNLISTED not in text
    assert RegisterEntry.objects.filter(supplier=listed, deregistered_on__isnull=True).exists()

    done = client.post(url)

    assert done.status_code == 302
    check.refresh_from_db()
    assert check.status == ProcurementRegisterCheck.Status.DONE
    assert check.sync_run == run and check.checked_by == secretary
    assert check.findings == [{"supplier": listed.pk, "identifier": LISTED, "case": case.pk}]
    assert AuditEvent.objects.filter(
        action="procurement_check.done", object_id=str(check.pk), basis="2020 p.17"
    ).exists()
    assert client.post(url).status_code == 400  # recorded once: a second time is refused


@pytest.mark.req("E20-7", "SYNC-3")
def test_without_a_successful_sync_this_week_the_check_cannot_be_recorded(
    edition_2020, astana, ows_server
):
    registered(LISTED, astana)
    ows_server.items = [rnu_item(LISTED, pid=1)]
    ows_server.script = ["500", "500", "500"]
    assert sync_source(source="rnu").status == SyncRun.Status.FAILED
    open_procurement_register_checks.delay()
    check = ProcurementRegisterCheck.objects.get(region=astana)
    client, _secretary = secretary_client(astana)
    url = reverse("deregistration:procurement-check", args=[check.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert LISTED not in page.content.decode()  # no answer is not "listed" nor "not listed"
    refused = client.post(url)

    assert refused.status_code == 400
    assert "error-summary" in refused.content.decode()
    check.refresh_from_db()
    assert check.status == ProcurementRegisterCheck.Status.DUE
    assert not DeregistrationCase.objects.exists()


@pytest.mark.req("E20-7")
def test_a_secretary_of_another_region_gets_404(edition_2020, astana):
    open_procurement_register_checks.delay()
    check = ProcurementRegisterCheck.objects.get(region=astana)
    client, _secretary = secretary_client(RegionFactory(kato=ALMATY))

    response = client.get(reverse("deregistration:procurement-check", args=[check.pk]))

    assert response.status_code == 404
