"""The set-wise part of the sync: compare the staged answer with the listings, apply, emit.

The fetched rows are in ``egov_sync_staging`` (one row per entry as JSON text, or per BIN/IIN
asked with a NULL payload when a WATCHED source does not list it). Each BIN/IIN's entries are
reduced to a fingerprint; one full join with the listings classifies what differs into the small
``egov_sync_diff`` table, and only those rows get their entries built, written and turned into
events. An unchanged register costs one aggregate, one join and no writes (SYNC-2).
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

STAGING = """
DROP TABLE IF EXISTS egov_sync_staging;
DROP TABLE IF EXISTS egov_sync_listed;
DROP TABLE IF EXISTS egov_sync_diff;
DROP TABLE IF EXISTS egov_sync_payload;
CREATE TEMP TABLE egov_sync_staging (identifier varchar(12) NOT NULL, payload text)
    ON COMMIT DROP;
"""
# One row per BIN/IIN with a fingerprint of its entries (a supplier may be listed several
# times): their count and the sum of their 64-bit hashes, independent of the entries' order.
# Comparing fingerprints instead of the entries keeps an unchanged re-run cheap.
LISTED = """
CREATE TEMP TABLE egov_sync_listed ON COMMIT DROP AS
    SELECT identifier,
           count(*)::text || ':' || sum(hashtextextended(payload, 0))::text AS digest
    FROM egov_sync_staging WHERE payload IS NOT NULL GROUP BY identifier;
ANALYZE egov_sync_listed;
"""
DIFF = """
CREATE TEMP TABLE egov_sync_diff ON COMMIT DROP AS
SELECT coalesce(s.identifier, l.identifier) AS identifier, s.digest, l.id AS listing_id,
       CASE WHEN l.id IS NULL THEN 'new'
            WHEN s.identifier IS NULL THEN 'removed'
            WHEN l.removed_run_id IS NOT NULL THEN 'relisted'
            ELSE 'changed' END AS change
FROM egov_sync_listed s
FULL JOIN (SELECT id, identifier, digest, removed_run_id FROM egov_gateway_statelisting
           WHERE source = %(source)s) l ON l.identifier = s.identifier
WHERE l.id IS NULL
   OR (s.identifier IS NULL AND l.removed_run_id IS NULL)
   OR (s.identifier IS NOT NULL AND l.removed_run_id IS NOT NULL)
   OR (s.identifier IS NOT NULL AND l.digest <> s.digest)
"""
# A WATCHED source said something only about the BINs/IINs it was asked about.
NOT_ASKED = """
DELETE FROM egov_sync_diff d WHERE d.change = 'removed'
  AND NOT EXISTS (SELECT 1 FROM egov_sync_staging a WHERE a.identifier = d.identifier)
"""
COUNT_CHANGES = "SELECT change, count(*) FROM egov_sync_diff GROUP BY change"
# The entries of what is new or changed, as one JSON array per BIN/IIN in a stable order.
PAYLOAD = """
CREATE TEMP TABLE egov_sync_payload ON COMMIT DROP AS
SELECT identifier, ('[' || string_agg(payload, ',') || ']')::jsonb AS payload
FROM (SELECT s.identifier, s.payload FROM egov_sync_staging s
      JOIN egov_sync_diff d ON d.identifier = s.identifier AND d.change <> 'removed'
      WHERE s.payload IS NOT NULL
      ORDER BY s.identifier, s.payload COLLATE "C") AS sorted
GROUP BY identifier;
ANALYZE egov_sync_payload;
"""
REMOVE = """
UPDATE egov_gateway_statelisting l SET removed_run_id = %(run)s
FROM egov_sync_diff d WHERE d.change = 'removed' AND l.id = d.listing_id
"""
RELIST = """
UPDATE egov_gateway_statelisting l
SET payload = p.payload, digest = d.digest, first_seen_run_id = %(run)s,
    changed_run_id = %(run)s, removed_run_id = NULL
FROM egov_sync_diff d JOIN egov_sync_payload p ON p.identifier = d.identifier
WHERE d.change = 'relisted' AND l.id = d.listing_id
"""
CHANGE = """
UPDATE egov_gateway_statelisting l
SET payload = p.payload, digest = d.digest, changed_run_id = %(run)s
FROM egov_sync_diff d JOIN egov_sync_payload p ON p.identifier = d.identifier
WHERE d.change = 'changed' AND l.id = d.listing_id
"""
INSERT = """
INSERT INTO egov_gateway_statelisting
    (source, identifier, payload, digest, first_seen_run_id, changed_run_id, removed_run_id)
SELECT %(source)s, d.identifier, p.payload, d.digest, %(run)s, %(run)s, NULL
FROM egov_sync_diff d JOIN egov_sync_payload p ON p.identifier = d.identifier
WHERE d.change = 'new'
"""
# Every watched BIN/IIN that is listed gets one event per listing, whether the listing is new or
# the BIN/IIN became watched while already listed; the unique key makes re-runs emit nothing.
EVENTS_LISTED = """
INSERT INTO egov_gateway_statechangeevent
    (kind, source, identifier, run_id, listing_started_run_id, payload, created_at, processed)
SELECT %(listed_event)s, l.source, l.identifier, %(run)s, l.first_seen_run_id, l.payload,
       now(), false
FROM egov_gateway_statelisting l
WHERE l.source = %(source)s AND l.removed_run_id IS NULL
  AND EXISTS (SELECT 1 FROM egov_gateway_watchedidentifier w
              WHERE w.identifier = l.identifier AND w.kind = ANY(%(kinds)s))
  AND NOT EXISTS (SELECT 1 FROM egov_gateway_statechangeevent e
                  WHERE e.kind = %(listed_event)s AND e.identifier = l.identifier
                    AND e.listing_started_run_id = l.first_seen_run_id)
ON CONFLICT DO NOTHING
"""
EVENTS_REMOVED = """
INSERT INTO egov_gateway_statechangeevent
    (kind, source, identifier, run_id, listing_started_run_id, payload, created_at, processed)
SELECT %(removed_event)s, l.source, l.identifier, %(run)s, l.first_seen_run_id, l.payload,
       now(), false
FROM egov_sync_diff d JOIN egov_gateway_statelisting l ON l.id = d.listing_id
WHERE d.change = 'removed'
  AND EXISTS (SELECT 1 FROM egov_gateway_watchedidentifier w
              WHERE w.identifier = l.identifier AND w.kind = ANY(%(kinds)s))
ON CONFLICT DO NOTHING
"""
PREVIOUSLY_LISTED = """
SELECT count(*) FROM egov_gateway_statelisting
WHERE source = %(source)s AND removed_run_id IS NULL
"""


def _execute(cursor, statement: str, params: dict | None = None) -> int:
    started = time.perf_counter()
    cursor.execute(statement, params)
    logger.debug(
        "%.2f s, %s rows: %s",
        time.perf_counter() - started,
        cursor.rowcount,
        " ".join(statement.split())[:70],
    )
    return cursor.rowcount


def compare(cursor, params: dict, *, watched_scope: bool) -> dict:
    """What the staged answer would change: counts by kind of change; nothing is applied yet."""
    _execute(cursor, LISTED)
    _execute(cursor, "SELECT count(*) FROM egov_sync_listed")
    (listed,) = cursor.fetchone()
    _execute(cursor, PREVIOUSLY_LISTED, params)
    (previously,) = cursor.fetchone()
    _execute(cursor, DIFF, params)
    if watched_scope:
        _execute(cursor, NOT_ASKED)
    _execute(cursor, "ANALYZE egov_sync_diff")
    _execute(cursor, COUNT_CHANGES)
    changes = dict(cursor.fetchall())
    counts = {"listed": listed, "previously_listed": previously}
    for change in ("new", "relisted", "changed", "removed"):
        counts[change] = changes.get(change, 0)
    return counts


def apply(cursor, params: dict) -> dict:
    """Apply the differences and emit the change events for watched BINs/IINs."""
    _execute(cursor, PAYLOAD)
    touched = 0
    for statement in (REMOVE, RELIST, CHANGE, INSERT):
        touched += _execute(cursor, statement, params)
    if touched:
        # Fresh statistics, or the joins below (and the next run) plan for a stale table.
        _execute(cursor, "ANALYZE egov_gateway_statelisting")
    events = {params["listed_event"]: _execute(cursor, EVENTS_LISTED, params)}
    if params["removed_event"]:
        events[params["removed_event"]] = _execute(cursor, EVENTS_REMOVED, params)
    cursor.execute(
        "DROP TABLE egov_sync_staging, egov_sync_listed, egov_sync_diff, egov_sync_payload"
    )
    return {"events": sum(events.values()), "events_by_kind": events}
