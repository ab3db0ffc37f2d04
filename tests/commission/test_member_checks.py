"""COM-3: each member records their check of an application against item 7 — agrees, or
remarks — one current check per member with the history kept, audited, and visible to the other
members and the secretary on the application's page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commission import selectors, services
from commission.models import MemberCheck
from commission.services import CheckRefused
from portal.audit.models import AuditEvent
from tests.commission.test_workspace_pages import (
    awaiting,
    client_for,
    other_region_member,
    secretary_of,
)


@pytest.mark.req("COM-3")
def test_a_new_check_replaces_the_current_one_and_keeps_the_history(commission):
    application = awaiting(commission)
    member = selectors.members_of(commission.compositions.get())[2]
    services.record_check(application=application, member=member, agrees=False, remarks="IBAN")
    services.record_check(application=application, member=member, agrees=True, remarks="")
    checks = MemberCheck.objects.filter(application=application, member=member)
    assert checks.count() == 2
    assert [c.agrees for c in checks.filter(is_current=True)] == [True]
    event = AuditEvent.objects.filter(action="application.checked").latest("pk")
    assert event.basis == "2022 p.12"


@pytest.mark.req("COM-3")
def test_only_members_of_the_region_check_and_remarks_are_written(commission):
    application = awaiting(commission)
    member = selectors.members_of(commission.compositions.get())[2]
    with pytest.raises(CheckRefused):
        services.record_check(application=application, member=member, agrees=False, remarks=" ")
    for outsider in (secretary_of(commission), other_region_member(commission)):
        with pytest.raises(CheckRefused):
            services.record_check(application=application, member=outsider, agrees=True, remarks="")


@pytest.mark.req("COM-3")
def test_checks_through_the_page_are_seen_by_the_others_and_the_secretary(commission):
    application = awaiting(commission)
    members = selectors.members_of(commission.compositions.get())
    url = reverse("commission:application", args=[application.pk])
    check = reverse("commission:check", args=[application.pk])

    empty = client_for(members[2]).post(check, {"agrees": "no", "remarks": ""})
    assert empty.status_code == 200 and "Напишите ваши замечания" in empty.content.decode()
    client_for(members[2]).post(check, {"agrees": "no", "remarks": "Нет справки о долгах"})
    client_for(members[3]).post(check, {"agrees": "yes", "remarks": ""})

    page = client_for(secretary_of(commission)).get(url).content.decode()
    assert page.count("не просмотрено") == len(members) - 2
    assert "согласен" in page and "Нет справки о долгах" in page
    assert client_for(secretary_of(commission)).post(check, {"agrees": "yes"}).status_code == 403
    stranger = client_for(other_region_member(commission))
    assert stranger.post(check, {"agrees": "yes"}).status_code == 404
