"""Orders out: the CommerceML writer (no database) and type=sale&mode=query over HTTP."""

import io
from datetime import datetime

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import SQL

from ..commerceml import read_documents, sniff
from ..commerceml.mapper import customer_contacts
from ..commerceml.writer import write_orders
from ..models.sale_order import COMMITTED, COMMITTED_HORIZON, COMMITTED_SNAPSHOT, EXPORT_INDEX
from .common import ProtocolCase

ORDER = {
    "id": "odoo-order-7", "number": "S00007", "date": datetime(2026, 11, 20, 14, 5, 9), "currency": "RUB",
    "amount": 25490, "comment": "Позвонить за час <до> доставки & не раньше",
    "customer": {"id": "odoo-partner-3", "name": "Смирнова Ольга Петровна", "lastname": "Смирнова",
                 "firstname": "Ольга", "patronymic": "Петровна", "phones": ["+79161234567"],
                 "email": "olga@mail.ru", "zip": "420000", "city": "Казань", "address": "ул. Баумана, д. 1"},
    "lines": [{"id": "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1", "article": "PM-421-WP", "name": "Коврик",
               "price": 24990, "qty": 1, "amount": 24990}],
    "delivery": {"name": "Доставка курьером", "amount": 500},
    "requisites": [("Статус заказа", "Заказ на продажу"), ("Отменен", "false")],
}


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestWriter(BaseCase):
    def test_document(self):
        xml = write_orders([ORDER])
        self.assertEqual(sniff(io.BytesIO(xml)).kind, "documents")
        root = etree.fromstring(xml)
        document = root.find("Документ")
        self.assertEqual(document.findtext("Номер"), "S00007")
        self.assertEqual((document.findtext("Дата"), document.findtext("Время")), ("2026-11-20", "14:05:09"))
        self.assertEqual(document.findtext("Сумма"), "25490.00")
        customer = document.find("Контрагенты/Контрагент")
        self.assertEqual((customer.findtext("Фамилия"), customer.findtext("Имя"), customer.findtext("Отчество")),
                         ("Смирнова", "Ольга", "Петровна"))
        contacts = {c.findtext("Тип"): c.findtext("Значение") for c in customer.iter("Контакт")}
        self.assertEqual(contacts, {"Телефон рабочий": "+79161234567", "Почта": "olga@mail.ru"})
        goods = document.findall("Товары/Товар")
        self.assertEqual([g.findtext("Ид") for g in goods], ["bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1", "ORDER_DELIVERY"])
        kinds = [{r.findtext("Наименование"): r.findtext("Значение")
                      for r in g.iter("ЗначениеРеквизита")}["ТипНоменклатуры"] for g in goods]
        self.assertEqual(kinds, ["Товар", "Услуга"], "delivery is a service line")
        self.assertEqual(document.findtext("Комментарий"), ORDER["comment"], "escaped, read back intact")


    def test_schema_3_1_round_trip(self):
        """Schema 3.1 puts each document in a «Контейнер»; our reader takes back what our writer wrote."""
        xml = write_orders([ORDER, {**ORDER, "id": "odoo-order-8", "number": "S00008"}], version="3.1")
        root = etree.fromstring(xml)
        self.assertEqual(root.get("ВерсияСхемы"), "3.1")
        self.assertEqual([c.findtext("Документ/Номер") for c in root.findall("Контейнер")], ["S00007", "S00008"])
        self.assertEqual(sniff(io.BytesIO(xml)).kind, "documents")
        documents = [values for _kind, values in read_documents(io.BytesIO(xml))]
        self.assertEqual([d["id"] for d in documents], ["odoo-order-7", "odoo-order-8"])
        first = documents[0]
        self.assertEqual((first["customer"]["lastname"], first["customer"]["phones"], first["customer"]["city"]),
                         ("Смирнова", ["+79161234567"], "Казань"))
        self.assertEqual([(ln["id"], ln["qty"], ln["service"]) for ln in first["lines"]],
                         [("bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1", 1, False), ("ORDER_DELIVERY", 1, True)])
        self.assertEqual(first["status"], "Заказ на продажу")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOrdersQuery(ProtocolCase):
    def query(self, cookie, extra=""):
        response = self.url_open(f"/1c_exchange?type=sale&mode=query{extra}",
                                 headers={"Cookie": f"{cookie[0]}={cookie[1]}"})
        self.assertEqual(response.status_code, 200)
        return etree.fromstring(response.content)

    def test_query_then_success_commits(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ecom_crm_1c.orders_committed_until", "2000-01-01 00:00:00")
        params.set_param("ecom_crm_1c.orders_overlap_seconds", 0)  # exact windows for this test
        customer = self.env["res.partner"].create({"lastname": "Орлов", "firstname": "Денис", "patronymic": "Игоревич",
                                                   "phone": "+79031112233", "city": "Тула"})
        product = self.env["product.product"].create({"name": "Чайник", "default_code": "K-1"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 2, "price_unit": 1990})]})
        order.action_confirm()
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        numbers = [d.findtext("Номер") for d in self.query(cookie).iter("Документ")]
        self.assertIn(order.name, numbers)
        # 1C of schema 3 asks for 3.1: the same orders, each in its «Контейнер»
        root = self.query(cookie, "&version=3.1")
        self.assertEqual(root.get("ВерсияСхемы"), "3.1")
        self.assertIn(order.name, [c.findtext("Документ/Номер") for c in root.findall("Контейнер")])
        # 1C did not say success: the same orders go again
        self.assertIn(order.name, [d.findtext("Номер") for d in self.query(cookie).iter("Документ")])
        self.assertEqual(self.call("success", type_="sale", cookie=cookie), ["success"])
        # with its snapshot and the start of the oldest transaction in progress before it: how far the next looks back
        self.assertTrue(params.get_param(COMMITTED_SNAPSHOT))
        self.assertLessEqual(params.get_param(COMMITTED_HORIZON), params.get_param(COMMITTED))
        self.assertNotIn(order.name, [d.findtext("Номер") for d in self.query(cookie).iter("Документ")])
        # a later change (another transaction: a later write_date) sends it again
        order.write({"note": "<p>Позвонить заранее</p>"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET write_date = clock_timestamp() AT TIME ZONE 'UTC' WHERE id = %s",
                            [order.id])
        self.assertIn(order.name, [d.findtext("Номер") for d in self.query(cookie).iter("Документ")])
        document = next(d for d in etree.fromstring(order._ecom_1c_xml()).iter("Документ"))
        self.assertEqual(document.findtext("Контрагенты/Контрагент/Отчество"), "Игоревич")
        self.assertEqual(document.findtext("Товары/Товар/Количество"), "2")

    def test_the_1c_of_each_company_exports_its_orders_from_its_own_position(self):
        """Two companies, each with a 1C base of its own (its login in Settings): each 1C gets its
        company's orders, and its «success» moves its own position: the other 1C's orders, changed
        before that, are not skipped. The exchange login of Settings gets every company's orders
        from a position of its own."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ecom_crm_1c.orders_committed_until", "2000-01-01 00:00:00")
        params.set_param("ecom_crm_1c.orders_overlap_seconds", 0)
        main = self.env.company
        second = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.user.company_ids |= second
        orders = {}
        for company, login in ((main, "1c-main"), (second, "1c-second")):
            self.env["res.config.settings"].with_company(company).create({
                "ecom_1c_company_login": login, "ecom_1c_company_password": f"pw-{login}"}).execute()
            env = self.env(context={"allowed_company_ids": [company.id]})
            product = env["product.product"].create({"name": f"Услуга {company.name}", "type": "service"})
            customer = env["res.partner"].create({"name": f"Покупатель {company.name}"})
            order = env["sale.order"].create({"partner_id": customer.id, "company_id": company.id, "order_line": [
                (0, 0, {"product_id": product.id, "price_unit": 100})]})
            order.action_confirm()
            orders[login] = order.name
        self.assertEqual(self.call("checkauth", auth=("1c-main", "pw-1c-second"))[0], "failure", "its own password")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            second.ecom_1c_login = "1c-main"  # a login names one exchange
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["res.config.settings"].create({"ecom_1c_login": "1c-second"}).execute()

        def export(login):
            lines = self.call("checkauth", auth=(login, f"pw-{login}"))
            self.assertEqual(lines[0], "success", lines)
            cookie = (lines[1], lines[2])
            self.call("init", type_="sale", cookie=cookie)
            numbers = [d.findtext("Номер") for d in self.query(cookie).iter("Документ")]
            self.assertEqual(self.call("success", type_="sale", cookie=cookie), ["success"])
            return numbers

        numbers = export("1c-main")
        self.assertIn(orders["1c-main"], numbers)
        self.assertNotIn(orders["1c-second"], numbers, "the second company's orders are its 1C's")
        numbers = export("1c-second")
        self.assertIn(orders["1c-second"], numbers, "not skipped because the first 1C acknowledged its own")
        self.assertNotIn(orders["1c-main"], numbers)
        self.assertEqual(export("1c-second"), [], "acknowledged: not sent again")
        self.assertTrue(self.env["ecom.1c.exchange"].search([("company_id", "=", second.id)]),
                        "its exchanges are its company's")
        cookie = self.login()  # Settings' exchange login: every company's, from its own position
        self.call("init", type_="sale", cookie=cookie)
        numbers = [d.findtext("Номер") for d in self.query(cookie).iter("Документ")]
        self.assertLessEqual(set(orders.values()), set(numbers))

    def test_info_lists_statuses_payments_delivery(self):
        self.env["ecom.1c.status.map"].create({"name": "Отгружен", "action": "lock"})
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        root = etree.fromstring(self.url_open(
            "/1c_exchange?type=sale&mode=info", headers={"Cookie": f"{cookie[0]}={cookie[1]}"}).content)
        self.assertEqual(root.tag, "Справочник")
        statuses = [e.findtext("Название") for e in root.findall("Статусы/Элемент")]
        self.assertIn("Отгружен", statuses)
        self.assertIn("sale", [e.findtext("Ид") for e in root.findall("Статусы/Элемент")])
        self.assertEqual([e.findtext("Ид") for e in root.findall("СлужбыДоставки/Элемент")], ["ORDER_DELIVERY"])
        self.assertEqual(self.call("info", type_="catalog", cookie=cookie)[0], "failure")



@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOrdersQueryPlan(TransactionCase):
    def test_the_export_reads_a_range_of_the_write_date_index(self):
        """1C asks for the orders every few minutes, the store has millions: the export reads a range of write
        dates through an index, never the whole table, also when it looks back for what the last
        acknowledged export's snapshot did not see (to its horizon, kept for each 1C of its own)."""
        orders, params = self.env["sale.order"], self.env["ir.config_parameter"].sudo()
        self.env.cr.execute("SELECT pg_current_snapshot()::text")
        snapshot = self.env.cr.fetchone()[0]
        company = self.env.company  # its own 1C: its position and horizon of its own
        orders._ecom_1c_commit_export("2026-12-05 10:00:00", company, snapshot, "2026-12-05 08:00:00")
        orders._ecom_1c_commit_export("2026-12-06 10:00:00", None, snapshot, "2026-12-06 08:00:00")
        self.assertEqual(params.get_param(orders._ecom_1c_snapshot_key(company, COMMITTED_HORIZON)),
                         "2026-12-05 08:00:00")
        self.assertEqual(params.get_param(COMMITTED_HORIZON), "2026-12-06 08:00:00")
        self.env.flush_all()
        # as on a big table, where the whole table is no option (nor, here, the few rows in their ids' order);
        # a company's 1C reads the same range, of its company alone
        self.env.cr.execute("SELECT set_config('enable_seqscan', 'off', true), "
                            "set_config('enable_indexscan', 'off', true)")
        try:
            self.env.cr.execute(SQL("EXPLAIN %s", orders._ecom_1c_export_query("2026-12-06 10:05:00")))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("SELECT set_config('enable_seqscan', 'on', true), "
                                "set_config('enable_indexscan', 'on', true)")
        self.assertIn(f"Bitmap Index Scan on {EXPORT_INDEX}", plan)
        self.assertRegex(plan, r"Index Cond: \(\(write_date <= '2026-12-06 10:05:00'::timestamp without time zone\) "
                               r"AND \(write_date >= '2026-12-06 08:00:00'")
        self.assertNotIn("Seq Scan", plan)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestExportHorizon(TransactionCase):
    """How far the next export looks back, from what ``pg_stat_activity`` and ``pg_locks`` show: here tables
    of the test's own transaction named so (a session's temporary tables come before the catalog's), as
    a role that may not read other roles' activity sees them (the start of their transactions hidden)."""

    def activity(self, *backends, senders=(), prepared=()):
        """The database's other backends as ``(usesysid, backend_type, xact_start, in a transaction)`` (their
        pids from 100001 on); ``senders``: the pids of logical replication's senders among them;
        ``prepared``: the prepared transactions as ``(database, the tables they wrote)``."""
        self.env.cr.execute("""
            CREATE TEMP TABLE pg_stat_activity (datname name, pid int, usesysid oid, backend_type text,
                                                xact_start timestamptz);
            CREATE TEMP TABLE pg_locks (pid int, locktype text, granted bool, database oid, relation oid, mode text);
            CREATE TEMP TABLE pg_stat_replication (pid int);
            CREATE TEMP TABLE pg_prepared_xacts (transaction xid, database name)
        """)
        for pid, (usesysid, backend_type, xact_start, in_transaction) in enumerate(backends, 100_001):
            self.env.cr.execute("INSERT INTO pg_stat_activity VALUES (current_database(), %s, %s, %s, %s)",
                                [pid, usesysid, backend_type, xact_start])
            if in_transaction:
                self.env.cr.execute("INSERT INTO pg_locks (pid, locktype, granted) VALUES (%s, 'virtualxid', true)",
                                    [pid])
        for pid in senders:
            self.env.cr.execute("INSERT INTO pg_stat_replication VALUES (%s)", [pid])
        for xid, (database, tables) in enumerate(prepared, 900):
            self.env.cr.execute("INSERT INTO pg_prepared_xacts VALUES (%s::text::xid, %s)", [xid, database])
            for table in tables:  # its locks: no backend's (pid NULL), of its database
                self.env.cr.execute("""
                    INSERT INTO pg_locks
                    SELECT NULL, 'relation', true, (SELECT oid FROM pg_database WHERE datname = %s), %s::regclass,
                           'RowExclusiveLock'
                """, [database, table])

    def lock_table_reads(self):
        """How many times this transaction read the (test's) lock table."""
        self.env.cr.execute("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 'pg_temp.pg_locks'::regclass")
        return self.env.cr.fetchone()[0]

    def horizon(self, company=None):
        return self.env["sale.order"]._ecom_1c_export_horizon(company)

    def now(self):
        self.env.cr.execute("SELECT (transaction_timestamp() AT TIME ZONE 'UTC')::text")
        return self.env.cr.fetchone()[0]

    def test_a_transaction_whose_start_is_hidden_holds_the_horizon_at_the_last_acknowledged_one(self):
        """Odoo's role is no superuser: another role's transaction (a script run as ``postgres``) shows no
        start. The export cannot tell when it began: it looks back as far as the last export 1C
        acknowledged did (the transaction began after that export measured, or held it back then the same
        way), that 1C's own; with none acknowledged, over every order. No order it writes is lost."""
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = current_user")
        odoo_role = self.env.cr.fetchone()[0]
        self.activity((odoo_role, None, None, True))
        orders, company = self.env["sale.order"], self.env.company
        orders._ecom_1c_commit_export("2026-12-06 10:00:00", None, "10:10:", "2026-12-06 08:00:00")
        orders._ecom_1c_commit_export("2026-12-05 10:00:00", company, "10:10:", "2026-12-05 08:00:00")
        self.assertEqual(self.horizon(), "2026-12-06 08:00:00")
        self.assertEqual(self.horizon(company), "2026-12-05 08:00:00", "a company's 1C: its own")
        orders._ecom_1c_commit_export("2026-12-06 10:00:00", None, "10:10:", None)
        self.assertEqual(self.horizon(), "-infinity", "none acknowledged: every order")

    def test_what_holds_the_horizon_back(self):
        """A visible transaction holds the horizon at its start; a role that may not write orders (a read-only
        report's, autovacuum's), or a backend of a hidden role not in a transaction, hold nothing back."""
        self.env["sale.order"]._ecom_1c_commit_export("2026-12-06 10:00:00", None, "10:10:", "2026-12-06 08:00:00")
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = current_user")
        odoo_role = self.env.cr.fetchone()[0]
        # a role granted no right on the orders (pg_read_all_stats: any role but Odoo's)
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = 'pg_read_all_stats'")
        read_only = self.env.cr.fetchone()[0]
        self.activity((odoo_role, "client backend", "2026-12-06 09:30:00+00", True),  # Odoo's worker
                      (None, None, None, True),  # autovacuum
                      (read_only, None, None, True),  # a read-only report's role, its start hidden
                      (odoo_role, None, None, False))  # another role's session, idle
        self.assertEqual(self.horizon(), "2026-12-06 09:30:00")
        self.env.cr.execute("DELETE FROM pg_stat_activity WHERE backend_type = 'client backend'")
        self.assertEqual(self.horizon(), self.now(), "nothing older than the request's own transaction")

    def test_a_visible_transaction_of_a_role_that_may_not_write_orders_holds_nothing_back(self):
        """Odoo's role a superuser (or of ``pg_read_all_stats``): another role's transaction shows its start. One
        of a role granted no right to write the orders (a report's, a backup's) writes none: its start held
        the horizon back as far (a nightly backup of hours: every export looked back hours, and further)."""
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = current_user")
        odoo_role = self.env.cr.fetchone()[0]
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = 'pg_read_all_stats'")
        read_only = self.env.cr.fetchone()[0]
        self.activity((read_only, "client backend", "2026-12-06 02:00:00+00", True),
                      (odoo_role, "client backend", "2026-12-06 09:30:00+00", True))
        self.assertEqual(self.horizon(), "2026-12-06 09:30:00")

    def test_a_logical_replication_sender_holds_nothing_back(self):
        """A logical replication's sender (a superuser's: it may write anything) connected to the database
        decodes what others wrote, in short transactions of its own, all day: its start hidden, it held the
        horizon at the last acknowledged one at every export that met one."""
        self.env["sale.order"]._ecom_1c_commit_export("2026-12-06 10:00:00", None, "10:10:", "2026-12-06 08:00:00")
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = current_user")
        odoo_role = self.env.cr.fetchone()[0]
        self.activity((odoo_role, None, None, True), senders=[100_001])
        self.assertEqual(self.horizon(), self.now())
        self.env.cr.execute("DELETE FROM pg_stat_replication")
        self.assertEqual(self.horizon(), "2026-12-06 08:00:00", "another role's transaction, no sender: held")

    def test_a_prepared_transaction_that_wrote_orders_holds_the_horizon(self):
        """A prepared transaction (two-phase commit: another application's) is no backend: the export saw
        nothing of it, and the orders it wrote, dated by its start, committed after 1C acknowledged were
        lost. While one of the database that wrote orders waits, the horizon is held at the last
        acknowledged one; one that wrote none (it writes nothing more), or another database's, holds nothing."""
        self.env["sale.order"]._ecom_1c_commit_export("2026-12-06 10:00:00", None, "10:10:", "2026-12-06 08:00:00")
        self.env.cr.execute("SELECT current_database()")
        database = self.env.cr.fetchone()[0]
        self.activity(prepared=[(database, ["res_partner"]), ("postgres", ["pg_class"])])
        self.assertEqual(self.horizon(), self.now())
        self.env.cr.execute("""
            INSERT INTO pg_locks SELECT NULL, 'relation', true, oid, 'sale_order'::regclass, 'RowExclusiveLock'
              FROM pg_database WHERE datname = current_database()
        """)
        self.assertEqual(self.horizon(), "2026-12-06 08:00:00")

    def test_the_lock_table_is_read_only_for_a_hidden_start(self):
        """Every export (each 1C polls every few minutes) read the whole lock table of the server, a busy one
        too, whenever one of Odoo's workers was idle (no transaction: no start either, taken for a hidden
        one): it is read only while a backend of the database hides its start, or a transaction is prepared."""
        self.env.cr.execute("SELECT oid FROM pg_roles WHERE rolname = current_user")
        odoo_role = self.env.cr.fetchone()[0]
        self.activity((odoo_role, "client backend", "2026-12-06 09:30:00+00", True),
                      (odoo_role, "client backend", None, False),  # an idle worker of Odoo's
                      (None, None, None, True))  # autovacuum
        self.assertEqual(self.horizon(), "2026-12-06 09:30:00")
        self.assertEqual(self.lock_table_reads(), 0)
        self.env.cr.execute("INSERT INTO pg_stat_activity VALUES (current_database(), 100004, %s, NULL, NULL)",
                            [odoo_role])
        self.horizon()
        self.assertGreater(self.lock_table_reads(), 0, "a hidden start: read")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOrderDocument(TransactionCase):
    """What a sale order is in the document 1C reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "Europe/Moscow"
        cls.product = cls.env["product.product"].create({"name": "Чайник", "list_price": 1000, "taxes_id": False})
        cls.person = cls.env["res.partner"].create({"lastname": "Орлов", "firstname": "Денис", "city": "Тула"})

    def order(self, partner=None, **line):
        return self.env["sale.order"].create({
            "partner_id": (partner or self.person).id, "date_order": datetime(2026, 11, 20, 22, 30),
            "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1, **line})]})

    def document(self, order):
        return etree.fromstring(order._ecom_1c_xml()).find("Документ")

    def test_date_and_time_are_the_stores(self):
        """1C reads «Дата» and «Время» as its own local time, as the site reads 1C's (an order placed at
        01:30 in Moscow on the 21st was dated 22:30 on the 20th)."""
        document = self.document(self.order())
        self.assertEqual((document.findtext("Дата"), document.findtext("Время")), ("2026-11-21", "01:30:00"))

    def test_date_and_time_are_the_stores_zone_not_the_exchange_users(self):
        """1C's exchange runs as Odoo's superuser, whose time zone nobody sets: a store in Yekaterinburg
        sent its orders in Moscow time (01:30 for 03:30). The store's zone is its company's, as the
        reports, the scoring and the intake take it."""
        self.env.company.partner_id.tz = "Asia/Yekaterinburg"
        document = self.document(self.order())
        self.assertEqual((document.findtext("Дата"), document.findtext("Время")), ("2026-11-21", "03:30:00"))

    def test_a_company_goes_with_its_inn_and_kpp_a_person_with_a_full_name(self):
        """1C tells a legal entity from a person by «ОфициальноеНаименование» and finds it by ИНН and
        КПП: a company's order went as a person without them (1C made a new private customer)."""
        company = self.env["res.partner"].create({
            "name": "ООО «Ромашка»", "is_company": True, "vat": "7707083893", "ecom_kpp": "773601001",
            "country_id": self.env.ref("base.ru").id, "city": "Москва", "street": "ул. Вавилова, д. 19"})
        node = self.document(self.order(company)).find("Контрагенты/Контрагент")
        self.assertEqual((node.findtext("Наименование"), node.findtext("ОфициальноеНаименование"),
                          node.findtext("ИНН"), node.findtext("КПП")),
                         ("ООО «Ромашка»", "ООО «Ромашка»", "7707083893", "773601001"))
        self.assertIsNone(node.find("Фамилия"), "a company has no name parts")
        self.assertIn("Вавилова", node.findtext("ЮридическийАдрес/Представление"))
        company.vat = "7707 083 893"  # typed with spaces: the ИНН is its digits
        node = self.document(self.order(company)).find("Контрагенты/Контрагент")
        self.assertEqual(node.findtext("ИНН"), "7707083893")
        company.vat = "/"  # Odoo's «no ИНН»
        self.assertFalse(self.document(self.order(company)).findtext("Контрагенты/Контрагент/ИНН"))
        person = self.document(self.order()).find("Контрагенты/Контрагент")
        self.assertIsNone(person.find("ОфициальноеНаименование"))
        self.assertEqual((person.findtext("ПолноеНаименование"), person.findtext("Фамилия")), ("Орлов Денис", "Орлов"))

    def test_a_phone_goes_with_its_extension(self):
        """1C's manager calls a company at its office: its phone goes as stored, with the extension kept
        with it (1C keeps a phone as its text); the document read back finds the same customer."""
        company = self.env["res.partner"].create({
            "name": "ООО «Вектор»", "is_company": True, "phone": "+7 (495) 123-45-67 доб. 123",
            "mobile": "8 916 123-45-67"})
        xml = self.order(company)._ecom_1c_xml()
        node = etree.fromstring(xml).find("Документ/Контрагенты/Контрагент")
        phones = [c.findtext("Значение") for c in node.iter("Контакт") if c.findtext("Тип") == "Телефон рабочий"]
        self.assertEqual(phones, ["+74951234567 доб. 123", "+79161234567"])
        [(_kind, document)] = read_documents(io.BytesIO(xml))
        phone, _email = customer_contacts(document["customer"])
        self.assertEqual(phone, "+74951234567 доб. 123")
        self.assertEqual(self.env["res.partner"]._ecom_match_customer(phone=phone), company)
        self.assertEqual(self.env["res.partner"]._ecom_match_customer(phone="+7 495 123-45-67"), company)

    def test_a_line_adds_up_with_its_discount_and_vat(self):
        """1C takes a line as price × quantity = amount, its VAT and discount as written: the price went
        before the discount and without VAT, the amount after both (2 × 1000 written as 2160), no VAT."""
        vat = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "amount_type": "percent",
                                              "type_tax_use": "sale"})
        order = self.order(product_uom_qty=2, price_unit=1000, discount=10, tax_id=[(6, 0, vat.ids)])
        document = self.document(order)
        line = document.find("Товары/Товар")
        self.assertEqual((line.findtext("ЦенаЗаЕдиницу"), line.findtext("Количество"), line.findtext("Сумма")),
                         ("1080.00", "2", "2160.00"))
        self.assertEqual((line.findtext("Скидки/Скидка/Сумма"), line.findtext("Скидки/Скидка/УчтеноВСумме")),
                         ("240.00", "true"))
        self.assertEqual(line.findtext("СтавкиНалогов/СтавкаНалога/Ставка"), "20")
        for taxes in (line, document):
            self.assertEqual((taxes.findtext("Налоги/Налог/Наименование"), taxes.findtext("Налоги/Налог/УчтеноВСумме"),
                              taxes.findtext("Налоги/Налог/Сумма")), ("НДС", "true", "360.00"))
        self.assertEqual(document.findtext("Сумма"), "2160.00")
