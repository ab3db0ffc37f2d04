"""Fixtures for signing in Chromium through the sandbox NCALayer (ID-4).

Bind them in a browser test module (or in ``tests/browser/conftest.py``, to share one test PKI
between modules)::

    from tests.browser import eds_sandbox

    demo_pki = eds_sandbox.demo_pki
    ncalayer_sandbox = eds_sandbox.ncalayer_sandbox

``ncalayer_sandbox`` serves NCALayer's protocol on a free loopback port with test keys (RSA) for
every person of ``portal/reference_data/demo.json``, makes the portal trust that test PKI and
points the pages' ``data-ncalayer-url`` at the sandbox. Set ``ncalayer_sandbox.simulate`` to
"cancel", "wrong_person", "wrong_purpose" or "error" to drive the error paths.
"""

from __future__ import annotations

import pytest

from egov_gateway.eds.sandbox import SandboxNCALayer
from egov_gateway.eds.testpki import TestPKI, build_test_pki, demo_people


@pytest.fixture(scope="session")
def demo_pki(tmp_path_factory) -> TestPKI:
    """Test keys for the demo people. Revocation comes from the CRLs on disk (no fetching)."""
    return build_test_pki(
        tmp_path_factory.mktemp("demo-pki"),
        demo_people(),
        algorithms=("rsa",),
        base_url="http://127.0.0.1:9",
    )


@pytest.fixture
def ncalayer_sandbox(demo_pki, settings):
    for name, value in demo_pki.settings_overrides().items():
        setattr(settings, name, value)
    settings.EDS_TEST_PKI_DIR = str(demo_pki.directory)
    settings.NCANODE_URL = ""
    with SandboxNCALayer(demo_pki, port=0) as server:
        settings.NCALAYER_URL = server.url
        yield server
