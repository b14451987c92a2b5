"""The SQL reader hands the engine the store's history as it is in Odoo."""

import threading
from datetime import date, timedelta
from unittest.mock import patch

import numpy as np

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.addons.ecom_crm.models.ecom_report_mixin import order_refunds
from odoo.modules import module as odoo_module
from odoo.tests import BaseCase, tagged
from odoo.tools import SQL

from ..scoring import criteria
from ..scoring.history import (
    LEAD_LOST,
    LEAD_OPEN,
    LEAD_WON,
    MAIL_CLICK,
    NEVER,
    OUTCOME_REFUSED,
    History,
    credit_unlinked,
    from_invoice_lines,
    from_transactions,
    given_back,
    lookup,
    positions,
    sort_order,
)
from ..tools.pgcopy import CopyFormatError, SharedSlices, copy_columns, table_slices
from .common import ScoringCase, foreign_pricelist


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestPositions(BaseCase):
    def test_a_join_by_binary_search(self):
        self.assertEqual(positions([30, 10, 20], [20, 99, 30, 10, 20]).tolist(), [2, -1, 0, 1, 2])
        self.assertEqual(positions([], [1, 2]).tolist(), [-1, -1])
        self.assertEqual(positions([30, 10, 20], [-1, 31, 0]).tolist(), [-1, -1, -1], "outside the ids")
        # ids too sparse for a table indexed by id: the binary search answers the same
        self.assertEqual(positions([10**9, 5], [5, 10**9, -3, 7, 2 * 10**9]).tolist(), [1, 0, -1, -1, -1])
        self.assertEqual(positions(np.array([5], dtype=np.int32), np.array([], dtype=np.int32)).tolist(), [])

    def test_a_lookup_by_positions(self):
        self.assertEqual(lookup(np.array([7, 8, 9]), np.array([2, -1, 0]), -5).tolist(), [9, -5, 7])
        self.assertEqual(lookup(np.array([True]), np.array([-1, 0]), False).tolist(), [False, True])
        self.assertEqual(lookup(np.zeros(0, bool), np.array([-1, -1]), False).tolist(), [False, False],
                         "nothing to look up in: the default")
        self.assertEqual(lookup(np.zeros(0, np.int32), np.zeros(0, np.int64), -1).tolist(), [])

    def test_sort_order_is_lexsorts(self):
        """The packed key's order is ``np.lexsort``'s, ties in their order; keys too wide to pack
        together, and non-integer keys, go to lexsort itself."""
        rng = np.random.default_rng(7)
        n = 50_000
        customer = rng.integers(0, 3_000, n).astype(np.int32)
        day = rng.integers(739_000, 739_400, n)  # day ordinals: packed from their lowest
        order_id = rng.permutation(n).astype(np.int32)
        tie = rng.integers(-5, 5, n)  # negative, with ties: stable
        cases = {"orders": (customer, day, order_id), "ties": (customer, tie), "one key": (tie,),
                 "too wide": (rng.integers(0, 2**40, n), rng.integers(0, 2**30, n)),
                 "floats": (customer, rng.random(n))}
        for name, keys in cases.items():
            with self.subTest(name):
                self.assertEqual(sort_order(*keys).tolist(), np.lexsort(keys[::-1]).tolist())
        self.assertEqual(sort_order(np.array([], dtype=np.int32), np.array([], dtype=np.int32)).tolist(), [])
        self.assertEqual(sort_order(np.array([4]), np.array([1])).tolist(), [0])

    def test_a_bare_stores_order_log(self):
        """Keys of any kind, rows in any order: customers numbered by their sorted keys, the
        orders sorted by customer and day, one line each carrying the order's amount."""
        h, keys = from_transactions(["b-7", "a-1", "b-7", "c-2"], [30, 12, 5, 40], [300.0, 120.0, 50.0, 400.0])
        self.assertEqual(keys.tolist(), ["a-1", "b-7", "c-2"])
        self.assertEqual(h.n_customers, 3)
        self.assertEqual(h.orders.customer.tolist(), [0, 1, 1, 2])
        self.assertEqual(h.orders.day.tolist(), [12, 5, 30, 40])
        self.assertEqual(h.orders.amount.tolist(), [120.0, 50.0, 300.0, 400.0])
        self.assertTrue(h.orders.confirmed.all())
        self.assertEqual(h.lines.order.tolist(), [0, 1, 2, 3])
        self.assertEqual(h.lines.amount.tolist(), [120.0, 50.0, 300.0, 400.0])
        self.assertEqual(set(h.lines.category.tolist()), {-1})
        self.assertIsNone(h.leads)
        with self.assertRaisesRegex(ValueError, "must not be negative"):
            from_transactions([1, 2], [-3, 5], [10.0, 20.0])

    def test_a_stores_invoice_lines(self):
        """UCI's Online Retail as it comes: an invoice of several lines is one order (its first
        line's day, the sum of its lines), postage is in the amount but no product, a "C" credit
        note goes back to the order it returns as Odoo's return flow links it (the customer's last
        order of that product placed before it), never above the order's amount; a credit note of
        something the customer did not order before it (a manual refund, a discount granted
        afterwards) is linked to no order in Odoo: it gives back from the customer's orders placed
        before it, the latest first (:func:`credit_unlinked`), as the database reader counts it;
        one of something bought before the history began, before any order, is left out."""
        rows = [  # customer, invoice, day, minute, product, quantity, amount, goods
            (17850, "536365", 100, 506, "85123A", 6, 15.30, True),
            (17850, "536365", 100, 506, "71053", 6, 20.34, True),
            (17850, "536365", 100, 506, "POST", 1, 18.00, False),
            (13047, "536367", 100, 520, "22745", 6, 12.60, True),
            (17850, "536370", 104, 600, "71053", 12, 40.68, True),
            (17850, "536371", 106, 600, "22632", 2, 5.00, True),
            # the first order's hearts sent back a week later, though a later order came between
            (17850, "C536379", 107, 600, "85123A", -2, -5.10, True),
            # a manual refund without an earlier manual line: linked to no order, given back by the
            # orders before it, the latest first
            (17850, "C536380", 107, 610, "M", -1, -50.00, False),
            # postage given back: the order that charged it
            (17850, "C536381", 108, 600, "POST", -1, -18.00, False),
            # a return at 9:00 of what was ordered again at 11:00 the same day: the earlier order's
            (13047, "C536399", 110, 540, "22745", -1, -2.10, True),
            (13047, "536400", 110, 660, "22745", 1, 2.10, True),
            # bought and sent back the same day, later: that day's order
            (13047, "C536401", 110, 700, "22745", -1, -2.10, True),
            # something bought before the history began
            (14000, "C536402", 108, 600, "21000", -3, -9.00, True),
            (14000, "536403", 109, 600, "21000", 3, 9.00, True),
            # a customer with nothing but a cancellation: no order, a customer without history
            (15000, "C536404", 109, 600, "21000", -1, -3.00, True),
        ]
        cust, inv, day, minute, prod, qty, amount, goods = (list(col) for col in zip(*rows, strict=True))
        h, customers, products = from_invoice_lines(cust, inv, day, prod, qty, amount, goods=goods, times=minute)
        self.assertEqual(customers.tolist(), [13047, 14000, 15000, 17850])
        self.assertEqual(products.tolist(), ["21000", "22632", "22745", "71053", "85123A"])
        o = h.orders
        # sorted by customer and day
        self.assertEqual(o.customer.tolist(), [0, 0, 1, 3, 3, 3])
        self.assertEqual(o.day.tolist(), [100, 110, 109, 100, 104, 106])
        np.testing.assert_allclose(o.amount, [12.60, 2.10, 9.00, 53.64, 40.68, 5.00])
        np.testing.assert_allclose(o.returned, [2.10, 2.10, 0.0, 23.10 + 4.32, 40.68, 5.00],
                                   err_msg="the hearts and the postage to their order, the manual refund of "
                                           "50 by the orders of days 106, 104 and 100 (what each had left)")
        self.assertTrue(o.confirmed.all())
        # without the times, a sale comes before a return of the same day
        h2 = from_invoice_lines(cust, inv, day, prod, qty, amount, goods=goods)[0]
        np.testing.assert_allclose(h2.orders.returned, [0.0, 2.10, 0.0, 23.10 + 4.32, 40.68, 5.00],
                                   err_msg="both returns of day 110 to that day's order, capped at its 2.10")
        # the lines: the goods only, each on its order
        self.assertEqual(len(h.lines), 7)
        self.assertEqual(products[h.lines.product].tolist(),
                         ["22745", "22745", "21000", "85123A", "71053", "71053", "22632"])
        self.assertEqual(h.lines.order.tolist(), [0, 1, 2, 3, 3, 4, 5])
        np.testing.assert_allclose(h.lines.qty, [6, 1, 3, 6, 6, 12, 2])
        np.testing.assert_allclose(h.lines.amount, [12.60, 2.10, 9.00, 15.30, 20.34, 40.68, 5.00])
        with self.assertRaisesRegex(ValueError, "every column"):
            from_invoice_lines([1], ["a", "b"], [1], ["p"], [1], [1.0])

    def test_returns_are_known_from_their_own_day(self):
        """A backtest as of a day sees the returns and credit notes dated before it only: an order
        placed before the day and sent back after it has given nothing back yet (it had, in every
        past view, from the order's day on), nor has a credit note typed in by hand later; a credit
        note's reversal counts from its own day. The views of some customers keep the dates."""
        rows = [  # customer, invoice, day, product, quantity, amount
            (1, "A1", 100, "kettle", 2, 100.0),
            (1, "A2", 110, "filter", 1, 30.0),
            (1, "CA1", 120, "kettle", -1, -50.0),  # a kettle sent back on day 120
            (1, "CM", 130, "M", -1, -20.0),  # a goodwill credit on day 130 (of no product ordered)
            (2, "B1", 105, "kettle", 1, 50.0),
            (2, "CB1", 108, "kettle", -1, -50.0),  # sent back at once
        ]
        cust, inv, day, prod, qty, amount = (list(col) for col in zip(*rows, strict=True))
        h = from_invoice_lines(cust, inv, day, prod, qty, amount)[0]
        np.testing.assert_allclose(h.orders.returned, [50.0, 20.0, 50.0], err_msg="everything, as of today")
        for as_of, returned in ((112, [0.0, 0.0, 50.0]), (121, [50.0, 0.0, 50.0]), (131, [50.0, 20.0, 50.0])):
            with self.subTest(as_of=as_of):
                np.testing.assert_allclose(h.as_of(as_of).orders.returned, returned)
                np.testing.assert_allclose(h.as_of(as_of).as_of(as_of).orders.returned, returned)
        c = criteria.compute(h, 112, fit_bgnbd=False)
        self.assertEqual(float(c.column("monetary")[0]), 130.0, "what they spent, as known on day 112")
        self.assertEqual(float(c.column("monetary")[1]), 0.0)
        self.assertEqual(float(c.column("return_share")[0]), 0.0)
        np.testing.assert_allclose(h.restrict([0]).as_of(121).orders.returned, [50.0, 0.0])
        np.testing.assert_allclose(h.compact(np.array([1])).as_of(107).orders.returned, [0.0])
        # a credit note typed in by hand and reversed (the database's credit notes) on day 140
        credited = History.build(1, {"customer": [0, 0], "day": [100, 110], "amount": [100.0, 30.0]},
                                 credits={"customer": [0], "day": [130], "amount": [20.0], "undone": [20.0],
                                          "undone_day": [140]})
        for as_of, returned in ((125, [0.0, 0.0]), (135, [0.0, 20.0]), (141, [0.0, 0.0])):
            with self.subTest(as_of=as_of):
                np.testing.assert_allclose(credited.as_of(as_of).orders.returned, returned)

    def test_a_return_dated_after_the_day_copies_no_line(self):
        """The nightly job's history as of tomorrow when a credit note is dated later (typed in
        ahead, for next week): the returns are recomputed without it, but every order is before
        the day, so the orders' other columns and the ten million lines are the history's own,
        not copies (a copy of the lines doubled the run's memory)."""
        h = History.build(2, {"customer": [0, 0, 1], "day": [100, 110, 105], "amount": [100.0, 30.0, 50.0]},
                          lines={"order": [0, 1, 2], "product": [1, 2, 1], "amount": [100.0, 30.0, 50.0]},
                          refunds={"order": [0, 2], "day": [108, 200], "credited": [40.0, 50.0]},
                          credits={"customer": [0], "day": [210], "amount": [10.0]})
        np.testing.assert_allclose(h.orders.returned, [40.0, 10.0, 50.0])
        seen = h.as_of(150)
        np.testing.assert_allclose(seen.orders.returned, [40.0, 0.0, 0.0], err_msg="the later returns unknown")
        self.assertIs(seen.lines, h.lines, "the lines not copied")
        self.assertIs(seen.orders.amount, h.orders.amount, "nor the orders' columns but what they gave back")
        np.testing.assert_allclose(h.orders.returned, [40.0, 10.0, 50.0], err_msg="the history itself unchanged")

    def test_a_files_returns_are_kept_by_order_and_day(self):
        """The returns of a file are kept an order and a day a row, however many lines a credit note
        has (a return of a whole basket): they grew a row per returned line."""
        rows = [(1, "A1", 100, f"p{i}", 1, 10.0) for i in range(6)] + \
               [(1, "C1", 120, f"p{i}", -1, -10.0) for i in range(6)] + \
               [(1, "C2", 121, "p0", -1, -10.0), (1, "C3", 121, "p1", -1, -10.0)]
        cust, inv, day, prod, qty, amount = (list(col) for col in zip(*rows, strict=True))
        h = from_invoice_lines(cust, inv, day, prod, qty, amount)[0]
        self.assertEqual(len(h.refunds), 2, "one order, two days")
        self.assertEqual(sorted(h.refunds.day.tolist()), [120, 121])
        np.testing.assert_allclose(sorted(h.refunds.credited.tolist()), [20.0, 60.0])
        np.testing.assert_allclose(h.orders.returned, [60.0], err_msg="at most the order")
        np.testing.assert_allclose(h.as_of(121).orders.returned, [60.0])

    def test_a_credit_set_against_the_lines_invoicing_after_it(self):
        """What an order's credit notes gave back, as the store's reports count it: less what was
        invoiced again of the same lines after the first credit note (a correction, even of a partial
        invoice: ``reinvoiced``, dated as the new invoice), or the invoicing beyond the order::

            returned = min(ordered, max(0, credited - max(reinvoiced, invoiced - ordered)))"""
        orders = {"customer": [0, 0, 0], "day": [100, 100, 100], "amount": [2000.0, 1000.0, 1000.0]}
        refunds = {"order": [0, 0, 0, 1, 2, 2],
                   "day": [101, 105, 108, 101, 101, 103],
                   # a partial invoice corrected on day 105 (at 900 on day 108), the other order
                   # invoiced twice in full and credited once, the last sent back and invoiced
                   # again (another line's invoice, no correction of the credited line)
                   "credited": [0.0, 1000.0, 0.0, 1000.0, 1000.0, 0.0],
                   "invoiced": [1000.0, 0.0, 900.0, 2000.0, 1000.0, 0.0],
                   "reinvoiced": [0.0, 0.0, 900.0, 0.0, 0.0, 0.0]}
        h = History.build(1, orders, refunds=refunds)
        np.testing.assert_allclose(h.orders.returned, [100.0, 0.0, 1000.0])
        np.testing.assert_allclose(given_back([0, 0, 0], [100] * 3, orders["amount"], [True] * 3, refunds),
                                   [100.0, 0.0, 1000.0])
        np.testing.assert_allclose(h.as_of(106).orders.returned, [1000.0, 0.0, 1000.0],
                                   err_msg="credited, not invoiced again yet")

    def test_credits_linked_to_no_order(self):
        """A credit note typed in by hand gives back from the customer's orders placed on or before
        its day, the latest first, each up to what it has left (its linked returns out, a cancelled
        order nothing); credits are taken by their days; what no order before it can take is left
        out; another customer's orders are never touched; the orders may come in any order."""
        # order: customer, day, what it can still give back
        orders = [(0, 10, 100.0), (0, 20, 50.0), (0, 20, 30.0), (0, 40, 0.0), (1, 5, 70.0), (2, 30, 40.0),
                  (0, 50, 25.0)]
        shuffled = [6, 2, 4, 0, 5, 1, 3]
        cust, day, cap = (np.array([orders[i][k] for i in shuffled]) for k in range(3))

        def taken(*credits):
            got = credit_unlinked(cust, day, cap, *(np.array(col) for col in zip(*credits, strict=True)))
            by_order = dict(zip(shuffled, got.tolist(), strict=True))
            return [by_order[i] for i in range(len(orders))]

        self.assertEqual(taken(
            (0, 45, 120.0),  # second in time: nothing left before day 45 (the day-40 order had nothing)
            (0, 20, 200.0),  # first in time: the two orders of day 20, then day 10's; 20 left out
            (1, 4, 10.0),  # before the customer's first order: left out
            (2, 30, -5.0),  # not a credit
            (3, 30, 10.0),  # a customer without orders
        ), [100.0, 50.0, 30.0, 0.0, 0.0, 0.0, 0.0], "the order of day 50 came after both credits")
        self.assertEqual(taken((0, 45, 60.0), (0, 60, 40.0)), [0.0, 50.0, 25.0, 0.0, 0.0, 0.0, 25.0],
                         "day 45: the day-40 order has nothing, then the two of day 20 (the one given later "
                         "first: 50, then 10 of 30); day 60: the day-50 order's 25, then 15 of the 20 left")
        self.assertEqual(credit_unlinked([], [], [], [0], [1], [5.0]).tolist(), [])

    def test_credits_linked_to_no_order_as_a_plain_walk_gives_them(self):
        """The skipping of the emptied orders (path halving) gives what walking every order back
        from the credit's day gives: random stores of a few customers, orders of the same days,
        empty and cancelled (0) orders, credits before any order, of nothing, of customers without
        orders; another customer's orders (around the credited one's) never touched."""
        rng = np.random.default_rng(7)

        def walk(customer, day, capacity, customers, days, amounts):
            left, taken = np.maximum(capacity, 0).astype(float), np.zeros(len(customer))
            by = sorted(range(len(customer)), key=lambda i: (customer[i], day[i], i))
            for j in sorted(range(len(customers)), key=lambda j: (customers[j], days[j], j)):
                amount = amounts[j]
                for i in reversed([i for i in by if customer[i] == customers[j] and day[i] <= days[j]]):
                    if amount <= 0:
                        break
                    give = min(left[i], amount)
                    left[i], taken[i], amount = left[i] - give, taken[i] + give, amount - give
            return taken

        for _trial in range(300):
            n, m = rng.integers(0, 30), rng.integers(0, 15)
            orders = (rng.integers(0, 4, n), rng.integers(0, 10, n), rng.choice([0.0, 5.0, 10.0, 20.0], n))
            credits = (rng.integers(0, 5, m), rng.integers(-2, 12, m), rng.choice([-5.0, 0.0, 3.0, 7.0, 30.0], m))
            np.testing.assert_allclose(credit_unlinked(*orders, *credits), walk(*orders, *credits))


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringHistory(ScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category = cls.env["product.category"].create({"name": "Кофемашины"})
        cls.machine = cls.env["product.product"].create({"name": "Кофемашина", "categ_id": cls.category.id,
                                                         "list_price": 25000})
        cls.seller = cls.env["res.users"].create({"name": "Менеджер", "login": "history_seller"})
        cls.firm = cls.env["res.partner"].create({"name": "ООО Кофе", "is_company": True, "user_id": cls.seller.id,
                                                  "email": "office@coffee.example"})
        cls.contact = cls.env["res.partner"].create({"name": "Бариста", "parent_id": cls.firm.id})
        cls.other = cls._customer_with_orders("Иванова Анна", [10])

    def read(self):
        history, partner_ids = self.env["ecom.scoring.history"]._read(self.env.company)
        return history, {int(p): i for i, p in enumerate(partner_ids)}

    def test_the_read_compiles_no_query(self):
        """PostgreSQL's JIT is off for the read's transaction: compiling the orders' read (its rate a
        CASE of correlated subqueries) took as long as reading them on a large store."""
        self.env.cr.execute("SET LOCAL jit = on")
        self.read()
        self.env.cr.execute("SELECT current_setting('jit')")
        self.assertEqual(self.env.cr.fetchone()[0], "off")

    def test_columns_by_arrays_and_slices_of_a_table(self):
        """PostgreSQL's arrays read as numpy columns; a table read by slices gives each row once."""
        cr = self.env.cr
        cr.execute("CREATE TEMP TABLE ecom_rows AS SELECT g AS id, g * 0.5 AS half, g % 2 = 0 AS even"
                   " FROM generate_series(1, 5000) g")
        cr.execute("ANALYZE ecom_rows")
        columns = [("id", "int4"), ("half", "float8"), ("even", "bool")]
        slices = table_slices(cr, "ecom_rows", "r", rows=700)
        self.assertGreater(len(slices), 3)
        read = copy_columns(cr, [f"SELECT r.id, r.half::float8, r.even FROM ecom_rows r WHERE {part}"
                                 for part in slices], columns)
        self.assertEqual(sorted(read["id"].tolist()), list(range(1, 5001)), "every row once")
        self.assertEqual((read["half"] * 2).tolist(), read["id"].astype(float).tolist())
        self.assertEqual(read["even"].tolist(), (read["id"] % 2 == 0).tolist())
        none = copy_columns(cr, "SELECT id, half::float8, even FROM ecom_rows WHERE id < 0", columns)
        self.assertEqual([len(v) for v in none.values()], [0, 0, 0])
        with self.assertRaisesRegex(CopyFormatError, "half"):
            copy_columns(cr, "SELECT id, CASE WHEN id = 7 THEN NULL ELSE half END::float8, even FROM ecom_rows",
                         columns)
        with self.assertRaisesRegex(CopyFormatError, "id"):
            copy_columns(cr, "SELECT id::int8, half::float8, even FROM ecom_rows", columns)

    def test_reads_beside_share_the_snapshot_and_never_miss_this_transactions_writes(self):
        query = {"countries": ("SELECT id, phone_code FROM res_country", [("id", "int4"), ("code", "int4")])}
        self.assertIsNone(self.env["ecom.scoring.history"]._beside(query), "a test's savepoint: read here")
        # what a snapshot is: its xmax, the first transaction it does not see
        xmax = {"xmax": ("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::int8", [("xmax", "int8")])}
        # a transaction of its own, as the cron's (the test's savepoints cannot export a snapshot)
        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr, \
                patch.object(odoo_module, "current_test", False):
            History = api.Environment(cr, SUPERUSER_ID, {})["ecom.scoring.history"]
            cr.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::int8")
            mine = cr.fetchone()[0]
            # another transaction commits after this one took its snapshot: a new snapshot sees it,
            # the second connection does not, as it reads with this transaction's snapshot
            with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
                other.execute("CREATE TEMP TABLE ecom_other (x int)")
                other.commit()
                other.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::int8")
                later = other.fetchone()[0]
            self.assertGreater(later, mine)
            jit = {"jit": ("SELECT (current_setting('jit') = 'off')::int4", [("off", "int4")])}
            read = History._beside({**query, **xmax, **jit})()
            self.assertEqual(read["xmax"]["xmax"].tolist(), [mine], "the same snapshot as this transaction's")
            self.assertEqual(read["jit"]["off"].tolist(), [1], "no JIT compiling before the reads")
            beside = read["countries"]
            cr.execute("SELECT id, phone_code FROM res_country")
            here = sorted(cr.fetchall())
            self.assertGreater(len(here), 200)
            self.assertEqual(sorted(zip(beside["id"].tolist(), beside["code"].tolist(), strict=True)), here,
                             "the same rows and values, read by the second connection in its thread")
            cr.execute("CREATE TEMP TABLE ecom_written (x int)")  # written, not committed
            self.assertIsNone(History._beside(query), "what this transaction wrote would be missed")
            cr.rollback()

    def test_a_sliced_read_beside_is_shared_with_this_connection_once_it_waits(self):
        """The slices of a sliced read go to whichever connection is free: here the second one is
        held a second by its first read, so this one, asking for the result at once, reads every
        slice itself; the columns are those of one connection reading the slices in order."""
        slices = [f"SELECT id, phone_code FROM res_country WHERE id % 5 = {k}" for k in range(5)]
        columns = [("id", "int4"), ("code", "int4")]
        held = ("SELECT x FROM (SELECT 1 AS x, pg_sleep(1)) s", [("x", "int4")])
        readers, read = [], SharedSlices.read

        def counted(shared, cr):
            count = read(shared, cr)
            readers.append((threading.current_thread().name, count))
            return count

        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr, \
                patch.object(odoo_module, "current_test", False), \
                patch.object(SharedSlices, "read", autospec=True, side_effect=counted):
            History = api.Environment(cr, SUPERUSER_ID, {})["ecom.scoring.history"]
            got = History._beside({"held": held, "countries": (slices, columns)})()
            alone = copy_columns(cr, slices, columns)
            cr.rollback()
        self.assertEqual(got["held"]["x"].tolist(), [1])
        for name, _type in columns:
            np.testing.assert_array_equal(got["countries"][name], alone[name])
        self.assertGreater(len(alone["id"]), 200)
        self.assertEqual(sorted(readers), sorted([(threading.current_thread().name, 5), ("ecom_scoring_read_0", 0)]))

    def test_orders_lines_and_amounts_in_company_currency(self):
        order = self._order(self.contact, 40, amount=1000)
        order.order_line = [Command.create({"product_id": self.machine.id, "product_uom_qty": 2, "price_unit": 500,
                                            "discount": 10})]
        cancelled = self._order(self.firm, 20)
        cancelled._action_cancel()
        # in another currency: 2 of it to one of the company's
        cancelled.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET currency_rate = 2 WHERE id = %s", [cancelled.id])
        # a quotation: not history, nor its lines
        self.env["sale.order"].create({"partner_id": self.firm.id, "order_line": [
            Command.create({"product_id": self.machine.id, "price_unit": 777})]})
        history, index = self.read()
        self.assertNotIn(777, history.lines.amount.tolist())
        read = self.env["sale.order.line"].search_count([("order_id.state", "in", ("sale", "cancel")),
                                                         ("display_type", "=", False)])
        self.assertEqual(len(history.lines.order), read, "the lines of the confirmed and cancelled orders, all")
        self.assertEqual(set(index), {self.firm.id, self.other.id}, "customers are commercial partners")
        firm = index[self.firm.id]
        mine = history.orders.customer == firm
        self.assertEqual(mine.sum(), 2)
        self.assertEqual(history.orders.confirmed[mine].tolist(), [True, False], "by day: confirmed, cancelled")
        self.assertEqual(history.orders.day[mine][0], (self.today - timedelta(days=40)).toordinal())
        self.assertAlmostEqual(history.orders.amount[mine][0], 1900)
        self.assertAlmostEqual(history.orders.discount[mine][0], 100)
        other_currency = np.flatnonzero(mine)[1]
        self.assertAlmostEqual(history.orders.amount[other_currency], 2990 / 2)
        self.assertEqual(history.lines.amount[history.lines.order == other_currency].tolist(), [2990 / 2],
                         "its lines in the company's currency too")
        first = np.flatnonzero(mine)[0]
        lines = history.lines.order == first
        self.assertEqual(sorted(history.lines.product[lines].tolist()), sorted([self.product.id, self.machine.id]))
        self.assertEqual(set(history.lines.category[lines].tolist()),
                         {self.product.categ_id.id, self.category.id})
        self.assertEqual(history.manager[firm], self.seller.id)
        self.assertEqual(history.manager[index[self.other.id]], -1)

    def test_refunds_of_an_orders_invoices(self):
        """A credit note posted against an order's invoice is that order's return, in the
        company's currency; a draft one is not; one whose amounts were wiped around the ORM
        returns nothing and does not stop the read."""
        orders = [self._order(self.firm, days, amount=amount) for days, amount in ((30, 1000), (20, 500), (10, 700))]
        refunds = []
        for sale in orders:
            invoice = sale._create_invoices()
            invoice.action_post()
            refunds.append(invoice._reverse_moves())
        refunds[0].action_post()
        refunds[2].action_post()
        self.env.flush_all()
        self.env.cr.execute("UPDATE account_move_line SET balance = NULL, amount_currency = NULL WHERE move_id = %s",
                            [refunds[2].id])
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(len(mine), 3)
        self.assertAlmostEqual(history.orders.returned[mine[0]], 1000, msg="the posted credit note, untaxed")
        self.assertEqual(history.orders.returned[mine[1]], 0, "a draft credit note returns nothing yet")
        self.assertEqual(history.orders.returned[mine[2]], 0)

    def test_a_credit_note_gives_back_at_most_the_order(self):
        """Goods credited beyond what the order sold (a customer sends back at once what came in two
        orders, and the credit note is made against the last one) give back that order's amount, as
        the store's reports count its refunds: a return share is never over 100%."""
        first, last = self._order(self.firm, 30, amount=1000), self._order(self.firm, 20, amount=500)
        for sale in (first, last):
            sale._create_invoices().action_post()
        refund = last.invoice_ids._reverse_moves()
        refund.invoice_line_ids.quantity = 3
        refund.action_post()
        self.assertAlmostEqual(refund.amount_untaxed, 1500)
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(history.orders.returned[mine].tolist(), [0, 500])

    def test_a_corrected_invoice_is_no_return(self):
        """Odoo's «Full refund and new draft invoice» (an invoice corrected: its credit note and a
        new invoice posted) takes nothing from the order, as the store's reports count it; a credit
        note whose new invoice is still a draft is a return until the new one is posted."""
        sale = self._order(self.firm, 30, amount=1000)
        invoice = sale._create_invoices()
        invoice.action_post()
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": invoice.journal_id.id, "reason": "Ошибка в реквизитах"})
        action = wizard.modify_moves()
        new_invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(new_invoice.state, "draft")
        self.assertTrue(invoice.reversal_move_ids.filtered(lambda m: m.state == "posted"))
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertAlmostEqual(history.orders.returned[mine[0]], 1000, msg="credited, not invoiced again yet")
        new_invoice.action_post()
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(history.orders.returned[mine].tolist(), [0], "invoiced again: a correction")

    def test_a_corrected_partial_invoice_is_no_return(self):
        """Two machines ordered, one invoiced, that invoice corrected (its credit note and a new
        invoice of the same line): nothing given back, though the order is not invoiced in full yet,
        as the store's reports count it (``order_refunds``); corrected again at 900: 100 given back;
        the machine sent back afterwards: its 900. As of a day between the credit note and the new
        invoice, the credit note is a return still (the correction unknown yet)."""
        sale = self._order(self.firm, 30, amount=1000)
        sale.order_line.write({"product_uom_qty": 2, "price_unit": 1000})
        self.assertAlmostEqual(sale.amount_untaxed, 2000)
        invoice = sale._create_invoices()
        invoice.invoice_line_ids.quantity = 1
        invoice.action_post()

        def correct(invoice, price=None):
            wizard = self.env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
            new = self.env["account.move"].browse(wizard.modify_moves()["res_id"])
            if price is not None:
                new.invoice_line_ids.price_unit = price
            new.action_post()
            return new

        def returned(as_of=None):
            history, index = self.read()
            if as_of is not None:
                history = history.as_of(as_of.toordinal())
            return history.orders.returned[history.orders.customer == index[self.firm.id]].tolist()

        def store():  # what the store's reports count as given back, untaxed as the scoring's
            self.env.flush_all()
            self.env.cr.execute(SQL("SELECT COALESCE(SUM(refunded), 0) FROM (%s) r WHERE r.order_id = %s",
                                    order_refunds(orders=SQL("SELECT %s", sale.id)), sale.id))
            return round(self.env.cr.fetchone()[0] * sale.amount_untaxed / sale.amount_total, 2)

        new = correct(invoice)
        self.assertEqual(returned(), [0], "a correction of a partial invoice")
        self.assertEqual(store(), 0)
        # dated: the credit note 20 days ago, the new invoice 10 days ago
        self.env.flush_all()
        credit = invoice.reversal_move_ids
        self.env.cr.execute("UPDATE account_move SET invoice_date = %s, date = %s WHERE id = %s",
                            [self.today - timedelta(days=20), self.today - timedelta(days=20), credit.id])
        self.env.cr.execute("UPDATE account_move SET invoice_date = %s, date = %s WHERE id = %s",
                            [self.today - timedelta(days=10), self.today - timedelta(days=10), new.id])
        self.env.invalidate_all()
        self.assertEqual(returned(self.today - timedelta(days=15)), [1000], "credited, not invoiced again yet")
        self.assertEqual(returned(self.today + timedelta(days=1)), [0])
        second = correct(new, price=900)
        self.assertEqual(returned(), [100], "corrected at 900")
        self.assertEqual(store(), 100)
        second._reverse_moves().action_post()
        self.assertEqual(returned(), [1000], "the machine sent back: its 900 too")
        self.assertEqual(store(), 1000)

    def test_an_hourly_run_sees_a_correcting_invoice_posted_later(self):
        """The new invoice of a correction posted an hour after its credit note (nothing else of the
        customer written, the order's invoicing status unchanged: a partial invoice corrected) makes
        the credit note no return: an incremental run rescores the customer (it looked at credit
        notes and reversals only, and kept the return until the night)."""
        sale = self._order(self.firm, 30, amount=1000)
        sale.order_line.write({"product_uom_qty": 2, "price_unit": 1000})
        invoice = sale._create_invoices()
        invoice.invoice_line_ids.quantity = 1
        invoice.action_post()
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
        new = self.env["account.move"].browse(wizard.modify_moves()["res_id"])
        self.env.flush_all()
        for table in ("account_move", "sale_order", "sale_order_line", "res_partner"):
            self.env.cr.execute(SQL("UPDATE %s SET write_date = write_date - interval '1 hour'", SQL.identifier(table)))
        self.env.invalidate_all()
        since = self.env.cr.now() - timedelta(minutes=1)
        Run = self.env["ecom.scoring.run"]
        self.assertNotIn(self.firm.id, Run._changed_partners(self.env.company, since))
        new.action_post()
        self.assertIn(self.firm.id, Run._changed_partners(self.env.company, since))
        partial, _ids = self.env["ecom.scoring.history"]._read(self.env.company, [self.firm.id])
        self.assertEqual(partial.orders.returned.tolist(), [0], "an incremental run's read: a correction")

    def test_a_credit_note_typed_in_by_hand(self):
        """A credit note of the customer typed in by hand (no line from an order: a manual refund
        of a cancelled order, a goodwill credit) gives back from the customer's orders placed on
        or before its day, the latest first, as much as each has left; one of the contact is the
        customer's. An incremental run sees the customer changed; its partial read counts it as
        the full read does."""
        for days, amount in ((30, 1000), (20, 500), (5, 300)):
            self._order(self.firm, days, amount=amount)
        income = self.env["account.account"].search([("account_type", "=", "income"),
                                                     ("company_ids", "in", self.env.company.id)], limit=1)

        def credit(partner, days_ago, amount):
            move = self.env["account.move"].create({
                "move_type": "out_refund", "partner_id": partner.id,
                "invoice_date": (self.now - timedelta(days=days_ago)).date(),
                "invoice_line_ids": [Command.create({"name": "Возврат по претензии", "quantity": 1,
                                                     "price_unit": amount, "account_id": income.id,
                                                     "tax_ids": [Command.clear()]})],
            })
            move.action_post()
            return move

        since = self.env.cr.now()  # what this transaction writes is dated by its start
        credit(self.contact, 10, 1200)  # the contact's: the firm's; orders of days 20 and 30, the latest first
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(history.orders.returned[mine].tolist(), [700, 500, 0],
                         "500 of the order of day 20, 700 of day 30's; the order placed after it untouched")
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET write_date = write_date - interval '1 day'")
        self.assertIn(self.firm.id, self.env["ecom.scoring.run"]._changed_partners(self.env.company, since),
                      "its orders untouched since, its credit note new")
        partial, ids = self.env["ecom.scoring.history"]._read(self.env.company, [self.firm.id])
        self.assertEqual(partial.orders.returned.tolist(), [700, 500, 0], "an incremental run's read: the same")
        self.assertEqual(ids.tolist(), [self.firm.id])

    def _credit_by_hand(self, partner, days_ago, amount):
        """A credit note of ``partner`` typed in by hand (a line of no product and no order), posted."""
        income = self.env["account.account"].search([("account_type", "=", "income"),
                                                     ("company_ids", "in", self.env.company.id)], limit=1)
        move = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": partner.id,
            "invoice_date": (self.now - timedelta(days=days_ago)).date(),
            "invoice_line_ids": [Command.create({"name": "Компенсация", "quantity": 1, "price_unit": amount,
                                                 "account_id": income.id, "tax_ids": [Command.clear()]})],
        })
        move.action_post()
        return move

    def test_a_credit_note_typed_in_by_hand_then_reversed(self):
        """A credit note typed in by hand, then cancelled by its reversal (Odoo's «Reverse» on the
        credit note: an invoice whose reversed entry is the credit note) gives nothing back any
        more; a draft reversal cancels nothing yet; a reversal of part of it, that part."""
        self._order(self.firm, 30, amount=1000)
        self._order(self.other, 40, amount=800)
        refund = self._credit_by_hand(self.firm, 20, 400)
        reversal = refund._reverse_moves(default_values_list=[{
            "invoice_date": (self.now - timedelta(days=10)).date(), "date": (self.now - timedelta(days=10)).date()}])
        self.assertEqual((reversal.move_type, reversal.reversed_entry_id), ("out_invoice", refund))
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(history.orders.returned[mine].tolist(), [400], "the reversal still a draft")
        self.env.flush_all()
        # an hour later (what this transaction wrote before is dated by its start): the reversal
        # posted, nothing else of the customer written; an incremental run sees them changed
        self.env.cr.execute("UPDATE account_move SET write_date = write_date - interval '1 hour' WHERE id = ANY(%s)",
                            [(refund | reversal).ids])
        self.env.cr.execute("UPDATE sale_order SET write_date = write_date - interval '1 hour'")
        self.env.invalidate_all()
        since = self.env.cr.now() - timedelta(minutes=1)
        self.assertNotIn(self.firm.id, self.env["ecom.scoring.run"]._changed_partners(self.env.company, since))
        reversal.action_post()
        self.env.flush_all()
        self.env.cr.execute("UPDATE account_move SET write_date = write_date - interval '1 hour' WHERE id = %s",
                            [refund.id])
        self.assertIn(self.firm.id, self.env["ecom.scoring.run"]._changed_partners(self.env.company, since))
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(history.orders.returned[mine].tolist(), [0], "cancelled by its reversal")
        partial, _ids = self.env["ecom.scoring.history"]._read(self.env.company, [self.firm.id])
        self.assertEqual(partial.orders.returned.tolist(), [0], "an incremental run's read: the same")
        # a goodwill credit of 300 of which 100 was taken back
        refund = self._credit_by_hand(self.other, 20, 300)
        reversal = refund._reverse_moves()
        reversal.invoice_line_ids.price_unit = 100
        reversal.action_post()
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.other.id])
        self.assertEqual(history.orders.returned[mine].tolist(), [200, 0], "of the order placed before it")

    def test_an_order_refused_at_delivery_is_no_purchase(self):
        """An order the customer refused at delivery (ecom_crm's store status «Refused at delivery»)
        is no purchase, as the store's reports count it: not a confirmed order, and a credit note
        typed in by hand gives back from the customer's other orders, as the reports' order_refunds
        does. It is refused from its status's day: as of a day before it (a backtest) it is still an
        order, and the credit note typed in before the refusal gave back from it. An hourly run sees
        the customer changed and reads the same."""
        first = self._order(self.firm, 40, amount=1000)
        parcel = self._order(self.firm, 20, amount=600)
        since = self.env.cr.now()
        self._credit_by_hand(self.firm, 15, 300)
        parcel._ecom_set_status("returned", reason=self.env.ref("ecom_crm.lost_reason_refused_at_delivery"))
        parcel.ecom_status_date = self.now - timedelta(days=12)
        refused_on = (self.today - timedelta(days=12)).toordinal()
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(history.orders.confirmed[mine].tolist(), [True, False])
        self.assertEqual(history.orders.refused[mine].tolist(), [NEVER, refused_on])
        self.assertEqual(history.orders.returned[mine].tolist(), [300, 0], "given back from the order kept")
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT order_id, refunded FROM (%s) r WHERE r.order_id = ANY(%s)",
                                order_refunds(orders=SQL("SELECT %s", first.id)), (first | parcel).ids))
        self.assertEqual({order: round(amount, 2) for order, amount in self.env.cr.fetchall()}, {first.id: 300},
                         "the store's reports: the same (the credit note has no taxes)")
        c = criteria.compute(history, self.today.toordinal() + 1, fit_bgnbd=False)
        customer = index[self.firm.id]
        self.assertEqual((c.column("frequency")[customer], c.column("monetary")[customer]), (1, 700))
        self.assertEqual(c.extra["last_order"][customer], (self.today - timedelta(days=40)).toordinal())
        then = history.as_of(refused_on)
        self.assertEqual(then.orders.confirmed[mine].tolist(), [True, True], "not refused yet")
        self.assertEqual(then.orders.returned[mine].tolist(), [0, 300], "the latest order first")
        self.assertIn(self.firm.id, self.env["ecom.scoring.run"]._changed_partners(self.env.company, since))
        partial, _ids = self.env["ecom.scoring.history"]._read(self.env.company, [self.firm.id])
        self.assertEqual(partial.orders.confirmed.tolist(), [True, False], "an incremental run's read: the same")
        self.assertEqual(partial.orders.returned.tolist(), [300, 0])

    def test_returns_of_an_order_in_another_currency(self):
        """An order in another currency gives back what its credit notes gave back in its currency,
        at the order's rate (as its amount is), as the store's reports count it: the rate moving
        between the order and its invoice is no correction of the invoice."""
        pricelist = foreign_pricelist(self.env, {"2026-01-01": 2.0, "2026-11-15": 1.6})
        sale = self.env["sale.order"].create({
            "partner_id": self.firm.id, "pricelist_id": pricelist.id, "date_order": self.now - timedelta(days=30),
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 1000,
                                           "tax_id": [Command.clear()]})]})
        sale.action_confirm()
        sale.date_order = self.now - timedelta(days=30)
        self.assertAlmostEqual(sale.currency_rate, 2.0)
        invoice = sale._create_invoices()
        invoice.invoice_date = self.today
        invoice.action_post()
        self.assertAlmostEqual(invoice.amount_untaxed_signed, 625, msg="at the invoice's rate")
        refund = invoice._reverse_moves([{"invoice_date": self.today}])
        refund.invoice_line_ids.price_unit = 300
        refund.action_post()
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertAlmostEqual(history.orders.amount[mine[0]], 500, msg="1,000 at the order's rate of 2")
        self.assertAlmostEqual(history.orders.returned[mine[0]], 150, msg="300 of 1,000 given back: 150")

    def test_postage_and_fees_are_in_the_amount_not_among_the_products(self):
        """A store's postage, delivery charges and fees are service products: what the customer paid
        (the order's amount), not what they bought (the lines: breadth, re-buys, the products
        offered); a store whose catalogue is nothing but services keeps them as its products."""
        postage = self.env["product.product"].create({"name": "Почтовые расходы", "type": "service"})
        order = self._order(self.firm, 10, amount=1000)
        order.order_line = [Command.create({"product_id": postage.id, "price_unit": 300})]
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertAlmostEqual(history.orders.amount[mine[0]], 1300)
        self.assertNotIn(postage.id, history.lines.product.tolist())
        self.assertEqual(history.lines.product[history.lines.order == mine[0]].tolist(), [self.product.id])
        # a catalogue of services: they are the store's products
        self.env["product.template"].flush_model()
        self.env.cr.execute("UPDATE product_template SET type = 'service'")
        self.env.invalidate_all()
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(sorted(history.lines.product[history.lines.order == mine[0]].tolist()),
                         sorted([self.product.id, postage.id]))

    def test_a_store_of_services_keeps_them_beside_a_stray_product_of_goods(self):
        """A store selling services (courses, tickets, repairs) keeps them as its products though
        its catalogue has a product of goods too: one never sold (archived, a test product), or a
        book sold now and then. Its services are what it sells, not postage beside goods."""
        self.env["product.template"].flush_model()
        self.env.cr.execute("UPDATE product_template SET type = 'service'")
        self.env.invalidate_all()
        courses = self.env["product.product"].create([{"name": f"Курс {n}", "type": "service"} for n in range(3)])
        self.env["product.product"].create({"name": "Пробный товар", "type": "consu", "active": False})
        book = self.env["product.product"].create({"name": "Учебник", "type": "consu"})
        order = self._order(self.firm, 10, amount=1000)
        order.order_line = [Command.create({"product_id": product.id, "price_unit": 300})
                            for product in courses | book]
        history, index = self.read()
        mine = np.flatnonzero(history.orders.customer == index[self.firm.id])
        self.assertEqual(sorted(history.lines.product[history.lines.order == mine[0]].tolist()),
                         sorted([self.product.id, *courses.ids, book.id]))

    def test_requests_activities_outcomes_and_opt_outs(self):
        self._order(self.firm, 50)
        reason = self.env.ref("ecom_crm.lost_reason_too_expensive", raise_if_not_found=False) or \
            self.env["crm.lost.reason"].search([], limit=1)
        lost = self.env["crm.lead"].create({"name": "Дорого", "partner_id": self.contact.id, "type": "opportunity"})
        lost.action_set_lost(lost_reason_id=reason.id)
        self.env["crm.lead"].create({"name": "Ещё заявка", "partner_id": self.firm.id, "type": "opportunity"})
        self.firm.activity_schedule("mail.mail_activity_data_call", user_id=self.seller.id)
        self.env["ecom.scoring.outcome"].create({"partner_id": self.contact.id, "outcome": "declined",
                                                 "date": self.today - timedelta(days=3)})
        self.env["mail.blacklist"]._add("office@coffee.example")
        history, index = self.read()
        firm = index[self.firm.id]
        leads = history.leads.take(history.leads.customer == firm)
        self.assertEqual(sorted(leads.status.tolist()), sorted([LEAD_LOST, LEAD_OPEN]))
        self.assertEqual(leads.reason[leads.status == LEAD_LOST].tolist(), [reason.id])
        self.assertEqual(history.reason_texts[reason.id], reason.name)
        acts = history.activities.take(history.activities.customer == firm)
        self.assertIn(NEVER, acts.done.tolist(), "the open call")
        refused = acts.outcome == OUTCOME_REFUSED
        self.assertEqual(acts.day[refused].tolist(), [(self.today - timedelta(days=3)).toordinal()])
        self.assertNotEqual(history.opt_out_day[firm], NEVER)
        self.assertEqual(history.opt_out_day[index[self.other.id]], NEVER)

    def test_leads_by_customer_day_stage_and_outcome(self):
        """Leads reach the customer they belong to (a contact's, its company's), dated in the
        store's time zone; a lead without any date (written around the ORM) and a stranger's are
        left out; the read of some customers only gets theirs."""
        self._order(self.firm, 50)
        self.env.company.partner_id.tz = "Europe/Moscow"  # UTC+3
        Lead = self.env["crm.lead"]
        won = Lead.create({"name": "Кофемашина", "partner_id": self.contact.id, "type": "opportunity"})
        won.with_context(ecom_stage_override=True).action_set_won()  # past ecom_crm's mandatory stages
        lost = Lead.create({"name": "Дорого", "partner_id": self.firm.id, "type": "opportunity"})
        reason = self.env["crm.lost.reason"].search([], limit=1)
        lost.action_set_lost(lost_reason_id=reason.id)
        pending = Lead.create({"name": "Капсулы", "partner_id": self.firm.id, "type": "opportunity"})
        imported = Lead.create({"name": "Из импорта", "partner_id": self.firm.id})
        undated = Lead.create({"name": "Без даты", "partner_id": self.firm.id})
        Lead.create({"name": "Чужая заявка", "partner_id": self.env["res.partner"].create({"name": "Прохожий"}).id})
        theirs_open = Lead.create({"name": "Клиентка", "partner_id": self.other.id})
        elsewhere = self.env["res.company"].create({"name": "Другой магазин"})
        Lead.create({"name": "Другой магазин", "partner_id": self.other.id, "company_id": elsewhere.id})
        unstaged = Lead.create({"name": "Без этапа", "partner_id": self.other.id, "company_id": False})
        archived_win = Lead.create({"name": "Выиграна и в архиве", "partner_id": self.other.id, "type": "opportunity"})
        archived_win.with_context(ecom_stage_override=True).action_set_won()
        unflagged = Lead.create({"name": "Без флага", "partner_id": self.other.id})
        Lead.flush_model()
        self.env.cr.execute("UPDATE crm_lead SET stage_id = NULL WHERE id = %s", [unstaged.id])
        self.env.cr.execute("UPDATE crm_lead SET active = NULL WHERE id = %s", [unflagged.id])
        # archived after its win (before ecom_crm, which asks a refusal reason to archive one)
        self.env.cr.execute("UPDATE crm_lead SET active = FALSE, date_closed = '2026-11-12 21:00:00' WHERE id = %s",
                            [archived_win.id])
        late_evening = "2026-11-10 22:30:00"  # UTC: the 11th in Moscow
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id IN %s",
                            [late_evening, (won.id, lost.id, pending.id)])
        self.env.cr.execute("UPDATE crm_lead SET date_closed = '2026-11-12 21:00:00' WHERE id IN %s",
                            [(won.id, lost.id)])
        self.env.cr.execute("UPDATE crm_lead SET create_date = NULL, write_date = %s WHERE id = %s",
                            [late_evening, imported.id])
        self.env.cr.execute("UPDATE crm_lead SET create_date = NULL, write_date = NULL WHERE id = %s", [undated.id])
        history, index = self.read()
        leads = history.leads.take(history.leads.customer == index[self.firm.id])
        self.assertEqual(len(leads.day), 4, "the contact's and the company's own, dated")
        theirs = history.leads.take(history.leads.customer == index[self.other.id])
        self.assertEqual(len(theirs.day), 4, "the other customer's, of this company or none; not the stranger's")
        self.assertEqual(sorted(zip(theirs.status.tolist(), theirs.stage.tolist(), theirs.closed.tolist(),
                                    strict=True)),
                         sorted([(LEAD_OPEN, theirs_open.stage_id.sequence, NEVER), (LEAD_OPEN, -1, NEVER),
                                 (LEAD_OPEN, unflagged.stage_id.sequence, NEVER),
                                 (LEAD_LOST, archived_win.stage_id.sequence, date(2026, 11, 13).toordinal())]),
                         "no stage; a lead not flagged active or archived counts as open; archived after its "
                         "win: lost on the day it closed")
        by_status = {status: np.flatnonzero(leads.status == status) for status in (LEAD_WON, LEAD_LOST, LEAD_OPEN)}
        self.assertEqual([len(at) for at in by_status.values()], [1, 1, 2])
        self.assertEqual(set(leads.day.tolist()), {date(2026, 11, 11).toordinal()}, "days in the store's zone")
        self.assertEqual(leads.closed[by_status[LEAD_WON]].tolist(), [date(2026, 11, 13).toordinal()])
        self.assertEqual(leads.closed[by_status[LEAD_LOST]].tolist(), [date(2026, 11, 13).toordinal()])
        self.assertEqual(leads.closed[by_status[LEAD_OPEN]].tolist(), [NEVER, NEVER])
        self.assertEqual(leads.reason[by_status[LEAD_LOST]].tolist(), [reason.id])
        self.assertEqual(leads.reason[by_status[LEAD_WON]].tolist(), [-1])
        self.assertEqual(leads.stage[by_status[LEAD_WON]].tolist(), [won.stage_id.sequence])
        self.assertEqual(sorted(leads.stage[by_status[LEAD_OPEN]].tolist()),
                         sorted([pending.stage_id.sequence, imported.stage_id.sequence]))
        some, partner_ids = self.env["ecom.scoring.history"]._read(self.env.company, [self.firm.id])
        self.assertEqual(partner_ids.tolist(), [self.firm.id])
        self.assertEqual(sorted(some.leads.status.tolist()), sorted(leads.status.tolist()))
        self.assertEqual(some.leads.customer.tolist(), [0] * 4)
        # no stages at all (deleted, leads made without one): the leads are read all the same
        self.env.cr.execute("UPDATE crm_lead SET stage_id = NULL")
        self.env.cr.execute("DELETE FROM crm_stage")
        history, index = self.read()
        self.assertEqual(len(history.leads.day), 8)
        self.assertEqual(set(history.leads.stage.tolist()), {-1})

    def test_activities_without_dates_do_not_stop_the_read(self):
        """An activity or a message written around the ORM without its dates: the open activity
        still counts (as of its deadline, passed: the store's day, whatever its zone), the message
        without a date is left out."""
        self._order(self.firm, 50)
        self.env.company.partner_id.tz = "America/New_York"  # a day's midnight in UTC is the day before there
        overdue = self.today - timedelta(days=2)
        activity = self.firm.activity_schedule("mail.mail_activity_data_call", user_id=self.seller.id,
                                               date_deadline=overdue)
        done = self.firm.activity_schedule("mail.mail_activity_data_call", user_id=self.seller.id)
        done.action_feedback(feedback="Дозвонились")
        self.env.flush_all()
        self.env.cr.execute("UPDATE mail_activity SET create_date = NULL, write_date = NULL WHERE id = %s",
                            [activity.id])
        self.env.cr.execute("""UPDATE mail_message SET date = NULL
                                WHERE model = 'res.partner' AND res_id = %s AND mail_activity_type_id IS NOT NULL""",
                            [self.firm.id])
        history, index = self.read()
        acts = history.activities.take(history.activities.customer == index[self.firm.id])
        self.assertEqual((acts.day.tolist(), acts.done.tolist()), ([overdue.toordinal()], [NEVER]))
        tonight = history.as_of(self.today.toordinal() + 1).activities
        self.assertEqual((tonight.customer == index[self.firm.id]).sum(), 1, "open as of tonight's scores")

    def test_mailings_when_mass_mailing_is_there(self):
        history, _index = self.read()
        if "mailing.trace" not in self.env:
            self.assertIsNone(history.mailings, "no mass mailing: the mailing criteria drop out")
            return
        self.assertFalse((history.mailings.kind == MAIL_CLICK).any())

    def test_only_some_customers(self):
        self._order(self.firm, 5)
        history, partner_ids = self.env["ecom.scoring.history"]._read(self.env.company, [self.firm.id])
        self.assertEqual(partner_ids.tolist(), [self.firm.id])
        self.assertEqual(history.n_customers, 1)
        self.assertEqual(len(history.orders.day), 1)
        self.assertEqual(history.lines.order.tolist(), [0] * len(history.lines.order))
        self.assertEqual(len(history.lines.order), len(self.env["sale.order"].search(
            [("partner_id", "=", self.firm.id)]).order_line), "the customer's lines, found by their order")

    def test_recorded_offers_feed_the_cross_sell(self):
        History = self.env["ecom.scoring.history"]
        self.assertIsNone(History._offer_outcomes(self.env.company), "no offer recorded yet")
        Outcome = self.env["ecom.scoring.outcome"]
        for outcome, probability in (("accepted", 0.4), ("declined", 0.3), ("ordered", 0.5)):
            Outcome.create({"partner_id": self.other.id, "outcome": outcome, "offer_kind": "rebuy",
                            "offer_probability": probability})
        Outcome.create({"partner_id": self.other.id, "outcome": "not_reached", "offer_kind": "popular"})
        offers = History._offer_outcomes(self.env.company)
        self.assertEqual(offers["accepted"].tolist(), [1.0, 0.0, 1.0])
        self.assertEqual(offers["predicted"].tolist(), [0.4, 0.3, 0.5])
        self.assertEqual(set(offers["kind"].tolist()), {0})
