#!/usr/bin/env bash
# Benchmark of the nightly customer scoring on the demo store: a fresh database with the addons,
# N demo customers (default 1,000,000, about 10,000,000 order lines), then in one run
# (bench/scoring_bench.py inside odoo-bin shell): a bare SQL pass aggregating the same orders per
# customer (the floor), the full nightly run on the nights of a week from the day after the store's
# today (wall time, peak memory, longest chunk): one that learns both models (the first run), the
# one a week on that learns the order model, the next, which scores with it, the next, which learns
# the cross-sell model, and the one after, which scores with both kept; an incremental run after 1%
# of the customers changed, and a 10,000-customer sample scored record by record
# through the ORM (the naive way, extrapolated). Prints one JSON object.
#   bench/scoring.sh [customers]            or, on a demo database already filled:  DB=name bench/scoring.sh
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
require_odoo
ensure_venv
CUSTOMERS=${1:-1000000}
bench_database ecom_scoring_bench "$CUSTOMERS"
psql -d "$DB" -AtXc "SELECT 'rows: customers with orders ' || (SELECT count(DISTINCT partner_id) FROM sale_order) ||
    ', orders ' || (SELECT count(*) FROM sale_order) || ', order lines ' || (SELECT count(*) FROM sale_order_line)"
log "scoring"
odoo_bin shell -d "$DB" --log-level=warn --no-http < "$ROOT/bench/scoring_bench.py" 2>"$CACHE_DIR/bench-scoring.err" \
    | grep --line-buffered "^{" || { tail -n 30 "$CACHE_DIR/bench-scoring.err" >&2; die "the scoring bench failed"; }
