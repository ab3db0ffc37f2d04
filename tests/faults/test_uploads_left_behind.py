"""Uploads left behind (issue 15 item 5; SUP-5's storage).

A file written by an upload whose transaction rolls back is removed at once; a file left by a
process killed between writing it and committing its row is removed by the periodic sweep
(``suppliers.tasks.remove_orphan_documents``), which keeps the files of documents and of
uploads still in flight.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from suppliers import services, tasks
from suppliers.models import Application, DocType, SupportingDocument
from tests.faults.backends import backend_waiting_for_a_lock, second_connection, wait_until
from tests.faults.conftest import database_url
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    ApplicationFactory,
    pdf_bytes,
    private_media,
    representative,
)

ROOT = Path(__file__).resolve().parents[2]
TWO_HOURS = 2 * 60 * 60


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def upload(application: Application, user) -> SupportingDocument:
    return services.add_document(
        application=application,
        uploaded_file=SimpleUploadedFile("diploma.pdf", pdf_bytes(), "application/pdf"),
        doc_type=DocType.STAFFING_TABLE,
        user=user,
    )


@pytest.mark.django_db
def test_an_upload_whose_transaction_rolls_back_leaves_no_file(private_media):  # noqa: F811
    application = ApplicationFactory()
    head = representative(application.supplier)
    # Submitted from another tab after this page was loaded: refused under the lock, after
    # the file was written.
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)

    with pytest.raises(services.NotEditable):
        upload(application, head)

    assert SupportingDocument.objects.count() == 0
    assert stored_files(private_media) == []


@pytest.mark.django_db(transaction=True)
def test_a_file_left_by_an_upload_killed_before_its_commit_is_removed_by_the_sweep(
    private_media,  # noqa: F811
):
    application = ApplicationFactory()
    head = representative(application.supplier)
    kept = upload(application, head)
    # The upload's process is killed while its transaction waits for the application's lock.
    holder = second_connection()
    holder.execute("SELECT 1 FROM suppliers_application WHERE id = %s FOR UPDATE", [application.pk])
    database = connection.settings_dict
    script = (
        "import django; django.setup()\n"
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from portal.models import User\n"
        "from suppliers import services\n"
        "from suppliers.models import Application, DocType\n"
        "from tests.suppliers.factories import pdf_bytes\n"
        f"services.add_document(application=Application.objects.get(pk={application.pk}),\n"
        "    uploaded_file=SimpleUploadedFile('x.pdf', pdf_bytes(), 'application/pdf'),\n"
        f"    doc_type={kept.doc_type!r}, user=User.objects.get(pk={head.pk}))\n"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PYTHONPATH": str(ROOT),
            "PRIVATE_MEDIA_ROOT": str(private_media),
            "TEST_DATABASE_URL": database_url(database),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: backend_waiting_for_a_lock() is not None, what="the upload to wait")
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
        holder.rollback()
        holder.close()
    files = stored_files(private_media)
    assert len(files) == 2, "the killed upload wrote its file and no row"
    (orphan,) = [f for f in files if not str(f).endswith(kept.file.name)]
    assert SupportingDocument.objects.count() == 1

    assert tasks.remove_orphan_documents.apply().get() == 0, "young: maybe still in flight"
    old = time.time() - TWO_HOURS
    os.utime(orphan, (old, old))
    os.utime(private_media / kept.file.name, (old, old))
    assert tasks.remove_orphan_documents.apply().get() == 1
    assert tasks.remove_orphan_documents.apply().get() == 0

    assert stored_files(private_media) == [private_media / kept.file.name]
    assert SupportingDocument.objects.get() == kept
