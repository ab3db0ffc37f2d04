"""Benchmark of automatic deregistration (DER-2): ``make bench-deregistration``.

In a scratch database (``test_<name>``, created and dropped here): 100,000 registered suppliers
(approved application, open register entry, watched BIN), and a procurement register (sandbox
``rnu.jsonl``) listing 1,000 of them among 20,000 other BINs. The weekly sync of that register
runs; on its commit one Celery task per change event is sent (``deregistration.tasks``), and the
figure is the time from the sync run's end (``SyncRun.finished_at``) to the last deregistration
(the latest ``DeregistrationCase.closed_at``). Target on 2 cores: under 5 minutes (2022 p.20 allows
one working day).

``--mode worker`` (default): a real Celery worker (prefork, 2 processes) on the real Redis
(``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/11``) executes the tasks.
``--mode inline``: no broker; Celery runs each task in this process when it is sent (eager), one
after the other: the tasks' code path as the worker would run it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

TARGET_SECONDS = 5 * 60
REGISTER = "technical_aids"


def _bin(n: int) -> str:
    """A valid, distinct BIN for each serial below 2,500,000 (ID-1)."""
    from portal.identifiers import control_digit

    yymm = f"{(n // 100_000) % 25:02d}{(n // 100_000) // 25 % 12 + 1:02d}"
    for attribute in "0123456789":
        first = f"{yymm}4{attribute}{n % 100_000:05d}"
        digit = control_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError(n)


def load_suppliers(*, count: int) -> list[str]:
    """``count`` registered legal entities, as the commission's publication leaves them."""
    import datetime

    from egov_gateway.models import WatchedIdentifier
    from portal.models import Region
    from registers.models import RegisterEntry
    from suppliers.models import Application, Supplier

    region, _created = Region.objects.get_or_create(
        kato="710000000",
        defaults={"kind": "city", "name_kk": "Астана", "name_ru": "Астана", "name_en": "Astana"},
    )
    admitted = datetime.date(2025, 3, 3)
    identifiers = [_bin(n) for n in range(count)]
    batch = 5000
    for start in range(0, count, batch):
        chunk = identifiers[start : start + batch]
        suppliers = Supplier.objects.bulk_create(
            Supplier(kind="legal_entity", identifier=b, name=f"ТОО «Поставщик {b}»", region=region)
            for b in chunk
        )
        applications = Application.objects.bulk_create(
            Application(
                supplier=s,
                edition_code="2022",
                offers=["technical_aids"],
                status="approved",
                decided_on=admitted,
                decision_protocol="№ 1/2025 (03.03.2025)",
                email=f"s{s.identifier}@example.kz",
                language="ru",
                region=region,
            )
            for s in suppliers
        )
        RegisterEntry.objects.bulk_create(
            RegisterEntry(
                supplier=a.supplier,
                register=REGISTER,
                edition_code="2022",
                region=region,
                application=a,
                admitted_on=admitted,
                admission_protocol=a.decision_protocol,
            )
            for a in applications
        )
        WatchedIdentifier.objects.bulk_create(
            WatchedIdentifier(identifier=b, kind="legal_entity") for b in chunk
        )
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "suppliers_supplier",
            "suppliers_application",
            "registers_registerentry",
            "egov_gateway_watchedidentifier",
        ):
            cursor.execute(f"ANALYZE {table}")  # as autovacuum would
    return identifiers


def write_register(directory: Path, *, listed: list[str], others: int, first_other: int) -> None:
    with (directory / "rnu.jsonl").open("w", encoding="utf-8") as out:
        bins = listed + [_bin(first_other + n) for n in range(others)]
        for pid, biin in enumerate(bins):
            item = {
                "id": f"{pid:09d}",
                "pid": pid,
                "supplier_biin": biin,
                "supplier_innunp": "",
                "supplier_name_ru": f"ТОО «{biin}»",
                "supplier_name_kz": f"«{biin}» ЖШС",
                "kato_list": ["710000000"],
                "index_date": "2026-11-20",
                "system_id": 3,
            }
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


def start_worker(
    *, database_url: str, redis_url: str, log: Path, concurrency: int = 2
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "portal",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "WARNING",
    ]
    return subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(redis_url: str, *, timeout: float = 60) -> None:
    from celery import Celery

    app = Celery(broker=redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise SystemExit("the Celery worker did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--listed", type=int, default=1_000)
    parser.add_argument("--others", type=int, default=20_000)
    parser.add_argument("--mode", choices=("worker", "inline"), default="worker")
    args = parser.parse_args()

    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    if args.mode == "worker":
        os.environ["REDIS_URL"] = redis_url  # before Django reads its settings: tasks go out
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max

    from deregistration.models import DeregistrationCase, StateEventOutcome
    from egov_gateway.sync import sync_source

    print("Creating the scratch database …", flush=True)
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    worker = None
    try:
        started = time.perf_counter()
        identifiers = load_suppliers(count=args.suppliers)
        print(
            f"  {args.suppliers:,} registered suppliers loaded in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        step = max(1, args.suppliers // args.listed)
        listed = identifiers[::step][: args.listed]
        with tempfile.TemporaryDirectory(prefix="bench-dereg-") as tmp:
            directory = Path(tmp)
            write_register(directory, listed=listed, others=args.others, first_other=args.suppliers)
            settings.STATE_SOURCES_BACKEND = "sandbox"
            settings.SANDBOX_STATE_DIR = str(directory)
            if args.mode == "worker":
                from portal.celery import app

                app.control.purge()
                log = directory / "worker.log"
                worker = start_worker(
                    database_url=common.database_url(connection.settings_dict),
                    redis_url=redis_url,
                    log=log,
                )
                wait_ready(redis_url)
                print("  Celery worker ready (prefork, 2 processes, Redis broker)", flush=True)
            print(f"Syncing the register ({len(listed) + args.others:,} items) …", flush=True)
            sync_started = time.perf_counter()
            run = sync_source(source="rnu", trigger="benchmark")
            sent = time.perf_counter()
            if run.status != "succeeded":
                raise SystemExit(f"the run failed: {run.errors}")
            events = run.counts["events"]
            deadline = time.monotonic() + 20 * 60
            while StateEventOutcome.objects.filter(event__run=run).count() < events:
                if time.monotonic() > deadline:
                    raise SystemExit("not every event was acted on within 20 minutes")
                if worker is not None and worker.poll() is not None:
                    raise SystemExit(f"the worker stopped: {log.read_text()[-2000:]}")
                time.sleep(0.5)
            run.refresh_from_db()
            cases = DeregistrationCase.objects.filter(sync_run=run)
            deregistered = cases.filter(status="deregistered").count()
            last = cases.aggregate(last=Max("closed_at"))["last"]
            figure = (last - run.finished_at).total_seconds()
            if worker is not None:
                errors = [line for line in log.read_text().splitlines() if "ERROR" in line]
                if errors:
                    print("\n".join(errors[:10]))
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        connection.close()
        connection.creation.destroy_test_db(database, verbosity=0)

    print()
    mode = (
        "real Celery worker (prefork ×2) on Redis"
        if args.mode == "worker"
        else "tasks' code path run inline in one process"
    )
    print(f"mode: {mode}")
    print(
        f"sync of the register: {sent - sync_started:.1f} s, "
        f"{events:,} change events, {deregistered:,} suppliers deregistered"
    )
    print(
        f"from the sync's end to the last deregistration: {figure:.1f} s "
        f"({deregistered / figure if figure else 0:,.1f} per second); target < {TARGET_SECONDS} s"
        f"{'' if figure < TARGET_SECONDS and deregistered == args.listed else '  MISSED'}"
    )


if __name__ == "__main__":
    main()
