"""Fixtures of the signature tests: a session-wide test PKI, published on loopback.

``test_pki`` is built once per test session (per xdist worker) in a temporary folder with
``egov_gateway.eds.testpki.build_test_pki``; its CRL/OCSP URLs point at a loopback
``RevocationServer``. ``trust_test_pki`` makes the portal trust it for one test.
"""

from __future__ import annotations

import pytest

from egov_gateway.eds.testpki import TEST_PEOPLE, TestPKI, build_test_pki
from egov_gateway.eds.testpki_server import RevocationServer


@pytest.fixture(scope="session")
def revocation_server():
    server = RevocationServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory, revocation_server) -> TestPKI:
    pki = build_test_pki(
        tmp_path_factory.mktemp("test-pki"), TEST_PEOPLE, base_url=revocation_server.url
    )
    revocation_server.pki = pki
    return pki


@pytest.fixture
def trust_test_pki(settings, test_pki) -> TestPKI:
    """The portal trusts the session's test PKI (CRLs from disk, no fetching, hard-fail)."""
    for name, value in test_pki.settings_overrides().items():
        setattr(settings, name, value)
    settings.NCANODE_URL = ""
    return test_pki
