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


@pytest.mark.req("SUP-6", "SUP-4")
def test_a_prefilled_application_is_signed_only_after_each_carried_section_is_confirmed():
    """The completeness check, the one that stops a submission (SUP-6), lists each section
    filled in from the previous application until the supplier has saved it (issue 9, item 7)."""
    from suppliers.models import Section
    from suppliers.selectors import completeness_problems

    previous = complete_application()
    Application.objects.filter(pk=previous.pk).update(status=Application.Status.WITHDRAWN)
    user = previous.created_by
    accept_offer_without_signature(previous.supplier, user)
    new = services.start_application(supplier=previous.supplier, user=user)
    assert new.prefilled_from_id == previous.pk
    # Everything else the application needs (documents and consents are never carried over).
    new = complete_application(application=new)

    unconfirmed = {p.section for p in completeness_problems(new)}
    assert {Section.OFFERS, Section.CONTACTS, Section.BANK_DETAILS, Section.OFFERINGS} <= (
        unconfirmed
    )
    assert all("previous application" in str(p) for p in completeness_problems(new))
    assert completeness_problems(new, section=Section.CONTACTS)
    with pytest.raises(services.ApplicationIncomplete):
        services.prepare_annex(application=new, language="ru", user=user)

    new = services.save_section(
        application=new,
        section=Section.CONTACTS,
        data={
            "mobile_phone": new.mobile_phone,
            "email": new.email,
            "phone": new.phone,
            "fax": "",
            "website": "",
        },
        user=user,
    )
    assert Section.CONTACTS not in {p.section for p in completeness_problems(new)}
    assert completeness_problems(new, section=Section.CONTACTS) == []

    # Confirmed one by one, as the pages save them: then it can be formed and signed.
    Application.objects.filter(pk=new.pk).update(sections_saved=sorted(unconfirmed))
    new.refresh_from_db()
    assert completeness_problems(new) == []
    assert services.prepare_annex(application=new, language="ru", user=user).revision


@pytest.mark.req("SUP-6")
def test_an_application_not_prefilled_needs_no_confirmation_of_unsaved_sections():
    assert services.completeness_problems(complete_application()) == []
