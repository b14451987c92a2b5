# Run inside `odoo-bin shell` on a database filled by the demo store (bench/reports.sh): the store
# reports' default views as the pivot asks for them (one read_group per header, the total included,
# with the period filter the web client sends: from a midnight of the user's time zone), their
# drill-down lists, a regrouping the daily pre-aggregates cannot answer (by campaign, read from the
# rows), the owner's dashboard's data sources, and the upkeep of the report tables (not with
# BENCH_UPKEEP=0). Prints one JSON object
# (milliseconds, median of 5). It also runs on the code before the pre-aggregates (for a comparison).
import json
import os
import statistics
import time
from datetime import datetime, timedelta

import pytz

from odoo import fields

env = env  # noqa: F821 (the shell's env)
REPEAT = 5


def timed(call):
    call()  # warm: the first call pays for the ORM's caches, not for the query
    runs = []
    for _i in range(REPEAT):
        env.invalidate_all()
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs) * 1000, 1)


owner = env.ref("base.user_admin")
tz = owner.tz or env.company.partner_id.tz or "UTC"
today = datetime.now(pytz.timezone(tz)).date()


def since(days):
    """The search view's «last N days»: from the midnight N days ago in the user's time zone, in UTC."""
    start = pytz.timezone(tz).localize(datetime.combine(today - timedelta(days=days), datetime.min.time()))
    return start.astimezone(pytz.utc).replace(tzinfo=None)


views = {
    "ecom.report.funnel": ([("date", ">=", since(90))], ["stage_id"],
                           ["reached", "conversion_next", "dropped", "win_rate", "median_hours", "p90_hours",
                            "amount_lost"]),
    "ecom.report.refusal": ([("date", ">=", since(365))], ["reason_id", "kind"], ["refusals", "amount"]),
    "ecom.report.manager": ([("date", ">=", since(30))], ["user_id"],
                            ["requests", "median_response_hours", "response_rate", "conversion", "revenue",
                             "avg_order", "overdue_activities"]),
}
salesman = env["res.users"].search([("share", "=", False), ("login", "like", "manager%")], limit=1) or \
    env["crm.lead"].search([("user_id", "!=", False)], limit=1).user_id
cr = env.cr
result = {"leads": env["crm.lead"].with_context(active_test=False).search_count([]),
          "stage_stays": env["ecom.lead.stage.history"].search_count([]), "tz": tz, "rows": {}, "rollup": {},
          "ms": {}}
for name in views:
    Report = env[name]
    cr.execute(f"SELECT count(*) FROM {Report._table}")
    result["rows"][name] = cr.fetchone()[0]
    if getattr(Report, "_ecom_rollup_dims", None):
        cr.execute(f"SELECT count(*) FROM {Report._ecom_rollup_table()}")
        result["rollup"][name] = cr.fetchone()[0]
for name, (domain, groupby, measures) in views.items():
    for who, user in (("owner", owner), ("salesperson", salesman)):
        Model = env[name].with_user(user).with_context(tz=tz)
        specs = [f"{m}:{Model._fields[m].aggregator}" for m in measures]
        if hasattr(Model, "_ecom_rollup_serves"):
            result.setdefault("served_by_rollup", {})[f"{name} {who}"] = Model._ecom_rollup_serves(
                domain, groupby, specs, (), None)

        def pivot(Model=Model, domain=domain, groupby=groupby, measures=measures):
            Model.read_group(domain, measures, [])  # the total
            for depth in range(1, len(groupby) + 1):
                Model.read_group(domain, measures, groupby[:depth], lazy=False)

        def drill(Model=Model, domain=domain, groupby=groupby):
            first = Model.read_group(domain, ["__count"], groupby[:1], lazy=False)[:1]
            sub = first[0]["__domain"] if first else domain
            Model.search_read(sub, ["lead_id", "date"], limit=80)

        result["ms"][f"{name} {who}: default view"] = timed(pivot)
        result["ms"][f"{name} {who}: drill-down"] = timed(drill)
    if name == "ecom.report.funnel":
        Model = env[name].with_user(owner).with_context(tz=tz)
        result["ms"][f"{name} owner: by campaign (rows)"] = timed(
            lambda Model=Model, domain=domain, measures=measures: Model.read_group(
                domain, measures, ["campaign_id"], lazy=False))
# the owner's dashboard: each of its data sources as the web client reads it for the default period
# (last 30 days, and the 30 before for the comparison pivots), as the owner: a pivot's total and its
# rows (one read_group each), a chart's web_read_group
# (skipped without the dashboard or its file in this data_dir's filestore: a database copied alone)
dashboard_file = env.ref("ecom_crm.ecom_owner_dashboard", raise_if_not_found=False)
dashboard = json.loads((dashboard_file and dashboard_file.spreadsheet_data) or '{"pivots": {}, "sheets": [{}]}')


def dashboard_domain(domain, matching):
    domain = [tuple(leaf) for leaf in domain]
    for match in matching.values():
        if match.get("chain") == "date":
            offset = match.get("offset", 0)
            end = fields.Datetime.to_datetime(fields.Date.today()) + timedelta(days=1 + 30 * offset, seconds=-1)
            start = end + timedelta(seconds=1) - timedelta(days=30)
            bounds = (start.date(), end.date()) if match["type"] == "date" else (start, end)
            domain += [("date", ">=", bounds[0]), ("date", "<=", bounds[1])]
    return domain


dashboard_ms = {}
for pivot_id, definition in dashboard["pivots"].items():
    Model = env[definition["model"]]
    domain = dashboard_domain(definition["domain"], definition["fieldMatching"])
    measures = [m["fieldName"] for m in definition["measures"]]
    rows = [r["fieldName"] for r in definition["rows"]]

    def read_pivot(Model=Model, domain=domain, measures=measures, rows=rows):
        Model.read_group(domain, measures, [], lazy=False)
        if rows:
            Model.read_group(domain, measures, rows, lazy=False)

    dashboard_ms[f"pivot {pivot_id} {definition['name']}"] = timed(read_pivot)
for figure in dashboard["sheets"][0].get("figures", []):
    chart = figure["data"]
    if not chart["type"].startswith("odoo_"):
        continue
    Model = env[chart["metaData"]["resModel"]]
    measure = chart["metaData"]["measure"]
    spec = [f"{measure}:{Model._fields[measure].aggregator}"]
    domain = dashboard_domain(chart["searchParams"]["domain"], chart["fieldMatching"])
    dashboard_ms[f"chart {figure['id']}"] = timed(
        lambda Model=Model, domain=domain, spec=spec, groupby=chart["metaData"]["groupBy"]:
        Model.web_read_group(domain, ["__count", *spec], groupby, lazy=False))
result["ms"]["owner's dashboard: each data source"] = dashboard_ms
result["ms"]["owner's dashboard: all data sources, one after the other"] = round(sum(dashboard_ms.values()), 1)
if os.environ.get("BENCH_UPKEEP") != "0":
    Funnel = env["ecom.report.funnel"]
    started = time.perf_counter()
    Funnel._cron_ecom_refresh_reports(full=True)
    result["ms"]["full refresh of the report tables"] = round((time.perf_counter() - started) * 1000)
    cr.execute("SELECT id FROM crm_lead ORDER BY id DESC LIMIT (SELECT count(*) / 100 FROM crm_lead)")
    touched = [r[0] for r in cr.fetchall()]
    cr.execute("UPDATE crm_lead SET write_date = now() at time zone 'utc' WHERE id = ANY(%s)", [touched])
    started = time.perf_counter()
    Funnel._cron_ecom_refresh_reports()
    result["ms"]["incremental refresh, 1% of the requests changed"] = round((time.perf_counter() - started) * 1000)
cr.execute("SELECT count(*) FROM mail_message WHERE model = 'crm.lead'")
result["lead_messages"] = cr.fetchone()[0]
cr.rollback()
print(json.dumps(result, ensure_ascii=False))
