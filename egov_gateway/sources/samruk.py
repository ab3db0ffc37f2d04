"""List of unreliable suppliers of the Samruk-Kazyna National Welfare Fund (DER-1 ground 4, RDM-1).

No public API is known: the fund publishes the list as a file, which an operator imports
(``manage.py import_samruk_list FILE``). CSV (``;`` or ``,``, UTF-8 or Windows-1251) and XLSX are
read; columns are found by their headings in Russian, Kazakh or English, so a reordered or
re-titled sheet still reads. A row with an exclusion date on or before today is no longer listed.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from egov_gateway.errors import MalformedAnswer, SourceNotConfigured
from egov_gateway.sources.base import TWELVE_DIGITS, StateAnswer, parse_date

NAME = "samruk"
LABEL = _("Samruk-Kazyna list of unreliable suppliers")
HEADER_SEARCH_ROWS = 20
# Checked in this order for each heading: "Основание включения" is a reason, not a date.
COLUMNS = {
    "identifier": ("бин", "иин", "бсн", "жсн", "bin", "iin"),
    "reason": ("основан", "негіз", "reason", "ground"),
    "removed_on": ("исключ", "шығар", "excluded", "removed"),
    "listed_on": ("включ", "енгіз", "included", "listed", "date"),
    "name": ("наименован", "атау", "name"),
}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SamrukEntry(StateAnswer):
    """One row of the list; ``identifier`` is empty when the row has no valid BIN/IIN."""

    name: str = ""
    listed_on: datetime.date | None = None
    reason: str = ""
    row_number: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SamrukListing(StateAnswer):
    entries: tuple[dict[str, Any], ...]


def _rows(path: Path) -> Iterator[list[Any]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
        return
    content = path.read_bytes()
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = content.decode("cp1251")
    # The delimiter most used in the first lines (a title line above the table has none).
    head = decoded.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max(";,\t", key=lambda d: sum(line.count(d) for line in head))
    yield from csv.reader(io.StringIO(decoded), delimiter=delimiter)


def _header(row: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        heading = str(cell or "").strip().lower()
        for column, keywords in COLUMNS.items():
            if column not in found and heading and any(k in heading for k in keywords):
                found[column] = index
                break
    return found


def _identifier(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{int(value):012d}"  # spreadsheets drop the leading zeros of BINs
    text = str(value or "").strip().replace(" ", "")
    return text if TWELVE_DIGITS.match(text) else ""


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if len(text) >= 10 and text[2] == "." and text[5] == ".":
        text = f"{text[6:10]}-{text[3:5]}-{text[0:2]}"
    return parse_date(text, source=NAME)


def read_list(path: Path, *, today: datetime.date | None = None) -> Iterator[SamrukEntry]:
    """The rows of a published list that are listed today."""
    if not path.exists():
        raise SourceNotConfigured(f"no list file {path}", source=NAME)
    today = today or datetime.date.today()
    fetched_at = datetime.datetime.now(datetime.UTC)
    rows = _rows(path)
    columns: dict[str, int] = {}
    header_row = 0
    for header_row, row in enumerate(rows, start=1):
        columns = _header(row)
        if "identifier" in columns or header_row >= HEADER_SEARCH_ROWS:
            break
    if "identifier" not in columns:
        raise MalformedAnswer(f"{path.name}: no BIN/IIN column in the first rows", source=NAME)

    def cell(row: list[Any], column: str) -> Any:
        index = columns.get(column)
        return row[index] if index is not None and index < len(row) else None

    for number, row in enumerate(rows, start=header_row + 1):
        if not any(str(c or "").strip() for c in row):
            continue
        try:
            removed_on = _date(cell(row, "removed_on"))
            listed_on = _date(cell(row, "listed_on"))
        except MalformedAnswer as exc:
            raise MalformedAnswer(f"{path.name} row {number}: {exc.args[0]}", source=NAME) from exc
        if removed_on is not None and removed_on <= today:
            continue
        values = {
            "identifier": _identifier(cell(row, "identifier")),
            "name": str(cell(row, "name") or "").strip(),
            "listed_on": listed_on.isoformat() if listed_on else None,
            "reason": str(cell(row, "reason") or "").strip(),
            "row_number": number,
        }
        yield SamrukEntry(
            source=NAME,
            identifier=values["identifier"],
            fetched_at=fetched_at,
            raw=json.dumps(values, ensure_ascii=False),
            name=values["name"],
            listed_on=listed_on,
            reason=values["reason"],
            row_number=number,
        )


class SamrukList:
    """The list from the file the operator imported (or the sandbox's copy)."""

    name = NAME

    def __init__(self, path: Path) -> None:
        self.path = path

    def feed(self) -> Iterator[SamrukEntry]:
        return read_list(self.path)

    def lookup(self, identifier: str) -> SamrukListing | None:
        now = datetime.datetime.now(datetime.UTC)
        found = [e for e in read_list(self.path) if e.identifier == identifier]
        if not found:
            return None
        return SamrukListing(
            source=NAME,
            identifier=identifier,
            fetched_at=now,
            raw="[" + ",".join(e.raw for e in found) + "]",
            entries=tuple(json.loads(e.raw) for e in found),
        )
