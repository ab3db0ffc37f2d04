"""ID-2: GOST signatures are routed to NCANode, whose answer decides; our checks still apply.

A loopback HTTP server speaks NCANode v3's JSON (``POST /cms/verify``). Like NCANode, it reads the
signer's certificate from the CMS it receives; its verdict is set by the test, since GOST maths
cannot be done here. The CMS carries the real GOST certificate of NCA's test CEO.
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from egov_gateway.eds import errors
from egov_gateway.eds.certificates import parse_certificate, read_certificates
from egov_gateway.eds.cms import parse_cms
from egov_gateway.eds.verify import Purpose, verify_cms
from tests.eds import cms_tools

NCA_TEST = Path("/work/shared/fixtures/nca-test")
SIGNED_AT = datetime(2022, 8, 1, 9, 30, tzinfo=UTC)  # within the CEO certificate's validity
DOCUMENT = b"Protocol No. 7 of the commission"
CEO_IIN, CEO_BIN = "780623321477", "090440023188"  # valid identifiers for the crafted certificate


@pytest.fixture(scope="module")
def gost_certificate() -> bytes:
    return read_certificates(NCA_TEST / "certs" / "ceo_valid_sign_2004_gost.cer")[0]


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


def verify(cms: bytes, **kwargs):
    kwargs.setdefault("purpose", Purpose.SIGN)
    return verify_cms(cms, DOCUMENT, at=SIGNED_AT, **kwargs)


@pytest.mark.req("ID-2")
def test_gost_signature_is_verified_by_ncanode(ncanode, gost_certificate):
    crafted = cms_tools.gost_certificate_with_subject(gost_certificate, iin=CEO_IIN, bin=CEO_BIN)
    cms = cms_tools.gost_cms(crafted, DOCUMENT, signing_time=SIGNED_AT)

    signer = verify(cms, expected_iin=CEO_IIN, expected_bin=CEO_BIN)

    assert signer.backend == "ncanode"
    assert signer.algorithm == "gost"
    assert (signer.iin, signer.bin) == (CEO_IIN, CEO_BIN)
    assert signer.organisation == 'АО "ТЕСТ"'
    assert "1.2.398.3.3.4.1.2.1" in signer.role_oids
    assert signer.signing_time == SIGNED_AT
    [request] = ncanode.requests
    assert request["path"] == "/cms/verify"
    assert base64.b64decode(request["cms"]) == cms
    assert base64.b64decode(request["data"]) == DOCUMENT
    assert request["revocationCheck"] == ["OCSP", "CRL"]


@pytest.mark.req("ID-2")
@pytest.mark.parametrize(
    "verdict,code",
    [("bad_signature", "bad_signature"), ("untrusted", "untrusted"), ("revoked", "revoked")],
)
def test_ncanode_refusal_decides(ncanode, gost_certificate, verdict, code):
    ncanode.verdict = verdict
    crafted = cms_tools.gost_certificate_with_subject(gost_certificate, iin=CEO_IIN, bin=CEO_BIN)
    with pytest.raises(errors.SignatureError) as caught:
        verify(cms_tools.gost_cms(crafted, DOCUMENT, signing_time=SIGNED_AT), expected_iin=CEO_IIN)
    assert caught.value.code == code
    assert len(ncanode.requests) == 1


@pytest.mark.req("ID-2")
def test_our_identity_checks_apply_to_ncanode_answers(ncanode, gost_certificate):
    crafted = cms_tools.gost_certificate_with_subject(gost_certificate, iin=CEO_IIN, bin=CEO_BIN)
    cms = cms_tools.gost_cms(crafted, DOCUMENT, signing_time=SIGNED_AT)
    with pytest.raises(errors.WrongSignerIin):
        verify(cms, expected_iin="850505400018")
    with pytest.raises(errors.WrongBin):
        verify(cms, expected_iin=CEO_IIN, expected_bin="100440000014")
    with pytest.raises(errors.WrongKeyPurpose):
        verify(cms, expected_iin=CEO_IIN, purpose=Purpose.AUTH)


@pytest.mark.req("ID-1", "ID-2")
def test_real_nca_gost_certificate_with_placeholder_iin_is_refused_even_when_ncanode_accepts(
    ncanode, gost_certificate
):
    cms = cms_tools.gost_cms(gost_certificate, DOCUMENT, signing_time=SIGNED_AT)
    with pytest.raises(errors.WrongSignerIin) as caught:
        verify(cms, expected_iin="123456789011")
    assert "valid IIN" in caught.value.detail
    assert len(ncanode.requests) == 1


@pytest.mark.req("ID-2")
def test_gost_signature_without_ncanode_is_refused_as_unsupported(settings, gost_certificate):
    settings.NCANODE_URL = ""
    cms = cms_tools.gost_cms(gost_certificate, DOCUMENT, signing_time=SIGNED_AT)
    with pytest.raises(errors.GostUnsupported) as caught:
        verify(cms, expected_iin="123456789011")
    assert caught.value.code == "gost_unsupported"


@pytest.mark.req("ID-2")
def test_unreachable_ncanode_is_reported_as_unavailable(settings, gost_certificate):
    server = FakeNcaNode()
    settings.NCANODE_URL = server.url
    server.stop()  # nothing listens there any more
    cms = cms_tools.gost_cms(gost_certificate, DOCUMENT, signing_time=SIGNED_AT)
    with pytest.raises(errors.VerificationBackendUnavailable):
        verify(cms, expected_iin="123456789011")
