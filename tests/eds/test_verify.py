"""ID-2: only a real signature, by the right person, with the right key, over exactly the document.

The forgery suite: each forgery is refused with its own reason (``SignatureError.code``). The
certificates come from the session's test PKI (``conftest.py``), shaped like NCA of RK's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from egov_gateway.eds import errors
from egov_gateway.eds.cms import create_attached_cms, create_detached_cms
from egov_gateway.eds.verify import Purpose, peek_signer, verify_cms
from tests.eds import cms_tools

pytestmark = pytest.mark.usefixtures("trust_test_pki")

DOCUMENT = "Оферта для пользователей Портала социальных услуг — редакция 1\n".encode()
PERSON = "900101300017"  # TEST_PEOPLE[0]; the forgery certificates are issued to this person
OTHER_PERSON = "850505400018"
HEAD, HEAD_BIN = "770303300016", "100440000014"
RIGHT_TO_SIGN = "881111400014"
EMPLOYEE, EMPLOYEE_BIN = "920909400011", "090540000013"


def refused(
    code: str, cms: bytes, data: bytes | None = DOCUMENT, **kwargs
) -> errors.SignatureError:
    kwargs.setdefault("purpose", Purpose.SIGN)
    kwargs.setdefault("expected_iin", PERSON)
    with pytest.raises(errors.SignatureError) as caught:
        verify_cms(cms, data, **kwargs)
    assert caught.value.code == code, caught.value.detail
    assert str(caught.value)  # a message for the signer
    return caught.value


# --- accepted ---------------------------------------------------------------------------------


@pytest.mark.req("ID-2")
@pytest.mark.parametrize("algorithm", ["rsa", "ec"])
@pytest.mark.parametrize("attached", [False, True])
def test_valid_signature_of_an_individual_is_accepted(test_pki, algorithm, attached):
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm=algorithm)
    signer = verify_cms(
        key.sign(DOCUMENT, attached=attached),
        DOCUMENT,
        purpose=Purpose.SIGN,
        expected_iin=PERSON,
    )
    assert signer.iin == PERSON
    assert signer.bin == ""
    assert signer.common_name == "ТЕСТОВ АЛИХАН"
    assert signer.role_oids == ("1.2.398.3.3.4.1.1",)
    assert signer.backend == "local"
    assert signer.purpose is Purpose.SIGN
    assert signer.algorithm == ("rsa-pkcs1v15-sha256" if algorithm == "rsa" else "ecdsa-sha256")
    assert signer.certificate == key.certificate_der
    assert signer.serial == key.serial
    assert abs(signer.signing_time - datetime.now(UTC)) < timedelta(minutes=5)


@pytest.mark.req("ID-2")
def test_attached_signature_without_a_separate_document_is_verified_over_its_content(test_pki):
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm="ec")
    signer = verify_cms(
        key.sign(DOCUMENT, attached=True), None, purpose=Purpose.SIGN, expected_iin=PERSON
    )
    assert signer.iin == PERSON


@pytest.mark.req("ID-2")
def test_rsa_pss_signature_is_accepted(test_pki):
    key = test_pki.key_for(PERSON, Purpose.SIGN)
    cms = create_detached_cms(DOCUMENT, key.private_key, key.certificate, rsa_padding="pss")
    signer = verify_cms(cms, DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)
    assert signer.algorithm == "rsa-pss-sha256"


@pytest.mark.req("ID-2")
@pytest.mark.parametrize(
    "iin,role", [(HEAD, "1.2.398.3.3.4.1.2.1"), (RIGHT_TO_SIGN, "1.2.398.3.3.4.1.2.2")]
)
def test_organisation_signature_names_the_organisation_and_the_role(test_pki, iin, role):
    key = test_pki.key_for(iin, Purpose.SIGN, HEAD_BIN)
    signer = verify_cms(
        key.sign(DOCUMENT, include_chain=True),
        DOCUMENT,
        purpose=Purpose.SIGN,
        expected_iin=iin,
        expected_bin=HEAD_BIN,
    )
    assert signer.bin == HEAD_BIN
    assert signer.organisation == "ТОО «ТЕСТ ОРТОПЕДИЯ»"
    assert role in signer.role_oids
    assert signer.may_sign_for_organisation


@pytest.mark.req("ID-2")
def test_an_ordinary_employee_key_does_not_bind_the_organisation(test_pki):
    key = test_pki.key_for(EMPLOYEE, Purpose.SIGN, EMPLOYEE_BIN)
    signer = verify_cms(
        key.sign(DOCUMENT),
        DOCUMENT,
        purpose=Purpose.SIGN,
        expected_iin=EMPLOYEE,
        expected_bin=EMPLOYEE_BIN,
    )
    assert signer.role_oids == ("1.2.398.3.3.4.1.2",)
    assert not signer.may_sign_for_organisation


@pytest.mark.req("ID-3")
def test_auth_key_signs_in(test_pki):
    key = test_pki.key_for(PERSON, Purpose.AUTH, algorithm="ec")
    nonce = b"sign-in nonce 5f1c"
    signer = verify_cms(key.sign(nonce), nonce, purpose=Purpose.AUTH, expected_iin=PERSON)
    assert signer.purpose is Purpose.AUTH


def test_peek_signer_reads_the_claimed_certificate_without_trusting_it(test_pki):
    key = test_pki.special("untrusted")
    assert peek_signer(key.sign(DOCUMENT)).iin == PERSON


# --- the forgery suite --------------------------------------------------------------------------


@pytest.mark.req("ID-2")
def test_tampered_document_is_refused(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)
    refused("digest_mismatch", cms, DOCUMENT.replace(b"1", b"2"))


@pytest.mark.req("ID-2")
def test_attached_content_other_than_the_document_is_refused(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(b"another text", attached=True)
    refused("digest_mismatch", cms, DOCUMENT)


@pytest.mark.req("ID-2")
def test_signature_by_another_person_is_refused(test_pki):
    cms = test_pki.key_for(OTHER_PERSON, Purpose.SIGN).sign(DOCUMENT)
    refused("wrong_signer_iin", cms)


@pytest.mark.req("ID-2")
def test_signature_for_another_organisation_is_refused(test_pki):
    cms = test_pki.key_for(HEAD, Purpose.SIGN, HEAD_BIN).sign(DOCUMENT)
    refused("wrong_bin", cms, expected_iin=HEAD, expected_bin=EMPLOYEE_BIN)


@pytest.mark.req("ID-2")
def test_personal_key_cannot_sign_for_an_organisation(test_pki):
    cms = test_pki.key_for(HEAD, Purpose.SIGN).sign(DOCUMENT)
    refused("wrong_bin", cms, expected_iin=HEAD, expected_bin=HEAD_BIN)


@pytest.mark.req("ID-2")
def test_certificate_of_an_untrusted_ca_copying_nca_names_is_refused(test_pki):
    key = test_pki.special("untrusted")
    refused("untrusted", key.sign(DOCUMENT, include_chain=True))


@pytest.mark.req("ID-2")
def test_expired_certificate_is_refused(test_pki):
    refused("expired", test_pki.special("expired").sign(DOCUMENT))


@pytest.mark.req("ID-2")
def test_backdating_the_signing_time_into_the_validity_of_an_expired_certificate_is_refused(
    test_pki,
):
    key = test_pki.special("expired")
    backdated = key.certificate.not_valid_after_utc - timedelta(days=1)
    refused("signing_time", key.sign(DOCUMENT, signing_time=backdated))


@pytest.mark.req("ID-2")
def test_not_yet_valid_certificate_is_refused(test_pki):
    refused("not_yet_valid", test_pki.special("not_yet_valid").sign(DOCUMENT))


@pytest.mark.req("ID-2")
def test_certificate_revoked_on_the_crl_is_refused(test_pki):
    refused("revoked", test_pki.special("revoked").sign(DOCUMENT))


@pytest.mark.req("ID-2")
def test_auth_key_cannot_sign_a_document(test_pki):
    refused("wrong_key_purpose", test_pki.key_for(PERSON, Purpose.AUTH).sign(DOCUMENT))


@pytest.mark.req("ID-2", "ID-3")
def test_sign_key_cannot_sign_in(test_pki):
    nonce = b"sign-in nonce 77aa"
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(nonce)
    refused("wrong_key_purpose", cms, nonce, purpose=Purpose.AUTH)


@pytest.mark.req("ID-2")
@pytest.mark.parametrize("garbage", [b"", b"not a signature", b"\x30\x82\x10\x00\x06\x09"])
def test_garbage_is_refused_as_malformed(garbage):
    refused("malformed", garbage)


@pytest.mark.req("ID-2")
def test_truncated_cms_is_refused_as_malformed(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)
    refused("malformed", cms[: len(cms) // 2])
    refused("malformed", cms[:-1])


@pytest.mark.req("ID-2")
def test_detached_signature_without_the_document_is_refused(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)
    refused("malformed", cms, None)


@pytest.mark.req("ID-2")
@pytest.mark.parametrize("attached", [False, True])
def test_cms_over_another_content_type_is_refused(test_pki, attached):
    key = test_pki.key_for(PERSON, Purpose.SIGN)
    create = create_attached_cms if attached else create_detached_cms
    tst_info = "1.2.840.113549.1.9.16.1.4"  # a time-stamp token's content type
    cms = create(DOCUMENT, key.private_key, key.certificate, content_type=tst_info)
    refused("wrong_content_type", cms)


@pytest.mark.req("ID-2")
def test_altered_signed_attributes_break_the_signature(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)
    altered = cms_tools.shift_signing_time(cms, timedelta(seconds=-30))
    refused("bad_signature", altered)


@pytest.mark.req("ID-2")
def test_signature_made_with_another_key_than_the_certificate_is_refused(test_pki):
    # Signed with the other person's key, presented with this person's certificate.
    own = test_pki.key_for(PERSON, Purpose.SIGN)
    other = test_pki.key_for(OTHER_PERSON, Purpose.SIGN)
    cms = create_detached_cms(DOCUMENT, other.private_key, own.certificate)
    refused("bad_signature", cms)


@pytest.mark.req("ID-2")
def test_cms_without_the_signer_certificate_is_refused(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)
    refused("signer_certificate_missing", cms_tools.without_certificates(cms))
    other = test_pki.key_for(OTHER_PERSON, Purpose.SIGN).certificate_der
    refused("signer_certificate_missing", cms_tools.replace_certificates(cms, [other]))


@pytest.mark.req("ID-2")
def test_cms_without_signed_attributes_is_refused(test_pki):
    key = test_pki.key_for(PERSON, Purpose.SIGN)
    cms = cms_tools.without_signed_attributes(key.sign(DOCUMENT), DOCUMENT, key.private_key)
    refused("missing_signed_attributes", cms)


@pytest.mark.req("ID-2")
def test_cms_with_two_signers_is_refused(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(DOCUMENT)
    second = test_pki.key_for(OTHER_PERSON, Purpose.SIGN).sign(DOCUMENT)
    refused("malformed", cms_tools.with_second_signer(cms, second))


@pytest.mark.req("ID-2")
def test_signing_time_far_in_the_future_is_refused(test_pki):
    cms = test_pki.key_for(PERSON, Purpose.SIGN).sign(
        DOCUMENT, signing_time=datetime.now(UTC) + timedelta(hours=3)
    )
    refused("signing_time", cms)


@pytest.mark.req("ID-2")
def test_sha1_digest_is_refused(test_pki):
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm="ec")
    cms = create_detached_cms(DOCUMENT, key.private_key, key.certificate)
    # The same CMS, but claiming SHA-1: the portal accepts no SHA-1 signatures.
    info = cms_tools.load(cms)
    info["content"]["signer_infos"][0]["digest_algorithm"] = {"algorithm": "sha1"}
    refused("unsupported_algorithm", info.dump(force=True))
