"""DER-4, CAL-2: the commission's workspace shows the deregistration cases it decides with their
deadline, puts them on an agenda, offers "deregister" / "do not deregister" and publishes the
protocol that deregisters the supplier — through the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from commission import selectors
from commission.models import Meeting
from deregistration.models import DeregistrationCase
from deregistration.services import open_case
from tests.commission.helpers import chair
from tests.commission.test_workspace_pages import client_for, other_region_member, secretary_of
from tests.deregistration.helpers import astana_supplier


@pytest.mark.req("DER-4", "CAL-2")
def test_the_inbox_shows_the_case_and_its_deadline_and_the_secretary_puts_it_on_the_agenda(
    commission,
):
    application = astana_supplier(admitted_on=datetime.date(2023, 5, 2))
    case = open_case(
        supplier=application.supplier,
        ground="own_application",
        source=DeregistrationCase.Source.SUPPLIER,
    )
    secretary = secretary_of(commission)
    page = client_for(secretary).get(reverse("commission:inbox"))
    text = page.content.decode()
    assert application.supplier.name in text
    assert f"{case.decision_deadline.day:%d.%m.%Y} (2022 p.22)" in text
    # A member of another region does not see it.
    other = client_for(other_region_member(commission)).get(reverse("commission:inbox"))
    assert application.supplier.name not in other.content.decode()

    client = client_for(secretary)
    form = client.get(reverse("commission:schedule"))
    assert f'value="{case.pk}"' in form.content.decode()
    posted = client.post(
        reverse("commission:schedule"),
        {
            "held_on": commission.compositions.get().effective_from.strftime("%d.%m.%Y"),
            "cases": [case.pk],
        },
    )
    assert posted.status_code == 302
    meeting = Meeting.objects.get()
    item = meeting.items.get()
    assert item.deregistration_case_id == case.pk
    assert DeregistrationCase.objects.get(pk=case.pk).status == "under_review"

    # Open the meeting; the presiding member sees only "deregister" / "do not deregister".
    from commission import services

    composition = commission.compositions.get()
    services.record_attendance(
        meeting=meeting, secretary=secretary, present=selectors.members_of(composition)
    )
    services.open_meeting(meeting=meeting, by=chair(commission))
    presiding = client_for(chair(commission))
    item_page = presiding.get(reverse("commission:item", args=[item.pk])).content.decode()
    assert 'value="deregister"' in item_page
    assert 'value="keep"' in item_page
    assert 'value="admit"' not in item_page
    assert "2022 p.19(1)" in item_page
    proposed = presiding.post(
        reverse("commission:propose", args=[item.pk]), {"proposal": "deregister"}
    )
    assert proposed.status_code == 302
    item.refresh_from_db()
    assert item.proposal == "deregister"
