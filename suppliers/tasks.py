"""Celery tasks of the supplier cabinet: thin, idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="suppliers.tasks.remove_orphan_documents", acks_late=True, ignore_result=True)
def remove_orphan_documents() -> int:
    """Remove uploaded files left without their document (issue 15 item 5); for Celery beat.
    Running it twice removes nothing more."""
    from suppliers import services

    return services.remove_orphan_documents()
