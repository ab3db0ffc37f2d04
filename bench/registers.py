"""Benchmark of the public registers (issue 13, item 5): ``make bench-registers``.

Loads 100,000 register entries across the 20 regions into a scratch database (created and
dropped here), serves the portal with gunicorn (2 workers) on loopback, and measures with an
asyncio load generator at 20 concurrent clients, for a fixed time each:

* the search page: a name search with a filter, page 50 (keyset cursor),
* an entry page,
* the JSON API (a page of 100 entries),
* and, in the same run, a trivial Django view through the same stack: the ceiling.

It prints req/s, p50, p95, p99 and the ratio to the ceiling, then times the CSV export of the
whole register (one client) with the serving worker's memory before and after. Targets: search
≥ 40 % of the ceiling with p95 ≤ 20 ms; the CSV of 100,000 rows in ≤ 2 s with flat memory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

WORDS = [
    "Әділет",
    "Құрылыс",
    "Ортопедия",
    "Медтехника",
    "Көмек",
    "Денсаулық",
    "Сурдо",
    "Береке",
    "Шипа",
    "Жол",
]
FORMS = ["ЖШС", "ТОО", "ИП", "Ltd"]
TARGET_SEARCH_RATIO = 0.40
TARGET_SEARCH_P95_MS = 20.0
TARGET_CSV_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fill_required(cursor, table: str, given: set[str]) -> tuple[list[str], list[str]]:
    """Columns of ``table`` that are NOT NULL without a default and not ``given``, with a
    neutral SQL value for each (Django keeps most defaults in Python, not in the database)."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL"
        " AND is_generated = 'NEVER'",
        [table],
    )
    names, values = [], []
    for name, data_type in cursor.fetchall():
        if name in given or name == "id":
            continue
        value = {
            "boolean": "false",
            "integer": "0",
            "bigint": "0",
            "smallint": "0",
            "ARRAY": "'{}'",
            "jsonb": "'{}'::jsonb",
            "timestamp with time zone": "now()",
            "date": "current_date",
        }.get(data_type, "''")
        names.append(name)
        values.append(value)
    return names, values


def load(entries: int) -> None:
    """``entries`` suppliers, each approved with one offering and entered in the register of
    technical aids; 2 % deregistered; the database's trigger fills the entries' copies."""
    from django.db import connection

    words = "(ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "])"
    forms = "(ARRAY[" + ",".join(f"'{f}'" for f in FORMS) + "])"
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id ORDER BY kato) FROM portal_region")
        regions = cursor.fetchone()[0][:20]
        cursor.execute(
            "SELECT array_agg(id ORDER BY code) FROM portal_classifieritem"
            " WHERE register = 'technical_aids' AND parent_id IS NOT NULL"
        )
        leaves = cursor.fetchone()[0]
        region_array = "(ARRAY[" + ",".join(map(str, regions)) + "])"
        leaf_array = "(ARRAY[" + ",".join(map(str, leaves)) + "])"

        given = {"kind", "identifier", "name", "region_id", "created_at"}
        extra, values = _fill_required(cursor, "suppliers_supplier", given)
        cursor.execute(
            f"INSERT INTO suppliers_supplier (kind, identifier, name, region_id, created_at"
            f"{''.join(', ' + c for c in extra)})"
            f" SELECT 'legal_entity', lpad(i::text, 12, '0'),"
            f" {words}[1 + i % 10] || ' ' || {words}[1 + (i / 10) % 10] || ' ' || i || ' '"
            f" || {forms}[1 + i % 4],"
            f" {region_array}[1 + i % {len(regions)}], now()"
            f"{''.join(', ' + v for v in values)}"
            f" FROM generate_series(1, {entries}) AS i"
        )
        given = {
            "supplier_id",
            "edition_code",
            "status",
            "offers",
            "consent_publication",
            "region_id",
            "email",
            "phone",
            "decision_protocol",
            "decision_protocol_url",
        }
        extra, values = _fill_required(cursor, "suppliers_application", given)
        cursor.execute(
            f"INSERT INTO suppliers_application (supplier_id, edition_code, status, offers,"
            f" consent_publication, region_id, email, phone, decision_protocol,"
            f" decision_protocol_url{''.join(', ' + c for c in extra)})"
            f" SELECT s.id, '2022', 'approved', ARRAY['technical_aids'], true, s.region_id,"
            f" 'sales' || s.id || '@example.kz', '+77172123456', '№ 1/2025 (01.03.2025)',"
            f" '/protocols/1/'{''.join(', ' + v for v in values)}"
            f" FROM suppliers_supplier s"
        )
        given = {"application_id", "classifier_item_id", "characteristics", "price", "unit"}
        extra, values = _fill_required(cursor, "suppliers_offering", given)
        cursor.execute(
            f"INSERT INTO suppliers_offering (application_id, classifier_item_id,"
            f" characteristics, price, unit{''.join(', ' + c for c in extra)})"
            f" SELECT a.id, {leaf_array}[1 + a.id % {len(leaves)}], 'Adjustable', 450000, 'piece'"
            f"{''.join(', ' + v for v in values)} FROM suppliers_application a"
        )
        # The entries' trigger reads the suppliers, applications and offerings just loaded: let
        # the planner know their size before it plans those reads (once, for the whole insert).
        cursor.execute("ANALYZE suppliers_supplier, suppliers_application, suppliers_offering")
        cursor.execute(
            "INSERT INTO registers_registerentry (supplier_id, register, edition_code,"
            " region_id, application_id, admitted_on, admission_protocol, deregistered_on,"
            " deregistration_protocol, deregistration_ground, deregistration_protocol_url,"
            " name, identifier, kinds)"
            " SELECT a.supplier_id, 'technical_aids', '2022', a.region_id, a.id,"
            " date '2024-01-01' + (a.id % 600)::int, '№ 1/2025 (01.03.2025)',"
            " CASE WHEN a.id % 50 = 0 THEN date '2025-10-01' END, '', '', '', '', '', '{}'"
            " FROM suppliers_application a"
        )
        cursor.execute("ANALYZE")


async def _measure(base: str, paths: list[str], *, seconds: float, clients: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker(number: int) -> None:
            nonlocal errors
            index = number
            while time.perf_counter() < deadline:
                path = paths[index % len(paths)]
                index += clients
                started = time.perf_counter()
                response = await client.get(path)
                await response.aread()
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        wall = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": errors,
    }


def _worker_rss_kb(master: int) -> dict[int, int]:
    found = {}
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", status, re.M):
            found[int(child.name)] = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    return found


def _page_50_path(base: str, query: str) -> str:
    """The address of page 50, followed from page 1 through the next links (keyset)."""
    import httpx

    path = f"/registers/technical_aids/?{query}"
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(49):
            page = client.get(path).text
            match = re.search(r'rel="next" href="([^"]+)"', page)
            if not match:
                raise SystemExit(f"fewer than 50 pages for {query}")
            path = match.group(1).replace("&amp;", "&")
    return path


def profile_search(repeat: int = 50) -> None:
    """One search request (name + kind filter, page 50) in-process with the test client, after a
    warm-up: the wall time per request, the SQL queries with their times, the template's share,
    and the functions that take the most time (cProfile)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.template import Template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        client = Client()
        path = "/registers/technical_aids/?q=ортопед&kind=G01&sort=name"
        for _ in range(49):
            page = client.get(path).content.decode()
            match = re.search(r'rel="next" href="([^"]+)"', page)
            assert match, "fewer than 50 pages"
            path = match.group(1).replace("&amp;", "&")
        for _ in range(5):
            client.get(path)
        started = time.perf_counter()
        for _ in range(repeat):
            client.get(path)
        wall = (time.perf_counter() - started) / repeat * 1000
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(f"\nsearch page 50 in-process: {wall:.1f} ms a request; {len(queries)} queries:")
        for query in queries.captured_queries:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
        render_time = 0.0
        original = Template.render

        def timed(self, context):
            nonlocal render_time
            begun = time.perf_counter()
            try:
                return original(self, context)
            finally:
                if self.origin and "registers/register.html" in str(self.origin.name):
                    render_time += time.perf_counter() - begun

        Template.render = timed  # type: ignore[method-assign]
        try:
            for _ in range(repeat):
                client.get(path)
        finally:
            Template.render = original  # type: ignore[method-assign]
        print(f"template registers/register.html: {render_time / repeat * 1000:.1f} ms a request")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="only profile one search request in-process (queries, template, the rest)",
    )
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        settings.DATABASES["default"]["NAME"] + "_bench_registers"
    )
    print("Creating the scratch database …", flush=True)
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    try:
        started = time.perf_counter()
        print(f"Loading {args.entries:,} register entries …", flush=True)
        load(args.entries)
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
        if args.profile:
            profile_search()
            return
        db = settings.DATABASES["default"]
        url = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}"
            f"/{database}"
        )
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench.registers_settings",
            "PYTHONPATH": str(ROOT),
            "CONN_MAX_AGE": "600",
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
            "REGISTERS_RATE_LIMIT": str(10**9),
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        connection.close()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(100):
            try:
                httpx.get(base + "/bench/trivial/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        search = _page_50_path(base, "q=ортопед&kind=G01&sort=name")
        with httpx.Client(base_url=base) as client:
            page = client.get("/registers/technical_aids/?q=береке").text
        entry_paths = sorted(set(re.findall(r'href="(/registers/entries/\d+/)"', page)))
        scenarios = {
            "ceiling: trivial view": ["/bench/trivial/"],
            "search: name + filter, page 50": [search],
            "entry page": entry_paths,
            "JSON API, 100 entries": [
                "/api/registers/v1/registers/technical_aids/entries?limit=100&q=жол"
            ],
        }
        results = {}
        for label, paths in scenarios.items():
            asyncio.run(_measure(base, paths, seconds=1, clients=args.clients))  # warm up
            print(f"Measuring: {label} …", flush=True)
            results[label] = asyncio.run(
                _measure(base, paths, seconds=args.seconds, clients=args.clients)
            )
        before = _worker_rss_kb(server.pid)
        started = time.perf_counter()
        rows = 0
        with httpx.stream("GET", base + "/registers/technical_aids/export.csv", timeout=120) as r:
            for _line in r.iter_lines():
                rows += 1
        csv_seconds = time.perf_counter() - started
        after = _worker_rss_kb(server.pid)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        connection.creation.destroy_test_db(database, verbosity=0)
    _report(results, csv_seconds=csv_seconds, rows=rows - 1, before=before, after=after)


def _report(results: dict, *, csv_seconds: float, rows: int, before: dict, after: dict) -> None:
    ceiling = results["ceiling: trivial view"]["rps"]
    print()
    print(
        f"{'scenario':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}"
        f"{'errors':>8}"
    )
    for label, r in results.items():
        print(
            f"{label:<34}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
            f"{r['rps'] / ceiling:>8.0%}{r['errors']:>8}"
        )
    search = results["search: name + filter, page 50"]
    growth = {pid: (after.get(pid, 0) - kb) // 1024 for pid, kb in before.items()}
    print()
    print(
        f"CSV export of the whole register: {rows:,} rows in {csv_seconds:.2f} s; workers' "
        f"RSS before → after (MB): "
        + ", ".join(f"{before[p] // 1024} → {after.get(p, 0) // 1024}" for p in before)
    )
    ok_search = (
        search["rps"] / ceiling >= TARGET_SEARCH_RATIO and search["p95"] <= TARGET_SEARCH_P95_MS
    )
    ok_csv = csv_seconds <= TARGET_CSV_SECONDS and max(growth.values(), default=0) < 50
    print(
        f"search target (≥ {TARGET_SEARCH_RATIO:.0%} of the ceiling, p95 ≤ "
        f"{TARGET_SEARCH_P95_MS:.0f} ms): {'met' if ok_search else 'NOT met'}; "
        f"CSV target (≤ {TARGET_CSV_SECONDS:.0f} s, flat memory): "
        f"{'met' if ok_csv else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
