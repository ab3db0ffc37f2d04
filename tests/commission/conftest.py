"""The demo commission of Astana (``load_demo``) with keys of a test PKI for the demo people, so
that votes and protocols carry real signatures that the server verifies."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from commission.models import Commission
from egov_gateway.eds.testpki import build_test_pki, demo_people

ASTANA = "710000000"


@pytest.fixture(scope="session")
def demo_pki(tmp_path_factory):
    return build_test_pki(
        tmp_path_factory.mktemp("commission-pki"),
        demo_people(),
        algorithms=("rsa",),
        base_url="http://127.0.0.1:9",
    )


@pytest.fixture
def trusted(demo_pki, settings):
    for name, value in demo_pki.settings_overrides().items():
        setattr(settings, name, value)
    settings.NCANODE_URL = ""
    return demo_pki


@pytest.fixture
def commission(transactional_db, trusted) -> Commission:
    call_command("load_demo", "--without-application", verbosity=0)
    return Commission.objects.get(region__kato=ASTANA)
