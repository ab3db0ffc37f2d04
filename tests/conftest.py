"""Fixtures shared by all tests.

``test_pki`` (a session-wide test PKI published on loopback) and ``trust_test_pki`` are used by
the signature tests and by every test that signs a document (the supplier cabinet, …).
"""

import pytest
from django.utils import translation


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "kazakh_default: keep the portal's real default language (Kazakh) for this test",
    )


@pytest.fixture(autouse=True)
def english_by_default(request, settings):
    """Tests read messages in English, the language of the source strings.

    The portal's default is Kazakh; a test that proves the default, or language choice, carries
    ``@pytest.mark.kazakh_default``. Requests that name a language (cookie, Accept-Language)
    still get it.
    """
    if request.node.get_closest_marker("kazakh_default"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def user_factory(db):
    """Make a person, optionally with a role: ``user_factory(role=Role.OPERATOR, password=...)``."""
    from tests.helpers.people import make_user

    return make_user


@pytest.fixture
def reference_rows(db):
    """The regions and classifier the data migrations load, put back if a flush removed them.

    Transactional tests (live server, browser, threads) end with a flush of every table; the
    next test on the same worker finds the reference data gone. A no-op when the rows are there.
    """
    from portal import reference_data
    from portal.models import ClassifierItem, Region

    if Region.objects.count() < len(reference_data.regions()):
        reference_data.add_regions(Region)
    if ClassifierItem.objects.count() < len(reference_data.classifier_items()):
        reference_data.add_classifier(ClassifierItem)


@pytest.fixture(autouse=True)
def _reference_rows_for_every_database_test(request):
    """Every test that uses the database starts with the reference data in place, whichever
    transactional test ran before it on the same worker."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_database:
        request.getfixturevalue("reference_rows")


@pytest.fixture(scope="session")
def revocation_server():
    from egov_gateway.eds.testpki_server import RevocationServer

    server = RevocationServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory, revocation_server):
    """Built once per test session (per xdist worker) with ``build_test_pki``; its CRL/OCSP URLs
    point at the loopback ``RevocationServer``."""
    from egov_gateway.eds.testpki import TEST_PEOPLE, build_test_pki

    pki = build_test_pki(
        tmp_path_factory.mktemp("test-pki"), TEST_PEOPLE, base_url=revocation_server.url
    )
    revocation_server.pki = pki
    return pki


@pytest.fixture
def trust_test_pki(settings, test_pki):
    """The portal trusts the session's test PKI (CRLs from disk, no fetching, hard-fail)."""
    for name, value in test_pki.settings_overrides().items():
        setattr(settings, name, value)
    settings.NCANODE_URL = ""
    return test_pki
