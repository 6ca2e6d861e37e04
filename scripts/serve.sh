#!/usr/bin/env bash
# `make serve`: gunicorn (WEB_CONCURRENCY processes × GUNICORN_THREADS threads, gthread) against
# DATABASE_URL, plus JOB_WORKERS queue workers when REDIS_URL is set. Ctrl+C (or either one
# stopping) stops them all. Start a local PostgreSQL and Redis with scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is not set: serving the SQLite file in instance/ (fine for one server)" >&2
fi
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap cleanup EXIT INT TERM

if [ -n "${REDIS_URL:-}" ]; then
  for _ in $(seq 1 "${JOB_WORKERS:-1}"); do
    "$BIN/flask" --app wsgi worker &
    pids+=("$!")
  done
else
  echo "REDIS_URL is not set: jobs run in a local process pool inside each app process" >&2
fi

"$BIN/gunicorn" --workers "${WEB_CONCURRENCY:-4}" --threads "${GUNICORN_THREADS:-2}" --worker-class gthread \
  --timeout "${GUNICORN_TIMEOUT:-30}" --graceful-timeout 20 --bind "$HOST:$PORT" wsgi:app &
pids+=("$!")
echo "Madurez 4.0 on http://$HOST:$PORT  (Ctrl+C to stop)" >&2
wait -n
