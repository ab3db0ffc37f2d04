"""The sandbox backend: state records read from a folder of files (``SANDBOX_STATE_DIR``).

It is the embedded default, so the portal runs and demonstrates without a connection to the
gateway. Lookup sources read ``<source>.json`` (``{"records": {"<BIN/IIN>": {…fields…}}}``, the
fields of the source's record type); the procurement register reads ``rnu.jsonl`` (one OWS item
per line) and the Samruk-Kazyna list reads ``samruk.csv`` (or ``samruk.xlsx``). See docs/gateway.md.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from egov_gateway.errors import MalformedAnswer, SourceNotConfigured
from egov_gateway.sources.base import TWELVE_DIGITS, StateAnswer, from_data


class SandboxLookup:
    """Lookups of one source answered from ``<source>.json``; a missing BIN/IIN has no record."""

    def __init__(self, module: ModuleType, directory: Path) -> None:
        self.module = module
        self.name = module.NAME
        self.path = directory / f"{module.NAME}.json"
        self._records: dict[str, Any] | None = None

    def records(self) -> dict[str, Any]:
        if self._records is None:
            try:
                content = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise SourceNotConfigured(
                    f"no sandbox file {self.path}", source=self.name
                ) from None
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise MalformedAnswer(f"{self.path.name}: {exc}", source=self.name) from exc
            records = content.get("records") if isinstance(content, dict) else None
            if not isinstance(records, dict):
                raise MalformedAnswer(f"{self.path.name}: no records object", source=self.name)
            bad = [key for key in records if not TWELVE_DIGITS.match(key)]
            if bad:
                raise MalformedAnswer(
                    f"{self.path.name}: not a BIN/IIN: {bad[:3]}", source=self.name
                )
            self._records = records
        return self._records

    def lookup(self, identifier: str) -> StateAnswer | None:
        entry = self.records().get(identifier)
        if entry is None:
            return None
        return from_data(
            self.module.RECORD,
            entry,
            source=self.name,
            identifier=identifier,
            fetched_at=datetime.datetime.now(datetime.UTC),
            raw=json.dumps(entry, ensure_ascii=False, sort_keys=True),
        )
