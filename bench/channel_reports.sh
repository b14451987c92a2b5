#!/usr/bin/env bash
# Benchmark of the channel and sales reports (issue 18): a fresh database with the demo store of N
# customers (default 1,000,000: about 10,000,000 order lines and a year of daily ad spend for 50
# campaigns), then each report's refresh and default views, timed (bench/channel_reports_bench.py).
#   bench/channel_reports.sh [customers]     or, on a demo database already filled:  DB=name bench/channel_reports.sh
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
require_odoo
ensure_venv
CUSTOMERS=${1:-1000000}
bench_database ecom_reports_bench "$CUSTOMERS"
log "reports"
odoo_bin shell -d "$DB" --log-level=warn --no-http < "$ROOT/bench/channel_reports_bench.py" \
    2>"$CACHE_DIR/bench-reports.err" | grep --line-buffered "^{" \
    || { tail -n 30 "$CACHE_DIR/bench-reports.err" >&2; die "the reports bench failed"; }
