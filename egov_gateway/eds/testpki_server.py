"""A loopback HTTP server publishing the test PKI's CA certificates, CRLs and OCSP answers.

The test PKI writes ``{base_url}/crl/intermediate.crl``, ``{base_url}/ca/intermediate.cer`` and
``{base_url}/ocsp`` into its certificates, as NCA writes its own URLs; this server answers them,
so revocation can be checked end to end (fetching on) in tests and in the sandbox. It binds to
loopback only.
"""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from egov_gateway.eds.pki_issue import ocsp_answer
from egov_gateway.eds.testpki import TestPKI

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class RevocationServer:
    """``start()`` it, build the PKI with ``base_url=server.url``, then set ``server.pki``."""

    def __init__(self, pki: TestPKI | None = None, *, host: str = "127.0.0.1", port: int = 0):
        if host not in LOOPBACK:
            raise ValueError("The test PKI server binds to loopback only.")
        self.pki = pki
        self.requests: list[str] = []
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        self._thread: threading.Thread | None = None
        self._certificates: dict[int, x509.Certificate] | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> RevocationServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    # What the handler serves -----------------------------------------------------------------

    def file(self, folder: str, name: str) -> bytes | None:
        if self.pki is None or "/" in name or name.startswith("."):
            return None
        if folder == "crl":
            path = self.pki.crl_dir / name
            return path.read_bytes() if path.is_file() else None
        if folder == "ca" and name.endswith(".cer"):
            path = self.pki.ca_dir / f"{name[:-4]}.pem"
            if path.is_file():
                return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(Encoding.DER)
        return None

    def ocsp(self, request_der: bytes) -> bytes:
        pki = self.pki
        if pki is None:
            raise LookupError("no test PKI to answer OCSP from")
        if self._certificates is None:
            self._certificates = {
                key.certificate.serial_number: key.certificate for key in pki.keys
            }
        intermediate = pki.load_authority("intermediate")
        return ocsp_answer(
            request_der,
            issuer=intermediate.certificate,
            responder=pki.load_authority("ocsp"),
            certificates=self._certificates,
            revoked=pki.revoked_serials(),
            now=datetime.now(UTC),
        )


class _Handler(BaseHTTPRequestHandler):
    owner: RevocationServer

    def do_GET(self) -> None:  # noqa: N802 (the name is http.server's)
        self.owner.requests.append(f"GET {self.path}")
        parts = self.path.strip("/").split("/", 1)
        if len(parts) == 2 and parts[0] == "ocsp":
            self._reply(self.owner.ocsp(base64.b64decode(unquote(parts[1]))), "ocsp-response")
            return
        body = self.owner.file(*parts) if len(parts) == 2 else None
        if body is None:
            self.send_error(404)
            return
        kind = "pkix-crl" if parts[0] == "crl" else "pkix-cert"
        self._reply(body, kind)

    def do_POST(self) -> None:  # noqa: N802
        self.owner.requests.append(f"POST {self.path}")
        if self.path.rstrip("/") != "/ocsp" or self.owner.pki is None:
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        self._reply(self.owner.ocsp(self.rfile.read(length)), "ocsp-response")

    def _reply(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"application/{kind}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass
