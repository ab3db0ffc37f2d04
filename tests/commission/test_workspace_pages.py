"""The employee workspace through its pages (Django test client): the region's inbox and an
application read only, meetings with attendance and quorum, the proposal, votes signed with EDS,
the protocol formed, signed and published; a member of another region gets 404 everywhere, and
the secretary's acts are refused to members."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from commission import selectors, services
from commission.models import AgendaItem, Meeting, Protocol, Vote
from egov_gateway.eds.signer import Purpose
from portal.deadlines import today
from portal.models import Role
from suppliers.models import Application
from tests.commission.helpers import chair
from tests.suppliers.factories import ApplicationFactory

ALMATY = "750000000"


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user)
    return client


def secretary_of(commission):
    return commission.compositions.get().secretary


def other_region_member(commission):
    from commission.models import Commission

    other = Commission.objects.get(region__kato=ALMATY)
    return selectors.members_of(other.compositions.get())[2]


def awaiting(commission) -> Application:
    from django.utils import timezone

    from suppliers.selectors import review_deadline

    application = ApplicationFactory(
        status=Application.Status.SUBMITTED,
        region=commission.region,
        email="s@example.kz",
        submitted_at=timezone.now(),
    )
    application.review_due = review_deadline(edition=application.edition, arrived_on=today())
    application.save(update_fields=["review_due"])
    return application


def sign_on_page(pki, client, url, person, data=None):
    """GET/POST the page, take the exact bytes it shows, sign them and post the CMS."""
    shown = client.post(url, data or {}) if data else client.get(url)
    assert shown.status_code == 200
    signing = shown.context["signing"]
    cms = pki.key_for(person.iin, Purpose.SIGN).sign(signing.data)
    import base64

    return client.post(url, {**(data or {}), "cms": base64.b64encode(cms).decode()})


@pytest.mark.req("COM-3", "E20-4")
def test_the_inbox_lists_the_regions_applications_with_their_deadline(commission):
    application = awaiting(commission)
    member = selectors.members_of(commission.compositions.get())[3]
    page = client_for(member).get(reverse("commission:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert application.supplier.name in text
    assert application.supplier.identifier in text
    assert f"{application.review_deadline.day:%d.%m.%Y}" in text

    detail = client_for(member).get(reverse("commission:application", args=[application.pk]))
    assert detail.status_code == 200
    assert application.supplier.identifier in detail.content.decode()

    stranger = client_for(other_region_member(commission))
    assert (
        application.supplier.name not in stranger.get(reverse("commission:inbox")).content.decode()
    )
    assert stranger.get(reverse("commission:application", args=[application.pk])).status_code == 404


def test_the_workspace_is_only_for_members_and_secretaries(commission):
    anonymous = Client().get(reverse("commission:inbox"))
    assert anonymous.status_code == 302
    supplier = ApplicationFactory().supplier
    from tests.suppliers.factories import representative

    assert client_for(representative(supplier)).get(reverse("commission:inbox")).status_code == 403
    assert "/workspace/" in client_for(secretary_of(commission)).get("/").content.decode()


@pytest.mark.req("COM-2", "COM-4", "COM-5", "COM-6", "COM-7")
def test_the_whole_way_through_the_pages(commission, trusted, mailoutbox):
    application = awaiting(commission)
    secretary = secretary_of(commission)
    composition = commission.compositions.get()
    members = selectors.members_of(composition)
    member = members[3]
    stranger = client_for(other_region_member(commission))
    office = client_for(secretary)

    # Scheduling is the secretary's: a member is refused, a secretary of another region too.
    schedule = reverse("commission:schedule")
    form = {"held_on": f"{today():%d.%m.%Y}", "applications": [application.pk]}
    assert client_for(member).post(schedule, form).status_code == 403
    scheduled = office.post(schedule, form)
    meeting = Meeting.objects.get()
    assert scheduled.url == reverse("commission:meeting", args=[meeting.pk])
    assert stranger.get(scheduled.url).status_code == 404

    # Attendance: 4 of 7 present is no quorum, the chair cannot open.
    attendance = reverse("commission:attendance", args=[meeting.pk])
    assert client_for(member).post(attendance, {"present": [members[0].pk]}).status_code == 403
    office.post(attendance, {"present": [m.pk for m in members[:4]]})
    page = office.get(scheduled.url).content.decode()
    assert "4 из 7" in page and "Кворума нет" in page
    refused = client_for(chair(commission)).post(reverse("commission:open", args=[meeting.pk]))
    assert refused.status_code == 200 and "не менее 5" in refused.content.decode()

    # Six present, the chair absent: the deputy chair opens (COM-2).
    office.post(attendance, {"present": [m.pk for m in members[1:]]})
    deputy = client_for(members[1])
    deputy.post(reverse("commission:open", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN and meeting.presided_by == members[1]

    item = meeting.items.get()
    item_url = reverse("commission:item", args=[item.pk])
    assert stranger.get(item_url).status_code == 404
    page = deputy.get(item_url).content.decode()
    assert "осталось набрать: 4" in page  # 4 votes for out of 7 members, none yet
    deputy.post(reverse("commission:propose", args=[item.pk]), {"proposal": "refuse"})
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.PENDING
    deputy.post(reverse("commission:propose", args=[item.pk]), {"proposal": "admit"})
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.VOTING

    # Votes: choose, then the exact document is shown and signed.
    vote_url = reverse("commission:vote", args=[item.pk])
    for voter in members[1:5]:
        done = sign_on_page(trusted, client_for(voter), vote_url, voter, {"choice": "for"})
        assert done.status_code == 302, done.content.decode()[:2000]
    assert Vote.objects.filter(item=item).count() == 4
    # Refused before anything is signed, with the reason in words.
    assert "уже проголосовали" in client_for(members[1]).get(vote_url).content.decode()
    absent = client_for(members[0]).post(vote_url, {"choice": "for"})
    assert "присутствующие" in absent.content.decode() and "signing" not in absent.context
    assert "не голосует" in office.get(vote_url).content.decode()
    assert stranger.get(vote_url).status_code == 404

    deputy.post(reverse("commission:close", args=[item.pk]))
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.ADOPTED

    # The protocol: formed by the secretary, signed by each signer, published.
    form_url = reverse("commission:form-protocol", args=[item.pk])
    assert deputy.post(form_url).status_code == 403
    office.post(form_url)
    protocol = Protocol.objects.get()
    protocol_url = reverse("commission:protocol", args=[protocol.pk])
    assert stranger.get(protocol_url).status_code == 404
    pdf = office.get(reverse("commission:protocol-pdf", args=[protocol.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(protocol.pdf)
    assert "ещё не подписал" in office.get(protocol_url).content.decode()

    for row in selectors.protocol_signers(protocol):
        url = reverse("commission:sign-protocol", args=[protocol.pk])
        done = sign_on_page(trusted, client_for(row.person), url, row.person)
        assert done.status_code == 302, done.content.decode()[:2000]
    assert Protocol.objects.get().status == Protocol.Status.SIGNED

    assert (
        client_for(member).post(reverse("commission:publish", args=[protocol.pk])).status_code
        == 403
    )
    office.post(reverse("commission:publish", args=[protocol.pk]))
    assert Protocol.objects.get().status == Protocol.Status.PUBLISHED
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED
    assert secretary.roles.filter(role=Role.SECRETARY).exists()


@pytest.mark.req("COM-8")
def test_a_refusal_is_proposed_with_reasons_from_the_editions_list(commission, trusted):
    from tests.commission.helpers import open_meeting

    meeting = open_meeting(commission)
    item = meeting.items.get()
    edition = item.application.edition
    reason = edition.refusal_reasons[1]
    presiding = client_for(chair(commission))
    propose = reverse("commission:propose", args=[item.pk])

    page = presiding.get(reverse("commission:item", args=[item.pk])).content.decode()
    assert page.count('name="reasons"') == len(edition.refusal_reasons)
    presiding.post(propose, {"proposal": "refuse", "reasons": ["not-a-reason"]})
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.PENDING
    presiding.post(propose, {"proposal": "refuse", "reasons": [reason.code]})
    item.refresh_from_db()
    assert (item.proposal, item.refusal_reasons) == ("refuse", [reason.code])

    member = selectors.present_members(meeting)[2]
    shown = client_for(member).post(
        reverse("commission:vote", args=[item.pk]), {"choice": "against"}
    )
    from django.utils import translation

    with translation.override("ru"):
        assert str(reason.text) in shown.context["signing"].document_text
    assert client_for(member).post(propose, {"proposal": "admit"}).status_code == 200
    assert AgendaItem.objects.get(pk=item.pk).proposal == "refuse"


@pytest.mark.req("COM-7")
def test_a_signed_protocol_not_published_in_time_is_shown_overdue(commission, trusted):
    import datetime

    from tests.commission.helpers import decided, open_meeting
    from tests.commission.test_protocols import sign_all

    item = decided(trusted, commission, open_meeting(commission).items.get(), votes_for=5)
    secretary = secretary_of(commission)
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    url = reverse("commission:protocol", args=[protocol.pk])
    assert "Срок истек" not in client_for(secretary).get(url).content.decode()
    Protocol.objects.filter(pk=protocol.pk).update(
        publication_due=today() - datetime.timedelta(days=1)
    )
    assert "Срок истек" in client_for(secretary).get(url).content.decode()
