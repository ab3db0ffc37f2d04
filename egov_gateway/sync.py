"""The state-data sync: what each source lists, what changed, and the events DER-2 acts on.

SYNC-2: the weekly job (and an operator's ``manage.py sync_state_data``) fetches each source,
records what it listed (``StateListing``) and emits change events for watched BINs/IINs; running
it twice over the same data emits nothing the second time. SYNC-3: a source that cannot be asked
or read marks its run failed and applies nothing, so "no answer" is never "not listed".

The fetched rows are streamed into a temporary table with COPY and compared with the listings
in SQL (``sync_sql``: fingerprints, one full join, bulk writes of what differs), so a
million-row register is never held in memory nor handled row by row in Python. A register kept
as JSON Lines (``RawLinesFeed``) is streamed as bytes: its lines are parsed only in PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from egov_gateway import conf
from egov_gateway import sync_sql as sql
from egov_gateway.errors import MalformedAnswer, SourceError
from egov_gateway.models import StateChangeEvent, SyncRun
from egov_gateway.selectors import registered_identifiers
from egov_gateway.sources import entrepreneurs, gbd_fl, gbd_ul, rnu, samruk
from egov_gateway.sources.base import FeedSource, LookupSource, RawLinesFeed
from egov_gateway.sources.registry import feed_source, lookup_source
from portal.audit import services as audit
from portal.editions import edition_for
from portal.editions.base import SupplierKind
from portal.lost_connection import CONNECTION_LOST

logger = logging.getLogger(__name__)

# Sent after the commit of a run that emitted events: ``run`` is the SyncRun (DER-2 listens).
state_changes_recorded = Signal()

REGISTER = "register"  # the source lists its whole register: absence from it means "not listed"
WATCHED = "watched"  # the source is asked about each watched BIN/IIN, absence means nothing
Event = StateChangeEvent.Kind
Progress = Callable[[str, int], None]


@dataclasses.dataclass(frozen=True)
class SyncPlan:
    """How one source is synced and which events its changes mean (DER-1 grounds 2–4)."""

    source: str
    scope: str
    listed_event: str
    removed_event: str = ""
    kinds: tuple[str, ...] = ()  # the watched kinds it concerns; empty: all
    # For WATCHED sources; it reads the source's own kind of answer.
    is_listed: Callable[[Any], bool] | None = None


PERSONS = (SupplierKind.INDIVIDUAL_ENTREPRENEUR, SupplierKind.INDIVIDUAL_ASSISTANT)
PLANS = {
    plan.source: plan
    for plan in (
        SyncPlan(rnu.NAME, REGISTER, Event.LISTED_IN_RNU, Event.REMOVED_FROM_RNU),
        SyncPlan(samruk.NAME, REGISTER, Event.LISTED_BY_SAMRUK, Event.REMOVED_FROM_SAMRUK),
        SyncPlan(
            gbd_fl.NAME,
            WATCHED,
            Event.PERSON_DECEASED,
            kinds=PERSONS,
            is_listed=lambda person: person.is_deceased,
        ),
        SyncPlan(
            gbd_ul.NAME,
            WATCHED,
            Event.ENTITY_LIQUIDATED,
            kinds=(SupplierKind.LEGAL_ENTITY,),
            is_listed=lambda org: org.is_liquidated,
        ),
        SyncPlan(
            entrepreneurs.NAME,
            WATCHED,
            Event.ENTREPRENEUR_ENDED,
            kinds=(SupplierKind.INDIVIDUAL_ENTREPRENEUR,),
            is_listed=lambda reg: reg.has_ended,
        ),
    )
}


def scheduled_sources() -> list[str]:
    """The sources of the weekly run (SYNC-2): every synced source, the two Samruk-Kazyna lists
    of 2022 p.19(4) included, read where the fund publishes them (``conf.samruk_lists``)."""
    return [rnu.NAME, samruk.NAME, gbd_fl.NAME, gbd_ul.NAME, entrepreneurs.NAME]


class _DryRun(Exception):
    def __init__(self, counts: dict) -> None:
        self.counts = counts


def sync_all(
    *,
    sources: Iterable[str] | None = None,
    dry_run: bool = False,
    trigger: str = "",
    progress: Progress | None = None,
) -> list[SyncRun]:
    """Every source in turn; one source's failure does not stop the others (SYNC-3)."""
    return [
        sync_source(source=name, dry_run=dry_run, trigger=trigger, progress=progress)
        for name in (list(sources) if sources else scheduled_sources())
    ]


# Every run holds a session-level advisory lock (this class, its id) while its process lives:
# PostgreSQL releases it when the process or its connection dies, so a run still "running"
# whose lock is free was interrupted (a killed worker, a lost node).
RUN_LOCK_CLASS = 7_401_520
INTERRUPTED = "interrupted: the process running it stopped before the end; nothing was applied"


def sync_source(
    *,
    source: str,
    dry_run: bool = False,
    trigger: str = "",
    progress: Progress | None = None,
    feed: FeedSource | None = None,
    allow_mass_removal: bool = False,
) -> SyncRun:
    """Fetch one source and apply what changed, all or nothing (SYNC-2, SYNC-3).

    State data is refreshed weekly and drives automatic deregistration (edition 2022 item 20,
    DER-2); the events recorded here are its input. ``feed`` replaces the configured source
    (the operator's import of a published list). A dry run computes the same counts and rolls
    everything back.

    The run's transaction holds only this source's sync lock while the feed streams in; the
    audit event is its last statement, so the audit chain's lock is taken just before the commit.
    """
    if source not in PLANS:
        raise ValueError(f"{source!r} is not synced; synced sources: {', '.join(PLANS)}")
    close_interrupted_runs(source=source)
    run = _started_run(source=source, dry_run=dry_run, trigger=trigger)
    try:
        return _run(run, progress=progress, feed=feed, allow_mass_removal=allow_mass_removal)
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_CLASS, run.pk])
        except CONNECTION_LOST:
            pass  # the connection is gone, and its session's locks with it


def _started_run(*, source: str, dry_run: bool, trigger: str) -> SyncRun:
    # The row is seen by others only once its lock is held.
    with transaction.atomic(durable=True):
        run = SyncRun.objects.create(source=source, dry_run=dry_run, trigger=trigger[:40])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, run.pk])
    return run


def close_interrupted_runs(*, source: str) -> list[SyncRun]:
    """Records as failed the runs of ``source`` still "running" whose process is gone (SYNC-3:
    an interrupted run applied nothing; its transaction died with it)."""
    closed = []
    for run in SyncRun.objects.filter(source=source, status=SyncRun.Status.RUNNING):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, run.pk])
            if not cursor.fetchone()[0]:
                continue  # its process still holds it: running
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_CLASS, run.pk])
        _finish(run, SyncRun.Status.FAILED, run.counts, errors=INTERRUPTED)
        closed.append(run)
    return closed


def _run(
    run: SyncRun,
    *,
    progress: Progress | None,
    feed: FeedSource | None,
    allow_mass_removal: bool,
) -> SyncRun:
    source, dry_run = run.source, run.dry_run
    tally = _Tally(source=source, progress=progress)
    try:
        with transaction.atomic(durable=True):
            counts = _sync(
                run, PLANS[source], tally, feed=feed, allow_mass_removal=allow_mass_removal
            )
            if dry_run:
                raise _DryRun(counts)
            # What changed, the run's outcome and its audit event commit together.
            _finish(run, SyncRun.Status.SUCCEEDED, counts)
            if counts.get("events"):
                transaction.on_commit(lambda: state_changes_recorded.send(sender=SyncRun, run=run))
    except _DryRun as done:
        _finish(run, SyncRun.Status.SUCCEEDED, done.counts)
    except Exception as exc:
        if isinstance(exc, SourceError):
            logger.warning("state sync of %s failed, nothing applied: %s", source, exc)
        else:
            logger.exception("state sync of %s failed, nothing applied", source)
        _finish(run, SyncRun.Status.FAILED, tally.counts(), errors=_describe(exc))
        if isinstance(exc, SoftTimeLimitExceeded):
            raise  # the task's time is up: the other sources are not started
    return run


@transaction.atomic
def _finish(run: SyncRun, status: str, counts: dict, *, errors: str = "") -> None:
    run.status = status
    run.counts = counts
    run.errors = errors
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "errors", "finished_at"])
    if not run.dry_run:
        audit.record(
            actor=None,
            action=f"state_sync.{status}",
            obj=run,
            after={"counts": counts, "errors": errors, "trigger": run.trigger},
            basis=edition_for(run.started_at).clause_for("state_data_refresh_days"),
        )


def _describe(exc: Exception) -> str:
    if isinstance(exc, SourceError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@dataclasses.dataclass
class _Tally:
    source: str
    progress: Progress | None
    fetched: int = 0
    without_identifier: int = 0
    every: int = dataclasses.field(default_factory=conf.progress_every)

    def seen(self, rows: int = 1) -> None:
        before, self.fetched = self.fetched, self.fetched + rows
        if self.progress:  # every multiple of ``every`` passed, also within one raw chunk
            for step in range(before // self.every + 1, self.fetched // self.every + 1):
                self.progress(self.source, step * self.every)

    def counts(self) -> dict:
        return {"fetched": self.fetched, "without_identifier": self.without_identifier}


def _rows(
    plan: SyncPlan, tally: _Tally, feed: FeedSource | None
) -> Iterator[tuple[str, str | None]]:
    """(BIN/IIN, entry as JSON) per listed row; for WATCHED sources, (BIN/IIN, None) when asked
    and not listed. Everything that reads the database happens here, before the COPY starts
    (the connection cannot run queries while it copies)."""
    if plan.scope == REGISTER:
        return _register_rows(feed or feed_source(plan.source), tally)
    return _watched_rows(plan, lookup_source(plan.source), _asked(plan), tally)


def _copy_raw(cursor: Any, feed: RawLinesFeed, tally: _Tally) -> None:
    """Stream a JSON Lines register into the staging table as it is; PostgreSQL reads each
    line's BIN/IIN. A line that is not JSON stops the COPY and fails the run (SYNC-3)."""
    cursor.execute(sql.raw_staging(feed.identifier_key))
    try:
        with cursor.cursor.copy(sql.COPY_RAW) as copy:
            for chunk in feed.raw_chunks():
                copy.write(chunk)
                tally.seen(chunk.count(b"\n"))
    except psycopg.DataError as exc:
        line = re.search(r"COPY egov_sync_staging, line (\d+)", exc.diag.context or "")
        where = f" line {line.group(1)}" if line else ""
        raise MalformedAnswer(
            f"{feed.label}{where}: {exc.diag.message_primary or exc}", source=feed.name
        ) from exc


def _register_rows(feed: FeedSource, tally: _Tally) -> Iterator[tuple[str, str | None]]:
    for record in feed.feed():
        tally.seen()
        if not record.identifier:
            tally.without_identifier += 1
            continue
        yield record.identifier, record.raw


def _watched_rows(
    plan: SyncPlan, source: LookupSource, asked: list[str], tally: _Tally
) -> Iterator[tuple[str, str | None]]:
    is_listed = plan.is_listed
    assert is_listed is not None, "every watched source's plan says who is listed"
    for identifier in asked:
        record = source.lookup(identifier)
        tally.seen()
        if record is not None and is_listed(record):
            yield identifier, json.dumps(record.data(), ensure_ascii=False, sort_keys=True)
        else:
            yield identifier, None


def _asked(plan: SyncPlan) -> list[str]:
    watched = registered_identifiers(kinds=plan.kinds)
    return list(watched.order_by("identifier").values_list("identifier", flat=True).distinct())


def _sync(
    run: SyncRun,
    plan: SyncPlan,
    tally: _Tally,
    *,
    feed: FeedSource | None,
    allow_mass_removal: bool,
) -> dict:
    params = {
        "run": run.pk,
        "source": plan.source,
        "kinds": list(plan.kinds) or list(SupplierKind.values),
        "listed_event": plan.listed_event,
        "removed_event": plan.removed_event,
    }
    with connection.cursor() as cursor:
        # One sync of a source at a time; a second one waits and then finds nothing to do.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"egov_gateway.sync:{plan.source}"]
        )
        # Sorts and hash joins over a million rows stay in memory (this transaction only).
        cursor.execute("SELECT set_config('work_mem', %s, true)", [conf.sync_work_mem()])
        register = (feed or feed_source(plan.source)) if plan.scope == REGISTER else None
        raw = isinstance(register, RawLinesFeed)
        started = time.perf_counter()
        if isinstance(register, RawLinesFeed):
            _copy_raw(cursor, register, tally)
        else:
            cursor.execute(sql.STAGING)
            rows = _rows(plan, tally, register)
            with cursor.cursor.copy(sql.COPY_ROWS) as copy:
                for row in rows:
                    copy.write_row(row)
        logger.info(
            "%s: %s rows fetched in %.1f s",
            plan.source,
            tally.fetched,
            time.perf_counter() - started,
        )
        counts = tally.counts()
        counts.update(sql.compare(cursor, params, watched_scope=plan.scope == WATCHED, raw=raw))
        not_objects = counts.pop("not_objects", 0)
        if not_objects:
            raise MalformedAnswer(f"{not_objects} line(s) are not JSON objects", source=plan.source)
        _check_mass_removal(counts, allow=allow_mass_removal, source=plan.source)
        counts.update(sql.apply(cursor, params, counts=counts))
    return counts


def _check_mass_removal(counts: dict, *, allow: bool, source: str) -> None:
    """A register that suddenly lost most of its entries is more likely a broken answer than a
    mass pardon; applying it would open readmissions (RDM-1). Refuse unless told otherwise."""
    before, removed = counts["previously_listed"], counts["removed"]
    guard = conf.mass_removal_guard()
    if not allow and before >= guard.minimum_listed and removed > before * guard.max_share:
        raise MalformedAnswer(
            f"the answer would remove {removed} of {before} listings; if that is true, "
            "run again with --allow-mass-removal",
            source=source,
        )
