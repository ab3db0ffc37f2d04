"""The Annex 1 forms prepared for signing (SUP-7)."""

from __future__ import annotations

from suppliers.models import AnnexDocument, Application


def prepared_annexes(application: Application) -> dict[str, AnnexDocument]:
    """The unsigned Annex 1 forms of the application's data as they are now (its revision), by
    language: what the sign page shows and what may be signed (SUP-7, SUP-8)."""
    annexes = application.annexes.filter(revision=application.revision, signature__isnull=True)
    return {annex.language: annex for annex in annexes.order_by("pk")}
