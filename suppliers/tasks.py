"""Celery tasks of the supplier's cabinet: thin, idempotent.

They import the services when they run: the services start them (on commit), so the import goes
one way.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.dispatch import receiver

from suppliers.signals import draft_changed


@shared_task(name="suppliers.tasks.prepare_annexes", acks_late=True, ignore_result=True)
def prepare_annexes(*, application_id: int, revision: int) -> int:
    """Form Annex 1 in each language for the data saved at ``revision`` (issue 9, item 8), so
    the sign page shows it without rendering. Returns how many forms are ready."""
    from suppliers import services

    return len(
        services.prepare_annexes_after_change(application_id=application_id, revision=revision)
    )


@receiver(draft_changed, dispatch_uid="suppliers.tasks.prepare_annexes")
def start_preparing_annexes(*, application_id: int, revision: int, **_kwargs: Any) -> None:
    """On the commit of a change of a draft: form its Annex 1 in a worker (issue 9, item 8)."""
    prepare_annexes.delay(application_id=application_id, revision=revision)


@shared_task(name="suppliers.tasks.remove_orphan_documents", acks_late=True, ignore_result=True)
def remove_orphan_documents() -> int:
    """Remove uploaded files left without their document (issue 15 item 5); for Celery beat.
    Running it twice removes nothing more."""
    from suppliers import services

    return services.remove_orphan_documents()
