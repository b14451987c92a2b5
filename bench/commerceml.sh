#!/usr/bin/env bash
# 1C exchange benchmark: N generated products (default 100,000) as import.xml + offers.xml, imported
# through our CommerceML importer, the same products through Odoo's own CSV import (load) and a bare
# parse of the files, in one run from the same empty state. Prints seconds, items/s and memory.
# Odoo's CSV import is stopped after BENCH_CSV_LIMIT seconds (900) and compared by its rate so far.
# BENCH_WHOLESALE=1: every offer also has a wholesale price, its price type mapped to a pricelist.
#   bench/commerceml.sh [products]
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
require_odoo
ensure_venv
COUNT=${1:-100000}
start_postgres
trap stop_postgres EXIT
DB=ecom_1c_bench_$(date +%s)
WORK=$(mktemp -d)
log "installing the addons into $DB"
odoo_bin -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --log-level=warn >/dev/null 2>&1 || die "install failed"
log "generating $COUNT products"
python "$ROOT/bench/gen_commerceml.py" "$COUNT" "$WORK"
ls -la "$WORK" >&2
log "importing"
BENCH_DIR=$WORK BENCH_COUNT=$COUNT odoo_bin shell -d "$DB" --log-level=warn --no-http \
    < "$ROOT/bench/commerceml_bench.py" 2>/dev/null | grep --line-buffered "^{"
rm -rf "$WORK"
