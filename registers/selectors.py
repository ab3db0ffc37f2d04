"""Reads of the public registers (REG-1..REG-3, SUP-10): the registers by their names in the
rules, their entries with search, filters, sorting and keyset pagination, an entry's history,
the register of deregistered suppliers, and the change feed of open data.

Consent (SUP-10, 2022 p.18): an entry is public only when its application carries the
supplier's EDS-signed consent to publication (Annex 1), or when its edition enters suppliers in
the registers without one (edition 2020, p.14). The commission and the operators see every
entry (``sees_unpublished``).

Pagination is by keyset (a cursor naming the last row shown), never by offset, and no page
counts the whole register: the queries per page are constant in the size of the data.
"""

from __future__ import annotations

import base64
import datetime
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Func, Max, Q, QuerySet, TextField, Value
from django.utils import timezone

from portal.deadlines import today
from portal.editions import EDITIONS, Edition, Register, RegisterKind, edition_for
from portal.editions.base import Text
from portal.models import COMMISSION_ROLES, ClassifierItem, Region, Role
from registers.models import NORMALISE_FUNCTION, RegisterEntry

PAGE_SIZE = 25
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 1000
EXPORT_CHUNK = 2000

STATUS_ACTIVE = "active"
STATUS_DEREGISTERED = "deregistered"
STATUS_ALL = "all"
STATUSES = (STATUS_ACTIVE, STATUS_DEREGISTERED, STATUS_ALL)

SORT_NAME = "name"
SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"
SORTS = (SORT_NAME, SORT_NEWEST, SORT_OLDEST)


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class RegisterNotFound(LookupError):
    """No register of any edition has this code."""


class BadCursor(ValueError):
    """A cursor that this portal did not give out, or for another order."""


# --- the registers, by the rules (2022 p.17; 2020 p.14, p.19) ---


@dataclass(frozen=True)
class RegisterOfEdition:
    """A register of an edition: its code, its name in the rules and the clause."""

    edition: Edition
    register: Register

    @property
    def code(self) -> str:
        return self.register.code

    @property
    def name(self) -> Text:
        return self.register.text

    @property
    def clause(self) -> str:
        return self.register.clause


def registers() -> list[RegisterOfEdition]:
    """The active registers of every edition, those of the edition in force first (REG-1)."""
    current = edition_for()
    ordered = [current, *(e for e in reversed(EDITIONS) if e is not current)]
    return [
        RegisterOfEdition(edition=edition, register=register)
        for edition in ordered
        for register in edition.registers
        if register.kind == RegisterKind.ACTIVE
    ]


def register_by_code(code: str) -> RegisterOfEdition:
    for item in registers():
        if item.code == code:
            return item
    raise RegisterNotFound(code)


def register_name(*, edition_code: str, code: str) -> Text:
    """The name in the rules of the register ``code`` of an entry's edition."""
    for edition in EDITIONS:
        if edition.code == edition_code:
            for register in edition.registers:
                if register.code == code:
                    return register.text
    return code


def deregistered_register_name(edition: Edition | None = None) -> Text:
    """The name of the register of deregistered suppliers: the edition's own where it names one
    (2020 p.19), otherwise the kind's name (edition 2022 keeps the exits with their dates and
    protocols, REG-2, without naming a register)."""
    edition = edition or edition_for()
    for register in edition.registers:
        if register.kind == RegisterKind.DEREGISTERED:
            return register.text
    return RegisterKind.DEREGISTERED.label


# --- who sees what (SUP-10) ---


def sees_unpublished(user) -> bool:
    """The commission and the operators see entries without consent (SUP-10)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.roles.filter(role__in=(*COMMISSION_ROLES, Role.OPERATOR)).exists()


def published_condition() -> Q:
    """Entries the public may see: consent given, or an edition that needs none (2020 p.14)."""
    without_consent = [e.code for e in EDITIONS if not e.publication_requires_consent]
    return Q(publication_consent=True) | Q(edition_code__in=without_consent)


def is_published(entry: RegisterEntry) -> bool:
    edition = next((e for e in EDITIONS if e.code == entry.edition_code), None)
    return entry.publication_consent is True or (
        edition is not None and not edition.publication_requires_consent
    )


def visible_entries(*, public: bool = True) -> QuerySet[RegisterEntry]:
    entries = RegisterEntry.objects.all()
    return entries.filter(published_condition()) if public else entries


# --- filters, search, order ---


def normalised(expression) -> Func:
    return Func(expression, function=NORMALISE_FUNCTION, output_field=TextField())


def is_identifier(text: str) -> bool:
    return len(text) == 12 and text.isdigit()


@dataclass(frozen=True)
class Filters:
    """What a visitor asked for: words of the name or a BIN/IIN, a region, a kind of goods or
    services (a classifier code; its group's code covers the group), a status and an order."""

    q: str = ""
    region: int | None = None
    kind: str = ""
    status: str = STATUS_ACTIVE
    sort: str = SORT_NAME
    register: str = ""

    @classmethod
    def from_query(cls, data, *, status: str = STATUS_ACTIVE, sort: str = SORT_NAME) -> Filters:
        """From a query string; values that make no sense are dropped, never an error."""
        region_text = (data.get("region") or "").strip()
        region = int(region_text) if region_text.isdigit() else None
        chosen_status = data.get("status") or status
        chosen_sort = data.get("sort") or sort
        return cls(
            q=" ".join((data.get("q") or "").split())[:200],
            region=region,
            kind=(data.get("kind") or "").strip()[:32],
            status=chosen_status if chosen_status in STATUSES else status,
            sort=chosen_sort if chosen_sort in SORTS else sort,
            register=(data.get("register") or "").strip()[:40],
        )

    def as_query(self, **changes) -> dict[str, str]:
        values = {
            "q": self.q,
            "region": str(self.region) if self.region else "",
            "kind": self.kind,
            "status": self.status,
            "sort": self.sort,
            "register": self.register,
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}


def filtered_entries(
    *,
    filters: Filters,
    register_code: str | None = None,
    public: bool = True,
    on: datetime.date | None = None,
) -> QuerySet[RegisterEntry]:
    """The entries that match ``filters`` in one register (or every register), in the order
    asked. "Active" and "deregistered" are derived from the dates on ``on`` (REG-3)."""
    day = on or today()
    entries = visible_entries(public=public)
    code = register_code or filters.register
    if code:
        entries = entries.filter(register=code)
    if filters.status == STATUS_ACTIVE:
        entries = entries.filter(admitted_on__lte=day).filter(
            Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=day)
        )
    elif filters.status == STATUS_DEREGISTERED:
        entries = entries.filter(deregistered_on__lte=day)
    if filters.q:
        if is_identifier(filters.q):
            entries = entries.filter(identifier=filters.q)
        else:
            for word in filters.q.split():
                entries = entries.filter(name_search__contains=normalised(Value(word)))
    if filters.region:
        entries = entries.filter(region_id=filters.region)
    if filters.kind:
        entries = entries.filter(kinds__contains=[filters.kind])
    return entries.order_by(*order_of(filters.sort, deregistered=False))


def order_of(sort: str, *, deregistered: bool) -> tuple[str, ...]:
    if sort == SORT_NEWEST:
        return ("-admitted_on", "-id")
    if sort == SORT_OLDEST:
        return ("admitted_on", "id")
    return ("name_search", "id")


# --- keyset pagination ---


def _encode(payload: dict) -> str:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> dict:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(payload, dict):
        raise BadCursor(cursor)
    return payload


def cursor_after(entry: RegisterEntry, *, sort: str) -> str:
    return cursor_of(
        sort=sort, name_search=entry.name_search, admitted_on=entry.admitted_on, pk=entry.pk
    )


def cursor_of(*, sort: str, name_search: str, admitted_on: datetime.date, pk: int) -> str:
    if sort in (SORT_NEWEST, SORT_OLDEST):
        return _encode({"s": sort, "d": admitted_on.isoformat(), "i": pk})
    return _encode({"s": sort, "n": name_search, "i": pk})


def after_cursor(entries: QuerySet[RegisterEntry], *, cursor: str, sort: str):
    """The rows after the one ``cursor`` names, in the order ``sort``."""
    payload = _decode(cursor)
    if payload.get("s") != sort or not isinstance(payload.get("i"), int):
        raise BadCursor(cursor)
    pk = payload["i"]
    try:
        # The bound on the first column alone is what the index's range scan uses; the rest
        # breaks ties (an OR of both would make PostgreSQL read the index from its start).
        if sort == SORT_NEWEST:
            day = datetime.date.fromisoformat(payload["d"])
            return entries.filter(admitted_on__lte=day).filter(
                Q(admitted_on__lt=day) | Q(id__lt=pk)
            )
        if sort == SORT_OLDEST:
            day = datetime.date.fromisoformat(payload["d"])
            return entries.filter(admitted_on__gte=day).filter(
                Q(admitted_on__gt=day) | Q(id__gt=pk)
            )
        name = str(payload["n"])
    except (KeyError, ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc
    return entries.filter(name_search__gte=name).filter(Q(name_search__gt=name) | Q(id__gt=pk))


@dataclass
class Page:
    """One page of entries and the cursor of the next page ("" on the last one)."""

    rows: list[RegisterEntry]
    next_cursor: str = ""
    is_first: bool = True
    page_number: int = 1


def entries_page(
    entries: QuerySet[RegisterEntry],
    *,
    sort: str,
    cursor: str = "",
    size: int = PAGE_SIZE,
    page_number: int = 1,
) -> Page:
    """One page by keyset: ``size + 1`` rows are read to know whether a next page exists, so no
    page counts the register."""
    if cursor:
        entries = after_cursor(entries, cursor=cursor, sort=sort)
    rows = list(with_display_relations(entries)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        next_cursor=cursor_after(rows[-1], sort=sort) if more and rows else "",
        is_first=not cursor,
        page_number=page_number,
    )


def with_display_relations(entries: QuerySet[RegisterEntry]) -> QuerySet[RegisterEntry]:
    """The region and the address of the protocol of admission, in the same query."""
    return entries.select_related("region").annotate(
        admission_protocol_url=F("application__decision_protocol_url")
    )


def iterate_entries(entries: QuerySet[RegisterEntry], *, sort: str) -> Iterator[RegisterEntry]:
    """Every entry of ``entries``, read in keyset chunks (an export never holds the register in
    memory, and never keeps one long-running cursor open)."""
    cursor = ""
    while True:
        page = entries_page(entries, sort=sort, cursor=cursor, size=EXPORT_CHUNK)
        yield from page.rows
        if not page.next_cursor:
            return
        cursor = page.next_cursor


EXPORT_FIELDS = (
    "id",
    "register",
    "edition_code",
    "name",
    "name_search",
    "identifier",
    "region_id",
    "kinds",
    "admitted_on",
    "admission_protocol",
    "admission_protocol_url",
    "deregistered_on",
    "deregistration_ground",
    "deregistration_protocol",
    "deregistration_protocol_url",
)


def iterate_values(entries: QuerySet[RegisterEntry], *, sort: str) -> Iterator[dict]:
    """Every entry of ``entries`` as a dict of ``EXPORT_FIELDS``, in keyset chunks: what a
    download streams (no model instances, one query per chunk, flat memory)."""
    rows_of = entries.annotate(
        admission_protocol_url=F("application__decision_protocol_url"),
        # ISO 8601 made by the database: reading 100,000 time stamps into Python is slower.
        updated_iso=Func(
            F("updated_at"), template="to_json(%(expressions)s) #>> '{}'", output_field=TextField()
        ),
    ).values(*EXPORT_FIELDS, "updated_iso")
    cursor = ""
    while True:
        chunk = after_cursor(rows_of, cursor=cursor, sort=sort) if cursor else rows_of
        rows = list(chunk[:EXPORT_CHUNK])
        yield from rows
        if len(rows) < EXPORT_CHUNK:
            return
        last = rows[-1]
        cursor = cursor_of(
            sort=sort,
            name_search=last["name_search"],
            admitted_on=last["admitted_on"],
            pk=last["id"],
        )


# --- choices for the filters ---


# The filters' choices (regions, the classifier) are reference data that change a few times a
# year: each web process keeps them for ``REGISTERS_CHOICES_SECONDS`` (as long as a shared cache
# keeps the page itself, ``REGISTERS_CACHE_SECONDS``), which spares every search page two of its
# queries. 0 reads them afresh every time (the tests).
_choices: dict[tuple, tuple[float, object]] = {}


def _kept(key: tuple, make):
    from django.conf import settings

    seconds = float(getattr(settings, "REGISTERS_CHOICES_SECONDS", 60))
    moment = time.monotonic()
    found = _choices.get(key)
    if found is not None and moment - found[0] < seconds:
        return found[1]
    value = make()
    if seconds > 0:
        _choices[key] = (moment, value)
    return value


def forget_choices() -> None:
    """Read the filters' choices afresh on the next page of this process."""
    _choices.clear()


def region_choices() -> list[Region]:
    return _kept(("regions",), lambda: list(Region.objects.filter(is_active=True).order_by("kato")))


def register_kind_choices(register: RegisterOfEdition) -> list[KindGroup]:
    """The filter's kinds of goods and services for a register, kept like the regions."""
    from suppliers.selectors import classifier_items_for

    return _kept(
        ("kinds", register.edition.code, register.code),
        lambda: kind_choices(classifier_items_for(offers=register.register.offers)),
    )


@dataclass
class KindGroup:
    group: ClassifierItem
    items: list[ClassifierItem] = field(default_factory=list)


def kind_choices(leaves) -> list[KindGroup]:
    """The classifier items a register's suppliers may offer (``leaves``, from the cabinet's
    ``classifier_items_for``) grouped under their groups, for the filter."""
    leaves = list(leaves.select_related("parent"))
    groups: dict[int, KindGroup] = {}
    singles: list[KindGroup] = []
    for leaf in leaves:
        if leaf.parent is None:
            singles.append(KindGroup(group=leaf))
        else:
            groups.setdefault(leaf.parent.pk, KindGroup(group=leaf.parent)).items.append(leaf)
    return sorted([*groups.values(), *singles], key=lambda g: g.group.code)


def classifier_names(codes) -> dict[str, str]:
    return {item.code: item.name for item in ClassifierItem.objects.filter(code__in=set(codes))}


# --- one entry and its history (REG-2: every entry and exit with its date and protocol) ---


def entry_for(*, pk: int, public: bool = True) -> RegisterEntry:
    """An entry as a visitor may see it; ``RegisterEntry.DoesNotExist`` when it is not public."""
    return (
        visible_entries(public=public)
        .select_related("region", "application", "supplier")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class HistoryEvent:
    """An admission or an exit of the supplier in a register, with its protocol."""

    kind: str  # "admitted", "readmitted", "deregistered"
    day: datetime.date
    protocol: str
    protocol_url: str
    ground: str = ""
    entry_id: int = 0


def history_of(entry: RegisterEntry, *, public: bool = True) -> list[HistoryEvent]:
    """Every admission and exit of the supplier in the register of ``entry``, oldest first: a
    readmission is a new entry after a new admission (RDM-3)."""
    rows = (
        visible_entries(public=public)
        .filter(supplier_id=entry.supplier_id, register=entry.register)
        .select_related("application")
        .order_by("admitted_on", "id")
    )
    events: list[HistoryEvent] = []
    for number, row in enumerate(rows):
        events.append(
            HistoryEvent(
                kind="readmitted" if number else "admitted",
                day=row.admitted_on,
                protocol=row.admission_protocol,
                protocol_url=row.application.decision_protocol_url,
                entry_id=row.pk,
            )
        )
        if row.deregistered_on is not None:
            events.append(
                HistoryEvent(
                    kind="deregistered",
                    day=row.deregistered_on,
                    protocol=row.deregistration_protocol,
                    protocol_url=row.deregistration_protocol_url,
                    ground=row.deregistration_ground,
                    entry_id=row.pk,
                )
            )
    return events


def ground_text(entry: RegisterEntry) -> str:
    """The deregistration ground in the words of the entry's edition (DER-1; 2020 p.15)."""
    if not entry.deregistration_ground:
        return ""
    edition = next((e for e in EDITIONS if e.code == entry.edition_code), None)
    if edition is None:
        return entry.deregistration_ground
    ground = entry.deregistration_ground
    try:
        found = edition.ground(int(ground)) if ground.isdigit() else edition.ground_by_code(ground)
    except KeyError:
        return ground
    return str(found.text)


@dataclass
class EntryDetails:
    """What the entry page and the API show of a published entry: what the supplier offers,
    where, and the contacts of its application (all under its consent, SUP-10)."""

    offerings: list
    addresses: list
    contacts: dict[str, str]


def entry_details(entry: RegisterEntry) -> EntryDetails:
    application = entry.application
    # Only the kinds the entry lists: where each kind is decided on its own (edition 2020), the
    # kinds refused are not offered under the register (REG-1; E20-3).
    offerings = list(
        application.offerings.filter(classifier_item__code__in=list(entry.kinds))
        .select_related("classifier_item")
        .order_by("pk")
    )
    addresses = list(application.addresses.select_related("region").order_by("pk"))
    contacts = {
        "phone": application.phone,
        "mobile_phone": application.mobile_phone,
        "email": application.email,
        "fax": application.fax,
        "website": application.website,
    }
    return EntryDetails(
        offerings=offerings,
        addresses=addresses,
        contacts={k: v for k, v in contacts.items() if v},
    )


def entries_of_identifier(identifier: str, *, public: bool = True) -> list[RegisterEntry]:
    """Every entry of the supplier with this BIN/IIN, by register, oldest first."""
    return list(
        with_display_relations(
            visible_entries(public=public).filter(identifier=identifier)
        ).order_by("register", "admitted_on", "id")
    )


# --- the change feed ---


def feed_watermark() -> datetime.datetime:
    """The moment before which every change is committed: no row with an earlier
    ``updated_at`` can still appear.

    ``updated_at`` is the database's clock at the write (``clock_timestamp()``), taken after
    the writing transaction has locked the table for writing (``RowExclusiveLock``, held until
    it ends). A transaction that has not committed yet therefore stamps its rows no earlier
    than its own start, and the watermark is the start of the oldest transaction that holds
    that lock — one writing register entries — or now when none does; other long transactions
    (the weekly sync) do not hold the feed back. The settle margin covers what the server does
    not show (another role's sessions; see README). Rows at or after the watermark wait for the
    next call: the feed serves late, never skips.
    """
    from django.conf import settings

    settle = datetime.timedelta(seconds=getattr(settings, "REGISTERS_FEED_SETTLE_SECONDS", 1))
    with connection.cursor() as cursor:
        # The server's view of other sessions is cached for the transaction: read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT least(clock_timestamp(), ("
            "  SELECT min(a.xact_start) FROM pg_locks l"
            "    JOIN pg_stat_activity a ON a.pid = l.pid"
            "   WHERE l.locktype = 'relation' AND l.relation = %s::regclass"
            "     AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()))",
            [RegisterEntry._meta.db_table],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0] - settle


@dataclass
class ChangesPage:
    rows: list[RegisterEntry]
    next_cursor: str
    watermark: datetime.datetime


def changes(
    *,
    updated_since: datetime.datetime | None = None,
    cursor: str = "",
    limit: int = API_PAGE_SIZE,
) -> ChangesPage:
    """Published entries changed since a moment or after a cursor, oldest change first, up to
    the watermark (``feed_watermark``). The next cursor is given even on an empty page: a
    client calls again with it and never misses a change committed out of timestamp order."""
    watermark = feed_watermark()
    entries = visible_entries(public=True).filter(updated_at__lt=watermark)
    last: tuple[datetime.datetime, int] | None = None
    if cursor:
        payload = _decode(cursor)
        try:
            last = (datetime.datetime.fromisoformat(payload["t"]), int(payload["i"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise BadCursor(cursor) from exc
        entries = entries.filter(updated_at__gte=last[0]).filter(
            Q(updated_at__gt=last[0]) | Q(id__gt=last[1])
        )
    elif updated_since is not None:
        entries = entries.filter(updated_at__gte=updated_since)
    rows = list(with_display_relations(entries.order_by("updated_at", "id"))[:limit])
    if rows:
        assert rows[-1].updated_at is not None
        last = (rows[-1].updated_at, rows[-1].pk)
    if last is None:
        # Nothing yet: the next call starts where this one could see up to, less nothing.
        since = updated_since or EPOCH
        last = (since - datetime.timedelta(microseconds=1), 0)
    return ChangesPage(
        rows=rows,
        next_cursor=_encode({"t": last[0].isoformat(), "i": last[1]}),
        watermark=watermark,
    )


def last_change() -> datetime.datetime | None:
    """When any entry last changed (for Last-Modified of the registers' pages)."""
    return RegisterEntry.objects.aggregate(last=Max("updated_at"))["last"]


def now() -> datetime.datetime:
    return timezone.now()


__all__ = [
    "API_MAX_PAGE_SIZE",
    "API_PAGE_SIZE",
    "PAGE_SIZE",
    "SORTS",
    "STATUSES",
    "BadCursor",
    "ChangesPage",
    "EntryDetails",
    "Filters",
    "HistoryEvent",
    "KindGroup",
    "Page",
    "RegisterNotFound",
    "RegisterOfEdition",
    "changes",
    "classifier_names",
    "deregistered_register_name",
    "entries_of_identifier",
    "entries_page",
    "entry_details",
    "entry_for",
    "feed_watermark",
    "filtered_entries",
    "forget_choices",
    "ground_text",
    "history_of",
    "is_published",
    "iterate_entries",
    "iterate_values",
    "kind_choices",
    "last_change",
    "published_condition",
    "region_choices",
    "register_kind_choices",
    "register_by_code",
    "register_name",
    "registers",
    "sees_unpublished",
    "visible_entries",
]
