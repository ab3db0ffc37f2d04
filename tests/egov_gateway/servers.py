"""Loopback servers that speak the real protocols: the gateway's SyncChannel (SOAP) and goszakup
OWS v3 (REST). Each runs in a thread on 127.0.0.1 and a free port.

Both can be told how to misbehave on the next requests (``server.script``): ``"slow"`` (answer
after the client's timeout), ``"500"``, ``"reset"`` (drop the connection), ``"malformed"`` (not
XML/JSON), ``"bad_shape"`` (well-formed but not what the protocol promises), or a status code
for SOAP (e.g. ``"ESRV005"``).
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from signxml import XMLVerifier
from signxml.verifier import SignatureConfiguration

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
TYPES_NS = "http://bip.bee.kz/SyncChannel/v10/Types"
SLOW_SECONDS = 1.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackServer:
    """Base: runs a handler in a thread, records requests, plays a misbehaviour script."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.requests: list[dict] = []
        self.slow_seconds = SLOW_SECONDS  # how long a "slow" answer waits
        self._lock = threading.Lock()
        handler = self._handler_class()
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def next_behaviour(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else "ok"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._dispatch(self, body=b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server._dispatch(self, body=self.rfile.read(length))

        return Handler

    def _dispatch(self, handler: BaseHTTPRequestHandler, *, body: bytes) -> None:
        with self._lock:
            self.requests.append(
                {"path": handler.path, "headers": dict(handler.headers), "body": body}
            )
        behaviour = self.next_behaviour()
        if behaviour == "reset":
            # SO_LINGER 0: the close sends RST, the client sees a reset connection.
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.connection.close()
            handler.close_connection = True
            return
        if behaviour == "slow":
            time.sleep(self.slow_seconds)
        status, content_type, content = self.answer(handler.path, body, behaviour)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(content)  # the client may have given up waiting ("slow")

    def answer(self, path: str, body: bytes, behaviour: str) -> tuple[int, str, bytes]:
        raise NotImplementedError


class SoapGateway(LoopbackServer):
    """The SyncChannel: verifies the WS-Security signature, answers per serviceId.

    ``services[service_id]`` is a function of the request's BIN/IIN returning the XML placed in
    ``responseData/data`` (a string), or None to answer with the provider's own "not found".
    """

    def __init__(self, *, certificate_pem: str) -> None:
        super().__init__()
        self.certificate_pem = certificate_pem
        self.services: dict[str, Callable[[str], str]] = {}
        # Services that always answer after the client's timeout, whatever order the client's
        # concurrent requests arrive in (``script`` follows the order of arrival).
        self.slow_services: set[str] = set()
        self.received: list[dict] = []

    def answer(self, path: str, body: bytes, behaviour: str) -> tuple[int, str, bytes]:
        if behaviour == "500":
            return 500, "text/xml", _fault("Internal gateway error")
        if behaviour == "malformed":
            return 200, "text/xml", b"<soap:Envelope><not-closed>"
        if behaviour == "bad_shape":
            return (
                200,
                "text/xml",
                (
                    f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body><Other/></soap:Body>'
                    "</soap:Envelope>"
                ).encode(),
            )
        envelope = etree.fromstring(body)
        try:
            XMLVerifier().verify(
                envelope,
                x509_cert=self.certificate_pem,
                expect_config=SignatureConfiguration(location=".//"),
            )
        except Exception as exc:  # noqa: BLE001 - any verification failure is a fault
            return 500, "text/xml", _fault(f"signature not valid: {exc}")
        request = envelope.find(f"{{{SOAP_NS}}}Body/{{{TYPES_NS}}}SendMessage/request")
        info = request.find("requestInfo")
        service_id = info.findtext("serviceId")
        data = request.find("requestData/data")
        identifier = next(
            (e.text for e in data.iter() if e.tag in ("BIN", "IIN", "iin", "IINBIN")), ""
        )
        self.received.append(
            {
                "message_id": info.findtext("messageId"),
                "service_id": service_id,
                "sender_id": info.findtext("sender/senderId"),
                "password": info.findtext("sender/password"),
                "identifier": identifier,
                "data": data,
            }
        )
        if behaviour not in ("ok", "slow"):
            return 200, "text/xml", _envelope("", code=behaviour, message="Service error")
        if service_id in self.slow_services:
            time.sleep(self.slow_seconds)
        inner = self.services[service_id](identifier)
        return 200, "text/xml; charset=utf-8", _envelope(inner)


def _envelope(
    data: str, *, code: str = "SCSS001", message: str = "Message has been processed successfully"
) -> bytes:
    response_data = f"<responseData><data>{data}</data></responseData>" if code == "SCSS001" else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body>'
        f'<ns2:SendMessageResponse xmlns:ns2="{TYPES_NS}"><response>'
        f"<responseInfo><messageId>resp-1</messageId>"
        f"<responseDate>2026-11-23T10:00:00+05:00</responseDate>"
        f"<status><code>{code}</code><message>{message}</message></status></responseInfo>"
        f"{response_data}</response></ns2:SendMessageResponse></soap:Body></soap:Envelope>"
    ).encode()


def _fault(message: str) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_NS}"><soap:Body><soap:Fault>'
        f"<faultcode>soap:Server</faultcode><faultstring>{message}</faultstring>"
        f"</soap:Fault></soap:Body></soap:Envelope>"
    ).encode()


class OwsServer(LoopbackServer):
    """goszakup OWS v3: ``GET /v3/rnu`` pages with ``search_after``; ``GET /v3/rnu/{biin}``."""

    def __init__(self, *, token: str, items: list[dict] | None = None) -> None:
        super().__init__()
        self.token = token
        self.items: list[dict] = items or []
        self.announced_total: int | None = None  # to announce more items than are served
        self.next_page_prefix = ""  # e.g. "https://elsewhere.example" to link to another host

    def answer(self, path: str, body: bytes, behaviour: str) -> tuple[int, str, bytes]:
        if self.requests[-1]["headers"].get("Authorization") != f"Bearer {self.token}":
            return 401, "application/json", b'{"message": "Unauthorized"}'
        if behaviour == "500":
            return 500, "application/json", b'{"message": "Internal Server Error"}'
        if behaviour == "malformed":
            return 200, "application/json", b'{"total": 3, "items": [ {"pid": 1'
        if behaviour == "bad_shape":
            return 200, "application/json", json.dumps({"data": self.items}).encode()
        parts = urlsplit(path)
        if parts.path.startswith("/v3/rnu/"):
            biin = parts.path.rsplit("/", 1)[1]
            found = [i for i in self.items if i["supplier_biin"] == biin]
            if not found:
                return 404, "application/json", b'{"message": "Not found"}'
            return 200, "application/json", _json({"total": len(found), "items": found})
        if parts.path != "/v3/rnu":
            return 404, "application/json", b'{"message": "Not found"}'
        query = parse_qs(parts.query)
        limit = int(query.get("limit", ["50"])[0])
        after = query.get("search_after", [None])[0]
        ordered = sorted(self.items, key=lambda i: i["id"])
        start = (
            0
            if after is None
            else next((n for n, i in enumerate(ordered) if i["id"] > after), len(ordered))
        )
        page = ordered[start : start + limit]
        more = start + limit < len(ordered)
        next_page = (
            f"{self.next_page_prefix}/v3/rnu?page=next&limit={limit}&search_after={page[-1]['id']}"
            if more
            else ""
        )
        total = self.announced_total if self.announced_total is not None else len(ordered)
        return (
            200,
            "application/json",
            _json({"total": total, "limit": limit, "next_page": next_page, "items": page}),
        )


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def rnu_item(
    biin: str,
    *,
    pid: int,
    name: str = "ТОО «Тест»",
    kato: list[str] | None = None,
    index_date: str = "2026-01-15 10:00:00",
) -> dict:
    """An OWS v3 RNU item as goszakup serves it."""
    return {
        "id": f"{pid:08d}-{biin}",
        "pid": pid,
        "supplier_biin": biin,
        "supplier_innunp": "",
        "supplier_name_ru": name,
        "supplier_name_kz": name,
        "kato_list": kato or ["750000000"],
        "index_date": index_date,
        "system_id": 3,
    }
