"""DER-6: deregistration on grounds 1, 3 and 4 does not release the supplier from what it owed
through the portal on that day: a complaint's case open then stays visible (to the supplier in
its cabinet, to the commission in its inbox) and is handled to its end — decided, its protocol
published, the deregistration on that ground recorded and its readmission rule applied."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from commission import services
from commission.models import AgendaItem
from deregistration.eligibility import admission_eligibility
from deregistration.models import DeregistrationCase
from deregistration.selectors import cases_awaiting_commission, obligations_surviving
from deregistration.services import open_case
from portal import deadlines
from registers.models import RegisterEntry
from tests.commission.helpers import decided
from tests.commission.test_protocols import secretary_of, sign_all
from tests.deregistration.helpers import (
    astana_supplier,
    deregistered,
    meeting_on_cases,
    registered_supplier,
)

ADMITTED = datetime.date(2023, 5, 2)


def complaint_case(application, *, on=None):
    return open_case(
        supplier=application.supplier,
        ground="non_performance",
        source=DeregistrationCase.Source.COMPLAINT,
        evidence={"complaint": "order not fulfilled"},
        on=on,
    )


@pytest.mark.django_db
@pytest.mark.req("DER-6")
def test_what_was_open_on_the_day_survives_grounds_1_3_4_but_not_ground_2():
    kept = registered_supplier(admitted_on=ADMITTED)
    pending = complaint_case(kept, on=datetime.date(2024, 3, 1))
    case = deregistered(kept, ground="own_application", on=datetime.date(2024, 3, 4))
    assert [c.pk for c in obligations_surviving(case=case)] == [pending.pk]
    assert DeregistrationCase.objects.get(pk=pending.pk).is_active  # not closed by the exit

    released = registered_supplier(admitted_on=ADMITTED)
    complaint_case(released, on=datetime.date(2024, 3, 1))
    ended = deregistered(
        released, ground="death_or_termination", on=datetime.date(2024, 3, 4), state_source="gbd_ul"
    )
    assert obligations_surviving(case=ended) == []


@pytest.mark.req("DER-6", "RDM-2")
def test_a_complaint_open_on_the_day_of_deregistration_is_handled_to_its_end(commission, trusted):
    application = astana_supplier(admitted_on=ADMITTED)
    pending = complaint_case(application)
    own = deregistered(application, ground="own_application", on=deadlines.today())
    assert not RegisterEntry.objects.filter(
        supplier=application.supplier, deregistered_on__isnull=True
    ).exists()
    # Still in the commission's inbox, though the supplier is out of the registers.
    assert pending.pk in [
        c.pk for c in cases_awaiting_commission(region_ids=[commission.region_id])
    ]
    assert pending.pk in [c.pk for c in obligations_surviving(case=own)]

    item = meeting_on_cases(commission, [pending]).items.get()
    item = decided(trusted, commission, item, votes_for=5, proposal=AgendaItem.Proposal.DEREGISTER)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)
    pending.refresh_from_db()
    assert pending.status == DeregistrationCase.Status.DEREGISTERED
    # The ground-5 deregistration counts for readmission: not before one year (2022 p.24).
    eligibility = admission_eligibility(identifier=application.supplier.identifier)
    assert eligibility.code == "readmission_waiting_period"


@pytest.mark.django_db
@pytest.mark.req("DER-6")
def test_the_cabinet_of_a_deregistered_supplier_shows_the_open_complaint(client):
    from portal.models import Role
    from tests.factories import RoleAssignmentFactory, UserFactory
    from tests.suppliers.factories import HEAD_IIN, ORTHOPEDIA_BIN, SupplierFactory
    from tests.suppliers.test_views import accept_offer_without_signature, sign_in

    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    application = registered_supplier(admitted_on=ADMITTED, supplier=supplier)
    pending = complaint_case(application)
    deregistered(application, ground="own_application", on=deadlines.today())
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    accept_offer_without_signature(supplier, head)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    page = client.get(reverse("suppliers:cabinet")).content.decode()
    assert 'id="open-cases"' in page
    assert f"{pending.decision_due:%d.%m.%Y}" in page
