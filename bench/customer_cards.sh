#!/usr/bin/env bash
# Benchmark of the customer cards' daily refresh on the demo store: a fresh database with the addons
# and N demo customers (default 1,000,000), then bench/customer_cards_bench.py inside odoo-bin shell:
# the scheduled job as it runs (committed batches of customers, here in one transaction rolled back)
# at a few batch sizes, beside every card in one UPDATE, alternated. Prints one JSON object (seconds).
#   bench/customer_cards.sh [customers]          or, on an existing database:  DB=name bench/customer_cards.sh
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
require_odoo
ensure_venv
CUSTOMERS=${1:-1000000}
bench_database ecom_cards_bench "$CUSTOMERS"
log "measuring the customer cards' refresh"
odoo_bin shell -d "$DB" --log-level=warn --no-http < "$ROOT/bench/customer_cards_bench.py" \
    2>"$CACHE_DIR/bench-cards.err" | grep --line-buffered "^{" \
    || { tail -n 30 "$CACHE_DIR/bench-cards.err" >&2; die "the customer cards bench failed"; }
