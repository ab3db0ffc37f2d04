"""Fixtures of the fault tests: real services stopped or broken on loopback by the test itself."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from celery import current_app


def database_url(settings_dict: dict) -> str:
    """The URL of the test database for a subprocess's TEST_DATABASE_URL, also when it is reached
    through a socket directory (the embedded server of `make test`): a path is no URL host, so
    it goes as libpq's ``host`` parameter."""
    host, port = settings_dict["HOST"] or "", settings_dict["PORT"] or ""
    user, name = settings_dict["USER"], settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgres://{user}@:{port}/{name}?host={host}"
    return f"postgres://{user}@{host}:{port}/{name}"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisSwitch:
    """A TCP relay on loopback in front of the test Redis that the test can stop and start:
    stopped, it closes every relayed connection and refuses new ones, as a Redis that is down."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = closed_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.up()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/15"

    def up(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        with self._lock:
            if self._listener is not None:
                # shutdown wakes the thread blocked in accept(); close alone would not (Linux).
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="session")
def redis_switch() -> RedisSwitch:
    from urllib.parse import urlsplit

    from django.conf import settings

    real = urlsplit(settings.REDIS_URL)
    return RedisSwitch((real.hostname or "127.0.0.1", real.port or 6379))


@contextlib.contextmanager
def celery_sends_to(broker_url: str) -> Iterator[None]:
    """Celery sends tasks to this broker for real (not eagerly) inside the block. The app's
    connection pool keeps the address, so the pools made for another one are dropped first;
    eager mode is restored after."""
    app = current_app
    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.close()
    app.amqp._producer_pool = None  # Celery keeps its producers apart from the pool
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.close()
        app.amqp._producer_pool = None
        app.conf.broker_url = url
        app.conf.task_always_eager = eager


@pytest.fixture
def celery_broker(redis_switch) -> Iterator[RedisSwitch]:
    """Celery sends tasks to Redis through ``redis_switch``, which the test stops (``down()``)
    and starts (``up()``)."""
    with celery_sends_to(redis_switch.url):
        yield redis_switch
        redis_switch.down()
        redis_switch.up()


class HangingServer:
    """Accepts TCP connections on loopback and never answers (a state system that hangs)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # kept open, never read from or written to

    def stop(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def hanging_server() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.stop()


# The loopback state systems of the gateway tests (SOAP SyncChannel, goszakup OWS).
from tests.egov_gateway.conftest import (  # noqa: E402, F401
    fast_retries,
    ows_server,
    signing_files,
    soap_gateway,
)
