"""Open data of the registers (REG-2, SUP-10): CSV and JSON downloads equal to the pages, the
JSON API with cursor pages, one supplier by BIN/IIN, OpenAPI, and the rate limit counted in the
real Redis."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from registers import selectors
from tests.registers.builders import make_entry

pytestmark = pytest.mark.django_db

CODE = "technical_aids"


def page_ids(client, url: str, params: dict) -> list[int]:
    """Every entry id the pages show, following the next links."""
    ids: list[int] = []
    response = client.get(url, params)
    while True:
        page = response.content.decode()
        ids += [int(part.split("/")[0]) for part in page.split('href="/registers/entries/')[1:]]
        if 'rel="next" href="' not in page:
            return ids
        next_link = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
        response = client.get(next_link)


def fill() -> None:
    for number in range(60):
        make_entry(
            name=f"Ортопедия {number:02d}" if number % 2 else f"Сурдо {number:02d}",
            kinds=("G01.02",) if number % 3 else ("G02.01",),
            consent=number % 5 != 0,
        )


def stream(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.req("REG-2", "SUP-10")
@pytest.mark.parametrize("params", [{}, {"q": "ортопед"}, {"kind": "G02", "sort": "newest"}])
def test_the_csv_and_json_downloads_hold_exactly_the_rows_of_the_pages(client, params):
    fill()
    shown = page_ids(client, reverse("registers:register", args=[CODE]), params)
    assert shown
    response = client.get(reverse("registers:export-csv", args=[CODE]), params)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(stream(response).lstrip("\ufeff"))))
    assert [int(row["id"]) for row in rows] == shown
    response = client.get(reverse("registers:export-json", args=[CODE]), params)
    data = json.loads(stream(response))
    assert [row["id"] for row in data["entries"]] == shown
    assert data["register_name"] == str(selectors.register_by_code(CODE).name)


@pytest.mark.req("SUP-10")
def test_downloads_and_api_never_hold_an_unpublished_entry(client):
    hidden = make_entry(name="Hidden supplier", consent=False)
    make_entry(name="Open supplier")
    csv_text = stream(client.get(reverse("registers:export-csv", args=[CODE])))
    json_text = stream(client.get(reverse("registers:export-json", args=[CODE])))
    api = client.get(reverse("registers-api:entries", args=[CODE])).json()
    for body in (csv_text, json_text, json.dumps(api, ensure_ascii=False)):
        assert "Open supplier" in body
        assert "Hidden supplier" not in body and hidden.identifier not in body
    one = client.get(reverse("registers-api:supplier", args=[hidden.identifier]))
    assert one.status_code == 404


@pytest.mark.req("REG-2")
def test_the_csv_is_utf8_with_kazakh_letters_and_has_no_row_cap(client, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 5)  # read in many chunks, as a big register
    for number in range(23):
        make_entry(name=f"Әйгерім Құрылыс {number:02d}")
    text = stream(client.get(reverse("registers:export-csv", args=[CODE])))
    assert text.startswith("\ufeff") and "Әйгерім Құрылыс 00" in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["name"] for row in rows] == [f"Әйгерім Құрылыс {n:02d}" for n in range(23)]


@pytest.mark.req("REG-2")
def test_the_api_pages_by_cursor_with_filters(client):
    fill()
    url = reverse("registers-api:entries", args=[CODE])
    expected = [
        e.pk
        for e in selectors.filtered_entries(
            filters=selectors.Filters(q="ортопед"), register_code=CODE
        )
    ]
    seen: list[int] = []
    response = client.get(url, {"q": "ОРТОПЕД", "limit": 7}).json()
    while True:
        seen += [row["id"] for row in response["entries"]]
        if not response["next"]:
            break
        response = client.get(response["next"]).json()
    assert seen == expected and len(seen) > 7
    assert client.get(url, {"cursor": "nonsense"}).status_code == 400
    assert client.get(url, {"limit": "100000"}).status_code == 400


@pytest.mark.req("REG-2", "REG-3")
def test_one_supplier_by_bin_iin_with_its_history(client):
    first = make_entry(
        name="Back again",
        admitted_on=datetime.date(2024, 1, 10),
        deregistered_on=datetime.date(2024, 5, 1),
        ground="own_application",
    )
    make_entry(supplier=first.supplier, admitted_on=datetime.date(2025, 1, 10))
    data = client.get(reverse("registers-api:supplier", args=[first.identifier])).json()
    assert data["bin_iin"] == first.identifier
    assert [(e["admitted_on"], e["deregistered_on"], e["status"]) for e in data["entries"]] == [
        ("2024-01-10", "2024-05-01", "deregistered"),
        ("2025-01-10", None, "active"),
    ]
    assert data["entries"][0]["deregistration_ground"] == "own_application"
    assert data["entries"][0]["deregistration_protocol_url"].endswith("/protocols/2/")
    assert data["entries"][1]["admission_protocol_url"].endswith("/protocols/1/")
    assert client.get(reverse("registers-api:supplier", args=["12345"])).status_code == 400


@pytest.mark.req("REG-2")
def test_the_api_answers_304_to_a_conditional_request(client):
    make_entry(name="Cached")
    url = reverse("registers-api:entries", args=[CODE])
    response = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.req("REG-2")
def test_the_portal_serves_its_openapi_description(client):
    document = client.get(reverse("registers-api:openapi")).json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    assert "/api/registers/v1/changes" in paths
    assert "/api/registers/v1/registers/{code}/entries" in paths
    assert "/api/registers/v1/suppliers/{bin_iin}" in paths
    for path in paths:
        if path.startswith("/api/"):
            concrete = path.replace("{code}", CODE).replace("{bin_iin}", "000000000000")
            assert client.get(concrete).status_code in (200, 404), path


@pytest.mark.req("REG-2")
def test_the_rate_limit_counts_each_client_in_redis(client, settings):
    import redis

    settings.REGISTERS_RATE_LIMIT = 3
    settings.REGISTERS_RATE_WINDOW_SECONDS = 60
    url = reverse("registers-api:registers")
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    if statuses[-1] != 429:  # the minute turned between the requests: one more window
        statuses = [client.get(url, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    limited = client.get(url, REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200
    keys = redis.Redis.from_url(settings.REDIS_URL).keys(
        f"{settings.REGISTERS_RATE_KEY_PREFIX}:api:10.0.0.1:*"
    )
    assert keys, "the count is kept in Redis"
