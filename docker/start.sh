#!/bin/bash
# First start: create the database with the three addons (Russian loaded) and the demo store.
# Every start: serve it.  Idempotent: a database that is already set up is only served.
set -euo pipefail
DB=${ECOM_DB:-ecom_crm}
CONF=/etc/odoo/odoo.conf
DBARGS=(--db_host "${HOST:-db}" --db_port "${PORT:-5432}" --db_user "${USER:-odoo}" --db_password "${PASSWORD:-odoo}")
export PGHOST=${HOST:-db} PGPORT=${PORT:-5432} PGUSER=${USER:-odoo} PGPASSWORD=${PASSWORD:-odoo}

wait-for-psql.py "${DBARGS[@]}" --timeout=60

installed=$(psql -d "$DB" -AtXc "SELECT count(*) FROM ir_module_module WHERE state = 'installed'
            AND name IN ('ecom_crm', 'ecom_crm_1c', 'ecom_crm_scoring')" 2>/dev/null || echo 0)
if [ "$installed" != 3 ]; then
    echo "ecom_crm: installing the addons into $DB"
    odoo -c "$CONF" "${DBARGS[@]}" -d "$DB" -i ecom_crm,ecom_crm_1c,ecom_crm_scoring \
        --load-language=ru_RU --without-demo=all --stop-after-init
fi
if [ -z "$(psql -d "$DB" -AtXc "SELECT value FROM ir_config_parameter WHERE key = 'ecom_crm.demo_store'")" ]; then
    echo "ecom_crm: loading the demo store (${ECOM_DEMO_SCALE:-small})"
    odoo --addons-path=/mnt/extra-addons,/usr/lib/python3/dist-packages/odoo/addons ecom_demo_store \
        -c "$CONF" "${DBARGS[@]}" -d "$DB" --scale "${ECOM_DEMO_SCALE:-small}"
fi
exec odoo -c "$CONF" "${DBARGS[@]}" -d "$DB" "$@"
