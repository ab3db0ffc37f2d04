"""Refusals of the commission's acts: a stable ``code`` and a translated message in words."""

from __future__ import annotations

from portal.errors import PortalError


class CommissionActionError(PortalError):
    """An act of the commission was refused. ``str(error)`` is the translated message."""

    code = "commission_refused"
