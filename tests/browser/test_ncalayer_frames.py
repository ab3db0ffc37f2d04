"""ID-3, ID-4: the page script against the frames a real NCALayer sends (``ncalayer_frames.py``).

A loopback WebSocket server replays NCALayer's recorded greeting and answers — success with the
CMS as a PEM string, a closed key dialogue (``{"body":{},"status":true}``) and
``INVOCATION_ERROR`` with its ``details`` — to the real ``ncalayer.js`` in Chromium; the success
frame carries a CMS of the demo test PKI made over the bytes the page asked to sign.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve

from egov_gateway.eds import oids
from egov_gateway.eds.signer import Purpose
from tests.browser import eds_sandbox
from tests.browser.helpers import assert_accessible, choose_eds_signer
from tests.eds import ncalayer_frames

demo_pki = eds_sandbox.demo_pki
ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.req("ID-3"), pytest.mark.req("ID-4")]

SUPPLIER, SUPPLIER_BIN = "780623321477", "090440023188"  # Каримов Асхат, ТОО «Ортопедия Астана»
SIGN_BUTTON = "#eds-sign-button"
ERROR_REGION = "[data-eds-error]"
HEARTBEAT = "--heartbeat--"


class ReplayedNCALayer:
    """Greets as NCALayer did, then answers each request with ``answer(request)``."""

    def __init__(self, answer: Callable[[dict], str]) -> None:
        self.answer = answer
        self.requests: list[dict] = []
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handle(self, connection) -> None:
        try:
            connection.send(ncalayer_frames.GREETING)
            for message in connection:
                if message == HEARTBEAT:
                    connection.send(HEARTBEAT)
                    continue
                request = json.loads(message)
                self.requests.append(request)
                connection.send(self.answer(request))
        except ConnectionClosed:
            pass

    def __enter__(self) -> ReplayedNCALayer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", "--without-application", verbosity=0)


@pytest.fixture
def replay(ncalayer_sandbox, settings):
    """Point the pages at a replaying NCALayer answering with ``frame`` (text or a function)."""
    servers: list[ReplayedNCALayer] = []

    def start(frame: str | Callable[[dict], str]) -> ReplayedNCALayer:
        server = ReplayedNCALayer(frame if callable(frame) else lambda request: frame)
        servers.append(server.__enter__())
        settings.NCALAYER_URL = server.url
        return server

    yield start
    for server in servers:
        server.__exit__()


def signed_as_recorded(demo_pki) -> Callable[[dict], str]:
    """The recorded success frame, with a CMS over the requested bytes by the requested key."""

    def answer(request: dict) -> str:
        args = request["args"]
        signer = args["signerParams"]
        assert oids.EKU_CLIENT_AUTH in signer["extKeyUsageOids"]
        key = demo_pki.key_for(signer["iin"], Purpose.AUTH, signer.get("bin"))
        return ncalayer_frames.success_with(key.sign(base64.b64decode(args["data"])))

    return answer


def client_message(page, key: str) -> str:
    return page.evaluate(
        """(key) => document.querySelector('template[data-eds-messages]')
               .content.querySelector(`[data-key="${key}"]`).textContent.trim()""",
        key,
    )


def test_a_pem_answer_signs_the_supplier_in(page, live_server, replay, demo_pki, demo_data):
    server = replay(signed_as_recorded(demo_pki))
    page.goto("/eds/sign-in/")
    choose_eds_signer(page, intent="supplier", signer=f"{SUPPLIER}|{SUPPLIER_BIN}")
    page.click(SIGN_BUTTON)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".account__name")).to_contain_text("Каримов Асхат")
    (request,) = server.requests
    assert request["module"] == "kz.gov.pki.knca.basics" and request["method"] == "sign"
    assert request["args"]["format"] == "cms"


def test_a_closed_key_dialogue_is_shown_as_cancelled(page, replay, demo_data):
    replay(ncalayer_frames.CANCELLED)
    page.goto("/eds/sign-in/")
    choose_eds_signer(page, intent="supplier", signer=f"{SUPPLIER}|{SUPPLIER_BIN}")
    url = page.url
    page.click(SIGN_BUTTON)

    expect(page.locator(ERROR_REGION)).to_have_text(client_message(page, "cancelled"))
    assert page.url == url, "nothing was posted"
    assert_accessible(page)


def test_an_invocation_error_shows_ncalayers_message_and_details(page, replay, demo_data):
    replay(ncalayer_frames.INVOCATION_ERROR)
    page.goto("/eds/sign-in/")
    choose_eds_signer(page, intent="supplier", signer=f"{SUPPLIER}|{SUPPLIER_BIN}")
    page.click(SIGN_BUTTON)

    detail = (
        "An invoked method threw an exception: "
        'org.json.JSONException: JSONObject["signingParams"] is not a JSONObject'
    )
    expected = client_message(page, "ncalayer_error").replace("{detail}", detail)
    expect(page.locator(ERROR_REGION)).to_have_text(expected)
    assert ".." not in page.locator(ERROR_REGION).text_content()
    expect(page.locator(".account__name")).to_have_count(0)
    assert_accessible(page)
