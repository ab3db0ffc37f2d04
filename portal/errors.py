"""The one base of the portal's refusals and failures: :class:`PortalError`.

Every act of the portal that is refused (a cabinet act, a signature, a state system's answer)
raises a subclass with

- ``code``: stable, for logs, tests, the audit trail and browser clients (``"digest_mismatch"``);
- ``message``: what may be shown to the person as it is, translated (``str(error)`` gives it);
- ``detail``: technical detail for logs and records, never shown.

A view catches ``PortalError`` and shows ``error.message``; the subclasses name the reasons.
The pages for 403, 404 and 500 are views (``portal.views``), not errors.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    """A refusal or failure of the portal. ``str(error)`` is the translated ``message``."""

    code: str = "error"
    message: str | Promise = _("This action is not possible.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        detail: str = "",
    ) -> None:
        self.message = message or type(self).message
        if code:
            self.code = code
        # Technical detail for logs and records; never shown to the person.
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)
