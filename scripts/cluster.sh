#!/usr/bin/env bash
# Several Fieldline nodes on one PostgreSQL, on this machine's loopback: a throw-away primary and
# a streaming replica of it (initdb and pg_basebackup, Debian's PostgreSQL), three nodes, and
# HAProxy in front of them. See docs/operations.md ("Several nodes").
#
#   scripts/cluster.sh up [DIR]     start it; prints the addresses and writes them to DIR/cluster.env
#   scripts/cluster.sh down [DIR]   stop everything it started and remove DIR
#
# DIR defaults to /tmp/fieldline-cluster. FIELDLINE_BIN names the binary (default
# target/release/fieldline); FIELDLINE_NODES the number of nodes (default 3). Every FIELDLINE_*
# variable of the caller reaches the nodes (mail transport, crons, ...); the script sets the
# database, the replica, the port, the signing secret and the trusted proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

cmd="${1:-}"
dir="${2:-/tmp/fieldline-cluster}"
nodes="${FIELDLINE_NODES:-3}"

# Runs a PostgreSQL program as the owner of the cluster's files (initdb refuses root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # what, command...
    local what="$1"
    shift
    for _ in $(seq 1 150); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "cluster: $what did not come up" >&2
    return 1
}

down() {
    [ -d "$dir" ] || return 0
    for pidfile in "$dir"/*.pid; do
        [ -e "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    if [ -f "$dir/cluster.env" ]; then
        # shellcheck disable=SC1091
        . "$dir/cluster.env"
        for data in "$CLUSTER_PG_DIR/replica" "$CLUSTER_PG_DIR/primary"; do
            [ -d "$data" ] && as_pg "$CLUSTER_PG_BIN/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
        done
        rm -rf "$CLUSTER_PG_DIR"
    fi
    rm -rf "$dir"
}

up() {
    if [ -e "$dir" ]; then
        echo "cluster: $dir exists; run \`scripts/cluster.sh down $dir\` first" >&2
        exit 1
    fi
    local bin="${FIELDLINE_BIN:-target/release/fieldline}"
    [ -x "$bin" ] || { echo "cluster: no binary at $bin (cargo build --release, or set FIELDLINE_BIN)" >&2; exit 1; }
    bin="$(realpath "$bin")"
    local pg_bin
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$pg_bin" ] || ! command -v haproxy >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql haproxy >/dev/null
        pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    mkdir -p "$dir"
    dir="$(realpath "$dir")"
    # PostgreSQL's files belong to its own user, in a folder it can reach.
    local pg_dir
    pg_dir="$(mktemp -d /tmp/fieldline-cluster-pg.XXXXXX)"
    [ "$(id -u)" = 0 ] && chown postgres: "$pg_dir"
    local primary_port replica_port lb_port
    primary_port="$(free_port)"
    replica_port="$(free_port)"
    lb_port="$(free_port)"
    cat >"$dir/cluster.env" <<EOF
CLUSTER_PG_BIN=$pg_bin
CLUSTER_PG_DIR=$pg_dir
CLUSTER_PRIMARY_URL=postgres://postgres@127.0.0.1:$primary_port/fieldline?sslmode=disable
CLUSTER_REPLICA_URL=postgres://postgres@127.0.0.1:$replica_port/fieldline?sslmode=disable
CLUSTER_URL=http://127.0.0.1:$lb_port
EOF

    # The primary: WAL for a replica, and the socket in its own folder.
    as_pg "$pg_bin/initdb" -D "$pg_dir/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    cat >>"$pg_dir/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$pg_dir'
wal_level = replica
max_wal_senders = 4
max_connections = 200
EOF
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/primary" -l "$pg_dir/primary.log" -w start >/dev/null
    as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$primary_port" -U postgres fieldline

    # The replica: a base backup that streams from the primary (-R writes the standby settings).
    as_pg "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$pg_dir/replica" -R -X stream --checkpoint=fast
    cat >>"$pg_dir/replica/postgresql.conf" <<EOF
port = $replica_port
hot_standby = on
EOF
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/replica" -l "$pg_dir/replica.log" -w start >/dev/null

    # The nodes: the same database, replica and signing secret; HAProxy is their trusted proxy.
    local secret="${FIELDLINE_JWT_SECRET:-$(head -c 32 /dev/urandom | base64)}"
    local servers="" node_urls=""
    for i in $(seq 1 "$nodes"); do
        local port
        port="$(free_port)"
        DATABASE_URL="postgres://postgres@127.0.0.1:$primary_port/fieldline?sslmode=disable" \
            FIELDLINE_REPLICA_URL="postgres://postgres@127.0.0.1:$replica_port/fieldline?sslmode=disable" \
            FIELDLINE_HOST=127.0.0.1 FIELDLINE_PORT="$port" FIELDLINE_JWT_SECRET="$secret" \
            FIELDLINE_TRUSTED_PROXIES=127.0.0.1 \
            FIELDLINE_MAIL_DIR="${FIELDLINE_MAIL_DIR:-$dir/mail}" \
            setsid "$bin" serve >"$dir/node$i.log" 2>&1 &
        echo $! >"$dir/node$i.pid"
        servers+="    server node$i 127.0.0.1:$port check inter 1s fall 2 rise 1"$'\n'
        node_urls+="${node_urls:+ }http://127.0.0.1:$port"
    done
    echo "CLUSTER_NODE_URLS=\"$node_urls\"" >>"$dir/cluster.env"
    for url in $node_urls; do
        wait_for "the node at $url" curl -sf "$url/health"
    done

    cat >"$dir/haproxy.cfg" <<EOF
global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option forwardfor
frontend fieldline
    bind 127.0.0.1:$lb_port
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /health
$servers
EOF
    haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 &
    echo $! >"$dir/haproxy.pid"
    wait_for "HAProxy" curl -sf "http://127.0.0.1:$lb_port/health"
    cat "$dir/cluster.env"
}

case "$cmd" in
up) up ;;
down) down ;;
*)
    echo "usage: scripts/cluster.sh up|down [DIR]" >&2
    exit 2
    ;;
esac
