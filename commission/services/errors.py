"""Refusals of the commission's acts: a stable ``code`` and a translated message in words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class CommissionActionError(Exception):
    """An act of the commission was refused. ``str(error)`` is the translated message."""

    code = "refused"
    message = _("This action is not possible.")

    def __init__(self, message=None, *, code: str | None = None, detail: str = "") -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.detail = detail
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)
