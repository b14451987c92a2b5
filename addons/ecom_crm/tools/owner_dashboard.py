"""The owner's dashboard: an Odoo 18 spreadsheet dashboard (``spreadsheet.dashboard``, Community's
``spreadsheet_dashboard``) on the store's report models, built here as plain data.

``build()`` returns the spreadsheet (o-spreadsheet's JSON, version 21 as Odoo 18's own dashboards);
``data/files/ecom_owner_dashboard.json`` is its output, loaded by ``data/ecom_dashboard_data.xml``
and kept equal to it by the tests. After a change here, rewrite it:

    python3 addons/ecom_crm/tools/owner_dashboard.py

What it shows, for the period of the «Period» filter (last 30 days by default) against the 30 days
before (the same pivots with the period shifted by ``offset: -1``):

- the headline numbers, each a ``PIVOT.VALUE`` cell (a click lists the report rows behind it):
  requests of the period and how many of them were won so far, request to sale, orders, revenue
  with VAT and without, average order, ad spend, ROMI of the channels paid for (those with ad spend), ДРР (all ad spend
  over all revenue), refusals, refused at delivery and the money lost; change against the previous
  period (relative for counts and money, in percentage points for percentages, «п.п.» said). A count or an
  amount of nothing reads 0 (a new store's first day: not an empty cell); a ratio of nothing (no requests,
  orders, revenue or ad spend in the period) and the ad spend of a period none was imported for
  (unknown, not free) read «—», which the note under the table explains (said by the cells' formats:
  a cell keeps its one pivot formula, which a click opens);
- the funnel by stage, refusals by phase, the top channels and salespeople as pivot tables;
- Odoo charts (a click on a bar or a slice lists its rows): requests reaching each stage, revenue by
  channel, refusals by reason, ROMI of the channels with ad spend (the channel graphs and table
  leave out the orders of no channel, e.g. from 1C: they would dwarf the others);
- global filters: period, sales team, salesperson, channel (UTM source), matched on every source.

Labels are English ``_t("…")`` formulas, link labels and chart titles: Odoo's translation export
reads them from ``*_dashboard.json`` files under ``data/`` (``extract_spreadsheet_terms``) into
``i18n/ru.po`` as web terms, and the web client translates them when it shows the dashboard.
"""

import json
import os

VERSION = 21  # o-spreadsheet's data version of Odoo 18's shipped dashboards (migrated on load)
ODOO_VERSION = 12

# global filters
PERIOD, TEAM, USER, CHANNEL = "ecom_period", "ecom_team", "ecom_salesperson", "ecom_channel"
GLOBAL_FILTERS = [
    {"id": PERIOD, "type": "date", "label": "Period", "defaultValue": "last_month", "rangeType": "relative"},
    {"id": TEAM, "type": "relation", "label": "Sales team", "modelName": "crm.team", "defaultValue": [],
     "defaultValueDisplayNames": [], "rangeType": "year"},
    # not "Salesperson": the browser translates a label from one dictionary of every module's
    # terms, where Odoo's own say «Продавец» or «Менеджер по продажам»; the store's word is ours
    {"id": USER, "type": "relation", "label": "Sales rep", "modelName": "res.users", "defaultValue": [],
     "defaultValueDisplayNames": [], "rangeType": "year"},
    {"id": CHANNEL, "type": "relation", "label": "Channel", "modelName": "utm.source", "defaultValue": [],
     "defaultValueDisplayNames": [], "rangeType": "year"},
]

# the report models: their date field (what the period filters) and its type
FUNNEL, CHANNELS, REFUSALS, MANAGERS = ("ecom.report.funnel", "ecom.report.channel", "ecom.report.refusal",
                                        "ecom.report.manager")
DATES = {FUNNEL: ("date", "datetime"), CHANNELS: ("date", "date"), REFUSALS: ("date", "datetime"),
         MANAGERS: ("date", "datetime")}
ACTIONS = {FUNNEL: "ecom_crm.ecom_report_funnel_action", CHANNELS: "ecom_crm.ecom_report_channel_action",
           REFUSALS: "ecom_crm.ecom_report_refusal_action", MANAGERS: "ecom_crm.ecom_report_manager_action"}
MENUS = {FUNNEL: "ecom_crm.menu_ecom_report_funnel", CHANNELS: "ecom_crm.menu_ecom_report_channel",
         REFUSALS: "ecom_crm.menu_ecom_report_refusal", MANAGERS: "ecom_crm.menu_ecom_report_manager",
         "sales": "ecom_crm.menu_ecom_report_sales"}


def field_matching(model, offset=0):
    """How each global filter applies to ``model``'s rows (the period shifted by ``offset`` periods)."""
    date, date_type = DATES[model]
    return {PERIOD: {"chain": date, "type": date_type, "offset": offset},
            TEAM: {"chain": "team_id", "type": "many2one"},
            USER: {"chain": "user_id", "type": "many2one"},
            CHANNEL: {"chain": "source_id", "type": "many2one"}}


# ------------------------------------------------------------------------------------------ pivots
def pivot(pivot_id, name, model, measures, rows=(), domain=(), offset=0, sort_by=None):
    return {
        "type": "ODOO", "id": pivot_id, "formulaId": pivot_id, "name": name, "model": model,
        "domain": [list(leaf) if isinstance(leaf, tuple) else leaf for leaf in domain], "context": {},
        "measures": [{"id": measure, "fieldName": measure} for measure in measures],
        "columns": [], "rows": [{"fieldName": row} for row in rows],
        "sortedColumn": {"groupId": [[], []], "measure": sort_by, "order": "desc"} if sort_by else None,
        "fieldMatching": field_matching(model, offset), "actionXmlId": ACTIONS[model],
    }


# the requests of the period: one funnel row each (its first stage), grouped by whether it was won
REQUESTS_CUR, REQUESTS_PREV = "1", "2"
# orders, revenue and ad spend of the period (channels end to end)
MONEY_CUR, MONEY_PREV = "3", "4"
# refusals of the period, by phase (before ordering, after, at delivery)
REFUSALS_CUR, REFUSALS_PREV = "5", "6"
STAGES, TOP_CHANNELS, TOP_SALESPEOPLE = "7", "8", "9"
# the channels paid for (those with ad spend): their ROMI. Over every channel it would count the
# revenue of the unpaid ones (the site, phone calls, orders from 1C without a channel) as a return
PAID_CUR, PAID_PREV = "10", "11"
PAID = [("source_id.ecom_ad_spend_ids", "!=", False)]
KNOWN_CHANNEL = [("source_id", "!=", False)]
PIVOTS = {}
for _offset, (_requests, _money, _refusals, _paid) in (
        (0, (REQUESTS_CUR, MONEY_CUR, REFUSALS_CUR, PAID_CUR)),
        (-1, (REQUESTS_PREV, MONEY_PREV, REFUSALS_PREV, PAID_PREV))):
    _when = "current period" if _offset == 0 else "previous period"
    PIVOTS[_requests] = pivot(_requests, f"Requests and sales, {_when}", FUNNEL, ["requests", "sale_rate"],
                              rows=["won"], domain=[("requests", "=", 1)], offset=_offset)
    PIVOTS[_money] = pivot(_money, f"Orders, revenue and ad spend, {_when}", CHANNELS,
                           ["order_count", "revenue", "revenue_untaxed", "average_order", "spend", "drr"],
                           offset=_offset)
    PIVOTS[_refusals] = pivot(_refusals, f"Refusals, {_when}", REFUSALS, ["refusals", "amount"], rows=["phase"],
                              offset=_offset)
    PIVOTS[_paid] = pivot(_paid, f"Paid channels, {_when}", CHANNELS, ["spend", "revenue", "romi"], domain=PAID,
                          offset=_offset)
PIVOTS[STAGES] = pivot(STAGES, "Funnel by stage", FUNNEL, ["reached", "conversion_next", "dropped"],
                       rows=["stage_id"])
PIVOTS[TOP_CHANNELS] = pivot(TOP_CHANNELS, "Channels by revenue", CHANNELS, ["spend", "revenue", "romi"],
                             rows=["source_id"], domain=KNOWN_CHANNEL, sort_by="revenue")
PIVOTS[TOP_SALESPEOPLE] = pivot(TOP_SALESPEOPLE, "Salespeople by revenue", MANAGERS,
                                ["requests", "conversion", "revenue"], rows=["user_id"],
                                domain=[("kind", "=", "request")], sort_by="revenue")


# ------------------------------------------------------------------------------------------ layout
# A … I; E separates the two halves; each as wide as its Russian header (test_the_russian_headers_fit_their_columns):
# H holds «В следующий (%)», I «Выручка с НДС». All of them fit a 1366 px screen beside the dashboards' side panel
# (SCREEN_WIDTH): at 1150 px the funnel's «Выбывшие» ran under the scrollbar; A holds «ROMI платных каналов (%)»
COLS = [190, 130, 140, 100, 20, 200, 80, 140, 120]
# what a 1366 px wide window leaves the sheet: Odoo's side panel of the dashboards (200 px), the sheet's margin
# (8 px) and its vertical scrollbar (14 px)
SCREEN_WIDTH = 1366 - 200 - 8 - 14
LETTERS = "ABCDEFGHI"
TOP_N = 10
ROW_SIZES = {}  # 1-based row: height in px (23 otherwise)
for _row in range(1, 6):  # the scorecards
    ROW_SIZES[_row] = 23
TITLE_HEIGHT, HEADER_HEIGHT, LINE_HEIGHT, CHART_ROWS = 40, 29, 28, 14

KPI_TITLE, KPI_HEADER, KPI_FIRST = 6, 7, 8
# (label, pivot of the period, pivot of the previous period, PIVOT.VALUE's arguments, kind of figure):
# a percentage's change is a difference in points, a count's or an amount's a relative change; an empty
# pivot value (nothing in the period) reads 0 for a count or an amount, «—» for a ratio and the ad spend
# (see KPI_FORMAT)
KPIS = [
    ("Requests", REQUESTS_CUR, REQUESTS_PREV, '"requests"', "count"),
    ("Of them won so far", REQUESTS_CUR, REQUESTS_PREV, '"requests","won",1', "count"),
    ("Request to sale (%)", REQUESTS_CUR, REQUESTS_PREV, '"sale_rate"', "ratio"),
    ("Orders", MONEY_CUR, MONEY_PREV, '"order_count"', "count"),
    # revenue as the customers pay it (what ROMI and ДРР set the ad spend, with VAT too, against) and as
    # the accountant (1C) counts it
    ("Sales revenue incl. VAT", MONEY_CUR, MONEY_PREV, '"revenue"', "money"),
    ("Sales revenue excl. VAT", MONEY_CUR, MONEY_PREV, '"revenue_untaxed"', "money"),
    ("Average order value", MONEY_CUR, MONEY_PREV, '"average_order"', "average"),
    ("Ad spend", MONEY_CUR, MONEY_PREV, '"spend"', "spend"),
    ("ROMI of paid channels (%)", PAID_CUR, PAID_PREV, '"romi"', "ratio"),
    ("Ad spend to revenue, ДРР (%)", MONEY_CUR, MONEY_PREV, '"drr"', "ratio"),
    ("Refusals", REFUSALS_CUR, REFUSALS_PREV, '"refusals"', "count"),
    ("Money lost to refusals", REFUSALS_CUR, REFUSALS_PREV, '"amount"', "money"),
    ("Refused at delivery", REFUSALS_CUR, REFUSALS_PREV, '"refusals","phase","delivery"', "count"),
    ("Money lost at delivery", REFUSALS_CUR, REFUSALS_PREV, '"amount","phase","delivery"', "money"),
]
KPI_ROW = {label: KPI_FIRST + index for index, (label, *_rest) in enumerate(KPIS)}
# what an empty pivot value reads, by kind of figure: a count or an amount of nothing is 0; a ratio of
# nothing has no value, nor has the ad spend of a period none was imported for (unknown, not free: the
# channel report leaves it empty too). Said by the cell's format, whose fourth part is that of a text
# (the empty value): the cell keeps its one pivot formula, which a click opens the rows of (a formula
# of two, an IF around it, opens nothing)
NONE = "—"
KPI_FORMAT = {"count": "count_or_0", "money": "money_or_0", "ratio": "ratio_or_none", "average": "money_or_none",
              "spend": "money_or_none"}
# the scorecards' baselines' format (a number, or «—» as is)
PLAIN_FORMAT = {"count": "count", "money": "money", "ratio": "ratio", "average": "money", "spend": "money"}
# the scorecards' baselines, in a hidden column: the previous period's figure when the card can compare
# with it (a number; not 0 for a relative change, which would be infinite), the figure itself when the
# change is too small to show, else «—»
BASELINE_COL = "J"
for _row in range(KPI_TITLE, KPI_FIRST + len(KPIS)):
    ROW_SIZES[_row] = {KPI_TITLE: TITLE_HEIGHT, KPI_HEADER: HEADER_HEIGHT}.get(_row, LINE_HEIGHT)
# the right half, beside the headline numbers: the funnel by stage, then refusals by phase
STAGE_ROWS = 6
PHASE_TITLE = KPI_FIRST + STAGE_ROWS + 1
# the refusal report's phases, named here: a pivot header of a phase without refusals would read «None»
PHASES = (("early", "Before ordering"), ("late", "After ordering"), ("delivery", "Refused at delivery"))

SPACER = KPI_FIRST + len(KPIS)
ROW_SIZES[SPACER] = 20
# under the headline numbers, in the spacer row: what «—» means
NOTE = SPACER
# two rows of two charts, each under its title
CHART_TITLES = [SPACER + 1, SPACER + 1 + 1 + CHART_ROWS + 1]
for _title in CHART_TITLES:
    ROW_SIZES[_title] = TITLE_HEIGHT
    ROW_SIZES[_title + 1 + CHART_ROWS] = 20
# the top channels and salespeople
TOP_TITLE = CHART_TITLES[-1] + 1 + CHART_ROWS + 1
TOP_HEADER, TOP_FIRST = TOP_TITLE + 1, TOP_TITLE + 2
ROW_SIZES[TOP_TITLE] = TITLE_HEIGHT
ROW_SIZES[TOP_HEADER] = HEADER_HEIGHT
for _row in range(TOP_FIRST, TOP_FIRST + TOP_N):
    ROW_SIZES[_row] = LINE_HEIGHT
LAST_ROW = TOP_FIRST + TOP_N + 1


def row_top(row):
    """The y of 1-based ``row``'s top edge, in px."""
    return sum(ROW_SIZES.get(r, 23) for r in range(1, row))


def col_left(col):
    return sum(COLS[:LETTERS.index(col)])


def link(label, menu):
    """A title that opens the report's menu (its label is translated like a formula's _t)."""
    return f"[{label}](odoo://ir_menu_xml_id/{MENUS[menu]})"


# ------------------------------------------------------------------------------------------ figures
def scorecard(figure_id, index, title, row, mode, menu, humanize=False):
    """The ``index``-th of four cards across the top: the headline ``row``'s figure and its change: relative
    («↑12,3% к прошлому периоду») for a count or an amount, a difference in percentage points for a
    percentage, which says its unit («↓3,5 п.п. к прошлому периоду»: o-spreadsheet writes the bare number)."""
    gap = 16
    width = (sum(COLS) - 3 * gap) // 4
    return {
        "id": figure_id, "x": index * (width + gap), "y": 11, "width": width, "height": 101,
        "tag": "chart",
        "data": {"type": "scorecard", "title": {"text": title, "bold": True, "color": "#434343"},
                 "background": "#EFF6FF" if mode == "percentage" else "#FFF7ED",
                 "keyValue": f"Dashboard!B{row}", "baseline": f"Dashboard!{BASELINE_COL}{row}",
                 "baselineMode": mode,
                 "baselineDescr": "since the previous period" if mode == "percentage"
                 else "pp since the previous period", "baselineColorUp": "#00A04A",
                 "baselineColorDown": "#DC6965", "humanize": humanize},
    }, menu


def odoo_chart(figure_id, kind, model, measure, groupby, title_row, left, domain=(), show_values=False):
    data = {
        "type": f"odoo_{kind}", "title": {"text": ""}, "background": "#FFFFFF",
        "legendPosition": "right" if kind == "pie" else "none",
        "metaData": {"groupBy": [groupby], "measure": measure, "order": None, "resModel": model, "mode": kind},
        "searchParams": {"comparison": None, "context": {}, "domain": [list(leaf) for leaf in domain],
                         "groupBy": [groupby], "orderBy": []},
        "fieldMatching": field_matching(model), "actionXmlId": ACTIONS[model],
    }
    if kind == "bar":
        data.update(verticalAxisPosition="left", stacked=False, showValues=show_values)
    top = row_top(title_row + 1)
    width = sum(COLS[:4]) if left else sum(COLS[5:])
    return {"id": figure_id, "x": 0 if left else col_left("F"), "y": top, "width": width,
            "height": CHART_ROWS * 23 - 8, "tag": "chart", "data": data}


SCORECARDS = [
    # whole amounts: o-spreadsheet's humanized «150m» is English shorthand a Russian reader does not use
    scorecard("ecom_score_revenue", 0, "Sales revenue incl. VAT", KPI_ROW["Sales revenue incl. VAT"], "percentage",
              "sales"),
    scorecard("ecom_score_orders", 1, "Orders", KPI_ROW["Orders"], "percentage", "sales"),
    scorecard("ecom_score_conversion", 2, "Request to sale (%)", KPI_ROW["Request to sale (%)"], "difference",
              FUNNEL),
    scorecard("ecom_score_romi", 3, "ROMI of paid channels (%)", KPI_ROW["ROMI of paid channels (%)"], "difference",
              CHANNELS),
]
CHARTS = [
    odoo_chart("ecom_chart_funnel", "bar", FUNNEL, "reached", "stage_id", CHART_TITLES[0], True, show_values=True),
    # the orders of a known channel: those of none (from 1C, typed in) would dwarf them
    odoo_chart("ecom_chart_revenue", "pie", CHANNELS, "revenue", "source_id", CHART_TITLES[0], False,
               domain=KNOWN_CHANNEL),
    odoo_chart("ecom_chart_refusals", "bar", REFUSALS, "refusals", "reason_id", CHART_TITLES[1], True,
               show_values=True),
    # only the channels that have ad spend: the others have no ROMI
    odoo_chart("ecom_chart_romi", "bar", CHANNELS, "romi", "source_id", CHART_TITLES[1], False,
               domain=PAID),  # no values on the bars: Chart.js would print them unrounded
]
CHART_CAPTIONS = [
    (CHART_TITLES[0], "A", link("Requests that reached each stage", FUNNEL)),
    (CHART_TITLES[0], "F", link("Revenue by channel, incl. VAT", CHANNELS)),
    (CHART_TITLES[1], "A", link("Refusals by reason", REFUSALS)),
    (CHART_TITLES[1], "F", link("ROMI by channel (%)", CHANNELS)),
]


# ------------------------------------------------------------------------------------------ cells
def t(text):
    return f'=_t("{text}")'


def ranked_table(put, first_col, header_row, pivot_id, groupby, rows, label, measures):
    """A table of a pivot's first ``rows`` groups by position (``PIVOT.HEADER``/``PIVOT.VALUE``):
    the group's name in ``first_col``, then each ``(label, measure, format)`` in the next columns."""
    cols = [chr(ord(first_col) + i) for i in range(len(measures) + 1)]
    for col, text in zip(cols, (label, *(m[0] for m in measures)), strict=True):
        put(f"{col}{header_row}", t(text), "header" if col == first_col else "header_right")
    for index in range(1, rows + 1):
        row = header_row + index
        put(f"{first_col}{row}", f'=PIVOT.HEADER({pivot_id},"#{groupby}",{index})', "label")
        for col, (_text, measure, fmt) in zip(cols[1:], measures, strict=True):
            put(f"{col}{row}", f'=PIVOT.VALUE({pivot_id},"{measure}","#{groupby}",{index})', "figure", fmt)


def build_cells():
    cells, styles, formats = {}, {}, {}

    def put(ref, content, style=None, fmt=None):
        cells[ref] = {"content": content}
        if style:
            styles[ref] = style
        if fmt:
            formats[ref] = fmt

    # headline numbers
    put(f"A{KPI_TITLE}", link("Key figures of the period", CHANNELS), "title")
    for col, label in zip("ABCD", ("Indicator", "This period", "Previous period", "Change vs. previous"), strict=True):
        put(f"{col}{KPI_HEADER}", t(label), "header" if col == "A" else "header_right")
    for row, (label, current, previous, args, kind) in enumerate(KPIS, KPI_FIRST):
        put(f"A{row}", t(label), "label")
        put(f"B{row}", f"=PIVOT.VALUE({current},{args})", "figure", KPI_FORMAT[kind])
        put(f"C{row}", f"=PIVOT.VALUE({previous},{args})", "previous", KPI_FORMAT[kind])
        both = f"ISNUMBER(B{row}),ISNUMBER(C{row})"
        # a change is rounded to what its format shows first: o-spreadsheet formats a negative number with the
        # negative part of the format, even one that shows as nothing (-0,04 п.п. read «-0,0 п.п.», -0,3%
        # «-0%»); rounded, it is -0, which the zero part formats («0,0 п.п.», «0%»)
        if kind == "ratio":  # in percentage points, which it says («+1,5 п.п.»): «+1,5» next to «+12%» read as %
            points = FORMATS["points"]
            put(f"D{row}", f'=IF(AND({both}),TEXT(ROUND(B{row}-C{row},1),"{points}")&" "&_t("pp"),"")',
                "previous")
        elif kind in ("count", "money"):  # an empty value is 0 ("" + 0): 5 orders, then none, is -100%
            put(f"D{row}", f'=IF((C{row}+0)<>0,ROUND((B{row}+0)/(C{row}+0)-1,2),"")', "previous", "change")
        else:
            put(f"D{row}", f'=IF(AND({both},C{row}<>0),ROUND(B{row}/C{row}-1,2),"")', "previous", "change")
        # the scorecards' baseline (see BASELINE_COL): a difference compares with any number, a
        # relative change with a number other than 0. A change too small for the card to show (its
        # difference as 0.0, its relative change as 0.0%) compares with the figure itself: the card drew
        # it with an arrow down, red, as «↓0,0 п.п.», «↓0,0%» (an arrow of its sign, any value)
        if kind == "ratio":
            comparable, change = f"AND({both})", f"ROUND(B{row}-C{row},1)"
        else:
            comparable, change = f"AND({both},C{row}<>0)", f"ROUND(B{row}/C{row}-1,3)"
        put(f"{BASELINE_COL}{row}", f'=IF({comparable},IF({change}=0,B{row},C{row}),"{NONE}")', "previous",
            PLAIN_FORMAT[kind])
    put(f"A{NOTE}", t("— : nothing to count it from in the period (no requests, orders or revenue), or its ad "
                      "spend not imported"), "note")
    # the funnel by stage
    put(f"F{KPI_TITLE}", link("Funnel by stage", FUNNEL), "title")
    ranked_table(put, "F", KPI_HEADER, STAGES, "stage_id", STAGE_ROWS, "Stage",
                 [("Reached", "reached", "count"), ("To the next (%)", "conversion_next", "ratio"),
                  ("Dropped out", "dropped", "count")])
    # refusals by phase
    put(f"F{PHASE_TITLE}", link("Refusals by phase", REFUSALS), "title")
    for col, label in zip("FGH", ("Phase", "Refusals", "Amount lost"), strict=True):
        put(f"{col}{PHASE_TITLE + 1}", t(label), "header" if col == "F" else "header_right")
    for row, (phase, label) in enumerate(PHASES, PHASE_TITLE + 2):
        put(f"F{row}", t(label), "label")
        put(f"G{row}", f'=PIVOT.VALUE({REFUSALS_CUR},"refusals","phase","{phase}")', "figure", "count_or_0")
        put(f"H{row}", f'=PIVOT.VALUE({REFUSALS_CUR},"amount","phase","{phase}")', "figure", "money_or_0")
    # chart titles
    for row, col, content in CHART_CAPTIONS:
        put(f"{col}{row}", content, "title")
    # the top channels and salespeople
    put(f"A{TOP_TITLE}", link("Top channels by revenue", CHANNELS), "title")
    ranked_table(put, "A", TOP_HEADER, TOP_CHANNELS, "source_id", TOP_N, "Channel",
                 [("Spend", "spend", "money"), ("Revenue incl. VAT", "revenue", "money"),
                  ("ROMI (%)", "romi", "ratio")])
    put(f"F{TOP_TITLE}", link("Top salespeople by revenue", MANAGERS), "title")
    ranked_table(put, "F", TOP_HEADER, TOP_SALESPEOPLE, "user_id", TOP_N, "Sales rep",
                 [("Requests", "requests", "count"), ("Conversion (%)", "conversion", "ratio"),
                  ("Revenue incl. VAT", "revenue", "money")])
    return cells, styles, formats


STYLES = {
    "title": {"textColor": "#01666b", "bold": True, "fontSize": 14, "verticalAlign": "middle"},
    "header": {"fontSize": 11, "textColor": "#434343", "bold": True, "verticalAlign": "middle"},
    "header_right": {"fontSize": 11, "textColor": "#434343", "bold": True, "verticalAlign": "middle",
                     "align": "right"},
    "label": {"textColor": "#434343", "verticalAlign": "middle"},
    # right-aligned: an empty value's 0 or «—» (a text, see KPI_FORMAT) stands where the numbers do
    "figure": {"textColor": "#434343", "verticalAlign": "middle", "bold": True, "align": "right"},
    "previous": {"textColor": "#6b7280", "verticalAlign": "middle", "align": "right"},
    "note": {"textColor": "#6b7280", "verticalAlign": "middle", "italic": True, "fontSize": 9},
}
# amounts without kopecks nor currency (one currency per store), as Odoo's own dashboards; a percentage with its
# thousands grouped as the amounts beside it (a ROMI of «1 308,5», not «1308,5»)
FORMATS = {"change": "+0%;-0%;0%", "points": "+#,##0.0;-#,##0.0;0.0", "ratio": "#,##0.0", "count": "#,##0",
           "money": "#,##0",
           # the headline numbers: what an empty value (nothing in the period) reads, its format's text part
           "count_or_0": '#,##0;-#,##0;0;"0"', "money_or_0": '#,##0;-#,##0;0;"0"',
           "ratio_or_none": f'#,##0.0;-#,##0.0;0.0;"{NONE}"', "money_or_none": f'#,##0;-#,##0;0;"{NONE}"'}


def ranges(mapping, ids):
    """``{cell: name}`` as o-spreadsheet stores it: ``{cell: id}`` of the named ``ids``."""
    return {ref: ids[name] for ref, name in sorted(mapping.items())}


def build():
    cells, styles, formats = build_cells()
    style_ids = {name: index for index, name in enumerate(STYLES, 1)}
    format_ids = {name: index for index, name in enumerate(FORMATS, 1)}
    bottom = {"bottom": {"style": "thin", "color": "#CCCCCC"}}
    borders = {}
    for row, cols in ((KPI_TITLE, "ABCD"), (KPI_TITLE, "FGHI"), (PHASE_TITLE, "FGH"), (TOP_TITLE, "ABCD"),
                      (TOP_TITLE, "FGHI"), *((row, cols) for row, _col, _c in CHART_CAPTIONS for cols in ("ABCD",
                                                                                                          "FGHI"))):
        for col in cols:
            borders[f"{col}{row}"] = 1
    figures = [figure for figure, _menu in SCORECARDS] + CHARTS
    # data bars behind the top lists' names, as long as their revenue
    conditional_formats = [
        {"id": "ecom_bar_channels", "ranges": [f"A{TOP_FIRST}:A{TOP_FIRST + TOP_N - 1}"],
         "rule": {"type": "DataBarRule", "color": 15726335, "rangeValues": f"C{TOP_FIRST}:C{TOP_FIRST + TOP_N - 1}"}},
        {"id": "ecom_bar_salespeople", "ranges": [f"F{TOP_FIRST}:F{TOP_FIRST + TOP_N - 1}"],
         "rule": {"type": "DataBarRule", "color": 16775149, "rangeValues": f"I{TOP_FIRST}:I{TOP_FIRST + TOP_N - 1}"}},
    ]
    sheet = {
        "id": "ecom_owner_dashboard", "name": "Dashboard", "colNumber": len(COLS) + 1, "rowNumber": LAST_ROW,
        "rows": {str(row - 1): {"size": size} for row, size in sorted(ROW_SIZES.items())},
        "cols": {**{str(index): {"size": size} for index, size in enumerate(COLS)},
                 str(len(COLS)): {"size": 100, "isHidden": True}},  # the scorecards' baselines
        "merges": [], "cells": dict(sorted(cells.items(), key=lambda item: (item[0][0], int(item[0][1:])))),
        "styles": ranges(styles, style_ids), "formats": ranges(formats, format_ids), "borders": borders,
        "conditionalFormats": conditional_formats, "figures": figures, "tables": [],
        "areGridLinesVisible": False, "isVisible": True, "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [], "comments": {},
    }
    return {
        "version": VERSION, "sheets": [sheet],
        "styles": {str(index): STYLES[name] for name, index in style_ids.items()},
        "formats": {str(index): FORMATS[name] for name, index in format_ids.items()},
        "borders": {"1": bottom},
        "revisionId": "START_REVISION", "uniqueFigureIds": True,
        "settings": {"locale": {"name": "English (US)", "code": "en_US", "thousandsSeparator": ",",
                                "decimalSeparator": ".", "dateFormat": "mm/dd/yyyy", "timeFormat": "hh:mm:ss",
                                "formulaArgSeparator": ",", "weekStart": 7}},
        "pivots": PIVOTS, "pivotNextId": len(PIVOTS) + 1, "customTableStyles": {}, "odooVersion": ODOO_VERSION,
        "globalFilters": GLOBAL_FILTERS, "lists": {}, "listNextId": 1,
        "chartOdooMenusReferences": {figure["id"]: MENUS[menu] for figure, menu in SCORECARDS},
    }


def dump(data):
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "files",
                    "ecom_owner_dashboard.json")

if __name__ == "__main__":
    with open(FILE, "w", encoding="utf-8") as out:
        out.write(dump(build()))
    print(FILE)
