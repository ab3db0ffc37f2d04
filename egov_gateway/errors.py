"""What can go wrong when a state system is asked (SYNC-3).

Every failure is an exception: a source that could not be asked, or whose answer could not be
read, never yields an empty answer, so "no answer" can never be read as "no record".
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.errors import PortalError


class SourceError(PortalError):
    """A state system did not give a usable answer.

    ``str(error)`` is the technical account for logs (``"gbd_ul: timed out"``), also kept as
    ``detail``; ``message`` is what a page may say about it.
    """

    code = "source_error"
    message = _("A state information system did not answer. Try again later.")
    retryable = False

    def __init__(self, message: str, *, source: str = "", code: str | None = None) -> None:
        super().__init__(code=code, detail=message)
        # As before the common base: ``args`` carry the technical account (logs, retries).
        self.args = (message,)
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}" if self.source else self.detail


class SourceUnavailable(SourceError):
    """Timeout, refused or reset connection, HTTP 5xx: worth asking again after a pause."""

    code = "source_unavailable"
    retryable = True


class SourceRejected(SourceError):
    """The source answered with an error status (gateway code other than SCSS001, HTTP 4xx).

    ``code`` is the source's own status code (``"ESRV005"``) when it gave one.
    """

    code = ""


class MalformedAnswer(SourceError):
    """The answer arrived but does not have the shape the protocol promises."""

    code = "malformed_answer"


class SourceNotConfigured(SourceError, ImproperlyConfigured):
    """The source cannot be asked with the present settings (no endpoint, token, signer or file)."""

    code = "source_not_configured"
