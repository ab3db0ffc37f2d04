"""What can go wrong when a state system is asked (SYNC-3).

Every failure is an exception: a source that could not be asked, or whose answer could not be
read, never yields an empty answer, so "no answer" can never be read as "no record".
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class SourceError(Exception):
    """A state system did not give a usable answer."""

    retryable = False

    def __init__(self, message: str, *, source: str = "") -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.source}: {message}" if self.source else message


class SourceUnavailable(SourceError):
    """Timeout, refused or reset connection, HTTP 5xx: worth asking again after a pause."""

    retryable = True


class SourceRejected(SourceError):
    """The source answered with an error status (gateway code other than SCSS001, HTTP 4xx)."""

    def __init__(self, message: str, *, source: str = "", code: str = "") -> None:
        super().__init__(message, source=source)
        self.code = code


class MalformedAnswer(SourceError):
    """The answer arrived but does not have the shape the protocol promises."""


class SourceNotConfigured(SourceError, ImproperlyConfigured):
    """The source cannot be asked with the present settings (no endpoint, token, signer or file)."""
