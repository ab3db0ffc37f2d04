"""ID-2: the server keeps every verified signature with what was signed; it can never change."""

from __future__ import annotations

import hashlib

import pytest
from django.db import DatabaseError, transaction

from egov_gateway.eds import errors
from egov_gateway.eds.models import Signature
from egov_gateway.eds.services import sign_document
from egov_gateway.eds.signer import Purpose
from portal.audit.models import AuditEvent
from portal.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trust_test_pki")]

DOCUMENT = "Публичная оферта. Редакция от 01.09.2022.\n".encode()
HEAD, HEAD_BIN = "770303300016", "100440000014"


@pytest.fixture
def head(user_factory):
    return user_factory(iin=HEAD, full_name="Басшы Ерлан Серікұлы")


@pytest.mark.req("ID-2")
def test_signature_is_stored_with_the_exact_bytes_certificate_and_signer(test_pki, head):
    key = test_pki.key_for(HEAD, Purpose.SIGN, HEAD_BIN)
    cms = key.sign(DOCUMENT)

    signature = sign_document(
        role="supplier",
        cms=cms,
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
        expected_bin=HEAD_BIN,
        document_kind="public_offer",
        basis="2022 p.5",
    )

    signature.refresh_from_db()
    assert bytes(signature.document) == DOCUMENT
    assert signature.document_sha256 == hashlib.sha256(DOCUMENT).hexdigest()
    assert bytes(signature.cms) == cms
    assert bytes(signature.certificate) == key.certificate_der
    assert (signature.iin, signature.bin, signature.signer) == (HEAD, HEAD_BIN, head)
    assert signature.role_oids == ["1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.1"]
    assert signature.certificate_serial == key.serial
    assert signature.purpose == Purpose.SIGN
    assert signature.backend == "local"
    assert signature.verification["valid"] is True
    assert signature.signing_time is not None


@pytest.mark.req("ID-2")
def test_every_signature_writes_an_audit_event(test_pki, head):
    signature = sign_document(
        role="supplier",
        cms=test_pki.key_for(HEAD, Purpose.SIGN).sign(DOCUMENT),
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
        basis="2022 p.5",
    )
    event = AuditEvent.objects.get(action="signature.recorded", object_id=str(signature.pk))
    assert event.actor == head
    assert event.object_type == "eds.signature"
    assert event.basis == "2022 p.5"
    assert event.after["document_sha256"] == signature.document_sha256
    assert event.after["certificate_serial"] == signature.certificate_serial


@pytest.mark.req("ID-2")
def test_signature_of_a_stored_document_keeps_a_reference_to_it(test_pki, head):
    document = Region.objects.create(
        kato="999999999", kind=Region.Kind.CITY, name_kk="a", name_ru="b", name_en="c"
    )
    signature = sign_document(
        role="supplier",
        cms=test_pki.key_for(HEAD, Purpose.SIGN).sign(DOCUMENT),
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
        obj=document,
        document_kind="region",
    )
    signature.refresh_from_db()
    assert signature.signed_object == document
    assert signature.document is None
    assert signature.document_sha256 == hashlib.sha256(DOCUMENT).hexdigest()


@pytest.mark.req("ID-2")
def test_refused_signature_stores_nothing(test_pki, head):
    with pytest.raises(errors.DigestMismatch):
        sign_document(
            role="supplier",
            cms=test_pki.key_for(HEAD, Purpose.SIGN).sign(DOCUMENT),
            data=DOCUMENT + b" (changed)",
            purpose=Purpose.SIGN,
            signer_user=head,
            expected_iin=HEAD,
        )
    assert not Signature.objects.exists()
    assert not AuditEvent.objects.filter(action="signature.recorded").exists()


@pytest.mark.req("ID-2")
def test_the_database_refuses_to_change_or_delete_a_signature(test_pki, head):
    signature = sign_document(
        role="supplier",
        cms=test_pki.key_for(HEAD, Purpose.SIGN).sign(DOCUMENT),
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(document=b"another document")
    with pytest.raises(DatabaseError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).delete()
    signature.refresh_from_db()
    assert bytes(signature.document) == DOCUMENT


@pytest.mark.req("ID-2")
def test_signing_again_creates_a_new_signature(test_pki, head):
    key = test_pki.key_for(HEAD, Purpose.SIGN)
    first = sign_document(
        role="supplier",
        cms=key.sign(DOCUMENT),
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
    )
    second = sign_document(
        role="supplier",
        cms=key.sign(DOCUMENT),
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
    )
    assert first.pk != second.pk
    assert Signature.objects.filter(document_sha256=first.document_sha256).count() == 2


@pytest.mark.req("ID-2")
def test_the_admin_shows_signatures_but_cannot_change_them(client, user_factory, test_pki, head):
    client.force_login(user_factory(is_staff=True, is_superuser=True))
    admin_client = client
    signature = sign_document(
        role="supplier",
        cms=test_pki.key_for(HEAD, Purpose.SIGN).sign(DOCUMENT),
        data=DOCUMENT,
        purpose=Purpose.SIGN,
        signer_user=head,
        expected_iin=HEAD,
    )
    assert admin_client.get("/admin/eds/signature/").status_code == 200
    page = admin_client.get(f"/admin/eds/signature/{signature.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(f"/admin/eds/signature/{signature.pk}/delete/").status_code == 403
