#!/usr/bin/env bash
# Benchmark of the demo store generator: a fresh database with the addons, then N customers
# (default 1,000,000, i.e. about 10,000,000 order lines), printing rows/s, wall time and the
# generator's peak memory (RSS of the Python process, and each step's), plus PostgreSQL's database size.
#   bench/demo_store.sh [customers]
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
require_odoo
ensure_venv
CUSTOMERS=${1:-1000000}
start_postgres
trap stop_postgres EXIT
DB=ecom_bench_$(date +%s)
log "installing the addons into $DB"
odoo_bin -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --log-level=warn >/dev/null 2>&1 \
    || die "install failed"
log "generating $CUSTOMERS customers"
/usr/bin/time -v python "$ODOO_PATH/odoo-bin" --addons-path="$(addons_path)" ecom_demo_store \
    -c "$ROOT/config/odoo.conf" --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password= \
    -d "$DB" --scale large --customers "$CUSTOMERS" --json --log-level=info 2>"$CACHE_DIR/bench-demo.err" \
    | tail -n1 | tee "$CACHE_DIR/bench-demo.json"
# the peak memory is the JSON's peak_rss_mb (and peak_rss_mb_by_step): the generator starts the process's
# peak again at each step, so time's "Maximum resident" only tells about the last steps
grep -E "Elapsed" "$CACHE_DIR/bench-demo.err"
psql -d "$DB" -AtXc "SELECT 'database size: ' || pg_size_pretty(pg_database_size(current_database()))"
psql -d "$DB" -AtXc "SELECT 'rows: partners ' || (SELECT count(*) FROM res_partner) || ', orders ' ||
    (SELECT count(*) FROM sale_order) || ', order lines ' || (SELECT count(*) FROM sale_order_line) ||
    ', leads ' || (SELECT count(*) FROM crm_lead)"
