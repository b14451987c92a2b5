"""Run inside `odoo-bin shell` by bench/channel_reports.sh (or by hand on a demo database): the
refresh of each channel/sales report (the hourly cron, on the primary) and each report's default
view as the web client asks for it (pivot: read_group; list: web_read_group; a drill-down: the
rows of one channel and month), as a sales manager and as a salesperson, each timed (best of 3,
server time, warm cache)."""

import json
import time

from odoo.tools import SQL

env = env  # noqa: F821 (given by odoo-bin shell)
cr = env.cr
out = {}
cr.execute("SELECT (SELECT count(*) FROM res_partner), (SELECT count(*) FROM sale_order), "
           "(SELECT count(*) FROM sale_order_line), (SELECT count(*) FROM crm_lead), "
           "(SELECT count(*) FROM ecom_ad_spend)")
out["rows"] = dict(zip(("partners", "orders", "order_lines", "leads", "ad_spend"), cr.fetchone(), strict=True))

REPORTS = {  # model: (pivot rows, measures of the default view)
    "ecom.report.channel": ("source_id", ["spend", "request_count", "order_count", "revenue", "cpl", "cpo",
                                          "conversion", "romi", "drr"]),
    "ecom.report.attribution": ("ft_source_id", ["order_count", "new_customer_count", "revenue",
                                                 "revenue_per_customer"]),
    "ecom.report.cohort": ("date:month", ["customer_count", "revenue_per_customer", "cac", "repeat_3m_share",
                                          "repeat_6m_share", "repeat_12m_share", "lifetime_romi"]),
    "ecom.report.sales": ("date:month", ["order_count", "revenue", "average_order", "new_customer_count",
                                         "repeat_rate", "margin", "margin_percent"]),
}


def best(fn, runs=3):
    times = []
    for _i in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(min(times) * 1000, 1)


for model in REPORTS:
    started = time.perf_counter()
    env[model]._ecom_refresh()
    cr.commit()
    out.setdefault("refresh_ms", {})[model] = round((time.perf_counter() - started) * 1000)
    cr.execute(SQL("SELECT count(*), pg_size_pretty(pg_total_relation_size(%s)) FROM %s",
                   env[model]._table, SQL.identifier(env[model]._table)))
    out.setdefault("report_rows", {})[model] = list(cr.fetchone())

manager = env.ref("base.user_admin")
cr.execute("SELECT user_id FROM sale_order WHERE user_id IS NOT NULL GROUP BY user_id ORDER BY count(*) DESC LIMIT 1")
seller = env["res.users"].browse(cr.fetchone()[0])
for label, user in (("manager", manager), ("salesperson", seller)):
    for model, (rows, measures) in REPORTS.items():
        Report = env[model].with_user(user)
        specs = [f"{name}:sum" for name in measures]
        timings = {
            "pivot": best(lambda Report=Report, specs=specs, rows=rows: Report.read_group(
                [], specs, [rows], lazy=False)),
            "pivot_by_month": best(lambda Report=Report, specs=specs: Report.read_group(
                [], specs, ["date:month"], lazy=False)),
            "list_grouped": best(lambda Report=Report, specs=specs, rows=rows: Report.web_read_group(
                [], specs, [rows])),
            "drill_down": best(lambda Report=Report: Report.search_read([], limit=80)),
        }
        out.setdefault(label, {})[model] = timings
print(json.dumps(out))
