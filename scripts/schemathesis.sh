#!/usr/bin/env bash
# Runs schemathesis over the served OpenAPI document, on a fresh SQLite database: once with an
# admin token, once with a technician token, and once more for the operations the first two
# leave out (see docs/api.md, "The document and schemathesis"). Exits non-zero on any failure
# of any check.
#
#   scripts/schemathesis.sh              # the whole run, as CI does it
#   ST_MAX_EXAMPLES=50 scripts/schemathesis.sh   # more cases per operation
#   ST_SEED=7 scripts/schemathesis.sh            # another seed
#
# schemathesis is installed, pinned, in a virtualenv in .ci/venv (git-ignored); the server is the
# debug build of this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
seed="${ST_SEED:-20261203}"
max_examples="${ST_MAX_EXAMPLES:-15}"
# The time budget of each run, in seconds (fuzzing repeats until it is spent, so the budget is
# also what bounds the run).
max_time="${ST_MAX_TIME:-90}"
venv=.ci/venv

if [ ! -x "$venv/bin/st" ] || [ "$("$venv/bin/st" --version 2>/dev/null)" != "st, version $ST_VERSION" ]; then
    python3 -m venv "$venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --no-cache-dir -q "schemathesis==$ST_VERSION"
fi

# The binary the test build makes (`cargo build` alone resolves the dependencies' features without
# the tests' and would build most of them again).
cargo test --no-run --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/fieldline"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
admin_password="schemathesis-admin-password"
technician_password="schemathesis-technician-password"

DATABASE_URL="$work/fieldline.db" \
    FIELDLINE_HOST=127.0.0.1 \
    FIELDLINE_PORT="$port" \
    FIELDLINE_ADMIN_PASSWORD="$admin_password" \
    FIELDLINE_MAIL_TRANSPORT=file \
    FIELDLINE_MAIL_DIR="$work/mail" \
    FIELDLINE_PUBLIC_URL="$base" \
    RUST_LOG=warn \
    "$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
    curl -fsS "$base/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
    sleep 0.2
done

# POST a JSON body, print the answer; fail on a non-2xx.
post() {
    curl -fsS "$base$1" -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} -d "$2"
}
token_of() {
    post /api/v1/auth/login "{\"username\": \"$1\", \"password\": \"$2\"}" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

admin="$(token_of admin "$admin_password")"
post /api/v1/users "{\"username\": \"st.technician\", \"display_name\": \"Schemathesis Technician\",
    \"role\": \"technician\", \"password\": \"$technician_password\"}" "$admin" >/dev/null
technician="$(token_of st.technician "$technician_password")"
# An admin of its own for the operations that could lock the other two tokens out.
post /api/v1/users "{\"username\": \"st.admin\", \"display_name\": \"Schemathesis Admin\",
    \"role\": \"admin\", \"password\": \"$admin_password\"}" "$admin" >/dev/null
last_admin="$(token_of st.admin "$admin_password")"

# The operations that change users: a generated PATCH can disable or demote the caller, or
# the other run's user, so they run last, alone.
users_change='PATCH /api/v1/users/{id}'
st_run() {
    local name="$1" token="$2" budget="$3"
    shift 3
    echo "-- schemathesis: $name"
    "$venv/bin/st" --config-file scripts/schemathesis.toml run "$base/openapi.json" \
        --checks all \
        --seed "$seed" \
        --max-examples "$max_examples" \
        --max-time "$budget" \
        --workers 1 \
        --generation-database none \
        --no-color \
        -H "Authorization: Bearer $token" \
        "$@"
}

status=0
st_run "admin" "$admin" "$max_time" --exclude-name "$users_change" || status=1
st_run "technician" "$technician" "$max_time" --exclude-name "$users_change" || status=1
# A customer's contact, signed in to the portal with the link its e-mail carries (the relay
# writes it to the mail directory within its 10-second tick), and an agent to own the requests;
# made after the staff's runs, whose changes to contacts would end the session.
post /api/v1/users '{"username": "st.agent", "display_name": "Schemathesis Agent", "role": "agent",
    "password": "schemathesis-agent-password"}' "$admin" >/dev/null
customer_id="$(post /api/v1/customers '{"name": "Schemathesis Customer", "tier": "standard"}' "$admin" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
post "/api/v1/customers/$customer_id/contacts" \
    '{"name": "Schemathesis Contact", "email": "st.contact@example.com", "language": "en"}' "$admin" >/dev/null
post /api/v1/portal/sign-in '{"email": "st.contact@example.com"}' >/dev/null
link_token=""
for _ in $(seq 1 150); do
    link_token="$(python3 - "$work/mail" <<'PY'
import email, email.policy, pathlib, re, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")) if pathlib.Path(sys.argv[1]).is_dir() else []:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if "st.contact@example.com" not in str(msg["To"]):
        continue
    body = msg.get_body(preferencelist=("plain",))
    found = body and re.search(r"sign-in\?token=([A-Za-z0-9._-]+)", body.get_content())
    if found:
        print(found.group(1))
        break
PY
)"
    [ -n "$link_token" ] && break
    sleep 0.2
done
[ -n "$link_token" ] || { echo "no sign-in e-mail reached $work/mail"; cat "$work/server.log"; exit 1; }
contact="$(post /api/v1/portal/session "{\"token\": \"$link_token\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"

# Signing out ends the contact's session: it runs in the contact's run only after the rest.
portal_paths='^/api/v1/portal/'
portal_sign_out='POST /api/v1/portal/sign-out'
st_run "customer contact (portal)" "$contact" "$max_time" --include-path-regex "$portal_paths" \
    --exclude-name "$portal_sign_out" || status=1
st_run "customer contact, signing out" "$contact" 10 --include-name "$portal_sign_out" || status=1
st_run "admin, changes to users" "$last_admin" $((max_time / 6 + 1)) --include-name "$users_change" || status=1

if [ "$status" -ne 0 ]; then
    echo "schemathesis found failures; the server's log:"
    tail -n 50 "$work/server.log"
fi
exit "$status"
