"""The public registers' pages (REG-2, REG-3, SUP-10) and the published protocols (COM-7,
DER-5): server-rendered, GOV.UK "filter a list" and summary lists, readable without JavaScript,
cacheable (registers.http)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commission.models import Protocol
from portal.deadlines import today
from portal.editions import edition_for
from registers import protocols as protocol_selectors
from registers import selectors
from registers.http import conditional
from registers.models import RegisterEntry


def _rows(entries: list[RegisterEntry]) -> list[dict]:
    day = today()
    return [
        {
            "entry": entry,
            "published": selectors.is_published(entry),
            "active": entry.is_active_on(day),
            "register_name": selectors.register_name(
                edition_code=entry.edition_code, code=entry.register
            ),
            "ground": selectors.ground_text(entry),
        }
        for entry in entries
    ]


def _option(value: object, label: str, *, selected: bool) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>', value, mark_safe(" selected") if selected else "", label
    )


def region_options(regions, *, chosen: int | None) -> SafeString:
    """The region filter's options as HTML, built in Python (a template loop over them costs
    more than the page's queries)."""
    return mark_safe("".join(_option(r.pk, r.name, selected=chosen == r.pk) for r in regions))


def kind_options(kinds: list[selectors.KindGroup], *, chosen: str) -> SafeString:
    """The kind filter's options, grouped by the classifier's groups, as HTML."""
    parts: list[str] = []
    for group in kinds:
        code, name = group.group.code, group.group.name
        if not group.items:
            parts.append(_option(code, name, selected=chosen == code))
            continue
        parts.append(format_html('<optgroup label="{}">', name))
        parts.append(_option(code, _("All: %(name)s") % {"name": name}, selected=chosen == code))
        parts.extend(_option(i.code, i.name, selected=chosen == i.code) for i in group.items)
        parts.append("</optgroup>")
    return mark_safe("".join(parts))


def _page_context(request: HttpRequest, *, filters: selectors.Filters, page, base_url: str):
    number = page.page_number
    next_url = ""
    if page.next_cursor:
        next_url = (
            base_url + "?" + urlencode(filters.as_query(after=page.next_cursor, page=number + 1))
        )
    return {
        "filters": filters,
        "page": page,
        "rows": _rows(page.rows),
        "next_url": next_url,
        "first_url": base_url + "?" + urlencode(filters.as_query()),
        "regions": selectors.region_choices(),
        "region_options": region_options(selectors.region_choices(), chosen=filters.region),
        "sorts": selectors.SORTS,
        "statuses": selectors.STATUSES,
        "csv_url": "",
        "json_url": "",
    }


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1


def _page(request: HttpRequest, entries, *, filters: selectors.Filters):
    try:
        return selectors.entries_page(
            entries,
            sort=filters.sort,
            cursor=request.GET.get("after", ""),
            page_number=_page_number(request),
        )
    except selectors.BadCursor:
        return selectors.entries_page(entries, sort=filters.sort)


@require_safe
@conditional(selectors.last_change)
def index(request: HttpRequest) -> HttpResponse:
    """The registers the rules keep, by their names in the rules (2022 p.17; 2020 p.14, p.19)."""
    current = edition_for()
    return render(
        request,
        "registers/index.html",
        {
            "registers": selectors.registers(),
            "current": current,
            "deregistered_name": selectors.deregistered_register_name(current),
        },
    )


@require_safe
@conditional(selectors.last_change)
def register(request: HttpRequest, code: str) -> HttpResponse:
    """One register: search, filters, sorting, keyset pages (REG-2)."""
    try:
        item = selectors.register_by_code(code)
    except selectors.RegisterNotFound:
        raise Http404 from None
    filters = selectors.Filters.from_query(request.GET)
    public = not selectors.sees_unpublished(request.user)
    entries = selectors.filtered_entries(filters=filters, register_code=code, public=public)
    page = _page(request, entries, filters=filters)
    base_url = reverse("registers:register", args=[code])
    context = _page_context(request, filters=filters, page=page, base_url=base_url)
    query = urlencode(filters.as_query())
    kinds = selectors.register_kind_choices(item)
    context.update(
        {
            "register": item,
            "kinds": kinds,
            "kind_options": kind_options(kinds, chosen=filters.kind),
            "public": public,
            "csv_url": reverse("registers:export-csv", args=[code]) + "?" + query,
            "json_url": reverse("registers:export-json", args=[code]) + "?" + query,
        }
    )
    return render(request, "registers/register.html", context)


@require_safe
@conditional(selectors.last_change)
def deregistered(request: HttpRequest) -> HttpResponse:
    """The register of deregistered suppliers and specialists, with ground and protocol (REG-3;
    2020 p.19)."""
    filters = selectors.Filters.from_query(
        request.GET, status=selectors.STATUS_DEREGISTERED, sort=selectors.SORT_NAME
    )
    filters = selectors.Filters(
        q=filters.q,
        region=filters.region,
        kind="",
        status=selectors.STATUS_DEREGISTERED,
        sort=filters.sort,
        register=filters.register
        if filters.register in {r.code for r in selectors.registers()}
        else "",
    )
    public = not selectors.sees_unpublished(request.user)
    entries = selectors.filtered_entries(filters=filters, public=public)
    page = _page(request, entries, filters=filters)
    base_url = reverse("registers:deregistered")
    context = _page_context(request, filters=filters, page=page, base_url=base_url)
    context.update(
        {
            "title": selectors.deregistered_register_name(),
            "registers": selectors.registers(),
            "public": public,
            "csv_url": reverse("registers:deregistered-csv") + "?" + urlencode(filters.as_query()),
            "json_url": reverse("registers:deregistered-json")
            + "?"
            + urlencode(filters.as_query()),
        }
    )
    return render(request, "registers/deregistered.html", context)


@require_safe
@conditional(selectors.last_change)
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry: what the supplier offers, where, the contacts of its application and its
    history with the protocols (REG-2); only with consent (SUP-10)."""
    public = not selectors.sees_unpublished(request.user)
    try:
        found = selectors.entry_for(pk=pk, public=public)
    except RegisterEntry.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "registers/entry.html",
        {
            "entry": found,
            "register_name": selectors.register_name(
                edition_code=found.edition_code, code=found.register
            ),
            "details": selectors.entry_details(found),
            "history": selectors.history_of(found, public=public),
            "ground": selectors.ground_text(found),
            "published": selectors.is_published(found),
            "is_active": found.is_active_on(today()),
        },
    )


@require_safe
@conditional(protocol_selectors.last_publication)
def protocols(request: HttpRequest) -> HttpResponse:
    """The published protocols, newest first (COM-7, DER-5)."""
    region_text = request.GET.get("region", "")
    region = int(region_text) if region_text.isdigit() else None
    page = protocol_selectors.protocols_page(region=region, cursor=request.GET.get("after", ""))
    next_url = ""
    if page.next_cursor:
        query = {"after": page.next_cursor, **({"region": str(region)} if region else {})}
        next_url = reverse("protocols:list") + "?" + urlencode(query)
    return render(
        request,
        "registers/protocols.html",
        {
            "page": page,
            "next_url": next_url,
            "region": region,
            "regions": selectors.region_choices(),
            "is_first": not request.GET.get("after"),
        },
    )


@require_safe
@conditional(protocol_selectors.last_publication)
def protocol(request: HttpRequest, pk: int) -> HttpResponse:
    """A published protocol: its PDF (the exact signed bytes) and each signature as verified."""
    try:
        row = protocol_selectors.published_protocol(pk)
    except Protocol.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "registers/protocol.html",
        {
            "protocol": row.protocol,
            "row": row,
            "signatures": protocol_selectors.signatures_of(row.protocol),
        },
    )
