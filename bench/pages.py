"""Benchmark of the portal's pages (issue 12): ``make bench-pages``.

In a scratch database (``test_<name>``, created and dropped here) it loads demo data at two sizes:
a supplier whose draft has 1 offering, address and specialist, and one whose draft has 100 of
each (both complete, Annex 1 prepared), with a signed-in session for each. It then serves the
portal with gunicorn (production settings, ``bench/pages_site.py``; 2 sync workers) on loopback
and measures each page with a bounded load generator — wrk when it is installed, otherwise
threads of keep-alive ``http.client`` connections — alternating, slot by slot, with a trivial
Django view through the same stack (the ceiling). Prints req/s, p50, p95, p99, the ceiling's
req/s measured beside it and the ratio, against the targets of issue 12 (item 3):

* home and public pages ≥ 40 % of the ceiling; cabinet pages ≥ 20 %;
* the offerings section with 100 rows ≥ 10 %; the sign page p50 ≤ 300 ms.

The load generator runs on the same machine as the server; with the Python client the ceiling is
partly the client's own limit (the README says which client made the figures).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The repository's root is on the path only from here (``bench/`` shadows the ``registers`` app).
from bench.common import (  # noqa: E402
    CEILING,
    Run,
    database_url,
    free_port,
    get,
    load,
    start_server,
    supplier_draft,
)

SMALL_BIN, LARGE_BIN = "100440000014", "090540000013"
# The drafts loaded (application and user ids by size), edited by ``first_visits_after_edit``.
DRAFTS: dict[str, tuple[int, int]] = {}


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    session: str  # "", "small" (1 row) or "large" (100 rows)
    target_ratio: float | None = None
    target_p50_ms: float | None = None


PAGES = [
    Page("home", "/", "", target_ratio=0.40),
    Page("EDS sign-in", "/eds/sign-in/", "", target_ratio=0.40),
    Page("task list", "/cabinet/application/", "small", target_ratio=0.20),
    Page("contacts section", "/cabinet/application/section/contacts/", "small", 0.20),
    Page("offerings, 1 row", "/cabinet/application/section/offerings/", "small", 0.20),
    Page("offerings, 100 rows", "/cabinet/application/section/offerings/", "large", 0.10),
    Page("check answers, 1 row", "/cabinet/application/check-answers/", "small", 0.20),
    Page("check answers, 100", "/cabinet/application/check-answers/", "large", 0.20),
    Page("sign page, 1 row", "/cabinet/application/sign/", "small", target_p50_ms=300),
    Page("sign page, 100 rows", "/cabinet/application/sign/", "large", target_p50_ms=300),
]


# --- the data ------------------------------------------------------------------------------------


def load_data(private_dir: Path) -> dict[str, str]:
    """The two suppliers with their complete drafts; returns the session keys by size."""
    from django.conf import settings

    from portal.editions import Offer
    from suppliers import services
    from tests.suppliers.factories import add_rows

    settings.PRIVATE_MEDIA_ROOT = private_dir
    sessions = {}
    for size, bin_, rows in (("small", SMALL_BIN, 1), ("large", LARGE_BIN, 100)):
        draft = supplier_draft(
            identifier=bin_, offers=(Offer.TECHNICAL_AIDS, Offer.SPECIAL_SOCIAL_SERVICES)
        )
        add_rows(draft.application, rows)
        for language in services.ANNEX_LANGUAGES:
            services.prepare_annex(
                application=draft.application, language=language, user=draft.user
            )
        sessions[size] = draft.session_key
        DRAFTS[size] = (draft.application.pk, draft.user.pk)
    return sessions


# --- the report ---


def measure(port: int, sessions: dict[str, str], args) -> list[tuple[Page, Run, Run]]:
    results = []
    for page in PAGES:
        if args.only and args.only.lower() not in page.label.lower():
            continue
        key = sessions.get(page.session, "")
        status, body = get(port, page.path, key)
        if status != 200:
            raise SystemExit(f"{page.label}: {page.path} answered {status}")
        for _ in range(args.warmup):  # every worker renders the page once before timing
            get(port, page.path, key)
        measured, ceiling = Run(), Run()
        for _round in range(args.rounds):
            ceiling.add(load(port, CEILING, key, seconds=args.seconds, connections=args.c))
            measured.add(load(port, page.path, key, seconds=args.seconds, connections=args.c))
        results.append((page, measured, ceiling))
        print(
            f"  {page.label:<24} {measured.rate:8.1f} req/s  (ceiling {ceiling.rate:7.1f})",
            flush=True,
        )
    return results


def first_visits_after_edit(port: int, sessions: dict[str, str], *, edits: int) -> None:
    """The sign page's first visit after each edit (issue 9, item 8; issue 12, item 3).

    Each edit saves the contacts section through the service, as the page does; its commit
    starts the task that forms Annex 1 in both languages (``suppliers.tasks.prepare_annexes``),
    which this process runs as the worker would (eagerly, timed: "edit → form ready"). Then the
    sign page is asked once, as the supplier's first visit after the edit, and timed."""
    from portal.celery import app
    from portal.models import User
    from suppliers import services
    from suppliers.models import Application, Section

    app.conf.task_always_eager = True  # this process is the worker
    print()
    print(f"Sign page, first visit after an edit ({edits} edits per size)")
    print(f"{'size':<8}{'edit → form ready, median s':>30}{'first visit p50 ms':>20}{'max ms':>9}")
    for size in ("small", "large"):
        application_id, user_id = DRAFTS[size]
        user = User.objects.get(pk=user_id)
        ready, visits = [], []
        for n in range(edits):
            application = Application.objects.select_related("supplier").get(pk=application_id)
            started = time.perf_counter()
            services.save_section(
                application=application,
                section=Section.CONTACTS,
                data={
                    "mobile_phone": "+77011234567",
                    "email": f"edit{n}@bench.example",
                    "phone": "+77172123456",
                    "fax": "",
                    "website": "",
                },
                user=user,
            )
            ready.append(time.perf_counter() - started)
            started = time.perf_counter()
            status, _body = get(port, "/cabinet/application/sign/", sessions[size])
            visits.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"the sign page answered {status} after an edit")
        print(
            f"{size:<8}{statistics.median(ready):>30.2f}"
            f"{statistics.median(visits):>20.1f}{max(visits):>9.1f}"
        )


def report(results: list[tuple[Page, Run, Run]], *, client: str) -> None:
    print()
    print(f"Load generator: {client}")
    print(
        f"{'page':<24}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'ceiling':>9}{'ratio':>8}  target"
    )
    for page, run, ceiling in results:
        ratio = run.rate / ceiling.rate if ceiling.rate else 0.0
        if page.target_ratio is not None:
            met = ratio >= page.target_ratio
            target = f"≥ {page.target_ratio:.0%} of the ceiling: {'met' if met else 'MISSED'}"
        else:
            met = run.percentile(0.5) <= (page.target_p50_ms or 0)
            target = f"p50 ≤ {page.target_p50_ms:.0f} ms: {'met' if met else 'MISSED'}"
        errors = f"  ({run.errors} errors)" if run.errors else ""
        print(
            f"{page.label:<24}{run.rate:8.1f}{run.percentile(0.5):9.1f}"
            f"{run.percentile(0.95):9.1f}{run.percentile(0.99):9.1f}"
            f"{ceiling.rate:9.1f}{ratio:8.1%}  {target}{errors}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one slot")
    parser.add_argument("--rounds", type=int, default=2, help="ceiling/page slot pairs per page")
    parser.add_argument("-c", type=int, default=8, help="connections kept busy")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--warmup", type=int, default=4)
    parser.add_argument("--only", default="", help="only the pages whose label contains this")
    parser.add_argument("--edits", type=int, default=5, help="edits before a first sign visit")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    client = "wrk" if shutil.which("wrk") else f"Python http.client, {args.c} threads"
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
        private_dir = Path(scratch) / "private"
        print("Creating the scratch database and the demo data (1 and 100 rows) …", flush=True)
        database = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        server = None
        try:
            sessions = load_data(private_dir)
            url = database_url(connection.settings_dict)
            connection.close()
            port = free_port()
            print(f"Serving with gunicorn ({args.workers} workers) on 127.0.0.1:{port} …")
            server = start_server(port=port, url=url, private_dir=private_dir, workers=args.workers)
            results = measure(port, sessions, args)
            if not args.only or args.only.lower() in "sign page":
                first_visits_after_edit(port, sessions, edits=args.edits)
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            connection.close()
            connection.creation.destroy_test_db(database, verbosity=0)
    report(results, client=client)
    median = statistics.median(c.rate for _p, _r, c in results)
    print(f"\nCeiling (trivial Django view, same stack): median {median:.0f} req/s")


if __name__ == "__main__":
    main()
