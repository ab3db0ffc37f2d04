"""A register kept as JSON Lines is staged as it is and read in SQL (issue 12; SYNC-2, SYNC-3).

The sandbox's ``rnu.jsonl`` takes this path; the goszakup API (``test_sync.py``) takes the path of
parsed records. Both must record the same listings and emit the same events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from egov_gateway.models import StateChangeEvent, StateListing, SyncRun
from egov_gateway.services import watch
from egov_gateway.sources.rnu import JsonLinesRnu, RnuEntry
from egov_gateway.sync import sync_source
from tests.egov_gateway.servers import rnu_item

Kind = StateChangeEvent.Kind
LE = "legal_entity"
WATCHED_A, WATCHED_B, OTHER = "090440023188", "151140077023", "120340016615"


def write(sandbox: Path, *lines: str) -> None:
    (sandbox / "rnu.jsonl").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def item(biin: str, pid: int, **changes) -> str:
    return json.dumps({**rnu_item(biin, pid=pid), **changes}, ensure_ascii=False)


def events() -> list[tuple[str, str]]:
    return list(StateChangeEvent.objects.order_by("pk").values_list("kind", "identifier"))


def listings() -> list[dict]:
    return list(StateListing.objects.order_by("identifier").values())


class ParsedFeed:
    """The same file through the record path (as an operator's import would come)."""

    name = "rnu"

    def __init__(self, path: Path) -> None:
        self.inner = JsonLinesRnu(path)

    def feed(self) -> Iterator[RnuEntry]:
        return self.inner.feed()


@pytest.fixture
def register(sandbox, db) -> Path:
    watch(identifier=WATCHED_A, kind=LE)
    watch(identifier=WATCHED_B, kind=LE)
    write(
        sandbox,
        item(WATCHED_A, 2, kato_list=["710000000"]),
        item(OTHER, 3, supplier_name_ru='ТОО «Кавычки " и \\ слэш»'),  # escaped in JSON
        "",
        item(WATCHED_A, 1),
        item("", 4),
        item("12345", 5),
    )
    return sandbox


@pytest.mark.req("SYNC-2")
def test_json_lines_are_listed_with_all_entries_and_a_rerun_changes_nothing(register):
    first = sync_source(source="rnu")
    before = listings()

    second = sync_source(source="rnu")

    assert first.status == second.status == SyncRun.Status.SUCCEEDED
    assert first.counts["fetched"] == 5  # the blank line is no entry
    assert first.counts["without_identifier"] == 2
    assert (first.counts["listed"], first.counts["new"], first.counts["events"]) == (2, 2, 1)
    entries = StateListing.objects.get(identifier=WATCHED_A).payload
    assert sorted(e["pid"] for e in entries) == [1, 2]
    assert StateListing.objects.get(identifier=OTHER).payload[0]["supplier_name_ru"] == (
        'ТОО «Кавычки " и \\ слэш»'
    )
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A)]
    assert second.counts["events"] == 0
    assert (second.counts["new"], second.counts["changed"], second.counts["removed"]) == (0, 0, 0)
    assert listings() == before


@pytest.mark.req("SYNC-2")
def test_the_raw_and_the_parsed_paths_record_the_same_listings(register):
    raw = sync_source(source="rnu")
    before = listings()

    parsed = sync_source(source="rnu", feed=ParsedFeed(register / "rnu.jsonl"))

    assert parsed.status == SyncRun.Status.SUCCEEDED
    assert parsed.counts["fetched"] == raw.counts["fetched"]
    assert parsed.counts["without_identifier"] == raw.counts["without_identifier"]
    assert (parsed.counts["changed"], parsed.counts["events"]) == (0, 0)
    assert listings() == before


@pytest.mark.req("SYNC-2")
def test_changes_removals_and_late_watching_in_json_lines(register):
    sync_source(source="rnu")
    write(register, item(WATCHED_A, 1), item(OTHER, 3, kato_list=["350000000"]))
    watch(identifier=OTHER, kind=LE)

    run = sync_source(source="rnu")

    assert (run.counts["changed"], run.counts["removed"], run.counts["new"]) == (2, 0, 0)
    assert [e["pid"] for e in StateListing.objects.get(identifier=WATCHED_A).payload] == [1]
    assert StateListing.objects.get(identifier=OTHER).payload[0]["kato_list"] == ["350000000"]
    # OTHER became a registered supplier while listed: its event comes with this run.
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A), (Kind.LISTED_IN_RNU, OTHER)]

    write(register, item(OTHER, 3, kato_list=["350000000"]))
    removed = sync_source(source="rnu", allow_mass_removal=True)

    assert removed.counts["removed"] == 1
    assert events()[-1] == (Kind.REMOVED_FROM_RNU, WATCHED_A)


@pytest.mark.req("SYNC-3")
def test_a_broken_line_fails_the_run_with_its_number_and_applies_nothing(register):
    sync_source(source="rnu")
    before = listings()
    write(register, item(WATCHED_B, 7), item(WATCHED_A, 1), "{broken")

    run = sync_source(source="rnu")

    assert run.status == SyncRun.Status.FAILED
    assert "rnu.jsonl line 3" in run.errors
    assert listings() == before
    assert events() == [(Kind.LISTED_IN_RNU, WATCHED_A)]


@pytest.mark.req("SYNC-3")
def test_a_line_that_is_not_an_object_fails_the_run(register):
    write(register, item(WATCHED_B, 7), "[1, 2]")

    run = sync_source(source="rnu")

    assert run.status == SyncRun.Status.FAILED
    assert "not JSON objects" in run.errors
    assert not StateListing.objects.exists() and not StateChangeEvent.objects.exists()


@pytest.mark.req("SYNC-3")
def test_a_json_lines_register_that_lost_most_entries_is_refused(register, settings):
    settings.STATE_SYNC_MASS_REMOVAL_MIN = 2
    sync_source(source="rnu")
    write(register, item("170740318604", 9))

    refused = sync_source(source="rnu")

    assert refused.status == SyncRun.Status.FAILED
    assert "would remove 2 of 2 listings" in refused.errors
    assert StateListing.objects.filter(removed_run__isnull=True).count() == 2
