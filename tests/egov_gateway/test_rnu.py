"""The procurement register (goszakup OWS v3) via the real REST client and a loopback server."""

from __future__ import annotations

import pytest

from egov_gateway.errors import MalformedAnswer, SourceRejected, SourceUnavailable
from egov_gateway.sources.registry import feed_source, lookup_source
from tests.egov_gateway.servers import rnu_item

pytestmark = pytest.mark.req("SYNC-1")

BINS = ["120340016615", "170740318604", "081140913900", "190540996036", "140240082465"]


@pytest.fixture
def register(ows_server):
    ows_server.items = [rnu_item(b, pid=n) for n, b in enumerate(BINS, start=1)]
    ows_server.items.append(rnu_item("170740318604", pid=9, kato=["350000000"]))
    return ows_server


def test_pages_are_followed_through_next_page_to_the_end(register):
    entries = list(feed_source("rnu").feed())

    assert sorted(e.identifier for e in entries) == sorted([*BINS, "170740318604"])
    paths = [r["path"] for r in register.requests]
    assert paths[0] == "/v3/rnu?limit=2"
    assert all(p.startswith("/v3/rnu?page=next&limit=2&search_after=") for p in paths[1:])
    assert len(paths) == 3  # 6 items, 2 per page


def test_every_request_carries_the_bearer_token(register):
    list(feed_source("rnu").feed())

    assert {r["headers"]["Authorization"] for r in register.requests} == {"Bearer test-ows-token"}


def test_an_item_keeps_its_fields_and_the_raw_answer(register):
    entry = next(e for e in feed_source("rnu").feed() if e.identifier == "081140913900")

    assert entry.pid == 3
    assert entry.kato_list == ("750000000",)
    assert entry.supplier_name_ru == "ТОО «Тест»"
    assert '"supplier_biin": "081140913900"' in entry.raw


def test_an_item_without_a_bin_has_no_identifier(register):
    item = rnu_item("", pid=50)
    item["supplier_innunp"] = "7701234567"
    register.items.append(item)

    entries = [e for e in feed_source("rnu").feed() if e.pid == 50]

    assert [e.identifier for e in entries] == [""]


def test_lookup_by_bin_lists_all_inclusions(register):
    listing = lookup_source("rnu").lookup("170740318604")

    assert [e["pid"] for e in listing.entries] == [2, 9]
    assert register.requests[-1]["path"] == "/v3/rnu/170740318604"


def test_lookup_of_an_unlisted_bin_is_no_record(register):
    assert lookup_source("rnu").lookup("151140077023") is None


@pytest.mark.req("SYNC-3")
def test_a_page_that_is_not_json_is_rejected_with_a_clear_error(register):
    register.script = ["ok", "malformed"]

    with pytest.raises(MalformedAnswer, match="not JSON"):
        list(feed_source("rnu").feed())


@pytest.mark.req("SYNC-3")
def test_a_page_without_items_is_rejected(register):
    register.script = ["bad_shape"]

    with pytest.raises(MalformedAnswer, match="items"):
        list(feed_source("rnu").feed())


@pytest.mark.req("SYNC-3")
def test_a_register_cut_short_of_its_announced_total_is_rejected(register):
    register.announced_total = 10

    with pytest.raises(MalformedAnswer, match="announced 10 items but only 6 arrived"):
        list(feed_source("rnu").feed())


@pytest.mark.req("SYNC-3")
def test_a_slow_page_is_retried_then_reported_unavailable(register):
    register.script = ["ok", "slow", "slow", "slow"]

    with pytest.raises(SourceUnavailable, match="after 3 attempts"):
        list(feed_source("rnu").feed())

    assert len(register.requests) == 4


@pytest.mark.req("SYNC-3")
def test_server_errors_and_resets_are_retried_and_the_feed_completes(register):
    register.script = ["500", "reset"]

    entries = list(feed_source("rnu").feed())

    assert len(entries) == 6


def test_a_refused_token_is_a_rejection_and_is_not_retried(register, settings):
    settings.GOSZAKUP_OWS_TOKEN = "wrong"

    with pytest.raises(SourceRejected, match="token was refused"):
        list(feed_source("rnu").feed())

    assert len(register.requests) == 1


def test_next_page_to_another_host_is_not_followed(register):
    register.next_page_prefix = "https://elsewhere.example"

    with pytest.raises(MalformedAnswer, match="another host"):
        list(feed_source("rnu").feed())

    assert len(register.requests) == 1
