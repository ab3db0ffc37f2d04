"""Operators see the sync runs, failed ones included, and the state data in the admin (SYNC-3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from egov_gateway.models import SyncRun
from egov_gateway.sync import sync_source
from portal.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, user_factory):
    client.force_login(user_factory(role=Role.OPERATOR, is_staff=True, is_superuser=True))
    return client


@pytest.mark.req("SYNC-3")
def test_a_failed_run_is_listed_with_its_error(admin_client, sandbox):
    (sandbox / "rnu.jsonl").write_text("{broken\n")
    run = sync_source(source="rnu")

    listing = admin_client.get(
        reverse("admin:egov_gateway_syncrun_changelist"), {"status": "failed"}
    )
    detail = admin_client.get(reverse("admin:egov_gateway_syncrun_change", args=[run.pk]))

    assert run.status == SyncRun.Status.FAILED
    assert listing.status_code == 200 and b"failed: nothing applied" in listing.content
    assert detail.status_code == 200 and b"rnu.jsonl line 1" in detail.content


@pytest.mark.parametrize(
    "model", ["statelisting", "statechangeevent", "staterecord", "watchedidentifier"]
)
def test_state_data_pages_open(admin_client, sandbox, model):
    sync_source(source="rnu")

    response = admin_client.get(reverse(f"admin:egov_gateway_{model}_changelist"))

    assert response.status_code == 200
