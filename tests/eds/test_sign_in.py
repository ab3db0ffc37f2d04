"""ID-3: sign-in by EDS, a single-use server challenge signed with the authentication key.

The signatures are real CMS made with the session's test PKI (``conftest.py``); the pages are
driven through Django's test client, as a browser would post what NCALayer returned.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from egov_gateway.eds import oids
from egov_gateway.eds.models import SignInChallenge
from egov_gateway.eds.signer import Purpose
from egov_gateway.eds.signin import (
    BINDING_COOKIE,
    CHALLENGE_SALT,
    ChallengeReplayed,
    SignInIntent,
    issue_challenge,
    new_browser_secret,
    use_up_challenge,
)
from portal.audit.models import AuditEvent
from portal.identity import signed_in_identity
from portal.models import Role, RoleAssignment, User
from tests.helpers.people import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trust_test_pki")]

SIGN_IN = reverse("eds:sign-in")
PERSON = "900101300017"  # Тестов Алихан Ерланұлы
OTHER_PERSON = "850505400018"  # Тестова Айгерім Нұрланқызы
HEAD, HEAD_BIN = "770303300016", "100440000014"  # head of ТОО «ТЕСТ ОРТОПЕДИЯ»


def open_sign_in(client: Client) -> SignInChallenge:
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    return response.context["challenge"]


def browser_secret_of(client: Client) -> str:
    """The secret the sign-in page left in this browser's cookie."""
    request = RequestFactory().get(SIGN_IN)
    request.COOKIES[BINDING_COOKIE] = client.cookies[BINDING_COOKIE].value
    return request.get_signed_cookie(BINDING_COOKIE, salt=CHALLENGE_SALT)


def post_signature(client: Client, challenge: SignInChallenge, cms: bytes, intent: str):
    return client.post(
        SIGN_IN,
        {
            "challenge": str(challenge.public_id),
            "cms": base64.b64encode(cms).decode(),
            "intent": intent,
        },
    )


def auth_signature(pki, challenge, iin=PERSON, bin=None, **options) -> bytes:
    return pki.key_for(iin, Purpose.AUTH, bin, **options).sign(bytes(challenge.nonce))


def refusal(response) -> str:
    """The message the page shows for a refused sign-in (and nobody is signed in)."""
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
    errors = response.context["form"].signature_errors()
    assert len(errors) == 1, errors
    assert errors[0] in response.content.decode()
    return str(errors[0])


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.req("ID-3")
def test_sign_in_page_asks_ncalayer_to_sign_a_fresh_challenge_with_the_auth_key(client, settings):
    settings.NCALAYER_URL = "ws://127.0.0.1:45678/"
    first = open_sign_in(client)
    response = client.get(SIGN_IN)
    second = response.context["challenge"]
    page = response.content.decode()

    assert len(bytes(first.nonce)) == 32
    assert bytes(first.nonce) != bytes(second.nonce)
    assert f'data-eds-data="{base64.b64encode(bytes(second.nonce)).decode()}"' in page
    assert f'data-eds-eku="{oids.EKU_CLIENT_AUTH}"' in page
    assert 'data-ncalayer-url="ws://127.0.0.1:45678/"' in page
    assert f'name="challenge" value="{second.public_id}"' in page
    assert second.expires_at - second.created_at == timedelta(minutes=5)
    assert second.used_at is None


@pytest.mark.req("ID-3")
def test_challenge_lifetime_is_a_setting(client, settings):
    settings.EDS_SIGN_IN_CHALLENGE_SECONDS = 90
    challenge = open_sign_in(client)
    assert challenge.expires_at - challenge.created_at == timedelta(seconds=90)


@pytest.mark.req("ID-3")
@pytest.mark.parametrize("algorithm", ["rsa", "ec"])
def test_commission_member_signs_in_with_the_auth_key_and_is_found_by_iin(
    client, test_pki, algorithm
):
    member = make_user(role=Role.MEMBER, iin=OTHER_PERSON, full_name="Тестова Айгерім")
    challenge = open_sign_in(client)

    response = post_signature(
        client,
        challenge,
        auth_signature(test_pki, challenge, OTHER_PERSON, algorithm=algorithm),
        SignInIntent.STAFF,
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert signed_in_user_id(client) == str(member.pk)
    assert User.objects.count() == 1, "no account is created for staff"
    identity = signed_in_identity(client.session)
    assert identity["iin"] == OTHER_PERSON
    assert identity["bin"] == ""
    assert identity["role_oids"] == [oids.ROLE_INDIVIDUAL]
    used = SignInChallenge.objects.get(nonce=challenge.nonce)
    assert used.used_at is not None
    assert used.used_by_iin == OTHER_PERSON
    event = AuditEvent.objects.get(action="auth.eds_sign_in")
    assert event.actor == member
    assert (
        event.after["certificate_serial"]
        == test_pki.key_for(OTHER_PERSON, Purpose.AUTH, algorithm=algorithm).serial
    )


@pytest.mark.req("ID-3")
def test_sign_in_returns_to_the_page_that_asked_for_it(client, test_pki):
    make_user(role=Role.MEMBER, iin=OTHER_PERSON)
    response = client.get(reverse("eds:check"))
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={reverse('eds:check')}"

    response = client.get(response["Location"])
    challenge = response.context["challenge"]
    assert f'name="next" value="{reverse("eds:check")}"' in response.content.decode()
    response = client.post(
        SIGN_IN,
        {
            "challenge": str(challenge.public_id),
            "cms": base64.b64encode(auth_signature(test_pki, challenge, OTHER_PERSON)).decode(),
            "intent": SignInIntent.STAFF,
            "next": reverse("eds:check"),
        },
    )
    assert response["Location"] == reverse("eds:check")


@pytest.mark.req("ID-3")
def test_sign_in_never_redirects_to_another_site(client, test_pki):
    make_user(role=Role.MEMBER, iin=OTHER_PERSON)
    challenge = open_sign_in(client)
    response = client.post(
        SIGN_IN,
        {
            "challenge": str(challenge.public_id),
            "cms": base64.b64encode(auth_signature(test_pki, challenge, OTHER_PERSON)).decode(),
            "intent": SignInIntent.STAFF,
            "next": "https://attacker.example/",
        },
    )
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


@pytest.mark.req("ID-3")
def test_first_sign_in_of_a_supplier_with_an_organisation_key_creates_the_account_with_the_bin(
    client, test_pki
):
    challenge = open_sign_in(client)
    response = post_signature(
        client, challenge, auth_signature(test_pki, challenge, HEAD, HEAD_BIN), "supplier"
    )

    assert response.status_code == 302
    user = User.objects.get(iin=HEAD)
    assert signed_in_user_id(client) == str(user.pk)
    assert user.full_name == "Басшы Ерлан Серікұлы"
    assert not user.has_usable_password()
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.organisation_bin) == (Role.SUPPLIER, HEAD_BIN)
    identity = signed_in_identity(client.session)
    assert identity["bin"] == HEAD_BIN
    assert identity["organisation"] == "ТОО «ТЕСТ ОРТОПЕДИЯ»"
    assert set(identity["role_oids"]) == {oids.ROLE_EMPLOYEE, oids.ROLE_HEAD}
    created = AuditEvent.objects.get(action="auth.account_created_by_eds")
    assert created.after["roles"] == [Role.SUPPLIER]
    assert AuditEvent.objects.filter(action="auth.eds_sign_in", actor=user).count() == 1


@pytest.mark.req("ID-3")
def test_returning_supplier_is_found_and_gets_no_second_account_or_role(client, test_pki):
    supplier = make_user(iin=HEAD)
    RoleAssignment.objects.create(user=supplier, role=Role.SUPPLIER, organisation_bin=HEAD_BIN)
    for _ in range(2):
        client.logout()
        challenge = open_sign_in(client)
        response = post_signature(
            client, challenge, auth_signature(test_pki, challenge, HEAD, HEAD_BIN), "supplier"
        )
        assert response.status_code == 302
        assert signed_in_user_id(client) == str(supplier.pk)
    assert User.objects.count() == 1
    assert supplier.roles.count() == 1


@pytest.mark.req("ID-3")
def test_individual_supplier_registers_with_a_personal_key_without_a_bin(client, test_pki):
    challenge = open_sign_in(client)
    post_signature(client, challenge, auth_signature(test_pki, challenge, PERSON), "supplier")
    user = User.objects.get(iin=PERSON)
    assert list(user.roles.values_list("role", "organisation_bin")) == [(Role.SUPPLIER, "")]
    assert signed_in_identity(client.session)["bin"] == ""


@pytest.mark.req("ID-3")
def test_recipient_registers_on_first_sign_in(client, test_pki):
    challenge = open_sign_in(client)
    response = post_signature(
        client, challenge, auth_signature(test_pki, challenge, PERSON), "recipient"
    )
    assert response.status_code == 302
    user = User.objects.get(iin=PERSON)
    assert list(user.roles.values_list("role", flat=True)) == [Role.RECIPIENT]


@pytest.mark.req("ID-3")
def test_unknown_commission_member_is_refused_and_no_account_is_created(client, test_pki):
    challenge = open_sign_in(client)
    response = post_signature(
        client, challenge, auth_signature(test_pki, challenge, PERSON), SignInIntent.STAFF
    )
    message = refusal(response)
    assert "registered by the portal operator" in message
    assert not User.objects.exists()
    event = AuditEvent.objects.get(action="auth.eds_sign_in_refused")
    assert event.after["reason"] == "no_staff_account"
    assert event.after["iin"] == PERSON


@pytest.mark.req("ID-3")
def test_a_supplier_cannot_sign_in_as_staff(client, test_pki):
    make_user(role=Role.SUPPLIER, iin=PERSON)
    challenge = open_sign_in(client)
    response = post_signature(
        client, challenge, auth_signature(test_pki, challenge, PERSON), SignInIntent.STAFF
    )
    assert "registered by the portal operator" in refusal(response)


@pytest.mark.req("ID-3")
def test_blocked_account_is_refused(client, test_pki):
    make_user(role=Role.MEMBER, iin=PERSON, is_active=False)
    challenge = open_sign_in(client)
    response = post_signature(
        client, challenge, auth_signature(test_pki, challenge, PERSON), SignInIntent.STAFF
    )
    assert "blocked" in refusal(response)


@pytest.mark.req("ID-3", "ID-2")
def test_replayed_nonce_is_refused(client, test_pki):
    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(client)
    cms = auth_signature(test_pki, challenge, PERSON)
    assert post_signature(client, challenge, cms, SignInIntent.STAFF).status_code == 302

    # The same signature again: from the same browser, and from another one.
    client.logout()
    again = post_signature(client, challenge, cms, SignInIntent.STAFF)
    assert "already been used" in refusal(again)
    elsewhere = Client()
    open_sign_in(elsewhere)
    assert "already been used" in refusal(
        post_signature(elsewhere, challenge, cms, SignInIntent.STAFF)
    )
    reasons = AuditEvent.objects.filter(action="auth.eds_sign_in_refused").values_list(
        "after__reason", flat=True
    )
    assert list(reasons) == ["nonce_replayed", "nonce_replayed"]


@pytest.mark.req("ID-3", "ID-2")
def test_challenge_is_used_up_once_even_by_concurrent_requests(test_pki):
    challenge = issue_challenge(browser_secret=new_browser_secret())
    use_up_challenge(challenge, iin=PERSON)
    with pytest.raises(ChallengeReplayed):
        use_up_challenge(challenge, iin=PERSON)


@pytest.mark.req("ID-3", "ID-2")
def test_expired_nonce_is_refused(client, test_pki):
    make_user(role=Role.MEMBER, iin=PERSON)
    open_sign_in(client)
    # A page of this browser opened ten minutes ago (its challenge lived five).
    challenge = issue_challenge(
        browser_secret=browser_secret_of(client), now=timezone.now() - timedelta(minutes=10)
    )
    cms = auth_signature(test_pki, challenge, PERSON)

    response = post_signature(client, challenge, cms, SignInIntent.STAFF)

    assert "expired" in refusal(response)
    assert not SignInChallenge.objects.filter(nonce=challenge.nonce).exists()


@pytest.mark.req("ID-3", "ID-2")
def test_challenge_of_another_browser_session_is_refused(client, test_pki):
    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(Client())  # someone else's page
    open_sign_in(client)
    response = post_signature(
        client, challenge, auth_signature(test_pki, challenge, PERSON), SignInIntent.STAFF
    )
    assert "another browser session" in refusal(response)


@pytest.mark.req("ID-3", "ID-2")
def test_sign_key_used_to_sign_in_is_refused(client, test_pki):
    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(client)
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(bytes(challenge.nonce))

    response = post_signature(client, challenge, cms, SignInIntent.STAFF)

    assert "authentication key" in refusal(response)
    event = AuditEvent.objects.get(action="auth.eds_sign_in_refused")
    assert event.after["reason"] == "wrong_key_purpose"
    assert not SignInChallenge.objects.filter(nonce=challenge.nonce).exists(), "not used up"


@pytest.mark.req("ID-3", "ID-2")
def test_signature_of_other_data_than_the_challenge_is_refused(client, test_pki):
    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(client)
    cms = test_pki.key_for(PERSON, Purpose.AUTH).sign(b"x" * 32)
    response = post_signature(client, challenge, cms, SignInIntent.STAFF)
    assert AuditEvent.objects.get(action="auth.eds_sign_in_refused").after["reason"] == (
        "digest_mismatch"
    )
    refusal(response)


@pytest.mark.req("ID-3", "ID-2")
@pytest.mark.parametrize("variant", ["untrusted", "revoked", "expired"])
def test_auth_key_that_nca_would_not_vouch_for_is_refused(client, test_pki, variant):
    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(client)
    cms = test_pki.special(variant, Purpose.AUTH).sign(bytes(challenge.nonce))
    refusal(post_signature(client, challenge, cms, SignInIntent.STAFF))
    assert AuditEvent.objects.get(action="auth.eds_sign_in_refused").after["reason"] == variant


@pytest.mark.req("ID-3")
def test_damaged_signature_and_missing_choice_keep_the_page_usable(client, test_pki):
    challenge = open_sign_in(client)
    response = client.post(
        SIGN_IN, {"challenge": str(challenge.public_id), "cms": "bm90IGEgY21z", "intent": "staff"}
    )
    refusal(response)
    assert response.context["form"]["intent"].value() == "staff", "the choice is kept"
    assert response.context["challenge"] != challenge, "a new challenge for the next try"

    response = client.post(SIGN_IN, {"challenge": str(challenge.public_id), "cms": ""})
    assert response.context["form"].errors["intent"] == ["Choose how you are signing in."]
    assert "cms" not in response.context["form"].errors


@pytest.mark.req("ID-3")
def test_a_hundred_anonymous_views_of_the_sign_in_page_write_nothing(client):
    """Issue 12, item 4: a crawler fills no table and opens no session."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nonces = set()
    with CaptureQueriesContext(connection) as captured:
        for _ in range(100):
            nonces.add(bytes(open_sign_in(client).nonce))
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert len(nonces) == 100, "every view has a fresh challenge"
    assert SignInChallenge.objects.count() == 0
    assert Session.objects.count() == 0
    assert settings.SESSION_COOKIE_NAME not in client.cookies


@pytest.mark.req("ID-3", "ID-2")
def test_a_challenge_is_recorded_once_used_and_a_session_opens_only_then(client, test_pki):
    from django.contrib.sessions.models import Session

    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(client)
    assert Session.objects.count() == 0
    cms = auth_signature(test_pki, challenge, PERSON)
    assert post_signature(client, challenge, cms, SignInIntent.STAFF).status_code == 302
    assert SignInChallenge.objects.filter(nonce=challenge.nonce, used_by_iin=PERSON).count() == 1
    assert Session.objects.count() == 1


@pytest.mark.req("ID-3", "ID-2")
def test_a_challenge_the_portal_did_not_issue_is_refused(client, test_pki):
    """The page carries its challenge; one altered or made up there is not the portal's."""
    make_user(role=Role.MEMBER, iin=PERSON)
    challenge = open_sign_in(client)
    forged = issue_challenge(browser_secret=browser_secret_of(client))
    altered = forged.public_id[:-4] + ("AAAA" if not forged.public_id.endswith("AAAA") else "BBBB")
    for public_id in (altered, "not-a-challenge", str(challenge.public_id)[:40]):
        response = client.post(
            SIGN_IN,
            {
                "challenge": public_id,
                "cms": base64.b64encode(auth_signature(test_pki, forged, PERSON)).decode(),
                "intent": SignInIntent.STAFF,
            },
        )
        assert "unknown" in refusal(response)
    assert SignInChallenge.objects.count() == 0
