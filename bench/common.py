"""What the benchmarks that serve the portal over HTTP share (``bench/pages.py``,
``bench/load.py``): the scratch database's URL for the server, a signed-in session made directly,
gunicorn with production settings on loopback (``bench/pages_site.py``: the portal plus a trivial
view, the ceiling), a bounded load generator and the figures of a run (``Run``).

Importing it sets ``SECRET_KEY`` for this process: the sessions made here are read by the server,
and both sign them with the same key.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "bench-pages-only-key-not-for-any-real-deployment-0123456789abcdef"
os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
CEILING = "/bench/ceiling/"


@dataclass
class Run:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def add(self, other: Run) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies


# --- the data ------------------------------------------------------------------------------------


def signed_in_session(
    user: Any, *, bin: str = "", organisation: str = "", role_oids: Iterable[str] = ()
) -> str:
    """The key of a new session of ``user``, as EDS sign-in leaves it (``portal.identity``)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.identity import remember_identity

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    remember_identity(
        session=session,
        iin=user.iin,
        bin=bin,
        organisation=organisation,
        role_oids=list(role_oids),
        certificate_serial="01",
    )
    session.create()
    assert session.session_key is not None
    return session.session_key


@dataclass(frozen=True)
class SupplierDraft:
    """A legal entity's complete draft (Annex 1 not yet formed) and its head's session."""

    application: Any
    user: Any
    session_key: str


def supplier_draft(*, identifier: str | None = None, offers: Iterable[str] = ()) -> SupplierDraft:
    """A legal entity (``identifier``: its BIN, the factory's next one by default) whose head
    has accepted the public offer and filled in every section of a draft for ``offers``."""
    from egov_gateway.eds import oids
    from portal.editions import Offer
    from portal.models import Role
    from suppliers.models import Supplier
    from tests.factories import RoleAssignmentFactory, UserFactory
    from tests.suppliers.factories import SupplierFactory, complete_application
    from tests.suppliers.test_views import accept_offer_without_signature

    supplier = cast(Supplier, SupplierFactory(**({"identifier": identifier} if identifier else {})))
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.SUPPLIER, organisation_bin=supplier.identifier)
    accept_offer_without_signature(supplier, user)
    application = complete_application(
        supplier=supplier, user=user, offers=tuple(offers) or (Offer.TECHNICAL_AIDS,)
    )
    session_key = signed_in_session(
        user,
        bin=supplier.identifier,
        organisation=supplier.name,
        role_oids=[oids.ROLE_EMPLOYEE, oids.ROLE_HEAD],
    )
    return SupplierDraft(application=application, user=user, session_key=session_key)


def database_url(config: Mapping[str, Any]) -> str:
    """The URL of the database ``config`` (Django's ``settings_dict``) for the server."""
    user = quote(config.get("USER") or "", safe="")
    password = quote(config.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or ""
    if host.startswith("/"):
        # A socket directory: libpq takes it as the host query parameter (the port names the
        # socket's file in it).
        port = f":{config['PORT']}" if config.get("PORT") else ""
        return f"postgres://{credentials}{port}/{config['NAME']}?host={quote(host, safe='')}"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{credentials}{quote(host, safe='')}{port}/{config['NAME']}"


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    *,
    port: int,
    url: str,
    private_dir: Path,
    workers: int,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.Popen:
    """gunicorn with the production settings of ``bench/pages_site.py`` (``extra_env`` adds to
    or overrides the environment it reads); returns once the ceiling view answers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.pages_site",
        "DATABASE_URL": url,
        "SECRET_KEY": BENCH_SECRET_KEY,
        "DEBUG": "False",
        "SANDBOX_SIGNER_ENABLED": "False",
        "SECURE_SSL_REDIRECT": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PRIVATE_MEDIA_ROOT": str(private_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "portal.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body = get(port, CEILING, "")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def get(port: int, path: str, session_key: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers(session_key))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def headers(session_key: str) -> dict[str, str]:
    values = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Language": "ru"}
    if session_key:
        values["Cookie"] = f"sessionid={session_key}"
    return values


# --- the load ---


def load(port: int, path: str, session_key: str, *, seconds: float, connections: int) -> Run:
    """Keep ``connections`` keep-alive connections busy for ``seconds``."""
    if shutil.which("wrk"):
        return load_with_wrk(port, path, session_key, seconds=seconds, connections=connections)
    runs = [Run() for _ in range(connections)]
    deadline = time.perf_counter() + seconds

    def worker(run: Run) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = headers(session_key)
        while (started := time.perf_counter()) < deadline:
            try:
                connection.request("GET", path, headers=sent)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            run.latencies.append(time.perf_counter() - started)
            run.requests += ok
            run.errors += not ok
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Run(seconds=time.perf_counter() - started)
    for run in runs:
        total.requests += run.requests
        total.errors += run.errors
        total.latencies += run.latencies
    return total


def load_with_wrk(port: int, path: str, session_key: str, *, seconds: float, connections: int):
    command = ["wrk", f"-c{connections}", "-t2", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers(session_key).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    run = Run(seconds=seconds)
    total = re.search(r"(\d+) requests in", output)
    run.requests = int(total.group(1)) if total else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    run.errors = int(non_2xx.group(1)) if non_2xx else 0
    run.requests -= run.errors
    # wrk gives percentiles, not samples: keep them as three samples at their places.
    marks = dict(re.findall(r"\s+(50|90|99)%\s+([\d.]+\w+)", output))
    run.latencies = [_wrk_seconds(marks.get(p, "nan")) for p in ("50", "90", "99")]
    return run


def _wrk_seconds(text: str) -> float:
    found = re.match(r"[\d.]+|nan", text)
    number = float(found.group(0)) if found else float("nan")
    unit = text[len(str(number)) :] if text != "nan" else ""
    return number / {"us": 1e6, "ms": 1e3, "s": 1}.get(unit.strip("0123456789."), 1e3)
