# Run inside `odoo-bin shell` on a database filled by the demo store (bench/reports.sh): the store
# reports' default views as the pivot asks for them (one read_group per header, the total included),
# their drill-down lists, and the upkeep of the report tables. Prints one JSON object.
import json
import statistics
import time
from datetime import timedelta

from odoo import fields

REPEAT = 5


def timed(call):
    call()  # warm: the first call pays for the ORM's caches, not for the query
    runs = []
    for _i in range(REPEAT):
        env.invalidate_all()  # noqa: F821 (the shell's env)
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs) * 1000, 1)


now = fields.Datetime.now()
views = {
    "ecom.report.funnel": ([("date", ">=", now - timedelta(days=90))], ["stage_id"],
                           ["reached", "conversion_next", "dropped", "win_rate", "median_hours", "p90_hours",
                            "amount_lost"]),
    "ecom.report.refusal": ([("date", ">=", now - timedelta(days=365))], ["reason_id", "kind"],
                            ["refusals", "amount"]),
    "ecom.report.manager": ([("date", ">=", now - timedelta(days=30))], ["user_id"],
                            ["requests", "median_response_hours", "response_rate", "conversion", "revenue",
                             "avg_order", "overdue_activities"]),
}
salesman = env["res.users"].search([("share", "=", False), ("login", "like", "manager%")], limit=1) or \
    env["crm.lead"].search([("user_id", "!=", False)], limit=1).user_id  # noqa: F821
result = {"leads": env["crm.lead"].with_context(active_test=False).search_count([]),  # noqa: F821
          "stage_stays": env["ecom.lead.stage.history"].search_count([]),  # noqa: F821
          "funnel_rows": env["ecom.report.funnel"].search_count([]), "ms": {}}  # noqa: F821
for name, (domain, groupby, measures) in views.items():
    for who, user in (("owner", env.user), ("salesperson", salesman)):  # noqa: F821
        Model = env[name].with_user(user)  # noqa: F821

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
Funnel = env["ecom.report.funnel"]  # noqa: F821
started = time.perf_counter()
Funnel._cron_ecom_refresh_reports(full=True)
result["ms"]["full refresh of the report tables"] = round((time.perf_counter() - started) * 1000)
env.cr.execute("SELECT id FROM crm_lead ORDER BY id DESC LIMIT (SELECT count(*) / 100 FROM crm_lead)")  # noqa: F821
touched = [r[0] for r in env.cr.fetchall()]  # noqa: F821
env.cr.execute("UPDATE crm_lead SET write_date = now() at time zone 'utc' WHERE id = ANY(%s)", [touched])  # noqa: F821
started = time.perf_counter()
Funnel._cron_ecom_refresh_reports()
result["ms"]["incremental refresh, 1% of the requests changed"] = round((time.perf_counter() - started) * 1000)
# the owner's dashboard: each of its data sources as the web client reads it for the default period
# (last 30 days, and the 30 before for the comparison pivots), as the owner: a pivot's total and its
# rows (one read_group each), a chart's web_read_group
dashboard = json.loads(env.ref("ecom_crm.ecom_owner_dashboard").spreadsheet_data)  # noqa: F821


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
    Model = env[definition["model"]]  # noqa: F821
    domain = dashboard_domain(definition["domain"], definition["fieldMatching"])
    measures = [m["fieldName"] for m in definition["measures"]]
    rows = [r["fieldName"] for r in definition["rows"]]

    def read_pivot(Model=Model, domain=domain, measures=measures, rows=rows):
        Model.read_group(domain, measures, [], lazy=False)
        if rows:
            Model.read_group(domain, measures, rows, lazy=False)

    dashboard_ms[f"pivot {pivot_id} {definition['name']}"] = timed(read_pivot)
for figure in dashboard["sheets"][0]["figures"]:
    chart = figure["data"]
    if not chart["type"].startswith("odoo_"):
        continue
    Model = env[chart["metaData"]["resModel"]]  # noqa: F821
    measure = chart["metaData"]["measure"]
    spec = [f"{measure}:{Model._fields[measure].aggregator}"]
    domain = dashboard_domain(chart["searchParams"]["domain"], chart["fieldMatching"])
    dashboard_ms[f"chart {figure['id']}"] = timed(
        lambda Model=Model, domain=domain, spec=spec, groupby=chart["metaData"]["groupBy"]:
        Model.web_read_group(domain, ["__count", *spec], groupby, lazy=False))
result["ms"]["owner's dashboard: each data source"] = dashboard_ms
result["ms"]["owner's dashboard: all data sources, one after the other"] = round(sum(dashboard_ms.values()), 1)
env.cr.execute("SELECT count(*) FROM mail_message WHERE model = 'crm.lead'")  # noqa: F821
result["lead_messages"] = env.cr.fetchone()[0]  # noqa: F821
env.cr.rollback()  # noqa: F821
print(json.dumps(result, ensure_ascii=False))
