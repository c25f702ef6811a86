#!/usr/bin/env bash
# GET /api/v1/tickets/{id} throughput of two builds, interleaved (scripts/bench-ab.sh read).
#
#   scripts/bench-ticket-read.sh BINARY_A BINARY_B [sqlite|postgres] [RUNS=5] [SECONDS=10] [CONNECTIONS=16]
exec "$(dirname "$0")/bench-ab.sh" read "$@"
