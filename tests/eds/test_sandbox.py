"""ID-4: the sandbox NCALayer speaks NCALayer's protocol with the test PKI's keys, on loopback only,
and never where the sandbox signer is off (production).

The sandbox runs in a thread on a free port; the tests talk to it over a real WebSocket and verify
what it returns with the portal's own ``verify_cms``.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from websockets.sync.client import connect

from egov_gateway.eds import errors, oids
from egov_gateway.eds.ncalayer import cms_from_ncalayer
from egov_gateway.eds.sandbox import HEARTBEAT, SandboxNCALayer, SandboxRefused
from egov_gateway.eds.signer import Purpose
from egov_gateway.eds.verify import verify_cms

pytestmark = pytest.mark.usefixtures("trust_test_pki")

ROOT = Path(__file__).resolve().parent.parent.parent
PERSON = "900101300017"
OTHER_PERSON = "850505400018"
HEAD, HEAD_BIN = "770303300016", "100440000014"
DOCUMENT = "Оферта для пользователей Портала социальных услуг\n".encode()


@pytest.fixture
def sandbox(test_pki):
    with SandboxNCALayer(test_pki, port=0, default_iin=OTHER_PERSON) as server:
        yield server


def sign_request(data: bytes = DOCUMENT, *, eku: str = oids.EKU_EMAIL_PROTECTION, **signer):
    args = {
        "allowedStorages": ["PKCS12"],
        "format": "cms",
        "data": base64.b64encode(data).decode(),
        "signingParams": {"decode": True, "encapsulate": False, "digested": False},
        "signerParams": {"extKeyUsageOids": [eku], **signer},
        "locale": "ru",
    }
    if signer.get("omit_signer"):
        del args["signerParams"]
    return {"module": "kz.gov.pki.knca.basics", "method": "sign", "args": args}


def call(url: str, message) -> dict | str:
    """Connect as a page does, skip NCALayer's greeting, send one message, return the answer."""
    with connect(url) as websocket:
        greeting = json.loads(websocket.recv(timeout=10))
        assert greeting["result"]["version"]
        websocket.send(message if isinstance(message, str) else json.dumps(message))
        answer = websocket.recv(timeout=30)
    return answer if answer == HEARTBEAT else json.loads(answer)


def cms_of(answer: dict) -> bytes:
    """The CMS of a one-document answer: a PEM string, as NCALayer gives it."""
    assert answer["status"] is True, answer
    result = answer["body"]["result"]
    assert isinstance(result, str) and result.startswith("-----BEGIN CMS-----\n"), result
    return cms_from_ncalayer(result)


@pytest.mark.req("ID-4")
def test_sandbox_signs_with_the_auth_key_of_the_requested_person_and_organisation(
    sandbox, test_pki
):
    nonce = os.urandom(32)
    answer = call(
        sandbox.url, sign_request(nonce, eku=oids.EKU_CLIENT_AUTH, iin=HEAD, bin=HEAD_BIN)
    )
    signer = verify_cms(
        cms_of(answer), nonce, purpose=Purpose.AUTH, expected_iin=HEAD, expected_bin=HEAD_BIN
    )
    assert signer.serial == test_pki.key_for(HEAD, Purpose.AUTH, HEAD_BIN).serial


@pytest.mark.req("ID-4")
def test_sandbox_signs_documents_with_the_sign_key_as_a_detached_cms(sandbox, test_pki):
    cms = cms_of(call(sandbox.url, sign_request(iin=PERSON)))
    signer = verify_cms(cms, DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    assert signer.serial == test_pki.key_for(PERSON, Purpose.SIGN).serial
    with pytest.raises(errors.MalformedSignature):
        verify_cms(cms, None, purpose=Purpose.SIGN, expected_iin=PERSON)  # nothing encapsulated


@pytest.mark.req("ID-4")
def test_without_signer_params_the_sandbox_uses_its_default_person(sandbox):
    answer = call(sandbox.url, sign_request(omit_signer=True))
    signer = verify_cms(cms_of(answer), DOCUMENT, purpose=Purpose.SIGN, expected_iin=OTHER_PERSON)
    assert signer.iin == OTHER_PERSON


@pytest.mark.req("ID-4")
def test_sandbox_echoes_heartbeats_and_refuses_other_methods(sandbox):
    assert call(sandbox.url, HEARTBEAT) == HEARTBEAT
    answer = call(sandbox.url, {"module": "kz.gov.pki.knca.basics", "method": "unknown"})
    assert answer["status"] is False
    assert answer["code"] and answer["message"]


@pytest.mark.req("ID-4")
def test_sandbox_answers_with_an_error_for_a_person_without_test_keys(sandbox):
    answer = call(sandbox.url, sign_request(iin="010101500011"))
    assert answer["status"] is False
    assert "010101500011" in answer["details"]


@pytest.mark.req("ID-4")
def test_sandbox_simulates_a_cancelled_dialogue(sandbox):
    answer = call(sandbox.url + "?simulate=cancel", sign_request(iin=PERSON))
    assert answer == {"status": True, "body": {}}


@pytest.mark.req("ID-4")
def test_sandbox_simulates_an_ncalayer_failure(sandbox):
    answer = call(sandbox.url + "?simulate=error", sign_request(iin=PERSON))
    assert answer["status"] is False
    assert answer["message"]


@pytest.mark.req("ID-4", "ID-2")
def test_sandbox_simulates_another_persons_key_which_the_server_refuses(sandbox):
    answer = call(sandbox.url + "?simulate=wrong_person", sign_request(iin=PERSON))
    with pytest.raises(errors.WrongSignerIin):
        verify_cms(cms_of(answer), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)


@pytest.mark.req("ID-4", "ID-2")
def test_sandbox_simulates_the_key_of_the_other_purpose_which_the_server_refuses(sandbox):
    sandbox.simulate = "wrong_purpose"
    answer = call(sandbox.url, sign_request(eku=oids.EKU_CLIENT_AUTH, iin=PERSON))
    with pytest.raises(errors.WrongKeyPurpose):
        verify_cms(cms_of(answer), DOCUMENT, purpose=Purpose.AUTH, expected_iin=PERSON)


@pytest.mark.req("ID-4")
@pytest.mark.parametrize(
    "host", ["0.0.0.0", "192.168.1.10", "::", "::1", "localhost", "example.kz"]
)
def test_sandbox_refuses_to_bind_anywhere_but_loopback(test_pki, host):
    with pytest.raises(SandboxRefused, match="loopback"):
        SandboxNCALayer(test_pki, host=host, port=0)
    with pytest.raises(CommandError, match="loopback"):
        call_command("ncalayer_sandbox", host=host, port=0)


@pytest.mark.req("ID-4")
def test_sandbox_binds_to_another_loopback_address(test_pki):
    with SandboxNCALayer(test_pki, host="127.0.0.2", port=0) as server:
        assert server.url.startswith("ws://127.0.0.2:")
        assert call(server.url, HEARTBEAT) == HEARTBEAT


@pytest.mark.req("ID-4")
def test_sandbox_refuses_to_start_when_the_sandbox_signer_is_off(test_pki, settings):
    settings.SANDBOX_SIGNER_ENABLED = False
    with pytest.raises(SandboxRefused, match="SANDBOX_SIGNER_ENABLED"):
        SandboxNCALayer(test_pki, port=0)
    with pytest.raises(CommandError, match="SANDBOX_SIGNER_ENABLED"):
        call_command("ncalayer_sandbox", port=0)


def _environment(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **variables)
    return env


@pytest.mark.req("ID-4")
def test_sandbox_command_refuses_to_start_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "ncalayer_sandbox", "--port", "0"],
        cwd=ROOT,
        env=_environment(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            DEBUG="False",
            SECRET_KEY="test-only-key-long-enough-for-production-checks-0123456789",
            SANDBOX_SIGNER_ENABLED="False",
            DATABASE_URL="postgres://portal:secret@db:5432/portal",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SANDBOX_SIGNER_ENABLED" in result.stderr
    assert "listening" not in result.stdout


@pytest.mark.req("ID-4")
def test_sandbox_command_serves_the_test_pki_until_it_is_stopped(test_pki):
    process = subprocess.Popen(
        [sys.executable, "manage.py", "ncalayer_sandbox", "--port", "0", "--iin", PERSON],
        cwd=ROOT,
        env=_environment(
            DJANGO_SETTINGS_MODULE="portal.settings.test", EDS_TEST_PKI_DIR=str(test_pki.directory)
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []  # what make_test_pki says about the test PKI, then where the sandbox listens
        while len(lines) < 5 and "listening on" not in "".join(lines):
            lines.append(process.stdout.readline())
        line = lines[-1]
        assert "listening on ws://127.0.0.1:" in line, "".join(lines) + process.stderr.read()
        url = line.split("listening on ")[1].split()[0]
        answer = call(url, sign_request(omit_signer=True))
        assert verify_cms(cms_of(answer), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
        process.stdout.close()
        process.stderr.close()
