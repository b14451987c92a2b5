"""The scoring engine on a second real store: UCI's *Online Retail*, a UK online gift shop's invoice
lines, against the models a data scientist would fit.

    python bench/scoring_retail.py FILE [FILE ...] [--as-of YYYY-MM-DD ...] [--horizon 90]

The data is not in the repository (45 MB of CSV, 7.5 MB gzipped): download it from the UCI
Machine Learning Repository (CC BY 4.0; Daqing Chen, Sai Liang Sain, Kun Guo, "Data mining for the
online retail industry", Journal of Database Marketing and Customer Strategy Management 19(3),
2012): https://archive.ics.uci.edu/dataset/352/online+retail (``Online Retail.xlsx``, 2010-12-01
to 2011-12-09, 541,909 lines) and https://archive.ics.uci.edu/dataset/502/online+retail+ii
(``online_retail_II.xlsx``, 2009-12-01 to 2011-12-09, its sheets the two years). Each FILE is an
``.xlsx`` (every sheet read) or a ``.csv``/``.csv.gz`` export of one with UCI's columns (Online
Retail's ``InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
Country`` or Online Retail II's ``Invoice, StockCode, Description, Quantity, InvoiceDate, Price,
Customer ID, Country``; dates ISO or as Excel exports them, ``12/1/2010 8:26``). The files are read
in order; an invoice number met again in a later file (the two sheets of Online Retail II share
2010-12-01..09, and its second sheet is Online Retail) is the same invoice and skipped.

Read as a store's invoice lines would reach the addon (:func:`scoring.history.from_invoice_lines`):
lines without a customer dropped (a quarter of them: guests' sales); an invoice, one order, on
its day; a line's amount its quantity times its price, in cents as Odoo rounds an invoice line's
(prices have a tenth of a penny); lines of negative quantity (the "C"
cancellation invoices) the returns of the customer's last order of the product placed before them,
as Odoo links a credit note to the sale it takes back (a credit note of something not ordered
before, such as a manual credit or a discount granted afterwards, is linked to no order there and
gives back from the customer's orders placed before it, the latest first); the stock codes are the
products offered, postage, bank charges, fees and manual lines (codes not starting with a digit:
``POST``, ``DOT``, ``M``, ``BANK CHARGES``, ``AMAZONFEE``...) counted in the orders' amounts only.
For each day (default 2011-06-01, 2011-07-15 and 2011-09-01, and 2011-03-01 when the history
has a year before it) the backtest of the nightly job (``scoring.backtest``), beside BG/NBD, the
logistic regression on recency, frequency, average order and tenure, and recency alone
(``bench/scoring_real.py``'s), then the cross-sell offers the job would have made against what
the customers bought in the 90 days. Run it with the project's virtualenv from the repository root.
"""

import argparse
import csv
import datetime
import gzip
import os
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "addons", "ecom_crm_scoring"))

from scoring import backtest  # noqa: E402
from scoring.history import from_invoice_lines  # noqa: E402
from scoring_real import print_comparison, rfm_logistic  # noqa: E402

CENT = Decimal("0.01")
# the columns of Online Retail and of Online Retail II
COLUMNS = {
    "invoice": ("InvoiceNo", "Invoice"), "product": ("StockCode",), "qty": ("Quantity",),
    "date": ("InvoiceDate",), "price": ("UnitPrice", "Price"), "customer": ("CustomerID", "Customer ID"),
}


def parse_day(value):
    """An invoice's day number (``date.toordinal()``): a datetime (xlsx), ISO text or Excel's
    ``M/D/YYYY H:MM`` (``M/D/YY`` too)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.toordinal()
    text = str(value).strip().split()[0]
    if "-" in text:
        return datetime.date.fromisoformat(text[:10]).toordinal()
    m, d, y = (int(part) for part in text.split("/"))
    return datetime.date(y + 2000 if y < 100 else y, m, d).toordinal()


def parse_minute(value):
    """An invoice's time of day in minutes (0 when the value has none)."""
    if isinstance(value, datetime.datetime):
        return value.hour * 60 + value.minute
    parts = str(value).strip().split()
    if len(parts) < 2:
        return 0
    hour, minute = (int(part) for part in parts[1].split(":")[:2])
    return hour * 60 + minute


def _parts(path):
    """The parts of a file, each its rows as tuples, its header first: an xlsx's sheets, a CSV."""
    if path.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            yield sheet.iter_rows(values_only=True)
        return
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as f:
        yield csv.reader(f)


def read_uci(paths):
    """The invoice lines with a customer of UCI's files, as columns: customer, invoice, day, time
    (minutes), product, quantity, amount, goods (see the module docstring). An invoice met in an earlier
    part (file or sheet) is skipped."""
    out = {k: [] for k in ("customer", "invoice", "day", "time", "product", "qty", "amount", "goods")}
    seen = set()
    for path in paths:
        for rows in _parts(path):
            header = [str(h).strip() for h in next(rows)]
            at = {}
            for key, names in COLUMNS.items():
                found = [header.index(n) for n in names if n in header]
                if not found:
                    raise SystemExit(f"{path}: no column {' or '.join(names)} (columns: {', '.join(header)})")
                at[key] = found[0]
            mine = set()
            for r in rows:
                invoice = str(r[at["invoice"]]).strip()
                customer = r[at["customer"]]
                if invoice in seen or customer in (None, "") or str(customer).strip() in ("nan", "NA"):
                    continue
                mine.add(invoice)
                qty = float(r[at["qty"]])
                # a line's amount as the invoice has it (Odoo's subtotal): in cents, rounded half up
                amount = Decimal(str(r[at["qty"]])) * Decimal(str(r[at["price"]]))
                amount = float(amount.quantize(CENT, ROUND_HALF_UP))
                product = str(r[at["product"]]).strip().upper()
                out["customer"].append(int(float(customer)))
                out["invoice"].append(invoice)
                out["day"].append(parse_day(r[at["date"]]))
                out["time"].append(parse_minute(r[at["date"]]))
                out["product"].append(product)
                out["qty"].append(qty)
                out["amount"].append(amount)
                out["goods"].append(product[:1].isdigit())
            seen |= mine
    return {k: np.array(v) for k, v in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, nargs="+")
    parser.add_argument("--horizon", type=int, default=90)
    args = parser.parse_args()
    started = time.perf_counter()
    cols = read_uci(args.files)
    history, _keys, products = from_invoice_lines(cols["customer"], cols["invoice"], cols["day"], cols["product"],
                                                 cols["qty"], cols["amount"], goods=cols["goods"],
                                                 times=cols["time"])
    o = history.orders
    first, last = datetime.date.fromordinal(int(o.day.min())), datetime.date.fromordinal(int(o.day.max()))
    print(f"{', '.join(os.path.basename(p) for p in args.files)}: {len(cols['day'])} lines with a customer, "
          f"{history.n_customers} customers, {len(o)} orders ({first}..{last}), {len(products)} products, "
          f"returns {o.returned.sum():.0f} of {o.amount.sum():.0f} on {int((o.returned > 0).sum())} orders "
          f"({time.perf_counter() - started:.0f} s to read)")
    as_of = args.as_of or ([datetime.date(2011, 3, 1)] if first <= datetime.date(2010, 3, 1) else []) + [
        datetime.date(2011, 6, 1), datetime.date(2011, 7, 15), datetime.date(2011, 9, 1)]
    conf = o.confirmed
    for day in as_of:
        t = day.toordinal()
        started = time.perf_counter()
        r = backtest.backtest(history, t, args.horizon)
        seconds = time.perf_counter() - started
        print(f" as of {day}: {r['customers']} customers, {r['positives']} ordered in {args.horizon} days; "
              f"model {r['model']['kind']}{' (season)' if r['model']['season'] else ''}, "
              f"{r['model']['train_rows']} training rows, {seconds:.1f} s")
        print_comparison(r, *rfm_logistic(o.customer[conf], o.day[conf], o.amount[conf], history.n_customers, t,
                                          args.horizon))
        print("  deciles    " + " ".join(f"{d['predicted'] * 100:4.1f}/{d['observed'] * 100:4.1f}"
                                         for d in r["deciles"]))
        xs = r["crosssell"]
        if xs["suggestions"]:
            kinds = ", ".join(f"{k} {v['n']} ({v['predicted'] * 100:.1f}% for {v['observed'] * 100:.1f}%)"
                              for k, v in xs["by_kind"].items())
            print(f"  offers     {xs['suggestions']} to {xs['customers']} customers ({xs['accepted']} bought), "
                  f"model {xs['model']}, worst decile {xs['max_decile_gap'] * 100:4.1f} pts  Brier {xs['brier']:.4f}")
            print(f"             {kinds}")
            print("  deciles    " + " ".join(f"{d['predicted'] * 100:4.1f}/{d['observed'] * 100:4.1f}"
                                         for d in xs["deciles"]))


if __name__ == "__main__":
    main()
