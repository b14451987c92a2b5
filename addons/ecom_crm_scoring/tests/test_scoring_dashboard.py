from datetime import date, datetime, timedelta
from unittest.mock import patch

from babel.dates import format_date
from freezegun import freeze_time
from lxml import etree
from PIL import ImageFont

from odoo.models import READ_GROUP_DISPLAY_FORMAT
from odoo.modules.migration import load_script
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.misc import file_path

from .common import ScoringCase

DAY = datetime(2026, 11, 20, 9, 0)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringDashboard(ScoringCase):
    """Full and incremental runs of the real engine over a small store of three products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a store of its own: a database's own store (its customers, scores, snapshots) is not this
        # one's, as a fresh test database would have it
        cls.company = cls.env["res.company"].create({"name": "Магазин дашборда"})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        products = [cls.env["product.product"].create({"name": name, "list_price": 1000})
                    for name in ("Чайник", "Фильтр для воды", "Кофемолка")]
        cls.customers = cls.env["res.partner"]
        for i in range(12):
            a, b = products[i % 3], products[(i + 1) % 3]
            baskets = [(200 + 7 * i, [a, b] if i % 2 else [a]), (120 + 5 * i, [a]), (10 + 3 * i, [b] if i % 3 else [a])]
            cls.customers |= cls._buyer(f"Покупатель {i}", baskets)
        # one order two years ago (about 11% on this small store): under the watch group's 20%,
        # in none of the three groups
        cls.lapsed = cls._buyer("Давний покупатель", [(730, [products[0]])])
        cls.company.ecom_scoring_watch_min_probability = 0.2

    @classmethod
    def _buyer(cls, name, baskets):
        partner = cls.env["res.partner"].create({"name": name})
        for days, products in baskets:
            order = cls.env["sale.order"].create({
                "partner_id": partner.id, "date_order": DAY - timedelta(days=days),
                "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": 1, "price_unit": 1000})
                               for p in products]})
            order.action_confirm()
            order.date_order = DAY - timedelta(days=days)
        return partner

    def _full_run(self, day):
        with freeze_time(day):
            run = self.env["ecom.scoring.run"]._score_customers(mode="full", today=day.date())
        self.assertEqual(run.state, "done", run.error)
        return run

    def test_runs_sync_the_activities_when_the_company_wants_them(self):
        Score = type(self.env["ecom.customer.score"])
        with patch.object(Score, "_ecom_sync_activities", autospec=True) as sync:
            run = self._full_run(DAY)
            self.assertEqual(sync.call_count, 1)
            self.assertEqual(sync.call_args.args[1:], (self.company, run))
            self.customers[0].sale_order_ids[0].client_order_ref = "изменён"  # one customer changed
            with freeze_time(DAY + timedelta(hours=1)):
                incremental = self.env["ecom.scoring.run"]._score_customers(today=DAY.date())
            self.assertEqual(incremental.mode, "incremental")
            self.assertEqual(sync.call_count, 2)
            self.assertEqual(sync.call_args.args[1:3], (self.company, incremental))
            self.assertIn(self.customers[0].id, sync.call_args.args[3])

            self.company.ecom_scoring_activities = False
            self._full_run(DAY + timedelta(days=1))
            self.assertEqual(sync.call_count, 2, "the setting off: no activities")

    def test_daily_snapshot_after_a_full_run(self):
        run = self._full_run(DAY)
        Snapshot = self.env["ecom.scoring.snapshot"]
        rows = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date())])
        scores = self.env["ecom.customer.score"].search([("company_id", "=", self.company.id)])
        self.assertEqual(sum(rows.mapped("customer_count")), len(scores), "every customer once")
        self.assertEqual(sum(rows.mapped("customer_count")), run.partner_count)
        expected = {(s, g or "none"): n for s, g, n in self.env["ecom.customer.score"]._read_group(
            [("company_id", "=", self.company.id)], ["segment", "group"], ["__count"])}
        self.assertIn("none", {g for _s, g in expected}, "the fixture has customers in no group")
        # those customers are a group of their own, named, not an empty value the client calls «Нет»
        self.assertEqual({(r.segment, r.group): r.customer_count for r in rows}, expected)
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_scoring"], ["ru_RU"], overwrite=True)
        russian = Snapshot.with_context(lang="ru_RU")
        self.assertEqual(dict(russian._fields["group"]._description_selection(russian.env))["none"], "Без группы")
        self.assertEqual(sum(rows.mapped("scheduled_count")), run.now_count)

        # that day's contacts are counted into that day's rows by the next morning's snapshot
        customer = self.customers[3]
        score = customer.ecom_score_ids
        Outcome = self.env["ecom.scoring.outcome"]
        Outcome.create([{"partner_id": customer.id, "date": DAY.date(), "outcome": "declined", "group": "risk"},
                        {"partner_id": customer.id, "date": DAY.date(), "outcome": "ordered", "group": "risk"}])
        self._full_run(DAY + timedelta(days=1))
        day1 = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date())])
        self.assertEqual(sum(day1.mapped("customer_count")), len(scores), "the day's customers kept")
        risk = day1.filtered(lambda r: r.group == "risk" and r.segment == score.segment)
        self.assertEqual((risk.contact_count, risk.declined_count, risk.ordered_count), (2, 1, 1))
        self.assertEqual(sum(day1.mapped("contact_count")), 2)
        day2 = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date() + timedelta(days=1))])
        self.assertEqual(sum(day2.mapped("customer_count")), len(scores))
        self.assertEqual(sum(day2.mapped("contact_count")), 0)

        # the same day's run again replaces its rows rather than adding to them
        self._full_run(DAY + timedelta(days=1, hours=2))
        again = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date() + timedelta(days=1))])
        self.assertEqual(sum(again.mapped("customer_count")), len(scores))
        self.assertEqual(sum(Snapshot.search([("date", "=", DAY.date())]).mapped("contact_count")), 2)

    def test_a_contact_whose_order_is_refused_later_leaves_the_ordered_of_its_day(self):
        """The sales director's dashboard: a contact closed by an order counts as «ordered» in its
        day's row; the parcel refused at delivery days later, the next snapshot counts that day
        again: «ordered, refused at delivery», no more «ordered» (the days' customers kept)."""
        customer = self.customers[3]
        order = customer.sale_order_ids[:1]
        Outcome, Snapshot = self.env["ecom.scoring.outcome"], self.env["ecom.scoring.snapshot"]
        self._full_run(DAY)
        Outcome.create({"partner_id": customer.id, "date": DAY.date(), "outcome": "ordered", "group": "risk",
                        "order_id": order.id})
        self._full_run(DAY + timedelta(days=1))

        def counts():
            rows = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date())])
            return (sum(rows.mapped("customer_count")), sum(rows.mapped("contact_count")),
                    sum(rows.mapped("ordered_count")), sum(rows.mapped("ordered_refused_count")))

        customers, contacts, ordered, refused = counts()
        self.assertEqual((contacts, ordered, refused), (1, 1, 0))
        with freeze_time(DAY + timedelta(days=2)):
            order._ecom_set_status("returned", reason=self.env.ref("ecom_crm.lost_reason_refused_at_delivery"))
        self._full_run(DAY + timedelta(days=3))
        self.assertEqual(counts(), (customers, 1, 0, 1), "the contact made, nothing sold")
        views = Snapshot.get_views([(self.env.ref("ecom_crm_scoring.ecom_scoring_snapshot_view_pivot").id, "pivot")])
        self.assertIn('name="ordered_refused_count" type="measure"', views["views"]["pivot"]["arch"])

    def test_a_refusal_committed_across_a_snapshot_still_moves_its_day(self):
        """A refusal whose transaction began before a night's snapshot and was committed after it
        (a long 1C exchange) leaves its outcome with a write date before that snapshot: the next
        snapshot still counts its day again, as it does when the order leaves that status."""
        customer = self.customers[4]
        order = customer.sale_order_ids[:1]
        Outcome, Snapshot = self.env["ecom.scoring.outcome"], self.env["ecom.scoring.snapshot"]
        self._full_run(DAY)
        outcome = Outcome.create({"partner_id": customer.id, "date": DAY.date(), "outcome": "ordered",
                                  "group": "risk", "order_id": order.id})
        self._full_run(DAY + timedelta(days=1))
        order._ecom_set_status("returned", reason=self.env.ref("ecom_crm.lost_reason_refused_at_delivery"))
        self.assertEqual(outcome.outcome, "ordered_refused")
        self.env.cr.execute("UPDATE ecom_scoring_outcome SET write_date = write_date - interval '1 hour' "
                            "WHERE id = %s", [outcome.id])
        self.env.cr.execute("UPDATE ecom_scoring_snapshot SET create_date = create_date - interval '1 minute' "
                            "WHERE company_id = %s", [self.company.id])

        def counts():
            rows = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date())])
            return sum(rows.mapped("contact_count")), sum(rows.mapped("ordered_count")), \
                sum(rows.mapped("ordered_refused_count"))

        self._full_run(DAY + timedelta(days=2))
        self.assertEqual(counts(), (1, 0, 1))
        order._ecom_set_status("delivered")
        self.assertEqual(outcome.outcome, "ordered")
        self._full_run(DAY + timedelta(days=3))
        self.assertEqual(counts(), (1, 1, 0), "back from the refusal: ordered again in its day's row")

    def test_a_contact_whose_order_is_cancelled_later_leaves_the_ordered_of_its_day(self):
        """An order cancelled days after its contact's day: the next snapshot counts that day again,
        «ordered, cancelled» (a column of its own, apart from the parcels refused), no more
        «ordered»; confirmed again, the day after counts it «ordered» again. The days' customers
        are kept as their own runs counted them."""
        customer = self.customers[5]
        order = customer.sale_order_ids[:1]
        Outcome, Snapshot = self.env["ecom.scoring.outcome"], self.env["ecom.scoring.snapshot"]
        self._full_run(DAY)
        outcome = Outcome.create({"partner_id": customer.id, "date": DAY.date(), "outcome": "ordered",
                                  "group": "risk", "segment": "at_risk", "order_id": order.id})
        self._full_run(DAY + timedelta(days=1))

        def counts():
            rows = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date())])
            return tuple(sum(rows.mapped(name)) for name in (
                "customer_count", "contact_count", "ordered_count", "ordered_refused_count",
                "ordered_cancelled_count"))

        customers, *contacts = counts()
        self.assertEqual(contacts, [1, 1, 0, 0])
        with freeze_time(DAY + timedelta(days=2)):
            order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(outcome.outcome, "ordered_cancelled")
        self._full_run(DAY + timedelta(days=3))
        self.assertEqual(counts(), (customers, 1, 0, 0, 1), "the contact made, nothing sold, not a refusal")
        order.action_draft()
        order.action_confirm()
        self.assertEqual(outcome.outcome, "ordered")
        self._full_run(DAY + timedelta(days=4))
        self.assertEqual(counts(), (customers, 1, 1, 0, 0), "a sale again in its day's row")
        views = Snapshot.get_views([(self.env.ref("ecom_crm_scoring.ecom_scoring_snapshot_view_pivot").id, "pivot")])
        self.assertIn('name="ordered_cancelled_count" type="measure"', views["views"]["pivot"]["arch"])
        # the director reads the column, and filters the outcomes, in Russian
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_scoring"], ["ru_RU"], overwrite=True)
        ru = Snapshot.with_context(lang="ru_RU")
        views = ru.get_views([(self.env.ref("ecom_crm_scoring.ecom_scoring_snapshot_view_list").id, "list")])
        self.assertIn('name="ordered_cancelled_count"', views["views"]["list"]["arch"])
        self.assertEqual(views["models"]["ecom.scoring.snapshot"]["fields"]["ordered_cancelled_count"]["string"],
                         "Заказ сделан, отменён")
        search = Outcome.with_context(lang="ru_RU").get_views(
            [(self.env.ref("ecom_crm_scoring.ecom_scoring_outcome_view_search").id, "search")])
        self.assertIn('string="Заказ сделан, отменён"', search["views"]["search"]["arch"])

    def test_a_recounted_day_files_its_contacts_under_the_segment_they_were_scheduled_in(self):
        """A day counted again (a refusal since) files its contacts under the RFM segment the
        customer was in when the contact was scheduled, kept on the outcome, not the one the
        customer has since; the outcome of a contact marked done keeps it."""
        customer = self.customers[6]
        order = customer.sale_order_ids[:1]
        Outcome, Snapshot = self.env["ecom.scoring.outcome"], self.env["ecom.scoring.snapshot"]
        self._full_run(DAY)
        score = self.score_of(customer)
        then = score.segment
        self.assertTrue(then)
        since = "hibernating" if then != "hibernating" else "lost"
        Outcome.create({"partner_id": customer.id, "date": DAY.date(), "outcome": "ordered", "group": "risk",
                        "segment": then, "order_id": order.id})
        self._full_run(DAY + timedelta(days=1))
        self.env.cr.execute("UPDATE ecom_customer_score SET segment = %s WHERE id = %s", [since, score.id])
        with freeze_time(DAY + timedelta(days=2)):
            order._ecom_set_status("returned", reason=self.env.ref("ecom_crm.lost_reason_refused_at_delivery"))
        Snapshot.invalidate_model()
        # the snapshot alone (a full run would score the customer again, from their orders)
        Snapshot._ecom_take(self.company, (DAY + timedelta(days=3)).date())
        rows = Snapshot.search([("company_id", "=", self.company.id), ("date", "=", DAY.date()),
                                ("ordered_refused_count", ">", 0)])
        self.assertEqual([(row.segment, row.ordered_refused_count) for row in rows], [(then, 1)])

        activity_score = self.score_of(self.customers[7])
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.customers[7].id,
            "activity_type_id": self.env["mail.activity"]._ecom_scoring_activity_type().id,
            "ecom_scoring_company_id": self.company.id, "ecom_scoring_outcome": "declined",
        }).action_feedback(feedback="Не сейчас")
        done = Outcome.search([("partner_id", "=", self.customers[7].id)])
        self.assertEqual((done.outcome, done.segment, done.group),
                         ("declined", activity_score.segment, activity_score.group))

    def test_the_outcomes_of_earlier_versions_get_their_cancellation_and_segment(self):
        """18.0.2.3.8: an «ordered» outcome whose order is cancelled is «ordered, cancelled» (one
        refused at delivery and cancelled stays refused); an outcome without a segment gets its
        customer's segment as the scores have it (none without a score)."""
        self._full_run(DAY)
        first, second, third = self.customers[8:11]
        cancelled, refused, sold = first.sale_order_ids[0], second.sale_order_ids[0], third.sale_order_ids[0]
        self.env.cr.execute("UPDATE sale_order SET state = 'cancel' WHERE id = ANY(%s)", [[cancelled.id, refused.id]])
        self.env.cr.execute("UPDATE sale_order SET ecom_status = 'returned' WHERE id = %s", [refused.id])
        stranger = self.env["res.partner"].create({"name": "Без оценки"})
        Outcome = self.env["ecom.scoring.outcome"]
        segments = [self.score_of(partner).segment for partner in (first, second, third, first)]
        self.assertTrue(all(segments))
        kept = "champions" if segments[0] != "champions" else "lost"
        outcomes = Outcome.create([
            {"partner_id": first.id, "outcome": "ordered", "order_id": cancelled.id},
            # refused at delivery (18.0.2.3.7 moved it), then cancelled in Odoo: stays refused
            {"partner_id": second.id, "outcome": "ordered_refused", "order_id": refused.id},
            {"partner_id": third.id, "outcome": "ordered", "order_id": sold.id},
            {"partner_id": first.id, "outcome": "declined"},
            {"partner_id": stranger.id, "outcome": "reached"},
            {"partner_id": first.id, "outcome": "reached", "segment": kept},  # recorded since: kept
        ])
        self.env.flush_all()
        expected = [("ordered_cancelled", segments[0]), ("ordered_refused", segments[1]), ("ordered", segments[2]),
                    ("declined", segments[3]), ("reached", False), ("reached", kept)]
        migration = load_script("ecom_crm_scoring/migrations/18.0.2.3.8/post-migrate.py",
                                "ecom_crm_scoring_post_migrate_18_0_2_3_8")
        migration.migrate(self.env.cr, "18.0.2.3.7")
        outcomes.invalidate_recordset()
        self.assertEqual([(o.outcome, o.segment) for o in outcomes], expected)
        migration.migrate(self.env.cr, "18.0.2.3.7")  # run again (an upgrade interrupted): nothing moves
        outcomes.invalidate_recordset()
        self.assertEqual([(o.outcome, o.segment) for o in outcomes], expected)
        migration.migrate(self.env.cr, None)  # a new install: nothing to do

    def test_the_snapshots_of_earlier_versions_get_the_no_group_group(self):
        """Rows written before 18.0.2.3.5 kept the customers in no group without a group; the
        migration names them, so that a chart over old and new days has one line for them."""
        self._full_run(DAY)
        Snapshot = self.env["ecom.scoring.snapshot"]
        rows = Snapshot.search([("company_id", "=", self.company.id), ("group", "=", "none")])
        self.assertTrue(rows)
        self.env.cr.execute("""UPDATE ecom_scoring_snapshot SET "group" = NULL WHERE id = ANY(%s)""", [rows.ids])
        load_script("ecom_crm_scoring/migrations/18.0.2.3.5/post-migrate.py",
                    "ecom_crm_scoring_post_migrate_18_0_2_3_5").migrate(self.env.cr, "18.0.2.3.4")
        Snapshot.invalidate_model()
        self.assertEqual(set(rows.mapped("group")), {"none"})
        self.assertFalse(Snapshot.search_count([("group", "=", False)]))

    def test_the_customers_in_no_group_have_no_contact_scheduled_not_an_unknown_count(self):
        """The customers in no group (no decision) counted NULL scheduled contacts: the pivot's
        «Без группы» showed an empty cell beside the other groups' 0. A 0 now; the rows of earlier
        versions get theirs from 18.0.2.3.11's migration."""
        self._full_run(DAY)
        Snapshot = self.env["ecom.scoring.snapshot"]
        domain = [("company_id", "=", self.company.id), ("group", "=", "none")]
        rows = Snapshot.search(domain)
        self.assertTrue(rows, "the fixture has customers in no group")
        # the pivot's cell: the sum of the group's rows as the database returns it
        [(scheduled,)] = Snapshot._read_group(domain, [], ["scheduled_count:sum"])
        self.assertEqual(scheduled, 0)
        null = "SELECT count(*) FROM ecom_scoring_snapshot WHERE company_id = %s AND scheduled_count IS NULL"
        self.env.cr.execute(null, [self.company.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0)

        self.env.cr.execute("UPDATE ecom_scoring_snapshot SET scheduled_count = NULL WHERE id = ANY(%s)", [rows.ids])
        load_script("ecom_crm_scoring/migrations/18.0.2.3.11/post-migrate.py",
                    "ecom_crm_scoring_post_migrate_18_0_2_3_11").migrate(self.env.cr, "18.0.2.3.10")
        Snapshot.invalidate_model()
        self.assertEqual(set(rows.mapped("scheduled_count")), {0})
        self.env.cr.execute(null, [self.company.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_the_outcomes_of_earlier_versions_find_their_order(self):
        """18.0.2.3.7: an «ordered» outcome recorded before finds its order by the name its note
        gives (in the salesperson's language), of its customer and company; refused at delivery
        since, it is «ordered, refused at delivery». A note naming no order of the customer, or
        another outcome, is left alone."""
        first, second = self.customers[:2]
        refused, kept = first.sale_order_ids[:2]
        refused.write({"ecom_status": "returned"})
        Outcome = self.env["ecom.scoring.outcome"]
        outcomes = Outcome.create([
            {"partner_id": first.id, "outcome": "ordered", "note": f"Заказ: {refused.name}"},
            {"partner_id": first.id, "outcome": "ordered", "note": f"Ordered: {kept.name}"},
            {"partner_id": second.id, "outcome": "ordered", "note": f"Ordered: {kept.name}"},  # not theirs
            {"partner_id": first.id, "outcome": "declined", "note": f"Ordered: {kept.name}"},
            {"partner_id": first.id, "outcome": "ordered", "note": False},
        ])
        self.env.flush_all()
        load_script("ecom_crm_scoring/migrations/18.0.2.3.7/post-migrate.py",
                    "ecom_crm_scoring_post_migrate_18_0_2_3_7").migrate(self.env.cr, "18.0.2.3.6")
        outcomes.invalidate_recordset()
        self.assertEqual([(o.outcome, o.order_id) for o in outcomes], [
            ("ordered_refused", refused), ("ordered", kept), ("ordered", Outcome.order_id),
            ("declined", Outcome.order_id), ("ordered", Outcome.order_id)])

    def test_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.ecom_scoring_activities = False
        settings.ecom_scoring_daily_cap = 12
        settings.ecom_scoring_contact_cooldown = 10
        settings.ecom_scoring_horizon = 60
        settings.save().execute()
        self.assertFalse(self.company.ecom_scoring_activities)
        self.assertEqual((self.company.ecom_scoring_daily_cap, self.company.ecom_scoring_contact_cooldown,
                          self.company.ecom_scoring_horizon), (12, 10, 60))

    def test_a_week_of_the_pivot_sums_the_contacts_not_the_customers(self):
        """Seven daily snapshots of the same customers: the pivot's week adds up the contacts of the
        week's days; the customers, a count on each day, are read by day in the graph."""
        for day in range(7):
            self._full_run(DAY + timedelta(days=day))
        Snapshot = self.env["ecom.scoring.snapshot"]
        scored = self.env["ecom.customer.score"].search_count([("company_id", "=", self.company.id)])
        self.assertGreaterEqual(scored, len(self.customers))
        week = Snapshot._read_group([("company_id", "=", self.company.id)], ["date:week"],
                                    ["customer_count:sum", "scheduled_count:sum"])
        daily = Snapshot._read_group([("company_id", "=", self.company.id)], ["date:day"], ["customer_count:sum"])
        self.assertEqual(len(daily), 7)
        self.assertEqual({count for _day, count in daily}, {scored}, "the same customers each day")
        self.assertGreater(sum(count for _week, count, _s in week), 6 * scored,
                           "a week's sum counts each customer once a day")
        views = Snapshot.get_views([(self.env.ref("ecom_crm_scoring.ecom_scoring_snapshot_view_pivot").id, "pivot"),
                                    (self.env.ref("ecom_crm_scoring.ecom_scoring_snapshot_view_graph").id, "graph")])
        pivot, graph = views["views"]["pivot"]["arch"], views["views"]["graph"]["arch"]
        self.assertIn('name="scheduled_count" type="measure"', pivot)
        self.assertNotIn('name="customer_count"', pivot)
        self.assertIn('name="customer_count" type="measure"', graph)
        self.assertIn('interval="day"', graph)
        self.assertIn('stacked="0"', graph, "each group's own line: stacked, a group's dot stood on the others'")

    def test_the_lists_russian_headers_fit_their_columns(self):
        """The dashboard's list cut its Russian headers at a number's 71 px: «Заказ сд…» three times (ordered,
        refused at delivery, cancelled), «Заплани…», «Не дозв…». Each header shows whole, measured in the
        list's header font (Roboto, bold, 14 px); the three orders' columns read apart."""
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_scoring"], ["ru_RU"], overwrite=True)
        font = ImageFont.truetype(file_path("web/static/fonts/google/Roboto/Roboto-Bold.ttf"), 14)
        view = self.env.ref("ecom_crm_scoring.ecom_scoring_snapshot_view_list")
        views = self.env["ecom.scoring.snapshot"].with_context(lang="ru_RU").get_views([(view.id, "list")])
        fields_ = views["models"]["ecom.scoring.snapshot"]["fields"]
        headers = {}
        for node in etree.fromstring(views["views"]["list"]["arch"]).xpath("//field[@name][not(@column_invisible)]"):
            name = node.get("name")
            if fields_[name]["type"] != "integer":
                continue
            headers[name] = label = node.get("string") or fields_[name]["string"]
            width = int(node.get("width", "71px").removesuffix("px"))
            with self.subTest(field=name):
                self.assertLessEqual(font.getlength(label) + 8, width, f"«{label}» fits {width} px")
        self.assertEqual([headers[name] for name in ("ordered_count", "ordered_refused_count",
                                                     "ordered_cancelled_count")],
                         ["Заказ сделан", "Отказ при получении", "Заказ отменён"])


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestOutcomeMonths(TransactionCase):
    def test_the_outcomes_by_month_read_as_the_reports_do(self):
        """The contact outcomes grouped by «Date» (by month) name a month as the store's reports do,
        «декабрь 2026», not Odoo's «декабря 2026»; a day keeps Odoo's name."""
        self.env["res.lang"]._activate_lang("ru_RU")
        partner = self.env["res.partner"].create({"name": "Покупатель"})
        Outcome = self.env["ecom.scoring.outcome"]
        Outcome.create([{"partner_id": partner.id, "outcome": "declined", "date": day}
                        for day in ("2026-12-05", "2026-12-20", "2026-11-30")])
        Outcome = Outcome.with_context(lang="ru_RU")
        months = Outcome.read_group([("partner_id", "=", partner.id)], ["date"], ["date"])
        self.assertEqual([(row["date"], row["date_count"]) for row in months],
                         [("ноябрь 2026", 1), ("декабрь 2026", 2)])
        days = Outcome.read_group([("partner_id", "=", partner.id)], ["date"], ["date:day"])
        self.assertEqual(len(days), 3)
        self.assertEqual([row["date:day"] for row in days],  # Odoo's own: «05 дек. 2026»
                         [format_date(day, READ_GROUP_DISPLAY_FORMAT["day"], locale="ru_RU")
                          for day in (date(2026, 11, 30), date(2026, 12, 5), date(2026, 12, 20))])

    def test_the_dashboards_weeks_read_in_russian(self):
        """The scoring dashboard's pivot is by week: in Russian a week reads «50-я неделя 2026», not Odoo's
        «W50 2026» with a Latin W."""
        self.env["res.lang"]._activate_lang("ru_RU")
        Snapshot = self.env["ecom.scoring.snapshot"]
        company = self.env["res.company"].create({"name": "Магазин недель"})  # no snapshots of the database's
        Snapshot.create([{"date": day, "company_id": company.id, "group": "risk", "scheduled_count": 2}
                         for day in ("2026-12-07", "2026-12-09", "2026-11-30")])
        rows = Snapshot.with_context(lang="ru_RU").read_group(
            [("company_id", "=", company.id), ("date", ">=", "2026-11-30")],
            ["scheduled_count:sum"], ["date:week"])
        self.assertEqual([(row["date:week"], row["scheduled_count"]) for row in rows],
                         [("49-я неделя 2026", 2), ("50-я неделя 2026", 4)])
        pivot = etree.fromstring(Snapshot.get_view(view_type="pivot")["arch"])
        self.assertTrue(pivot.xpath("//field[@name='date'][@interval='week']"))
