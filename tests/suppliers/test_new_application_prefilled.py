"""After a withdrawal or a refusal, a new application starts from the previous one's answers,
and the supplier confirms each section (issue 9, item 7; SUP-4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from portal.editions import Offer
from suppliers import services
from suppliers.models import Application, Offering
from suppliers.selectors.task_list import TaskStatus, task_list
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    complete_application,
    private_media,
)
from tests.suppliers.test_views import accept_offer_without_signature

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rows")]


@pytest.mark.req("SUP-4")
@pytest.mark.parametrize("ended", [Application.Status.WITHDRAWN, Application.Status.REFUSED])
def test_a_new_application_is_prefilled_from_the_previous_one(ended):
    previous = complete_application()
    Application.objects.filter(pk=previous.pk).update(status=ended, withdrawn_at=timezone.now())
    user = previous.created_by
    accept_offer_without_signature(previous.supplier, user)

    new = services.start_application(supplier=previous.supplier, user=user)

    assert new.pk != previous.pk
    assert (new.email, new.iban, new.offers) == (
        "supplier@test.example",
        "KZ86125KZT5004100100",
        [Offer.TECHNICAL_AIDS],
    )
    offering = Offering.objects.get(application=new)
    assert offering.price == Decimal("450000.00")
    assert new.addresses.count() == previous.addresses.count() == 1
    assert Offering.objects.filter(application=previous).count() == 1  # the old one keeps its own
    # Nothing counts as confirmed: each section is opened and saved again.
    assert new.sections_saved == []
    assert new.consent_personal_data is False and new.consent_publication is None
    statuses = {task.section: task.status for task in task_list(new)}
    assert statuses["contacts"] == TaskStatus.NOT_STARTED
    assert statuses["offerings"] == TaskStatus.NOT_STARTED


@pytest.mark.req("SUP-4")
def test_a_first_application_starts_empty():
    from tests.suppliers.factories import SupplierFactory, representative

    supplier = SupplierFactory()
    user = representative(supplier)
    accept_offer_without_signature(supplier, user)

    new = services.start_application(supplier=supplier, user=user)

    assert (new.email, new.offers, new.offerings.count()) == ("", [], 0)
