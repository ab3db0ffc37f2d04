"""DER-1, DER-3 (with CAL-2): operators read the deregistration cases and the recipients'
complaints in the admin — every field, none editable, nothing added or deleted by hand — and
release a held case only through its service, which records the audit event."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from deregistration.models import DeregistrationCase
from deregistration.services import hold_case, open_case
from portal.audit.models import AuditEvent
from portal.models import Role
from tests.deregistration.helpers import astana_supplier
from tests.deregistration.test_complaint_review import posted_complaint
from tests.factories import RoleAssignmentFactory, UserFactory

ADMITTED = datetime.date(2023, 5, 2)


@pytest.fixture
def operator_client(client, settings):
    settings.OPERATOR_REQUIRE_OTP = False
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    client.operator = operator
    return client


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.req("DER-1", "DER-3")
def test_operators_read_cases_and_complaints_and_change_nothing_by_hand(
    operator_client, commission, trusted, private_media
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    case = complaint.case

    cases = operator_client.get(reverse("admin:deregistration_deregistrationcase_changelist"))
    assert cases.status_code == 200 and supplier.name in cases.content.decode()
    page = operator_client.get(
        reverse("admin:deregistration_deregistrationcase_change", args=[case.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="status"' not in html and 'name="ground"' not in html  # read only
    assert f"/admin/deregistration/complaint/{complaint.pk}/change/" in html  # its complaints

    complaints = operator_client.get(reverse("admin:deregistration_complaint_changelist"))
    assert complaints.status_code == 200 and supplier.name in complaints.content.decode()
    page = operator_client.get(
        reverse("admin:deregistration_complaint_change", args=[complaint.pk])
    )
    assert page.status_code == 200
    assert 'name="description"' not in page.content.decode()
    assert "photo.pdf" in page.content.decode()

    for name in ("deregistrationcase", "complaint"):
        assert operator_client.get(reverse(f"admin:deregistration_{name}_add")).status_code == 403
    before = DeregistrationCase.objects.values().get(pk=case.pk)
    operator_client.post(
        reverse("admin:deregistration_deregistrationcase_change", args=[case.pk]),
        {"status": "deregistered", "ground": "own_application"},
    )
    assert DeregistrationCase.objects.values().get(pk=case.pk) == before
    delete = reverse("admin:deregistration_deregistrationcase_delete", args=[case.pk])
    assert operator_client.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.req("DER-2")
def test_a_held_case_is_released_through_its_service_and_audited(db, operator_client):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    other = astana_supplier(admitted_on=ADMITTED).supplier
    held = hold_case(
        case=open_case(
            supplier=supplier, ground="own_application", source=DeregistrationCase.Source.SUPPLIER
        ),
        reason="mass removal",
    )
    opened = open_case(
        supplier=other, ground="own_application", source=DeregistrationCase.Source.SUPPLIER
    )
    changelist = reverse("admin:deregistration_deregistrationcase_changelist")
    response = operator_client.post(
        changelist,
        {"action": "release_held", "_selected_action": [held.pk, opened.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "only a held case is released" in response.content.decode()
    assert DeregistrationCase.objects.get(pk=held.pk).status == DeregistrationCase.Status.OPEN
    assert DeregistrationCase.objects.get(pk=opened.pk).status == DeregistrationCase.Status.OPEN
    event = AuditEvent.objects.get(action="deregistration_case.released", object_id=str(held.pk))
    assert event.actor == operator_client.operator
    assert not AuditEvent.objects.filter(
        action="deregistration_case.released", object_id=str(opened.pk)
    ).exists()
