"""Benchmark of the weekly state-data sync (SYNC-2): ``make bench-sync``.

Generates, in the sandbox format and in a temporary folder, a procurement register of 1,000,000
items (``rnu.jsonl``) and 100,000 registered suppliers (watched BINs/IINs), then times in a scratch
database (``test_<name>``, created and dropped here):

* a full sync of the register into empty tables,
* an unchanged re-run (the weekly run when nothing happened),
* for scale, the persons register asked about the watched natural persons,
* and, as the floor, a plain PostgreSQL COPY of the same file into a bare table.

Each timed step runs in its own process, so its peak RSS is its own. Targets (issue 12), against
the floor measured in the same run: full sync ≤ 3× the floor, unchanged re-run ≤ 1.5×, peak RSS
≤ 150 MB. Only the sync is timed: the deregistration that listens to its
``state_changes_recorded`` signal is disconnected here (``make bench-deregistration`` times it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

FLOOR = "plain COPY (floor)"
TARGETS = {"full sync": 3.0, "unchanged re-run": 1.5}  # times the floor
RSS_TARGET_MB = 150
NAMES = ["Медтехника", "Ортопед-Сервис", "Шипа", "Реабилитация", "Көмек", "Жол", "Денсаулық"]


def _setup_django(database: str | None = None) -> None:
    import django
    from django.conf import settings

    django.setup()
    if database:
        settings.DATABASES["default"]["NAME"] = database


def _iin(serial: int) -> str:
    """A valid IIN (ID-1), distinct for each serial below 8,400,000."""
    from portal.identifiers import control_digit

    day, month, year = serial % 28 + 1, serial // 28 % 12 + 1, 70 + serial // 336 % 25
    for salt in range(10):
        first = f"{year:02d}{month:02d}{day:02d}3{salt}{serial // 8400 % 1000:03d}"
        digit = control_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError(serial)


def generate(directory: Path, *, rows: int, watched: int) -> dict:
    """The register, the watched suppliers and the persons register, in the sandbox format."""
    rng = random.Random(2026)
    distinct = int(rows * 0.9)  # about one supplier in ten is listed twice
    bins = [_unique_bin(n) for n in range(distinct)]
    with (directory / "rnu.jsonl").open("w", encoding="utf-8") as out:
        for pid in range(rows):
            biin = bins[pid] if pid < distinct else bins[rng.randrange(distinct)]
            item = {
                "id": f"{pid:09d}",
                "pid": pid,
                "supplier_biin": biin,
                "supplier_innunp": "",
                "supplier_name_ru": f"ТОО «{rng.choice(NAMES)} {pid}»",
                "supplier_name_kz": f"«{rng.choice(NAMES)} {pid}» ЖШС",
                "kato_list": [rng.choice(["710000000", "750000000", "790000000"])],
                "index_date": f"20{rng.randint(15, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "system_id": 3,
            }
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    # Registered suppliers: 70% legal entities (1 in 10 of them listed), the rest persons.
    entities = int(watched * 0.7)
    listed_entities = rng.sample(bins, entities // 10)
    unlisted = [_unique_bin(distinct + n) for n in range(entities - len(listed_entities))]
    persons = [_iin(n) for n in range(watched - entities)]
    with (directory / "watched.tsv").open("w") as out:
        for identifier in listed_entities + unlisted:
            out.write(f"{identifier}\tlegal_entity\n")
        for n, identifier in enumerate(persons):
            kind = "individual_entrepreneur" if n % 3 else "individual_assistant"
            out.write(f"{identifier}\t{kind}\n")
    records = {
        iin: {
            "iin": iin,
            "surname": "Тестов",
            "first_name": "Тест",
            "patronymic": "",
            "birth_date": None,
            "legal_address": "г. Астана",
            "deceased_on": "2026-11-01" if n % 100 == 0 else None,
            "is_deceased": n % 100 == 0,
        }
        for n, iin in enumerate(persons)
    }
    (directory / "gbd_fl.json").write_text(json.dumps({"records": records}, ensure_ascii=False))
    return {"rows": rows, "distinct": distinct, "watched": watched, "persons": len(persons)}


def _unique_bin(n: int) -> str:
    # Distinct serials give distinct BINs: the serial fills the five digits and the year/month.
    from portal.identifiers import control_digit

    yymm = f"{(n // 100_000) % 25:02d}{(n // 100_000) // 25 % 12 + 1:02d}"
    for attribute in "0123456789":
        first = f"{yymm}4{attribute}{n % 100_000:05d}"
        digit = control_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError(n)


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited through
    fork and exec from the parent that generated the data)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, *, database: str, directory: Path) -> dict:
    """One timed step, in this (child) process."""
    _setup_django(database)
    from django.conf import settings
    from django.db import connection

    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(directory)
    settings.STATE_SYNC_PROGRESS_EVERY = 250_000
    if os.environ.get("BENCH_SYNC_TRACE"):  # each SQL statement's time, on stderr
        import logging

        logging.basicConfig(stream=sys.stderr, format="    %(message)s")
        logging.getLogger("egov_gateway.sync_sql").setLevel(logging.DEBUG)
    if name == "floor":
        connection.ensure_connection()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE copy_floor (payload jsonb)")
            with (
                (directory / "rnu.jsonl").open("rb") as source,
                cursor.cursor.copy("COPY copy_floor (payload) FROM STDIN") as copy,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            cursor.execute("SELECT count(*) FROM copy_floor")
            (rows,) = cursor.fetchone()
        return {"wall": time.perf_counter() - started, "rows": rows, "rss": _peak_rss_mb()}

    from egov_gateway.sync import state_changes_recorded, sync_source

    # The sync alone: deregistration's own receiver would run its tasks eagerly in this process.
    state_changes_recorded.disconnect(dispatch_uid="deregistration.send_tasks_for_run")
    source = "gbd_fl" if name == "persons" else "rnu"

    def progress(source: str, fetched: int) -> None:
        print(f"    {source}: {fetched:,} rows fetched", file=sys.stderr, flush=True)

    started = time.perf_counter()
    run = sync_source(source=source, trigger="benchmark", progress=progress)
    wall = time.perf_counter() - started
    if run.status != "succeeded":
        raise SystemExit(f"{name}: the run failed: {run.errors}")
    return {
        "wall": wall,
        "rows": run.counts["fetched"],
        "rss": _peak_rss_mb(),
        "counts": run.counts,
    }


def _run_child(name: str, *, database: str, directory: Path) -> dict:
    command = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--database",
        database,
        "--dir",
        str(directory),
    ]
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _load_watched(directory: Path) -> None:
    from django.db import connection

    statement = "COPY egov_gateway_watchedidentifier (identifier, kind, added_at) FROM STDIN"
    with (
        connection.cursor() as cursor,
        (directory / "watched.tsv").open() as source,
        cursor.cursor.copy(statement) as copy,
    ):
        for line in source:
            identifier, kind = line.rstrip("\n").split("\t")
            copy.write_row((identifier, kind, "2026-01-01T00:00:00+05:00"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE egov_gateway_watchedidentifier")  # as autovacuum would


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--watched", type=int, default=100_000)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, database=args.database, directory=args.dir)))
        return

    _setup_django()
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        directory = Path(tmp)
        print(
            f"Generating {args.rows:,} register items and {args.watched:,} registered "
            f"suppliers in {directory} …",
            flush=True,
        )
        started = time.perf_counter()
        sizes = generate(directory, rows=args.rows, watched=args.watched)
        size_mb = (directory / "rnu.jsonl").stat().st_size / 2**20
        print(
            f"  done in {time.perf_counter() - started:.1f} s ({size_mb:.0f} MB of JSON Lines, "
            f"{sizes['distinct']:,} distinct BINs)"
        )
        print("Creating the scratch database …", flush=True)
        database = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            _load_watched(directory)
            connection.close()
            results = {}
            for name, label in (
                ("full", "full sync"),
                ("rerun", "unchanged re-run"),
                ("persons", "persons register"),
                ("floor", FLOOR),
            ):
                print(f"Timing: {label} …", flush=True)
                results[label] = _run_child(name, database=database, directory=directory)
                if name == "full":
                    # A week passes before the next run: autovacuum has visited the 900,000
                    # new rows by then (hint bits, visibility map). Not timed.
                    with connection.cursor() as cursor:
                        cursor.execute("VACUUM ANALYZE egov_gateway_statelisting")
                    connection.close()
        finally:
            connection.creation.destroy_test_db(database, verbosity=0)
    _report(results, sizes)


def _report(results: dict, sizes: dict) -> None:
    print()
    floor = results[FLOOR]["wall"]
    print(
        f"{'step':<22}{'rows':>11}{'wall s':>9}{'× floor':>9}{'rows/s':>11}{'peak RSS MB':>13}"
        "  target"
    )
    worst = True
    for label, r in results.items():
        target = TARGETS.get(label)
        ratio = r["wall"] / floor
        within = (target is None or ratio <= target) and r["rss"] <= RSS_TARGET_MB
        worst = worst and within
        target_text = f"≤ {target}× floor, ≤ {RSS_TARGET_MB} MB" if target else ""
        print(
            f"{label:<22}{r['rows']:>11,}{r['wall']:>9.1f}{ratio:>9.2f}"
            f"{r['rows'] / r['wall']:>11,.0f}{r['rss']:>13.0f}  {target_text}"
            f"{'' if within else '  MISSED'}"
        )
    full = results["full sync"]["counts"]
    print(
        f"\nfull sync: {full['listed']:,} listed, {full['events']:,} change events for "
        f"registered suppliers; re-run: {results['unchanged re-run']['counts']['events']} events"
    )
    print(
        f"persons register: {sizes['persons']:,} watched persons asked, "
        f"{results['persons register']['counts']['events']:,} deaths reported"
    )
    print("All targets met." if worst else "Some targets were missed.")


if __name__ == "__main__":
    main()
