"""The sandbox NCALayer: NCALayer's WebSocket protocol with the test PKI's keys (ID-4).

Where the real NCALayer is absent (development, the demo, browser tests) this stands in for it, so
that pages sign through the very same JavaScript (``static/eds/ncalayer.js``) and the server
verifies real CMS signatures. It answers the ``kz.gov.pki.knca.basics`` module's ``sign`` method:
the key is chosen from the test PKI by the requested ``signerParams`` (``iin``, ``bin`` and the
extended key usage: AUTH ``1.3.6.1.5.5.7.3.2`` or SIGN ``1.3.6.1.5.5.7.3.4``); without an IIN it
uses the configured default person. Like NCALayer it greets every connection with its version and
echoes heartbeats.

It never runs where ``SANDBOX_SIGNER_ENABLED`` is off (production) and binds only to a loopback
address (127.0.0.1). For testing the error paths it can pretend that the user cancelled
(``cancel``), chose another person's key (``wrong_person``), chose the key for the other purpose
(``wrong_purpose``) or that NCALayer failed (``error``): for the whole server (``simulate``) or
per connection with the query parameter ``?simulate=...`` of the WebSocket URL.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from egov_gateway.eds import oids
from egov_gateway.eds.cms import create_attached_cms, create_detached_cms
from egov_gateway.eds.ncalayer import (
    METHOD_SIGN,
    MODULE,
    SANDBOX_PORT,
    cms_as_ncalayer_gives_it,
)
from egov_gateway.eds.signer import Purpose
from egov_gateway.eds.testpki import TestKey, TestPKI

if TYPE_CHECKING:
    from websockets.sync.server import Server

logger = logging.getLogger(__name__)

VERSION = "1.4"
HEARTBEAT = "--heartbeat--"
CANCEL = "cancel"
WRONG_PERSON = "wrong_person"
WRONG_PURPOSE = "wrong_purpose"
ERROR = "error"
SIMULATIONS = (CANCEL, WRONG_PERSON, WRONG_PURPOSE, ERROR)
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


class SandboxRefused(ImproperlyConfigured):
    """The sandbox NCALayer may not run with these settings or on this address."""


def check_sandbox_allowed() -> None:
    """Refuse to run unless ``SANDBOX_SIGNER_ENABLED`` (never in production, ID-4)."""
    if not getattr(settings, "SANDBOX_SIGNER_ENABLED", False):
        raise SandboxRefused(
            "The sandbox NCALayer signs with test keys and runs only where "
            "SANDBOX_SIGNER_ENABLED is on (development and tests), never in production."
        )


def check_loopback(host: str) -> None:
    """Only a literal IPv4 loopback address (127.0.0.0/8): a name could resolve elsewhere, and
    NCALayer itself is reached at 127.0.0.1."""
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        raise SandboxRefused(
            f"The sandbox NCALayer binds only to a loopback address such as 127.0.0.1, "
            f"not {host!r}."
        ) from None
    if not address.is_loopback:
        raise SandboxRefused(
            f"The sandbox NCALayer binds only to a loopback address such as 127.0.0.1, "
            f"not {host}: test keys must never be reachable from another computer."
        )


# NCALayer's answer when the invoked method fails, whatever the cause (a recorded frame:
# {"code":"INVOCATION_ERROR","details":"org.json.JSONException: …","message":"An invoked method
# threw an exception.","status":false}); the cause is in ``details``.
INVOCATION_ERROR = "INVOCATION_ERROR"
INVOCATION_MESSAGE = "An invoked method threw an exception."


class SignRequestError(Exception):
    """A request the sandbox answers with ``{"status": false, ...}``, as NCALayer does: ``details``
    says what went wrong; ``message`` is NCALayer's generic sentence unless given."""

    def __init__(
        self, details: str, code: str = INVOCATION_ERROR, message: str = INVOCATION_MESSAGE
    ) -> None:
        super().__init__(details)
        self.code = code
        self.details = details
        self.message = message


@dataclass(frozen=True)
class SignerChoice:
    iin: str
    bin: str
    purpose: Purpose


class SandboxNCALayer:
    """A WebSocket server speaking NCALayer's protocol, signing with the test PKI's keys."""

    def __init__(
        self,
        pki: TestPKI,
        *,
        host: str = "127.0.0.1",
        port: int = SANDBOX_PORT,
        default_iin: str = "",
        default_bin: str = "",
        algorithm: str = "rsa",
        simulate: str = "",
    ) -> None:
        check_sandbox_allowed()
        check_loopback(host)
        if simulate and simulate not in SIMULATIONS:
            raise ValueError(f"simulate must be one of {', '.join(SIMULATIONS)}, not {simulate!r}")
        self.pki = pki
        self.host = host
        self.port = port
        self.default_iin = default_iin or (pki.people[0]["iin"] if pki.people else "")
        self.default_bin = default_bin
        self.algorithm = algorithm
        self.simulate = simulate
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- the protocol ---------------------------------------------------------------------------

    def greeting(self) -> str:
        """What NCALayer sends first on every connection."""
        return _frame({"result": {"version": VERSION}})

    def respond(self, message: str, *, simulate: str = "") -> str | None:
        """The answer to one message from the page (None: nothing to answer)."""
        if message == HEARTBEAT:
            return HEARTBEAT
        try:
            request = json.loads(message)
        except ValueError:
            return _failure("400", "The request is not JSON.")
        if not isinstance(request, dict):
            return _failure("400", "The request is not a JSON object.")
        module, method = request.get("module"), request.get("method")
        if module == "kz.gov.pki.knca.commonUtils" and method == "getActiveTokens":
            # The older API: no hardware tokens are plugged into the sandbox.
            return _frame({"responseObject": [], "code": "200"})
        if module != MODULE or method != METHOD_SIGN:
            return _failure(
                "MODULE_NOT_FOUND", f"The sandbox NCALayer does not provide {module}.{method}."
            )
        simulate = simulate or self.simulate
        try:
            return self._sign(request.get("args"), simulate)
        except SignRequestError as error:
            return _failure(error.code, error.message, error.details)

    def _sign(self, args, simulate: str) -> str:
        if not isinstance(args, dict):
            raise SignRequestError(
                'org.json.JSONException: JSONObject["args"] is not a JSONObject.'
            )
        if args.get("format", "cms") != "cms":
            raise SignRequestError("The sandbox NCALayer makes CMS signatures only.")
        if simulate == CANCEL:
            # NCALayer's answer when the user closes the key dialogue: success without a result.
            return _frame({"body": {}, "status": True})
        if simulate == ERROR:
            raise SignRequestError("Simulated NCALayer failure (sandbox).")
        signing = args.get("signingParams", {})
        if not isinstance(signing, dict):
            raise SignRequestError(
                'org.json.JSONException: JSONObject["signingParams"] is not a JSONObject.'
            )
        if signing.get("digested"):
            raise SignRequestError("The sandbox NCALayer does not sign digests.")
        # ``tsaProfile`` asks NCALayer to add a time-stamp from NCA's TSA; the sandbox has no TSA
        # and signs without one (the server takes the signing time from the signed attributes).
        documents = _documents(args.get("data"), decode=bool(signing.get("decode", False)))
        key = self.choose_key(args.get("signerParams"), simulate=simulate)
        create = create_attached_cms if signing.get("encapsulate") else create_detached_cms
        results = [
            cms_as_ncalayer_gives_it(create(document, key.private_key, key.certificate, ()))
            for document in documents
        ]
        logger.info(
            "Sandbox NCALayer signed %d document(s) with the %s key of IIN %s%s",
            len(results),
            key.purpose.value,
            key.iin,
            f", BIN {key.bin}" if key.bin else "",
        )
        # One document: the PEM string itself; several: a list, one PEM each (as NCALayer).
        result = (
            results[0] if len(documents) == 1 and not isinstance(args["data"], list) else results
        )
        return _frame({"body": {"result": result}, "status": True})

    def requested_signer(self, signer_params) -> SignerChoice:
        """Whose key, for which purpose, the page asked for (defaults where it did not say)."""
        params = signer_params if isinstance(signer_params, dict) else {}
        usages = params.get("extKeyUsageOids") or []
        if not isinstance(usages, list):
            raise SignRequestError(
                'org.json.JSONException: JSONObject["extKeyUsageOids"] is not a JSONArray.'
            )
        purpose = Purpose.AUTH if oids.EKU_CLIENT_AUTH in usages else Purpose.SIGN
        iin = str(params.get("iin") or "")
        bin_ = str(params.get("bin") or "")
        if not iin:
            iin, bin_ = self.default_iin, bin_ or self.default_bin
        return SignerChoice(iin=iin, bin=bin_, purpose=purpose)

    def choose_key(self, signer_params, *, simulate: str = "") -> TestKey:
        wanted = self.requested_signer(signer_params)
        purpose, iin, bin_ = wanted.purpose, wanted.iin, wanted.bin
        if simulate == WRONG_PURPOSE:
            purpose = Purpose.SIGN if purpose is Purpose.AUTH else Purpose.AUTH
        if simulate == WRONG_PERSON:
            others = [
                key
                for key in self.pki.keys_for(None, purpose, "", algorithm=self.algorithm)
                if key.iin != iin
            ]
            if not others:
                raise SignRequestError("The test PKI has nobody else to sign as.")
            return others[0]
        try:
            return self.pki.key_for(iin, purpose, bin_ or None, algorithm=self.algorithm)
        except LookupError:
            raise SignRequestError(
                f"No key in the sandbox for IIN {iin}"
                + (f" and BIN {bin_}" if bin_ else "")
                + f" ({purpose.value}). Run manage.py make_test_pki with this person."
            ) from None

    # -- the server -----------------------------------------------------------------------------

    def handle(self, connection) -> None:
        from websockets.exceptions import ConnectionClosed

        simulate = _simulation_from_path(connection.request.path if connection.request else "")
        try:
            connection.send(self.greeting())
            for message in connection:
                if isinstance(message, bytes):
                    message = message.decode("utf-8", errors="replace")
                answer = self.respond(message, simulate=simulate)
                if answer is not None:
                    connection.send(answer)
        except ConnectionClosed:
            pass

    def start(self) -> SandboxNCALayer:
        """Listen (port 0 picks a free port) and serve in a background thread."""
        from websockets.sync.server import serve

        self._server = server = serve(
            self.handle,
            self.host,
            self.port,
            max_size=MAX_MESSAGE_BYTES,
            compression=None,
        )
        self.port = server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=server.serve_forever, name="sandbox-ncalayer", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        if self._server is None:
            self.start()
        assert self._thread is not None
        self._thread.join()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}/"

    def __enter__(self) -> SandboxNCALayer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _failure(code: str, message: str, details: str = "") -> str:
    answer: dict[str, object] = {"code": code}
    if details:
        answer["details"] = details
    answer.update(message=message, status=False)
    return _frame(answer)


def _frame(answer: dict) -> str:
    """JSON as NCALayer writes it (org.json): compact, no spaces."""
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))


def _documents(data, *, decode: bool) -> list[bytes]:
    """The bytes to sign: ``data`` is one string or a list; base64 when ``decode`` is true."""
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, str) for item in items):
        raise SignRequestError("data must be a string or a list of strings.")
    if not decode:
        return [item.encode("utf-8") for item in items]
    try:
        return [base64.b64decode(item, validate=True) for item in items]
    except (binascii.Error, ValueError):
        raise SignRequestError(
            "java.lang.IllegalArgumentException: Illegal base64 character"
        ) from None


def _simulation_from_path(path: str) -> str:
    values = parse_qs(urlsplit(path).query).get("simulate", [])
    return values[0] if values and values[0] in SIMULATIONS else ""
