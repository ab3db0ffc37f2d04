"""Open data of the registers (REG-2, SUP-10): CSV and JSON downloads of each register, streamed
and without a row cap, with the rows and filters of its page; a read-only JSON API — entries
with filters and cursor pages, one supplier by BIN/IIN, and the change feed — described in
OpenAPI at ``/api/registers/v1/openapi.json``. Only published entries (SUP-10), rate limited
per client (registers.http)."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
from collections.abc import Iterable, Iterator

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from portal.deadlines import today
from registers import selectors
from registers.http import conditional, rate_limited
from registers.models import RegisterEntry

CSV_COLUMNS = (
    "id",
    "register",
    "register_name",
    "edition",
    "name",
    "bin_iin",
    "region_kato",
    "region",
    "kinds",
    "status",
    "admitted_on",
    "admission_protocol",
    "admission_protocol_url",
    "deregistered_on",
    "deregistration_ground",
    "deregistration_protocol",
    "deregistration_protocol_url",
    "updated_at",
    "url",
)


@functools.lru_cache(maxsize=64)
def _register_label(edition_code: str, code: str, language: str) -> str:
    return str(selectors.register_name(edition_code=edition_code, code=code))


@functools.lru_cache(maxsize=1)
def _entry_path_prefix() -> str:
    return reverse("registers:entry", args=[0])[: -len("0/")]


def entry_data(entry: RegisterEntry, *, request: HttpRequest | None = None) -> dict:
    """One entry as open data: the same fields in CSV, JSON downloads and the API."""
    day = today()
    base = request.build_absolute_uri("/")[:-1] if request is not None else ""
    return {
        "id": entry.pk,
        "register": entry.register,
        "register_name": _register_label(entry.edition_code, entry.register, get_language() or ""),
        "edition": entry.edition_code,
        "name": entry.name,
        "bin_iin": entry.identifier,
        "region_kato": entry.region.kato,
        "region": entry.region.name,
        "kinds": list(entry.kinds),
        "status": "active" if entry.is_active_on(day) else "deregistered",
        "admitted_on": entry.admitted_on.isoformat(),
        "admission_protocol": entry.admission_protocol,
        "admission_protocol_url": _absolute(base, getattr(entry, "admission_protocol_url", "")),
        "deregistered_on": entry.deregistered_on.isoformat() if entry.deregistered_on else None,
        "deregistration_ground": entry.deregistration_ground or None,
        "deregistration_protocol": entry.deregistration_protocol or None,
        "deregistration_protocol_url": _absolute(base, entry.deregistration_protocol_url) or None,
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
        "url": f"{base}{_entry_path_prefix()}{entry.pk}/",
    }


def rows_data(rows, *, request: HttpRequest) -> Iterator[dict]:
    """Entries read as values (``selectors.iterate_values``) in the shape of ``entry_data``."""
    from portal.models import Region

    day = today()
    base = request.build_absolute_uri("/")[:-1]
    prefix = base + _entry_path_prefix()
    regions = {r.pk: (r.kato, r.name) for r in Region.objects.all()}
    labels: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["edition_code"], row["register"])
        if key not in labels:
            labels[key] = str(selectors.register_name(edition_code=key[0], code=key[1]))
        kato, region_name = regions.get(row["region_id"], ("", ""))
        left = row["deregistered_on"]
        yield {
            "id": row["id"],
            "register": row["register"],
            "register_name": labels[key],
            "edition": row["edition_code"],
            "name": row["name"],
            "bin_iin": row["identifier"],
            "region_kato": kato,
            "region": region_name,
            "kinds": list(row["kinds"]),
            "status": "active"
            if row["admitted_on"] <= day and (left is None or day < left)
            else "deregistered",
            "admitted_on": row["admitted_on"].isoformat(),
            "admission_protocol": row["admission_protocol"],
            "admission_protocol_url": _absolute(base, row["admission_protocol_url"] or ""),
            "deregistered_on": left.isoformat() if left else None,
            "deregistration_ground": row["deregistration_ground"] or None,
            "deregistration_protocol": row["deregistration_protocol"] or None,
            "deregistration_protocol_url": _absolute(base, row["deregistration_protocol_url"])
            or None,
            "updated_at": row["updated_iso"],
            "url": f"{prefix}{row['id']}/",
        }


def _absolute(base: str, url: str) -> str:
    return base + url if url.startswith("/") else url


# --- downloads ---


OUTPUT_BATCH = 500  # rows per chunk written to the client


def _csv_rows(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # spreadsheets read the Cyrillic and Kazakh letters as UTF-8
    writer.writerow(CSV_COLUMNS)
    for number, row in enumerate(rows, start=1):
        writer.writerow(
            [
                ";".join(row[c]) if c == "kinds" else ("" if row[c] is None else row[c])
                for c in CSV_COLUMNS
            ]
        )
        if number % OUTPUT_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_rows(head: dict, rows: Iterable[dict]) -> Iterator[str]:
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    parts = [opening + (', "entries": [' if head else '{"entries": [')]
    for number, row in enumerate(rows):
        parts.append(("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False))
        if len(parts) >= OUTPUT_BATCH:
            yield "".join(parts)
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts)


def _export_rows(request: HttpRequest, *, code: str | None, status: str):
    filters = selectors.Filters.from_query(request.GET, status=status)
    if code is None:
        filters = selectors.Filters(
            q=filters.q,
            region=filters.region,
            status=selectors.STATUS_DEREGISTERED,
            sort=filters.sort,
            register=filters.register,
        )
    entries = selectors.filtered_entries(filters=filters, register_code=code, public=True)
    return rows_data(selectors.iterate_values(entries, sort=filters.sort), request=request)


def _register_or_404(code: str) -> selectors.RegisterOfEdition:
    try:
        return selectors.register_by_code(code)
    except selectors.RegisterNotFound:
        raise Http404 from None


def _download(request: HttpRequest, *, code: str | None, fmt: str, name: str, head: dict):
    rows = _export_rows(request, code=code, status=selectors.STATUS_ACTIVE)
    stamp = today().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_rows(rows), content_type="text/csv; charset=utf-8")
        filename = f"{name}-{stamp}.csv"
    else:
        response = StreamingHttpResponse(
            _json_rows(head, rows), content_type="application/json; charset=utf-8"
        )
        filename = f"{name}-{stamp}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@rate_limited("export")
@conditional(selectors.last_change)
def export_csv(request: HttpRequest, code: str):
    _register_or_404(code)
    return _download(request, code=code, fmt="csv", name=code, head={})


@require_safe
@rate_limited("export")
@conditional(selectors.last_change)
def export_json(request: HttpRequest, code: str):
    item = _register_or_404(code)
    head = {"register": code, "register_name": str(item.name), "edition": item.edition.code}
    return _download(request, code=code, fmt="json", name=code, head=head)


@require_safe
@rate_limited("export")
@conditional(selectors.last_change)
def deregistered_csv(request: HttpRequest):
    return _download(request, code=None, fmt="csv", name="deregistered", head={})


@require_safe
@rate_limited("export")
@conditional(selectors.last_change)
def deregistered_json(request: HttpRequest):
    head = {
        "register": "deregistered",
        "register_name": str(selectors.deregistered_register_name()),
    }
    return _download(request, code=None, fmt="json", name="deregistered", head=head)


# --- the JSON API ---


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _limit(request: HttpRequest) -> int | None:
    text = request.GET.get("limit", "")
    if not text:
        return selectors.API_PAGE_SIZE
    if not text.isdigit() or not 0 < int(text) <= selectors.API_MAX_PAGE_SIZE:
        return None
    return int(text)


@require_safe
@rate_limited("api")
@conditional(selectors.last_change)
def api_registers(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "registers": [
                {
                    "code": item.code,
                    "name": str(item.name),
                    "edition": item.edition.code,
                    "clause": item.clause,
                    "entries_url": request.build_absolute_uri(
                        reverse("registers-api:entries", args=[item.code])
                    ),
                }
                for item in selectors.registers()
            ],
            "deregistered_name": str(selectors.deregistered_register_name()),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@rate_limited("api")
@conditional(selectors.last_change)
def api_entries(request: HttpRequest, code: str) -> JsonResponse:
    """Entries of a register: ``q``, ``region`` (id), ``kind``, ``status``, ``sort``, ``limit``;
    the next page by ``cursor``."""
    _register_or_404(code)
    limit = _limit(request)
    if limit is None:
        return _error(400, "bad_limit", f"limit is 1..{selectors.API_MAX_PAGE_SIZE}")
    filters = selectors.Filters.from_query(request.GET)
    entries = selectors.filtered_entries(filters=filters, register_code=code)
    try:
        page = selectors.entries_page(
            entries, sort=filters.sort, cursor=request.GET.get("cursor", ""), size=limit
        )
    except selectors.BadCursor:
        return _error(400, "bad_cursor", "cursor is not one this API gave out")
    next_url = None
    if page.next_cursor:
        query = {**filters.as_query(cursor=page.next_cursor), "limit": str(limit)}
        next_url = request.build_absolute_uri(
            reverse("registers-api:entries", args=[code]) + "?" + urlencode(query)
        )
    return JsonResponse(
        {
            "entries": [entry_data(e, request=request) for e in page.rows],
            "next_cursor": page.next_cursor or None,
            "next": next_url,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@rate_limited("api")
@conditional(selectors.last_change)
def api_supplier(request: HttpRequest, identifier: str) -> JsonResponse:
    """Every published entry of one supplier by BIN/IIN, with its history."""
    if not selectors.is_identifier(identifier):
        return _error(400, "bad_identifier", "a BIN or IIN is 12 digits")
    entries = selectors.entries_of_identifier(identifier)
    if not entries:
        return _error(404, "not_found", "no published entry has this BIN/IIN")
    return JsonResponse(
        {
            "bin_iin": identifier,
            "name": entries[-1].name,
            "entries": [entry_data(e, request=request) for e in entries],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
@rate_limited("api")
def api_changes(request: HttpRequest) -> JsonResponse:
    """The change feed: entries changed since ``updated_since`` (ISO 8601) or after ``cursor``,
    oldest change first; it serves up to the watermark only, so a client that follows
    ``next_cursor`` sees every change exactly in order, also of transactions that committed
    out of timestamp order."""
    limit = _limit(request)
    if limit is None:
        return _error(400, "bad_limit", f"limit is 1..{selectors.API_MAX_PAGE_SIZE}")
    since_text = request.GET.get("updated_since", "")
    since: datetime.datetime | None = None
    if since_text:
        since = parse_datetime(since_text.replace(" ", "+"))
        if since is None or since.tzinfo is None:
            return _error(400, "bad_updated_since", "updated_since is ISO 8601 with a time zone")
    try:
        page = selectors.changes(
            updated_since=since, cursor=request.GET.get("cursor", ""), limit=limit
        )
    except selectors.BadCursor:
        return _error(400, "bad_cursor", "cursor is not one this API gave out")
    query = {"cursor": page.next_cursor, "limit": str(limit)}
    response = JsonResponse(
        {
            "changes": [entry_data(e, request=request) for e in page.rows],
            "next_cursor": page.next_cursor,
            "next": request.build_absolute_uri(
                reverse("registers-api:changes") + "?" + urlencode(query)
            ),
            "watermark": page.watermark.isoformat(),
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def openapi(request: HttpRequest) -> HttpResponse:
    from registers.openapi import openapi_document

    response = JsonResponse(
        openapi_document(server=request.build_absolute_uri("/")[:-1]),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
