"""ID-2, ID-3, ID-4: what a real NCALayer answers ``basics.sign`` with is what the portal accepts.

NCALayer gives the CMS as PEM text (``-----BEGIN CMS-----\\n…\\n-----END CMS-----\\n``, a string;
a list for several documents). The recorded frames are in ``ncalayer_frames.py``; the CMS inside
them is made by the session's test PKI and verified by the server like any other.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from django.urls import reverse
from websockets.sync.client import connect

from egov_gateway.eds import oids
from egov_gateway.eds.forms import SignatureForm
from egov_gateway.eds.ncalayer import NotASignature, cms_as_ncalayer_gives_it, cms_from_ncalayer
from egov_gateway.eds.sandbox import SandboxNCALayer
from egov_gateway.eds.signer import Purpose
from egov_gateway.eds.signin import SignInIntent
from egov_gateway.eds.verify import verify_cms
from portal.models import Role
from tests.eds import ncalayer_frames
from tests.helpers.people import make_user

pytestmark = pytest.mark.usefixtures("trust_test_pki")

PERSON = "900101300017"
DOCUMENT = "Оферта для пользователей Портала социальных услуг\n".encode()
CHECK = reverse("eds:check")
SIGN_IN = reverse("eds:sign-in")


def ncalayer_result(der: bytes, *, newline: str = "\\n") -> str:
    """``body.result`` of the recorded success frame carrying ``der``."""
    return json.loads(ncalayer_frames.success_with(der, newline=newline))["body"]["result"]


@pytest.fixture
def der(test_pki) -> bytes:
    return test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)


# --- the one decoder ----------------------------------------------------------------------------


@pytest.mark.req("ID-2")
@pytest.mark.parametrize(
    "shape",
    [
        "pem-lf",
        "pem-crlf",
        "pem-without-trailing-newline",
        "pem-in-a-list",
        "pkcs7-label",
        "base64",
        "base64-wrapped",
        "base64-in-a-list",
    ],
)
def test_the_decoder_accepts_every_shape_ncalayer_and_openssl_give(der, shape):
    pem = ncalayer_result(der)
    given = {
        "pem-lf": pem,
        "pem-crlf": ncalayer_result(der, newline="\\r\\n"),
        "pem-without-trailing-newline": pem.rstrip("\n"),
        "pem-in-a-list": [pem],
        "pkcs7-label": pem.replace(" CMS-----", " PKCS7-----"),
        "base64": base64.b64encode(der).decode(),
        "base64-wrapped": base64.encodebytes(der).decode(),
        "base64-in-a-list": [base64.b64encode(der).decode()],
    }[shape]
    assert cms_from_ncalayer(given) == der
    verify_cms(cms_from_ncalayer(given), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)


@pytest.mark.req("ID-2")
@pytest.mark.parametrize(
    "given",
    [
        "",
        "   \r\n",
        "-----BEGIN CMS-----\n-----END CMS-----\n",  # the recording without its content
        "-----BEGIN CMS-----\nMIIB\n",  # cut off
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "-----BEGIN CMS-----\nMIIB\n-----END PKCS7-----\n",
        "not a signature at all",
        "MIIB!@#$",
        ["MIIB", "MIIB"],
        [],
        [1],
        {"result": "MIIB"},
    ],
)
def test_the_decoder_refuses_anything_else(given):
    with pytest.raises(NotASignature):
        cms_from_ncalayer(given)


@pytest.mark.req("ID-2")
def test_the_signature_form_takes_the_pem_and_says_damaged_for_the_rest(der):
    form = SignatureForm({"cms": ncalayer_result(der, newline="\\r\\n")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cms"] == der

    form = SignatureForm({"cms": "-----BEGIN CMS-----\nMIIB!!\n-----END CMS-----\n"})
    assert not form.is_valid()
    assert form.signature_errors() == ["The signature arrived damaged. Sign again."]


# --- the sandbox answers as NCALayer does -------------------------------------------------------


def sign_request(data, **signing_params):
    return {
        "module": "kz.gov.pki.knca.basics",
        "method": "sign",
        "args": {
            "allowedStorages": ["PKCS12"],
            "format": "cms",
            "data": data,
            "signingParams": {
                "decode": True,
                "encapsulate": False,
                "digested": False,
                **signing_params,
            },
            "signerParams": {"extKeyUsageOids": [oids.EKU_EMAIL_PROTECTION], "iin": PERSON},
            "locale": "ru",
        },
    }


def exchange(url: str, request) -> tuple[str, str]:
    """The greeting and the answer frame, as text."""
    with connect(url) as websocket:
        greeting = websocket.recv(timeout=10)
        websocket.send(request if isinstance(request, str) else json.dumps(request))
        return greeting, websocket.recv(timeout=30)


@pytest.fixture
def sandbox(test_pki):
    with SandboxNCALayer(test_pki, port=0) as server:
        yield server


@pytest.mark.req("ID-4")
def test_sandbox_answers_one_document_with_a_pem_string_framed_like_ncalayer(sandbox):
    document = base64.b64encode(DOCUMENT).decode()
    greeting, frame = exchange(sandbox.url, sign_request(document, tsaProfile={}))

    assert json.loads(greeting).keys() == json.loads(ncalayer_frames.GREETING).keys()
    assert frame.startswith('{"body":{"result":"-----BEGIN CMS-----\\n')
    assert frame.endswith('\\n-----END CMS-----\\n"},"status":true}')
    result = json.loads(frame)["body"]["result"]
    assert isinstance(result, str)
    assert all(len(line) <= 64 for line in result.splitlines())
    verify_cms(cms_from_ncalayer(result), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    assert result == cms_as_ncalayer_gives_it(cms_from_ncalayer(result))


@pytest.mark.req("ID-4")
def test_sandbox_answers_several_documents_with_a_list(sandbox):
    documents = [base64.b64encode(DOCUMENT).decode(), base64.b64encode(b"second").decode()]
    _, frame = exchange(sandbox.url, sign_request(documents))
    results = json.loads(frame)["body"]["result"]
    assert isinstance(results, list) and len(results) == 2
    verify_cms(cms_from_ncalayer(results[1]), b"second", purpose=Purpose.SIGN, expected_iin=PERSON)


@pytest.mark.req("ID-4")
def test_sandbox_failures_carry_code_message_and_details_like_ncalayer(sandbox):
    request = sign_request("MTEK")
    request["args"]["signingParams"] = 555  # the recorded bad request
    _, frame = exchange(sandbox.url, request)
    assert frame == ncalayer_frames.INVOCATION_ERROR

    _, frame = exchange(sandbox.url + "?simulate=cancel", sign_request("MTEK"))
    assert frame == ncalayer_frames.CANCELLED

    _, frame = exchange(sandbox.url + "?simulate=error", sign_request("MTEK"))
    answer = json.loads(frame)
    assert list(answer) == ["code", "details", "message", "status"]
    assert answer["status"] is False and answer["details"]


# --- every signing form takes the recorded PEM --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.req("ID-3")
def test_sign_in_accepts_the_challenge_signed_as_ncalayer_returns_it(client: Client, test_pki):
    member = make_user(role=Role.MEMBER, iin=PERSON)
    challenge = client.get(SIGN_IN).context["challenge"]
    der = test_pki.key_for(PERSON, Purpose.AUTH).sign(bytes(challenge.nonce))
    response = client.post(
        SIGN_IN,
        {
            "challenge": str(challenge.public_id),
            "cms": ncalayer_result(der, newline="\\r\\n"),  # a form post turns \n into \r\n
            "intent": SignInIntent.STAFF,
        },
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
@pytest.mark.req("ID-2")
def test_the_signature_check_accepts_the_document_signed_as_ncalayer_returns_it(
    client: Client, test_pki
):
    client.force_login(make_user(iin=PERSON))
    page = client.get(CHECK).content.decode()
    document = base64.b64decode(page.split('data-eds-data="', 1)[1].split('"', 1)[0])
    der = test_pki.key_for(PERSON, Purpose.SIGN).sign(document)
    response = client.post(CHECK, {"cms": ncalayer_result(der)})
    assert response.status_code == 200
    assert response.templates[0].name == "eds/check_result.html"
