"""ID-4: the test PKI that stands in for NCA in development, the demo and the tests."""

from __future__ import annotations

import json

import pytest
from cryptography import x509
from django.core.management import call_command
from django.core.management.base import CommandError

from egov_gateway.eds.certificates import parse_certificate
from egov_gateway.eds.signer import Purpose
from egov_gateway.eds.testpki import TEST_PEOPLE, TestPKI, default_people, demo_people
from egov_gateway.eds.verify import verify_cms
from portal.identifiers import is_valid_bin, is_valid_iin


@pytest.mark.req("ID-4")
def test_make_test_pki_issues_keys_for_the_demo_people(tmp_path, settings):
    settings.SANDBOX_SIGNER_ENABLED = True
    call_command("make_test_pki", "--out", str(tmp_path), "--base-url", "http://127.0.0.1:9")

    pki = TestPKI.load(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["root"] == "ca/root.pem"
    demo = demo_people()
    assert demo, "portal/reference_data/demo.json lists the demo people"
    for person in demo:
        for purpose in (Purpose.AUTH, Purpose.SIGN):
            key = pki.key_for(person.iin, purpose)
            assert parse_certificate(key.certificate_der).iin == person.iin
        for membership in person.memberships:
            key = pki.key_for(person.iin, Purpose.SIGN, membership.bin, algorithm="ec")
            assert parse_certificate(key.certificate_der).bin == membership.bin
    crl = x509.load_der_x509_crl(pki.path("intermediate_crl").read_bytes())
    assert len(crl) == 2  # the revoked AUTH and SIGN forgery certificates
    entry = manifest["keys"][0]
    assert set(entry) >= {"iin", "bin", "role", "purpose", "algorithm", "cert", "key"}


@pytest.mark.req("ID-4")
def test_make_test_pki_keeps_an_existing_pki_unless_forced(tmp_path, settings):
    settings.SANDBOX_SIGNER_ENABLED = True
    call_command("make_test_pki", "--out", str(tmp_path), "--people", "test")
    first = TestPKI.load(tmp_path).root_path.read_bytes()
    call_command("make_test_pki", "--out", str(tmp_path), "--people", "test")
    assert TestPKI.load(tmp_path).root_path.read_bytes() == first
    call_command("make_test_pki", "--out", str(tmp_path), "--people", "test", "--force")
    assert TestPKI.load(tmp_path).root_path.read_bytes() != first


@pytest.mark.req("ID-4")
def test_make_test_pki_is_refused_without_the_sandbox(tmp_path, settings):
    settings.SANDBOX_SIGNER_ENABLED = False
    with pytest.raises(CommandError):
        call_command("make_test_pki", "--out", str(tmp_path))
    assert not (tmp_path / "manifest.json").exists()


@pytest.mark.req("ID-1", "ID-4")
def test_test_people_have_valid_identifiers():
    for person in default_people():
        assert is_valid_iin(person.iin), person
        for membership in person.memberships:
            assert is_valid_bin(membership.bin), membership
    assert default_people()[: len(TEST_PEOPLE)] == list(TEST_PEOPLE)


@pytest.mark.req("ID-4")
def test_key_lookup_finds_the_organisation_key_only_when_asked(test_pki):
    head, bin = "770303300016", "100440000014"
    personal = test_pki.key_for(head, Purpose.SIGN)
    organisational = test_pki.key_for(head, Purpose.SIGN, bin)
    assert personal.bin == "" and organisational.bin == bin
    with pytest.raises(LookupError):
        test_pki.key_for("850505400018", Purpose.SIGN, bin)


def test_the_sandbox_trusts_the_generated_pki_by_default(tmp_path, settings):
    """Development settings need no EDS_* setting: the sandbox trusts var/test-pki."""
    settings.SANDBOX_SIGNER_ENABLED = True
    settings.EDS_TEST_PKI_DIR = str(tmp_path)
    for name in ("EDS_TRUSTED_ROOTS", "EDS_INTERMEDIATES_DIR", "EDS_CRL_DIR", "EDS_ALLOW_FETCHING"):
        if hasattr(settings, name):
            delattr(settings, name)
    call_command("make_test_pki", "--people", "test")
    pki = TestPKI.load(tmp_path)
    key = pki.key_for(TEST_PEOPLE[1].iin, Purpose.AUTH)
    signer = verify_cms(key.sign(b"nonce"), b"nonce", purpose=Purpose.AUTH, expected_iin=key.iin)
    assert signer.iin == key.iin

    settings.SANDBOX_SIGNER_ENABLED = False  # production: the test root is never trusted
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        verify_cms(key.sign(b"nonce"), b"nonce", purpose=Purpose.AUTH, expected_iin=key.iin)
