#!/usr/bin/env bash
# Starts the local PostgreSQL if it is down, creates a fresh, empty database and prints the
# DATABASE_URL that points at it.
#
#   scripts/pg-local.sh [NAME]          NAME defaults to fieldline_dev
#   export "$(scripts/pg-local.sh)"     then: cargo run -- serve
#
# The database is dropped first if it exists, so everything in it is lost. Progress goes to
# stderr; stdout is only the DATABASE_URL line. Connects as the `postgres` user over TCP
# (set PGPASSWORD if your local server asks for a password).
set -euo pipefail

name="${1:-fieldline_dev}"
host=127.0.0.1
port=5432

if [[ ! "$name" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]]; then
    echo "pg-local: \`$name\` is not a usable database name (letters, digits and _, not starting with a digit)" >&2
    exit 2
fi

if ! pg_isready -q -h "$host" -p "$port"; then
    # The newest installed version, when there are several.
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    if [[ -z "$version" ]]; then
        echo "pg-local: no PostgreSQL cluster under /etc/postgresql; install the postgresql package" >&2
        exit 1
    fi
    echo "pg-local: starting PostgreSQL $version (cluster main)" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do
        pg_isready -q -h "$host" -p "$port" && break
        sleep 1
    done
    if ! pg_isready -q -h "$host" -p "$port"; then
        echo "pg-local: PostgreSQL did not come up on $host:$port" >&2
        exit 1
    fi
fi

psql_admin() {
    PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
        psql -h "$host" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -X "$@"
}

# WITH (FORCE) (PostgreSQL 13+) also ends sessions still connected to the old database.
if [[ "$(psql_admin -At -c 'SHOW server_version_num')" -ge 130000 ]]; then
    force=" WITH (FORCE)"
else
    force=""
fi
echo "pg-local: creating a fresh database $name" >&2
psql_admin -c "DROP DATABASE IF EXISTS \"$name\"$force"
psql_admin -c "CREATE DATABASE \"$name\""

echo "DATABASE_URL=postgres://postgres@$host:$port/$name"
