"""EDS in Chromium through the sandbox NCALayer (ID-3, ID-4): the real pages, the real
``ncalayer.js``, a real WebSocket to the sandbox, real CMS verified by the server.

The sandbox (``eds_sandbox.py``) signs with a test PKI made for these tests with keys for the demo
people (``portal/reference_data/demo.json``), whom ``load_demo`` puts in the database.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from egov_gateway.eds import errors
from egov_gateway.eds.models import SignInChallenge
from egov_gateway.eds.signin import StaffAccountMissing
from portal.audit.models import AuditEvent
from portal.models import Role, RoleAssignment, User
from tests.browser import eds_sandbox
from tests.browser.helpers import assert_accessible, choose_eds_signer, sign_in_as

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.req("ID-3"), pytest.mark.req("ID-4")]

SUPPLIER, SUPPLIER_BIN = "780623321477", "090440023188"  # Каримов Асхат, ТОО «Ортопедия Астана»
MEMBER = "680312310211"  # Серикбаев Ерлан, chair in Astana
RECIPIENT = "750506410882"  # Әбенова Зәуре
SIGN_BUTTON = "#eds-sign-button"
ERROR_REGION = "[data-eds-error]"


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", "--without-application", verbosity=0)


def translated(message) -> str:
    with translation.override("kk"):  # the browser's language in these tests
        return str(message)


def client_message(page, key: str) -> str:
    """A message of ncalayer.js as the server rendered it into the page."""
    return page.evaluate(
        """(key) => document.querySelector('template[data-eds-messages]')
               .content.querySelector(`[data-key="${key}"]`).textContent.trim()""",
        key,
    )


choose = choose_eds_signer


def test_demo_supplier_signs_in_with_the_organisation_auth_key(
    page, live_server, ncalayer_sandbox, demo_data
):
    page.goto("/eds/sign-in/")
    expect(page.locator(SIGN_BUTTON)).to_be_visible()
    assert_accessible(page)

    choose(page, intent="supplier", signer=f"{SUPPLIER}|{SUPPLIER_BIN}")
    page.click(SIGN_BUTTON)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".account__name")).to_contain_text("Каримов Асхат")
    assert_accessible(page)
    supplier = User.objects.get(iin=SUPPLIER)
    event = AuditEvent.objects.get(action="auth.eds_sign_in")
    assert event.actor == supplier
    assert event.after["bin"] == SUPPLIER_BIN
    assert RoleAssignment.objects.filter(user=supplier, role=Role.SUPPLIER).count() == 1


def test_commission_member_signs_in_with_the_personal_auth_key(
    page, live_server, ncalayer_sandbox, demo_data
):
    page.goto("/eds/sign-in/")
    choose(page, intent="staff", signer=MEMBER)
    page.click(SIGN_BUTTON)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".account__name")).to_contain_text("Серикбаев Ерлан")
    assert AuditEvent.objects.get(action="auth.eds_sign_in").actor.iin == MEMBER


def test_first_sign_in_of_a_new_recipient_creates_the_account(page, live_server, ncalayer_sandbox):
    page.goto("/eds/sign-in/")
    choose(page, intent="recipient", signer=RECIPIENT)
    page.click(SIGN_BUTTON)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".notification-banner[role='status']")).to_have_count(1)
    assert User.objects.get(iin=RECIPIENT).has_role(Role.RECIPIENT)


def test_cancelled_signing_shows_why_and_keeps_the_choices(page, ncalayer_sandbox, demo_data):
    ncalayer_sandbox.simulate = "cancel"
    page.goto("/eds/sign-in/")
    choose(page, intent="staff", signer=MEMBER)
    url = page.url
    page.click(SIGN_BUTTON)

    expect(page.locator(ERROR_REGION)).to_have_text(client_message(page, "cancelled"))
    assert page.url == url, "nothing was posted"
    expect(page.locator("input[name='intent'][value='staff']")).to_be_checked()
    expect(page.locator("#id_test_signer")).to_have_value(MEMBER)
    expect(page.locator(".account__name")).to_have_count(0)
    assert not SignInChallenge.objects.filter(used_at__isnull=False).exists()
    assert_accessible(page)

    # The person tries again, and this time signs.
    ncalayer_sandbox.simulate = ""
    page.click(SIGN_BUTTON)
    expect(page.locator(".account__name")).to_contain_text("Серикбаев Ерлан")


def test_key_of_the_wrong_purpose_is_refused_by_the_server_and_the_choices_stay(
    page, ncalayer_sandbox, demo_data
):
    ncalayer_sandbox.simulate = "wrong_purpose"  # the signing key, not the AUTH one
    page.goto("/eds/sign-in/")
    choose(page, intent="staff", signer=MEMBER)
    page.click(SIGN_BUTTON)

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(translated(errors.WrongKeyPurpose.message))
    expect(summary).to_be_focused()
    expect(page.locator("input[name='intent'][value='staff']")).to_be_checked()
    expect(page.locator("#id_test_signer")).to_have_value(MEMBER)
    expect(page.locator(".account__name")).to_have_count(0)
    assert AuditEvent.objects.get(action="auth.eds_sign_in_refused").after["reason"] == (
        "wrong_key_purpose"
    )
    assert_accessible(page)

    summary.locator("a[href='#eds-sign-button']").click()
    expect(page.locator(SIGN_BUTTON)).to_be_focused()


def test_person_without_a_staff_account_is_told_who_registers_staff(
    page, ncalayer_sandbox, demo_data
):
    page.goto("/eds/sign-in/")
    choose(page, intent="staff", signer=RECIPIENT)
    page.click(SIGN_BUTTON)
    expect(page.locator(".error-summary")).to_contain_text(translated(StaffAccountMissing.message))
    assert_accessible(page)


def test_ncalayer_not_running_is_explained(page, ncalayer_sandbox, settings):
    settings.NCALAYER_URL = "ws://127.0.0.1:9/"  # nothing listens there
    page.goto("/eds/sign-in/")
    choose(page, intent="supplier", signer=SUPPLIER)
    page.click(SIGN_BUTTON)
    expect(page.locator(ERROR_REGION)).to_have_text(client_message(page, "not_running"))
    expect(page.locator("input[name='intent'][value='supplier']")).to_be_checked()
    assert_accessible(page)


def test_ncalayer_failure_shows_its_message(page, ncalayer_sandbox):
    ncalayer_sandbox.simulate = "error"
    page.goto("/eds/sign-in/")
    choose(page, intent="supplier", signer=SUPPLIER)
    page.click(SIGN_BUTTON)
    expect(page.locator(ERROR_REGION)).to_contain_text("Simulated NCALayer failure")


def test_missing_choice_is_reported_by_the_server_before_ncalayer_is_asked(page, ncalayer_sandbox):
    page.goto("/eds/sign-in/")
    page.click(SIGN_BUTTON)
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#intent-error")).to_be_visible()
    page.locator(".error-summary a[href='#id_intent_0']").click()
    expect(page.locator("#id_intent_0")).to_be_focused()
    assert_accessible(page)


def test_signature_check_signs_the_shown_document_and_shows_the_result(
    page, context, live_server, ncalayer_sandbox, demo_data
):
    sign_in_as(context, User.objects.get(iin=MEMBER), base_url=live_server.url)
    page.goto("/eds/check/")
    expect(page.locator(".eds-document__text")).to_contain_text(MEMBER)
    assert_accessible(page)

    page.click(SIGN_BUTTON)
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator(".eds-result")).to_contain_text(MEMBER)
    assert_accessible(page)


def test_signature_check_with_another_persons_key_is_refused_and_the_document_stays(
    page, context, live_server, ncalayer_sandbox, demo_data
):
    sign_in_as(context, User.objects.get(iin=MEMBER), base_url=live_server.url)
    ncalayer_sandbox.simulate = "wrong_person"
    page.goto("/eds/check/")
    document = page.locator(".eds-document__text").inner_text()
    page.click(SIGN_BUTTON)

    expect(page.locator(".error-summary")).to_contain_text(
        translated(errors.WrongSignerIin.message)
    )
    assert page.locator(".eds-document__text").inner_text() == document, "the same document"
    assert_accessible(page)


def test_without_javascript_the_pages_explain_that_signing_needs_ncalayer(
    browser, live_server, reference_rows, ncalayer_sandbox, demo_data
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/eds/sign-in/")
        expect(page.locator(SIGN_BUTTON)).to_be_hidden()
        expect(page.locator("main")).to_contain_text("NCALayer")
        sign_in_as(context, User.objects.get(iin=MEMBER), base_url=live_server.url)
        page.goto("/eds/check/")
        expect(page.locator(".eds-document__text")).to_contain_text(MEMBER)
        expect(page.locator(SIGN_BUTTON)).to_be_hidden()
    finally:
        context.close()
