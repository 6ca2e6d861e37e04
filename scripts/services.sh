#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster and Redis for `make serve` on one machine, started the way
# .ci/run starts its PostgreSQL (initdb as the postgres user, trust auth on loopback, a free port).
#
#   scripts/services.sh start [DIR]   start both; prints the `export` lines (also in DIR/env)
#   scripts/services.sh stop [DIR]    stop both and delete DIR
#
# DIR defaults to /tmp/madurez-services. Needs postgresql-15 and redis-server (apt-get install
# postgresql-15 redis-server). Data lives in DIR: this is for trying production settings locally,
# not for production.
set -euo pipefail
ACTION=${1:-start}
DIR=${2:-/tmp/madurez-services}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$ACTION" in
  start)
    [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is missing: apt-get install postgresql-15" >&2; exit 1; }
    command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; }
    if [ -f "$DIR/env" ]; then echo "already running; stop it first: $0 stop $DIR" >&2; cat "$DIR/env"; exit 0; fi
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    PGPORT=$(free_port)
    REDISPORT=$(free_port)
    # initdb refuses to run as root: the cluster belongs to the postgres user (as in .ci/run).
    as_postgres "$PGBIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w -o "-h 127.0.0.1 -p $PGPORT -k $DIR" start >/dev/null
    as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres madurez
    redis-server --bind 127.0.0.1 --port "$REDISPORT" --dir "$DIR" --daemonize yes \
      --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save "" --appendonly yes
    cat > "$DIR/env" <<ENV
export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/madurez
export REDIS_URL=redis://127.0.0.1:$REDISPORT/0
export PG_BIN=$PGBIN
ENV
    cat "$DIR/env"
    echo "# then: source $DIR/env && make serve" >&2
    ;;
  stop)
    [ -d "$DIR/pg" ] && as_postgres "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true
    [ -f "$DIR/redis.pid" ] && kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
