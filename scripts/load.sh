#!/usr/bin/env bash
# A mixed load run over HTTP on loopback, with the two ceilings measured in the same run.
#
#   scripts/load.sh [sqlite|postgres] [SCALE=100] [SECONDS=20] [REQUESTS=20000]
#
# 1. Generates the data set of `fieldline demo --scale SCALE` (SCALE technicians, 10x sites,
#    100x tickets) in a fresh SQLite file, or in the fresh PostgreSQL database
#    LOAD_PG_DATABASE (default fieldline_scale_load) made by scripts/pg-local.sh.
# 2. Starts the release server on a free loopback port (scheduled jobs off), signs in users of
#    each role and runs, all at once, one wrk process per endpoint replaying prepared requests
#    (scripts/load_plan.py, scripts/wrk/replay.lua): agents registering and escalating tickets,
#    supervisors listing tickets, dispatchers ranking candidates and auto-assigning, technicians
#    sending positions and completing visits. Bounded: REQUESTS in all (each endpoint its share,
#    one-shot actions once per ticket or visit) and SECONDS.
# 3. Reads the server's peak RSS (VmHWM) and stops it; then measures the HTTP ceiling (an
#    actix-web "hello", `examples/ceiling.rs`, same connections and seconds) and the storage
#    ceiling (STORAGE_ROWS ticket rows, one per transaction, STORAGE_THREADS threads, into the
#    same database).
# 4. Prints per endpoint: requests, non-2xx, throughput, p50/p99, and the throughput as a
#    fraction of the ceilings. LOAD_KEEP=1 keeps the work directory (data set, JSON results).
#
# LOAD_DATA=DIR keeps the data set for later runs: the first run generates it into DIR (the
# SQLite file DIR/load.db and DIR/manifest.json; on PostgreSQL the database LOAD_PG_DATABASE);
# every run, the first included, then works on a copy of it (a file copy, or a database made
# with that one as its template, LOAD_PG_DATABASE_run), so each starts from the same data and the
# generation is paid once. Use it for the large scales, where generating takes most of the time.
# LOAD_COPY=0 runs on the kept data set itself (no copy; it then keeps this run's writes).
#
# LOAD_PROBE=1 first times single requests with nothing else running (scripts/probe.py: the
# supervisors' ticket lists and the candidates of 600 unassigned visits), on the same server.
# LOAD_PROBE=only stops after the probe: no mixed workload, no ceilings.
#
# LOAD_BIN=PATH serves with that build of `fieldline` instead of building this checkout's (to
# compare two builds on the same data set, run after run; the ceilings' example must be built).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jobs-off.sh
backend="${1:-sqlite}"
scale="${2:-100}"
seconds="${3:-20}"
requests="${4:-20000}"
storage_rows="${STORAGE_ROWS:-5000}"
storage_threads="${STORAGE_THREADS:-3}"

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    apt-get install -y -qq wrk >/dev/null
fi
if [[ -z "${LOAD_BIN:-}" ]]; then
    cargo build --release --quiet --bin fieldline --example ceiling
fi
bin="${LOAD_BIN:-target/release/fieldline}"
ceiling=target/release/examples/ceiling

work="$(mktemp -d)"
data="${LOAD_DATA:-$work}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
manifest="$data/manifest.json"
reuse=0
if [[ -n "${LOAD_DATA:-}" && -f "$manifest" && -f "$data/backend" && "$(cat "$data/backend")" == "$backend $scale" ]]; then
    reuse=1
fi
pg_name="${LOAD_PG_DATABASE:-fieldline_scale_load}"
case "$backend" in
    sqlite) seed_url="sqlite://$data/load.db" ;;
    postgres)
        if [[ $reuse == 1 ]]; then
            seed_url="postgres://postgres@127.0.0.1:5432/$pg_name"
        else
            seed_url="$(scripts/pg-local.sh "$pg_name" | sed 's/^DATABASE_URL=//')"
        fi
        ;;
    *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
esac
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    if [[ "${LOAD_KEEP:-}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "== $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB memory; backend $backend, scale $scale"
if [[ $reuse == 1 ]]; then
    echo "== reusing the data set in $data"
else
    rm -f "$data/backend" "$data/load.db" "$data/load.db-wal" "$data/load.db-shm"
    "$bin" demo --scale "$scale" --database-url "$seed_url" --manifest "$manifest"
    echo "$backend $scale" >"$data/backend"
fi
db_url="$seed_url"
if [[ -n "${LOAD_DATA:-}" && "${LOAD_COPY:-1}" != 0 ]]; then
    echo "== copying the data set for this run"
    case "$backend" in
        sqlite)
            cp --sparse=always "$data/load.db" "$work/load.db"
            if [[ -f "$data/load.db-wal" ]]; then cp "$data/load.db-wal" "$work/load.db-wal"; fi
            db_url="sqlite://$work/load.db"
            ;;
        postgres)
            psql -h 127.0.0.1 -U postgres -d postgres -qX -v ON_ERROR_STOP=1 \
                -c "DROP DATABASE IF EXISTS \"${pg_name}_run\" WITH (FORCE)" \
                -c "CREATE DATABASE \"${pg_name}_run\" TEMPLATE \"$pg_name\""
            db_url="postgres://postgres@127.0.0.1:5432/${pg_name}_run"
            ;;
    esac
fi

port="$(free_port)"
base="http://127.0.0.1:$port"
DATABASE_URL="$db_url" FIELDLINE_HOST=127.0.0.1 FIELDLINE_PORT="$port" FIELDLINE_ADMIN_PASSWORD="load-admin-password" \
    FIELDLINE_MAIL_TRANSPORT=file FIELDLINE_MAIL_DIR="$work/mail" \
    RUST_LOG=warn "$bin" serve >"$work/server.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 300); do
    curl -fs "$base/ready" >/dev/null && break
    sleep 0.1
done

if [[ "${LOAD_PROBE:-}" == 1 || "${LOAD_PROBE:-}" == only ]]; then
    echo "== probe: single requests, one at a time, before the mixed workload"
    python3 scripts/probe.py "$base" "$manifest"
    if [[ "${LOAD_PROBE:-}" == only ]]; then exit 0; fi
fi
python3 scripts/load_plan.py "$base" "$manifest" "$work" "$requests" >"$work/plan.txt"
echo "== mixed workload: at most $requests requests and ${seconds}s"
while read -r name connections file; do
    wrk -t1 -c"$connections" -d"${seconds}s" -s scripts/wrk/replay.lua "$base" -- "$file" \
        >"$work/$name.out" 2>&1 &
    pids+=("$!")
    echo "$name $connections" >>"$work/running.txt"
done <"$work/plan.txt"
# Wait for the wrk processes (not the server).
for p in "${pids[@]:1}"; do wait "$p" || true; done
pids=("$server")
peak_kib="$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")"
kill "$server"; wait "$server" 2>/dev/null || true
pids=()

echo "== HTTP ceiling: actix-web hello, 16 connections, ${seconds}s"
hello_port="$(free_port)"
"$ceiling" hello "$hello_port" >"$work/hello.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$hello_port/" >/dev/null && break; sleep 0.1; done
wrk -t2 -c16 -d"${seconds}s" --latency "http://127.0.0.1:$hello_port/" >"$work/hello.out"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
pids=()

echo "== storage ceiling: $storage_rows ticket rows, one per transaction, $storage_threads threads"
"$ceiling" insert "$db_url" "$storage_rows" "$storage_threads" >"$work/storage.json"

python3 - "$work" "$peak_kib" <<'PY'
import json, re, sys
work, peak_kib = sys.argv[1], int(sys.argv[2])
hello = open(f"{work}/hello.out").read()
hello_rps = float(re.search(r"Requests/sec:\s+([\d.]+)", hello).group(1))
storage = json.load(open(f"{work}/storage.json"))["rows_per_second"]
writes = {"tickets_create", "tickets_escalate", "visits_auto_assign", "mobile_pings", "visits_complete"}
rows, total = [], 0.0
for line in open(f"{work}/running.txt"):
    name, connections = line.split()
    text = open(f"{work}/{name}.out").read()
    m = re.search(r"^\{.*\}$", text, re.M)
    if not m:
        print(f"{name}: no result\n{text}")
        continue
    r = json.loads(m.group(0))
    # An endpoint whose prepared requests run out stops early: its rate is over its active time.
    secs = r["active_seconds"] or r["seconds"]
    rps = r["requests"] / secs if secs else 0.0
    total += rps
    rows.append((name, connections, r, rps, secs))
print()
print(f"| endpoint | connections | requests | non-2xx | seconds | req/s | p50 | p99 | of HTTP ceiling | of storage ceiling |")
print(f"|---|---|---|---|---|---|---|---|---|---|")
for name, connections, r, rps, secs in rows:
    of_storage = f"{rps / storage:.1%}" if name in writes else ""
    print(f"| {name} | {connections} | {r['requests']} | {r['non_2xx'] + r['socket_errors']} | {secs:.1f} | {rps:,.0f} | "
          f"{r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {rps / hello_rps:.2%} | {of_storage} |")
print(f"| **all** (sum of rates) | | {sum(r[2]['requests'] for r in rows)} | | | {total:,.0f} | | | {total / hello_rps:.2%} | |")
print()
print(f"HTTP ceiling (actix-web hello): {hello_rps:,.0f} req/s")
print(f"storage ceiling (bare ticket inserts): {storage:,.0f} rows/s")
print(f"server peak RSS (VmHWM): {peak_kib / 1024:.1f} MiB")
PY
