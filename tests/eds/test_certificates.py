"""ID-2: NCA of RK certificates are read as NCA writes them — proven on NCA's real test certificates
(``/work/shared/fixtures/nca-test``) and on the test PKI, which must look the same."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509

from egov_gateway.eds import errors, oids, path
from egov_gateway.eds.certificates import parse_certificate, read_certificates
from egov_gateway.eds.signer import Purpose
from portal.identifiers import is_valid_bin, is_valid_iin

NCA_TEST = Path("/work/shared/fixtures/nca-test")
IN_2022 = datetime(2022, 8, 8, tzinfo=UTC)


def nca(name: str) -> bytes:
    return (NCA_TEST / name).read_bytes()


@pytest.mark.req("ID-2")
def test_real_nca_individual_sign_certificate_is_read():
    info = parse_certificate(nca("certs/individual_valid_sign_2004_rsa.cer"))
    assert info.iin == "123456789011"
    assert info.bin == ""
    assert info.common_name == "ТЕСТОВ ТЕСТ"
    assert info.surname == "ТЕСТОВ"
    assert info.given_name == "ТЕСТОВИЧ"
    assert info.purposes == {Purpose.SIGN}
    assert info.role_oids == (oids.ROLE_INDIVIDUAL,)
    assert info.policy_oids == (oids.POLICY_INDIVIDUAL_SIGN,)
    assert info.issuer == "CN=ҰКО 3.0 (RSA TEST),C=KZ"
    assert not info.is_gost


@pytest.mark.req("ID-2")
def test_real_nca_individual_auth_certificate_is_read():
    info = parse_certificate(nca("certs/individual_valid_sign_2004_rsa_auth.cer"))
    assert info.iin == "123456789011"
    assert info.purposes == {Purpose.AUTH}
    assert info.key_usage == {"digital_signature", "key_encipherment"}
    assert info.role_oids == (oids.ROLE_INDIVIDUAL,)


@pytest.mark.req("ID-2")
def test_real_nca_gost_ceo_certificate_is_read():
    info = parse_certificate(nca("certs/ceo_valid_sign_2004_gost.cer"))
    assert info.is_gost
    assert info.signature_algorithm_oid.startswith("1.2.398.3.10.1.1")
    assert info.iin == "123456789011"
    assert info.bin == "123456789021"
    assert info.organisation == 'АО "ТЕСТ"'
    assert info.purposes == {Purpose.SIGN}
    assert set(info.role_oids) == {oids.ROLE_EMPLOYEE, oids.ROLE_HEAD}


@pytest.mark.req("ID-1", "ID-2")
def test_placeholder_identifiers_of_nca_test_certificates_are_not_valid_identifiers():
    info = parse_certificate(nca("certs/ceo_valid_sign_2004_gost.cer"))
    assert not is_valid_iin(info.iin)
    assert not is_valid_bin(info.bin)


@pytest.mark.req("ID-2")
def test_real_nca_certificate_chains_to_the_nca_test_ca_in_2022():
    # NCA's test root is not among the fixtures: the intermediate "ҰКО 3.0 (RSA TEST)" is the
    # anchor. Revocation is not checked here; see the CRL test below.
    trust = path.TrustMaterial(roots=tuple(read_certificates(NCA_TEST / "ca/nca_rsa_test.crt")))
    no_revocation = path.PathPolicy(revocation_mode="none")
    cert = read_certificates(NCA_TEST / "certs/individual_valid_sign_2004_rsa.cer")[0]

    chain = path.validate_path(cert, moment=IN_2022, trust=trust, policy=no_revocation)
    assert len(chain) == 2

    with pytest.raises(errors.CertificateExpired):
        path.validate_path(
            cert, moment=datetime(2023, 6, 1, tzinfo=UTC), trust=trust, policy=no_revocation
        )


@pytest.mark.req("ID-2")
def test_real_nca_certificate_does_not_chain_to_another_ca():
    trust = path.TrustMaterial(roots=tuple(read_certificates(NCA_TEST / "ca/nca_gost_test.crt")))
    cert = read_certificates(NCA_TEST / "certs/individual_valid_sign_2004_rsa.cer")[0]
    with pytest.raises(errors.UntrustedCertificate):
        path.validate_path(
            cert, moment=IN_2022, trust=trust, policy=path.PathPolicy(revocation_mode="none")
        )


@pytest.mark.req("ID-2")
def test_real_nca_crl_is_signed_by_the_ca_and_does_not_list_the_valid_certificates():
    crl = x509.load_der_x509_crl(nca("crl/nca_rsa_test.crl"))
    ca = x509.load_pem_x509_certificate(nca("ca/nca_rsa_test.crt"))
    assert crl.is_signature_valid(ca.public_key())
    assert len(crl) > 100
    for name in ("individual_valid_sign_2004_rsa.cer", "individual_valid_sign_2004_rsa_auth.cer"):
        cert = x509.load_pem_x509_certificate(nca(f"certs/{name}"))
        assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is None


@pytest.mark.req("ID-2")
@pytest.mark.parametrize(
    "iin,bin,role_oids,policy",
    [
        ("900101300017", "", (oids.ROLE_INDIVIDUAL,), oids.POLICY_INDIVIDUAL_SIGN),
        (
            "770303300016",
            "100440000014",
            (oids.ROLE_EMPLOYEE, oids.ROLE_HEAD),
            oids.POLICY_LEGAL_SIGN,
        ),
        (
            "881111400014",
            "100440000014",
            (oids.ROLE_EMPLOYEE, oids.ROLE_RIGHT_TO_SIGN),
            oids.POLICY_LEGAL_SIGN,
        ),
        ("920909400011", "090540000013", (oids.ROLE_EMPLOYEE,), oids.POLICY_LEGAL_SIGN),
    ],
)
def test_test_pki_certificates_are_shaped_like_nca_ones(test_pki, iin, bin, role_oids, policy):
    for algorithm in ("rsa", "ec"):
        sign = parse_certificate(
            test_pki.key_for(iin, Purpose.SIGN, bin, algorithm=algorithm).certificate_der
        )
        auth = parse_certificate(
            test_pki.key_for(iin, Purpose.AUTH, bin, algorithm=algorithm).certificate_der
        )
        assert (sign.iin, sign.bin, auth.iin, auth.bin) == (iin, bin, iin, bin)
        assert sign.purposes == {Purpose.SIGN} and auth.purposes == {Purpose.AUTH}
        assert sign.key_usage == {"digital_signature", "non_repudiation"}
        assert auth.key_usage == {"digital_signature", "key_encipherment"}
        assert sign.role_oids == role_oids == auth.role_oids
        assert sign.policy_oids == (policy,)
        assert sign.country == "KZ"
        assert sign.issuer == "C=KZ,CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (SANDBOX)"
        cert = x509.load_der_x509_certificate(sign.der)
        access = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
        assert any(d.access_location.value.endswith("/ocsp") for d in access)
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        assert points[0].full_name[0].value.startswith(test_pki.base_url)
