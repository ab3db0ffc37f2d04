"""Parallel work under load (issue 15, item 3): ``make bench-load``.

In a scratch database (``test_<name>``, created and dropped here) every region (20) gets a
commission through the services (``form_composition``: 7 members and a secretary by default), a
meeting with agenda items (submitted applications), attendance recorded (one member absent), the
meeting opened and a proposal put on each item. A test PKI holds every member's and secretary's
keys; the server trusts it as it would trust NCA's roots (``EDS_TRUSTED_ROOTS`` …), so every
signature below is real and verified by the server.

Then the portal is served by gunicorn (production settings, ``bench/pages_site.py``; 2 sync
workers) on loopback, with a real Celery worker on Redis (``BENCH_REDIS_URL``, default
``redis://127.0.0.1:6379/11``), and, all at once, over HTTP as browsers do (session cookie, the
CSRF token of the form shown, the exact bytes the page shows signed with the person's key):

* each region's commission decides its items one after the other: every present member opens the
  vote page, chooses, signs the vote document shown (a few members at once; the first posts the
  signed vote twice at once, as a double click does), the chair closes the item, the secretary
  forms the protocol, every required signer signs its PDF (a few at once), the secretary
  publishes it;
* suppliers save the contacts section of their drafts again and again;
* the public searches the registers and lists the published protocols.

Afterwards it checks, and exits non-zero when any check fails: no answer other than the one
expected (errors = 0); each item has exactly one vote of each present member and its tally
equals its vote rows (no lost or double vote); the protocol numbers of each commission and year
are 1..N (no gap, no duplicate); no deadlock (``pg_stat_database.deadlocks`` of the scratch
database did not grow); the audit chain verifies (``verify_audit``). It prints req/s, p50 and p95
per action and the ceiling: a trivial Django view through the same stack, measured before and
after the load in the same run.
"""

from __future__ import annotations

import argparse
import base64
import html
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The repository's root is on the path only from here (``bench/`` shadows the ``registers`` app).
from bench import common  # noqa: E402
from bench.deregistration import start_worker, wait_ready  # noqa: E402

LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
CONTACTS = "/cabinet/application/section/contacts/"
SEARCHES = (
    ("public: register search", "/registers/technical_aids/?q=Supplier"),
    ("public: register search", "/registers/technical_aids/?q=%D0%BE%D1%80%D1%82&sort=name"),
    ("public: register search", "/registers/special_social_services_organisations/?q=Supplier"),
    ("public: registers", "/registers/"),
    ("public: protocols list", "/protocols/"),
)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SIGNED_DATA = re.compile(r'data-eds-data="([^"]*)"')
_PROTOCOL = re.compile(r"/workspace/protocols/(\d+)/")


# --- the browsers --------------------------------------------------------------------------------


class Stats:
    """Every request's time and outcome, by action, from every thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.runs: dict[str, common.Run] = defaultdict(common.Run)
        self.failures: list[str] = []

    def record(self, action: str, seconds: float, *, ok: bool, failure: str = "") -> None:
        with self._lock:
            run = self.runs[action]
            run.latencies.append(seconds)
            if ok:
                run.requests += 1
            else:
                self._count_failure(action, failure)

    def fail(self, action: str, failure: str) -> None:
        with self._lock:
            self._count_failure(action, failure)

    def _count_failure(self, action: str, failure: str) -> None:
        self.runs[action].errors += 1
        self.failures.append(f"{action}: {failure}")

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs.values())


class Unexpected(Exception):
    """An answer other than the one a browser expects here (recorded as an error)."""


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    location: str


class Browser:
    """One person's browser tab: its own connection, the cookies the portal sets, and the CSRF
    token of the last form shown, posted back with the form's fields as a browser does."""

    def __init__(self, port: int, stats: Stats, session_key: str = "") -> None:
        self.port, self.stats = port, stats
        self.cookies = {"sessionid": session_key} if session_key else {}
        self.form_token = ""
        self._connection: http.client.HTTPConnection | None = None

    def tab(self) -> Browser:
        """A second tab of the same browser: the same cookies and form, its own connection."""
        other = Browser(self.port, self.stats)
        other.cookies, other.form_token = dict(self.cookies), self.form_token
        return other

    def get(self, action: str, path: str, *, expect: Sequence[int] = (200,)) -> Answer:
        return self.request(action, "GET", path, None, expect=expect)

    def post(
        self,
        action: str,
        path: str,
        fields: dict[str, str] | None = None,
        *,
        expect: Sequence[int] = (302,),
    ) -> Answer:
        body = urlencode({**(fields or {}), "csrfmiddlewaretoken": self.form_token})
        return self.request(action, "POST", path, body, expect=expect)

    def request(
        self, action: str, method: str, path: str, body: str | None, *, expect: Sequence[int]
    ) -> Answer:
        sent = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Language": "ru"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = "https://127.0.0.1"
            sent["Referer"] = f"https://127.0.0.1{path}"
        started = time.perf_counter()
        try:
            connection = self._connection or http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=120
            )
            self._connection = connection
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.stats.record(
                action,
                time.perf_counter() - started,
                ok=False,
                failure=f"{method} {path}: {error!r}",
            )
            raise Unexpected(action) from error
        seconds = time.perf_counter() - started
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        answer = Answer(response.status, data.decode("utf-8", "replace"), _location(response))
        ok = answer.status in expect
        failure = "" if ok else f"{method} {path} answered {answer.status}: {_gist(answer.text)}"
        self.stats.record(action, seconds, ok=ok, failure=failure)
        if not ok:
            raise Unexpected(action)
        token = _CSRF.search(answer.text)
        if token:
            self.form_token = html.unescape(token.group(1))
        return answer

    def _keep_cookies(self, headers: Iterable[str]) -> None:
        for header in headers:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _location(response: http.client.HTTPResponse) -> str:
    location = response.getheader("Location", "") or ""
    return location.removeprefix("https://127.0.0.1")


def _gist(text: str) -> str:
    """A few words of a page: its error summary or title, else its start."""
    for pattern in (r'role="alert"[^>]*>(.*?)</', r"<title>(.*?)</title>", r"^(.{0,200})"):
        found = re.search(pattern, text, re.DOTALL)
        if found and found.group(1).strip():
            return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())[:200]
    return ""


def signed_bytes(browser: Browser, action: str, answer: Answer) -> bytes:
    """The exact document a signing page shows and hands to NCALayer (``data-eds-data``)."""
    found = _SIGNED_DATA.search(answer.text)
    if not found:
        browser.stats.fail(action, f"no document to sign on the page: {_gist(answer.text)}")
        raise Unexpected(action)
    return base64.b64decode(html.unescape(found.group(1)))


# --- the people and what they do -----------------------------------------------------------------


@dataclass
class Person:
    user_id: int
    iin: str
    sign: Callable[[bytes], bytes] = field(repr=False)
    browser: Browser = field(repr=False)

    def cms(self, document: bytes) -> str:
        return base64.b64encode(self.sign(document)).decode()


@dataclass
class Commission:
    """One region's commission at its open meeting: who votes how on every item."""

    region: str
    chair: Person
    secretary: Person
    voters: list[tuple[Person, str]]  # each present member with their vote
    items: list[int]
    people: dict[int, Person]


def cast_vote(person: Person, item: int, choice: str, *, twice: bool) -> None:
    """Open the vote page, choose, sign the document shown, post it (``twice``: two posts of
    the same signed vote at once, as a double click sends them) and see the item."""
    browser = person.browser
    url = f"/workspace/items/{item}/vote/"
    browser.get("vote page", url)
    shown = browser.post("vote: choose", url, {"choice": choice}, expect=(200,))
    fields = {"choice": choice, "cms": person.cms(signed_bytes(browser, "vote: choose", shown))}
    if twice:
        done = _double_submit(browser, url, fields)
    else:
        done = browser.post("vote: sign", url, fields)
    browser.get("item page", done.location)


def _double_submit(browser: Browser, url: str, fields: dict[str, str]) -> Answer:
    """The same signed vote posted from two tabs at once: one is counted (redirect), the other
    refused on its page (200), never both counted."""
    action = "vote: sign, posted twice at once"
    tabs = [browser, browser.tab()]
    with ThreadPoolExecutor(2) as both:
        answers = list(both.map(lambda tab: tab.post(action, url, fields, expect=(200, 302)), tabs))
    tabs[1].close()
    if sorted(answer.status for answer in answers) != [200, 302]:
        statuses = [answer.status for answer in answers]
        browser.stats.fail(action, f"{url}: answered {statuses}, not one 302 and one 200")
        raise Unexpected(action)
    return next(answer for answer in answers if answer.status == 302)


def sign_protocol(person: Person, protocol: int) -> None:
    browser = person.browser
    url = f"/workspace/protocols/{protocol}/sign/"
    shown = browser.get("protocol sign page", url)
    cms = person.cms(signed_bytes(browser, "protocol sign page", shown))
    done = browser.post("sign protocol", url, {"cms": cms})
    browser.get("protocol page", done.location)


def decide_item(commission: Commission, item: int, pool: ThreadPoolExecutor) -> None:
    """Votes (a few members at once), close, protocol, signatures (a few at once), publish."""
    url = f"/workspace/items/{item}/"
    first = commission.voters[0][0]
    list(
        pool.map(
            lambda vote: cast_vote(vote[0], item, vote[1], twice=vote[0] is first),
            commission.voters,
        )
    )
    chair = commission.chair.browser
    chair.get("item page", url)
    chair.post("close item", url + "close/")
    chair.get("item page", url)
    office = commission.secretary.browser
    office.get("item page", url)
    formed = office.post("form protocol", url + "protocol/")
    office.get("protocol page", formed.location)
    number = _PROTOCOL.search(formed.location)
    if not number:
        office.stats.fail("form protocol", f"went to {formed.location!r}, not to a protocol")
        raise Unexpected("form protocol")
    protocol = int(number.group(1))
    signers = [commission.people[user_id] for user_id in required_signer_ids(protocol)]
    list(pool.map(lambda signer: sign_protocol(signer, protocol), signers))
    page = f"/workspace/protocols/{protocol}/"
    office.get("protocol page", page)
    office.post("publish protocol", page + "publish/")
    office.get("protocol page", page)


def required_signer_ids(protocol_id: int) -> list[int]:
    from commission.models import Protocol
    from commission.services.protocols import required_signers

    return [
        person.pk for person, _capacity in required_signers(Protocol.objects.get(pk=protocol_id))
    ]


def decide_all(commission: Commission, *, parallel: int, finished: dict[str, float]) -> None:
    from django.db import connections

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(parallel) as pool:
            for item in commission.items:
                decide_item(commission, item, pool)
        finished[commission.region] = time.perf_counter() - started
    except Unexpected:
        pass  # recorded where it happened; the checks after the run find what it left undone
    except Exception as error:  # a fault of this benchmark: an error of the run all the same
        commission.chair.browser.stats.fail("commission", f"{commission.region}: {error!r}")
    finally:
        connections.close_all()
        for person in commission.people.values():
            person.browser.close()


def edit_draft(browser: Browser, stop: threading.Event) -> None:
    """A supplier saves the contacts section again and again (each save: a new revision)."""
    edits = 0
    try:
        while not stop.is_set():
            browser.get("supplier: contacts section", CONTACTS)
            fields = {
                "mobile_phone": "+77011234567",
                "email": f"edit{edits}@bench.example",
                "phone": "+77172123456",
                "fax": "",
                "website": "",
                "action": "later",
            }
            saved = browser.post("supplier: save contacts", CONTACTS, fields)
            browser.get("supplier: page after saving", saved.location)
            edits += 1
    except Unexpected:
        pass
    finally:
        browser.close()


def search(browser: Browser, stop: threading.Event, start: int) -> None:
    """An anonymous visitor searches the registers and reads the published protocols."""
    turn = start
    try:
        while not stop.is_set():
            action, path = SEARCHES[turn % len(SEARCHES)]
            browser.get(action, path)
            turn += 1
    except Unexpected:
        pass
    finally:
        browser.close()


# --- the data ------------------------------------------------------------------------------------


def load_commissions(*, regions: int, members: int, absent: int, items: int) -> list[dict]:
    """Each region's commission with its meeting open and a proposal on each item, through the
    services (as ``tests/commission/helpers.py`` makes them); returns what the actors need."""
    from commission import selectors
    from commission.models import AgendaItem
    from egov_gateway.eds import oids
    from portal.models import Region
    from tests.commission.helpers import commission_of, open_meeting, proposed

    chosen = list(Region.objects.order_by("pk")[:regions])
    if len(chosen) < regions:
        raise SystemExit(f"only {len(chosen)} regions in the database")
    individual = [oids.ROLE_INDIVIDUAL]
    plans = []
    for region in chosen:
        composition = commission_of(region, size=members)
        commission = composition.commission
        meeting = open_meeting(commission, items=items, absent=absent)
        agenda = list(meeting.items.order_by("position"))
        edition = agenda[0].edition
        for n, item in enumerate(agenda):
            if n % 3 == 2:  # every third a refusal, with its reason
                reason = edition.refusal_reasons[0].code
                proposed(item, commission, AgendaItem.Proposal.REFUSE, [reason])
            else:
                proposed(item, commission)
        present = selectors.present_members(meeting)
        # One member votes against wherever the others still adopt the proposal.
        against = edition.decision_adopted(votes_for=len(present) - 1, total=members)
        people = [*selectors.members_of(composition), composition.secretary]
        plans.append(
            {
                "region": region.name_en,
                "chair": meeting.presided_by_id,
                "secretary": composition.secretary_id,
                "voters": [
                    (member.pk, "against" if against and n == len(present) - 1 else "for")
                    for n, member in enumerate(present)
                ],
                "items": list(meeting.items.order_by("position").values_list("pk", flat=True)),
                "people": {
                    person.pk: (
                        person.iin,
                        person.full_name,
                        common.signed_in_session(person, role_oids=individual),
                    )
                    for person in people
                },
            }
        )
    return plans


def build_pki(directory: Path, plans: list[dict], *, algorithm: str):
    from egov_gateway.eds.testpki import TestPerson, build_test_pki

    people = {
        iin: TestPerson(iin, full_name)
        for plan in plans
        for iin, full_name, _session in plan["people"].values()
    }
    return build_test_pki(
        directory, people.values(), algorithms=(algorithm,), base_url="http://127.0.0.1:9"
    )


def commissions_for(
    plans: list[dict], pki: Any, *, port: int, stats: Stats, algorithm: str
) -> list[Commission]:
    from egov_gateway.eds.signer import Purpose

    commissions = []
    for plan in plans:
        people = {}
        for user_id, (iin, _name, session_key) in plan["people"].items():
            key = pki.key_for(iin, Purpose.SIGN, algorithm=algorithm)
            people[user_id] = Person(
                user_id, iin, sign=key.sign, browser=Browser(port, stats, session_key)
            )
        commissions.append(
            Commission(
                region=plan["region"],
                chair=people[plan["chair"]],
                secretary=people[plan["secretary"]],
                voters=[(people[user_id], choice) for user_id, choice in plan["voters"]],
                items=plan["items"],
                people=people,
            )
        )
    return commissions


def trust_environment(pki: Any) -> dict[str, str]:
    """The server's environment for trusting the test PKI (its settings, as variables)."""
    values = {}
    for name, value in pki.settings_overrides().items():
        if isinstance(value, list | tuple):
            values[name] = ",".join(str(part) for part in value)
        else:
            values[name] = str(value)
    values["NCANODE_URL"] = ""
    return values


# --- the checks ----------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def check_votes(item_ids: list[int]) -> list[Check]:
    from commission.models import AgendaItem, Attendance, Vote

    lost = double = strangers = tallies = votes = 0
    for item in AgendaItem.objects.filter(pk__in=item_ids):
        present = set(
            Attendance.objects.filter(meeting_id=item.meeting_id, present=True).values_list(
                "member_id", flat=True
            )
        )
        rows = list(Vote.objects.filter(item=item).values_list("member_id", "choice"))
        voters = [member for member, _choice in rows]
        votes += len(rows)
        lost += len(present - set(voters))
        double += len(voters) - len(set(voters))
        strangers += len(set(voters) - present)
        counted = (
            sum(choice == "for" for _m, choice in rows),
            sum(choice == "against" for _m, choice in rows),
        )
        tallies += counted != (item.votes_for, item.votes_against)
    return [
        Check(
            "one vote per present member (no lost, no double)",
            lost == double == strangers == 0,
            f"{votes} votes on {len(item_ids)} items; lost {lost}, double {double}, "
            f"by someone not present {strangers}",
        ),
        Check("item tallies equal their vote rows", tallies == 0, f"{tallies} items differ"),
    ]


def check_protocols(item_ids: list[int], *, per_commission: int) -> list[Check]:
    from commission.models import AgendaItem, Protocol, ProtocolCounter
    from suppliers.models import Application

    protocols = Protocol.objects.filter(item_id__in=item_ids)
    problems = []
    for commission_id, year in protocols.values_list("commission_id", "year").distinct():
        numbers = sorted(
            protocols.filter(commission_id=commission_id, year=year).values_list(
                "number", flat=True
            )
        )
        counter = ProtocolCounter.objects.get(commission_id=commission_id, year=year)
        if numbers != list(range(1, per_commission + 1)) or counter.last_number != len(numbers):
            problems.append(f"commission {commission_id}/{year}: {numbers}")
    unpublished = protocols.exclude(status=Protocol.Status.PUBLISHED).count()
    undecided = (
        Application.objects.filter(
            pk__in=AgendaItem.objects.filter(pk__in=item_ids).values("application_id")
        )
        .exclude(status__in=[Application.Status.APPROVED, Application.Status.REFUSED])
        .count()
    )
    return [
        Check(
            "protocol numbers 1..N per commission and year (no gap, no duplicate)",
            not problems and protocols.count() == len(item_ids),
            f"{protocols.count()} protocols of {len(item_ids)} items"
            + (f"; {'; '.join(problems[:5])}" if problems else ""),
        ),
        Check(
            "every protocol published, every application decided",
            unpublished == undecided == 0,
            f"{unpublished} protocols not published, {undecided} applications undecided",
        ),
    ]


def check_audit(item_ids: list[int]) -> list[Check]:
    from commission.models import Vote
    from portal.audit.models import AuditEvent
    from portal.audit.verify import verify_chain

    chain = verify_chain()
    votes = Vote.objects.filter(item_id__in=item_ids).count()
    recorded = AuditEvent.objects.filter(action="vote.cast").count()
    return [
        Check(
            "audit chain verified (verify_audit)",
            chain.ok,
            f"{chain.events_verified} events verified"
            + ("" if chain.ok else f"; broken at {chain.broken_event_id}: {chain.problem}"),
        ),
        Check("one audit event per vote", recorded == votes, f"{recorded} for {votes} votes"),
    ]


def deadlocks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def wait_for_other_backends(timeout: float = 30) -> None:
    """Until the server's and the worker's connections are gone: a backend reports its
    counters (deadlocks among them) at the latest when it ends."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)


def checks_after(
    stats: Stats,
    item_ids: list[int],
    *,
    args: argparse.Namespace,
    deadlocks_grown: int,
    worker_errors: list[str],
) -> list[Check]:
    checks = [
        Check("every answer as expected", stats.errors == 0, f"{stats.errors} errors"),
        Check(
            "no deadlock",
            deadlocks_grown == 0,
            f"pg_stat_database.deadlocks grew by {deadlocks_grown}",
        ),
        *check_votes(item_ids),
        *check_protocols(item_ids, per_commission=args.items),
        *check_audit(item_ids),
    ]
    if args.celery:
        lines = "".join(f"\n        {line}" for line in worker_errors[:5])
        checks.append(
            Check(
                "Celery worker without errors",
                not worker_errors,
                f"{len(worker_errors)} error lines{lines}",
            )
        )
    return checks


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Phase:
    seconds: float = 0.0
    finished: dict[str, float] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


def run_load(
    commissions: list[Commission], drafts: list[str], *, port: int, stats: Stats, args
) -> Phase:
    stop = threading.Event()
    phase = Phase(load_before=os.getloadavg())
    background = [
        threading.Thread(target=edit_draft, args=(Browser(port, stats, key), stop))
        for key in drafts
    ] + [
        threading.Thread(target=search, args=(Browser(port, stats), stop, n))
        for n in range(args.public)
    ]
    regions = [
        threading.Thread(
            target=decide_all,
            args=(commission,),
            kwargs={"parallel": args.parallel, "finished": phase.finished},
        )
        for commission in commissions
    ]
    started = time.perf_counter()
    for thread in background + regions:
        thread.start()
    for thread in regions:
        thread.join()
    stop.set()
    for thread in background:
        thread.join()
    phase.seconds = time.perf_counter() - started
    phase.load_after = os.getloadavg()
    return phase


def report(
    stats: Stats, phase: Phase, ceilings: list[common.Run], checks: list[Check], args
) -> None:
    print()
    print(
        f"{args.regions} regions × {args.items} items, {args.members} members "
        f"({args.members - args.absent} present), {args.parallel} at once per commission; "
        f"{args.suppliers} suppliers, {args.public} public visitors; "
        f"gunicorn {args.workers} workers; Celery worker: {'yes' if args.celery else 'no'}"
    )
    total = common.Run(seconds=phase.seconds)
    print(f"{'action':<34}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for action in sorted(stats.runs):
        run = stats.runs[action]
        run.seconds = phase.seconds
        total.add(common.Run(run.requests, run.errors, 0.0, run.latencies))
        print(
            f"{action:<34}{run.requests:>9}{run.rate:>8.1f}{run.percentile(0.5):>9.0f}"
            f"{run.percentile(0.95):>9.0f}{run.errors:>8}"
        )
    print(
        f"{'all':<34}{total.requests:>9}{total.rate:>8.1f}{total.percentile(0.5):>9.0f}"
        f"{total.percentile(0.95):>9.0f}{total.errors:>8}"
    )
    slowest = max(phase.finished.values(), default=float("nan"))
    print(
        f"load phase {phase.seconds:.1f} s; the last commission done after {slowest:.1f} s "
        f"({len(phase.finished)} of {args.regions} finished)"
    )
    print(
        "load average (1/5/15 min) before "
        + " ".join(f"{v:.2f}" for v in phase.load_before)
        + ", after "
        + " ".join(f"{v:.2f}" for v in phase.load_after)
    )
    rates = " and ".join(f"{run.rate:.0f}" for run in ceilings)
    client = "wrk" if shutil.which("wrk") else f"Python http.client, {args.c} threads"
    print(
        f"ceiling (trivial Django view, same stack, before and after the load; {client}): "
        f"{rates} req/s"
    )
    for failure in stats.failures[:8]:
        print(f"  error: {failure}")
    print()
    for check in checks:
        print(f"{'ok    ' if check.ok else 'FAILED'}  {check.name}: {check.detail}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--members", type=int, default=7, help="members of each commission")
    parser.add_argument("--absent", type=int, default=1, help="members absent at each meeting")
    parser.add_argument("--items", type=int, default=3, help="agenda items of each meeting")
    parser.add_argument(
        "--parallel", type=int, default=3, help="votes or signatures of one item at once"
    )
    parser.add_argument("--suppliers", type=int, default=4, help="suppliers saving sections")
    parser.add_argument("--public", type=int, default=4, help="visitors searching the registers")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--algorithm", choices=("rsa", "ec"), default="rsa")
    parser.add_argument("--ceiling-seconds", type=float, default=3.0)
    parser.add_argument("-c", type=int, default=8, help="connections of the ceiling's load")
    parser.add_argument(
        "--no-celery",
        dest="celery",
        action="store_false",
        help="no Celery worker and no Redis: tasks run in the request",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    os.environ["EMAIL_BACKEND"] = LOCMEM_EMAIL
    os.environ.pop("REDIS_URL", None)  # this process sets up: its tasks run as it sends them

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        directory = Path(scratch)
        settings.PRIVATE_MEDIA_ROOT = directory / "private"
        print("Creating the scratch database, the commissions and the test PKI …", flush=True)
        database = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            started = time.perf_counter()
            plans = load_commissions(
                regions=args.regions, members=args.members, absent=args.absent, items=args.items
            )
            drafts = [common.supplier_draft().session_key for _ in range(args.suppliers)]
            pki = build_pki(directory / "pki", plans, algorithm=args.algorithm)
            print(f"  ready in {time.perf_counter() - started:.0f} s", flush=True)
            stats, phase, ceilings, checks = serve_and_load(
                args, plans, drafts, pki, directory=directory, redis_url=redis_url
            )
        finally:
            connection.close()
            connection.creation.destroy_test_db(database, verbosity=0)
    report(stats, phase, ceilings, checks, args)
    if not all(check.ok for check in checks):
        raise SystemExit(1)


def serve_and_load(
    args: argparse.Namespace,
    plans: list[dict],
    drafts: list[str],
    pki: Any,
    *,
    directory: Path,
    redis_url: str,
) -> tuple[Stats, Phase, list[common.Run], list[Check]]:
    """Serve the scratch database, measure the ceiling, run the load and check what it left."""
    from django.conf import settings
    from django.db import connection

    stats = Stats()
    url = common.database_url(connection.settings_dict)
    log = directory / "worker.log"
    server = worker = None
    try:
        if args.celery:
            worker = start_celery(url, redis_url, log)
        port = common.free_port()
        print(f"Serving with gunicorn ({args.workers} workers) on 127.0.0.1:{port} …")
        server = common.start_server(
            port=port,
            url=url,
            private_dir=settings.PRIVATE_MEDIA_ROOT,
            workers=args.workers,
            extra_env={
                **trust_environment(pki),
                # Without the worker no broker: the server runs each task in the request.
                "REDIS_URL": redis_url if args.celery else "",
                "EMAIL_BACKEND": LOCMEM_EMAIL,
            },
        )
        commissions = commissions_for(plans, pki, port=port, stats=stats, algorithm=args.algorithm)
        ceilings = [
            common.load(port, common.CEILING, "", seconds=args.ceiling_seconds, connections=args.c)
        ]
        before = deadlocks()
        connection.close()
        print("Load: commissions deciding, suppliers saving, the public searching …", flush=True)
        phase = run_load(commissions, drafts, port=port, stats=stats, args=args)
        if worker is not None:
            drain(redis_url)
        ceilings.append(
            common.load(port, common.CEILING, "", seconds=args.ceiling_seconds, connections=args.c)
        )
        worker_errors = stop(server, worker, log)
        server = worker = None
    finally:
        stop(server, worker, log)
    wait_for_other_backends()
    grown = deadlocks() - before
    item_ids = [item for plan in plans for item in plan["items"]]
    checks = checks_after(
        stats, item_ids, args=args, deadlocks_grown=grown, worker_errors=worker_errors
    )
    return stats, phase, ceilings, checks


def start_celery(url: str, redis_url: str, log: Path) -> subprocess.Popen:
    from celery import Celery

    Celery(broker=redis_url).control.purge()  # what an earlier run left
    worker = start_worker(database_url=url, redis_url=redis_url, log=log, concurrency=1)
    wait_ready(redis_url)
    print("  Celery worker ready (prefork, 1 process, Redis broker)", flush=True)
    return worker


def drain(redis_url: str, *, timeout: float = 180) -> None:
    """Until the worker has taken every task the load queued (Celery's default queue)."""
    import redis

    queue = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while queue.llen("celery") and time.monotonic() < deadline:
        time.sleep(0.2)


def stop(server: subprocess.Popen | None, worker: subprocess.Popen | None, log: Path) -> list[str]:
    """Stop what runs (the worker warmly: it finishes the task in hand); its error lines."""
    if server is not None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    if worker is None:
        return []
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    return [line for line in log.read_text().splitlines() if "ERROR" in line]


if __name__ == "__main__":
    main()
