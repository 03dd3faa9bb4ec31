#!/usr/bin/env bash
# Start and stop the throwaway PostgreSQL and Redis that the test suite runs against.
# Sourced by scripts/test.sh; everything lives in one temporary folder removed at the end.

# Below Linux's range of ports for outgoing connections (32768-60999), so that no client's
# connection can hold the port a server is about to listen on.
PEERNET_PG_PORT=${PEERNET_PG_PORT:-25432}
PEERNET_REDIS_PORT=${PEERNET_REDIS_PORT:-26379}
PG_BIN=""

services_packages_install() {
  # Debian packages the suite needs; installed only when missing and when we may (root).
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
  # The IMAP server that calendar replies are read from in the tests.
  [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "Missing Debian packages: ${missing[*]} (run as root, or install them)." >&2
      return 1
    fi
    echo "Installing ${missing[*]} …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
}

_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

services_start() {
  SERVICES_DIR=$(mktemp -d /tmp/peernet-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  mkdir -p "$SERVICES_DIR/pg" "$SERVICES_DIR/run" "$SERVICES_DIR/redis"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$SERVICES_DIR/pg" "$SERVICES_DIR/run"; fi
  chmod 700 "$SERVICES_DIR/pg"

  _as_postgres "$PG_BIN/initdb" -D "$SERVICES_DIR/pg" -A trust -U postgres -E UTF8 \
    --locale=C.UTF-8 >"$SERVICES_DIR/initdb.log" 2>&1 \
    || { cat "$SERVICES_DIR/initdb.log" >&2; return 1; }
  _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -l "$SERVICES_DIR/run/postgres.log" -w \
    -o "-p $PEERNET_PG_PORT -k $SERVICES_DIR/run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >/dev/null || { cat "$SERVICES_DIR/run/postgres.log" >&2; return 1; }

  redis-server --daemonize yes --bind 127.0.0.1 --port "$PEERNET_REDIS_PORT" --save '' \
    --appendonly no --maxmemory-policy noeviction --dir "$SERVICES_DIR/redis" \
    --pidfile "$SERVICES_DIR/redis/redis.pid" --logfile "$SERVICES_DIR/redis/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$PEERNET_REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done

  export DATABASE_URL="postgres://postgres@127.0.0.1:$PEERNET_PG_PORT/peernet"
  export REDIS_URL="redis://127.0.0.1:$PEERNET_REDIS_PORT/0"
  export SERVICES_DIR
}

services_stop() {
  [ -n "${SERVICES_DIR:-}" ] || return 0
  if [ -f "$SERVICES_DIR/redis/redis.pid" ]; then
    kill "$(cat "$SERVICES_DIR/redis/redis.pid")" 2>/dev/null || true
  fi
  if [ -f "$SERVICES_DIR/pg/postmaster.pid" ]; then
    _as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$SERVICES_DIR"
}
