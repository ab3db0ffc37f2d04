"""Supporting documents of the draft (SUP-5)."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import services as audit
from portal.models import Role, User
from suppliers import selectors, validators
from suppliers.models import (
    Application,
    DocType,
    SupportingDocument,
)
from suppliers.services.common import lock_application, mark_changed, require_draft, require_rights
from suppliers.services.errors import StateFactReported
from suppliers.storage import private_storage

logger = logging.getLogger(__name__)
# A file without its row is an upload in flight for at most this long (written, its transaction
# not yet committed); older, it was left behind (a killed process) and the sweep removes it.
ORPHAN_AFTER = datetime.timedelta(hours=1)
DOCUMENTS_FOLDER = "documents"

# --- documents (SUP-5) ---


def add_document(
    *,
    application: Application,
    uploaded_file: UploadedFile,
    doc_type: str,
    user: User,
    item_code: str = "",
    expires_on: datetime.date | None = None,
) -> SupportingDocument:
    """Attach a supporting document to the draft (2022 p.7 last paragraph; 2020 p.7; SUP-5).

    The content decides (``validators.check_upload``): PDF, JPEG or PNG, within the size limit,
    its content matching its extension and readable. The file goes to private storage under a
    random name; the name the supplier gave is kept only as ``original_name``. A document for a
    fact a state system reports against the supplier is refused (SUP-3).
    """
    if doc_type not in DocType.values:
        raise ValidationError({"doc_type": [_("Choose the type of the document.")]})
    require_rights(user=user, supplier=application.supplier)
    if (item_code or "").strip() in selectors.state_reported_facts(application):
        # SUP-3: a fact a state system reports is not overridden by an uploaded "proof".
        raise StateFactReported()
    checked = validators.check_upload(
        uploaded_file, name=uploaded_file.name or "", size=uploaded_file.size
    )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    require_draft(application)
    document = SupportingDocument(
        application=application,
        doc_type=doc_type,
        item_code=(item_code or "").strip(),
        original_name=(uploaded_file.name or "")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        expires_on=expires_on,
        uploaded_by=user,
    )
    # The file is written first (no disk I/O under the application's lock); if the transaction
    # does not commit, the file is removed again. A process killed in between leaves the file
    # without a row: ``remove_orphan_documents`` (beat) removes it (issue 15 item 5).
    document.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    try:
        with transaction.atomic(durable=True):
            locked = lock_application(application)
            require_draft(locked)
            document.application = locked
            document.save()
            mark_changed(locked)
            audit.record(
                actor=user,
                action="application.document_added",
                obj=locked,
                after={
                    "document": document.pk,
                    "doc_type": doc_type,
                    "item_code": document.item_code,
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "sha256": document.sha256,
                    "expires_on": expires_on,
                },
                basis=locked.edition.clause_for("supplier_data_items"),
                role=Role.SUPPLIER,
            )
    except BaseException:
        _discard_unless_kept(document.file.storage, document.file.name)
        raise
    return document


def _discard_unless_kept(storage: Storage, name: str) -> None:
    """Remove the file of an upload whose transaction failed, unless its row is there after all
    (a connection lost at the commit may have committed); when that cannot be asked, the file is
    left for the orphan sweep rather than risk a row without its file."""
    try:
        kept = SupportingDocument.objects.filter(file=name).exists()
    except DatabaseError:
        logger.warning(
            "upload %s: the database cannot say whether it was kept; left to the sweep", name
        )
        return
    if not kept:
        storage.delete(name)


def remove_orphan_documents(*, older_than: datetime.timedelta = ORPHAN_AFTER) -> int:
    """Remove the files of private storage that no supporting document refers to and that are
    older than ``older_than`` (uploads whose request died before its commit); the number
    removed. Younger files may belong to an upload still in flight and are kept."""
    storage = private_storage()
    cutoff = timezone.now() - older_than
    removed = 0
    for name in _stored_names(storage, DOCUMENTS_FOLDER):
        if storage.get_modified_time(name) >= cutoff:
            continue
        if SupportingDocument.objects.filter(file=name).exists():
            continue
        storage.delete(name)
        removed += 1
        logger.info("removed the orphan upload %s", name)
    return removed


def _stored_names(storage: Storage, folder: str) -> list[str]:
    if not storage.exists(folder):
        return []
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += _stored_names(storage, f"{folder}/{sub}")
    return names


def remove_document(*, document: SupportingDocument, user: User) -> None:
    """Remove a supporting document from the draft, and its file."""
    application = document.application
    require_rights(user=user, supplier=application.supplier)
    with transaction.atomic(durable=True):
        locked = lock_application(application)
        require_draft(locked)
        snapshot = {
            "document": document.pk,
            "doc_type": document.doc_type,
            "item_code": document.item_code,
            "sha256": document.sha256,
        }
        storage, name = document.file.storage, document.file.name
        document.delete()
        mark_changed(locked)
        audit.record(
            actor=user,
            action="application.document_removed",
            obj=locked,
            before=snapshot,
            basis=locked.edition.clause_for("supplier_data_items"),
            role=Role.SUPPLIER,
        )
        transaction.on_commit(lambda: storage.delete(name) if storage.exists(name) else None)
