#!/usr/bin/env bash
# The throughput of two builds of the service, in interleaved runs, on SQLite or PostgreSQL, with
# wrk on loopback: what a change costs or saves. WHAT is `read` (GET /api/v1/tickets/{id}) or
# `register` (POST /api/v1/tickets, as scripts/bench-tickets.sh sends it). Both servers run at
# once, each on a database of its own set up the same way (an agent, a customer with a site and
# an asset, one ticket); then RUNS rounds of SECONDS of wrk at CONNECTIONS connections, first
# build A then build B in each round. Prints every run, the median requests/s and p99 of each
# build and their ratio, and the HTTP ceiling of the same run (`GET /health` on B's server).
#
#   scripts/bench-ab.sh read|register BINARY_A BINARY_B [sqlite|postgres] [RUNS=5] [SECONDS=10] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jobs-off.sh
what="$1"
bin_a="$2"
bin_b="$3"
backend="${4:-sqlite}"
runs="${5:-5}"
seconds="${6:-10}"
connections="${7:-16}"
case "$what" in read|register) ;; *) echo "WHAT must be read or register" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }

work="$(mktemp -d)"
cleanup() {
    for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    sleep 0.5
    rm -rf "$work"
}
trap cleanup EXIT
password="bench-admin-password"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Starts a build on a database of its own and sets it up; prints "BASE_URL TOKEN TICKET_ID
# CUSTOMER_ID ASSET_ID".
start() {
    local bin="$1" name="$2" db_url port base
    case "$backend" in
        sqlite) db_url="sqlite://$work/$name.db" ;;
        postgres) db_url="$(scripts/pg-local.sh "fieldline_bench_$name" | sed 's/^DATABASE_URL=//')" ;;
        *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
    esac
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    base="http://127.0.0.1:$port"
    DATABASE_URL="$db_url" FIELDLINE_PORT="$port" FIELDLINE_ADMIN_PASSWORD="$password" \
        RUST_LOG=warn "$bin" serve >"$work/$name.log" 2>&1 &
    echo $! >"$work/$name.pid"
    for _ in $(seq 1 200); do curl -fs "$base/ready" >/dev/null && break; sleep 0.1; done
    local post admin agent customer site asset ticket
    post() { curl -fs -X POST "$base$1" -H 'content-type: application/json' -H "authorization: Bearer $2" -d "$3"; }
    admin="$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$password\"}" | json '["access_token"]')"
    post /api/v1/users "$admin" '{"username":"bench-agent","display_name":"Bench Agent","role":"agent","password":"bench-agent-password"}' >/dev/null
    agent="$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d '{"username":"bench-agent","password":"bench-agent-password"}' | json '["access_token"]')"
    customer="$(post /api/v1/customers "$admin" '{"name":"Bench Customer","tier":"gold"}' | json '["id"]')"
    site="$(post /api/v1/sites "$admin" "{\"customer_id\":$customer,\"name\":\"Depot\",\"address\":\"1 Rd\",\"latitude\":30.25,\"longitude\":120.15}" | json '["id"]')"
    asset="$(post /api/v1/assets "$admin" "{\"site_id\":$site,\"model\":\"UPS\",\"serial_number\":\"BENCH-1\"}" | json '["id"]')"
    ticket="$(post /api/v1/tickets "$agent" "{\"customer_id\":$customer,\"asset_id\":$asset,\"channel\":\"phone\",\"priority\":\"p3\",\"title\":\"UPS alarm\",\"description\":\"bench\"}" | json '["id"]')"
    curl -fs "$base/api/v1/tickets/$ticket" -H "authorization: Bearer $agent" >/dev/null
    echo "$base $agent $ticket $customer $asset"
}

read -r base_a token_a ticket_a customer_a asset_a < <(start "$bin_a" a)
read -r base_b token_b ticket_b customer_b asset_b < <(start "$bin_b" b)

# Prints "requests/s p99-in-ms" of one wrk run against the server at $1 with token $2; the
# ticket, customer and asset ids follow.
rate() {
    if [ "$what" = read ]; then
        wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/wrk/get-auth.lua \
            "$1/api/v1/tickets/$3" -- "$2" >"$work/wrk.txt"
    else
        wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/wrk/post-ticket.lua \
            "$1/api/v1/tickets" -- "$2" "$4" "$5" >"$work/wrk.txt"
    fi
    if grep -q "Non-2xx" "$work/wrk.txt"; then cat "$work/wrk.txt" >&2; echo "non-2xx answers" >&2; exit 1; fi
    python3 - "$work/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M).group(1)
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", text, re.M).groups()
print(rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit])
PY
}
a=(); b=(); pa=(); pb=()
for i in $(seq 1 "$runs"); do
    read -r r p < <(rate "$base_a" "$token_a" "$ticket_a" "$customer_a" "$asset_a"); a+=("$r"); pa+=("$p")
    read -r r p < <(rate "$base_b" "$token_b" "$ticket_b" "$customer_b" "$asset_b"); b+=("$r"); pb+=("$p")
    echo "run $i: A ${a[-1]}/s (p99 ${pa[-1]} ms), B ${b[-1]}/s (p99 ${pb[-1]} ms)"
done
# The HTTP ceiling of the same run: GET /health on server B, same connections and seconds.
wrk -t2 -c"$connections" -d"${seconds}s" "$base_b/health" >"$work/health.txt"
ceiling="$(awk '/^Requests\/sec/ {print $2}' "$work/health.txt")"
python3 - "${a[*]}" "${b[*]}" "${pa[*]}" "${pb[*]}" "$ceiling" <<'PY'
import statistics, sys
a, b, pa, pb = ([float(x) for x in arg.split()] for arg in sys.argv[1:5])
ceiling = float(sys.argv[5])
ma, mb = statistics.median(a), statistics.median(b)
print(f"median A {ma:,.0f}/s (p99 {statistics.median(pa):.2f} ms), "
      f"B {mb:,.0f}/s (p99 {statistics.median(pb):.2f} ms), B/A = {mb / ma:.3f}")
print(f"HTTP ceiling (GET /health): {ceiling:,.0f}/s; B is {mb / ceiling:.1%} of it")
PY
