"""The set-wise part of the sync: compare the staged answer with the listings, apply, emit.

The fetched rows are in ``egov_sync_staging`` (one row per entry as JSON text, or per BIN/IIN
asked with a NULL payload when a WATCHED source does not list it). A register kept as JSON Lines
is staged as it is (``RAW_STAGING``): each line is one row and its BIN/IIN is read in SQL while
the COPY runs, so no Python object is built per line. Each BIN/IIN's entries are reduced to a
fingerprint (a hash aggregate, no sort); one full join with the listings classifies what differs
into the small ``egov_sync_diff`` table, and only those rows get their entries built and written,
straight from the staging table: a BIN/IIN listed once takes its line as it is, only those listed
several times are aggregated (sorted within the BIN/IIN). Change events are looked up from the
watched BINs/IINs through the listings' key, never by scanning every listing. An unchanged
register costs one aggregate, one join and no writes (SYNC-2).
"""

from __future__ import annotations

import logging
import re
import time

logger = logging.getLogger(__name__)

DROP = """
DROP TABLE IF EXISTS egov_sync_staging;
DROP TABLE IF EXISTS egov_sync_listed;
DROP TABLE IF EXISTS egov_sync_diff;
"""
STAGING = (
    DROP
    + """
CREATE TEMP TABLE egov_sync_staging (identifier varchar(12), payload text) ON COMMIT DROP;
"""
)
# Markers in the identifier column of raw staging that no BIN/IIN as read can be (it is trimmed
# of whitespace): a blank line, and a line that is not an object. Lines that are not valid JSON
# make the cast fail and the COPY stop with the line number. The identifier is read with one JSON
# parse and no regular expression over the line (both would cost more than the COPY itself);
# whether it is 12 digits is checked once per BIN/IIN after the aggregate (``MARKED``).
BLANK, NOT_AN_OBJECT = " ", "\t"
RAW_STAGING = (
    DROP
    + """
CREATE TEMP TABLE egov_sync_staging (
    payload text,
    identifier text GENERATED ALWAYS AS (
        CASE WHEN payload IS NULL THEN ' '
             WHEN left(payload, 1) = '{{' THEN btrim(payload::json ->> '{key}', E' \\t\\r\\n')
             WHEN btrim(payload, E' \\t\\r\\n') = '' THEN ' '
             WHEN json_typeof(payload::json) = 'object'
             THEN btrim(payload::json ->> '{key}', E' \\t\\r\\n')
             ELSE E'\\t' END) STORED
) ON COMMIT DROP;
"""
)
# CSV with a quote and a delimiter that valid JSON never holds unescaped: each line is one value,
# backslashes and all, exactly as received.
COPY_RAW = (
    "COPY egov_sync_staging (payload) FROM STDIN "
    "WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
)
COPY_ROWS = "COPY egov_sync_staging (identifier, payload) FROM STDIN"


def raw_staging(identifier_key: str) -> str:
    if not re.fullmatch(r"[a-z_]+", identifier_key):
        raise ValueError(f"not a plain JSON key: {identifier_key!r}")
    return RAW_STAGING.format(key=identifier_key)


# One row per BIN/IIN with a fingerprint of its entries (a supplier may be listed several
# times): their count and the sum of their 64-bit hashes, independent of the entries' order.
# Comparing fingerprints instead of the entries keeps an unchanged re-run cheap.
LISTED = """
CREATE TEMP TABLE egov_sync_listed ON COMMIT DROP AS
    SELECT identifier, count(*) AS entries,
           count(*)::text || ':' || sum(hashtextextended(payload, 0))::text AS digest
    FROM egov_sync_staging WHERE payload IS NOT NULL GROUP BY identifier;
"""
# Raw staging only: what the markers counted and what has no valid BIN/IIN, out of the way.
MARKED = """
WITH marked AS (
    DELETE FROM egov_sync_listed
    WHERE identifier IS NULL OR length(identifier) <> 12
       OR translate(identifier, '0123456789', '') <> ''
    RETURNING CASE WHEN identifier IN (' ', E'\\t') THEN identifier END AS marker, entries)
SELECT marker, sum(entries) FROM marked GROUP BY marker
"""
DIFF = """
CREATE TEMP TABLE egov_sync_diff ON COMMIT DROP AS
SELECT coalesce(s.identifier, l.identifier) AS identifier, s.digest, s.entries,
       l.id AS listing_id,
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
# The entries of the BINs/IINs of one kind of change, as one JSON array each in a stable order:
# a BIN/IIN listed once takes its line as it is; only those listed several times are aggregated.
ENTRIES = """
SELECT d.identifier, d.digest, d.listing_id, ('[' || s.payload || ']')::jsonb AS payload
FROM egov_sync_diff d JOIN egov_sync_staging s ON s.identifier = d.identifier
WHERE d.change = %(change)s AND d.entries = 1 AND s.payload IS NOT NULL
UNION ALL
SELECT d.identifier, d.digest, d.listing_id, m.payload
FROM (SELECT s.identifier,
             ('[' || string_agg(s.payload, ',' ORDER BY s.payload COLLATE "C") || ']')::jsonb
                 AS payload
      FROM egov_sync_staging s JOIN egov_sync_diff d ON d.identifier = s.identifier
      WHERE d.change = %(change)s AND d.entries > 1 AND s.payload IS NOT NULL
      GROUP BY s.identifier) m
JOIN egov_sync_diff d ON d.identifier = m.identifier AND d.change = %(change)s
"""
REMOVE = """
UPDATE egov_gateway_statelisting l SET removed_run_id = %(run)s
FROM egov_sync_diff d WHERE d.change = 'removed' AND l.id = d.listing_id
"""
RELIST = f"""
UPDATE egov_gateway_statelisting l
SET payload = e.payload, digest = e.digest, first_seen_run_id = %(run)s,
    changed_run_id = %(run)s, removed_run_id = NULL
FROM ({ENTRIES}) e WHERE l.id = e.listing_id
"""
CHANGE = f"""
UPDATE egov_gateway_statelisting l
SET payload = e.payload, digest = e.digest, changed_run_id = %(run)s
FROM ({ENTRIES}) e WHERE l.id = e.listing_id
"""
INSERT = f"""
INSERT INTO egov_gateway_statelisting
    (source, identifier, payload, digest, first_seen_run_id, changed_run_id, removed_run_id)
SELECT %(source)s, e.identifier, e.payload, e.digest, %(run)s, %(run)s, NULL
FROM ({ENTRIES}) e
"""
# The watched BINs/IINs of the plan's kinds, each looked up in the listings by its key (the
# LATERAL with LIMIT keeps it a look-up per BIN/IIN rather than a scan of every listing).
WATCHED_LISTED = """
FROM (SELECT DISTINCT identifier FROM egov_gateway_watchedidentifier
      WHERE kind = ANY(%(kinds)s)) w
CROSS JOIN LATERAL (
    SELECT l.source, l.identifier, l.first_seen_run_id, l.payload
    FROM egov_gateway_statelisting l
    WHERE l.identifier = w.identifier AND l.source = %(source)s AND l.removed_run_id IS NULL
    LIMIT 1) l
"""
# Every watched BIN/IIN that is listed gets one event per listing, whether the listing is new or
# the BIN/IIN became watched while already listed; the unique key makes re-runs emit nothing.
EVENTS_LISTED = f"""
INSERT INTO egov_gateway_statechangeevent
    (kind, source, identifier, run_id, listing_started_run_id, payload, created_at, processed)
SELECT %(listed_event)s, l.source, l.identifier, %(run)s, l.first_seen_run_id, l.payload,
       now(), false
{WATCHED_LISTED}
WHERE NOT EXISTS (SELECT 1 FROM egov_gateway_statechangeevent e
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


def compare(cursor, params: dict, *, watched_scope: bool, raw: bool = False) -> dict:
    """What the staged answer would change: counts by kind of change; nothing is applied yet.

    For raw staging the counts also say how many lines were fetched, how many had no valid
    BIN/IIN (``without_identifier``) and how many were not JSON objects (``not_objects``)."""
    _execute(cursor, "ANALYZE egov_sync_staging")
    _execute(cursor, LISTED)
    counts: dict = {}
    if raw:
        _execute(cursor, MARKED)
        marked = dict(cursor.fetchall())
        marked.pop(BLANK, None)
        counts["not_objects"] = int(marked.pop(NOT_AN_OBJECT, 0))
        counts["without_identifier"] = int(marked.pop(None, 0))
    _execute(cursor, "SELECT count(*), coalesce(sum(entries), 0) FROM egov_sync_listed")
    listed, entries = cursor.fetchone()
    if raw:
        counts["fetched"] = int(entries) + counts["without_identifier"] + counts["not_objects"]
    if watched_scope:
        _execute(cursor, PREVIOUSLY_LISTED, params)
        (previously,) = cursor.fetchone()
    _execute(cursor, DIFF, params)
    if watched_scope:
        _execute(cursor, NOT_ASKED)
    _execute(cursor, "ANALYZE egov_sync_diff")
    _execute(cursor, COUNT_CHANGES)
    changes = dict(cursor.fetchall())
    for change in ("new", "relisted", "changed", "removed"):
        counts[change] = changes.get(change, 0)
    if not watched_scope:
        # Every listing still listed either matched a BIN/IIN of the answer or is removed now:
        # counted from the join, without a second scan of the listings.
        previously = listed - counts["new"] - counts["relisted"] + counts["removed"]
    counts.update(listed=listed, previously_listed=previously)
    return counts


def apply(cursor, params: dict, *, counts: dict) -> dict:
    """Apply the differences ``compare`` counted and emit the change events for watched
    BINs/IINs. A kind of change with nothing to do costs no statement (each reads the staging)."""
    touched = _execute(cursor, REMOVE, params) if counts["removed"] else 0
    for change, statement in (("relisted", RELIST), ("changed", CHANGE), ("new", INSERT)):
        if counts[change]:
            touched += _execute(cursor, statement, {**params, "change": change})
    if touched > max(1000, counts["previously_listed"] // 10):
        # Fresh statistics after a large change, or the next run plans for a stale table (a few
        # changes are not worth sampling a million-row table for; autovacuum follows anyway).
        _execute(cursor, "ANALYZE egov_gateway_statelisting")
    events = {params["listed_event"]: _execute(cursor, EVENTS_LISTED, params)}
    if params["removed_event"]:
        events[params["removed_event"]] = _execute(cursor, EVENTS_REMOVED, params)
    cursor.execute("DROP TABLE egov_sync_staging, egov_sync_listed, egov_sync_diff")
    return {"events": sum(events.values()), "events_by_kind": events}
