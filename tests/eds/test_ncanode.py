"""ID-2: GOST signatures are routed to NCANode, whose answer decides; our checks still apply.

A loopback HTTP server speaks NCANode v3's JSON (``POST /cms/verify``). Like NCANode, it reads the
signer's certificate from the CMS it receives; its verdict is set by the test, since GOST maths
cannot be done here. The CMS carries the real GOST certificate of NCA's test CEO.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from egov_gateway.eds import errors
from egov_gateway.eds.certificates import read_certificates
from egov_gateway.eds.verify import Purpose, verify_cms
from tests.eds import cms_tools
from tests.eds.fake_ncanode import FakeNcaNode

NCA_TEST = Path("/work/shared/fixtures/nca-test")
SIGNED_AT = datetime(2022, 8, 1, 9, 30, tzinfo=UTC)  # within the CEO certificate's validity
DOCUMENT = b"Protocol No. 7 of the commission"
CEO_IIN, CEO_BIN = "780623321477", "090440023188"  # valid identifiers for the crafted certificate


@pytest.fixture(scope="module")
def gost_certificate() -> bytes:
    return read_certificates(NCA_TEST / "certs" / "ceo_valid_sign_2004_gost.cer")[0]


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
