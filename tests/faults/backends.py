"""The database side of the fault tests: a second connection that holds a lock, and the backend
of the work under test, found while it waits for that lock and killed there."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import connection, connections


def wait_until(condition: Callable[[], Any], *, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def second_connection() -> psycopg.Connection:
    """A connection of its own to the test database, outside Django."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=False)


def holding_audit_chain() -> psycopg.Connection:
    """A second connection holding the audit chain's lock: the next audited act waits for it,
    in the middle of its transaction, until the connection rolls back."""
    from portal.audit.services import CHAIN_LOCK_KEY

    holder = second_connection()
    holder.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    return holder


def backend_waiting_for_a_lock(*, having_written: str = "") -> int | None:
    """Another backend of this database waiting for a lock; with ``having_written`` (a table),
    only one that has already written rows of it in its transaction."""
    written = (
        "AND EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = a.pid AND c.relname = %s AND l.mode = 'RowExclusiveLock')"
        if having_written
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database() "
            f"AND a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid() {written}",
            [having_written] if having_written else [],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def killed_while_waiting(
    action: Callable[[], Any], *, holder: psycopg.Connection, having_written: str = ""
) -> dict[str, Any]:
    """Runs ``action`` in a thread until its backend waits for the lock ``holder`` keeps (and,
    with ``having_written``, has written rows of that table), then kills the backend as a
    database restart or fail-over does (``pg_terminate_backend``) and releases ``holder``.
    Returns what ``action`` returned (``"result"``) or raised (``"error"``)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = action()
        except Exception as error:  # the test looks at what the person would be told
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        wait_until(
            lambda: backend_waiting_for_a_lock(having_written=having_written) is not None,
            what="the work to wait for the lock",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(%s)",
                [backend_waiting_for_a_lock(having_written=having_written)],
            )
    finally:
        holder.rollback()
        holder.close()
        thread.join(60)
    return outcome
