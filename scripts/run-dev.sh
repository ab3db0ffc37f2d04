#!/usr/bin/env bash
# `make run`: the sandbox NCALayer (test keys, loopback only) in the background, then the
# development server; the sandbox is stopped when the server exits, however it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-portal.settings.dev}"
SANDBOX_PORT="${NCALAYER_SANDBOX_PORT:-13579}"
# The pages tell the browser where the sandbox listens.
export NCALAYER_URL="${NCALAYER_URL:-ws://127.0.0.1:${SANDBOX_PORT}/}"

# The sandbox makes the test PKI (manage.py make_test_pki) first if there is none.
"$PY" manage.py ncalayer_sandbox --port "$SANDBOX_PORT" &
sandbox_pid=$!
stop_sandbox() {
  if kill -0 "$sandbox_pid" 2>/dev/null; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
}
trap stop_sandbox EXIT INT TERM

"$PY" manage.py runserver "${RUNSERVER_ADDRESS:-127.0.0.1:8000}"
