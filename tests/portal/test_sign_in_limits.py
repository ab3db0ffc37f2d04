"""ID-3: operator password sign-in resists guessing (issue 9, item 3).

Failed attempts are limited per IIN and per client address, with a lockout period; the messages
say neither whether the IIN exists nor whether the password was right; where a second factor is
asked, it is asked before anything is said about the password. Real PostgreSQL rows count the
attempts, and the lockout is recorded in the audit trail.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit.models import AuditEvent
from portal.models import Role, SignInFailure
from tests.eds.test_sign_in_operator import code_of, wrong_code
from tests.helpers.people import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-operator-password"
SIGN_IN = reverse("portal:sign-in")
CODE = reverse("portal:sign-in-code")
LOCKED = "Too many failed sign-in attempts. Try again in 15 min, or sign in with your EDS."
UNKNOWN_IIN = "850505300019"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.OPERATOR_SIGN_IN_MAX_FAILURES = 10
    settings.OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 50
    settings.OPERATOR_SIGN_IN_LOCKOUT_SECONDS = 15 * 60
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OPERATOR_REQUIRE_OTP = False


@pytest.fixture
def operator():
    return make_user(role=Role.OPERATOR, password=PASSWORD, is_staff=True)


def sign_in(client, iin: str, password: str, *, address: str = "203.0.113.7"):
    return client.post(SIGN_IN, {"username": iin, "password": password}, REMOTE_ADDR=address)


def errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.req("ID-3")
def test_ten_wrong_passwords_lock_the_account_and_the_right_one_is_refused_then(client, operator):
    for _attempt in range(10):
        response = sign_in(client, operator.iin, "wrong-password")
        assert errors(response) == ["The IIN or the password is wrong. Check both and try again."]

    response = sign_in(client, operator.iin, PASSWORD)

    assert response.status_code == 200
    assert errors(response) == [LOCKED]
    assert not signed_in(client)
    locked = AuditEvent.objects.get(action="auth.operator_sign_in_locked")
    assert locked.after["iin"] == operator.iin
    assert locked.after["scope"] == "iin"
    assert locked.after["address"] == "203.0.113.7"


@pytest.mark.req("ID-3")
def test_after_the_lockout_period_the_right_password_signs_in(client, operator):
    for _attempt in range(10):
        sign_in(client, operator.iin, "wrong-password")
    assert errors(sign_in(client, operator.iin, PASSWORD)) == [LOCKED]
    SignInFailure.objects.update(failed_at=timezone.now() - datetime.timedelta(minutes=16))

    response = sign_in(client, operator.iin, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)
    assert not SignInFailure.objects.filter(iin=operator.iin).exists()


@pytest.mark.req("ID-3")
def test_nine_wrong_passwords_do_not_lock(client, operator):
    for _attempt in range(9):
        sign_in(client, operator.iin, "wrong-password")

    assert sign_in(client, operator.iin, PASSWORD).status_code == 302
    assert not AuditEvent.objects.filter(action="auth.operator_sign_in_locked").exists()


@pytest.mark.req("ID-3")
def test_an_iin_of_nobody_is_answered_and_locked_exactly_like_an_operators(client, operator):
    answers = {}
    for iin in (operator.iin, UNKNOWN_IIN):
        first = sign_in(client, iin, "wrong-password")
        for _attempt in range(9):
            sign_in(client, iin, "wrong-password")
        answers[iin] = (errors(first), errors(sign_in(client, iin, "wrong-password")))

    assert answers[operator.iin] == answers[UNKNOWN_IIN]
    assert answers[UNKNOWN_IIN][1] == [LOCKED]


@pytest.mark.req("ID-3")
def test_failures_from_one_address_lock_that_address_for_every_iin(client, operator, settings):
    settings.OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 5
    for number in range(5):
        sign_in(client, f"85050530{number:04d}", "wrong-password", address="198.51.100.9")

    refused = sign_in(client, operator.iin, PASSWORD, address="198.51.100.9")
    elsewhere = sign_in(client, operator.iin, PASSWORD, address="192.0.2.44")

    assert errors(refused) == [LOCKED]
    assert elsewhere.status_code == 302
    assert AuditEvent.objects.get(action="auth.operator_sign_in_locked").after["scope"] == "address"


@pytest.mark.req("ID-3")
def test_the_client_address_comes_from_the_proxys_header_where_set(client, operator, settings):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    settings.OPERATOR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    for number in range(3):
        client.post(
            SIGN_IN,
            {"username": f"85050530{number:04d}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="198.51.100.20",
        )

    other_client = sign_in(client, operator.iin, PASSWORD, address="10.0.0.1")

    assert other_client.status_code == 302  # the proxy's own address is not locked
    assert set(SignInFailure.objects.values_list("address", flat=True)) == {"198.51.100.20"}


# --- with the second factor -------------------------------------------------------------------


@pytest.fixture
def device(operator):
    return TOTPDevice.objects.create(user=operator, name="authenticator", confirmed=True)


@pytest.mark.req("ID-3")
def test_where_the_code_is_required_a_wrong_password_leads_to_the_same_code_page(
    client, operator, device, settings
):
    settings.OPERATOR_REQUIRE_OTP = True
    wrong = sign_in(client, operator.iin, "wrong-password")
    wrong_page = client.get(CODE).content.decode()
    client.post(CODE, {"code": code_of(device)}, follow=True)
    unknown = sign_in(client, UNKNOWN_IIN, "wrong-password")
    client.post(CODE, {"code": code_of(device)}, follow=True)
    right = sign_in(client, operator.iin, PASSWORD)
    right_page = client.get(CODE).content.decode()

    assert wrong["Location"] == unknown["Location"] == right["Location"] == CODE
    assert _without_tokens(wrong_page) == _without_tokens(right_page)


def _without_tokens(page: str) -> str:
    import re

    return re.sub(r'value="[^"]{32,}"', "", page)


@pytest.mark.req("ID-3")
def test_a_wrong_password_with_the_right_code_signs_nobody_in(client, operator, device, settings):
    settings.OPERATOR_REQUIRE_OTP = True
    sign_in(client, operator.iin, "wrong-password")

    response = client.post(CODE, {"code": code_of(device)}, follow=True)

    assert not signed_in(client)
    assert response.redirect_chain == [(SIGN_IN, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The IIN, the password or the code is wrong, or the code has expired. Enter them again."
    ]
    assert SignInFailure.objects.filter(iin=operator.iin).count() == 1  # counted once


@pytest.mark.req("ID-3")
def test_ten_wrong_codes_lock_the_account(client, operator, device):
    for _attempt in range(10):
        sign_in(client, operator.iin, PASSWORD)
        client.post(CODE, {"code": wrong_code(device)})

    response = sign_in(client, operator.iin, PASSWORD)

    assert errors(response) == [LOCKED]
    assert AuditEvent.objects.filter(action="auth.operator_sign_in_locked").count() == 1


@pytest.mark.req("ID-3")
def test_a_code_entered_once_the_account_is_locked_is_refused(client, operator, device):
    sign_in(client, operator.iin, PASSWORD)  # the password step passed before the lock
    for number in range(10):
        SignInFailure.objects.create(iin=operator.iin, address=f"192.0.2.{number}")

    response = client.post(CODE, {"code": code_of(device)}, follow=True)

    assert not signed_in(client)
    assert [str(m) for m in response.context["messages"]] == [LOCKED]
