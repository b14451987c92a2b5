# Run inside `odoo-bin shell` on a database filled by the demo store and bench/returns_credit_notes.sql:
# what the store's returns (order_refunds) feed, each timed as the CPU time of the PostgreSQL backend
# (utime + stime from /proc: wall time on a shared machine is not comparable between runs; no parallel
# workers): the returns of every order, the materialized views' queries, the report tables' full and
# incremental refresh, the customer cards in one UPDATE, a batch of 2,000, 2,000 customers with credit
# notes and one. Prints one JSON object: [CPU ms, wall ms], best of the runs. The server must be local.
import json
import os
import time

from odoo.addons.ecom_crm.models.ecom_report_mixin import order_refunds
from odoo.tools import SQL

env = env  # noqa: F821
cr = env.cr
out = {}
TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu():
    cr.execute("SELECT pg_backend_pid()")
    pid = cr.fetchone()[0]
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK


def best(fn, runs=3):
    cpu, wall = [], []
    for _i in range(runs):
        cr.execute("SET max_parallel_workers_per_gather = 0")
        before, started = backend_cpu(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(backend_cpu() - before)
        cr.rollback()
        env.invalidate_all()
    return [round(min(cpu)), round(min(wall) * 1000)]


def query(sql):
    def run():
        cr.execute("SET LOCAL work_mem = '256MB'")
        cr.execute(SQL("CREATE TEMP TABLE bench_x AS (%s)", sql))
    return run


out["order_refunds() full"] = best(query(order_refunds()))
for model in ("ecom.report.channel", "ecom.report.attribution", "ecom.report.cohort", "ecom.report.sales"):
    out[model] = best(query(env[model]._ecom_query()))
Funnel = env["ecom.report.funnel"]
out["table reports, full"] = best(lambda: Funnel._cron_ecom_refresh_reports(full=True), runs=2)
Funnel._cron_ecom_refresh_reports(full=True)
cr.commit()
cr.execute("SELECT id FROM crm_lead WHERE id % 100 = 0")
touched = [r[0] for r in cr.fetchall()]


def incremental():
    cr.execute("UPDATE crm_lead SET write_date = now() at time zone 'utc' WHERE id = ANY(%s)", [touched])
    Funnel._cron_ecom_refresh_reports()


out["table reports, 1% of the requests changed"] = best(incremental)
Partner = env["res.partner"]
out["card, one UPDATE"] = best(lambda: Partner._ecom_refresh_customer_card(), runs=2)
holders = Partner._ecom_card_holders()
cr.rollback()
out["card, a batch of 2000"] = best(lambda: Partner._ecom_refresh_customer_card(holders[20000:22000]))
cr.execute("SELECT DISTINCT commercial_partner_id FROM account_move WHERE move_type = 'out_refund' LIMIT 2000")
credited = [r[0] for r in cr.fetchall()]
out["card, 2000 customers with credit notes"] = best(lambda: Partner._ecom_refresh_customer_card(credited))
out["card, one customer"] = best(lambda: Partner._ecom_refresh_customer_card(credited[:1]), runs=5)
print(json.dumps(out), flush=True)
