"""Annex 1 of the rules, the supplier's application, as a PDF (SUP-7)."""

from suppliers.annex.render import (
    SignedCopyUnavailable,
    annex1_context,
    render_annex1,
    render_context,
    render_signed_copy,
)

__all__ = [
    "SignedCopyUnavailable",
    "annex1_context",
    "render_annex1",
    "render_context",
    "render_signed_copy",
]
