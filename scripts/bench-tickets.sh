#!/usr/bin/env bash
# Ticket registration throughput over HTTP, on SQLite or PostgreSQL, with wrk on loopback.
# Bounded: one run of SECONDS at CONNECTIONS connections, then the server is stopped.
#
#   scripts/bench-tickets.sh [sqlite|postgres] [SECONDS=10] [CONNECTIONS=16]
#
# Prints wrk's report (requests/s, latency percentiles) and the number of tickets stored.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jobs-off.sh
backend="${1:-sqlite}"
seconds="${2:-10}"
connections="${3:-16}"

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet

work="$(mktemp -d)"
case "$backend" in
    sqlite) db_url="sqlite://$work/bench.db" ;;
    postgres)
        db_url="$(scripts/pg-local.sh fieldline_bench | sed 's/^DATABASE_URL=//')"
        ;;
    *) echo "backend must be sqlite or postgres" >&2; exit 2 ;;
esac
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
password="bench-admin-password"

DATABASE_URL="$db_url" FIELDLINE_PORT="$port" FIELDLINE_ADMIN_PASSWORD="$password" \
    RUST_LOG=warn target/release/fieldline serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    curl -fs "$base/ready" >/dev/null && break
    sleep 0.1
done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -fs -X POST "$base$1" -H 'content-type: application/json' -H "authorization: Bearer $2" -d "$3"; }
admin="$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" | json '["access_token"]')"
post /api/v1/users "$admin" '{"username":"bench-agent","display_name":"Bench Agent","role":"agent","password":"bench-agent-password"}' >/dev/null
agent="$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"bench-agent","password":"bench-agent-password"}' | json '["access_token"]')"
post /api/v1/regions "$admin" '{"name":"Centre","class":"urban","boundary":{"type":"Polygon","coordinates":[[[120.1,30.2],[120.3,30.2],[120.3,30.35],[120.1,30.35],[120.1,30.2]]]}}' >/dev/null
customer="$(post /api/v1/customers "$admin" '{"name":"Bench Customer","tier":"gold"}' | json '["id"]')"
site="$(post /api/v1/sites "$admin" "{\"customer_id\":$customer,\"name\":\"Depot\",\"address\":\"1 Rd\",\"latitude\":30.25,\"longitude\":120.15}" | json '["id"]')"
asset="$(post /api/v1/assets "$admin" "{\"site_id\":$site,\"model\":\"UPS\",\"serial_number\":\"BENCH-1\"}" | json '["id"]')"

echo "== HTTP ceiling: GET /health for ${seconds}s at $connections connections ($(nproc) cores)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "$base/health" | tee "$work/health.txt"
echo "== $backend: POST /api/v1/tickets for ${seconds}s at $connections connections ($(nproc) cores)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/wrk/post-ticket.lua "$base/api/v1/tickets" -- "$agent" "$customer" "$asset" | tee "$work/tickets.txt"
if grep -q "Non-2xx" "$work/tickets.txt"; then
    echo "some registrations were refused; the figures above are not of registrations" >&2
    exit 1
fi
rate() { awk '/^Requests\/sec/ {print $2}' "$1"; }
python3 -c "import sys; t, h = float(sys.argv[1]), float(sys.argv[2]); print(f'ticket registrations: {t:.0f}/s = {t / h:.2%} of the HTTP ceiling ({h:.0f}/s)')" \
    "$(rate "$work/tickets.txt")" "$(rate "$work/health.txt")"
stored="$(curl -fs "$base/api/v1/tickets?limit=1" -H "authorization: Bearer $admin" | json '["total"]')"
echo "tickets stored: $stored"
