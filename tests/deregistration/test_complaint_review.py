"""DER-3, COM-4, COM-5, REG-3, CAL-2: the commission reviews a recipient's complaint on its
agenda; the vote finds a violation (the decision to deregister, its protocol, and on
publication the supplier deregistered on the non-performance ground) or none (the complaint is
closed, the supplier stays); the complainant sees each step."""

from __future__ import annotations

import datetime
import io

import pytest

from commission import services
from commission.models import AgendaItem
from deregistration import selectors
from deregistration.complaints import Complaint
from deregistration.models import DeregistrationCase
from deregistration.services.complaints import (
    Upload,
    complaint_document,
    post_complaint,
    prepare_complaint,
)
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.models import User
from portal.notifications.models import Notification
from registers.models import RegisterEntry
from tests.commission.helpers import decided
from tests.commission.test_protocols import secretary_of, sign_all
from tests.deregistration.helpers import astana_supplier, meeting_on_cases
from tests.suppliers.factories import pdf_bytes

RECIPIENT = "750506410882"  # Әбенова Зәуре, the demo recipient (load_demo)
ADMITTED = datetime.date(2023, 5, 2)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def posted_complaint(pki, supplier) -> Complaint:
    recipient = User.objects.get(iin=RECIPIENT)
    content = pdf_bytes()
    complaint = prepare_complaint(
        complainant=recipient,
        supplier=supplier,
        kind="characteristics_mismatch",
        learned_on=deadlines.today() - datetime.timedelta(days=3),
        description="The wheelchair is 10 kg heavier than stated on the portal.",
        evidence=[Upload(file=io.BytesIO(content), name="photo.pdf", size=len(content))],
    )
    cms = pki.key_for(RECIPIENT, Purpose.SIGN).sign(complaint_document(complaint))
    return post_complaint(complaint=complaint, cms=cms)


@pytest.mark.req("DER-3", "COM-4", "COM-5", "REG-3")
def test_a_violation_found_by_vote_deregisters_the_supplier_on_ground_5_when_published(
    commission, trusted, private_media
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    case = complaint.case
    assert case in selectors.cases_awaiting_commission(region_ids=[commission.region_id])

    item = meeting_on_cases(commission, [case]).items.get()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UNDER_REVIEW
    review = selectors.steps_of(complaint)[-1]
    assert review.done
    assert review.day == item.meeting.held_on
    assert f"{item.meeting.held_on:%d.%m.%Y}" in str(review.text)

    decided(trusted, commission, item, votes_for=5, proposal=AgendaItem.Proposal.DEREGISTER)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DECIDED
    titles = [str(step.text) for step in selectors.steps_of(complaint)]
    assert "The commission found a violation and decided to deregister the supplier." in titles
    assert Notification.objects.filter(
        object_id=str(complaint.pk), template__endswith="complaint_step"
    ).exists()

    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.SUPPLIER_DEREGISTERED
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.DEREGISTERED
    assert case.ground_rule.number == 5
    entries = RegisterEntry.objects.filter(supplier=supplier)
    assert entries.exists()
    assert all(e.deregistration_ground == "non_performance" for e in entries)
    assert all(e.deregistration_protocol == protocol.label for e in entries)
    last = selectors.steps_of(complaint)[-1]
    assert last.day == deadlines.today()
    assert last.text == protocol.label


@pytest.mark.req("DER-3", "COM-5")
def test_no_violation_closes_the_complaint_and_the_supplier_stays(
    commission, trusted, private_media
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    item = meeting_on_cases(commission, [complaint.case]).items.get()
    decided(trusted, commission, item, votes_for=5, proposal=AgendaItem.Proposal.KEEP)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED
    assert "The commission found no violation." in [
        str(step.text) for step in selectors.steps_of(complaint)
    ]
    assert selectors.is_registered(supplier_id=supplier.pk)


@pytest.mark.req("DER-3", "COM-5")
def test_without_the_majority_of_all_members_the_complaint_stays_under_review(
    commission, trusted, private_media
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    item = meeting_on_cases(commission, [complaint.case]).items.get()
    decided(trusted, commission, item, votes_for=3, proposal=AgendaItem.Proposal.DEREGISTER)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UNDER_REVIEW


@pytest.mark.req("DER-3")
def test_a_second_complaint_joins_the_case_going_on_and_follows_its_decision(
    commission, trusted, private_media
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    first = posted_complaint(trusted, supplier)
    second = posted_complaint(trusted, supplier)
    assert second.case_id == first.case_id
    item = meeting_on_cases(commission, [first.case]).items.get()
    decided(trusted, commission, item, votes_for=5, proposal=AgendaItem.Proposal.DEREGISTER)
    assert set(Complaint.objects.values_list("status", flat=True)) == {"decided"}


@pytest.mark.req("DER-3", "CAL-2")
def test_the_commission_finds_the_complaint_in_its_inbox_with_its_deadlines(
    client, commission, trusted, private_media
):
    from django.urls import reverse

    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    client.force_login(secretary_of(commission))
    inbox = client.get(reverse("commission:inbox")).content.decode()
    url = reverse("commission:complaint", args=[complaint.pk])
    assert url in inbox
    assert f"{complaint.review_deadline.day:%d.%m.%Y}" in inbox
    page = client.get(url).content.decode()
    assert "The wheelchair is 10 kg heavier" in page
    assert "photo.pdf" in page
    item = meeting_on_cases(commission, [complaint.case]).items.get()
    assert url in client.get(reverse("commission:item", args=[item.pk])).content.decode()
    assert reverse("commission:item", args=[item.pk]) in client.get(url).content.decode()


@pytest.mark.req("DER-3")
def test_a_complaint_joining_after_the_agenda_is_not_decided_by_that_vote(
    commission, trusted, private_media
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    first = posted_complaint(trusted, supplier)
    item = meeting_on_cases(commission, [first.case]).items.get()
    late = posted_complaint(trusted, supplier)
    assert late.case_id == first.case_id
    decided(trusted, commission, item, votes_for=5, proposal=AgendaItem.Proposal.KEEP)
    late.refresh_from_db()
    assert late.status == Complaint.Status.POSTED
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)
    first.refresh_from_db()
    late.refresh_from_db()
    assert first.status == Complaint.Status.CLOSED
    # The late complaint goes on in a case of its own, to a later agenda.
    assert late.status == Complaint.Status.POSTED
    assert late.case_id != first.case_id
    assert late.case.status == DeregistrationCase.Status.OPEN
    assert late.case in selectors.cases_awaiting_commission(region_ids=[commission.region_id])
