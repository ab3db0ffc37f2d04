"""Refusals of the commission's acts: a stable ``code`` and a translated message in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from portal.errors import PortalError

if TYPE_CHECKING:
    from suppliers.models import Application


class CommissionActionError(PortalError):
    """An act of the commission was refused. ``str(error)`` is the translated message."""

    code = "commission_refused"


class NoLongerAwaitsDecision(CommissionActionError):
    """The supplier withdrew the application while it was on the agenda (withdrawal is open
    until the decision is published)."""

    code = "no_longer_awaits_decision"
    message = _("The supplier has withdrawn this application: the commission no longer decides it.")


def require_awaiting_decision(application: Application | None) -> None:
    if application is not None and not application.awaits_decision:
        raise NoLongerAwaitsDecision()
