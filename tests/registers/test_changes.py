"""The change feed of the registers (REG-2): only what changed, oldest change first, and no
change missed when two transactions commit out of the order of their timestamps — proved with
two real database connections."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from registers import selectors
from tests.registers.builders import make_entry

CHANGES = reverse("registers-api:changes")


def follow(client, cursor: str = "", **params) -> tuple[list[int], str]:
    """Every change the feed serves now from ``cursor``, and the cursor to call with next."""
    ids: list[int] = []
    query = {"cursor": cursor, **params} if cursor else params
    while True:
        data = client.get(CHANGES, {**query, "limit": 2}).json()
        ids += [row["id"] for row in data["changes"]]
        if not data["changes"]:
            return ids, data["next_cursor"]
        query = {"cursor": data["next_cursor"]}


def other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )


def touch(conn: psycopg.Connection, pk: int) -> None:
    conn.execute(
        "UPDATE registers_registerentry SET deregistration_ground = deregistration_ground"
        " WHERE id = %s",
        [pk],
    )


@pytest.mark.req("REG-2")
@pytest.mark.django_db
def test_the_feed_returns_only_what_changed_since_a_moment(client, settings):
    settings.REGISTERS_FEED_SETTLE_SECONDS = 0
    old = make_entry(name="Old")
    changed = make_entry(name="Changed")
    ids, cursor = follow(client)
    assert ids == [old.pk, changed.pk]
    assert follow(client, cursor)[0] == []
    changed.refresh_from_db()
    moment = changed.updated_at
    supplier = changed.supplier
    supplier.name = "Changed again"
    supplier.save()
    assert follow(client, cursor)[0] == [changed.pk]
    assert follow(client, updated_since=(moment + datetime.timedelta(microseconds=1)).isoformat())[
        0
    ] == [changed.pk]
    hidden = make_entry(name="Hidden", consent=False)
    assert hidden.pk not in follow(client, cursor)[0]


@pytest.mark.req("REG-2")
@pytest.mark.django_db
def test_the_feed_holds_back_the_newest_second_by_default(client):
    make_entry(name="Just now")
    assert follow(client)[0] == []
    page = selectors.changes()
    assert page.rows == [] and page.watermark < selectors.now()


@pytest.mark.req("REG-2")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_committed_out_of_timestamp_order_are_both_served(client, settings):
    settings.REGISTERS_FEED_SETTLE_SECONDS = 0
    first = make_entry(name="Written first, committed last")
    second = make_entry(name="Written second, committed first")
    _seen, cursor = follow(client)

    slow, fast = other_connection(), other_connection()
    try:
        touch(slow, first.pk)  # a transaction opens and stamps its change first ...
        touch(fast, second.pk)  # ... another stamps a later change and commits first
        fast.commit()
        # While the first transaction is open, the feed does not move past its start: the later
        # change waits too, or a client that followed the cursor would never see the first.
        served_early, cursor_early = follow(client, cursor)
        assert served_early == []

        slow.commit()
        served, _cursor = follow(client, cursor_early)
        assert served == [first.pk, second.pk]
    finally:
        slow.close()
        fast.close()
    with connection.cursor() as cursor_db:
        cursor_db.execute(
            "SELECT id FROM registers_registerentry WHERE id IN (%s, %s) ORDER BY updated_at",
            [first.pk, second.pk],
        )
        assert [row[0] for row in cursor_db.fetchall()] == [first.pk, second.pk]


@pytest.mark.req("REG-2")
@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_that_writes_no_entry_does_not_hold_the_feed_back(client, settings):
    settings.REGISTERS_FEED_SETTLE_SECONDS = 0
    busy = other_connection()
    try:
        busy.execute("CREATE TEMPORARY TABLE elsewhere (n int)")
        busy.execute("INSERT INTO elsewhere VALUES (1)")  # open, writing, never an entry
        entry = make_entry(name="Served now")
        assert follow(client)[0] == [entry.pk]
    finally:
        busy.close()
