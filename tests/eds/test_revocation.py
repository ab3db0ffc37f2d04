"""ID-2: a revoked certificate is refused whether CRL or OCSP says so; when revocation cannot be
checked, the policy setting (``EDS_REVOCATION_MODE``, "hard-fail" in production) decides."""

from __future__ import annotations

import pytest

from egov_gateway.eds import errors
from egov_gateway.eds.verify import Purpose, verify_cms

DOCUMENT = b"Application for admission, version 3"
PERSON = "900101300017"


@pytest.fixture
def fetching(settings, trust_test_pki, tmp_path, revocation_server):
    """No CRL on disk: revocation is learnt from the loopback CRL and OCSP URLs in the
    certificates, as production learns it from NCA's."""
    settings.EDS_CRL_DIR = str(tmp_path)
    settings.EDS_ALLOW_FETCHING = True
    revocation_server.requests.clear()
    return revocation_server


@pytest.mark.req("ID-2")
def test_certificate_revoked_by_ocsp_is_refused(test_pki, fetching):
    key = test_pki.special("revoked", Purpose.SIGN)
    with pytest.raises(errors.CertificateRevoked) as caught:
        verify_cms(key.sign(DOCUMENT), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    assert "OCSP" in caught.value.detail
    assert "POST /ocsp" in fetching.requests


@pytest.mark.req("ID-2")
def test_certificate_reported_good_by_ocsp_is_accepted(test_pki, fetching):
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm="ec")
    signer = verify_cms(key.sign(DOCUMENT), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    assert signer.iin == PERSON
    assert "POST /ocsp" in fetching.requests


@pytest.mark.req("ID-2")
def test_unknown_revocation_status_is_refused_in_hard_fail_mode(
    test_pki, trust_test_pki, settings, tmp_path
):
    settings.EDS_CRL_DIR = str(tmp_path)  # no CRL, and fetching is off
    settings.EDS_REVOCATION_MODE = "hard-fail"
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm="ec")
    with pytest.raises(errors.RevocationUnknown):
        verify_cms(key.sign(DOCUMENT), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)


@pytest.mark.req("ID-2")
def test_soft_fail_mode_accepts_when_revocation_cannot_be_checked(
    test_pki, trust_test_pki, settings, tmp_path
):
    settings.EDS_CRL_DIR = str(tmp_path)
    settings.EDS_REVOCATION_MODE = "soft-fail"
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm="ec")
    signer = verify_cms(key.sign(DOCUMENT), DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    assert signer.iin == PERSON


@pytest.mark.req("ID-2")
def test_soft_fail_mode_still_refuses_a_certificate_known_to_be_revoked(
    test_pki, trust_test_pki, settings
):
    settings.EDS_REVOCATION_MODE = "soft-fail"
    key = test_pki.special("revoked", Purpose.AUTH)
    with pytest.raises(errors.CertificateRevoked):
        verify_cms(key.sign(b"nonce"), b"nonce", purpose=Purpose.AUTH, expected_iin=PERSON)


def test_unknown_revocation_mode_is_a_configuration_error(trust_test_pki, settings):
    from django.core.exceptions import ImproperlyConfigured

    from egov_gateway.eds import conf

    settings.EDS_REVOCATION_MODE = "never"
    with pytest.raises(ImproperlyConfigured):
        conf.verification()
