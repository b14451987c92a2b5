"""UCI's *Online Retail* (a shop's invoice lines, see ``data/SOURCES.md``) loaded into Odoo as the
store would have it there, set-based (temporary tables filled by COPY, then one INSERT a table):

* a customer (``res.partner``, a company: the shop sells to shops) per CustomerID, its country;
* a product per StockCode (``product.product``, its code the variant's ``default_code``, its name
  the line's most frequent description); the codes that are not goods (postage, carriage, bank
  charges, fees, manual lines, discounts: codes not starting with a digit) are service products;
* each invoice of positive quantities a confirmed ``sale.order`` of its lines (quantity, unit
  price; untaxed), placed at its InvoiceDate in the company's time zone;
* each cancellation (a "C" invoice, negative quantities) a posted customer credit note
  (``account.move`` ``out_refund``) of the customer, dated that day, whose lines are linked to the
  sale line they take back (``sale_order_line_invoice_rel``, as Odoo's return flow links a reversed
  invoice's lines) when the customer ordered that product before: the last such order; otherwise
  the credit note's line is linked to nothing (a discount granted afterwards, a manual credit).

Lines without a customer (guests' sales) are left out, as the file reader leaves them out.
Used by ``test_scoring_real_data.py`` (its slice of the file) and by hand on the whole file::

    WT=... /tmp/dev.sh shell DB  # then: from odoo.addons.ecom_crm_scoring.tests import retail_store
    retail_store.load(env, retail_store.read_lines("online_retail.csv.gz")); env.cr.commit()
"""

import bisect
import csv
import datetime
import gzip
import io
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from odoo.tools import SQL

from ..scoring.history import from_invoice_lines

# UCI's country names that are not Odoo's
COUNTRIES = {"EIRE": "Ireland", "RSA": "South Africa", "USA": "United States", "Czech Republic": "Czechia"}
CENT = Decimal("0.01")


def parse_time(text):
    """An InvoiceDate: ISO (``2010-12-01 08:26``) or as Excel exports it (``12/1/2010 8:26``)."""
    text = text.strip()
    if "-" in text[:10]:
        return datetime.datetime.fromisoformat(text)
    day, _, clock = text.partition(" ")
    m, d, y = (int(part) for part in day.split("/"))
    hour, minute = (int(part) for part in (clock or "0:0").split(":")[:2])
    return datetime.datetime(y + 2000 if y < 100 else y, m, d, hour, minute)


def read_lines(path_or_file):
    """The lines with a customer of an Online Retail CSV (``.csv`` or ``.csv.gz``, or an open text
    file): ``(invoice, code, description, quantity, placed, unit price, customer, country)``,
    the code upper-cased, the quantity an int, the time naive (the shop's), the price a Decimal,
    the customer an int."""
    if isinstance(path_or_file, str | bytes) or hasattr(path_or_file, "__fspath__"):
        name = str(path_or_file)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(name, "rt", encoding="utf-8", errors="replace", newline="") as f:
            return read_lines(f)
    out = []
    for r in csv.DictReader(path_or_file):
        customer = (r.get("CustomerID") or "").strip()
        if not customer or customer in ("nan", "NA"):
            continue
        out.append((r["InvoiceNo"].strip(), r["StockCode"].strip().upper(), r["Description"].strip(),
                    int(float(r["Quantity"])), parse_time(r["InvoiceDate"]), Decimal(r["UnitPrice"].strip()),
                    int(float(customer)), r["Country"].strip()))
    return out


def is_goods(code):
    """A StockCode of goods (as ``bench/scoring_retail.py`` reads them): it starts with a digit."""
    return code[:1].isdigit()


def file_history(lines):
    """The engine's history of ``lines`` read from the file, as ``bench/scoring_retail.py`` reads
    it (:func:`from_invoice_lines`; a line's amount in cents, as Odoo has it; the times of day order a
    day's sales and returns): ``(history, customer keys, product keys)``."""
    cols = list(zip(*lines, strict=True)) if lines else [()] * 8
    invoice, code, _name, qty, placed, price, customer, _country = cols
    amount = [float((q * p).quantize(CENT, ROUND_HALF_UP)) for q, p in zip(qty, price, strict=True)]
    return from_invoice_lines(list(customer), list(invoice), [t.toordinal() for t in placed], list(code), list(qty),
                              amount, goods=[is_goods(c) for c in code], times=[t.hour * 60 + t.minute for t in placed])


def _ids(cr, sequence, n):
    """``n`` new ids of a table's sequence, ascending."""
    if not n:
        return []
    cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)", sequence, n))
    return sorted(r[0] for r in cr.fetchall())


def _copy(cr, table, columns, rows):
    """A temporary table ``table`` (``columns``: ``[(name, type)]``) filled with ``rows`` by COPY."""
    cr.execute(f"CREATE TEMP TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns)}) ON COMMIT DROP")
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(r"\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", " ")
                            .replace("\n", " ") for v in row))
        buf.write("\n")
    buf.seek(0)
    cr.copy_from(buf, table, columns=[c for c, _ in columns])


def load(env, lines, tz="Europe/London"):
    """Load ``lines`` (:func:`read_lines`) into the company of ``env`` (its time zone set to ``tz``).
    Returns ``{"partners": {customer: partner id}, "products": {code: product id}, "orders": n,
    "refunds": n, "linked": n credit note lines linked to a sale line}``."""
    cr = env.cr
    company = env.company
    company.partner_id.tz = tz
    env.flush_all()
    zone = datetime.UTC

    def utc(placed):  # the shop's local time as stored (UTC, naive)
        from zoneinfo import ZoneInfo

        return placed.replace(tzinfo=ZoneInfo(tz)).astimezone(zone).replace(tzinfo=None)

    now = datetime.datetime.now().replace(microsecond=0)
    uid = env.uid
    # customers: partner ids in the customers' order (the engine numbers both ways alike)
    customers = sorted({r[6] for r in lines})
    country_of = {}
    for r in lines:
        country_of.setdefault(r[6], r[7])
    cr.execute("SELECT name->>'en_US', id FROM res_country")
    countries = dict(cr.fetchall())
    partner_ids = _ids(cr, "res_partner_id_seq", len(customers))
    partner_of = dict(zip(customers, partner_ids, strict=True))
    _copy(cr, "uci_partner", [("id", "int4"), ("name", "text"), ("ref", "text"), ("country_id", "int4")], [
        (partner_of[c], f"Customer {c}", str(c), countries.get(COUNTRIES.get(country_of[c], country_of[c])))
        for c in customers])
    cr.execute(SQL("""
        INSERT INTO res_partner (id, name, complete_name, commercial_company_name, ref, country_id,
               commercial_partner_id, active, type, is_company, partner_share, customer_rank, supplier_rank,
               autopost_bills, invoice_warn, sale_warn, create_date, write_date, create_uid, write_uid)
        SELECT id, name, name, name, ref, country_id, id, true, 'contact', true, true, 1, 0, 'ask',
               'no-message', 'no-message', %(now)s, %(now)s, %(uid)s, %(uid)s
          FROM uci_partner
    """, now=now, uid=uid))
    # products: a template and its variant per code, named by the code's most frequent description
    names, prices = defaultdict(Counter), defaultdict(Counter)
    for r in lines:
        names[r[1]][r[2]] += 1
        if r[3] > 0:
            prices[r[1]][r[5]] += 1
    codes = sorted(names)
    template_ids = _ids(cr, "product_template_id_seq", len(codes))
    product_ids = _ids(cr, "product_product_id_seq", len(codes))
    product_of = dict(zip(codes, product_ids, strict=True))
    uom = env.ref("uom.product_uom_unit").id
    category = env.ref("product.product_category_all").id
    _copy(cr, "uci_product", [("tmpl", "int4"), ("id", "int4"), ("code", "text"), ("name", "text"),
                              ("type", "text"), ("price", "numeric")], [
        (t, p, code, names[code].most_common(1)[0][0] or code, "consu" if is_goods(code) else "service",
         (prices[code].most_common(1) or [(0, 0)])[0][0])
        for t, p, code in zip(template_ids, product_ids, codes, strict=True)])
    cr.execute(SQL("""
        INSERT INTO product_template (id, name, default_code, type, categ_id, uom_id, uom_po_id, list_price,
               sale_ok, purchase_ok, active, service_tracking, service_type, invoice_policy, expense_policy,
               sale_line_warn, create_date, write_date, create_uid, write_uid)
        SELECT tmpl, jsonb_build_object('en_US', name), code, type, %(category)s, %(uom)s, %(uom)s, price,
               true, true, true, 'no', 'manual', 'order', 'no', 'no-message', %(now)s, %(now)s, %(uid)s, %(uid)s
          FROM uci_product;
        INSERT INTO product_product (id, product_tmpl_id, default_code, combination_indices, active,
               create_date, write_date, create_uid, write_uid)
        SELECT id, tmpl, code, '', true, %(now)s, %(now)s, %(uid)s, %(uid)s FROM uci_product;
    """, category=category, uom=uom, now=now, uid=uid))
    # orders: the invoices of positive quantities, placed at their first line's time
    sold = [r for r in lines if r[3] > 0]
    invoices = defaultdict(list)
    for r in sold:
        invoices[r[0]].append(r)
    order_names = sorted(invoices, key=lambda inv: (min(r[4] for r in invoices[inv]), inv))
    order_ids = _ids(cr, "sale_order_id_seq", len(order_names))
    line_ids = iter(_ids(cr, "sale_order_line_id_seq", len(sold)))
    order_rows, line_rows = [], []
    # (customer, code) -> [(placed, sale line id)] sorted: the sale lines a credit note can take back
    bought = defaultdict(list)
    for order_id, inv in zip(order_ids, order_names, strict=True):
        rows = invoices[inv]
        placed = min(r[4] for r in rows)
        partner = partner_of[rows[0][6]]
        total = Decimal(0)
        for seq, r in enumerate(rows):
            subtotal = (r[3] * r[5]).quantize(CENT, ROUND_HALF_UP)
            total += subtotal
            line_id = next(line_ids)
            line_rows.append((line_id, order_id, 10 + seq, product_of[r[1]], r[2] or r[1], r[3], r[5], subtotal,
                              partner, utc(placed)))
            bought[r[6], r[1]].append((placed, line_id))
        order_rows.append((order_id, inv, partner, utc(placed), total))
    for key in bought:
        bought[key].sort()
    _copy(cr, "uci_order", [("id", "int4"), ("name", "text"), ("partner_id", "int4"), ("placed", "timestamp"),
                            ("amount", "numeric")], order_rows)
    _copy(cr, "uci_order_line", [("id", "int4"), ("order_id", "int4"), ("sequence", "int4"), ("product_id", "int4"),
                                 ("name", "text"), ("qty", "numeric"), ("price", "numeric"), ("subtotal", "numeric"),
                                 ("partner_id", "int4"), ("placed", "timestamp")], line_rows)
    params = {"company": company.id, "currency": company.currency_id.id, "uid": uid, "uom": uom}
    cr.execute(SQL("""
        INSERT INTO sale_order (id, name, partner_id, partner_invoice_id, partner_shipping_id, date_order,
               state, company_id, currency_id, currency_rate, amount_untaxed, amount_tax, amount_total,
               invoice_status, require_signature, require_payment, prepayment_percent, locked, ecom_status,
               ecom_status_date, create_date, write_date, create_uid, write_uid)
        SELECT id, name, partner_id, partner_id, partner_id, placed, 'sale', %(company)s, %(currency)s,
               1.0, amount, 0, amount, 'no', false, false, 1.0, false, 'delivered', placed + interval '3 days',
               placed, placed, %(uid)s, %(uid)s
          FROM uci_order;
        INSERT INTO sale_order_line (id, order_id, sequence, product_id, name, product_uom_qty, product_uom,
               price_unit, technical_price_unit, discount, price_subtotal, price_tax, price_total,
               price_reduce_taxexcl, price_reduce_taxinc, qty_delivered, qty_delivered_method, qty_invoiced,
               qty_to_invoice, untaxed_amount_invoiced, untaxed_amount_to_invoice, invoice_status, customer_lead,
               state, company_id, currency_id, order_partner_id, product_packaging_qty, is_downpayment,
               is_expense, create_date, write_date, create_uid, write_uid)
        SELECT id, order_id, sequence, product_id, name, qty, %(uom)s, price, price, 0, subtotal, 0, subtotal,
               price, price, qty, 'manual', 0, 0, 0, 0, 'no', 0, 'sale', %(company)s, %(currency)s,
               partner_id, 0, false, false, placed, placed, %(uid)s, %(uid)s
          FROM uci_order_line;
    """, **params))
    # credit notes: each cancellation invoice, its lines linked to the sale line they take back
    back = [r for r in lines if r[3] < 0]
    notes = defaultdict(list)
    for r in back:
        notes[r[0]].append(r)
    note_names = sorted(notes, key=lambda inv: (min(r[4] for r in notes[inv]), inv))
    move_ids = _ids(cr, "account_move_id_seq", len(note_names))
    aml_ids = iter(_ids(cr, "account_move_line_id_seq", len(back) + len(note_names)))
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    receivable = env["res.partner"].browse(partner_ids[:1]).property_account_receivable_id.id if partner_ids else None
    income = journal.default_account_id.id
    move_rows, aml_rows, rel_rows = [], [], []
    numbers = Counter()
    for move_id, inv in zip(move_ids, note_names, strict=True):
        rows = notes[inv]
        placed = min(r[4] for r in rows)
        day = placed.date()
        numbers[day.year] += 1
        name = f"R{journal.code}/{day.year}/{numbers[day.year]:05d}"
        partner = partner_of[rows[0][6]]
        total = Decimal(0)
        for seq, r in enumerate(rows):
            amount = (-r[3] * r[5]).quantize(CENT, ROUND_HALF_UP)
            total += amount
            aml_id = next(aml_ids)
            aml_rows.append((aml_id, move_id, 10 + seq, income, product_of[r[1]], r[2] or r[1], -r[3], r[5],
                             amount, amount, 0, "product", partner, day, name))
            earlier = bought.get((r[6], r[1]), ())
            at = bisect.bisect_right(earlier, (placed, float("inf")))
            if at:
                rel_rows.append((aml_id, earlier[at - 1][1]))
        aml_rows.append((next(aml_ids), move_id, 10 + len(rows), receivable, None, name, 1, total, total, 0,
                         total, "payment_term", partner, day, name))
        move_rows.append((move_id, name, f"R{journal.code}/{day.year}/", numbers[day.year], inv, partner,
                          f"Customer {rows[0][6]}", day, total, utc(placed)))
    _copy(cr, "uci_move", [("id", "int4"), ("name", "text"), ("prefix", "text"), ("number", "int4"),
                           ("ref", "text"), ("partner_id", "int4"), ("partner_name", "text"), ("day", "date"),
                           ("total", "numeric"), ("placed", "timestamp")], move_rows)
    _copy(cr, "uci_move_line", [("id", "int4"), ("move_id", "int4"), ("sequence", "int4"), ("account_id", "int4"),
                                ("product_id", "int4"), ("name", "text"), ("qty", "numeric"), ("price", "numeric"),
                                ("subtotal", "numeric"), ("debit", "numeric"), ("credit", "numeric"),
                                ("display_type", "text"), ("partner_id", "int4"), ("day", "date"),
                                ("move_name", "text")], aml_rows)
    _copy(cr, "uci_rel", [("invoice_line_id", "int4"), ("order_line_id", "int4")], rel_rows)
    cr.execute(SQL("""
        INSERT INTO account_move (id, name, sequence_prefix, sequence_number, ref, journal_id, company_id,
               partner_id, commercial_partner_id, currency_id, state, move_type, auto_post, date, invoice_date,
               invoice_date_due, invoice_partner_display_name, invoice_currency_rate, amount_untaxed, amount_tax,
               amount_total, amount_residual, amount_untaxed_signed, amount_untaxed_in_currency_signed,
               amount_tax_signed, amount_total_signed, amount_total_in_currency_signed, amount_residual_signed,
               payment_state, is_storno, always_tax_exigible, checked, posted_before, made_sequence_gap,
               is_move_sent, create_date, write_date, create_uid, write_uid)
        SELECT id, name, prefix, number, ref, %(journal)s, %(company)s, partner_id, partner_id, %(currency)s,
               'posted', 'out_refund', 'no', day, day, day, partner_name, 1, total, 0, total, total, -total, -total,
               0, -total, -total, -total, 'not_paid', false, false, true, true, false, false, placed, placed,
               %(uid)s, %(uid)s
          FROM uci_move;
        INSERT INTO account_move_line (id, move_id, sequence, journal_id, company_id, company_currency_id,
               currency_id, account_id, partner_id, product_id, product_uom_id, name, display_type, move_name,
               parent_state, date, invoice_date, date_maturity, quantity, price_unit, price_subtotal, price_total,
               discount, debit, credit, balance, amount_currency, amount_residual, amount_residual_currency,
               tax_base_amount, reconciled, create_date, write_date, create_uid, write_uid)
        SELECT id, move_id, sequence, %(journal)s, %(company)s, %(currency)s, %(currency)s, account_id,
               partner_id, product_id, CASE WHEN product_id IS NOT NULL THEN %(uom)s END, name, display_type,
               move_name, 'posted', day, day, CASE WHEN display_type = 'payment_term' THEN day END,
               qty, price, subtotal, subtotal, 0, debit, credit, debit - credit, debit - credit,
               CASE WHEN display_type = 'payment_term' THEN debit - credit ELSE 0 END,
               CASE WHEN display_type = 'payment_term' THEN debit - credit ELSE 0 END,
               0, false, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', %(uid)s, %(uid)s
          FROM uci_move_line;
        INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
        SELECT invoice_line_id, order_line_id FROM uci_rel;
    """, journal=journal.id, **params))
    env.invalidate_all()
    return {"partners": partner_of, "products": product_of, "orders": len(order_rows), "refunds": len(move_rows),
            "linked": len(rel_rows)}
