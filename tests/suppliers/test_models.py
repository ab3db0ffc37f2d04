"""The supplier models: the protected FSM status, the immutable signed Annex 1, private files."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, ProgrammingError, transaction
from django_fsm import TransitionNotAllowed

from egov_gateway.eds.models import Signature
from suppliers.models import AnnexDocument, Application
from suppliers.storage import private_root, private_storage
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    ApplicationFactory,
    add_document,
    private_media,
)

pytestmark = pytest.mark.django_db


def test_status_cannot_be_assigned_directly():
    application = ApplicationFactory()
    with pytest.raises(AttributeError):
        application.status = Application.Status.SUBMITTED
    assert application.status == Application.Status.DRAFT


@pytest.mark.req("SUP-8")
def test_transitions_go_draft_to_submitted_and_never_back():
    application = ApplicationFactory()
    application.submit()
    assert application.status == Application.Status.SUBMITTED
    with pytest.raises(TransitionNotAllowed):
        application.submit()


def test_withdrawal_is_possible_from_draft_and_submitted_only():
    draft = ApplicationFactory()
    draft.withdraw()
    assert draft.status == Application.Status.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        draft.withdraw()
    submitted = ApplicationFactory(status=Application.Status.SUBMITTED)
    submitted.withdraw()
    assert submitted.status == Application.Status.WITHDRAWN


def test_a_protected_status_survives_refresh_from_db():
    application = ApplicationFactory()
    application.submit()
    application.save()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_supplier_has_at_most_one_draft():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(supplier=application.supplier)


def _signature_for(annex: AnnexDocument) -> Signature:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    now = timezone.now()
    return Signature.objects.create(
        purpose="sign",
        document_sha256=annex.sha256,
        content_type=ContentType.objects.get_for_model(annex),
        object_id=str(annex.pk),
        cms=b"cms",
        certificate=b"cert",
        iin="900101300017",
        common_name="Test",
        certificate_serial="01",
        issuer="Test CA",
        certificate_not_before=now,
        certificate_not_after=now,
        algorithm="rsa-pkcs1v15-sha256",
        signing_time=now,
        verified_at=now,
        backend="local",
    )


@pytest.mark.req("SUP-8")
def test_a_signed_annex_can_be_neither_changed_nor_deleted():
    annex = AnnexDocument.objects.create(
        application=ApplicationFactory(),
        language="ru",
        pdf=b"%PDF-1.7",
        sha256="a" * 64,
        revision=0,
    )
    annex.pdf = b"%PDF-1.7 changed before signing"
    annex.save()  # unsigned: may still change (it is re-rendered as a new row in practice)
    annex.signature = _signature_for(annex)
    annex.save()
    annex.pdf = b"%PDF-1.7 forged"
    with pytest.raises(ProgrammingError), transaction.atomic():
        annex.save()
    with pytest.raises(ProgrammingError), transaction.atomic():
        AnnexDocument.objects.filter(pk=annex.pk).delete()
    annex.refresh_from_db()
    assert bytes(annex.pdf) == b"%PDF-1.7 changed before signing"


def test_documents_are_stored_under_the_private_root_with_no_url(settings):
    document = add_document(ApplicationFactory(), "diploma")
    path = private_storage().path(document.file.name)
    assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT.resolve()))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))
    assert document.original_name not in document.file.name
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


def test_a_private_root_inside_the_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    with pytest.raises(ImproperlyConfigured):
        private_root()
