#!/usr/bin/env bash
# Benchmark of the store reports (funnel, refusals, salespeople) on the demo store: a fresh database
# with the addons and N demo customers (default 1,000,000, with 500,000 requests and their stage
# history), then bench/reports_bench.py inside odoo-bin shell: each report's default view as the
# pivot asks for it, as the owner and as a salesperson, its drill-down list, and the upkeep of the
# report tables (full, and after 1% of the requests changed). Prints one JSON object (milliseconds).
#   bench/reports.sh [customers] [leads]          or, on an existing database:  DB=name bench/reports.sh
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
require_odoo
ensure_venv
CUSTOMERS=${1:-1000000}
LEADS=${2:-500000}
bench_database ecom_reports_bench "$CUSTOMERS" --leads "$LEADS"
log "measuring the reports"
odoo_bin shell -d "$DB" --log-level=warn --no-http < "$ROOT/bench/reports_bench.py" 2>"$CACHE_DIR/bench-reports.err" \
    | grep --line-buffered "^{" || { tail -n 30 "$CACHE_DIR/bench-reports.err" >&2; die "the reports bench failed"; }
