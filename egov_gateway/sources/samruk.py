"""The two lists of the Samruk-Kazyna National Welfare Fund named by 2022 item 19(4) (DER-1
ground 4, RDM-1, SYNC-1): the register of unscrupulous participants of its procurement
(реестр недобросовестных участников закупок) and the list of unreliable potential suppliers
(перечень ненадежных потенциальных поставщиков (поставщиков)). Both are one source, ``samruk``:
a supplier on either list is listed, and each entry says which list it is on (``list``).

No public API is known: the fund publishes each list as a file. The weekly sync reads both from
where they are published (``SAMRUK_REGISTER_URL``, ``SAMRUK_UNRELIABLE_URL``: an https URL or a
path), like every other source; an operator can also import a file by hand
(``manage.py import_samruk_list FILE``). CSV (``;`` or ``,``, UTF-8 or Windows-1251) and XLSX
are read; columns are found by their headings in Russian, Kazakh or English, so a reordered or
re-titled sheet still reads; which list a file is, is told by its title line when it is not
given. A row with an exclusion date on or before today is no longer listed.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from egov_gateway.errors import MalformedAnswer, SourceNotConfigured
from egov_gateway.sources.base import TWELVE_DIGITS, StateAnswer, parse_date
from portal import deadlines

NAME = "samruk"
LABEL = _("Samruk-Kazyna register of unscrupulous participants and list of unreliable suppliers")

# The two lists of 2022 p.19(4), by the code each entry carries in ``list``.
REGISTER = "unscrupulous_register"
UNRELIABLE = "unreliable_suppliers"
LISTS = {
    REGISTER: _(
        "register of unscrupulous participants of procurement of the National Welfare Fund"
    ),
    UNRELIABLE: _(
        "list of unreliable potential suppliers (suppliers) of the National Welfare Fund"
    ),
}
# Words of a title line that tell which list a file is.
LIST_TITLES = {
    REGISTER: ("недобросовест", "жосықсыз", "unscrupulous"),
    UNRELIABLE: ("ненадежн", "ненадёжн", "сенімсіз", "unreliable"),
}
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
    list: str = UNRELIABLE  # REGISTER or UNRELIABLE


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SamrukListing(StateAnswer):
    entries: tuple[dict[str, Any], ...]


def _rows(path: Path) -> Iterator[list[Any]]:
    """The rows of a CSV or XLSX file; a file that cannot be read is a ``MalformedAnswer``."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
        return
    content = path.read_bytes()
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            decoded = content.decode("cp1251")
        except UnicodeDecodeError as exc:  # five bytes of 256 have no letter in Windows-1251
            raise MalformedAnswer(
                f"{path.name} is neither UTF-8 nor Windows-1251 text ({exc})", source=NAME
            ) from exc
    # The delimiter most used in the first lines (a title line above the table has none).
    head = decoded.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max(";,\t", key=lambda d: sum(line.count(d) for line in head))
    try:
        yield from csv.reader(io.StringIO(decoded), delimiter=delimiter)
    except csv.Error as exc:  # a NUL byte, a field over the csv module's limit
        raise MalformedAnswer(
            f"{path.name} is not a readable CSV file ({exc})", source=NAME
        ) from exc


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # see _unreadable_workbook
        raise _unreadable_workbook(path, exc) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise MalformedAnswer(f"{path.name} has no worksheet", source=NAME)
        try:
            for row in sheets[0].iter_rows(values_only=True):
                yield list(row)
        except MalformedAnswer:
            raise
        except Exception as exc:  # see _unreadable_workbook
            raise _unreadable_workbook(path, exc) from exc
    finally:
        workbook.close()


def _unreadable_workbook(path: Path, exc: Exception) -> MalformedAnswer:
    # A damaged workbook breaks openpyxl in many ways (BadZipFile, KeyError, ValueError,
    # TypeError, an XML parse error, zlib.error, EOFError …; found by fuzzing, tests/fuzz/): all
    # of them mean the same thing here, the published file cannot be read.
    return MalformedAnswer(
        f"{path.name} is not a readable XLSX workbook ({type(exc).__name__}: {exc})", source=NAME
    )


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
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return ""  # infinity, NaN or a fraction is no BIN/IIN (int(inf) overflows; fuzzing)
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


def _list_of_title(row: list[Any]) -> str | None:
    line = " ".join(str(c or "") for c in row).lower()
    for code, words in LIST_TITLES.items():
        if any(word in line for word in words):
            return code
    return None


def list_of_file(path: Path) -> str:
    """Which of the two lists a published file is, by the title above its table (default: the
    list of unreliable suppliers, the file the fund has published longest)."""
    if not path.exists():
        raise SourceNotConfigured(f"no list file {path}", source=NAME)
    for number, row in enumerate(_rows(path), start=1):
        if "identifier" in _header(row) or number >= HEADER_SEARCH_ROWS:
            break
        if code := _list_of_title(row):
            return code
    return UNRELIABLE


def read_list(
    path: Path, *, today: datetime.date | None = None, list_code: str | None = None
) -> Iterator[SamrukEntry]:
    """The rows of a published list that are listed today. ``list_code`` says which of the two
    lists the file is; without it, the title above the table says, else the unreliable list."""
    if not path.exists():
        raise SourceNotConfigured(f"no list file {path}", source=NAME)
    if list_code is not None and list_code not in LISTS:
        raise ValueError(f"unknown Samruk-Kazyna list {list_code!r}; known: {', '.join(LISTS)}")
    today = today or deadlines.today()
    fetched_at = datetime.datetime.now(datetime.UTC)
    rows = _rows(path)
    columns: dict[str, int] = {}
    header_row = 0
    titled = None
    for header_row, row in enumerate(rows, start=1):
        columns = _header(row)
        if "identifier" in columns or header_row >= HEADER_SEARCH_ROWS:
            break
        titled = titled or _list_of_title(row)
    kind = list_code or titled or UNRELIABLE
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
        values: dict[str, Any] = {
            "identifier": _identifier(cell(row, "identifier")),
            "name": str(cell(row, "name") or "").strip(),
            "listed_on": listed_on.isoformat() if listed_on else None,
            "reason": str(cell(row, "reason") or "").strip(),
            "row_number": number,
            "list": kind,
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
            list=kind,
        )


class SamrukLists:
    """Both lists of 2022 p.19(4) as one register: a supplier on either is listed (SYNC-1).

    ``files`` maps each list code to its file; ``kept`` gives, for a list without a new file,
    the entries to keep as they were (an operator's import of one list keeps the other).
    """

    name = NAME

    def __init__(
        self,
        files: dict[str, Path],
        *,
        kept: dict[str, Callable[[], Iterable[SamrukEntry]]] | None = None,
    ) -> None:
        unknown = set(files) - set(LISTS)
        if unknown:
            raise ValueError(f"unknown Samruk-Kazyna lists {sorted(unknown)}")
        self.files = files
        self.kept = kept or {}

    def feed(self) -> Iterator[SamrukEntry]:
        for code in LISTS:
            if code in self.files:
                yield from read_list(self.files[code], list_code=code)
            elif code in self.kept:
                yield from self.kept[code]()
            else:
                raise SourceNotConfigured(f"no file of the {code} list", source=NAME)

    def lookup(self, identifier: str) -> SamrukListing | None:
        return _listing(identifier, self.feed())


def _listing(identifier: str, entries: Iterable[SamrukEntry]) -> SamrukListing | None:
    now = datetime.datetime.now(datetime.UTC)
    found = [e for e in entries if e.identifier == identifier]
    if not found:
        return None
    return SamrukListing(
        source=NAME,
        identifier=identifier,
        fetched_at=now,
        raw="[" + ",".join(e.raw for e in found) + "]",
        entries=tuple(json.loads(e.raw) for e in found),
    )


def kept_entries(list_code: str) -> Iterator[SamrukEntry]:
    """The entries of one list as the last sync recorded them (``StateListing``): what an import
    of the other list alone keeps. Entries recorded before the lists were told apart are of the
    list of unreliable suppliers, the only one read then."""
    from egov_gateway.models import StateListing

    listings = StateListing.objects.filter(source=NAME, removed_run__isnull=True).order_by("pk")
    for listing in listings.iterator():
        for entry in listing.payload or ():
            if entry.get("list", UNRELIABLE) != list_code:
                continue
            # The same keys in the same order as ``read_list`` writes them: an entry kept
            # unchanged fingerprints as unchanged (SYNC-2: a second run changes nothing).
            values = {
                "identifier": listing.identifier,
                "name": entry.get("name", ""),
                "listed_on": entry.get("listed_on"),
                "reason": entry.get("reason", ""),
                "row_number": entry.get("row_number", 0),
                "list": list_code,
            }
            yield SamrukEntry(
                source=NAME,
                identifier=listing.identifier,
                fetched_at=datetime.datetime.now(datetime.UTC),
                raw=json.dumps(values, ensure_ascii=False),
                name=values.get("name", ""),
                listed_on=parse_date(values.get("listed_on"), source=NAME),
                reason=values.get("reason", ""),
                row_number=values.get("row_number", 0),
                list=list_code,
            )


class PublishedLists:
    """Both lists read from where the fund publishes them (the weekly sync, gateway backend):
    each location an https URL, downloaded afresh, or a path. A list that cannot be had fails
    the run and applies nothing (SYNC-3)."""

    name = NAME

    def __init__(self, locations: dict[str, str], *, timeout: float = 60) -> None:
        self.locations = locations
        self.timeout = timeout

    def feed(self) -> Iterator[SamrukEntry]:
        with tempfile.TemporaryDirectory(prefix="samruk-") as directory:
            files = {
                code: self._fetch(code, where, Path(directory))
                for code, where in self.locations.items()
            }
            yield from SamrukLists(files).feed()

    def lookup(self, identifier: str) -> SamrukListing | None:
        return _listing(identifier, self.feed())

    def _fetch(self, code: str, where: str, directory: Path) -> Path:
        if not where.startswith(("https://", "http://")):
            return Path(where)
        import httpx

        from egov_gateway.errors import SourceRejected, SourceUnavailable
        from egov_gateway.transport.retry import with_retries

        suffix = Path(urlsplit(where).path).suffix.lower() or ".csv"
        target = directory / f"{code}{suffix}"

        def download() -> Path:
            try:
                response = httpx.get(where, timeout=self.timeout, follow_redirects=True)
            except httpx.TransportError as exc:
                raise SourceUnavailable(f"{code}: {exc!r}", source=NAME) from exc
            if response.status_code >= 500 or response.status_code == 429:
                raise SourceUnavailable(f"{code}: HTTP {response.status_code}", source=NAME)
            if response.status_code != 200:
                raise SourceRejected(
                    f"{code}: HTTP {response.status_code}",
                    source=NAME,
                    code=str(response.status_code),
                )
            target.write_bytes(response.content)
            return target

        return with_retries(download, source=NAME, what=f"GET {code} list")
