"""The employee workspace in Chromium, through the sandbox NCALayer (COM-2 … COM-7): a member
records a check with remarks; the secretary schedules a meeting from the inbox and records
attendance; the chair signs in through the EDS sign-in page, opens it and puts the proposal;
members sign their votes (one, signed in with EDS too, by keyboard alone); the chair closes the
item; the secretary forms the protocol, every signer signs it and the secretary publishes it.
Every page is checked with axe in Russian (the journey) and in Kazakh (the same pages again); the
meeting and vote pages reflow at 320 px."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from commission import selectors
from commission.models import AgendaItem, Commission, Protocol, Vote
from portal.deadlines import today
from suppliers.models import Application
from suppliers.selectors import review_deadline
from tests.browser import eds_sandbox
from tests.browser.helpers import assert_accessible, sign_in_as, sign_in_with_eds, tab_to
from tests.suppliers.factories import ApplicationFactory

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser]

ASTANA = "710000000"
SIGN_BUTTON = "#eds-sign-button"


@pytest.fixture
def browser_locale():
    return "ru-RU"


@pytest.fixture
def commission(transactional_db, reference_rows):
    call_command("load_demo", "--without-application", verbosity=0)
    return Commission.objects.get(region__kato=ASTANA)


def waiting_application(commission) -> Application:
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED,
        region=commission.region,
        email="s@example.kz",
        submitted_at=timezone.now(),
    )
    application.review_due = review_deadline(edition=application.edition, arrived_on=today())
    application.save(update_fields=["review_due"])
    return application


def as_person(context, live_server, person) -> None:
    context.clear_cookies()
    sign_in_as(context, person, base_url=live_server.url)


def as_person_with_eds(page, context, person) -> None:
    """Sign in as a real member does: the EDS sign-in page, the member's own key in the sandbox
    NCALayer, the intent "staff" (ID-3)."""
    context.clear_cookies()
    sign_in_with_eds(page, intent="staff", signer=person.iin)


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, f"{path} -> {response.status}"
    assert_accessible(page)


def assert_reflows_at_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} needs horizontal scrolling at 320 px ({width} px)"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def vote_with_the_mouse(page, item_pk: int) -> None:
    visit(page, f"/workspace/items/{item_pk}/vote/")
    page.locator("input[name='choice'][value='for']").check()
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".eds-document__text")).to_contain_text("Голос члена комиссии")
    assert_accessible(page)
    page.click(SIGN_BUTTON)
    expect(page).to_have_url(re.compile(rf"/workspace/items/{item_pk}/$"))


def vote_by_keyboard(page, item_pk: int) -> None:
    visit(page, f"/workspace/items/{item_pk}/vote/")
    assert_reflows_at_320(page)
    tab_to(page, "input[name='choice'][value='for']")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type='submit']")
    page.keyboard.press("Enter")
    expect(page.locator(".eds-document__text")).to_contain_text("Голос: за")
    assert_accessible(page)
    assert_reflows_at_320(page)
    tab_to(page, SIGN_BUTTON)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/workspace/items/{item_pk}/$"))


@pytest.mark.req("COM-2", "COM-3", "COM-4", "COM-5", "COM-6", "COM-7")
def test_a_meeting_from_the_inbox_to_the_published_protocol(
    page, context, live_server, ncalayer_sandbox, commission
):
    application = waiting_application(commission)
    composition = commission.compositions.get()
    secretary = composition.secretary
    members = selectors.members_of(composition)
    chair = next(m for m in members if composition.seats.get(member=m).office == "chair")
    others = [m for m in members if m != chair]
    visited = ["/workspace/", f"/workspace/applications/{application.pk}/"]

    # A member records a check with remarks (COM-3); the secretary sees it below.
    as_person(context, live_server, others[5])
    visit(page, f"/workspace/applications/{application.pk}/")
    page.locator("main form[action$='/check/'] button").click()  # nothing chosen
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name='agrees'][value='no']").check()
    page.fill("textarea[name='remarks']", "Нет справки об отсутствии долгов")
    page.locator("main form[action$='/check/'] button").click()
    expect(page.locator(".task-list")).to_contain_text("есть замечания")
    assert_accessible(page)

    # The secretary: the inbox, the application, a meeting with it on the agenda.
    as_person(context, live_server, secretary)
    visit(page, "/workspace/")
    page.locator(f"main a[href='/workspace/applications/{application.pk}/']").click()
    expect(page.locator("h1")).to_contain_text(str(application.pk))
    expect(page.locator(".task-list")).to_contain_text("Нет справки об отсутствии долгов")
    assert_accessible(page)
    visit(page, "/workspace/meetings/new/")
    page.locator("main button[type='submit']").click()  # nothing chosen: the error summary
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator(f"input[name='applications'][value='{application.pk}']").check()
    page.locator("main button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"/workspace/meetings/\d+/$"))
    meeting_path = re.sub(r"^https?://[^/]+", "", page.url)
    visited += ["/workspace/meetings/new/", meeting_path]
    assert_accessible(page)
    for member in [chair, *others[:5]]:  # six of seven present
        page.locator(f"input[name='present'][value='{member.pk}']").check()
    page.locator("main form[action$='/attendance/'] button").click()
    expect(page.locator("#attendance-tally")).to_contain_text("6 из 7")
    assert_accessible(page)

    # The chair signs in with EDS, opens the meeting and proposes to admit.
    as_person_with_eds(page, context, chair)
    visit(page, meeting_path)
    page.locator("main form[action$='/open/'] button").click()
    expect(page.locator("main")).to_contain_text("Кворум есть")
    assert_reflows_at_320(page)
    item = AgendaItem.objects.get(meeting__commission=commission)
    item_path = f"/workspace/items/{item.pk}/"
    visited += [item_path, f"/workspace/items/{item.pk}/vote/"]
    visit(page, item_path)
    page.locator("input[name='proposal'][value='admit']").check()
    page.locator("main form[action$='/proposal/'] button").click()
    expect(page.locator("#item-tally")).to_contain_text("осталось набрать: 4")
    assert_accessible(page)
    vote_with_the_mouse(page, item.pk)

    # Three more members vote; the last by keyboard alone.
    for member in others[:2]:
        as_person(context, live_server, member)
        vote_with_the_mouse(page, item.pk)
    as_person_with_eds(page, context, others[2])
    vote_by_keyboard(page, item.pk)
    assert Vote.objects.filter(item=item).count() == 4

    as_person(context, live_server, chair)
    visit(page, item_path)
    expect(page.locator("#item-tally")).to_contain_text("осталось набрать: 0")
    page.locator("main form[action$='/close/'] button").click()
    expect(page.locator("main")).to_contain_text("решение принято")
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.ADOPTED

    # The protocol: formed, signed by everyone who signs it, published.
    as_person(context, live_server, secretary)
    visit(page, item_path)
    page.locator("main form[action$='/protocol/'] button").click()
    expect(page).to_have_url(re.compile(r"/workspace/protocols/\d+/$"))
    protocol = Protocol.objects.get()
    protocol_path = f"/workspace/protocols/{protocol.pk}/"
    visited += [protocol_path, f"/workspace/protocols/{protocol.pk}/sign/"]
    assert_accessible(page)
    pdf = page.request.get(f"{live_server.url}/workspace/protocols/{protocol.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == bytes(protocol.pdf)
    for row in selectors.protocol_signers(protocol):
        as_person(context, live_server, row.person)
        visit(page, f"/workspace/protocols/{protocol.pk}/sign/")
        page.click(SIGN_BUTTON)
        expect(page).to_have_url(re.compile(rf"{protocol_path}$"))
    assert Protocol.objects.get().status == Protocol.Status.SIGNED

    as_person(context, live_server, secretary)
    visit(page, protocol_path)
    page.locator("main form[action$='/publish/'] button").click()
    expect(page.locator("main")).to_contain_text("Протокол опубликован")
    assert_accessible(page)
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED

    # The same pages in Kazakh.
    context.add_cookies([{"name": "portal_language", "value": "kk", "url": live_server.url}])
    for path in visited:
        visit(page, path)
        assert page.locator("html").get_attribute("lang") == "kk"
