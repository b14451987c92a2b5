"""The owner's dashboard (a spreadsheet dashboard on the store's reports): its data sources are
valid against the registry, its headline numbers, tables and charts give the known figures of a
small hand-built store when read as the web client reads them (one ``read_group`` per pivot and
grouping, the global filters' domains added), only sales managers see it, its texts are in Russian.
"""

import ast
import json
import re
from datetime import datetime, time, timedelta

from freezegun import freeze_time
from PIL import ImageFont

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open, file_path
from odoo.tools.translate import code_translations, extract_spreadsheet_terms

from ..tools import owner_dashboard
from .common import ReportCase

# the browser's «now» of the figures below (UTC): «last 30 days» is 2026-11-01 … 2026-11-30, the
# period before it 2026-10-02 … 2026-10-31
NOW = datetime(2026, 11, 30, 12, 0)
JSON_PATH = "ecom_crm/data/files/ecom_owner_dashboard.json"
FORMULA = re.compile(r"(PIVOT(?:\.VALUE|\.HEADER)?)\(([^()]*)\)")
# a scorecard's baseline: the previous period's figure when comparable, else «—»
BASELINE = re.compile(r'IF\(AND\(ISNUMBER\(B(\d+)\),ISNUMBER\(C\1\)(,C\1<>0)?\),'
                      r'IF\(ROUND\((?:B\1-C\1,1|B\1/C\1-1,3)\)=0,B\1,C\1\),"(.*)"\)')


def relative_period(field_type, offset, now=NOW):
    """The bounds the spreadsheet's «last 30 days» filter gives (``getRelativeDateDomain``)."""
    end = datetime.combine(now.date(), time.max).replace(microsecond=0) + timedelta(days=30 * offset)
    start = datetime.combine(now.date() + timedelta(days=1), time.min) - timedelta(days=30) \
        + timedelta(days=30 * offset)
    if field_type == "date":
        return start.date(), end.date()
    return start, end


class Dashboard:
    """The dashboard's data sources read as the web client reads them, and its cells' pivot
    formulas evaluated on what they read."""

    def __init__(self, env, data, filters=None):
        self.env, self.data = env, data
        self.filters = filters or {}  # {filter id: record ids}
        self.results = {}

    def domain(self, source_domain, matching):
        domain = [tuple(leaf) if isinstance(leaf, list) else leaf for leaf in source_domain]
        for filter_id, match in matching.items():
            if filter_id == owner_dashboard.PERIOD:
                start, end = relative_period(match["type"], match.get("offset", 0))
                domain += [(match["chain"], ">=", start), (match["chain"], "<=", end)]
            elif self.filters.get(filter_id):
                domain.append((match["chain"], "in", self.filters[filter_id]))
        return domain

    def pivot(self, pivot_id):
        """(total, [group rows]) of a pivot: its total and its rows' groups, in its order."""
        if pivot_id not in self.results:
            definition = self.data["pivots"][pivot_id]
            Model = self.env[definition["model"]]
            domain = self.domain(definition["domain"], definition["fieldMatching"])
            measures = [measure["fieldName"] for measure in definition["measures"]]
            [total] = Model.read_group(domain, measures, [], lazy=False)
            rows = []
            if definition["rows"]:
                rows = Model.read_group(domain, measures, [row["fieldName"] for row in definition["rows"]],
                                        lazy=False)
                sort = definition.get("sortedColumn")
                if sort:
                    rows.sort(key=lambda row: row[sort["measure"]] or 0, reverse=sort["order"] == "desc")
            self.results[pivot_id] = (total, rows)
        return self.results[pivot_id]

    def call(self, function, pivot_id, *args):
        total, rows = self.pivot(str(pivot_id))
        definition = self.data["pivots"][str(pivot_id)]
        if function == "PIVOT.VALUE":
            measure, args = args[0], args[1:]
        row = total
        if args:
            field, value = args
            if field.startswith("#"):
                row = rows[value - 1] if value <= len(rows) else None
                field = field[1:]
            else:
                row = next((row for row in rows if (row[field][0] if isinstance(row[field], tuple) else row[field])
                            == value), None)
            if function == "PIVOT.HEADER":
                if args[0].startswith("#"):
                    if row is None:
                        return ""
                    value = row[field]
                if isinstance(value, tuple):
                    return value[1]
                selection = self.env[definition["model"]]._fields[field].selection
                return dict(selection).get(value, value) if isinstance(selection, list) else value
        value = None if row is None else row.get(measure)
        return "" if value is None or value is False else value  # an empty pivot cell

    def cell(self, ref):
        content = self.data["sheets"][0]["cells"][ref]["content"][1:]
        if baseline := BASELINE.fullmatch(content):
            row, relative, none = baseline.groups()
            current, previous = self.cell(f"B{row}"), self.cell(f"C{row}")
            numbers = all(isinstance(value, (int, float)) for value in (current, previous))
            if not numbers or (relative and previous == 0):
                return none
            # a change too small to show (0.0%, 0.0 points) compares with the figure itself
            change = round(current / previous - 1, 3) if relative else round(current - previous, 1)
            return current if change == 0 else previous
        match = FORMULA.fullmatch(content)
        assert match, f"{ref} is not one pivot formula: {content}"
        return self.call(match[1], *ast.literal_eval(f"({match[2]},)"))

    def shown(self, ref):
        """What the cell shows of an empty value: its format's text part (o-spreadsheet's fourth part of a
        format formats a text, the empty value a pivot gives of nothing), its value otherwise."""
        value = self.cell(ref)
        sheet = self.data["sheets"][0]
        fmt = self.data["formats"].get(str(sheet["formats"].get(ref)), "")
        parts = fmt.split(";")
        if value == "" and len(parts) == 4:
            return parts[3].strip('"')
        return value

    def chart(self, figure_id):
        """``{group label: value}`` of an Odoo chart, as its graph model reads it."""
        [figure] = [f for f in self.data["sheets"][0]["figures"] if f["id"] == figure_id]
        chart = figure["data"]
        Model = self.env[chart["metaData"]["resModel"]]
        measure = chart["metaData"]["measure"]
        aggregator = Model._fields[measure].aggregator
        groupby = chart["metaData"]["groupBy"]
        result = Model.web_read_group(self.domain(chart["searchParams"]["domain"], chart["fieldMatching"]),
                                      ["__count", f"{measure}:{aggregator}"], groupby, lazy=False)
        return {(group[groupby[0]][1] if group[groupby[0]] else None): group[measure] for group in result["groups"]}


def load_dashboard():
    with file_open(JSON_PATH, "rb") as data:
        return json.load(data)


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestOwnerDashboard(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("ecom_crm.ecom_owner_dashboard")
        # its spreadsheet is an attachment: in the filestore of the installation (same data_dir)
        assert cls.dashboard.spreadsheet_data, "the dashboard's file is not in this data_dir's filestore"
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        cls.yandex = cls.env.ref("ecom_crm.utm_source_yandex_direct")
        cls.vk = cls.env.ref("ecom_crm.utm_source_vk")
        cls.team_a = cls.env["crm.team"].create({"name": "Розница"})
        cls.team_b = cls.env["crm.team"].create({"name": "Опт"})
        ready = cls._ready_for_payment()
        # this period: four requests from Yandex (two sold, one lost in «First contact», one open),
        # one from VK whose order came back at delivery
        won = [cls._request(datetime(2026, 11, 10, 9), cls.yandex, team=cls.team_a, expected_revenue=900, **ready)
               for _i in range(2)]
        lost = cls._request(datetime(2026, 11, 10, 9), cls.yandex, team=cls.team_a, expected_revenue=500)
        cls._request(datetime(2026, 11, 10, 9), cls.yandex, team=cls.team_a, expected_revenue=300)
        returned = cls._request(datetime(2026, 11, 11, 9), cls.vk, team=cls.team_b, user=cls.sales_manager,
                                expected_revenue=2000)
        for lead, amount in zip(won, (3000, 1000), strict=True):
            cls._win(lead)
            cls._dated_order(lead, amount, datetime(2026, 11, 12, 9))
        lost.stage_id = cls.stage_contact
        cls._lose(lost, cls.reason_expensive, datetime(2026, 11, 14, 9))
        order = cls._dated_order(returned, 2000, datetime(2026, 11, 12, 9))
        with freeze_time(datetime(2026, 11, 20, 9)):
            order._ecom_set_status("returned", reason=cls.reason_delivery_refused)
        cls._spend("2026-11-10", cls.yandex, 1000)
        cls._spend("2026-11-10", cls.vk, 500)
        # the period before: one request sold, one lost at once
        before = cls._request(datetime(2026, 10, 15, 9), cls.yandex, team=cls.team_a, **ready)
        cls._win(before)
        cls._dated_order(before, 1500, datetime(2026, 10, 16, 9))
        cls._lose(cls._request(datetime(2026, 10, 15, 9), cls.yandex, team=cls.team_a, expected_revenue=200),
                  cls.reason_no_answer, datetime(2026, 10, 20, 9))
        cls._spend("2026-10-15", cls.yandex, 600)
        # and one long before: out of both periods
        cls._request(datetime(2026, 6, 1, 9), cls.yandex, team=cls.team_a)
        cls._refresh()
        cls.env["ecom.report.matview"]._ecom_refresh_all()

    @classmethod
    def _request(cls, when, source, team, user=None, **vals):
        lead = cls._lead(source_id=source.id, team_id=team.id, user_id=(user or cls.salesman).id,
                         partner_id=cls.Partner.create({"name": "Покупатель"}).id, **vals)
        cls._set_created(lead, when)
        return lead

    @classmethod
    def _win(cls, lead):
        lead.stage_id = cls.stage_payment  # the mandatory stage; «First contact» and «Deciding» skipped
        lead.stage_id = cls.stage_sold

    @classmethod
    def _lose(cls, lead, reason, when):
        lead.action_set_lost(lost_reason_id=reason.id)
        lead.flush_recordset()
        cls.env.cr.execute("UPDATE crm_lead SET date_closed = %s WHERE id = %s", [when, lead.id])
        lead.invalidate_recordset(["date_closed"])

    @classmethod
    def _dated_order(cls, lead, amount, when):
        order = cls._order(lead, amount)
        order.flush_recordset()
        cls.env.cr.execute("UPDATE sale_order SET date_order = %s WHERE id = %s", [when, order.id])
        order.invalidate_recordset(["date_order"])
        return order

    @classmethod
    def _spend(cls, day, source, amount):
        cls.env["ecom.ad.spend"].create({"date": day, "source_id": source.id, "amount": amount})

    def reader(self, user=None, **filters):
        return Dashboard(self.env(user=user or self.sales_manager), self.data, filters)

    def kpis(self, dashboard):
        """{label: (this period, previous period)} of the headline table, as shown (an empty value's 0 or «—»)."""
        return {label: (dashboard.shown(f"B{row}"), dashboard.shown(f"C{row}"))
                for label, row in owner_dashboard.KPI_ROW.items()}

    # ---------------------------------------------------------------------------------- the file
    def test_the_shipped_file_is_the_builders(self):
        self.assertEqual(load_dashboard(), json.loads(owner_dashboard.dump(owner_dashboard.build())),
                         "run python3 addons/ecom_crm/tools/owner_dashboard.py")
        self.assertEqual(self.data, load_dashboard(), "the record holds the file")

    def test_every_data_source_is_valid(self):
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        self.assertEqual(filters[owner_dashboard.PERIOD]["defaultValue"], "last_month")
        sources = [(f"pivot {pivot_id}", p["model"], [m["fieldName"] for m in p["measures"]],
                    [r["fieldName"] for r in p["rows"] + p["columns"]], p["domain"], p["fieldMatching"],
                    p["actionXmlId"]) for pivot_id, p in self.data["pivots"].items()]
        charts = [f for f in self.data["sheets"][0]["figures"] if f["data"]["type"].startswith("odoo_")]
        self.assertEqual(len(charts), 4)
        sources += [(f"chart {f['id']}", f["data"]["metaData"]["resModel"], [f["data"]["metaData"]["measure"]],
                     f["data"]["metaData"]["groupBy"], f["data"]["searchParams"]["domain"], f["data"]["fieldMatching"],
                     f["data"]["actionXmlId"]) for f in charts]
        for name, model, measures, groupbys, domain, matching, action in sources:
            with self.subTest(name):
                Model = self.env[model].with_user(self.sales_manager)
                described = Model.fields_get(attributes=["type", "aggregator", "groupable", "store"])
                for measure in measures:
                    self.assertTrue(described[measure].get("aggregator"), f"{measure}: not a measure")
                    self.assertTrue(described[measure]["store"])
                for groupby in groupbys:
                    self.assertTrue(described[groupby.split(":")[0]]["groupable"], groupby)
                Model.search_count([tuple(leaf) for leaf in domain])  # a valid domain
                for filter_id, match in matching.items():
                    self.assertIn(filter_id, filters)
                    fields = Model
                    for part in match["chain"].split("."):
                        field = fields._fields[part]
                        fields = self.env[field.comodel_name] if field.relational else None
                    expected = {"date": ("date", "datetime"), "relation": ("many2one",)}[filters[filter_id]["type"]]
                    self.assertIn(field.type, expected, match["chain"])
                    self.assertEqual(match["type"], field.type)
                    if filters[filter_id]["type"] == "relation":
                        self.assertEqual(field.comodel_name, filters[filter_id]["modelName"])
                self.assertEqual(self.env.ref(action).res_model, model)
        # every pivot formula names a pivot, one of its measures and one of its rows
        for ref, cell in self.data["sheets"][0]["cells"].items():
            for function, args in FORMULA.findall(cell["content"]):
                pivot_id, *rest = ast.literal_eval(f"({args},)")
                definition = self.data["pivots"][str(pivot_id)]
                if function == "PIVOT.VALUE":
                    self.assertIn(rest.pop(0), [m["fieldName"] for m in definition["measures"]], ref)
                for field in rest[::2]:
                    self.assertIn(field.lstrip("#"), [r["fieldName"] for r in definition["rows"]], ref)
        # titles and scorecards open menus the manager sees
        visible = self.env["ir.ui.menu"].with_user(self.sales_manager)._visible_menu_ids()
        menus = set(self.data["chartOdooMenusReferences"].values()) | {
            m for cell in self.data["sheets"][0]["cells"].values()
            for m in re.findall(r"odoo://ir_menu_xml_id/([\w.]+)\)", cell["content"])}
        self.assertGreaterEqual(len(menus), 5)
        for xmlid in menus:
            self.assertIn(self.env.ref(xmlid).id, visible, xmlid)
        for figure in self.data["sheets"][0]["figures"]:
            if figure["data"]["type"] == "scorecard":
                for key in ("keyValue", "baseline"):
                    self.assertIn(figure["data"][key].split("!")[1], self.data["sheets"][0]["cells"])

    # ---------------------------------------------------------------------------------- figures
    def test_headline_numbers_of_the_period_and_the_previous(self):
        kpis = self.kpis(self.reader())
        self.assertEqual(kpis["Requests"], (5, 2))
        self.assertEqual(kpis["Of them won so far"], (2, 1))
        self.assertAlmostEqual(kpis["Request to sale (%)"][0], 40)
        self.assertAlmostEqual(kpis["Request to sale (%)"][1], 50)
        self.assertEqual(kpis["Orders"], (2, 1), "the order refused at delivery is no sale")
        self.assertEqual(kpis["Sales revenue incl. VAT"], (4000, 1500))
        self.assertEqual(kpis["Sales revenue excl. VAT"], (4000, 1500), "orders without VAT: the same")
        self.assertEqual(kpis["Average order value"], (2000, 1500))
        self.assertEqual(kpis["Ad spend"], (1500, 600))
        self.assertAlmostEqual(kpis["ROMI of paid channels (%)"][0], 100 * (4000 - 1500) / 1500)
        self.assertAlmostEqual(kpis["ROMI of paid channels (%)"][1], 150)
        self.assertAlmostEqual(kpis["Ad spend to revenue, ДРР (%)"][0], 37.5)
        self.assertAlmostEqual(kpis["Ad spend to revenue, ДРР (%)"][1], 40)
        self.assertEqual(kpis["Refusals"], (2, 1))
        self.assertEqual(kpis["Money lost to refusals"], (2500, 200))
        self.assertEqual(kpis["Refused at delivery"], (1, "0"))
        self.assertEqual(kpis["Money lost at delivery"], (2000, "0"))

    def test_a_percentages_change_is_in_points_and_says_so(self):
        """A percentage's change is a difference in percentage points, which the table's «Изменение» and the
        cards say («-10,0 п.п.», «↓10,0 п.п. к прошлому периоду»): a bare «-10,0» beside the relative «+167%»
        of the counts read as a percent. A count's or an amount's change stays relative (in %)."""
        dashboard, cells = self.reader(), self.data["sheets"][0]["cells"]
        points = re.compile(r'=IF\(AND\(ISNUMBER\(B(\d+)\),ISNUMBER\(C\1\)\),TEXT\(ROUND\(B\1-C\1,1\),"([^"]+)"\)'
                            r'&" "&_t\("pp"\),""\)')
        formats = {ref: self.data["formats"][str(index)] for ref, index in self.data["sheets"][0]["formats"].items()}
        for label, _cur, _prev, _args, kind in owner_dashboard.KPIS:
            row = owner_dashboard.KPI_ROW[label]
            match = points.fullmatch(cells[f"D{row}"]["content"])
            with self.subTest(label=label):
                if kind == "ratio":
                    self.assertTrue(match, "a difference, its unit after it")
                    self.assertEqual(match[2], "+#,##0.0;-#,##0.0;0.0")
                    # its thousands grouped as the amounts beside it: a ROMI of «1 308,5», not «1308,5»
                    for col in "BC":
                        self.assertTrue(formats[f"{col}{row}"].startswith("#,##0.0;"), col)
                else:
                    self.assertFalse(match)
                    self.assertRegex(cells[f"D{row}"]["content"], rf"ROUND\(\(?B{row}(\+0\))?/\(?C{row}(\+0\))?-1,2\)",
                                     "a relative change, rounded to the whole percent its format shows")
                    self.assertEqual(formats[f"D{row}"], "+0%;-0%;0%")
        conversion = owner_dashboard.KPI_ROW["Request to sale (%)"]
        self.assertAlmostEqual(dashboard.cell(f"B{conversion}") - dashboard.cell(f"C{conversion}"), -10)  # 40 - 50
        russian = {message["id"]: message["string"]
                   for message in code_translations.get_web_translations("ecom_crm", "ru_RU")["messages"]}
        self.assertEqual(russian["pp"], "п.п.")
        cards = {figure["data"]["title"]["text"]: figure["data"] for figure in self.data["sheets"][0]["figures"]
                 if figure["data"]["type"] == "scorecard"}
        self.assertEqual({title: (card["baselineMode"], russian[card["baselineDescr"]])
                          for title, card in cards.items()},
                         {"Sales revenue incl. VAT": ("percentage", "к прошлому периоду"),
                          "Orders": ("percentage", "к прошлому периоду"),
                          "Request to sale (%)": ("difference", "п.п. к прошлому периоду"),
                          "ROMI of paid channels (%)": ("difference", "п.п. к прошлому периоду")})

    def test_revenue_with_vat_and_without(self):
        """A Yandex order of this period at 1000 + 20% VAT: 1200 more in the revenue incl. VAT, 1000 in the one
        without (the set-up's orders have no VAT: the same in both); the average order, ROMI and ДРР take the
        revenue incl. VAT, as the ad spend they are set against is."""
        lead = self._request(datetime(2026, 11, 10, 9), self.yandex, team=self.team_a)
        order = self._dated_order(lead, 1000, datetime(2026, 11, 12, 9))
        order.order_line.tax_id = self._vat()
        self.assertEqual((order.amount_untaxed, order.amount_total), (1000, 1200))
        self.env["ecom.report.matview"]._ecom_refresh_all()
        kpis = self.kpis(self.reader())
        self.assertEqual(kpis["Sales revenue incl. VAT"], (5200, 1500))
        self.assertEqual(kpis["Sales revenue excl. VAT"], (5000, 1500))
        self.assertAlmostEqual(kpis["Average order value"][0], 5200 / 3)
        self.assertAlmostEqual(kpis["ROMI of paid channels (%)"][0], 100 * (5200 - 1500) / 1500)
        self.assertAlmostEqual(kpis["Ad spend to revenue, ДРР (%)"][0], 100 * 1500 / 5200)

    def test_global_filters(self):
        mine = self.kpis(self.reader(**{owner_dashboard.USER: [self.salesman.id]}))
        self.assertEqual((mine["Requests"], mine["Of them won so far"], mine["Sales revenue incl. VAT"],
                          mine["Refusals"]), ((4, 2), (2, 1), (4000, 1500), (1, 1)))
        self.assertEqual(mine["Ad spend"], ("—", "—"), "ad spend belongs to no salesperson: none, not 0")
        vk = self.kpis(self.reader(**{owner_dashboard.CHANNEL: [self.vk.id]}))
        self.assertEqual((vk["Requests"], vk["Of them won so far"], vk["Ad spend"], vk["Refused at delivery"],
                          vk["Money lost at delivery"]), ((1, "0"), ("0", "0"), (500, "—"), (1, "0"), (2000, "0")))
        self.assertAlmostEqual(vk["ROMI of paid channels (%)"][0], -100)
        team = self.kpis(self.reader(**{owner_dashboard.TEAM: [self.team_b.id]}))
        self.assertEqual((team["Requests"][0], team["Orders"][0], team["Refusals"][0]), (1, 0, 1))

    def test_a_cards_change_too_small_to_show_has_no_arrow(self):
        """A card's change that rounds to nothing (0,0% of revenue, 0,0 points of conversion) compares with the
        figure itself: o-spreadsheet's card draws an arrow of the difference's sign whatever its value, and
        a revenue 0,004% lower read «↓0,0%» in red (the table's «-0,0 п.п.» on a card). A change it shows
        compares with the previous period's figure."""
        revenue, conversion = owner_dashboard.KPI_ROW["Sales revenue incl. VAT"], owner_dashboard.KPI_ROW[
            "Request to sale (%)"]

        class Figures(Dashboard):
            def __init__(self, env, data, figures):
                super().__init__(env, data)
                self.figures = figures

            def cell(self, ref):
                return self.figures[ref] if ref in self.figures else super().cell(ref)

        def baseline(row, current, previous):
            return Figures(self.env, self.data, {f"B{row}": current, f"C{row}": previous}).cell(
                f"{owner_dashboard.BASELINE_COL}{row}")

        self.assertEqual(baseline(revenue, 999_960, 1_000_000), 999_960, "-0,004%: no change to show")
        self.assertEqual(baseline(revenue, 1_000_040, 1_000_000), 1_000_040)
        self.assertEqual(baseline(revenue, 999_000, 1_000_000), 1_000_000, "-0,1% shows")
        self.assertEqual(baseline(conversion, 39.96, 40.0), 39.96, "-0,04 points: no change to show")
        self.assertEqual(baseline(conversion, 39.9, 40.0), 40.0, "-0,1 points show")
        self.assertEqual(baseline(conversion, 40.0, 0), 0, "a difference from 0 shows")
        self.assertEqual(baseline(revenue, 1_000, 0), "—", "a relative change from 0 is none")

    def test_an_empty_store_reads_0_and_dash(self):
        """A new store (here: a sales team with nothing yet) reads 0 requests, orders, revenue and refusals, and
        «—» for the ratios of nothing (conversion, average order, ROMI, ДРР) and the ad spend none was imported
        for, which the note under the table explains; its cards too, their comparison with the previous period
        «—» as well. With figures, a card compares with the previous period's, but not a relative change with 0
        (infinite)."""
        empty_team = self.env["crm.team"].create({"name": "Новый магазин"})
        dashboard = self.reader(**{owner_dashboard.TEAM: [empty_team.id]})
        kpis = self.kpis(dashboard)
        dash = {"Request to sale (%)", "Average order value", "Ad spend", "ROMI of paid channels (%)",
                "Ad spend to revenue, ДРР (%)"}
        self.assertEqual(kpis, {label: ("—", "—") if label in dash else ("0", "0")
                                for label in owner_dashboard.KPI_ROW})
        # each still one pivot formula (Dashboard.cell checks it): a click on it lists the rows behind it
        cells = self.data["sheets"][0]["cells"]
        self.assertIn("—", cells[f"A{owner_dashboard.NOTE}"]["content"], "the note says what «—» means")
        cards = [figure["data"] for figure in self.data["sheets"][0]["figures"]
                 if figure["data"]["type"] == "scorecard"]
        self.assertEqual(cards[0]["keyValue"], f"Dashboard!B{owner_dashboard.KPI_ROW['Sales revenue incl. VAT']}")

        def card(reader, card, key):
            return reader.shown(card[key].split("!")[1])

        self.assertEqual([(card(dashboard, c, "keyValue"), card(dashboard, c, "baseline")) for c in cards],
                         [("0", "—"), ("0", "—"), ("—", "—"), ("—", "—")])
        # with figures: revenue, orders, conversion and ROMI against the previous period's
        dashboard = self.reader()
        self.assertEqual([card(dashboard, c, "baseline") for c in cards[:2]], [1500, 1])
        self.assertAlmostEqual(card(dashboard, cards[2], "baseline"), 50)
        self.assertAlmostEqual(card(dashboard, cards[3], "baseline"), 150)
        # a relative change from nothing: no comparison
        vk = self.reader(**{owner_dashboard.CHANNEL: [self.vk.id]})
        self.assertEqual(vk.cell(f"{owner_dashboard.BASELINE_COL}{owner_dashboard.KPI_ROW['Refused at delivery']}"),
                         "—")
        hidden = self.data["sheets"][0]["cols"][str(ord(owner_dashboard.BASELINE_COL) - ord("A"))]
        self.assertTrue(hidden["isHidden"], "the baselines are the cards', not shown in the sheet")

    def test_tables(self):
        dashboard = self.reader()
        first = owner_dashboard.KPI_FIRST
        stages = [(dashboard.cell(f"F{row}"), dashboard.cell(f"G{row}"), dashboard.cell(f"H{row}"),
                   dashboard.cell(f"I{row}")) for row in range(first, first + owner_dashboard.STAGE_ROWS)]
        names = [stage.with_user(self.sales_manager).display_name for stage in
                 (self.stage_new, self.stage_contact, self.stage_deciding, self.stage_payment, self.stage_sold)]
        self.assertEqual([row[0] for row in stages], [*names, ""])
        self.assertEqual([(row[1], row[3]) for row in stages[:5]], [(5, 0), (3, 1), (2, 0), (2, 0), (2, 0)])
        self.assertAlmostEqual(stages[0][2], 60)  # 3 of the 5 went further
        self.assertAlmostEqual(stages[1][2], 200 / 3)
        phase = owner_dashboard.PHASE_TITLE + 2
        self.assertEqual([(dashboard.shown(f"G{row}"), dashboard.shown(f"H{row}")) for row in range(phase, phase + 3)],
                         [(1, 500), ("0", "0"), (1, 2000)])
        top = owner_dashboard.TOP_FIRST
        self.assertEqual([dashboard.cell(f"{col}{top}") for col in "ABCFGI"],
                         [self.yandex.name, 1000, 4000, self.salesman.name, 4, 4000])
        self.assertAlmostEqual(dashboard.cell(f"D{top}"), 300)
        self.assertAlmostEqual(dashboard.cell(f"H{top}"), 50)
        self.assertEqual([dashboard.cell(f"{col}{top + 1}") for col in "ABCFGI"],
                         [self.vk.name, 500, 0, self.sales_manager.name, 1, 0])
        self.assertAlmostEqual(dashboard.cell(f"D{top + 1}"), -100)
        self.assertEqual(dashboard.cell(f"A{top + 2}"), "")

    def test_charts(self):
        dashboard = self.reader()
        funnel = dashboard.chart("ecom_chart_funnel")
        self.assertEqual(list(funnel.values()), [5, 3, 2, 2, 2])
        self.assertEqual(dashboard.chart("ecom_chart_revenue"), {self.yandex.name: 4000, self.vk.name: 0})
        self.assertEqual(dashboard.chart("ecom_chart_refusals"),
                         {self.reason_expensive.name: 1, self.reason_delivery_refused.name: 1})
        romi = dashboard.chart("ecom_chart_romi")
        self.assertEqual(set(romi), {self.yandex.name, self.vk.name}, "the channels with ad spend only")
        self.assertAlmostEqual(romi[self.yandex.name], 300)
        self.assertAlmostEqual(romi[self.vk.name], -100)

    def test_a_pivot_is_a_fixed_number_of_queries(self):
        dashboard = self.reader()
        dashboard.pivot(owner_dashboard.TOP_CHANNELS)  # warm the caches (rules, the user)
        dashboard.results.clear()
        self.env.invalidate_all()
        # the total, the rows (the channels' names come with the second)
        with self.assertQueryCount(3):
            dashboard.pivot(owner_dashboard.TOP_CHANNELS)

    # ---------------------------------------------------------------------------------- access
    def test_only_managers_see_it(self):
        Dashboards = self.env["spreadsheet.dashboard"]
        self.assertEqual(Dashboards.with_user(self.sales_manager).search([("id", "=", self.dashboard.id)]),
                         self.dashboard)
        self.assertFalse(Dashboards.with_user(self.salesman).search([("id", "=", self.dashboard.id)]))
        self.sales_manager.lang = "ru_RU"  # an active language (the store's database has Russian only)
        snapshot = self.dashboard.with_user(self.sales_manager).get_readonly_dashboard()["snapshot"]
        self.assertEqual(set(snapshot["pivots"]), set(self.data["pivots"]))
        self.assertEqual(snapshot["settings"]["locale"]["code"], "ru_RU", "Russian number and date formats")
        as_salesman = self.dashboard.with_user(self.salesman)
        with self.assertRaises(AccessError):
            as_salesman.check_access("read")
        self.assertFalse(as_salesman.spreadsheet_data, "its spreadsheet (an attachment) is not handed out")
        # the Dashboards app reads the groups and their dashboards so (dashboard_loader.js), and shows
        # the groups with a dashboard left: none of ours for a salesperson
        group = self.env.ref("ecom_crm.ecom_dashboard_group")
        for user, expected in ((self.sales_manager, [self.dashboard.id]), (self.salesman, [])):
            self.env.invalidate_all()
            groups = self.env["spreadsheet.dashboard.group"].with_user(user).web_search_read(
                [("published_dashboard_ids", "!=", False)],
                {"name": {}, "published_dashboard_ids": {"fields": {"name": {}}}})["records"]
            shown = [d["id"] for g in groups if g["id"] == group.id for d in g["published_dashboard_ids"]]
            self.assertEqual(shown, expected, user.login)

    def test_its_link_tells_a_salesperson_he_has_no_access(self):
        """A salesperson with the lowest rights (and a user of no sales group) typing the dashboard's link gets
        a clear message, in their language: whose the dashboard is and where their own figures are, not
        Odoo's «top-secret records» nor the whole store's figures (the dashboard's pivots are not scoped to
        a user)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        salesperson = new_test_user(self.env, login="ecom_dash_salesman", groups="sales_team.group_sale_salesman",
                                    name="Продавец Без Прав", lang="ru_RU")
        employee = new_test_user(self.env, login="ecom_dash_employee", groups="base.group_user", lang="ru_RU")
        with self.assertRaises(AccessError) as caught:
            # as the web client calls it: in the user's context, their language
            self.dashboard.with_user(salesperson).with_context(salesperson.with_user(salesperson).context_get()).get_readonly_dashboard()
        message = str(caught.exception)
        self.assertIn("«Панель владельца» показывает цифры всего магазина", message)
        self.assertIn("Продажи / Администратор", message, "whose it is")
        self.assertIn("«Воронка по этапам», «Менеджеры», «Отказы»", message,
                      "where the salesperson's own figures are, named as CRM › Reporting names them")
        self.assertNotIn("top-secret", message)
        self.assertNotIn("cookies", message)
        with self.assertRaises(AccessError) as caught:
            self.dashboard.with_user(employee).with_context(employee.with_user(employee).context_get()).get_readonly_dashboard()
        self.assertIn("доступна только пользователям с правами «Продажи / Администратор».", str(caught.exception))
        self.assertNotIn("CRM", str(caught.exception), "no CRM reports to send a user of no sales group to")
        # the manager's opens, with its figures
        manager = new_test_user(self.env, login="ecom_dash_manager", groups="sales_team.group_sale_manager",
                                lang="ru_RU")
        opened = self.dashboard.with_user(manager).with_context(manager.with_user(manager).context_get())
        self.assertIn("sheets", opened.get_readonly_dashboard()["snapshot"])

    def test_other_dashboards_keep_odoos_message(self):
        """Only the owner's dashboard has our message: a dashboard of Odoo's refused to a user keeps Odoo's."""
        other = self.dashboard.copy({"name": "Другая панель", "group_ids": [Command.set(
            self.env.ref("base.group_system").ids)]})
        with self.assertRaises(AccessError) as caught:
            other.with_user(self.salesman).get_readonly_dashboard()
        self.assertNotIn("whole store", str(caught.exception))

    def test_the_dashboards_app_shows_to_whom_a_dashboard_is_given(self):
        """Odoo's «Dashboards» app (installed with the owner's dashboard) is not among a salesperson's apps
        while no published dashboard is given to them: it opened empty («Нет доступной приборной панели»),
        their own figures being in CRM › Reporting. The sales director has it; a dashboard given to the
        salespeople brings it back to them, unpublished takes it away again; an administrator, who
        configures the dashboards, always has it."""
        app = self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_menu_root")
        Menu = self.env["ir.ui.menu"]

        def apps(user):  # the apps of the home menu, as the web client loads them
            return Menu.with_user(user).load_menus(False)["root"]["children"]

        self.assertNotIn(app.id, apps(self.salesman))
        self.assertFalse(set(Menu.sudo().search([("id", "child_of", app.id)]).ids)
                         & Menu.with_user(self.salesman)._visible_menu_ids(), "nor its menus")
        self.assertIn(app.id, apps(self.sales_manager))
        self.assertIn(app.id, apps(self.env.ref("base.user_admin")))
        theirs = self.env["spreadsheet.dashboard"].create({
            "name": "Цифры продавца", "dashboard_group_id": self.dashboard.dashboard_group_id.id,
            "group_ids": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)]})
        self.assertIn(app.id, apps(self.salesman), "a dashboard of theirs: the app again")
        theirs.is_published = False
        self.assertNotIn(app.id, apps(self.salesman))
        # another company's: not theirs (Odoo's multi-company rule), theirs once they work for it too
        other = self.env["res.company"].create({"name": "Другой магазин"})
        theirs.is_published = True
        self.assertIn(app.id, apps(self.salesman))
        theirs.company_id = other
        self.assertNotIn(app.id, apps(self.salesman), "another company's dashboard")
        self.salesman.company_ids = [Command.link(other.id)]
        self.assertIn(app.id, apps(self.salesman), "a dashboard of one of their companies")
        employee = new_test_user(self.env, login="ecom_dash_app_admin", groups="base.group_system")
        self.assertIn(app.id, apps(employee), "the administrator configures the dashboards")

    def test_the_dashboards_app_stays_for_whom_odoo_gives_a_dashboard(self):
        """No one loses the app a dashboard of theirs is in: a dashboard made in Odoo is given to every
        internal user (its default group), so a plain employee, no salesperson, has the app with it;
        Odoo's own dashboards (Invoicing's, given to its billing users) keep it for their groups; a
        dashboards' manager («Dashboard: Admin»), who configures them, has it with none of theirs."""
        app = self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_menu_root")
        Menu = self.env["ir.ui.menu"]

        def apps(user):
            return Menu.with_user(user).load_menus(False)["root"]["children"]

        employee = new_test_user(self.env, login="ecom_dash_app_employee", groups="base.group_user")
        self.assertNotIn(app.id, apps(employee), "no dashboard of theirs yet")
        made = self.env["spreadsheet.dashboard"].create({
            "name": "Склад", "dashboard_group_id": self.dashboard.dashboard_group_id.id})
        self.assertEqual(made.group_ids, self.env.ref("base.group_user"), "Odoo's default: every employee")
        self.assertIn(app.id, apps(employee), "a dashboard given to every employee: the app")
        self.assertTrue(made.with_user(employee).search([("id", "=", made.id)]), "and the dashboard is theirs")
        made.unlink()
        self.assertNotIn(app.id, apps(employee))
        invoicing = self.env.ref("spreadsheet_dashboard_account.dashboard_invoicing", raise_if_not_found=False)
        if invoicing and invoicing.is_published:
            billing = new_test_user(self.env, login="ecom_dash_app_billing", groups="account.group_account_invoice")
            self.assertIn(app.id, apps(billing), "Odoo's Invoicing dashboard is theirs")
        manager = new_test_user(self.env, login="ecom_dash_app_manager",
                                groups="base.group_user,spreadsheet_dashboard.group_dashboard_manager")
        self.assertIn(app.id, apps(manager), "the dashboards' manager configures them in the app")
        self.assertIn(self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_menu_configuration").id,
                      Menu.with_user(manager)._visible_menu_ids())

    def test_the_menu_opens_the_dashboard(self):
        menu = self.env.ref("ecom_crm.menu_ecom_owner_dashboard")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))
        self.assertLess(menu.sequence, min((menu.parent_id.child_id - menu).mapped("sequence")), "at the top")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.sales_manager)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids())
        action = menu.action
        self.assertEqual((action._name, action.tag), ("ir.actions.client", "action_spreadsheet_dashboard"))
        self.assertEqual(action.params, {"dashboard_id": self.dashboard.id})

    # ---------------------------------------------------------------------------------- Russian
    def test_texts_are_translated(self):
        with file_open(JSON_PATH, "rb") as data:
            terms = {term for _line, _func, term, _comments in extract_spreadsheet_terms(data, [], [], {})}
        self.assertIn("Key figures of the period", terms)
        self.assertIn("since the previous period", terms)
        russian = {message["id"]: message["string"]
                   for message in code_translations.get_web_translations("ecom_crm", "ru_RU")["messages"]}
        self.assertEqual(sorted(term for term in terms if not russian.get(term)), [],
                         "the web client shows these in English: translate them in i18n/ru.po")
        self.assertEqual(russian["Key figures of the period"], "Главное за период")
        # the funnel's table is titled as its report in CRM › Reporting, which its title opens
        self.assertIn("Funnel by stage", terms)
        self.assertEqual(russian["Funnel by stage"], "Воронка по этапам")
        # the browser keeps one dictionary of every module's terms: a term another module translates
        # otherwise may be shown in its words («Продавец» for "Salesperson" in Odoo's own dashboards)
        clashes = set()
        for module in self.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name"):
            for message in code_translations.get_web_translations(module, "ru_RU")["messages"]:
                if message["id"] in terms and message["string"] != russian[message["id"]]:
                    clashes.add((message["id"], module, message["string"]))
        self.assertEqual(sorted(clashes), [], "a label of ours that another module translates otherwise")
        self.assertEqual(self.dashboard.with_context(lang="ru_RU").name, "Панель владельца")

    def test_the_russian_headers_fit_their_columns(self):
        """A table's header in Russian, as the spreadsheet draws it (Roboto, the style's size, 4 px each side),
        is no wider than its column: a right-aligned one wider runs over its neighbour's («Дошли» under
        «В следующий (%)» when the column was 130 px)."""
        fonts = {bold: file_path(f"web/static/fonts/google/Roboto/Roboto-{'Bold' if bold else 'Regular'}.ttf")
                 for bold in (False, True)}
        russian = {message["id"]: message["string"]
                   for message in code_translations.get_web_translations("ecom_crm", "ru_RU")["messages"]}
        sheet = self.data["sheets"][0]
        widths = {chr(ord("A") + int(index)): col["size"] for index, col in sheet["cols"].items()}
        too_wide = []
        for ref, cell in sheet["cells"].items():
            term = re.fullmatch(r'=_t\("(.*)"\)', cell["content"])
            style = self.data["styles"].get(str(sheet["styles"].get(ref)), {})
            # a title runs over the empty cells of its table, the note under the headline numbers over its row's
            if not term or style.get("fontSize", 10) >= 14 or style.get("italic"):
                continue
            text = russian.get(term[1], term[1])
            pixels = round(style.get("fontSize", 10) * 96 / 72)  # o-spreadsheet's sizes are in points
            width = ImageFont.truetype(fonts[bool(style.get("bold"))], pixels).getlength(text) + 8
            if width > widths[ref[0]]:
                too_wide.append((ref, text, round(width), widths[ref[0]]))
        self.assertEqual(too_wide, [], "widen the column in tools/owner_dashboard.py (COLS)")

    def test_the_sheet_fits_a_laptop_screen(self):
        """At 1366 px beside the dashboards' side panel the sheet's shown columns fit: at 1150 px the funnel's
        «Выбывшие» ran under the scrollbar, the owner scrolling sideways for it."""
        sheet = self.data["sheets"][0]
        shown = sum(col["size"] for col in sheet["cols"].values() if not col.get("isHidden"))
        self.assertLessEqual(shown, owner_dashboard.SCREEN_WIDTH)


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestOwnerDashboardTour(HttpCase):
    def test_open_from_the_crm_menu(self):
        # in Russian, as the store's staff: the dashboard's texts are translated in the browser
        new_test_user(self.env, login="ecom_tour_owner", groups="sales_team.group_sale_manager",
                      name="Владелец магазина", lang="ru_RU")
        self.env["res.lang"]._activate_lang("ru_RU")
        lead = self.env["crm.lead"].create({"name": "Заявка для панели", "type": "opportunity",
                                            "source_id": self.env.ref("ecom_crm.utm_source_vk").id})
        order = self.env["sale.order"].create({
            "partner_id": self.env["res.partner"].create({"name": "Покупатель панели"}).id, "opportunity_id": lead.id,
            "order_line": [Command.create({"product_id": self.env["product.product"].create(
                {"name": "Коляска", "list_price": 1000}).id, "price_unit": 1000})]})
        order.action_confirm()
        self.env["ecom.report.matview"]._ecom_refresh_all()
        self.start_tour("/odoo/crm", "ecom_crm_owner_dashboard", login="ecom_tour_owner")

    def test_a_salesperson_typing_its_link_is_told_whose_it_is(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        new_test_user(self.env, login="ecom_tour_seller", groups="sales_team.group_sale_salesman",
                      name="Продавец магазина", lang="ru_RU")
        action = self.env.ref("ecom_crm.ecom_owner_dashboard_action")
        self.start_tour(f"/odoo/action-{action.id}", "ecom_crm_owner_dashboard_refused", login="ecom_tour_seller")
