"""What every state source answers with, and the two ways a source can be asked.

A *lookup* asks about one BIN or IIN (the cabinet, SUP-3). A *feed* lists a whole register
(the weekly sync, SYNC-2). Both return typed, frozen records that carry where they came from
(``source``), when (``fetched_at``) and the exact text of the answer (``raw``).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from egov_gateway.errors import MalformedAnswer

TWELVE_DIGITS = re.compile(r"^\d{12}$")
_PROVENANCE = frozenset({"source", "identifier", "fetched_at", "raw"})


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StateAnswer:
    """A record as a state system gave it (SUP-3: state-certified data with its provenance)."""

    source: str
    identifier: str
    fetched_at: datetime.datetime
    raw: str = dataclasses.field(repr=False, compare=False)

    def data(self) -> dict[str, Any]:
        """The typed fields as JSON-ready values, without the provenance."""
        return {
            f.name: _jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in _PROVENANCE
        }


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@runtime_checkable
class LookupSource(Protocol):
    """Answers about one BIN or IIN; ``None`` means the source has no record of it."""

    name: str

    def lookup(self, identifier: str) -> StateAnswer | None: ...


@runtime_checkable
class FeedSource(Protocol):
    """Lists a whole register, record by record, streaming (no full copy in memory)."""

    name: str

    def feed(self) -> Iterator[StateAnswer]: ...


@runtime_checkable
class RawLinesFeed(Protocol):
    """A register kept as JSON Lines, one object per entry, that the sync can stage as it is.

    The weekly sync streams ``raw_chunks()`` (the file's bytes) straight into PostgreSQL and reads
    each entry's BIN/IIN from its ``identifier_key`` there, so no Python object is built per line
    (issue 12). ``label`` names the file in error messages (``rnu.jsonl line 7: …``).
    """

    name: str
    identifier_key: str
    label: str

    def raw_chunks(self) -> Iterator[bytes]: ...


def require_identifier(value: Any, *, source: str, what: str = "BIN/IIN") -> str:
    """A 12-digit BIN/IIN from an answer, or MalformedAnswer."""
    text = str(value or "").strip()
    if not TWELVE_DIGITS.match(text):
        raise MalformedAnswer(f"the answer has no valid {what} ({text!r})", source=source)
    return text


def parse_date(value: Any, *, source: str) -> datetime.date | None:
    """Dates arrive as ``2020-01-15``, ``2020-01-15+06:00`` or ``2020-01-15T10:00:00+06:00``."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise MalformedAnswer(f"not a date: {text!r}", source=source) from None


def parse_amount(value: Any, *, source: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except ArithmeticError:
        raise MalformedAnswer(f"not an amount: {value!r}", source=source) from None


def parse_bool(value: Any, *, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise MalformedAnswer(f"not a yes/no value: {value!r}", source=source)


def from_data(cls: type, data: Any, *, source: str, **provenance: Any) -> Any:
    """Build record ``cls`` from JSON data shaped like its ``data()`` (the sandbox format).

    Unknown or missing keys are a malformed answer: a typo in a sandbox file must not silently
    read as "the state has no such fact".
    """
    if not isinstance(data, dict):
        raise MalformedAnswer(f"expected an object, got {type(data).__name__}", source=source)
    hints, is_answer, fields, names = _shape(cls)
    if is_answer:
        provenance["source"] = source
    unknown = set(data) - names
    if unknown:
        raise MalformedAnswer(f"unknown fields {sorted(unknown)}", source=source)
    values = {}
    for f in fields:
        if f.name in data:
            values[f.name] = _convert(hints[f.name], data[f.name], source=source, name=f.name)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise MalformedAnswer(f"missing field {f.name!r}", source=source)
    return cls(**values, **provenance)


@functools.cache
def _shape(cls: type) -> tuple[dict[str, Any], bool, tuple, frozenset[str]]:
    """A record class's type hints and fields, worked out once per class, not per record (the
    persons register builds one record per watched person; issue 12)."""
    is_answer = issubclass(cls, StateAnswer)
    fields = tuple(f for f in dataclasses.fields(cls) if not (is_answer and f.name in _PROVENANCE))
    return typing.get_type_hints(cls), is_answer, fields, frozenset(f.name for f in fields)


def _convert(hint: Any, value: Any, *, source: str, name: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (hint,) = [a for a in args if a is not type(None)]
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        if not isinstance(value, list):
            raise MalformedAnswer(f"{name}: expected a list", source=source)
        return tuple(_convert(args[0], v, source=source, name=name) for v in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_data(hint, value, source=source)
    if hint is datetime.date:
        return parse_date(value, source=source)
    if hint is Decimal:
        return parse_amount(value, source=source)
    if hint is bool:
        return parse_bool(value, source=source)
    if hint is int:
        try:
            return int(value)
        except (TypeError, ValueError, OverflowError):  # int(1e999) overflows (fuzzing)
            raise MalformedAnswer(f"{name}: not a number: {value!r}", source=source) from None
    if value is not None and not isinstance(value, str | int):
        raise MalformedAnswer(f"{name}: expected text", source=source)
    return "" if value is None else str(value)
