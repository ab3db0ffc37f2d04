"""E20-3, E20-4, E20-5 (edition 2020, items 8, 13, 14): the supplier files an application for
each kind of goods or services, and the commission approves each on its own. Within one agenda
item each kind has its own proposal (admit it, or refuse it with reasons of the seven of 2020),
each member's one signed vote says for or against on every kind, each kind is tallied and
adopted by the majority of all members, the protocol states the decision on each kind, and
publication registers the supplier only for the kinds admitted. Edition 2022 keeps one decision
per application.

The members are the demo commission of Astana (``load_demo``) with keys of the test PKI; the
signatures are real and verified by the server.
"""

from __future__ import annotations

import base64
import threading

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commission import selectors, services
from commission.models import AgendaItem, KindDecision, KindVote, Protocol, Vote
from commission.services import KindProposal
from commission.services.meetings import ProposalRefused
from commission.services.protocols import ProtocolRefused
from commission.services.votes import VoteRefused
from egov_gateway.eds.signer import Purpose
from portal.editions import Offer
from portal.models import ClassifierItem
from registers.models import RegisterEntry
from suppliers.models import Application, Offering
from tests.commission.helpers import chair
from tests.commission.test_protocols import pdf_text, sign_all
from tests.suppliers.factories import ApplicationFactory, representative
from tests.suppliers.test_views import sign_in_for

ADMIT, REFUSE = AgendaItem.Proposal.ADMIT, AgendaItem.Proposal.REFUSE
PROSTHESES, SIGN_LANGUAGE = "G01.02", "S02"  # goods; a specialist's service


def application_2020(commission) -> tuple[Application, Offering, Offering]:
    """An edition 2020 application with two per-kind applications (2020 p.8): lower-limb
    prostheses and the services of a sign-language specialist."""
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED,
        region=commission.region,
        edition_code="2020",
        email="s@example.kz",
        offers=[Offer.TECHNICAL_AIDS, Offer.SIGN_LANGUAGE],
    )
    kinds = [
        Offering.objects.create(
            application=application,
            classifier_item=ClassifierItem.objects.get(code=code),
            characteristics="…",
        )
        for code in (PROSTHESES, SIGN_LANGUAGE)
    ]
    return application, kinds[0], kinds[1]


def opened(commission, application, *, absent: int = 0):
    composition = commission.compositions.get()
    meeting = services.schedule_meeting(
        commission=commission,
        secretary=composition.secretary,
        held_on=composition.effective_from,
        applications=[application],
    )
    members = selectors.members_of(composition)
    services.record_attendance(
        meeting=meeting,
        secretary=composition.secretary,
        present=members[: len(members) - absent],
    )
    services.open_meeting(meeting=meeting, by=chair(commission))
    return meeting.items.get()


def vote(pki, item, member, kind_choices: dict[int, str]) -> Vote:
    document = services.vote_document(item=item, member=member, kind_choices=kind_choices)
    cms = pki.key_for(member.iin, Purpose.SIGN).sign(document)
    return services.cast_vote(item=item, member=member, cms=cms, kind_choices=kind_choices)


@pytest.mark.req("E20-3", "E20-4", "E20-5", "REG-1", "COM-6", "SUP-9")
def test_edition_2020_decides_each_kind_on_its_own_and_registers_only_the_kinds_admitted(
    commission, trusted
):
    application, prostheses, sign_language = application_2020(commission)
    item = opened(commission, application)
    assert item.decided_per_kind
    item = services.put_proposal(
        item=item,
        by=chair(commission),
        kinds=[
            KindProposal(prostheses.pk, ADMIT),
            KindProposal(
                sign_language.pk,
                REFUSE,
                ("deregistered_for_non_performance", "document_count_mismatch"),
            ),
        ],
    )
    # The item sums its kinds up: an admission, with the reasons of the refused kind.
    assert item.proposal == ADMIT
    assert item.refusal_reasons == ["document_count_mismatch", "deregistered_for_non_performance"]

    present = selectors.present_members(item.meeting)
    for n, member in enumerate(present):  # seven: six for each kind, one against the refusal
        vote(
            trusted,
            item,
            member,
            {prostheses.pk: "for", sign_language.pk: "for" if n else "against"},
        )
    kinds = {kind.offering_id: kind for kind in KindDecision.objects.filter(item=item)}
    assert (kinds[prostheses.pk].votes_for, kinds[prostheses.pk].votes_against) == (7, 0)
    assert (kinds[sign_language.pk].votes_for, kinds[sign_language.pk].votes_against) == (6, 1)
    assert KindVote.objects.filter(vote__item=item).count() == 2 * 7
    assert set(Vote.objects.filter(item=item).values_list("choice", flat=True)) == {""}

    item = services.close_item(item=item, by=chair(commission))
    assert item.status == AgendaItem.Status.ADOPTED
    outcomes = dict(KindDecision.objects.filter(item=item).values_list("offering_id", "outcome"))
    assert outcomes == {prostheses.pk: "adopted", sign_language.pk: "adopted"}
    with pytest.raises(DatabaseError), transaction.atomic():  # fixed once closed
        KindDecision.objects.filter(item=item).update(proposal=ADMIT)

    secretary = commission.compositions.get().secretary
    protocol = services.form_protocol(item=item, secretary=secretary)
    text = " ".join(pdf_text(bytes(protocol.pdf)).split())
    for part in (
        "Протезы нижних конечностей",  # the kinds, named in Russian …
        "Аяқ протездері",  # … and in Kazakh
        "по заявке на вид товара или услуги G01.02",
        "S02",
        "о допуске и регистрации",
        "об отказе по причине",
        "Количество приложенных документов",  # 2020 p.14(2), in the annex's words
        "G01.02: за; S02: против",  # the member who voted against the refusal
    ):
        assert part in text, part

    protocol = sign_all(trusted, protocol)
    services.publish_protocol(protocol=protocol, secretary=secretary)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.refusal_reasons == []
    # The specialists' registry is for sign-language specialists: the refused kind enters none.
    registers = set(
        RegisterEntry.objects.filter(supplier=application.supplier).values_list(
            "register", flat=True
        )
    )
    assert registers == {"suppliers"}
    # The supplier is told the decision on each kind, with the reasons of the refused one.
    cabinet = Client()
    sign_in_for(cabinet, application.supplier, representative(application.supplier))
    with translation.override("ru"):
        page = cabinet.get(
            reverse("suppliers:status", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="ru"
        ).content.decode()
    decisions = page[page.index("Решение по каждому виду") :]
    assert decisions.index("Протезы нижних конечностей") < decisions.index("Одобрено")
    assert (
        decisions.index("S02")
        < decisions.index("Отказано")
        < decisions.index("Количество приложенных документов")
    )
    assert "specialists" in {
        register.code
        for register in application.edition.registers_for(
            supplier_kind=application.supplier.kind, offers=application.offers
        )
    }, "the whole application's offers would have entered the specialists' registry"


@pytest.mark.req("E20-3", "E20-5", "COM-6", "SUP-9")
def test_edition_2020_every_kind_refused_refuses_the_application_with_their_reasons(
    commission, trusted
):
    application, prostheses, sign_language = application_2020(commission)
    item = opened(commission, application)
    item = services.put_proposal(
        item=item,
        by=chair(commission),
        kinds=[
            KindProposal(prostheses.pk, REFUSE, ("missing_details",)),
            KindProposal(sign_language.pk, REFUSE, ("requirements_not_met",)),
        ],
    )
    assert item.proposal == REFUSE
    for member in selectors.present_members(item.meeting):
        vote(trusted, item, member, {prostheses.pk: "for", sign_language.pk: "for"})
    item = services.close_item(item=item, by=chair(commission))
    secretary = commission.compositions.get().secretary
    protocol = sign_all(trusted, services.form_protocol(item=item, secretary=secretary))
    assert protocol.decision == REFUSE
    services.publish_protocol(protocol=protocol, secretary=secretary)
    application.refresh_from_db()
    assert application.status == Application.Status.REFUSED
    assert application.refusal_reasons == ["requirements_not_met", "missing_details"]
    assert not RegisterEntry.objects.filter(supplier=application.supplier).exists()


@pytest.mark.req("E20-3", "E20-4", "COM-5")
def test_edition_2020_a_kind_short_of_the_majority_has_no_decision_and_the_application_waits(
    commission, trusted
):
    application, prostheses, sign_language = application_2020(commission)
    item = opened(commission, application, absent=2)  # five of seven present
    item = services.put_proposal(
        item=item,
        by=chair(commission),
        kinds=[KindProposal(prostheses.pk, ADMIT), KindProposal(sign_language.pk, ADMIT)],
    )
    for n, member in enumerate(selectors.present_members(item.meeting)):
        # prostheses: 4 for of 7 members (adopted); sign language: 3 for (short of 4)
        vote(
            trusted,
            item,
            member,
            {
                prostheses.pk: "for" if n < 4 else "against",
                sign_language.pk: "for" if n < 3 else "against",
            },
        )
    assert selectors.tally_of(item).votes_for == 0  # the item's own tally is not used
    item = services.close_item(item=item, by=chair(commission))
    outcomes = dict(KindDecision.objects.filter(item=item).values_list("offering_id", "outcome"))
    assert outcomes == {prostheses.pk: "adopted", sign_language.pk: "no_decision"}
    assert item.status == AgendaItem.Status.NO_DECISION
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    assert application.awaits_decision
    with pytest.raises(ProtocolRefused):
        services.form_protocol(item=item, secretary=commission.compositions.get().secretary)
    assert not Protocol.objects.exists()


@pytest.mark.req("E20-3", "E20-5")
def test_edition_2020_proposals_and_votes_must_name_every_kind(commission, trusted):
    application, prostheses, sign_language = application_2020(commission)
    item = opened(commission, application)
    by = chair(commission)
    with pytest.raises(ProposalRefused, match="each kind"):
        services.put_proposal(item=item, by=by, proposal=ADMIT)
    with pytest.raises(ProposalRefused, match="every kind"):
        services.put_proposal(item=item, by=by, kinds=[KindProposal(prostheses.pk, ADMIT)])
    with pytest.raises(ProposalRefused, match="every kind"):
        services.put_proposal(
            item=item,
            by=by,
            kinds=[KindProposal(prostheses.pk, ADMIT), KindProposal(prostheses.pk, ADMIT)],
        )
    with pytest.raises(ProposalRefused, match="at least one reason"):  # a reason of 2022 only
        services.put_proposal(
            item=item,
            by=by,
            kinds=[
                KindProposal(prostheses.pk, ADMIT),
                KindProposal(sign_language.pk, REFUSE, ("law_article_32_2",)),
            ],
        )
    assert not KindDecision.objects.exists()
    item = services.put_proposal(
        item=item,
        by=by,
        kinds=[
            KindProposal(prostheses.pk, ADMIT),
            KindProposal(sign_language.pk, REFUSE, ("illegible_documents",)),
        ],
    )

    member = selectors.present_members(item.meeting)[2]
    choices = {prostheses.pk: "for", sign_language.pk: "against"}
    text = services.vote_document(item=item, member=member, kind_choices=choices).decode()
    lines = text.splitlines()
    assert f"Kind of goods or services: {PROSTHESES} Lower-limb prostheses" in lines
    assert lines.index("Vote: for") < lines.index("Vote: against")
    assert "illegible" in text.lower() and member.iin in text and "2020" in text

    document = services.vote_document(item=item, member=member, kind_choices=choices)
    cms = trusted.key_for(member.iin, Purpose.SIGN).sign(document)
    for wrong in (
        {"choice": "for"},  # one vote for the whole application
        {"kind_choices": {prostheses.pk: "for"}},  # a kind left out
        {"kind_choices": {prostheses.pk: "for", sign_language.pk: "maybe"}},
    ):
        with pytest.raises(VoteRefused, match="each kind"):
            services.cast_vote(item=item, member=member, cms=cms, **wrong)
    other = {prostheses.pk: "for", sign_language.pk: "for"}  # signed "against", posted "for"
    with pytest.raises(Exception, match="(?i)signature|document"):
        services.cast_vote(item=item, member=member, cms=cms, kind_choices=other)
    assert not Vote.objects.exists()
    services.cast_vote(item=item, member=member, cms=cms, kind_choices=choices)
    assert selectors.kind_votes_of(Vote.objects.get()) == choices


@pytest.mark.req("COM-5", "E20-3")
def test_edition_2022_keeps_one_decision_per_application(commission, trusted):
    application, prostheses, _sign_language = application_2020(commission)
    Application.objects.filter(pk=application.pk).update(edition_code="2022")
    item = opened(commission, Application.objects.get(pk=application.pk))
    assert not item.decided_per_kind
    with pytest.raises(ProposalRefused, match="as a whole"):
        services.put_proposal(
            item=item, by=chair(commission), kinds=[KindProposal(prostheses.pk, ADMIT)]
        )
    item = services.put_proposal(item=item, by=chair(commission), proposal=ADMIT)
    member = selectors.present_members(item.meeting)[1]
    with pytest.raises(VoteRefused, match="for or against the proposal"):
        services.cast_vote(
            item=item, member=member, choice="for", cms=b"", kind_choices={prostheses.pk: "for"}
        )
    assert not KindDecision.objects.exists()


@pytest.mark.req("E20-3", "E20-5", "COM-6")
def test_edition_2020_through_the_workspace_pages_proposal_and_vote_per_kind(commission, trusted):
    application, prostheses, sign_language = application_2020(commission)
    item = opened(commission, application)
    pages = Client()
    pages.force_login(chair(commission))
    item_url = reverse("commission:item", args=[item.pk])
    form = pages.get(item_url).content.decode()
    assert f'name="kind-{prostheses.pk}-proposal"' in form
    assert f'name="kind-{sign_language.pk}-reasons"' in form
    assert 'name="proposal"' not in form

    refused = pages.post(
        reverse("commission:propose", args=[item.pk]),
        {f"kind-{prostheses.pk}-proposal": "admit", f"kind-{sign_language.pk}-proposal": "refuse"},
    )
    assert refused.status_code == 200 and b"error-summary" in refused.content
    assert not KindDecision.objects.exists()
    answer = pages.post(
        reverse("commission:propose", args=[item.pk]),
        {
            f"kind-{prostheses.pk}-proposal": "admit",
            f"kind-{sign_language.pk}-proposal": "refuse",
            f"kind-{sign_language.pk}-reasons": ["missing_details"],
        },
    )
    assert answer.status_code == 302
    proposals = dict(KindDecision.objects.values_list("offering_id", "proposal"))
    assert proposals == {prostheses.pk: "admit", sign_language.pk: "refuse"}

    vote_url = reverse("commission:vote", args=[item.pk])
    choices = {f"kind-{prostheses.pk}": "for", f"kind-{sign_language.pk}": "against"}
    step = pages.post(vote_url, choices).content.decode()
    assert "eds-sign-button" in step and 'value="against"' in step
    member = chair(commission)
    kind_choices = {prostheses.pk: "for", sign_language.pk: "against"}
    with translation.override("ru"):
        document = services.vote_document(item=item, member=member, kind_choices=kind_choices)
    cms = trusted.key_for(member.iin, Purpose.SIGN).sign(document)
    done = pages.post(
        vote_url,
        {**choices, "cms": base64.b64encode(cms).decode()},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert selectors.kind_votes_of(Vote.objects.get(member=member)) == kind_choices
    shown = pages.get(item_url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'id="kind-tally-{sign_language.pk}"' in shown and "G01.02: за; S02: против" in shown


@pytest.mark.req("E20-3", "COM-5")
def test_parallel_votes_per_kind_are_never_lost_or_counted_twice(commission, trusted):
    """Seven members vote on both kinds at once (one of them twice), several times over: each
    kind's tally is exact."""
    for _ in range(5):
        application, prostheses, sign_language = application_2020(commission)
        item = opened(commission, application)
        item = services.put_proposal(
            item=item,
            by=chair(commission),
            kinds=[KindProposal(prostheses.pk, ADMIT), KindProposal(sign_language.pk, ADMIT)],
        )
        members = selectors.present_members(item.meeting)
        ballots = []
        for n, member in enumerate(members):
            choices = {
                prostheses.pk: "for" if n < 5 else "against",
                sign_language.pk: "for" if n < 2 else "against",
            }
            document = services.vote_document(item=item, member=member, kind_choices=choices)
            ballots.append(
                (member, choices, trusted.key_for(member.iin, Purpose.SIGN).sign(document))
            )
        ballots.append(ballots[0])
        start = threading.Barrier(len(ballots))
        outcomes: list[str] = []

        def cast(member, choices, cms, item=item, start=start, outcomes=outcomes):
            start.wait()
            try:
                services.cast_vote(item=item, member=member, cms=cms, kind_choices=choices)
                outcomes.append("stored")
            except VoteRefused:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=cast, args=ballot) for ballot in ballots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["refused"] + ["stored"] * 7
        tallies = {
            kind.offering_id: (kind.votes_for, kind.votes_against)
            for kind in KindDecision.objects.filter(item=item)
        }
        assert tallies == {prostheses.pk: (5, 2), sign_language.pk: (2, 5)}
        assert KindVote.objects.filter(vote__item=item).count() == 14
        services.close_item(item=item, by=chair(commission))
