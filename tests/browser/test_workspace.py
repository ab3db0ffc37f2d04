"""The employee workspace in Chromium, through the sandbox NCALayer (COM-2 … COM-7, SUP-9): one
journey from the commission's inbox to the supplier's "approved".

The demo application (``load_demo``: ТОО «Ортопедия Астана» applied through the cabinet's own
services) waits in the Astana commission's inbox. A member records a check with remarks; the
secretary schedules a meeting with it and records attendance; the chair opens the meeting and puts
the proposal; members sign their votes (one by keyboard alone); the chair closes the item; the
secretary forms the protocol; every signer — each member who voted, the chair and the secretary —
signs it on its page; the secretary publishes it; the supplier signs in and finds "Одобрено" with
the link to the published protocol in its cabinet. Everyone signs in through the EDS sign-in page
with their own key in the sandbox NCALayer (ID-3), and signs with it.

Every page, in every state the journey meets (forms, error summaries, the signing steps, the
decided pages), is checked with axe in Russian and again in Kazakh (``check``); the main pages
also reflow at 320 px in both languages.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from commission import selectors
from commission.models import AgendaItem, Commission, Protocol, ProtocolSignature, Vote
from portal.deadlines import today
from portal.editions import Offer
from portal.models import ClassifierItem, User
from registers.models import RegisterEntry
from suppliers.models import Application, Offering
from suppliers.selectors import review_deadline
from tests.browser import eds_sandbox
from tests.browser.helpers import (
    SIGN_BUTTON,
    as_person,
    check,
    origin,
    sign_the_protocol,
    tab_to,
    visit,
    vote_with_the_mouse,
)
from tests.suppliers.factories import ApplicationFactory

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser]

ASTANA = "710000000"
# ТОО «Ортопедия Астана», the demo application's supplier; its head Каримов Асхат signs for it.
HEAD, ORTOPEDIA_BIN = "780623321477", "090440023188"


@pytest.fixture
def browser_locale():
    return "ru-RU"


@pytest.fixture
def demo_application(transactional_db, reference_rows, ncalayer_sandbox, settings, tmp_path):
    """``load_demo`` as ``make run`` does it: the demo commissions, and the demo supplier's
    application submitted through the cabinet's services, signed with its head's test key."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    return Application.objects.get(
        supplier__identifier=ORTOPEDIA_BIN, status=Application.Status.SUBMITTED
    )


def application_2020(region) -> Application:
    """An application filed under edition 2020, with an application per kind (2020 p.8): its
    kinds are decided on their own (E20-3)."""
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED,
        region=region,
        edition_code="2020",
        email="s2020@example.kz",
        submitted_at=timezone.now(),
        offers=[Offer.TECHNICAL_AIDS, Offer.SIGN_LANGUAGE],
    )
    application.review_due = review_deadline(edition=application.edition, arrived_on=today())
    application.save(update_fields=["review_due"])
    for code in ("G01.02", "S02"):
        Offering.objects.create(
            application=application, classifier_item=ClassifierItem.objects.get(code=code)
        )
    return application


def vote_by_keyboard(page: Page, item_pk: int) -> None:
    page.goto(f"/workspace/items/{item_pk}/vote/")
    tab_to(page, "input[name='choice'][value='for']")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type='submit']")
    page.keyboard.press("Enter")
    expect(page.locator(".eds-document__text")).to_contain_text("Голос: за")
    tab_to(page, SIGN_BUTTON)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/workspace/items/{item_pk}/$"))


def decide_per_kind(page: Page, item: AgendaItem) -> None:
    """The chair's proposal on each kind of an edition 2020 application, and the chair's vote
    on each kind, signed (E20-3): the forms, the signing step and the tallies per kind."""
    item_path = f"/workspace/items/{item.pk}/"
    visit(page, item_path, reflow=True)
    page.locator("main form[action$='/proposal/'] button").click()  # nothing chosen
    expect(page.locator(".error-summary")).to_be_visible()
    check(page)
    first, second = (kind_id for kind_id, _label in selectors.kinds_to_decide(item))
    page.locator(f"input[name='kind-{first}-proposal'][value='admit']").check()
    page.locator(f"input[name='kind-{second}-proposal'][value='refuse']").check()
    page.locator(f"input[name='kind-{second}-reasons']").first.check()
    page.locator("main form[action$='/proposal/'] button").click()
    expect(page.locator(f"#kind-tally-{second}")).to_contain_text("осталось набрать: 4")
    check(page, reflow=True)
    page.goto(f"{item_path}vote/")
    check(page, reflow=True)
    page.locator(f"input[name='kind-{first}'][value='for']").check()
    page.locator(f"input[name='kind-{second}'][value='against']").check()
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".eds-document__text")).to_contain_text("Вид товаров или услуг: S02")
    check(page, reflow=True)
    page.click(SIGN_BUTTON)
    expect(page).to_have_url(re.compile(rf"{item_path}$"))
    expect(page.locator(f"#kind-tally-{first}")).to_contain_text("1 за, 0 против")
    expect(page.locator(f"#kind-tally-{second}")).to_contain_text("0 за, 1 против")
    check(page)


@pytest.mark.req("COM-2", "COM-3", "COM-4", "COM-5", "COM-6", "COM-7", "SUP-9", "ID-3")
def test_from_the_inbox_to_the_suppliers_approval(page, live_server, demo_application):
    application = demo_application
    commission = Commission.objects.get(region__kato=ASTANA)
    under_2020 = application_2020(commission.region)
    composition = commission.compositions.get()
    secretary = composition.secretary
    members = selectors.members_of(composition)
    chair = next(m for m in members if composition.seats.get(member=m).office == "chair")
    others = [m for m in members if m != chair]
    application_path = f"/workspace/applications/{application.pk}/"

    # A member records a check with remarks (COM-3): the error first, then the remarks.
    as_person(page, others[5])
    visit(page, application_path, reflow=True)
    page.locator("main form[action$='/check/'] button").click()  # nothing chosen
    expect(page.locator(".error-summary")).to_be_visible()
    check(page)
    page.locator("input[name='agrees'][value='no']").check()
    page.fill("textarea[name='remarks']", "Нет справки об отсутствии долгов")
    page.locator("main form[action$='/check/'] button").click()
    expect(page.locator(".task-list")).to_contain_text("есть замечания")
    check(page)

    # The secretary: the inbox, the application with the member's remarks, the agenda.
    as_person(page, secretary)
    visit(page, "/workspace/", reflow=True)
    page.locator(f"main a[href='{application_path}']").click()
    expect(page.locator("h1")).to_contain_text(str(application.pk))
    expect(page.locator(".task-list")).to_contain_text("Нет справки об отсутствии долгов")
    check(page)
    visit(page, "/workspace/meetings/new/", reflow=True)
    page.locator("main button[type='submit']").click()  # nothing chosen: the error summary
    expect(page.locator(".error-summary")).to_be_visible()
    check(page)
    for on_the_agenda in (application, under_2020):
        page.locator(f"input[name='applications'][value='{on_the_agenda.pk}']").check()
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/workspace/meetings/\d+/$"))
    meeting_path = re.sub(r"^https?://[^/]+", "", page.url)
    check(page, reflow=True)
    for member in [chair, *others[:5]]:  # six of seven present
        page.locator(f"input[name='present'][value='{member.pk}']").check()
    page.locator("main form[action$='/attendance/'] button").click()
    expect(page.locator("#attendance-tally")).to_contain_text("6 из 7")
    check(page)

    # The chair opens the meeting, proposes to admit and votes first.
    as_person(page, chair)
    visit(page, meeting_path)
    page.locator("main form[action$='/open/'] button").click()
    expect(page.locator("main")).to_contain_text("Кворум есть")
    check(page, reflow=True)
    item = AgendaItem.objects.get(application=application)
    item_path = f"/workspace/items/{item.pk}/"
    visit(page, item_path, reflow=True)
    page.locator("input[name='proposal'][value='admit']").check()
    page.locator("main form[action$='/proposal/'] button").click()
    expect(page.locator("#item-tally")).to_contain_text("осталось набрать: 4")
    check(page)
    vote_with_the_mouse(page, item.pk, check_pages=True)
    check(page)  # the item after a vote: "you voted for"
    decide_per_kind(page, AgendaItem.objects.get(application=under_2020))

    # Three more members vote; the last by keyboard alone.
    for member in others[:2]:
        as_person(page, member)
        vote_with_the_mouse(page, item.pk)
    as_person(page, others[2])
    vote_by_keyboard(page, item.pk)
    assert Vote.objects.filter(item=item).count() == 4
    visit(page, f"/workspace/items/{item.pk}/vote/")  # may not vote again: told why
    expect(page.locator("main")).to_contain_text("Вы уже проголосовали")

    as_person(page, chair)
    visit(page, item_path)
    expect(page.locator("#item-tally")).to_contain_text("осталось набрать: 0")
    page.locator("main form[action$='/close/'] button").click()
    expect(page.locator("main")).to_contain_text("решение принято")
    check(page)
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.ADOPTED

    # The secretary forms the protocol.
    as_person(page, secretary)
    visit(page, item_path)
    page.locator("main form[action$='/protocol/'] button").click()
    expect(page).to_have_url(re.compile(r"/workspace/protocols/\d+/$"))
    check(page, reflow=True)
    protocol = Protocol.objects.get()
    pdf = page.request.get(f"{origin(page)}/workspace/protocols/{protocol.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == bytes(protocol.pdf)

    # Every signature of the protocol is given on its page: the members who voted, then the
    # chair (the presiding member's decision), and the secretary last, who then publishes it.
    signers = selectors.protocol_signers(protocol)
    assert [row.capacity for row in signers][-2:] == ["chair", "secretary"]
    assert signers[-2].person == chair and signers[-1].person == secretary
    for n, row in enumerate(signers[:-1]):
        as_person(page, row.person)
        sign_the_protocol(page, protocol, check_pages=n == 0)
    as_person(page, secretary)
    sign_the_protocol(page, protocol)
    check(page)
    signed = ProtocolSignature.objects.filter(protocol=protocol)
    assert sorted((s.signer_id, s.capacity) for s in signed) == sorted(
        (row.person.pk, row.capacity) for row in signers
    )
    assert Protocol.objects.get().status == Protocol.Status.SIGNED

    page.locator("main form[action$='/publish/'] button").click()
    expect(page.locator("main")).to_contain_text("Протокол опубликован")
    check(page)
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED
    assert RegisterEntry.objects.filter(supplier=application.supplier).exists()

    # The supplier signs in with its head's key and finds the decision in its cabinet (SUP-9).
    head = User.objects.get(iin=HEAD)
    as_person(page, head, intent="supplier", signer=f"{HEAD}|{ORTOPEDIA_BIN}")
    page.locator(".service-nav a[href='/cabinet/']").click()
    expect(page).to_have_url(re.compile(r"/cabinet/$"))
    check(page, reflow=True)
    page.locator(f"main a[href='/cabinet/applications/{application.pk}/']").click()
    expect(page.locator("main .tag")).to_contain_text("Одобрено")
    check(page, reflow=True)
    link = page.locator("main a[href^='/protocols/']")
    expect(link).to_contain_text(protocol.label)
    href = link.get_attribute("href")
    assert href == f"/protocols/{protocol.pk}/"
    public = page.request.get(f"{origin(page)}{href}")
    assert public.ok and public.headers["content-type"] == "application/pdf"
    assert public.body() == bytes(protocol.pdf)
