"""DER-4, DER-5, REG-3, COM-4, COM-5, COM-6: a deregistration case on the commission's agenda,
decided by the same quorum and majority as an application, its protocol in the Annex 2 layout
with the ground, signed and published within one working day, and its publication deregistering
the supplier with the protocol's number and date."""

from __future__ import annotations

import datetime

import pytest

from commission import services
from commission.models import AgendaItem, Protocol
from commission.services.meetings import ProposalRefused, QuorumNotMet
from deregistration.models import DeregistrationCase
from deregistration.services import open_case
from portal import deadlines
from portal.audit.models import AuditEvent
from portal.calendar import add_working_days
from portal.notifications.models import Notification
from portal.pdf import pdf_text
from registers.models import RegisterEntry
from tests.commission.helpers import chair, decided
from tests.commission.test_protocols import secretary_of, sign_all
from tests.deregistration.helpers import astana_supplier, meeting_on_cases

ADMITTED = datetime.date(2023, 5, 2)


def own_application_case(application):
    return open_case(
        supplier=application.supplier,
        ground="own_application",
        source=DeregistrationCase.Source.SUPPLIER,
        evidence={"application": "signed"},
    )


@pytest.mark.req("DER-4", "DER-5", "REG-3", "COM-6")
def test_a_case_is_voted_its_protocol_signed_and_published_and_the_supplier_deregistered(
    commission, trusted
):
    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    assert case.decision_deadline.day == add_working_days(deadlines.today(), 2)
    meeting = meeting_on_cases(commission, [case])
    item = meeting.items.get()
    assert item.deregistration_case_id == case.pk
    assert item.edition.code == case.edition_code
    assert DeregistrationCase.objects.get(pk=case.pk).status == "under_review"

    item = decided(trusted, commission, item, votes_for=5, proposal=AgendaItem.Proposal.DEREGISTER)
    assert item.status == AgendaItem.Status.ADOPTED
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.DECIDED
    assert case.outcome == DeregistrationCase.Outcome.DEREGISTER
    assert case.decided_on == deadlines.today()

    secretary = secretary_of(commission)
    protocol = services.form_protocol(item=item, secretary=secretary)
    case.refresh_from_db()
    assert case.protocol_id == protocol.pk
    text = pdf_text(bytes(protocol.pdf))
    assert "снятии с регистрации" in text
    assert "2022 p.19(1)" in text
    protocol = sign_all(trusted, protocol)
    assert protocol.status == Protocol.Status.SIGNED
    # Published within one working day of signing (2022 p.23; DER-5), tracked.
    assert protocol.publication_due == add_working_days(deadlines.today(), 1)

    services.publish_protocol(protocol=protocol, secretary=secretary)
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.DEREGISTERED
    assert case.deregistered_on == deadlines.today()
    for entry in RegisterEntry.objects.filter(supplier=application.supplier):
        assert entry.deregistered_on == deadlines.today()
        assert entry.deregistration_ground == "own_application"
        assert entry.deregistration_protocol == protocol.label
        assert entry.deregistration_protocol_url == f"/protocols/{protocol.pk}/"
    assert AuditEvent.objects.filter(
        action="protocol.published", object_id=str(protocol.pk), basis="2022 p.23"
    ).exists()
    assert Notification.objects.filter(
        object_type="deregistration.deregistrationcase", object_id=str(case.pk)
    ).exists()


@pytest.mark.req("COM-5", "DER-4")
def test_a_decision_not_to_deregister_closes_the_case_and_keeps_the_entries(commission, trusted):
    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    meeting = meeting_on_cases(commission, [case])
    item = decided(
        trusted, commission, meeting.items.get(), votes_for=5, proposal=AgendaItem.Proposal.KEEP
    )
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    assert "не снимать" in pdf_text(bytes(protocol.pdf))
    services.publish_protocol(protocol=protocol, secretary=secretary)
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.DISMISSED
    assert not RegisterEntry.objects.filter(
        supplier=application.supplier, deregistered_on__isnull=False
    ).exists()


@pytest.mark.req("COM-5")
def test_without_the_majority_of_all_members_the_case_stays_under_review(commission, trusted):
    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    meeting = meeting_on_cases(commission, [case])
    item = decided(trusted, commission, meeting.items.get(), votes_for=3, proposal="deregister")
    assert item.status == AgendaItem.Status.NO_DECISION
    case.refresh_from_db()
    assert case.status == DeregistrationCase.Status.UNDER_REVIEW
    assert case.outcome == ""
    # It may go on a later agenda.
    later = meeting_on_cases(commission, [case])
    assert later.items.get().deregistration_case_id == case.pk


@pytest.mark.req("COM-4")
def test_a_meeting_on_a_case_needs_the_quorum(commission, trusted):
    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    with pytest.raises(QuorumNotMet):
        meeting_on_cases(commission, [case], absent=3)


@pytest.mark.req("DER-4")
def test_a_case_item_takes_only_deregister_or_keep(commission, trusted):
    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    item = meeting_on_cases(commission, [case]).items.get()
    with pytest.raises(ProposalRefused):
        services.put_proposal(item=item, by=chair(commission), proposal="admit")
    with pytest.raises(ProposalRefused):
        services.put_proposal(
            item=item, by=chair(commission), proposal="deregister", reasons=["untrue_information"]
        )


@pytest.mark.req("DER-2")
def test_an_automatic_case_never_goes_on_an_agenda(commission, trusted):
    from portal.errors import PortalError

    application = astana_supplier(admitted_on=ADMITTED)
    case = open_case(
        supplier=application.supplier,
        ground="procurement_register",
        source=DeregistrationCase.Source.STATE_DATA,
    )
    with pytest.raises(PortalError):
        meeting_on_cases(commission, [case])


@pytest.mark.req("DER-5")
def test_the_supplier_is_told_when_the_commission_decides_not_to_deregister(commission, trusted):
    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    meeting = meeting_on_cases(commission, [case])
    item = decided(
        trusted, commission, meeting.items.get(), votes_for=5, proposal=AgendaItem.Proposal.KEEP
    )
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)
    notification = Notification.objects.get(
        object_type="deregistration.deregistrationcase", object_id=str(case.pk)
    )
    assert notification.template == "deregistration/email/kept"
    assert protocol.label in notification.body


@pytest.mark.req("CAL-2", "DER-5")
def test_a_signed_deregistration_protocol_leaves_the_commission_reports_working(
    commission, trusted
):
    from commission.deadlines import deadlines_due
    from commission.services.reminders import send_deadline_reminders
    from deregistration.selectors import overdue_publications

    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    item = decided(
        trusted,
        commission,
        meeting_on_cases(commission, [case]).items.get(),
        votes_for=5,
        proposal=AgendaItem.Proposal.DEREGISTER,
    )
    protocol = sign_all(
        trusted, services.form_protocol(item=item, secretary=secretary_of(commission))
    )
    assert all(due.application is not None for due in deadlines_due())
    send_deadline_reminders()
    # Its publication is due within one working day, and reported once missed.
    assert protocol not in overdue_publications(on=protocol.publication_due)
    late = protocol.publication_due + datetime.timedelta(days=1)
    assert protocol in overdue_publications(on=late)


@pytest.mark.req("REG-3", "DER-5")
def test_the_deregistered_register_links_the_published_protocol(commission, trusted, client):
    """The register of deregistered suppliers shows the ground and links the protocol itself,
    whose public address answers with its PDF (2022 p.23)."""
    application = astana_supplier(admitted_on=ADMITTED, consent_publication=True)
    case = own_application_case(application)
    meeting = meeting_on_cases(commission, [case])
    item = decided(
        trusted,
        commission,
        meeting.items.get(),
        votes_for=5,
        proposal=AgendaItem.Proposal.DEREGISTER,
    )
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)

    url = f"/protocols/{protocol.pk}/"
    entries = RegisterEntry.objects.filter(supplier=application.supplier)
    assert entries and {entry.deregistration_protocol_url for entry in entries} == {url}
    page = client.get("/registers/deregistered/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    assert f'href="{url}"' in page.content.decode()
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.req("REG-3")
def test_an_exit_names_no_address_for_a_protocol_not_published(commission, trusted):
    """Only a published protocol is linked: an unpublished one's address would answer 404, and
    an automatic deregistration has no protocol at all."""
    from registers.services.exits import close_open_entries, published_protocol_url

    application = astana_supplier(admitted_on=ADMITTED)
    case = own_application_case(application)
    meeting = meeting_on_cases(commission, [case])
    item = decided(
        trusted,
        commission,
        meeting.items.get(),
        votes_for=5,
        proposal=AgendaItem.Proposal.DEREGISTER,
    )
    protocol = services.form_protocol(item=item, secretary=secretary_of(commission))
    assert published_protocol_url(protocol) == ""
    assert published_protocol_url(None) == ""
    entries = close_open_entries(
        supplier_id=application.supplier_id,
        on=deadlines.today(),
        ground="own_application",
        protocol=protocol.label,
        published_protocol=protocol,
    )
    assert entries
    assert all(
        entry.deregistration_protocol_url == ""
        for entry in RegisterEntry.objects.filter(supplier=application.supplier)
    )
