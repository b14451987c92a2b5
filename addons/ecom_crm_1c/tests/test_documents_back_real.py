"""Documents back from 1C, in files real 1C configurations wrote (tests/data/SOURCES.md): what 1C
says of the site's orders (its numbers, posting, payment, shipping, statuses, deletion) and an order
taken in 1C itself."""

import io

from odoo.tests import tagged

from ..commerceml import read_documents
from ..commerceml.reader import dated, day_of
from .common import ImporterCase, ProtocolCase, path, read

# 1C:УТ 11 (its demo base, «ТДЦУ-» numbers), schema 2.09: «Номер1С», «Дата1С» and «ПометкаУдаления»
# as the document's elements, payment and shipment as «Номер/Дата оплаты/отгрузки по 1С», the site's
# status code in «Статуса заказа ИД»
UT11 = ("ut11-2.09-documents", "documents-example.xml")
# 1C:УНФ (xmlns commerceml_210, «Запас»), schema 2.08: its own Ид, «Номер по 1С» and «Дата по 1С» with
# their time, «Оплачен»/«Отгружен» with the numbers and dates («…T9:49:02»), «Статус заказа» «Отправлен»
UNF = ("unf-2.08-documents", "orders.xml")
UNF_ID = "24c82d03-7149-11eb-80c0-7085c2ddb497"  # 1C:УНФ's own Ид of the site's order 13838
FAN = "cbcf493f-55bc-11d9-848a-00112f43529a"  # «Вентилятор BINATONE ALPINE 160вт» of 1C's demo base
BOOTS = "bd72d913-55bc-11d9-848a-00112f43529a"  # «Ботинки женские демисезонные», a product with characteristics
KIKINDA = "4a65ecb6-8b1b-11df-be16-e0cb4ed5f70f"  # the demo base's customer «Kikinda (Сербия)»


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRealDocumentsReader(ImporterCase):
    def test_ut11_documents(self):
        first, second = [v for _kind, v in read_documents(path(*UT11))]
        self.assertEqual([(d["number"], d["number_1c"], d["date_1c"], d["operation"]) for d in (first, second)],
                         [("142", "ТДЦУ-000001", "2015-06-29", "Заказ товара"),
                          ("235", "ТДЦУ-000002", "2015-06-29", "Заказ товара")])
        self.assertEqual([(d["posted"], d["paid"], d["shipped"], d["deleted"]) for d in (first, second)],
                         [(True, True, True, False), (True, True, False, False)],
                         "paid by «Дата оплаты по 1С», shipped by «Номер отгрузки по 1С» (142 only)")
        self.assertEqual(first["status"], "P", "the site's status code 1C chose, «Статуса заказа ИД»")
        self.assertEqual((first["customer"]["id"], first["customer"]["name"]), (KIKINDA, "Kikinda (Сербия)"))
        self.assertEqual([(ln["id"], ln["price"], ln["qty"]) for ln in first["lines"]],
                         [(FAN, 3338, 1), (f"{BOOTS}#b02e2814-720f-11df-b436-0015e92f2802", 3600, 1)],
                         "3.x's «Цена» in 2.09")
        self.assertEqual([ln["service"] for ln in second["lines"]], [False, True], "«Доставка заказа» a service")

    def test_ut11_deletion_mark_is_the_documents_element(self):
        """1C:УТ 11 writes a deleted order's mark as the document's own «ПометкаУдаления», not as a
        requisite (the same file, its first document marked)."""
        marked = read(*UT11).replace("<ПометкаУдаления>false</ПометкаУдаления>".encode(),
                                     "<ПометкаУдаления>true</ПометкаУдаления>".encode(), 1)
        first, second = [v["deleted"] for _kind, v in read_documents(io.BytesIO(marked))]
        self.assertEqual((first, second), (True, False))
        for value, deleted in (("1", True), ("0", False), ("", False)):
            marked = read(*UT11).replace("<ПометкаУдаления>false</ПометкаУдаления>".encode(),
                                         f"<ПометкаУдаления>{value}</ПометкаУдаления>".encode(), 1)
            self.assertEqual(next(read_documents(io.BytesIO(marked)))[1]["deleted"], deleted, value)

    def test_unf_order(self):
        (document,) = [v for _kind, v in read_documents(path(*UNF))]
        self.assertEqual((document["id"], document["number"], document["number_1c"], document["date_1c"]),
                         (UNF_ID, "13838", "СА-013838", "2021-02-17"),
                         "«Дата по 1С» «2021-02-17T22:51:37»: its day, as 3.1's «Дата1С»")
        self.assertEqual((document["posted"], document["paid"], document["shipped"], document["deleted"]),
                         (True, True, True, False))
        self.assertEqual(document["status"], "Отправлен")
        self.assertEqual(document["requisites"]["Дата оплаты по 1С"], "2021-02-18T9:49:02", "an hour of one digit")
        self.assertEqual([(ln["id"], ln["article"], ln["price"], ln["qty"], ln["service"]) for ln in document["lines"]],
                         [("ORDER_DELIVERY", "", 405, 1, True),
                          ("f37c0c86-28f7-11e2-8783-001d607b58e2", "430012", 370, 3, False)])

    def test_an_empty_date_is_no_payment(self):
        """1C writes an empty «Дата оплаты по 1С» as «T» (itgalaxy's WooCommerce exchange and Inji CMS's
        skip it, another module a Cyrillic «Т»): no payment, nor is 1C's empty date, in its XML form
        or as its string writes it."""
        self.assertEqual([dated(v) for v in ("T", "Т", "", "0001-01-01T00:00:00", "01.01.0001 0:00:00",
                                             "2021-02-18T9:49:02", "2015-06-29", "18.02.2021 9:49:02")],
                         [False, False, False, False, False, True, True, True])

    def test_the_day_of_a_1c_date(self):
        """«Дата по 1С» / «Дата1С»: the day, with a time, a zone or neither; an empty date is none."""
        self.assertEqual([day_of(v) for v in ("2021-02-17T22:51:37", "2021-02-17T9:49:02", "2021-02-17",
                                              "2021-02-17+03:00", "2021-02-17T22:51:37Z", "17.02.2021",
                                              "T", "0001-01-01T00:00:00", "")],
                         ["2021-02-17", "2021-02-17", "2021-02-17", "2021-02-17", "2021-02-17", "17.02.2021",
                          "", "", ""])


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRealDocumentsImport(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Покупатель"})
        cls.product = cls.env["product.product"].create({"name": "Чайник", "list_price": 100})

    def site_orders(self, *numbers):
        orders = self.env["sale.order"].create([{"name": number, "partner_id": self.partner.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]} for number in numbers])
        orders.action_confirm()
        return orders

    def test_ut11_statuses_of_the_sites_orders(self):
        """1C:УТ 11 answers for the site's orders 142 and 235: its numbers and posting; 142 paid and
        shipped, 235 paid; the store statuses follow (shipped, paid). Idempotent."""
        shipped, paid = self.site_orders("142", "235")
        counts = self.importer._import_documents(path(*UT11))
        self.assertEqual((counts["updated"], counts["created"], counts["warnings"]), (2, 0, []))
        self.assertEqual([(o.ecom_1c_number, o.ecom_1c_date, o.ecom_1c_posted, o.ecom_1c_paid, o.ecom_1c_shipped,
                           o.ecom_1c_deleted, o.ecom_1c_status) for o in (shipped, paid)],
                         [("ТДЦУ-000001", "2015-06-29", True, True, True, False, "P"),
                          ("ТДЦУ-000002", "2015-06-29", True, True, False, False, "P")])
        self.assertEqual((shipped.ecom_status, paid.ecom_status), ("shipped", "paid"))
        self.assertEqual((shipped.state, paid.state), ("sale", "sale"))
        self.assertEqual(len(shipped.order_line), 1, "one-way exchange: 1C's lines change nothing")
        self.assertEqual(self.importer._import_documents(path(*UT11))["updated"], 0, "the same file again")

    def test_ut11_status_code_in_the_status_table(self):
        """The status code 1C:УТ 11 sends («P», Bitrix's «paid, being prepared») is named in the status
        table like a status: mapped to an action, it is taken."""
        self.env["ecom.1c.status.map"].create({"name": "P", "action": "lock"})
        shipped, paid = self.site_orders("142", "235")
        self.importer._import_documents(path(*UT11))
        self.assertTrue(shipped.locked and paid.locked)

    def test_the_status_id_wins_over_its_name(self):
        """1C's file giving the status's name («Статус заказа», here «[P] Оплачен», a name of the
        configuration's own) beside its id («Статуса заказа ИД» «P»): the status table maps both, the id
        is taken (it was the name); the name mapped alone, it is taken."""
        named = read(*UT11).replace(
            "<Наименование>Статуса заказа ИД</Наименование>".encode(),
            "<Наименование>Статус заказа</Наименование><Значение>[P] Оплачен</Значение></ЗначениеРеквизита>"
            "<ЗначениеРеквизита><Наименование>Статуса заказа ИД</Наименование>".encode())
        first, _second = [v for _kind, v in read_documents(io.BytesIO(named))]
        self.assertEqual((first["status"], first["status_id"]), ("[P] Оплачен", "P"))
        self.env["ecom.1c.status.map"].create([{"name": "P", "action": "lock"},
                                               {"name": "[P] Оплачен", "action": "cancel"}])
        locked, also = self.site_orders("142", "235")
        self.importer._import_documents(io.BytesIO(named))
        self.assertEqual([(o.state, o.locked, o.ecom_1c_status) for o in (locked, also)],
                         [("sale", True, "[P] Оплачен")] * 2, "the id's «lock», not the name's «cancel»")
        self.env["ecom.1c.status.map"].search([("name", "=", "P")]).unlink()
        self.env["ecom.1c.status.map"].search([("name", "=", "[P] Оплачен")]).write(
            {"action": "none", "ecom_status": "delivered"})
        renumbered = named.replace("<Номер>142<".encode(), "<Номер>9142<".encode())
        (fresh,) = self.site_orders("9142")
        self.importer._import_documents(io.BytesIO(renumbered))
        self.assertEqual(fresh.ecom_status, "delivered", "the id not mapped: the name's store status")

    def test_ut11_deleted_order_is_cancelled(self):
        """An order 1C:УТ 11 marked for deletion (the document's «ПометкаУдаления») is cancelled; its
        payment undone in 1C (an empty «Дата оплаты по 1С», as 1C writes none: «T»)."""
        deleted, kept = self.site_orders("142", "235")
        marked = read(*UT11).replace("<ПометкаУдаления>false</ПометкаУдаления>".encode(),
                                     "<ПометкаУдаления>true</ПометкаУдаления>".encode(), 1)
        marked = marked.replace("<Значение>2015-06-29T15:39:10</Значение>".encode(), "<Значение>T</Значение>".encode())
        self.importer._import_documents(io.BytesIO(marked))
        self.assertEqual((deleted.state, deleted.ecom_1c_deleted), ("cancel", True))
        self.assertEqual((kept.state, kept.ecom_1c_deleted), ("sale", False))

    def test_ut11_deleted_order_paid_is_kept_a_refund_due(self):
        """1C:УТ 11 marks for deletion an order it has a payment of («Дата оплаты по 1С», the real file as it
        is): cancelled here, it would hold the customer's money with nobody told. It is kept (its mark
        recorded); the log (in the store's language) and the order's chatter say to see to the refund (1C keeps
        the payment's date after a refund: it may be done already) and to cancel the order by hand; its
        salesperson gets a to-do in their own language; once (the same file again says nothing more). 1C
        taking its payment back (an empty «Дата оплаты по 1С») lets the cancellation through, the to-do (of its
        own activity type) done, whatever language its salesperson reads now."""
        salesperson = self.env["res.users"].create({"name": "Продавец", "login": "seller-1c-refund", "lang": "ru_RU"})
        paid, kept = self.site_orders("142", "235")
        paid.user_id = salesperson
        marked = read(*UT11).replace("<ПометкаУдаления>false</ПометкаУдаления>".encode(),
                                     "<ПометкаУдаления>true</ПометкаУдаления>".encode(), 1)
        importer = self.importer.with_context(lang="en_US")
        counts = importer._import_documents(io.BytesIO(marked))
        self.assertEqual((paid.state, paid.ecom_1c_deleted, paid.ecom_1c_paid), ("sale", True, True))
        self.assertEqual(counts["warnings"], [
            "Order 142 is cancelled or marked for deletion in 1C, but it was not cancelled here: 1C says it is "
            "paid. See that the customer gets the money back (it may have been refunded in 1C or by the payment "
            "provider already; else refund it), then cancel the order here by hand"])
        self.assertEqual(len(paid.message_ids.filtered(lambda m: counts["warnings"][0] in (m.body or ""))), 1)
        activity = paid.activity_ids
        self.assertEqual((len(activity), activity.user_id, activity.activity_type_id),
                         (1, salesperson, self.env.ref("ecom_crm_1c.mail_activity_type_refund_check")))
        self.assertEqual(activity.summary, "Отменён в 1С, но оплачен: проверить возврат денег, затем отменить заказ",
                         "in the salesperson's language")
        self.assertIn("Заказ 142 отменён или помечен на удаление в 1С, но здесь не отменён: 1С сообщает, что он "
                      "оплачен", str(activity.note))
        self.assertEqual(importer._import_documents(io.BytesIO(marked))["warnings"], [], "said once")
        self.assertEqual(len(paid.activity_ids), 1)
        self.assertEqual(kept.state, "sale")
        refunded = marked.replace("<Значение>2015-06-29T15:39:10</Значение>".encode(),
                                  "<Значение>T</Значение>".encode())
        salesperson.lang = "en_US"  # the to-do is found by its type, not by its words
        self.assertEqual(importer._import_documents(io.BytesIO(refunded))["warnings"], [])
        self.assertEqual((paid.state, paid.ecom_1c_paid), ("cancel", False), "1C took its payment back")
        self.assertFalse(paid.activity_ids, "the to-do done")

    def test_refund_to_do_without_its_activity_type(self):
        """A store that deleted the refund check's activity type: the to-do is Odoo's own, found again by its
        words in its salesperson's language, and done when 1C takes its payment back."""
        self.env.ref("ecom_crm_1c.mail_activity_type_refund_check").unlink()
        salesperson = self.env["res.users"].create({"name": "Продавец", "login": "seller-1c-todo", "lang": "ru_RU"})
        paid, _kept = self.site_orders("142", "235")
        paid.user_id = salesperson
        marked = read(*UT11).replace("<ПометкаУдаления>false</ПометкаУдаления>".encode(),
                                     "<ПометкаУдаления>true</ПометкаУдаления>".encode(), 1)
        self.importer._import_documents(io.BytesIO(marked))
        self.assertEqual(paid.activity_ids.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(self.importer._refund_activities(paid), paid.activity_ids)
        refunded = marked.replace("<Значение>2015-06-29T15:39:10</Значение>".encode(),
                                  "<Значение>T</Значение>".encode())
        self.importer._import_documents(io.BytesIO(refunded))
        self.assertEqual(paid.state, "cancel")
        self.assertFalse(paid.activity_ids, "the to-do done")

    def test_ut11_deleted_order_already_delivered_is_kept(self):
        """1C marks for deletion orders it already handed over (its housekeeping): one delivered, one
        locked as fulfilled in Odoo is not cancelled; the mark is recorded, the log and the order say
        so once (the same file again says nothing more)."""
        delivered, locked = self.site_orders("142", "235")
        delivered._ecom_set_status("delivered")
        locked.action_lock()
        marked = read(*UT11).replace("<ПометкаУдаления>false</ПометкаУдаления>".encode(),
                                     "<ПометкаУдаления>true</ПометкаУдаления>".encode())
        counts = self.importer._import_documents(io.BytesIO(marked))
        self.assertEqual([(o.state, o.ecom_1c_deleted) for o in (delivered, locked)], [("sale", True)] * 2)
        self.assertEqual((delivered.ecom_status, locked.ecom_status), ("delivered", "confirmed"))
        self.assertEqual(len(counts["warnings"]), 2, counts["warnings"])
        self.assertIn("142", counts["warnings"][0])
        self.assertEqual(len(delivered.message_ids.filtered(lambda m: counts["warnings"][0] in m.body)), 1,
                         "the order's chatter says it too")
        self.assertEqual(self.importer._import_documents(io.BytesIO(marked))["warnings"], [], "said once")

    def test_unf_deleted_order_already_invoiced_is_kept(self):
        """1C:УНФ's deletion mark (a requisite) on an order invoiced here: not cancelled, its invoice kept."""
        (order,) = self.site_orders("13838")
        invoice = order._create_invoices()
        invoice.action_post()
        marked = read(*UNF).replace("<Значение>false</Значение>".encode(), "<Значение>true</Значение>".encode())
        counts = self.importer._import_documents(io.BytesIO(marked))
        self.assertEqual((order.state, order.ecom_1c_deleted, invoice.state), ("sale", True, "posted"))
        self.assertEqual(len(counts["warnings"]), 1, counts["warnings"])

    def test_ut11_orders_of_1c_are_created_with_their_lines_and_customer(self):
        """No site order 142 nor 235: 1C's documents are orders taken in 1C. The products known by
        their 1C ids (the boots' characteristic by its product), each order is made with 1C's lines
        and prices, for the customer 1C names (made once, found by its 1C id the second time), confirmed
        as 1C posted it, numbered by 1C."""
        fan, boots = self.env["product.product"].create([
            {"name": "Вентилятор", "ecom_1c_id": FAN}, {"name": "Ботинки", "ecom_1c_id": BOOTS}])
        counts = self.importer._import_documents(path(*UT11))
        self.assertEqual((counts["created"], counts["warnings"]), (2, []))
        first = self.env["sale.order"].search([("ecom_1c_id", "=", "142")])
        second = self.env["sale.order"].search([("ecom_1c_id", "=", "235")])
        self.assertEqual((first.ecom_1c_number, first.client_order_ref, first.state), ("ТДЦУ-000001", "142", "sale"))
        self.assertEqual([(ln.product_id, ln.product_uom_qty, ln.price_unit) for ln in first.order_line],
                         [(fan, 1, 3338), (boots, 1, 3600)])
        self.assertEqual(second.order_line.mapped("product_id"),
                         boots | self.env.ref("ecom_crm_1c.product_delivery_1c"))
        self.assertEqual(second.order_line.mapped("price_unit"), [3600, 500])
        self.assertEqual(first.partner_id, second.partner_id)
        self.assertEqual((first.partner_id.name, first.partner_id.ecom_1c_id), ("Kikinda (Сербия)", KIKINDA))
        self.assertTrue(first.ecom_1c_paid and first.ecom_1c_shipped)
        self.assertFalse(second.ecom_1c_shipped)

    def test_unf_status_of_a_sites_order(self):
        """1C:УНФ answers for the site's order 13838 under its own Ид: found by the number; its number
        «СА-013838», the day of its «Дата по 1С», paid and shipped; its status «Отправлен», mapped in the
        status table to «delivered», is the store status."""
        self.env["ecom.1c.status.map"].create({"name": "Отправлен", "ecom_status": "delivered"})
        (order,) = self.site_orders("13838")
        counts = self.importer._import_documents(path(*UNF))
        self.assertEqual((counts["updated"], counts["warnings"]), (1, []))
        self.assertEqual((order.ecom_1c_number, order.ecom_1c_date, order.ecom_1c_status),
                         ("СА-013838", "2021-02-17", "Отправлен"))
        self.assertTrue(order.ecom_1c_posted and order.ecom_1c_paid and order.ecom_1c_shipped)
        self.assertEqual(order.ecom_status, "delivered")
        self.assertFalse(order.ecom_1c_id, "a site's order keeps no 1C Ид")

    def test_unf_order_of_unknown_products_creates_nothing(self):
        """No site order 13838 and the product «Логические блоки Дьенеша» unknown: nothing is made,
        the log names the product (1C sends the order again once it is saved again in 1C)."""
        counts = self.importer._import_documents(path(*UNF))
        self.assertEqual(counts["created"], 0)
        self.assertEqual(len(counts["warnings"]), 1)
        self.assertIn("Логические блоки Дьенеша", counts["warnings"][0])
        self.assertFalse(self.env["sale.order"].search_count([("ecom_1c_id", "=", UNF_ID)]))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRealDocumentsOverHttp(ProtocolCase):
    """The files as 1C sends them: ``type=sale&mode=file``, then ``mode=import``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Покупатель"})
        product = cls.env["product.product"].create({"name": "Чайник"})
        cls.orders = cls.env["sale.order"].create([{"name": number, "partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]} for number in ("142", "235", "13838")])
        cls.orders.action_confirm()

    def send(self, folder, name):
        cookie = self.login()
        self.call("init", type_="sale", cookie=cookie)
        lines = self.call("file", type_="sale", data=read(folder, name), cookie=cookie, filename=name)
        self.assertEqual(lines[0], "success", lines)
        self.assertEqual(self.call("import", type_="sale", cookie=cookie, filename=name)[0], "success")
        self.assertEqual(self.call("success", type_="sale", cookie=cookie), ["success"])

    def test_ut11_and_unf_files(self):
        self.send(*UT11)
        self.send(*UNF)
        self.assertEqual(self.orders.mapped("ecom_1c_number"), ["ТДЦУ-000001", "ТДЦУ-000002", "СА-013838"])
        self.assertEqual(self.orders.mapped("ecom_status"), ["shipped", "paid", "shipped"])
        exchanges = self.env["ecom.1c.exchange"].search([("exchange_type", "=", "sale")])
        self.assertEqual(exchanges.mapped("warning_count"), [0, 0])

    def test_an_order_of_unknown_products_is_logged_and_answered_success(self):
        """No site order 13838 (renamed) and its product unknown: 1C hears «success» (a «failure» would
        have it send the whole file again at every exchange, the product still missing), nothing is
        made, the exchange log counts the warning."""
        self.orders[2].name = "S-13838"
        self.send(*UNF)
        exchange = self.env["ecom.1c.exchange"].search([("exchange_type", "=", "sale")])
        self.assertEqual(exchange.warning_count, 1)
        self.assertFalse(self.env["sale.order"].search_count([("ecom_1c_id", "=", UNF_ID)]))
