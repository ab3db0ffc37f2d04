"""What a service does when its database connection breaks inside its transaction (a restarted
or failed-over server): the transaction was stored whole or not at all, and only a new
connection can tell which when the break came at the commit (issue 15 item 2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

T = TypeVar("T")

# What Django raises when the server is gone in the middle of a statement or at the commit.
CONNECTION_LOST = (OperationalError, InterfaceError)


def stored_after_lost_connection(lookup: Callable[[], T | None]) -> T | None:
    """Closes the broken connection and asks a new one with ``lookup`` whether the work was
    stored; None when it was not, or when the database still cannot be reached (not known)."""
    connection.close()  # the broken connection; the next query opens a new one
    try:
        return lookup()
    except CONNECTION_LOST:
        return None
