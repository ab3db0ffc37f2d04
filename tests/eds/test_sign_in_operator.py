"""ID-3: operators sign in with a password plus a TOTP code (django-otp), or with EDS.

The codes are computed with django-otp's own TOTP (``django_otp.oath.totp``) from a real
``TOTPDevice``, as an authenticator app would compute them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from portal.audit.models import AuditEvent
from portal.identity import SESSION_IDENTITY_KEY
from portal.models import Role
from tests.helpers.people import make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "a-long-operator-password"
SIGN_IN = reverse("portal:sign-in")
CODE = reverse("portal:sign-in-code")


@pytest.fixture
def operator():
    return make_user(role=Role.OPERATOR, password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def device(operator):
    return TOTPDevice.objects.create(user=operator, name="authenticator", confirmed=True)


def code_of(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_of(device)) + 1) % 10**device.digits:0{device.digits}d}"


def enter_password(client, operator, next_url=""):
    data = {"username": operator.iin, "password": PASSWORD}
    url = f"{SIGN_IN}?next={next_url}" if next_url else SIGN_IN
    return client.post(url, data)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.req("ID-3")
def test_operator_with_a_totp_device_is_signed_in_only_after_the_right_code(
    client, operator, device
):
    response = enter_password(client, operator)
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert not signed_in(client), "the password alone signs nobody in"

    page = client.get(CODE)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(CODE, {"code": code_of(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(operator.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    event = AuditEvent.objects.get(action="auth.operator_sign_in")
    assert event.actor == operator
    assert event.after == {"factors": "password+totp"}


@pytest.mark.req("ID-3")
def test_wrong_code_is_refused_and_nobody_is_signed_in(client, operator, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between tries in this test
    enter_password(client, operator)
    response = client.post(CODE, {"code": wrong_code(device)}, follow=True)
    # Back to the password, with a message that does not say which factor was wrong (issue 9).
    assert response.redirect_chain == [(SIGN_IN, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The IIN, the password or the code is wrong, or the code has expired. Enter them again."
    ]
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.operator_code_refused").count() == 1

    enter_password(client, operator)
    response = client.post(CODE, {"code": code_of(device)})
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.req("ID-3")
def test_after_a_wrong_code_further_codes_are_throttled(client, operator, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    enter_password(client, operator)
    client.post(CODE, {"code": wrong_code(device)})
    enter_password(client, operator)
    response = client.post(CODE, {"code": code_of(device)})
    assert response["Location"] == SIGN_IN
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.operator_code_refused").latest("pk").after == {
        "throttled": True,
        "iin": operator.iin,
    }


@pytest.mark.req("ID-3")
def test_a_code_cannot_be_used_twice(client, operator, device):
    code = code_of(device)
    enter_password(client, operator)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.logout()
    enter_password(client, operator)
    response = client.post(CODE, {"code": code})
    assert response["Location"] == SIGN_IN
    assert not signed_in(client)


@pytest.mark.req("ID-3")
def test_code_step_without_the_password_step_goes_back_to_the_password(client, device):
    response = client.post(CODE, {"code": code_of(device)})
    assert response["Location"] == SIGN_IN
    assert not signed_in(client)


@pytest.mark.req("ID-3")
def test_code_step_keeps_the_page_the_operator_asked_for(client, operator, device):
    enter_password(client, operator, next_url="/admin/")
    response = client.post(CODE, {"code": code_of(device)})
    assert response["Location"] == "/admin/"


@pytest.mark.req("ID-3")
def test_where_otp_is_required_an_operator_without_a_device_cannot_use_the_password(
    client, operator, settings
):
    settings.OPERATOR_REQUIRE_OTP = True
    response = enter_password(client, operator)
    assert response.status_code == 200
    assert "authenticator app" in response.context["form"].non_field_errors()[0]
    assert not signed_in(client)
    refused = AuditEvent.objects.get(action="auth.operator_sign_in_refused")
    assert refused.after == {"iin": operator.iin, "reasons": ["no_second_factor"]}


@pytest.mark.req("ID-3")
def test_without_required_otp_an_operator_without_a_device_signs_in_with_the_password(
    client, operator, settings
):
    settings.OPERATOR_REQUIRE_OTP = False
    response = enter_password(client, operator)
    assert response["Location"] == reverse("portal:home")
    assert signed_in(client)
    assert AuditEvent.objects.get(action="auth.operator_sign_in").after == {"factors": "password"}


@pytest.mark.req("ID-3")
def test_where_otp_is_required_the_admin_opens_only_to_a_verified_session(
    client, operator, device, settings
):
    settings.OPERATOR_REQUIRE_OTP = True
    client.force_login(operator)  # a session that did not pass the second factor
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response["Location"] == f"{SIGN_IN}?next=/admin/"

    client.logout()
    enter_password(client, operator, next_url="/admin/")
    client.post(CODE, {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.req("ID-3")
def test_where_otp_is_required_an_eds_sign_in_opens_the_admin(client, operator, settings):
    settings.OPERATOR_REQUIRE_OTP = True
    client.force_login(operator)
    session = client.session
    session[SESSION_IDENTITY_KEY] = {"iin": operator.iin, "bin": "", "role_oids": []}
    session.save()
    assert client.get("/admin/").status_code == 200


@pytest.mark.req("ID-3")
def test_without_required_otp_the_admin_opens_to_a_password_session(client, operator, settings):
    settings.OPERATOR_REQUIRE_OTP = False
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200


@pytest.mark.req("ID-3")
def test_production_settings_require_the_second_factor_for_operators():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="False",
        SECRET_KEY="test-only-key-long-enough-for-production-checks-0123456789",
        SANDBOX_SIGNER_ENABLED="False",
        DATABASE_URL="postgres://portal:secret@db:5432/portal",
        OPERATOR_REQUIRE_OTP="False",  # the environment cannot turn it off
        PYTHONPATH=str(ROOT),
    )
    script = (
        "import json, portal.settings.production as s; print(json.dumps(s.OPERATOR_REQUIRE_OTP))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is True


@pytest.mark.req("ID-3")
def test_an_operator_enrolling_an_authenticator_sees_the_devices_key_as_a_qr_code(
    client, operator, device
):
    enter_password(client, operator)
    client.post(CODE, {"code": code_of(device)})
    new = TOTPDevice.objects.create(user=operator, name="second phone", confirmed=False)

    image = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[new.pk]))

    assert image.status_code == 200
    assert image["Content-Type"] == "image/svg+xml"
    # The image is the QR code of the device's otpauth:// address (its secret key).
    expected = io.BytesIO()
    write_qrcode_image(new.config_url, expected)
    assert image.content == expected.getvalue() and image.content.count(b"<svg:rect") > 100
    assert new.config_url.startswith("otpauth://totp/")
