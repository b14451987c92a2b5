"""Orders created in 1C become sale orders; two-way exchange lets 1C change the site's order lines."""

import io

from odoo.tests import tagged

from .common import ImporterCase, path

ORDER = """<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="3.1"><Контейнер><Документ>
<Ид>{id}</Ид><Номер>{number}</Номер><Дата>2026-11-20</Дата><Время>15:30:00</Время>
<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Валюта>RUB</Валюта><Сумма>{total}</Сумма>
<Контрагенты><Контрагент><Ид>{customer}</Ид><Наименование>Лебедева Ольга Петровна</Наименование>
<Фамилия>Лебедева</Фамилия><Имя>Ольга</Имя><Отчество>Петровна</Отчество>
<Контакты><Контакт><Тип>Телефон мобильный</Тип><Значение>{phone}</Значение></Контакт>
<Контакт><Тип>Почта</Тип><Значение>olga@example.ru</Значение></Контакт></Контакты>
<Роль>Покупатель</Роль></Контрагент></Контрагенты>
<Товары>{lines}</Товары>
<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Проведен</Наименование><Значение>{posted}</Значение>
</ЗначениеРеквизита></ЗначенияРеквизитов></Документ></Контейнер></КоммерческаяИнформация>"""
LINE = ("<Товар><Ид>{id}</Ид><Наименование>{name}</Наименование><ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу>"
        "<Количество>{qty}</Количество><Сумма>{amount}</Сумма></Товар>")
MAT = "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1"


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestOrdersFrom1C(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer._import_catalog(path("ut11-2.07", "import0_1.xml"))
        cls.mat = cls.env["product.product"].search([("ecom_1c_id", "=", MAT)])
        cls.env.user.tz = "Europe/Moscow"
        cls.env.company.country_id = cls.env.ref("base.ru")  # a Russian store: national numbers are Russian

    def document(self, lines, id_="1c-order-guid-1", number="ИМ-000123", posted="true", phone="8 (916) 555-44-33",
                 customer="1c-partner-guid-7"):
        body = "".join(LINE.format(id=i, name=n, price=p, qty=q, amount=p * q) for i, n, p, q in lines)
        total = sum(p * q for _i, _n, p, q in lines)
        return io.BytesIO(ORDER.format(id=id_, number=number, total=total, customer=customer, phone=phone,
                                       lines=body, posted=posted).encode())

    def test_an_order_taken_in_1c_becomes_a_sale_order(self):
        counts = self.importer._import_documents(self.document(
            [(MAT, "Коврик", 2500, 2), ("ORDER_DELIVERY", "Доставка", 300, 1)]))
        self.assertEqual(counts["created"], 1, counts["warnings"])
        order = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-1")])
        self.assertEqual(order.state, "sale", "posted in 1C: confirmed")
        self.assertEqual(order.ecom_1c_number, "ИМ-000123")
        self.assertEqual(str(order.date_order), "2026-11-20 12:30:00", "1C's Moscow time, stored in UTC")
        self.assertEqual(order.order_line.mapped("product_id"),
                         self.mat | self.env.ref("ecom_crm_1c.product_delivery_1c"))
        # a store in Yekaterinburg: 1C's time is the store's (its company's), not the exchange user's
        self.env.company.partner_id.tz = "Asia/Yekaterinburg"
        self.importer._import_documents(self.document([(MAT, "Коврик", 2500, 1)], id_="1c-order-guid-2",
                                                      number="ИМ-000124"))
        self.assertEqual(str(self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-2")]).date_order),
                         "2026-11-20 10:30:00")
        self.assertEqual(order.order_line.filtered(lambda ln: ln.product_id == self.mat).price_unit, 2500)
        customer = order.partner_id
        self.assertEqual((customer.lastname, customer.firstname, customer.patronymic),
                         ("Лебедева", "Ольга", "Петровна"))
        self.assertEqual(customer.phone, "+79165554433", "normalised like every phone of the CRM")
        self.assertEqual(customer.ecom_1c_id, "1c-partner-guid-7")
        # the same document again: found by its 1C id, nothing created
        again = self.importer._import_documents(self.document(
            [(MAT, "Коврик", 2500, 2), ("ORDER_DELIVERY", "Доставка", 300, 1)]))
        self.assertEqual((again["created"], again["updated"]), (0, 0))
        self.assertEqual(self.env["sale.order"].search_count([("ecom_1c_id", "=", "1c-order-guid-1")]), 1)

    def test_an_order_of_1c_costs_what_its_products_cost_when_it_came(self):
        """1C sends no cost: an order line made by the exchange takes the product's cost price of the
        moment it is made (sale_margin's cost, what the store's sales report counts the margin
        with); a cost price changed later, or a quantity 1C changes, moves it no more."""
        self.mat.with_company(self.env.company).standard_price = 1500
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.order_direction", "two_way")
        self.importer._import_documents(self.document([(MAT, "Коврик", 2500, 2)]))
        order = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-1")])
        self.assertEqual(order.order_line.purchase_price, 1500)
        self.mat.with_company(self.env.company).standard_price = 2000
        self.importer._import_documents(self.document([(MAT, "Коврик", 2400, 3)], id_=f"odoo-order-{order.id}",
                                                      number=order.name))
        self.assertEqual((order.order_line.product_uom_qty, order.order_line.purchase_price), (3, 1500))

    def test_an_order_of_1c_keeps_1cs_date_on_its_invoice(self):
        """The exchange (the superuser, whose zone nobody sets) confirms 1C's posted order: its quotation's
        date, the invoice for payment's, is 1C's «Дата», not the UTC day of 1C's time (an order taken at 01:30
        in Moscow was dated the day before)."""
        self.env.user.tz = False
        document = self.document([(MAT, "Коврик", 2500, 1)]).getvalue().replace(b"15:30:00", b"01:30:00")
        self.importer._import_documents(io.BytesIO(document))
        order = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-1")])
        self.assertEqual((order.state, str(order.date_order)), ("sale", "2026-11-19 22:30:00"))
        self.assertEqual(str(order.ecom_quotation_date), "2026-11-20")
        self.assertEqual(order._ecom_document_source()["date"], order.ecom_quotation_date)

    def test_known_customer_is_found_by_phone(self):
        known = self.env["res.partner"].create({"name": "Ольга Лебедева", "phone": "+7 916 555 44 33"})
        self.importer._import_documents(self.document([(MAT, "Коврик", 2500, 1)], customer="other-guid"))
        order = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-1")])
        self.assertEqual(order.partner_id, known, "one customer base: no duplicate for a 1C order")

    def test_a_customer_known_by_the_second_number_is_found(self):
        """1C keeps a mobile and a work phone as two contacts, and a contact may hold two numbers: the
        customer the CRM knows by any of them is the order's, a new one gets the first as the phone and the
        second as the mobile."""
        known = self.env["res.partner"].create({"name": "Ольга Лебедева", "phone": "+7 916 555 44 33"})
        two_contacts = ("8 (903) 111-22-33</Значение></Контакт><Контакт><Тип>Телефон рабочий</Тип>"
                        "<Значение>8 (916) 555-44-33")
        self.importer._import_documents(self.document([(MAT, "Коврик", 2500, 1)], customer="other-guid",
                                                      phone=two_contacts))
        order = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-1")])
        self.assertEqual(order.partner_id, known, "no duplicate for the customer's second number")
        self.importer._import_documents(self.document([(MAT, "Коврик", 2500, 1)], id_="1c-order-guid-2",
                                                      number="ИМ-000124", customer="new-guid",
                                                      phone="8 (903) 222-33-44, 8 (495) 765-43-21"))
        new = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-2")]).partner_id
        self.assertNotEqual(new, known)
        self.assertEqual((new.phone, new.mobile), ("+79032223344", "+74957654321"))
        # a contact of two numbers with a space alone between them: the customer known by the second
        # (read as one invalid number, it found nobody, and the email made it the customer above's)
        office = self.env["res.partner"].create({"name": "Ольга Лебедева", "phone": "8 (495) 765-43-22"})
        self.importer._import_documents(self.document([(MAT, "Коврик", 2500, 1)], id_="1c-order-guid-3",
                                                      number="ИМ-000125", customer="newer-guid",
                                                      phone="8 (903) 333-44-55 8 (495) 765-43-22"))
        order = self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-3")])
        self.assertEqual(order.partner_id, office)

    def test_unknown_product_creates_nothing_and_warns(self):
        counts = self.importer._import_documents(self.document([("no-such-product", "Пылесос", 100, 1)]))
        self.assertEqual(counts["created"], 0)
        self.assertIn("Пылесос", counts["warnings"][0])
        self.assertFalse(self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-1")]))
        self.assertFalse(self.env["res.partner"].search([("ecom_1c_id", "=", "1c-partner-guid-7")]),
                         "no customer made for an order that was not")

    def test_a_line_whose_numbers_are_no_numbers_creates_nothing_and_warns(self):
        """A NaN quantity was taken as 0 and a NaN price replaced by the amount, silently (an order of
        340.00 for 6,734.47): the order is not created, and the warning names the line."""
        for tag, price, qty in (("Количество", 2500, "NaN"), ("ЦенаЗаЕдиницу", "Infinity", 2),
                                ("Количество", 2500, "abc")):
            with self.subTest(tag=tag, price=price, qty=qty):
                bad = LINE.format(id=MAT, name="Коврик", price=price, qty=qty, amount=5000)
                document = io.BytesIO(ORDER.format(id="1c-order-guid-9", number="ИМ-000999", total=5000,
                                                   customer="guid-9", phone="8 (916) 555-44-39", lines=bad,
                                                   posted="true").encode())
                counts = self.importer._import_documents(document)
                self.assertEqual(counts["created"], 0)
                self.assertIn("ИМ-000999", counts["warnings"][0])
                self.assertIn(f"«Коврик» ({tag})", counts["warnings"][0])
                self.assertFalse(self.env["sale.order"].search([("ecom_1c_id", "=", "1c-order-guid-9")]))

    def test_one_way_by_default_two_way_as_an_option(self):
        customer = self.env["res.partner"].create({"name": "Покупатель"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": self.mat.id, "product_uom_qty": 1, "price_unit": 2500})]})
        order.action_confirm()
        other = self.env["product.product"].search([("ecom_1c_id", "!=", False), ("id", "!=", self.mat.id)], limit=1)
        changed = self.document([(MAT, "Коврик", 2400, 3), (other.ecom_1c_id, other.name, 1000, 1)],
                                id_=f"odoo-order-{order.id}", number=order.name)
        self.importer._import_documents(changed)
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [1], "one-way: Odoo owns the order's lines")
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.order_direction", "two_way")
        changed.seek(0)
        counts = self.importer._import_documents(changed)
        self.assertEqual(counts["updated"], 1)
        mat_line = order.order_line.filtered(lambda ln: ln.product_id == self.mat)
        self.assertEqual((mat_line.product_uom_qty, mat_line.price_unit), (3, 2400))
        self.assertIn(other, order.order_line.product_id, "a line added in 1C is added")
        self.assertIn(order.name, order.message_ids[0].body, "the chatter says 1C changed the lines")
