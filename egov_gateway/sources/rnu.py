"""Register of unscrupulous participants of public procurement (РНУ), goszakup OWS v3.

DER-1 ground 3 and RDM-1. The whole register is listed by ``GET /v3/rnu`` (pages followed through
``next_page``); one supplier by ``GET /v3/rnu/{biin}``. Items carry ``pid, supplier_biin,
supplier_innunp, supplier_name_ru, supplier_name_kz, kato_list, index_date, system_id``; a
supplier may be listed several times (one item per inclusion).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov_gateway.errors import MalformedAnswer, SourceNotConfigured
from egov_gateway.sources.base import TWELVE_DIGITS, StateAnswer
from egov_gateway.transport.rest import OwsClient

NAME = "rnu"
LABEL = _("Register of unscrupulous participants of public procurement")
PATH = "/v3/rnu"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RnuEntry(StateAnswer):
    """One inclusion in the register; ``identifier`` is empty when the item has no BIN/IIN."""

    pid: int | None = None
    supplier_name_ru: str = ""
    supplier_name_kz: str = ""
    supplier_innunp: str = ""
    kato_list: tuple[str, ...] = ()
    index_date: str = ""
    system_id: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RnuListing(StateAnswer):
    """What the register says about one BIN/IIN: its inclusions (at least one)."""

    entries: tuple[dict[str, Any], ...]


def from_item(item: Any, *, fetched_at: datetime.datetime, raw: str | None = None) -> RnuEntry:
    if not isinstance(item, dict):
        raise MalformedAnswer("an item must be an object", source=NAME)
    biin = str(item.get("supplier_biin") or "").strip()
    kato = item.get("kato_list") or ()
    if isinstance(kato, str):
        kato = [k for k in kato.split(",") if k]
    try:
        return RnuEntry(
            source=NAME,
            identifier=biin if TWELVE_DIGITS.match(biin) else "",
            fetched_at=fetched_at,
            raw=raw if raw is not None else json.dumps(item, ensure_ascii=False),
            pid=_int(item.get("pid")),
            supplier_name_ru=str(item.get("supplier_name_ru") or ""),
            supplier_name_kz=str(item.get("supplier_name_kz") or ""),
            supplier_innunp=str(item.get("supplier_innunp") or ""),
            kato_list=tuple(str(k) for k in kato),
            index_date=str(item.get("index_date") or ""),
            system_id=_int(item.get("system_id")),
        )
    except (TypeError, ValueError, OverflowError) as exc:  # int(1e999): OverflowError (fuzzing)
        raise MalformedAnswer(f"item {item.get('pid')!r}: {exc}", source=NAME) from exc


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def listing(identifier: str, entries: Iterable[RnuEntry], *, fetched_at) -> RnuListing | None:
    found = [e for e in entries if e.identifier == identifier]
    if not found:
        return None
    return RnuListing(
        source=NAME,
        identifier=identifier,
        fetched_at=fetched_at,
        raw="[" + ",".join(e.raw for e in found) + "]",
        entries=tuple(json.loads(e.raw) for e in found),
    )


class OwsRnu:
    """The register as goszakup serves it."""

    name = NAME

    def __init__(self, client: OwsClient, *, limit: int) -> None:
        self.client = client
        self.limit = limit

    def feed(self) -> Iterator[RnuEntry]:
        fetched = 0
        total = None
        for page in self.client.pages(f"{PATH}?limit={self.limit}"):
            total = page.total if total is None else total
            now = datetime.datetime.now(datetime.UTC)
            for item in page.items:
                fetched += 1
                yield from_item(item, fetched_at=now)
        # A register cut short would read as removals: refuse it (SYNC-3).
        if total is not None and fetched < total:
            raise MalformedAnswer(
                f"the register announced {total} items but only {fetched} arrived", source=NAME
            )

    def lookup(self, identifier: str) -> RnuListing | None:
        answer = self.client.get_json(f"{PATH}/{identifier}", missing_is_none=True)
        now = datetime.datetime.now(datetime.UTC)
        if answer is None:
            return None
        decoded, _text = answer
        items = (
            decoded.get("items") if isinstance(decoded, dict) and "items" in decoded else decoded
        )
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise MalformedAnswer("the answer is neither an item nor a list of items", source=NAME)
        return listing(identifier, (from_item(i, fetched_at=now) for i in items), fetched_at=now)


class JsonLinesRnu:
    """The register from a JSON Lines file, one OWS item per line (the sandbox format)."""

    name = NAME
    identifier_key = "supplier_biin"  # read by the sync in SQL (``RawLinesFeed``)
    chunk_size = 1 << 20

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def label(self) -> str:
        return self.path.name

    def raw_chunks(self) -> Iterator[bytes]:
        """The file as it is, in chunks, for the sync to stage without parsing it here."""
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            raise SourceNotConfigured(f"no register file {self.path}", source=NAME) from None
        with handle:
            while chunk := handle.read(self.chunk_size):
                yield chunk

    def feed(self) -> Iterator[RnuEntry]:
        now = datetime.datetime.now(datetime.UTC)
        try:
            handle = self.path.open(encoding="utf-8")
        except FileNotFoundError:
            raise SourceNotConfigured(f"no register file {self.path}", source=NAME) from None
        with handle:
            for number, line in enumerate(handle, start=1):
                line = line.strip()
                if not line:
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise MalformedAnswer(
                        f"{self.path.name} line {number}: {exc}", source=NAME
                    ) from exc
                yield from_item(item, fetched_at=now, raw=line)

    def lookup(self, identifier: str) -> RnuListing | None:
        return listing(identifier, self.feed(), fetched_at=datetime.datetime.now(datetime.UTC))
