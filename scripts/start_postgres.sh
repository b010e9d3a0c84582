#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for rasid's storage tests (CI runs this as root).
#
# Installs the Debian package when missing, creates a cluster in $PGDATA owned by the postgres
# user, starts it, creates a user and database, and prints the SQLAlchemy URL on stdout:
#   export RASID_TEST_PG_URL=$(scripts/start_postgres.sh)
# Stop it with: su postgres -c "pg_ctl -D $PGDATA stop"   (pg_ctl is under /usr/lib/postgresql/*/bin)
set -euo pipefail

PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA:-/tmp/rasid-pg}"
DBNAME="${RASID_PG_DB:-rasid_test}"
DBUSER="${RASID_PG_USER:-rasid}"
DBPASS="${RASID_PG_PASSWORD:-rasid}"

log() { echo "start_postgres: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { log "postgresql is not installed and we are not root"; exit 1; }
  log "installing postgresql from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_pg() { su postgres -s /bin/bash -c "$*"; }
else
  as_pg() { bash -c "$*"; }
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  chmod 700 "$PGDATA"
  log "initdb $PGDATA"
  as_pg "'$BIN/initdb' -D '$PGDATA' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8" >&2
fi

if ! as_pg "'$BIN/pg_ctl' -D '$PGDATA' status" >/dev/null 2>&1; then
  log "starting server on 127.0.0.1:$PGPORT"
  as_pg "'$BIN/pg_ctl' -D '$PGDATA' -l '$PGDATA/server.log' -w \
    -o \"-c listen_addresses=127.0.0.1 -p $PGPORT -k '$PGDATA' -c max_connections=200\" start" >&2
fi

psql_pg() { as_pg "psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_pg "SELECT 1 FROM pg_roles WHERE rolname='$DBUSER'")" != 1 ]; then
  psql_pg "CREATE ROLE $DBUSER LOGIN PASSWORD '$DBPASS'" >&2
fi
if [ "$(psql_pg "SELECT 1 FROM pg_database WHERE datname='$DBNAME'")" != 1 ]; then
  psql_pg "CREATE DATABASE $DBNAME OWNER $DBUSER" >&2
fi

echo "postgresql+psycopg://$DBUSER:$DBPASS@127.0.0.1:$PGPORT/$DBNAME"
