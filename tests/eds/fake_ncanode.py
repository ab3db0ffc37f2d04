"""A loopback NCANode for the tests (ID-2): ``POST /cms/verify`` answered like NCANode v3.

Like NCANode, it reads the signer's certificate from the CMS it receives; its verdict is set by
the test, since GOST maths cannot be done here. ``requests`` lists what reached it, so that a test
can count the verifications. Use the ``ncanode`` fixture (import it with ``ncanode_server``).
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509

from egov_gateway.eds.certificates import parse_certificate, read_certificates
from egov_gateway.eds.cms import parse_cms
from egov_gateway.eds.verify import Purpose
from tests.eds import cms_tools

NCA_TEST = Path("/work/shared/fixtures/nca-test")


def gost_signature(data: bytes, *, iin: str, bin: str) -> bytes:
    """A CMS shaped like NCALayer's GOST signature of ``data``, made now, with NCA's test GOST
    certificate of a head (role OID 1.2.398.3.3.4.1.2.1) given the IIN and BIN and a validity
    around now. Only NCANode could judge its values (``FakeNcaNode`` accepts them)."""
    now = datetime.now(UTC).replace(microsecond=0)
    der = read_certificates(NCA_TEST / "certs" / "ceo_valid_sign_2004_gost.cer")[0]
    certificate = asn1_x509.Certificate.load(
        cms_tools.gost_certificate_with_subject(der, iin=iin, bin=bin)
    )
    certificate["tbs_certificate"]["validity"] = asn1_x509.Validity(
        {
            "not_before": asn1_x509.Time(name="utc_time", value=now - timedelta(days=30)),
            "not_after": asn1_x509.Time(name="utc_time", value=now + timedelta(days=300)),
        }
    )
    return cms_tools.gost_cms(certificate.dump(force=True), data, signing_time=now)


class FakeNcaNode:
    """Answers ``/cms/verify`` the way NCANode 3.x does, with a verdict chosen by the test."""

    def __init__(self) -> None:
        self.verdict = "valid"
        self.requests: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append({"path": self.path, **body})
                answer = owner.answer(base64.b64decode(body["cms"]))
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, cms: bytes) -> dict:
        info = parse_certificate(parse_cms(cms).signer_certificate)
        key_usage = "SIGN" if Purpose.SIGN in info.purposes else "AUTH"
        revoked = self.verdict == "revoked"
        certificate = {
            "valid": self.verdict in ("valid", "bad_signature"),
            "revocations": [{"revoked": revoked, "by": "OCSP", "revocationTime": None}],
            "notBefore": info.not_before.isoformat(timespec="milliseconds"),
            "notAfter": info.not_after.isoformat(timespec="milliseconds"),
            "keyUsage": key_usage,
            "serialNumber": info.serial,
            "signAlg": "ECGOST34310",
            "keyUser": ["CEO", "ORGANIZATION"],
            "subject": {
                "commonName": info.common_name,
                "surName": info.surname,
                "iin": info.iin,
                "bin": info.bin,
                "organization": info.organisation,
                "country": "KZ",
            },
        }
        issuer = {"valid": True, "keyUsage": "UNKNOWN", "serialNumber": "1", "subject": {}}
        return {
            "status": 200,
            "message": "OK",
            "valid": self.verdict == "valid",
            "signers": [{"certificates": [certificate, issuer]}],
        }

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def ncanode_server():
    server = FakeNcaNode()
    yield server
    server.stop()


@pytest.fixture
def ncanode(settings, ncanode_server):
    ncanode_server.verdict = "valid"
    ncanode_server.requests.clear()
    settings.NCANODE_URL = ncanode_server.url
    settings.EDS_REVOCATION_MODE = "hard-fail"
    return ncanode_server
