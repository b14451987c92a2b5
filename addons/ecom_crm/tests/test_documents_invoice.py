"""Invoice for payment («Счёт на оплату»): rendered as HTML and read back row by row (test_documents
prints it once to PDF with wkhtmltopdf); its payment QR code by ГОСТ Р 56042-2014."""
import base64
import io

from lxml import html
from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests import BaseCase, Form, new_test_user, tagged
from odoo.tools.parse_version import parse_version

from ..tools import ru_requisites
from .common import EcomCrmCase, load_migration
from .test_documents import CUSTOMER_INN, CUSTOMER_KPP, document_parties
from .test_ru_requisites import ORG_INN, ORG_KPP, TRADER_INN, TRADER_OGRNIP

STORE = "ООО «Детский мир у дома»"
BANK_QR = ("Name=ООО «Детский мир у дома»|PersonalAcc=40702810938000000001|BankName=ПАО Сбербанк|BIC=044525225|"
           "CorrespAcc=30101810400000000225")

QR_BORDER = 4  # the modules of white around the code


def expected_modules(payload):
    """The dark (True) and light modules of ``payload``'s QR code, level M, as reportlab encodes it: one
    segment in byte mode of its UTF-8 bytes, what «ST00012» announces (reportlab picks a mode by the text:
    Kanji, Shift JIS, for a text all of Japanese characters, which Cyrillic letters are in Shift JIS)."""
    widget = QrCodeWidget(payload, barLevel="M")
    [segment] = widget.qr.dataList
    assert (segment.mode, segment.data) == (0b0100, payload.encode("utf-8")), (segment.mode, segment.data)
    widget.qr.make()
    return [[bool(module) for module in row] for row in widget.qr.modules]


def qr_modules(data_uri, count):
    """The modules an image of a QR code of ``count`` × ``count`` modules shows, read at each module's
    centre (the edges are anti-aliased, and differ from one rendering to the next): a reader's view."""
    image = Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))).convert("L")
    box = image.size[0] / (count + 2 * QR_BORDER)
    return [[image.getpixel((int((QR_BORDER + column + 0.5) * box), int((QR_BORDER + row + 0.5) * box))) < 128
             for column in range(count)] for row in range(count)]


@tagged("post_install", "-at_install", "ecom_crm")
class TestPaymentQrPayload(BaseCase):
    """The QR code's text, plain Python."""

    def test_fields_in_the_standards_order(self):
        self.assertEqual(
            ru_requisites.payment_qr_payload(KPP="773601001", PayeeINN="7707083893", Purpose="Оплата", Sum=150,
                                             Name="ООО «Ромашка»", PersonalAcc="40702810938000000001",
                                             BankName="ПАО Сбербанк", BIC="044525225", CorrespAcc=""),
            "ST00012|Name=ООО «Ромашка»|PersonalAcc=40702810938000000001|BankName=ПАО Сбербанк|BIC=044525225|"
            "CorrespAcc=0|Sum=150|Purpose=Оплата|PayeeINN=7707083893|KPP=773601001")

    def test_values_never_hold_the_separator(self):
        """A «|» in a value would cut it in two in the bank's app, a line break end it: «/» and a space."""
        payload = ru_requisites.payment_qr_payload(
            Name="ООО «Дом | Сад»\r\nфилиал", PersonalAcc="40702810938000000001", BankName="Банк\t«Точка»",
            BIC="044525225", Purpose="Оплата по счёту № S-1|2 от 02.12.2026", KPP="")
        self.assertEqual(payload, "ST00012|Name=ООО «Дом / Сад» филиал|PersonalAcc=40702810938000000001|"
                                  "BankName=Банк «Точка»|BIC=044525225|CorrespAcc=0|"
                                  "Purpose=Оплата по счёту № S-1/2 от 02.12.2026")
        self.assertEqual(len(payload.split("|")), 7)

    def test_lengths_and_mandatory_fields(self):
        payload = ru_requisites.payment_qr_payload(
            Name="Я" * 200, PersonalAcc="40702810938000000001", BankName="Б" * 50, BIC="044525225",
            Purpose="П" * 300)
        fields = dict(part.split("=", 1) for part in payload.split("|")[1:])
        self.assertEqual((len(fields["Name"]), len(fields["BankName"]), len(fields["Purpose"])), (160, 45, 210))
        with self.assertRaisesRegex(ValueError, "BIC"):
            ru_requisites.payment_qr_payload(Name="ООО", PersonalAcc="40702810938000000001", BankName="Банк", BIC="")
        with self.assertRaisesRegex(ValueError, "Comment"):
            ru_requisites.payment_qr_payload(Name="ООО", PersonalAcc="1", BankName="Банк", BIC="1", Comment="x")


@tagged("post_install", "-at_install", "ecom_crm")
class TestInvoiceForPayment(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer, cls.stroller, cls.car_seat = document_parties(cls.env)
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "user_id": cls.salesman.id,
            "date_order": "2026-12-02 10:00:00", "validity_date": "2026-12-09",
            "order_line": [
                Command.create({"product_id": cls.stroller.id, "product_uom_qty": 1, "tax_id": [Command.clear()]}),
                Command.create({"product_id": cls.car_seat.id, "product_uom_qty": 2, "tax_id": [Command.clear()]}),
            ],
        })

    def render(self, record, user=None, kind="invoice"):
        """The invoice's text as the salesman prints it (Print menu); its table rows in self.rows."""
        report = self.env.ref(f"ecom_crm.action_report_{kind}_{record._table}")
        content, report_type = self.env["ir.actions.report"].with_user(user or self.salesman)._render_qweb_html(
            report, record.ids)
        self.assertEqual(report_type, "html")
        return self.read_html(content)

    def read_html(self, content):
        tree = html.fromstring(content)
        for element in tree.xpath("//style|//script|//head"):
            element.drop_tree()
        for br in tree.iter("br"):
            br.tail = " " + (br.tail or "")
        self.images = tree.xpath("//img/@src")
        self.rows = [" ".join(" ".join(cell.text_content() for cell in row).split()) for row in tree.iter("tr")]
        return " ".join(tree.text_content().split())

    def assert_row(self, row):
        self.assertIn(row, self.rows)

    def values(self, record=None):
        return (record or self.order).with_user(self.salesman)._ecom_document_values("invoice")

    def test_invoice_of_a_quotation(self):
        name = self.order.name
        text = self.render(self.order)
        # the bank block: the bank, its БИК and к/с; the store's ИНН, КПП, р/с and name
        for row in ("ПАО Сбербанк БИК 044525225", "Банк получателя Сч. № 30101810400000000225",
                    f"ИНН {ORG_INN} КПП {ORG_KPP} Сч. № 40702810938000000001", STORE, "Получатель"):
            self.assert_row(row)
        self.assertIn(f"Счёт на оплату № {name} от 2 декабря 2026 г.", text)
        self.assert_row(f"Поставщик (Исполнитель): {STORE}, ИНН {ORG_INN}, КПП {ORG_KPP}, 101000, Москва, "
                        "ул. Мясницкая, д. 1")
        self.assert_row(f"Покупатель (Заказчик): ООО «Яндекс», ИНН {CUSTOMER_INN}, КПП {CUSTOMER_KPP}, 119021, "
                        "Москва, ул. Льва Толстого, д. 16")
        self.assert_row("№ Товары (работы, услуги) Кол-во Ед. Цена Сумма")
        self.assert_row("1 Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assert_row("2 Автокресло Britax Römer 2 шт 24 500,50 49 001,00")
        self.assertNotIn("CYB-PRIAM", text)  # no article column: the standard form's six
        for row in ("Итого: 138 991,00", "Без налога (НДС) -", "Всего к оплате: 138 991,00"):
            self.assert_row(row)
        self.assertIn("Всего наименований 2, на сумму 138 991,00 руб. "
                      "Сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек", text)
        self.assertIn("Оплатить не позднее 9 декабря 2026 г.", text)  # the quotation's validity
        self.assert_row("Руководитель _______________ / Иванов И. И. / Бухгалтер _______________ / _______________ /")
        self.assertIn("Оплата по QR-коду", text)

    def test_date_stays_the_quotations_after_confirmation(self):
        """Confirming sets the order's date to that day: the invoice printed again after it keeps its
        number and the quotation's date (its QR code's purpose and its due date with it), also when the
        order goes back to a quotation and is confirmed again. 1C's orders keep 1C's date."""
        self.order.payment_term_id = self.env.ref("account.account_payment_term_immediate")
        before = self.render(self.order)
        payload = self.values()["qr_payload"]
        self.order.action_confirm()
        self.assertNotEqual(self.order.date_order.date().isoformat(), "2026-12-02")
        for _round in range(2):
            text = self.render(self.order)
            self.assertIn(f"Счёт на оплату № {self.order.name} от 2 декабря 2026 г.", text)
            self.assertIn("Оплатить не позднее 2 декабря 2026 г.", text)
            self.assertEqual(text, before)
            self.assertEqual(self.values()["qr_payload"], payload)
            self.order._action_cancel()
            self.order.action_draft()
            self.order.action_confirm()
        # a copy is a new quotation: its own date
        copy = self.order.copy({"date_order": "2026-12-05 10:00:00"})
        self.assertIn(f"Счёт на оплату № {copy.name} от 5 декабря 2026 г.", self.render(copy))

    def test_a_quotation_dated_again_by_hand_takes_its_new_date(self):
        """Back to a quotation after a cancellation, the salesperson dates it again to send it anew: its
        invoice takes that date and its due date, not the ones kept at the first confirmation (an invoice
        due a month ago). Back to a quotation and confirmed again without a new date: the first one kept."""
        self.order.payment_term_id = self.env.ref("account.account_payment_term_immediate")
        self.order.action_confirm()
        self.order._action_cancel()
        self.order.action_draft()
        self.order.date_order = self.order.date_order  # saved as it is: nothing dated again
        self.assertIn(f"Счёт на оплату № {self.order.name} от 2 декабря 2026 г.", self.render(self.order))
        self.order.date_order = "2027-01-11 09:00:00"
        text = self.render(self.order)
        self.assertIn(f"Счёт на оплату № {self.order.name} от 11 января 2027 г.", text)
        self.assertIn("Оплатить не позднее 11 января 2027 г.", text)
        self.order.action_confirm()
        self.assertEqual(str(self.order.ecom_quotation_date), "2027-01-11")
        self.assertIn(f"Счёт на оплату № {self.order.name} от 11 января 2027 г.", self.render(self.order))

    def test_quotation_date_of_the_stores_day_when_nobody_confirms(self):
        """A quotation paid on the site is confirmed by the payment (the public user, the superuser: no time
        zone), one made in 1C by the exchange: its date is the store's day, as its salesperson printed it. A
        quotation made at 01:30 in Moscow, 3 December, was dated 2 December (UTC's) after such a
        confirmation. Several orders confirmed at once keep each its own date."""
        self.env.company.partner_id.tz = "Europe/Moscow"
        self.salesman.tz = "Europe/Moscow"
        self.order.date_order = "2026-12-02 22:30:00"
        other = self.order.copy({"date_order": "2026-12-01 10:00:00"})
        self.assertIn(f"Счёт на оплату № {self.order.name} от 3 декабря 2026 г.", self.render(self.order))
        self.assertIn(f"Счёт на оплату № {self.order.name} от 3 декабря 2026 г.",
                      self.render(self.order, user=self.sales_manager), "a user without a zone: the store's day")
        nobody = self.order.with_context(tz=False) | other.with_context(tz=False)
        self.assertFalse(nobody.env.user.tz)
        nobody.action_confirm()
        self.assertEqual([str(date) for date in nobody.mapped("ecom_quotation_date")], ["2026-12-03", "2026-12-01"])
        self.assertIn(f"Счёт на оплату № {self.order.name} от 3 декабря 2026 г.", self.render(self.order))
        # a cancelled order is not confirmed (sale refuses it): no quotation's date is made up for it
        cancelled = other.copy()
        cancelled._action_cancel()
        with self.assertRaises(UserError):
            cancelled.action_confirm()
        self.assertFalse(cancelled.ecom_quotation_date)

    def test_basis_the_order_or_the_contract(self):
        """«Основание»: the order with its date (the quotation's), the customer's own reference with it,
        or the contract the order is under when it names one."""
        self.order.action_confirm()
        self.render(self.order)
        self.assert_row(f"Основание: Заказ № {self.order.name} от 02.12.2026")
        self.order.client_order_ref = "ЗК-77"
        self.render(self.order)
        self.assert_row(f"Основание: Заказ № {self.order.name} от 02.12.2026 (заказ покупателя № ЗК-77)")
        with Form(self.order.with_user(self.salesman)) as form:  # its salesperson types it on the order
            form.ecom_contract_number = "15/2026"
            form.ecom_contract_date = "2026-01-20"
        self.render(self.order)
        self.assert_row("Основание: Договор № 15/2026 от 20.01.2026")
        self.assertFalse([row for row in self.rows if "Заказ №" in row], self.rows)
        self.order.ecom_contract_date = False
        self.render(self.order)
        self.assert_row("Основание: Договор № 15/2026")
        # a request prints its quotation's; a repeat order is under the same contract
        lead = self._lead(partner_id=self.customer.id)
        self.order.opportunity_id = lead
        self.render(lead)
        self.assert_row("Основание: Договор № 15/2026")
        self.assertEqual(self.order.copy().ecom_contract_number, "15/2026")

    def test_supply_contract_of_the_orders_contract(self):
        """The supply contract printed of an order under a contract (the one its invoice's «Основание» names,
        signed already) is the specification to that contract: numbered and dated as the order, naming the
        contract with its date when typed; not a contract of that number restating its date, its sum and its
        terms with this order's. Without a contract, the order's contract with its specification, as before.
        The offer and the invoice keep the order's number; the contract's number is printed as typed."""
        self.order.action_confirm()  # the order's date now the confirmation's: the quotation's printed
        name = self.order.name
        text = self.render(self.order, kind="contract")
        self.assertIn(f"ДОГОВОР ПОСТАВКИ № {name}", text)
        self.assert_row("г. Москва 2 декабря 2026 г.")
        self.assertIn(f"Приложение № 1 к договору поставки № {name} от 2 декабря 2026 г.", text)
        self.order.write({"ecom_contract_number": "15/2026", "ecom_contract_date": "2026-01-20"})
        text = self.render(self.order, kind="contract")
        self.assertIn(f"Приложение к договору поставки № 15/2026 от 20 января 2026 г. СПЕЦИФИКАЦИЯ № {name}", text)
        self.assert_row("г. Москва 2 декабря 2026 г.")
        self.assertIn("с другой стороны, согласовали поставку по договору поставки № 15/2026 от 20 января 2026 г. "
                      "следующего товара.", text)
        self.assertIn("Порядок оплаты и поставки товара — в соответствии с договором.", text)
        self.assert_row("Всего к оплате: 138 991,00")
        self.assertIn("Поставщик: ООО «Детский мир у дома»", text)
        self.assertNotIn("ДОГОВОР ПОСТАВКИ", text)
        self.assertNotIn("Предмет договора", text)
        self.assertNotIn("банковских дней с даты подписания договора", text)
        self.assertIn("Основание: Договор № 15/2026 от 20.01.2026", self.render(self.order))
        self.assertIn(f"Счёт на оплату № {name} от 2 декабря 2026 г.", self.render(self.order))
        self.assertIn(f"Коммерческое предложение № {name}", self.render(self.order, kind="offer"))
        # no date typed: none made up for the contract
        self.order.write({"ecom_contract_number": "15/2026-<b>П</b>", "ecom_contract_date": False})
        report = self.env.ref("ecom_crm.action_report_contract_sale_order")
        content, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_html(
            report, self.order.ids)
        self.assertIn("№ 15/2026-&lt;b&gt;П&lt;/b&gt;".encode(), content, "escaped, not markup")
        text = self.read_html(content)
        self.assertIn(f"Приложение к договору поставки № 15/2026-<b>П</b> СПЕЦИФИКАЦИЯ № {name}", text)
        self.assertIn("по договору поставки № 15/2026-<b>П</b> следующего товара.", text)
        self.assert_row("г. Москва 2 декабря 2026 г.")
        # a request prints its quotation's
        self.order.opportunity_id = self._lead(partner_id=self.customer.id)
        self.assertIn("СПЕЦИФИКАЦИЯ № " + name, self.render(self.order.opportunity_id, kind="contract"))

    def test_contract_words_agree_with_each_party(self):
        """The contract and the specification agree «действующий», «именуемый», «гражданин» with each party:
        the store's director and the customer's signatory (a woman: «действующей»; a surname with initials,
        Иванова's or Иванов's: «действующего», agreeing with the position), a sole trader, a person; both
        forms only where the name tells no gender."""
        self.env.company.partner_id.ecom_signatory_name = "Смирнова Ольга Николаевна"
        self.customer.ecom_signatory_name = "Иванова И. И."
        store = ("ООО «Детский мир у дома», именуемое в дальнейшем «Поставщик», в лице Генерального директора "
                 "Смирновой Ольги Николаевны, действующей на основании Устава, с одной стороны, и ООО «Яндекс», "
                 "именуемое в дальнейшем «Покупатель», в лице Директора по закупкам Иванова И. И., действующего "
                 "на основании доверенности № 12 от 01.02.2026, с другой стороны")
        self.assertIn(store + ", вместе именуемые «Стороны»", self.render(self.order, kind="contract"))
        self.order.ecom_contract_number = "15/2026"  # the specification to a contract: the same words
        self.assertIn(store + ", согласовали поставку", self.render(self.order, kind="contract"))
        person = self.env["res.partner"].create({"name": "Кузьмина Саша Кузьминична", "country_id": self.env.ref(
            "base.ru").id})
        self.order.partner_id = person
        self.assertIn("с одной стороны, и гражданка Кузьмина Саша Кузьминична, именуемая в дальнейшем «Покупатель», "
                      "с другой стороны", self.render(self.order, kind="contract"))
        person.write({"name": "Ким Саша", "ecom_gender": False})
        self.assertIn("с одной стороны, и гражданин(ка) Ким Саша, именуемый(ая) в дальнейшем «Покупатель»",
                      self.render(self.order, kind="contract"))
        person.write({"name": "ИП Черных Евгения", "vat": TRADER_INN, "company_registry": TRADER_OGRNIP})
        text = self.render(self.order, kind="contract")
        self.assertIn("с одной стороны, и Индивидуальный предприниматель Черных Евгения, действующая на основании "
                      f"записи в ЕГРИП (ОГРНИП {TRADER_OGRNIP}), именуемая в дальнейшем «Покупатель»", text)

    def test_the_banks_town(self):
        """«ПАО Сбербанк г. Москва» as 1C prints it; a town typed with its kind («г. Москва», «пос.
        Развилка», «пгт Селятино») keeps it, not «г. г. Москва»."""
        bank = self.env.company.partner_id.bank_ids.bank_id
        for city, row in (("Москва", "ПАО Сбербанк г. Москва БИК 044525225"),
                          ("г. Москва", "ПАО Сбербанк г. Москва БИК 044525225"),
                          ("пос. Развилка", "ПАО Сбербанк пос. Развилка БИК 044525225"),
                          ("пгт Селятино", "ПАО Сбербанк пгт Селятино БИК 044525225")):
            with self.subTest(city=city):
                bank.city = city
                self.render(self.order)
                self.assert_row(row)

    def test_qr_code_of_a_known_order(self):
        """The payment QR code: the store's account, the sum in kopecks, the purpose the accountant finds
        the order by with the VAT stated (the Bank of Russia's rules); the image encodes exactly it."""
        self.order.name = "S00042"
        self.render(self.order)
        payload = (f"ST00012|{BANK_QR}|Sum=13899100|Purpose=Оплата по счёту № S00042 от 02.12.2026. Без налога "
                   f"(НДС)|PayeeINN={ORG_INN}|KPP={ORG_KPP}")
        self.assertEqual(self.values()["qr_payload"], payload)
        self.assertEqual(len(self.images), 1)
        modules = expected_modules(payload)
        self.assertEqual(qr_modules(self.images[0], len(modules)), modules)
        # a «|» in the order's number (one typed in 1C) stays inside the purpose
        self.order.name = "S|42"
        self.assertIn("|Purpose=Оплата по счёту № S/42 от 02.12.2026. Без налога (НДС)|",
                      self.values()["qr_payload"])

    def test_vat_on_top_and_included(self):
        vat = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "amount_type": "percent",
                                              "type_tax_use": "sale"})
        self.order.order_line[1].write({"tax_id": [Command.set(vat.ids)], "product_uom_qty": 3})
        text = self.render(self.order)
        self.assert_row("2 Автокресло Britax Römer 3 шт 24 500,50 73 501,50")
        for row in ("Итого: 163 491,50", "Сумма НДС 20%: 14 700,30", "Всего к оплате: 178 191,80"):
            self.assert_row(row)
        self.assertIn("на сумму 178 191,80 руб. Сто семьдесят восемь тысяч сто девяносто один рубль 80 копеек", text)
        self.assertIn("|Sum=17819180|Purpose=Оплата по счёту № "
                      f"{self.order.name} от 02.12.2026. В т.ч. НДС (20%) 14 700,30 руб.|", self.values()["qr_payload"])
        # a Russian store's prices with VAT: the rows with it, «в том числе»; a discount has its column
        included = self.env["account.tax"].create({"name": "НДС 20% (в цене)", "amount": 20, "amount_type": "percent",
                                                   "type_tax_use": "sale", "price_include_override": "tax_included"})
        self.order.order_line[1].write({"tax_id": [Command.set(included.ids)], "product_uom_qty": 2, "discount": 10})
        self.render(self.order)
        self.assert_row("№ Товары (работы, услуги) Кол-во Ед. Цена Скидка, % Сумма")
        self.assert_row("2 Автокресло Britax Römer 2 шт 24 500,50 10 44 100,90")
        for row in ("Итого: 134 090,90", "В том числе НДС 20%: 7 350,15", "Всего к оплате: 134 090,90"):
            self.assert_row(row)
        self.assertIn("В т.ч. НДС (20%) 7 350,15 руб.", self.values()["qr_payload"])

    def vat(self, amount, included=True):
        return self.env["account.tax"].create({
            "name": f"НДС {amount}%", "amount": amount, "amount_type": "percent", "type_tax_use": "sale",
            **({"price_include_override": "tax_included"} if included else {})})

    def test_vat_line_per_rate(self):
        """Lines at 20% and 10% (children's goods), 0% and without VAT: one VAT line per rate, as an
        accountant books them, the amount of the lines without VAT under the «Итого» it is part of, as the
        offer and the contract state it; the purpose states each rate."""
        rattle = self.env["product.product"].create({"name": "Погремушка", "list_price": 500})
        book = self.env["product.product"].create({"name": "Книжка", "list_price": 1000})
        self.order.order_line[0].tax_id = self.vat(20)
        self.order.order_line[1].tax_id = self.vat(10)
        self.order.write({"order_line": [
            Command.create({"product_id": rattle.id, "product_uom_qty": 1, "tax_id": [Command.set(self.vat(0).ids)]}),
            Command.create({"product_id": book.id, "product_uom_qty": 1, "tax_id": [Command.clear()]}),
        ]})
        self.assertAlmostEqual(self.order.amount_tax, 14998.33 + 4454.64)
        self.render(self.order)
        totals = self.rows[next(i for i, row in enumerate(self.rows) if row.startswith("Итого")):]
        self.assertEqual(totals[:6], ["Итого: 140 491,00", "В том числе не облагается НДС: 1 000,00",
                                      "В том числе НДС 20%: 14 998,33", "В том числе НДС 10%: 4 454,64",
                                      "В том числе НДС 0%: 0,00", "Всего к оплате: 140 491,00"])
        self.assertNotIn("Без налога", " ".join(self.rows))
        self.assertFalse([row for row in self.rows if "10%, 20%" in row], self.rows)
        self.assertIn(". В т.ч. НДС (20%) 14 998,33 руб., НДС (10%) 4 454,64 руб., НДС (0%) 0,00 руб.|",
                      self.values()["qr_payload"])

    def test_offer_and_contract_vat_per_rate(self):
        """The commercial offer and the supply contract of an order at 20% and 10% (children's goods) state
        the VAT of each rate, as the invoice does (one sum for «10%, 20%» cannot be booked): the same
        amounts, adding up to the order's tax; a request's product of interest its own rate."""
        vat10 = self.vat(10)
        self.order.order_line[0].tax_id = self.vat(20)
        self.order.order_line[1].tax_id = vat10
        self.assertAlmostEqual(self.order.amount_tax, 14998.33 + 4454.64)
        for kind in ("offer", "contract"):
            with self.subTest(kind=kind):
                text = self.render(self.order, kind=kind)
                for row in ("Итого: 138 991,00", "В том числе НДС 20%: 14 998,33", "В том числе НДС 10%: 4 454,64",
                            "Всего к оплате: 138 991,00"):
                    self.assert_row(row)
                self.assertNotIn("10%, 20%", text)
        self.assertIn("(Сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек), в том числе НДС (20%) "
                      "14 998,33 руб., НДС (10%) 4 454,64 руб.", text)
        # VAT on top of the prices: «НДС 20%», «НДС 10%» added to the total without it
        for line, rate in zip(self.order.order_line, (20, 10), strict=True):
            line.tax_id = self.env["account.tax"].create({"name": f"НДС {rate}% сверху", "amount": rate,
                                                          "amount_type": "percent", "type_tax_use": "sale"})
        self.render(self.order, kind="offer")
        for row in ("Итого без НДС: 138 991,00", "НДС 20%: 17 998,00", "НДС 10%: 4 900,10",
                    "Всего к оплате: 161 889,10"):
            self.assert_row(row)
        # a request without a quotation: its product of interest at its rate
        self.car_seat.taxes_id = vat10
        lead = self.env["crm.lead"].create({"name": "Автокресло", "type": "opportunity", "partner_id": self.customer.id,
                                            "user_id": self.salesman.id, "ecom_product_id": self.car_seat.id})
        self.render(lead, kind="offer")
        for row in ("Итого: 24 500,50", "В том числе НДС 10%: 2 227,32", "Всего к оплате: 24 500,50"):
            self.assert_row(row)

    def test_vat_per_rate_adds_up_to_the_orders_tax(self):
        """Rounded globally, the lines' VAT (2,01 × 3 + 1,01 × 3 = 9,06) is not the order's (6,02 + 3,02 =
        9,04): the rates' amounts are the order's, so that they add up to what the customer pays."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        vat20, vat10 = self.vat(20, included=False), self.vat(10, included=False)
        self.order.order_line = [Command.clear()] + [
            Command.create({"product_id": self.stroller.id, "price_unit": 10.03, "tax_id": [Command.set(vat20.ids)]})
            for _i in range(3)] + [
            Command.create({"product_id": self.car_seat.id, "price_unit": 10.05, "tax_id": [Command.set(vat10.ids)]})
            for _i in range(3)]
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (60.24, 9.04, 69.28))
        self.render(self.order)
        for row in ("Итого: 60,24", "Сумма НДС 20%: 6,02", "Сумма НДС 10%: 3,02", "Всего к оплате: 69,28"):
            self.assert_row(row)

    def test_vat_at_zero_is_not_without_vat(self):
        """0% (an export) is a VAT rate the invoice states, not «Без налога (НДС)» (goods exempt from it)."""
        self.order.order_line.tax_id = self.vat(0, included=False)
        text = self.render(self.order)
        self.assert_row("Сумма НДС 0%: 0,00")
        self.assertNotIn("Без налога", text)
        self.assertIn(". В т.ч. НДС (0%) 0,00 руб.|", self.values()["qr_payload"])

    def test_sections_notes_and_lines_taken_back_are_not_printed(self):
        self.order.write({"order_line": [
            Command.create({"display_type": "line_section", "name": "Коляски", "sequence": 0}),
            Command.create({"display_type": "line_note", "name": "Доставка за наш счёт", "sequence": 99}),
        ]})
        self.order.order_line.filtered(lambda line: line.product_id == self.car_seat).product_uom_qty = 0
        text = self.render(self.order)
        self.assertNotIn("Britax", text)
        self.assertNotIn("Коляски", text)
        self.assertNotIn("Доставка за наш счёт", text)
        self.assert_row("1 Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assertIn("Всего наименований 1, на сумму 89 990,00 руб.", text)
        self.assertIn("|Sum=8999000|", self.values()["qr_payload"])

    def test_another_currency_in_words_and_no_qr_code(self):
        """A bank's app pays roubles: an invoice in dollars has its amount in dollars, no QR code."""
        usd = self.env.ref("base.USD")
        usd.active = True
        self.order.pricelist_id = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        self.assertEqual(self.order.currency_id, usd)
        text = self.render(self.order)
        self.assertIn("Всего наименований 2, на сумму 138 991,00 $ "
                      "Сто тридцать восемь тысяч девятьсот девяносто один доллар США 00 центов", text)
        self.assertNotIn("Оплата по QR-коду", text)
        self.assertEqual(self.images, [])
        self.assertEqual(self.values()["qr_payload"], "")

    def test_payment_term_line(self):
        Term = self.env["account.payment.term"]
        net30 = Term.create({"name": "30 дней", "line_ids": [
            Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})]})
        self.order.payment_term_id = net30
        self.assertIn("Оплатить не позднее 1 января 2027 г.", self.render(self.order))  # not the validity
        self.order.payment_term_id = self.env.ref("account.account_payment_term_immediate")
        self.assertIn("Оплатить не позднее 2 декабря 2026 г.", self.render(self.order))
        parts = Term.create({"name": "30% сразу, 70% через 30 дней", "line_ids": [
            Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
            Command.create({"value": "percent", "value_amount": 70, "nb_days": 30})]})
        self.order.payment_term_id = parts
        text = self.render(self.order)
        self.assertIn("Условия оплаты: 30% сразу, 70% через 30 дней", text)
        self.assertNotIn("Оплатить не позднее", text)
        # a confirmed order without terms: its quotation's validity is no deadline any more
        self.order.payment_term_id = False
        self.order.action_confirm()
        text = self.render(self.order)
        self.assertNotIn("Оплатить не позднее", text)
        self.assertNotIn("Условия оплаты", text)

    def test_the_chief_accountant_signs_as_the_accountant(self):
        """The company's chief accountant, typed in the company's requisites, is printed under the
        accountant's signature line, shortened as the signatory is."""
        self.env.company.ecom_accountant_name = "Петрова Анна Сергеевна"
        self.render(self.order)
        self.assert_row("Руководитель _______________ / Иванов И. И. / Бухгалтер _______________ / Петрова А. С. /")

    def test_upgrade_adds_the_chief_accountant(self):
        """A store on 18.0.1.5.6 has no column for the chief accountant: the upgrade (the version says
        the schema changed) adds it, and the invoice prints it."""
        self.assertGreaterEqual(parse_version(self.env["ir.module.module"].get_module_info("ecom_crm")["version"]),
                                parse_version("18.0.1.5.7"))
        migration = load_migration("18.0.1.5.7")
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE res_partner DROP COLUMN ecom_accountant_name")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.5.6")
        self.env.invalidate_all()
        self.env.company.ecom_accountant_name = "Петрова Анна Сергеевна"
        self.render(self.order)
        self.assert_row("Руководитель _______________ / Иванов И. И. / Бухгалтер _______________ / Петрова А. С. /")

    def test_upgrade_adds_the_quotation_date_and_the_contract(self):
        """A store on 18.0.1.5.7 has no columns for the quotation's date and the contract: the upgrade
        (18.0.1.5.9) adds them; an order confirmed before keeps printing its order's date."""
        self.assertGreaterEqual(parse_version(self.env["ir.module.module"].get_module_info("ecom_crm")["version"]),
                                parse_version("18.0.1.5.9"))
        migration = load_migration("18.0.1.5.9")
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE sale_order DROP COLUMN ecom_quotation_date, DROP COLUMN ecom_contract_number,"
                            " DROP COLUMN ecom_contract_date")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.5.7")
        self.env.invalidate_all()
        self.assertFalse(self.order.ecom_quotation_date)
        self.order.date_order = "2026-12-04 10:00:00"  # as confirmed before the upgrade
        self.render(self.order)
        self.assert_row(f"Основание: Заказ № {self.order.name} от 04.12.2026")
        self.order.ecom_contract_number = "15/2026"
        self.render(self.order)
        self.assert_row("Основание: Договор № 15/2026")

    def test_upgrade_dates_the_orders_confirmed_before_by_their_creation(self):
        """Orders confirmed before 18.0.1.5.9 kept no quotation's date: their invoice printed the day they were
        confirmed. 18.0.1.6.0 dates those confirmed a day after they were made by their creation, in the time
        zone the invoice printed its date in (the salesperson's, else the store's); it leaves the others
        alone: an order confirmed the day it was quoted, one whose quotation's date was kept, one an import
        dated before its creation, a quotation, a cancelled order. Run again, it changes nothing."""
        self.env.company.partner_id.tz = "Europe/Moscow"
        self.salesman.tz = False
        novosibirsk = new_test_user(self.env, login="ecom_doc_nsk", groups="sales_team.group_sale_salesman",
                                    tz="Asia/Novosibirsk")
        nowhere = new_test_user(self.env, login="ecom_doc_nowhere", groups="sales_team.group_sale_salesman")
        orders = {}
        # (created, dated: the confirmation's, state, quotation's date, salesperson), in UTC
        for key, created, dated, state, kept, user in (
                ("store", "2026-11-27 21:30:00", "2026-12-04 10:00:00", "sale", None, self.salesman),
                ("salesperson", "2026-11-27 18:30:00", "2026-12-04 10:00:00", "sale", None, novosibirsk),
                ("no zone", "2026-11-27 22:00:00", "2026-12-04 10:00:00", "sale", None, nowhere),
                ("same day", "2026-12-04 06:00:00", "2026-12-04 10:00:00", "sale", None, self.salesman),
                ("kept", "2026-11-20 10:00:00", "2026-12-04 10:00:00", "sale", "2026-12-01", self.salesman),
                ("imported", "2026-12-05 10:00:00", "2026-11-15 10:00:00", "sale", None, self.salesman),
                ("quotation", "2026-11-20 10:00:00", "2026-12-04 10:00:00", "draft", None, self.salesman),
                ("cancelled", "2026-11-20 10:00:00", "2026-12-04 10:00:00", "cancel", None, self.salesman)):
            order = orders[key] = self.order.copy({"user_id": user.id})
            self.env.flush_all()
            self.env.cr.execute("UPDATE sale_order SET create_date = %s, date_order = %s, state = %s, "
                                "ecom_quotation_date = %s WHERE id = %s", [created, dated, state, kept, order.id])
        # a time zone PostgreSQL does not know (Odoo's list is pytz's) is no zone: the store's
        self.env.cr.execute("UPDATE res_partner SET tz = 'Mars/Olympus_Mons' WHERE id = %s", [nowhere.partner_id.id])
        self.env.invalidate_all()
        self.assertIn(f"Счёт на оплату № {orders['store'].name} от 4 декабря 2026 г.",
                      self.render(orders["store"], user=self.sales_manager), "before: the confirmation's day")
        migration = load_script("ecom_crm/migrations/18.0.1.6.0/post-migrate.py",
                                "ecom_crm_post_migrate_18_0_1_6_0")
        self.assertEqual(migration.date_confirmed_orders_by_their_creation(self.env.cr), 3)
        migration.migrate(self.env.cr, "18.0.1.5.9")  # again: nothing left to date
        self.assertEqual(migration.date_confirmed_orders_by_their_creation(self.env.cr), 0)
        self.env.invalidate_all()
        dates = {key: order.ecom_quotation_date and str(order.ecom_quotation_date) for key, order in orders.items()}
        self.assertEqual(dates, {
            "store": "2026-11-28",  # 00:30 in Moscow (27 November in UTC)
            "salesperson": "2026-11-28",  # 01:30 in Novosibirsk, 21:30 in Moscow
            "no zone": "2026-11-28",  # a zone PostgreSQL does not know: the store's, 01:00 in Moscow
            "same day": False, "kept": "2026-12-01", "imported": False, "quotation": False, "cancelled": False})
        self.salesman.tz = "Europe/Moscow"
        orders["store"].payment_term_id = self.env.ref("account.account_payment_term_immediate")
        text = self.render(orders["store"])
        self.assertIn(f"Счёт на оплату № {orders['store'].name} от 28 ноября 2026 г.", text)
        self.assertIn("Оплатить не позднее 28 ноября 2026 г.", text)
        self.assert_row(f"Основание: Заказ № {orders['store'].name} от 28.11.2026")
        self.assertIn(f"Оплата по счёту № {orders['store'].name} от 28.11.2026.",
                      self.values(orders["store"])["qr_payload"])
        self.assertIn(f"Счёт на оплату № {orders['same day'].name} от 4 декабря 2026 г.",
                      self.render(orders["same day"]))

    def test_a_sole_trader_signs_alone(self):
        self.env.company.name = "ИП Петров Пётр Петрович"
        self.env.company.partner_id.write({"vat": TRADER_INN, "company_registry": TRADER_OGRNIP, "ecom_kpp": False,
                                           "ecom_signatory_name": False})
        text = self.render(self.order)
        self.assert_row("Индивидуальный предприниматель _______________ / Петров П. П. /")
        self.assertNotIn("Бухгалтер", text)
        payload = self.values()["qr_payload"]
        self.assertTrue(payload.startswith("ST00012|Name=ИП Петров Пётр Петрович|PersonalAcc="), payload)
        self.assertTrue(payload.endswith(f"|PayeeINN={TRADER_INN}"), payload)  # no КПП
        # the company named without the title: the payee is the sole trader, «ИП» and their name, as the bank has it
        self.env.company.name = "Петров Пётр Петрович"
        self.assertIn("|Name=ИП Петров Пётр Петрович|", self.values()["qr_payload"])
        # a trade name is no person's: the payee as typed, the signature a line to fill in
        self.env.company.name = "Цветочная лавка"
        self.assertIn("|Name=Цветочная лавка|", self.values()["qr_payload"])
        self.render(self.order)
        self.assert_row("Индивидуальный предприниматель _______________ / _______________ /")

    def test_missing_requisites_say_what_to_fill(self):
        """Never a PDF without the bank block: Print and Send say what to fill in, in the user's language."""
        company = self.env.company
        account = company.partner_id.bank_ids
        checks = [
            (lambda: company.write({"vat": False}), lambda: company.write({"vat": ORG_INN}),
             "has no INN: fill in its Tax ID"),
            (lambda: account.write({"bank_id": False}), lambda: None, "has no bank or its bank no BIC"),
            (lambda: account.unlink(), lambda: None, "has no bank account: add one"),
        ]
        for break_it, mend_it, message in checks:
            with self.subTest(message=message):
                break_it()
                with self.assertRaisesRegex(UserError, message):
                    self.render(self.order)
                with self.assertRaisesRegex(UserError, message):
                    self.order.with_user(self.salesman).action_ecom_send_invoice()
                mend_it()
        with self.assertRaisesRegex(UserError, "нет банковского счёта"):
            self.order.with_user(self.salesman).with_context(lang="ru_RU").action_ecom_send_invoice()
        # the other documents do not need the bank account
        self.assertEqual(self.order.with_user(self.salesman).action_ecom_send_offer()["res_model"],
                         "mail.compose.message")

    def test_an_order_without_products(self):
        """Each document printed from a quotation's Print menu says what to add, not a QWeb error dialog."""
        self.order.order_line.product_uom_qty = 0
        for kind in ("invoice", "offer", "contract"):
            with self.subTest(kind=kind), self.assertRaisesRegex(
                    UserError, f"The quotation {self.order.name} has no products"):
                self.render(self.order, kind=kind)

    def test_from_a_request_its_latest_quotation(self):
        lead = self._lead(partner_id=self.customer.id, ecom_product_id=self.stroller.id)
        with self.assertRaisesRegex(UserError, "has no quotation: an invoice for payment is made out for a "
                                               "quotation"):
            self.render(lead)
        with self.assertRaisesRegex(UserError, "has no quotation"):
            lead.with_user(self.salesman).action_ecom_send_invoice()
        self.order.opportunity_id = lead
        text = self.render(lead)
        self.assertIn(f"Счёт на оплату № {self.order.name} от 2 декабря 2026 г.", text)
        self.assert_row("2 Автокресло Britax Römer 2 шт 24 500,50 49 001,00")
        self.assertEqual(self.values(lead)["qr_payload"], self.values()["qr_payload"])
        action = lead.with_user(self.salesman).action_ecom_send_invoice()
        composer = Form(self.env["mail.compose.message"].with_user(self.salesman).with_context(**action["context"]))
        self.assertEqual(composer.subject, f"Счёт на оплату {self.order.name}")
        self.assertEqual(composer.save().partner_ids, self.customer)

    def test_salesman_prints_their_own_orders_invoice_only(self):
        self.assertIn(f"Счёт на оплату № {self.order.name}", self.render(self.order, user=self.salesman))
        other = new_test_user(self.env, login="ecom_salesman_2", groups="sales_team.group_sale_salesman",
                              name="Борис Другов", lang="en_US")
        with self.assertRaises(AccessError):
            self.render(self.order, user=other)

    def test_send_invoice_by_email(self):
        """«Send invoice for payment»: the composer in the customer's language (Russian), the invoice attached
        (tests render reports as HTML: test_documents checks the PDF)."""
        action = self.order.with_user(self.salesman).action_ecom_send_invoice()
        self.assertEqual(action["context"]["default_template_id"],
                         self.env.ref("ecom_crm.mail_template_invoice_sale_order").id)
        composer = Form(self.env["mail.compose.message"].with_user(self.salesman).with_context(**action["context"]))
        self.assertEqual(composer.subject, f"Счёт на оплату {self.order.name}")
        self.assertIn("Направляем вам счёт на оплату", composer.body)
        wizard = composer.save()
        self.assertEqual(wizard.partner_ids, self.customer)
        attachment = wizard.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertTrue(attachment.name.startswith(f"Счёт на оплату {self.order.name}."), attachment.name)
        self.assertIn(f"Счёт на оплату № {self.order.name} от 2 декабря 2026 г.", self.read_html(attachment.raw))
        wizard.action_send_mail()
        message = self.order.message_ids[0]
        self.assertEqual(message.partner_ids, self.customer)
        self.assertEqual(message.attachment_ids.mapped("name"), attachment.mapped("name"))
        self.assertEqual(message.attachment_ids.res_model, "sale.order")

