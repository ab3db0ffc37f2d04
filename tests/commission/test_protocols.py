"""COM-6, COM-7, SUP-9, REG-1: the protocol (Annex 2) formed from the signed votes, numbered
without gaps, signed over its exact PDF, immutable, published within one working day; publishing
decides the application, tells the supplier and, on admission, fills the registers."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commission import selectors, services
from commission.models import AgendaItem, Protocol, ProtocolSignature, Vote
from commission.services.errors import NoLongerAwaitsDecision
from commission.services.protocols import ProtocolRefused, required_signers
from egov_gateway.eds.signer import Purpose
from portal import deadlines
from portal.audit.models import AuditEvent
from portal.calendar import add_working_days
from portal.editions import Offer
from portal.notifications.models import Notification
from registers.models import RegisterEntry
from suppliers import selectors as supplier_selectors
from suppliers import services as supplier_services
from suppliers.models import Application
from tests.commission.helpers import decided, open_meeting
from tests.factories import UserFactory
from tests.suppliers.factories import representative
from tests.suppliers.test_views import sign_in_for


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def sign_all(pki, protocol: Protocol) -> Protocol:
    for person, _capacity in required_signers(protocol):
        cms = pki.key_for(person.iin, Purpose.SIGN).sign(bytes(protocol.pdf))
        services.sign_protocol(protocol=protocol, signer=person, cms=cms)
    return Protocol.objects.get(pk=protocol.pk)


def secretary_of(commission):
    return commission.compositions.get().secretary


@pytest.mark.req("COM-6", "COM-7", "SUP-9", "REG-1")
def test_an_admission_is_formed_signed_published_and_registers_the_supplier(
    commission, trusted, mailoutbox
):
    meeting = open_meeting(commission)
    item = decided(trusted, commission, meeting.items.get(), votes_for=5)
    application = item.application
    assert Application.objects.get(pk=application.pk).status == Application.Status.UNDER_REVIEW
    secretary = secretary_of(commission)

    protocol = services.form_protocol(item=item, secretary=secretary)
    assert (protocol.number, protocol.year) == (1, deadlines.today().year)
    assert protocol.status == Protocol.Status.FORMED
    text = pdf_text(bytes(protocol.pdf))
    for part in (
        "Протокол",  # the seed's form, in Russian
        "Хаттама",  # the project's Kazakh translation
        f"№ {protocol.number}",
        protocol.formed_on.strftime("%d.%m.%Y"),
        application.supplier.name,
        application.supplier.identifier,
        "о допуске и регистрации",
        "жіберу және тіркеу",
        secretary.full_name,
        *(vote.member.full_name for vote in item.votes.all()),
    ):
        assert part in text, part

    with pytest.raises(ProtocolRefused, match="Only the members who decided"):
        services.sign_protocol(protocol=protocol, signer=UserFactory(), cms=b"never looked at")
    with pytest.raises(ProtocolRefused, match="signed by everyone"):
        services.publish_protocol(protocol=protocol, secretary=secretary)
    unpublished = reverse("protocols:published", args=[protocol.pk])
    assert Client().get(unpublished).status_code == 404, "not public before publication"
    protocol = sign_all(trusted, protocol)
    assert protocol.status == Protocol.Status.SIGNED
    assert protocol.signatures.count() == len(required_signers(protocol)) == 6 + 1 + 1
    assert set(protocol.signatures.values_list("capacity", flat=True)) == {
        ProtocolSignature.Capacity.MEMBER,
        ProtocolSignature.Capacity.CHAIR,
        ProtocolSignature.Capacity.SECRETARY,
    }
    signed_on = deadlines.day_of(protocol.signed_at)
    assert protocol.publication_due == add_working_days(signed_on, 1)

    published = services.publish_protocol(protocol=protocol, secretary=secretary)
    assert published.status == Protocol.Status.PUBLISHED
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decision_protocol == protocol.label
    status = supplier_selectors.application_status(application)
    assert str(status.stage) == "Approved"
    expected = {
        register.code
        for register in application.edition.registers_for(
            supplier_kind=application.supplier.kind, offers=application.offers
        )
    }
    assert expected
    entries = RegisterEntry.objects.filter(supplier=application.supplier)
    assert set(entries.values_list("register", flat=True)) == expected
    assert {entry.admission_protocol for entry in entries} == {protocol.label}
    assert all(entry.is_active_on(application.decided_on) for entry in entries)
    (notice,) = Notification.objects.filter(object_id=str(application.pk))
    assert notice.sent_at is not None
    assert [message.subject for message in mailoutbox] == [notice.subject]
    assert AuditEvent.objects.filter(action="protocol.published").count() == 1

    # Public at a stable address, the exact signed bytes; the cabinet links it (COM-7, SUP-9).
    public = Client().get(application.decision_protocol_url)
    assert public.status_code == 200 and public["Content-Type"] == "application/pdf"
    assert public.content == bytes(protocol.pdf)
    assert application.decision_protocol_url == reverse("protocols:published", args=[protocol.pk])
    cabinet = Client()
    sign_in_for(cabinet, application.supplier, representative(application.supplier))
    page = cabinet.get(reverse("suppliers:status", args=[application.pk])).content.decode()
    assert f'href="{application.decision_protocol_url}"' in page


@pytest.mark.req("COM-6", "SUP-9", "COM-8")
def test_a_refusal_is_published_with_its_reasons_and_the_supplier_may_apply_again(
    commission, trusted
):
    meeting = open_meeting(commission)
    item = decided(
        trusted,
        commission,
        meeting.items.get(),
        proposal=AgendaItem.Proposal.REFUSE,
        reasons=["untrue_data", "missing_details"],
    )
    secretary = secretary_of(commission)
    protocol = services.form_protocol(item=item, secretary=secretary)
    text = pdf_text(bytes(protocol.pdf))
    assert "об отказе по причине" in text
    edition = item.application.edition
    with translation.override("ru"):
        reason = str(edition.refusal_reason("missing_details").text)
    assert " ".join(reason.split()) in " ".join(text.split())
    services.publish_protocol(protocol=sign_all(trusted, protocol), secretary=secretary)

    application = Application.objects.get(pk=item.application_id)
    assert application.status == Application.Status.REFUSED
    status = supplier_selectors.application_status(application)
    assert str(status.stage) == "Refused"
    assert [str(reason) for reason in status.reasons] == [
        str(edition.refusal_reason("untrue_data").text),
        str(edition.refusal_reason("missing_details").text),
    ]
    assert not RegisterEntry.objects.exists()


@pytest.mark.req("COM-6")
def test_no_decision_forms_no_protocol_and_a_signed_protocol_cannot_change(commission, trusted):
    meeting = open_meeting(commission, items=2)
    first, second = meeting.items.order_by("position")
    none = decided(trusted, commission, first, votes_for=3)
    assert none.status == AgendaItem.Status.NO_DECISION
    with pytest.raises(ProtocolRefused, match="only for an adopted decision"):
        services.form_protocol(item=none, secretary=secretary_of(commission))

    protocol = services.form_protocol(
        item=decided(trusted, commission, second), secretary=secretary_of(commission)
    )
    for change in ({"pdf": b"%PDF-1.7 forged"}, {"number": 99}, {"decision": "refuse"}):
        with pytest.raises(DatabaseError, match="commission_protocol"), transaction.atomic():
            Protocol.objects.filter(pk=protocol.pk).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic():
        Protocol.objects.filter(pk=protocol.pk).delete()
    assert bytes(Protocol.objects.get(pk=protocol.pk).pdf) == bytes(protocol.pdf)


@pytest.mark.req("COM-6")
def test_protocol_numbers_never_repeat_or_skip_when_formed_at_once(commission, trusted):
    meeting = open_meeting(commission, items=10)
    items = [decided(trusted, commission, item) for item in meeting.items.order_by("position")]
    secretary = secretary_of(commission)
    start = threading.Barrier(len(items))
    failures: list[BaseException] = []

    def form(item):
        start.wait()
        try:
            services.form_protocol(item=item, secretary=secretary)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=form, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    numbers = sorted(Protocol.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 11))
    assert set(Protocol.objects.values_list("status", flat=True)) == {Protocol.Status.FORMED}


@pytest.mark.req("COM-7", "CAL-2")
def test_a_protocol_published_after_its_day_is_recorded_as_overdue(commission, trusted):
    meeting = open_meeting(commission)
    item = decided(trusted, commission, meeting.items.get())
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    Protocol.objects.filter(pk=protocol.pk).update(
        publication_due=deadlines.today().replace(year=deadlines.today().year - 1)
    )
    services.publish_protocol(protocol=protocol, secretary=secretary)
    event = AuditEvent.objects.get(action="protocol.published")
    assert event.after["overdue"] is True
    assert selectors  # the module the workspace reads deadlines from


@pytest.mark.req("COM-2", "COM-3", "COM-4", "COM-5", "COM-6", "COM-7")
def test_every_act_of_the_commission_writes_its_audit_event_with_its_clause(commission, trusted):
    meeting = open_meeting(commission)
    item = meeting.items.get()
    member = selectors.members_of(meeting.composition)[3]
    services.record_check(application=item.application, member=member, agrees=True, remarks="")
    item = decided(trusted, commission, item, votes_for=5)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    services.publish_protocol(protocol=protocol, secretary=secretary)

    events = AuditEvent.objects.exclude(action="commission.composition_formed")
    acts = {
        "application.checked": 1,  # 2022 p.12
        "meeting.scheduled": 1,  # the secretary takes the application under review
        "meeting.attendance_recorded": 1,
        "meeting.opened": 1,
        "agenda_item.proposal_put": 1,
        "vote.cast": 7,
        "agenda_item.closed": 1,
        "protocol.numbered": 1,
        "protocol.formed": 1,
        "protocol.signed": 6 + 1 + 1,
        "protocol.published": 1,
    }
    for action, count in acts.items():
        assert events.filter(action=action).count() == count, action
    assert not events.filter(action__in=acts, basis="").exists(), "each names its clause"


ANNEX_2_FIELDS = (
    "Protocol",
    "The commission",
    "having considered the application for admission and registration on the portal of social "
    "services of (full name, or surname, first name and patronymic (if any) of the supplier)",
    "business identification number / individual identification number of the supplier",
    "kind of activity of the supplier",
    "decided:",
    "decision of the member of the commission",
    "decision of the chair of the commission",
    "surname, first name, patronymic (if any) of the secretary of the commission",
)


@pytest.mark.req("COM-6")
def test_the_protocol_has_every_field_of_annex_2_in_order_in_russian_and_in_kazakh(
    commission, trusted
):
    """The text extracted from the PDF, one language version after the other: the annex's
    fields in the annex's order, each followed by this decision's values."""
    meeting = open_meeting(commission)
    item = decided(trusted, commission, meeting.items.get(), votes_for=5)
    secretary = secretary_of(commission)
    protocol = services.form_protocol(item=item, secretary=secretary)
    text = " ".join(pdf_text(bytes(protocol.pdf)).split())
    application, chair = item.application, meeting.presided_by
    votes = list(item.votes.select_related("member", "signature"))
    members = [vote for vote in votes if vote.member != chair]
    position = 0
    for language in ("ru", "kk"):
        with translation.override(language):
            labels = [" ".join(translation.gettext(field).split()) for field in ANNEX_2_FIELDS]
            values = {
                0: [f"№ {protocol.number}", protocol.formed_on.strftime("%d.%m.%Y")],
                1: [str(commission)],
                2: [application.supplier.name],
                3: [application.supplier.identifier],
                4: [str(Offer(code).label) for code in application.offers],
                5: [translation.gettext("to admit and register.")],
                6: [vote.member.full_name for vote in members]
                + [vote.signature.certificate_serial for vote in members],
                7: [chair.full_name, secretary.full_name],
            }
            vote_for = str(Vote.Choice.FOR.label)
        starts = []
        for label in labels:
            position = text.index(label, position)
            starts.append(position)
        for n, expected in values.items():
            segment = text[starts[n] : starts[n + 1]]
            for value in expected:
                assert value in segment, (language, ANNEX_2_FIELDS[n], value)
        assert vote_for in text[starts[5] : starts[6]], "a member's decision line"
        assert vote_for in text[starts[6] : starts[7]], "the chair's decision line"
    assert text.count(secretary.full_name) == 2, "the secretary signs, once in each version"


@pytest.mark.req("COM-7", "SUP-9")
def test_an_application_withdrawn_while_on_the_agenda_is_no_longer_decided(commission, trusted):
    """Withdrawal stays open until the decision is published: the commission's acts on the
    withdrawn application are refused in words, and nothing decides or registers it."""
    meeting = open_meeting(commission, items=2)
    first, second = meeting.items.order_by("position")
    item = decided(trusted, commission, first, votes_for=5)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    supplier_services.withdraw_application(
        application=item.application, user=representative(item.application.supplier)
    )
    with pytest.raises(NoLongerAwaitsDecision, match="withdrawn"):
        services.publish_protocol(protocol=protocol, secretary=secretary)
    assert Protocol.objects.get(pk=protocol.pk).status == Protocol.Status.SIGNED
    application = Application.objects.get(pk=item.application_id)
    assert application.status == Application.Status.WITHDRAWN
    assert not RegisterEntry.objects.exists()

    proposed = services.put_proposal(item=second, by=meeting.presided_by, proposal="admit")
    supplier_services.withdraw_application(
        application=second.application, user=representative(second.application.supplier)
    )
    member = selectors.present_members(meeting)[1]
    proposed = AgendaItem.objects.select_related("application").get(pk=proposed.pk)
    assert "withdrawn" in services.vote_refusal(item=proposed, member=member)
    with pytest.raises(NoLongerAwaitsDecision):
        services.cast_vote(
            item=proposed,
            member=member,
            choice="for",
            cms=trusted.key_for(member.iin, Purpose.SIGN).sign(b"not reached"),
        )
