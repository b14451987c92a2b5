"""Commercial offer and supply contract: rendered to PDF by wkhtmltopdf, read back from the PDF's text."""
import collections
import glob
import html
import re
import subprocess
import tempfile

from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..models.ecom_document import vat_key
from .test_ru_requisites import ORG_INN, ORG_KPP, ORG_OGRN, TRADER_INN, TRADER_OGRNIP

CUSTOMER_INN, CUSTOMER_OGRN, CUSTOMER_KPP = "7736207543", "1027700229193", "770401001"  # ООО «Яндекс»


def pdf_lines(pdf):
    """The PDF's text as poppler's pdftotext lays it out: one line per printed line, a table's row on one line."""
    if pdf[:5] != b"%PDF-":
        raise AssertionError(f"not a PDF: {pdf[:60]!r}")
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def pdf_text(pdf):
    """The PDF's text with its whitespace collapsed: wrapped lines joined by one space."""
    return " ".join(pdf_lines(pdf))


def pdf_words(pdf):
    """The pages' width and their words as poppler places them: [(page, x_min, y_min, x_max, y_max, text)], in
    points; a word's height is its font's size (its ascent and descent), whatever its length."""
    document = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', document).group(1))
    words = [(page, float(x_min), float(y_min), float(x_max), float(y_max), html.unescape(text))
             for page, content in enumerate(document.split("<page ")[1:], start=1)
             for x_min, y_min, x_max, y_max, text in re.findall(
                 r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', content)]
    return width, words


def wrapped_pieces(words, value):
    """The pieces ``value`` is printed in, its cell's lines one under the other from where it starts (``words``
    of :func:`pdf_words`); none if it is not printed whole."""
    for page, x_min, y_min, _x_max, _y_max, text in words:
        if len(text) < 3 or not value.startswith(text):
            continue
        pieces = [text]
        for word in sorted((word for word in words if word[0] == page and abs(word[1] - x_min) < 1
                            and word[2] > y_min), key=lambda word: word[2]):
            if "".join(pieces) == value or not value.startswith("".join(pieces) + word[5]):
                break
            pieces.append(word[5])
        if "".join(pieces) == value:
            return pieces
    return []


def text_height(words):
    """The height of most words of a document: its body text's size."""
    return collections.Counter(round(word[4] - word[2], 2) for word in words).most_common(1)[0][0]


def pdf_qr_codes(pdf, dpi):
    """The QR codes zbar reads in the PDF's first page rasterised at ``dpi`` (a scan, a phone's photo of
    the printout): their texts, as UTF-8 (zbar reads the bytes as they are encoded: binary output)."""
    with tempfile.TemporaryDirectory() as folder:
        with open(f"{folder}/doc.pdf", "wb") as file:
            file.write(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", f"{folder}/doc.pdf",
                        f"{folder}/page"], check=True)
        [page] = glob.glob(f"{folder}/page*.png")
        result = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sbinary", "-Sqrcode.enable", page],
                                capture_output=True)
    # zbarimg: 0 read, 4 nothing found
    if result.returncode not in (0, 4):
        raise AssertionError(result.stderr.decode())
    return [result.stdout.decode().rstrip("\n")] if result.stdout else []


def printed_module_mm(pdf, box_size=8):
    """The width on paper of a module of the PDF's one image, a QR code of ``box_size`` pixels a module."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        listing = subprocess.run(["pdfimages", "-list", file.name], capture_output=True, check=True).stdout
    [image] = [line.split() for line in listing.decode().splitlines()[2:]]
    width, x_ppi = int(image[3]), int(image[12])
    return width / x_ppi * 25.4 / (width / box_size)


def document_parties(env):
    """What the documents print: the store's requisites and bank account at Сбербанк, a customer company
    (ООО «Яндекс», Russian-speaking) with its own at ВТБ, two products without VAT; returns (customer,
    stroller, car seat)."""
    russia = env.ref("base.ru")
    company = env.company
    company.write({
        "name": "ООО «Детский мир у дома»", "country_id": russia.id, "city": "Москва", "zip": "101000",
        "street": "ул. Мясницкая, д. 1", "vat": ORG_INN, "company_registry": ORG_OGRN, "ecom_kpp": ORG_KPP,
        "ecom_signatory_title": "Генерального директора", "ecom_signatory_name": "Иванова Ивана Ивановича",
        "ecom_signatory_basis": "Устава", "currency_id": env.ref("base.RUB").id,
    })
    Bank = env["res.bank"]
    sber = Bank.create({"name": "ПАО Сбербанк", "bic": "044525225", "ecom_corr_account": "30101810400000000225"})
    vtb = Bank.create({"name": "Банк ВТБ (ПАО)", "bic": "044525187", "ecom_corr_account": "30101810700000000187"})
    env["res.partner.bank"].create({"partner_id": company.partner_id.id, "bank_id": sber.id,
                                    "acc_number": "40702810938000000001"})
    customer = env["res.partner"].create({
        "name": "ООО «Яндекс»", "is_company": True, "country_id": russia.id, "city": "Москва",
        "street": "ул. Льва Толстого, д. 16", "zip": "119021", "email": "zakupki@example.ru",
        "vat": CUSTOMER_INN, "company_registry": CUSTOMER_OGRN, "ecom_kpp": CUSTOMER_KPP, "lang": "ru_RU",
        "ecom_signatory_title": "Директора по закупкам", "ecom_signatory_name": "Петрова Анна Сергеевна",
        "ecom_signatory_basis": "доверенности № 12 от 01.02.2026",
        "bank_ids": [Command.create({"bank_id": vtb.id, "acc_number": "40702810700000012345"})],
    })
    Product = env["product.product"]
    stroller = Product.create({"name": "Коляска Cybex Priam", "default_code": "CYB-PRIAM",
                               "list_price": 89990, "taxes_id": [Command.clear()]})
    car_seat = Product.create({"name": "Автокресло Britax Römer", "default_code": "BR-KID",
                               "list_price": 24500.5, "taxes_id": [Command.clear()]})
    return customer, stroller, car_seat


@tagged("post_install", "-at_install", "ecom_crm")
class TestDocuments(HttpCase):
    """HttpCase: wkhtmltopdf loads the report's styles from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, lang="en_US",
                                       force_report_rendering=True))
        cls.customer, cls.stroller, cls.car_seat = document_parties(cls.env)
        cls.salesman = new_test_user(cls.env, login="doc_salesman", groups="sales_team.group_sale_salesman",
                                     name="Анна Продавцова", email="anna@example.ru", lang="en_US")
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "user_id": cls.salesman.id,
            "order_line": [
                Command.create({"product_id": cls.stroller.id, "product_uom_qty": 1, "tax_id": [Command.clear()]}),
                Command.create({"product_id": cls.car_seat.id, "product_uom_qty": 2, "tax_id": [Command.clear()]}),
            ],
        })

    def render(self, record, kind):
        """The document's text; its printed lines in self.lines (for table rows)."""
        report = self.env.ref(f"ecom_crm.action_report_{kind}_{record._table}")
        pdf, report_type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(
            report, record.ids)
        self.assertEqual(report_type, "pdf")
        self.lines = pdf_lines(pdf)
        return " ".join(self.lines)

    def assert_row(self, row):
        """A printed line of the document is ``row`` (a table's row: its cells in order)."""
        self.assertIn(row, self.lines)

    def render_html(self, record, kind):
        """The document as the salesman prints it to HTML (the report's HTML, no wkhtmltopdf): its text; its
        tables' rows in self.lines, a row's cells in order."""
        content, report_type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_html(
            f"ecom_crm.action_report_{kind}_{record._table}", record.ids)
        self.assertEqual(report_type, "html")
        tree = lxml_html.fromstring(content)
        for element in tree.xpath("//style|//script|//head"):
            element.drop_tree()
        self.lines = [" ".join(" ".join(cell.text_content() for cell in row).split()) for row in tree.iter("tr")]
        return " ".join(tree.text_content().split())

    def totals(self):
        """The rows of the document's totals as printed, in their order: from «Итого» to «Всего к оплате»."""
        start = next(i for i, row in enumerate(self.lines) if row.startswith("Итого"))
        end = next(i for i, row in enumerate(self.lines) if row.startswith("Всего к оплате"))
        return self.lines[start:end + 1]

    def vat(self, rate, included=False, name=None):
        return self.env["account.tax"].create({
            "name": name or f"НДС {rate}%{' (в цене)' if included else ''}", "amount": rate, "amount_type": "percent",
            "type_tax_use": "sale", **({"price_include_override": "tax_included"} if included else {})})

    def assert_totals_add_up(self, order):
        """The document's sums add up, in the order's currency: its rows' amounts to its «Итого» (the order's
        total with prices with VAT, its untaxed amount otherwise), the rates' VAT to the order's tax, the
        amount «Без НДС» to the rows of the lines without VAT. Returns the document's values."""
        values = order.with_user(self.salesman)._ecom_document_values("offer")

        def amount(text):
            return float(re.sub(r"\s", "", text).replace(",", "."))
        rows = [amount(line["subtotal"]) for line in values["lines"]]
        self.assertAlmostEqual(sum(rows), order.amount_total if values["tax_included"] else order.amount_untaxed,
                               places=2, msg=values["lines"])
        self.assertAlmostEqual(sum(amount(vat[1]) for vat in values["vat_rates"]), order.amount_tax, places=2)
        self.assertAlmostEqual(amount(values["total"]), order.amount_total, places=2)
        lines = order._ecom_document_lines()
        without = [row for row, line in zip(rows, lines, strict=True)
                   if vat_key(line.tax_id) == "none"]
        if without and len(without) < len(rows):
            self.assertAlmostEqual(amount(values["no_vat_amount"]), sum(without), places=2)
        else:
            self.assertEqual(values["no_vat_amount"], "")
        return values

    def assert_requisites(self, text, customer=True):
        """The store's requisites, and the customer's in full (the offer names the customer with its ИНН/КПП)."""
        fragments = ["ООО «Детский мир у дома»", f"ИНН {ORG_INN}, КПП {ORG_KPP}", f"ОГРН {ORG_OGRN}",
                     "Р/с 40702810938000000001", "Банк: ПАО Сбербанк", "БИК 044525225, к/с 30101810400000000225"]
        if customer:
            fragments += ["ООО «Яндекс»", f"ИНН {CUSTOMER_INN}, КПП {CUSTOMER_KPP}", f"ОГРН {CUSTOMER_OGRN}",
                          "Р/с 40702810700000012345", "Банк: Банк ВТБ (ПАО)", "БИК 044525187, к/с 30101810700000000187"]
        for fragment in fragments:
            self.assertIn(fragment, text)

    def test_invoice_qr_code_of_a_maximal_payload_reads_at_150_dpi(self):
        """The payment QR code of the longest payload the standard allows (the store's name at its 160
        characters, the bank's at 45, a purpose cut at 210, in Cyrillic: 2 bytes a letter) is read by zbar
        from the PDF printed and scanned at 150 dpi, whole: its modules are large enough for a phone's
        camera, its quiet zone kept."""
        company = self.env.company
        company.name = ("Общество с ограниченной ответственностью «Торговый дом детских колясок, автокресел, кроваток, "
                        "игрушек и всех товаров для новорождённых и их родителей Северо-Западного федерального округа»")
        company.partner_id.bank_ids.bank_id.name = "Публичное акционерное общество «Сбербанк России»"
        taxes = [self.env["account.tax"].create({"name": f"НДС {rate}%", "amount": rate, "amount_type": "percent",
                                                 "type_tax_use": "sale"}) for rate in (20, 10, 0)]
        self.order.write({
            "name": "Заказ интернет-магазина детских товаров с доставкой курьером по Санкт-Петербургу и области",
            "order_line": [Command.create({"product_id": self.stroller.id, "price_unit": 9999999.99,
                                           "tax_id": [Command.set(tax.ids)]}) for tax in taxes],
        })
        payload = self.order.with_user(self.salesman)._ecom_document_values("invoice")["qr_payload"]
        fields = dict(part.split("=", 1) for part in payload.split("|")[1:])
        self.assertEqual((len(fields["Name"]), len(fields["BankName"])), (160, 45))
        self.assertGreater(len(fields["Purpose"]), 200)  # cut at 210, at a word
        self.assertGreater(len(payload.encode()), 850)  # 984 at most: every character a Cyrillic letter
        report = self.env.ref("ecom_crm.action_report_invoice_sale_order")
        pdf, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(report, self.order.ids)
        self.assertEqual(pdf_qr_codes(pdf, 150), [payload])
        self.assertAlmostEqual(printed_module_mm(pdf), 0.5, delta=0.05)
        # a usual invoice's: as large a module, a smaller code (38 mm)
        self.order.write({"name": "S00042", "order_line": [Command.unlink(self.order.order_line[-1].id)]})
        pdf, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(report, self.order.ids)
        self.assertEqual(pdf_qr_codes(pdf, 150),
                         [self.order.with_user(self.salesman)._ecom_document_values("invoice")["qr_payload"]])
        self.assertAlmostEqual(printed_module_mm(pdf), 0.5, delta=0.05)

    def test_long_words_wrap_in_their_cells_the_page_keeps_its_size(self):
        """A word longer than its column (an article code, a product's name with no space, an e-mail, a bank's
        name) wraps within its cell: the table keeps the page's width, where wkhtmltopdf would shrink the whole
        page, its text smaller, to fit the table it widened. Each document is printed at the usual size (the
        size of the text of a usual one), nothing beyond the right margin, the long words whole."""
        report = self.env.ref("ecom_crm.action_report_offer_sale_order")
        pdf, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(report, self.order.ids)
        usual = text_height(pdf_words(pdf)[1])
        code = "АРТ-1234567890-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        name = ("Cybex" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" * 3)[:80]
        email = "zakupki.otdel.snabzheniya.tsentralnogo.sklada@example-long-domain.ru"
        bank = "ПАО" + "Сбербанк" * 8
        self.stroller.default_code = code
        self.order.order_line[0].name = f"Коляска {name}"
        self.customer.email = email
        self.env.company.partner_id.bank_ids.bank_id.name = bank
        paper = self.env.ref("ecom_crm.paperformat_ecom_document")
        for kind, words in (("offer", (code, name, bank)), ("contract", (code, name, bank, email)),
                            ("invoice", (name, bank))):
            with self.subTest(kind=kind):
                report = self.env.ref(f"ecom_crm.action_report_{kind}_sale_order")
                pdf, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(
                    report, self.order.ids)
                width, printed = pdf_words(pdf)
                self.assertEqual(text_height(printed), usual, "the page printed at its usual size")
                right_edge = width - paper.margin_right / 25.4 * 72
                self.assertLessEqual(max(word[3] for word in printed), right_edge + 0.5, "nothing beyond the margin")
                for word in words:
                    self.assertTrue(wrapped_pieces(printed, word), f"{word} printed whole")
                self.assertGreater(len(wrapped_pieces(printed, name)), 1, "the product's name wrapped in its cell")

    def test_amounts_over_a_billion_print_whole_on_one_line(self):
        """A price and a line's amount over a billion (a builder's order: 1 234 567 890,12) print on one line in
        their cells, not broken at a thousands' space: the money columns widen for them (the name's column gives
        the room), neither runs over the next cell nor beyond the margin; the name still wraps in its cell. A
        usual document keeps the usual widths."""
        usual = self.env["ir.actions.report"]._render_qweb_html(
            "ecom_crm.action_report_invoice_sale_order", self.order.ids)[0].decode()
        self.assertIn('<th class="ecom-w-price">Цена</th>', usual)
        self.assertIn('<th class="ecom-w-amount">Сумма</th>', usual)
        self.assertEqual(usual.count('<td class="ecom-num ecom-money">89 990,00</td>'), 2)
        # up to a billion the style's widths hold a sum (a price's column 13%, an amount's 14%): no width set
        width = self.env["sale.order"]._ecom_money_width
        self.assertEqual(width(["89 990,00", "99 999 999,99", "999 999 999,99"]), 0)
        self.assertEqual(width([]), 0)
        self.assertEqual(width(["999 999 999,99", "1 234 567 890,12"]), 15)
        self.assertEqual(width(["123 456 789 012 345 678 901,00"]), 25, "at most a quarter of the table")
        self.order.order_line[0].write({"price_unit": 1234567890.12, "name": "Коляска " + "Cybex Priam " * 8})
        paper = self.env.ref("ecom_crm.paperformat_ecom_document")
        amount = ["1", "234", "567", "890,12"]
        for kind in ("offer", "contract", "invoice"):
            with self.subTest(kind=kind):
                html = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_html(
                    f"ecom_crm.action_report_{kind}_sale_order", self.order.ids)[0].decode()
                self.assertEqual(html.count('<td class="ecom-num ecom-money">1 234 567 890,12</td>'), 2,
                                 "the price and the amount, each in a cell that does not wrap")
                self.assertEqual(len(re.findall(r'<th class="ecom-w-(?:price|amount)" style="width: 15%">', html)),
                                 2, "both money columns widened")
                report = self.env.ref(f"ecom_crm.action_report_{kind}_sale_order")
                pdf, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(
                    report, self.order.ids)
                width, printed = pdf_words(pdf)
                # the row of the sums: the words of both on one line, the price's before the amount's
                rows = [[word for word in printed if word[0] == page and abs(word[2] - y) < 1]
                        for page, _x, y, *_rest in printed if _rest[-1] == "890,12"]
                self.assertTrue(rows, "the sums printed whole")
                row = sorted(rows[0], key=lambda word: word[1])
                texts = [word[5] for word in row]
                at = [i for i in range(len(texts)) if texts[i:i + 4] == amount]
                self.assertEqual(len(at), 2, f"the price and the amount on one line each: {texts}")
                price, line_amount = row[at[0]:at[0] + 4], row[at[1]:at[1] + 4]
                self.assertLess(price[-1][3] + 2, line_amount[0][1], "the price ends before the amount's cell")
                self.assertLessEqual(line_amount[-1][3], width - paper.margin_right / 25.4 * 72 + 0.5,
                                     "nothing beyond the margin")
                self.assertGreater(len(wrapped_pieces(printed, "Коляска")) + len(
                    {word[2] for word in printed if word[5] == "Priam"}), 2, "the product's name wraps in its cell")

    def test_a_description_over_several_lines_keeps_its_lines(self):
        """A line's description over several lines (a product's sales description under its name, as sale
        writes it) prints its lines one under the other in its cell, not run together in one paragraph."""
        self.order.order_line[0].name = "Коляска Cybex Priam 4 в 1\nШасси: алюминий, Rose Gold\nЛюлька: до 9 кг"
        for kind in ("offer", "contract", "invoice"):
            with self.subTest(kind=kind):
                report = self.env.ref(f"ecom_crm.action_report_{kind}_sale_order")
                pdf, _type = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_pdf(
                    report, self.order.ids)
                _width, printed = pdf_words(pdf)
                starts = {word[5]: word for word in printed if word[5] in ("Коляска", "Шасси:", "Люлька:")}
                self.assertEqual(len(starts), 3)
                name, chassis, cot = starts["Коляска"], starts["Шасси:"], starts["Люлька:"]
                self.assertEqual({name[0], chassis[0], cot[0]}, {name[0]}, "on one page")
                self.assertAlmostEqual(chassis[1], name[1], delta=0.5, msg="its own line, at the cell's start")
                self.assertAlmostEqual(cot[1], name[1], delta=0.5)
                self.assertLess(name[2], chassis[2])
                self.assertLess(chassis[2], cot[2])

    def test_offer_of_a_quotation(self):
        self.assertEqual(self.order.amount_total, 138991)
        text = self.render(self.order, "offer")
        self.assertIn(f"Коммерческое предложение № {self.order.name}", text)
        self.assertIn("Кому: ООО «Яндекс», ИНН 7736207543, КПП 770401001", text)
        self.assert_row("1 CYB-PRIAM Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assert_row("2 BR-KID Автокресло Britax Römer 2 шт 24 500,50 49 001,00")
        self.assert_row("Всего к оплате: 138 991,00")
        self.assert_row("НДС: Без НДС")
        self.assertIn("Всего наименований 2, на сумму 138 991,00 руб.", text)
        self.assertIn("Сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек", text)
        self.assertIn("Ваш менеджер: Анна Продавцова", text)
        self.assertIn("Предложение действительно до", text)
        self.assert_requisites(text, customer=False)

    def test_contract_of_a_quotation(self):
        text = self.render(self.order, "contract")
        self.assertIn(f"ДОГОВОР ПОСТАВКИ № {self.order.name}", text)
        self.assertIn("ООО «Детский мир у дома», именуемое в дальнейшем «Поставщик», в лице Генерального директора "
                      "Иванова Ивана Ивановича, действующего на основании Устава, с одной стороны, и ООО «Яндекс», "
                      "именуемое в дальнейшем «Покупатель», в лице Директора по закупкам Петровой Анны Сергеевны, "
                      "действующей на основании доверенности № 12 от 01.02.2026, с другой стороны", text)
        # the signatures deciphered in the nominative: «Иванова Ивана Ивановича» typed in the genitive, the
        # customer's signatory in the nominative (declined above)
        self.assertIn("_______________ / Иванов И. И. / М.П. _______________ / Петрова А. С. / М.П.", text)
        self.assertNotIn("/ Иванова Ивана Ивановича /", text)
        self.assertIn("Общая стоимость товара составляет 138 991,00 руб. (Сто тридцать восемь тысяч девятьсот "
                      "девяносто один рубль 00 копеек), НДС не облагается.", text)
        self.assertIn("Приложение № 1 к договору поставки", text)
        self.assertIn("СПЕЦИФИКАЦИЯ", text)
        self.assertIn("Коляска Cybex Priam", text)
        self.assertIn("Автокресло Britax Römer", text)
        self.assert_requisites(text)

    def test_contract_with_a_sole_trader(self):
        trader = self.env["res.partner"].create({
            "name": "ИП Петров Пётр Петрович", "is_company": True, "country_id": self.env.ref("base.ru").id,
            "vat": TRADER_INN, "company_registry": TRADER_OGRNIP})
        self.order.partner_id = trader
        text = self.render(self.order, "contract")
        self.assertIn("действующего на основании Устава, с одной стороны, и Индивидуальный предприниматель Петров Пётр "
                      "Петрович, действующий на основании записи в ЕГРИП (ОГРНИП 304500116000157), именуемый в "
                      "дальнейшем «Покупатель», "
                      "с другой стороны", text)
        trader.name = "ИП Петрова Мария Ивановна"  # the words agree with a woman's name
        text = self.render(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель Петрова Мария Ивановна, действующая на основании записи в "
                      "ЕГРИП (ОГРНИП 304500116000157), именуемая в дальнейшем «Покупатель», с другой стороны", text)
        trader.name = "ИП Ким Саша"  # nor a first name nor a surname of one gender: both forms
        text = self.render(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель Ким Саша, действующий(ая) на основании записи в ЕГРИП "
                      "(ОГРНИП 304500116000157), именуемый(ая) в дальнейшем «Покупатель»", text)
        trader.name = "ИП Петров Пётр Петрович"
        text = self.render(self.order, "contract")
        self.assertIn(f"ИНН {TRADER_INN}", text)
        self.assertIn(f"ОГРНИП {TRADER_OGRNIP}", text)
        self.assertNotIn("КПП 770401001", text)
        self.assertIn("/ Петров П. П. /", text)  # a sole trader signs for himself

    def test_sole_trader_entered_as_a_person(self):
        """A sole trader's card is often a person's (not a company) with the ИНН and the ОГРНИП: the contract
        is with the ИП, not with «гражданин(ка)»; a person with only an ИНН stays a private person."""
        trader = self.env["res.partner"].create({
            "name": "Петров Пётр Петрович", "country_id": self.env.ref("base.ru").id,
            "vat": TRADER_INN, "company_registry": TRADER_OGRNIP})
        self.order.partner_id = trader
        text = self.render(self.order, "contract")
        self.assertIn("с одной стороны, и Индивидуальный предприниматель Петров Пётр Петрович, действующий на "
                      f"основании записи в ЕГРИП (ОГРНИП {TRADER_OGRNIP}), именуемый в дальнейшем «Покупатель», с "
                      "другой стороны", text)
        self.assertNotIn("гражданин", text)
        self.assertIn(f"ИНН {TRADER_INN}", text)
        self.assertIn("/ Петров П. П. /", text)
        self.render(self.order, "offer")
        self.assert_row(f"Кому: ИП Петров Пётр Петрович, ИНН {TRADER_INN}")
        trader.company_registry = False  # a private person with an ИНН
        text = self.render(self.order, "contract")
        self.assertIn("с одной стороны, и гражданин Петров Пётр Петрович, именуемый в дальнейшем «Покупатель»", text)
        # the card's gender contradicting every part of the name (by hand, or left by an older reading of the name):
        # the words agree with the name printed, «гражданка Петров Пётр Петрович» agreeing with none of it
        # (test_card_gender_against_the_name)
        trader.ecom_gender = "female"
        text = self.render(self.order, "contract")
        self.assertIn("с одной стороны, и гражданин Петров Пётр Петрович, именуемый в дальнейшем «Покупатель»", text)
        self.assertNotIn("ЕГРИП", text)

    def test_sole_trader_by_the_title_of_the_name(self):
        """A person's card named «ИП Алиева Лейла Гасановна» (the title typed any way) with a 12-digit ИНН and no
        ОГРНИП is a sole trader's, not «гражданка ИП …»: the contract titles her in full, her own name once, the
        ОГРНИП when known and no empty one when not; the requisites read «ИП …» once. A name merely starting with
        «Ип» is a person's or a company's."""
        trader = self.env["res.partner"].create({
            "name": "ИП Алиева Лейла Гасановна", "country_id": self.env.ref("base.ru").id, "vat": TRADER_INN})
        self.assertTrue(trader.ecom_sole_trader)
        self.order.partner_id = trader
        party = ("с одной стороны, и Индивидуальный предприниматель Алиева Лейла Гасановна, действующая на основании "
                 "записи в ЕГРИП, именуемая в дальнейшем «Покупатель», с другой стороны")
        for name in ("ИП Алиева Лейла Гасановна", "ип Алиева Лейла Гасановна", "И.П. Алиева Лейла Гасановна",
                     "ИП. Алиева Лейла Гасановна", "Индивидуальный предприниматель Алиева Лейла Гасановна",
                     "ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ Алиева Лейла Гасановна"):
            with self.subTest(name=name):
                trader.name = name
                text = self.render_html(self.order, "contract")
                self.assertIn(party, text)
                self.assertNotIn("гражданка", text)
                self.assertNotIn("ОГРНИП", text)  # not known: neither the label nor a blank
                # titled once wherever printed: in full in the contract's parties, «ИП» in the requisites
                self.assertEqual(set(re.findall(r"(\S+ \S+) Алиева Лейла Гасановна", text)),
                                 {"Индивидуальный предприниматель", "Покупатель: ИП"})
                self.assertIn(f"Покупатель: ИП Алиева Лейла Гасановна ИНН {TRADER_INN}", text)
                self.assertIn("/ Алиева Л. Г. /", text)  # she signs for herself, her name without the title
                self.assertNotRegex(text, r"(?i)(ИП|предприниматель)\.? (ИП|И\.П\.|индивидуальный)")
                self.assertIn(f"Кому: ИП Алиева Лейла Гасановна, ИНН {TRADER_INN} ",
                              self.render_html(self.order, "offer"))
        trader.write({"name": "ИП Алиева Лейла Гасановна", "company_registry": TRADER_OGRNIP})
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель Алиева Лейла Гасановна, действующая на основании записи в "
                      f"ЕГРИП (ОГРНИП {TRADER_OGRNIP}), именуемая в дальнейшем «Покупатель»", text)
        self.assertIn(f"Покупатель: ИП Алиева Лейла Гасановна ИНН {TRADER_INN} ОГРНИП {TRADER_OGRNIP} _", text)
        trader.write({"vat": False, "company_registry": False})  # the title alone says it
        self.assertIn(party, self.render_html(self.order, "contract"))
        # the title is not a part of the name: «ИП Ким Саша» is no man named Ким; the card's gender decides
        trader.write({"name": "ИП Ким Саша", "ecom_gender": False})
        self.assertEqual((trader.lastname, trader.firstname, trader.patronymic), ("ИП Ким", "Саша", False))
        self.assertIn("и Индивидуальный предприниматель Ким Саша, действующий(ая) на основании записи в ЕГРИП, "
                      "именуемый(ая) в дальнейшем «Покупатель»", self.render_html(self.order, "contract"))
        trader.ecom_gender = "female"
        self.assertIn("и Индивидуальный предприниматель Ким Саша, действующая на основании записи в ЕГРИП, "
                      "именуемая в дальнейшем «Покупатель»", self.render_html(self.order, "contract"))
        # a surname starting with «Ип», a 12-digit ИНН without an ОГРНИП: a private person
        trader.write({"name": "Ипатов Иван Петрович", "vat": TRADER_INN})
        self.assertFalse(trader.ecom_sole_trader)
        text = self.render_html(self.order, "contract")
        self.assertIn("с одной стороны, и гражданин Ипатов Иван Петрович, именуемый в дальнейшем «Покупатель»", text)
        self.assertNotIn("ЕГРИП", text)
        # a company whose name starts with «Ип»: a company, with its signatory
        hippodrome = self.env["res.partner"].create({
            "name": "ООО Ипподром", "is_company": True, "country_id": self.env.ref("base.ru").id,
            "vat": CUSTOMER_INN, "ecom_signatory_title": "Генерального директора",
            "ecom_signatory_name": "Петрова Анна Сергеевна"})
        self.assertFalse(hippodrome.ecom_sole_trader)
        self.assertFalse(hippodrome.ecom_gender)
        self.order.partner_id = hippodrome
        text = self.render_html(self.order, "contract")
        self.assertIn("с одной стороны, и ООО Ипподром, именуемое в дальнейшем «Покупатель», в лице Генерального "
                      "директора Петровой Анны Сергеевны, действующей на основании Устава", text)
        self.assertNotIn("ЕГРИП", text)
        self.assertNotIn("предприниматель", text)

    def test_sole_trader_entered_as_a_company_has_a_gender(self):
        """A sole trader's company card: the gender read from the name after «ИП» (the contract's words agree
        with the name when it tells one), else the one set on the card, else both forms."""
        trader = self.env["res.partner"].create({
            "name": "ИП Петров Пётр Петрович", "is_company": True, "country_id": self.env.ref("base.ru").id,
            "vat": TRADER_INN})
        self.assertTrue(trader.ecom_sole_trader)
        self.assertEqual(trader.ecom_gender, "male", "read from the name after «ИП»")
        trader.name = "ИП Петрова Мария Ивановна"
        self.assertEqual(trader.ecom_gender, "female")
        self.order.partner_id = trader
        trader.ecom_gender = "male"  # by hand, against every part of the name: the name decides
        self.assertIn("и Индивидуальный предприниматель Петрова Мария Ивановна, действующая на основании записи в "
                      "ЕГРИП, именуемая в дальнейшем «Покупатель»", self.render_html(self.order, "contract"))
        trader.name = "ИП Ким Саша"  # the name tells none: the card's
        self.assertEqual(trader.ecom_gender, "male", "kept: the name tells none")
        trader.ecom_gender = "female"
        self.assertIn("и Индивидуальный предприниматель Ким Саша, действующая на основании записи в ЕГРИП, именуемая "
                      "в дальнейшем «Покупатель»", self.render_html(self.order, "contract"))
        trader.ecom_gender = False  # nor the card: both forms
        self.assertIn("и Индивидуальный предприниматель Ким Саша, действующий(ая) на основании записи в ЕГРИП, "
                      "именуемый(ая) в дальнейшем «Покупатель»", self.render_html(self.order, "contract"))
        with Form(trader) as form:  # the card shows it to a sole trader, set by hand there
            form.ecom_gender = "male"
        self.assertIn("и Индивидуальный предприниматель Ким Саша, действующий на основании записи в ЕГРИП, "
                      "именуемый в дальнейшем «Покупатель»", self.render_html(self.order, "contract"))

    def test_sole_traders_company_card_without_the_title(self):
        """A company's card with a 12-digit ИНН and no «ИП» in its name: a person's name is the sole trader's, titled
        in the contract and «ИП …» in the requisites; a trade name is no person's, «Индивидуальный предприниматель
        Цветочная лавка» would name a person so: the contract leaves the name a line to fill in, the trade name
        after it, the requisites print it as typed, the signature's decipherment a line."""
        trader = self.env["res.partner"].create({
            "name": "Петрова Мария Ивановна", "is_company": True, "country_id": self.env.ref("base.ru").id,
            "vat": TRADER_INN})
        self.assertTrue(trader.ecom_sole_trader)
        self.assertEqual(trader.ecom_gender, "female", "read from the person's name")
        self.order.partner_id = trader
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель Петрова Мария Ивановна, действующая на основании записи в "
                      "ЕГРИП, именуемая в дальнейшем «Покупатель»", text)
        self.assertIn(f"Покупатель: ИП Петрова Мария Ивановна ИНН {TRADER_INN}", text)
        self.assertIn("/ Петрова М. И. /", text)
        trader.name = "Цветочная лавка"
        self.assertEqual(trader.ecom_gender, "female", "kept: a trade name tells none")
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель _______________ (Цветочная лавка), действующая на основании "
                      "записи в ЕГРИП, именуемая в дальнейшем «Покупатель»", text)
        self.assertNotIn("Индивидуальный предприниматель Цветочная", text)
        self.assertNotIn("ИП Цветочная", text)
        self.assertIn(f"Покупатель: Цветочная лавка ИНН {TRADER_INN}", text)
        self.assertNotIn("Цветочная л.", text)
        trader.write({"ecom_gender": False, "company_registry": TRADER_OGRNIP})
        self.assertIn("и Индивидуальный предприниматель _______________ (Цветочная лавка), действующий(ая) на "
                      f"основании записи в ЕГРИП (ОГРНИП {TRADER_OGRNIP}), именуемый(ая) в дальнейшем «Покупатель»",
                      self.render_html(self.order, "contract"))
        self.assertIn(f"Кому: Цветочная лавка, ИНН {TRADER_INN} ", self.render_html(self.order, "offer"))
        trader.name = "ИП "  # the title alone: no name to print, nor «Индивидуальный предприниматель ИП»
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель _______________, действующий(ая) на основании записи в ЕГРИП",
                      text)
        self.assertIn(f"Покупатель: ИП ИНН {TRADER_INN}", text)

    def test_sole_traders_trade_name_read_as_a_persons(self):
        """«Цветов Арт», a trade name whose words the dictionary may take for a name's («Цветов» ends as a surname,
        «Арт» is a man's name in it), on a sole trader's company card: no person's name, the contract leaves it a
        line to fill in, the card's gender is not read from it; «Петров Пётр» on the same card is titled."""
        trader = self.env["res.partner"].create({
            "name": "Цветов Арт", "is_company": True, "country_id": self.env.ref("base.ru").id, "vat": TRADER_INN})
        self.assertTrue(trader.ecom_sole_trader)
        self.assertFalse(trader.ecom_gender, "no person's name to read a gender from")
        self.order.partner_id = trader
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель _______________ (Цветов Арт), действующий(ая) на основании "
                      "записи в ЕГРИП, именуемый(ая) в дальнейшем «Покупатель»", text)
        self.assertNotIn("Индивидуальный предприниматель Цветов", text)
        self.assertNotIn("Цветов А.", text)
        self.assertIn(f"Покупатель: Цветов Арт ИНН {TRADER_INN}", text)
        for name in ("Кофе Хауз", "Ромашка", "Иванов и партнёры"):
            trader.name = name
            text = self.render_html(self.order, "contract")
            self.assertIn(f"и Индивидуальный предприниматель _______________ ({name}), ", text)
        trader.name = "Петров Пётр"
        self.assertEqual(trader.ecom_gender, "male")
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель Петров Пётр, действующий на основании записи в ЕГРИП", text)
        self.assertIn("/ Петров П. /", text)
        # a real surname the dictionary knows as another word (the possessive «Кириллов», «Kirill's») is a person's
        trader.name = "Кириллова Анна"
        self.assertEqual(trader.ecom_gender, "female")
        text = self.render_html(self.order, "contract")
        self.assertIn("и Индивидуальный предприниматель Кириллова Анна, действующая на основании записи в ЕГРИП", text)

    def test_taxes_and_kopecks(self):
        tax = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "amount_type": "percent",
                                              "type_tax_use": "sale"})
        self.order.order_line[1].write({"tax_id": [Command.set(tax.ids)], "product_uom_qty": 3})
        # 89 990 + 3 × 24 500,50 = 163 491,50 untaxed, VAT 20 % of 73 501,50 = 14 700,30
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax), (163491.5, 14700.3))
        text = self.render(self.order, "contract")
        self.assertIn("Общая стоимость товара составляет 178 191,80 руб. (Сто семьдесят восемь тысяч сто девяносто "
                      "один рубль 80 копеек), в том числе НДС (20%) 14 700,30 руб.", text)
        self.assert_row("2 BR-KID Автокресло Britax Römer 3 шт 24 500,50 73 501,50")
        for row in ("Итого без НДС: 163 491,50", "НДС 20%: 14 700,30", "Всего к оплате: 178 191,80"):
            self.assert_row(row)

    def test_lines_taken_back_are_not_printed(self):
        """A line taken back (1C sends an order back with a line dropped: Odoo keeps it at quantity 0) is no
        goods sold: neither a row at «0 шт» nor its VAT rate named beside the others'."""
        vat20 = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "amount_type": "percent",
                                                "type_tax_use": "sale"})
        vat10 = self.env["account.tax"].create({"name": "НДС 10%", "amount": 10, "amount_type": "percent",
                                                "type_tax_use": "sale"})
        self.order.order_line.tax_id = vat20
        self.order.order_line[1].write({"tax_id": [Command.set(vat10.ids)], "product_uom_qty": 0})
        text = self.render(self.order, "contract")
        self.assertIn("в том числе НДС (20%) 17 998,00 руб.", text)
        self.assertNotIn("10%", text)
        self.assertNotIn("Britax", text)
        self.assert_row("НДС 20%: 17 998,00")
        self.order.order_line[0].product_uom_qty = 0
        with self.assertRaisesRegex(UserError, self.order.name):  # «… has no products», the message
            self.order._ecom_document_values("offer")

    def test_prices_with_vat_included(self):
        """A Russian store's prices include VAT: a row's price and amount both with VAT (price × quantity
        less the discount), the VAT «в том числе»; the totals are the order's."""
        included = self.env["account.tax"].create({"name": "НДС 20% (в цене)", "amount": 20, "amount_type": "percent",
                                                   "type_tax_use": "sale", "price_include_override": "tax_included"})
        self.order.order_line[1].write({"tax_id": [Command.set(included.ids)], "discount": 10})
        # 2 × 24 500,50 less 10 % = 44 100,90 with VAT, of which VAT 7 350,15
        self.assertEqual((self.order.amount_total, self.order.amount_tax), (134090.9, 7350.15))
        text = self.render(self.order, "offer")
        self.assert_row("1 CYB-PRIAM Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assert_row("2 BR-KID Автокресло Britax Römer 2 шт 24 500,50 10 44 100,90")
        for row in ("Итого: 134 090,90", "В том числе НДС 20%: 7 350,15", "Всего к оплате: 134 090,90"):
            self.assert_row(row)
        self.assertIn("Сто тридцать четыре тысячи девяносто рублей 90 копеек", text)
        # one line's VAT on top of its price: every row without VAT, the VAT added
        excluded = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "amount_type": "percent",
                                                   "type_tax_use": "sale"})
        self.order.order_line[0].tax_id = excluded
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax), (126740.75, 25348.15))
        self.render(self.order, "offer")
        self.assert_row("1 CYB-PRIAM Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assert_row("2 BR-KID Автокресло Britax Römer 2 шт 20 417,08 10 36 750,75")  # 24 500,50 / 1,2
        for row in ("Итого без НДС: 126 740,75", "НДС 20%: 25 348,15", "Всего к оплате: 152 088,90"):
            self.assert_row(row)
        # the rates named, as the accountant reads them: both when the lines' differ (children's goods: 10%)
        self.order.order_line[0].tax_id = self.env["account.tax"].create(
            {"name": "НДС 10%", "amount": 10, "amount_type": "percent", "type_tax_use": "sale"})
        self.render(self.order, "offer")  # one line per rate (test_documents_invoice reads it in detail)
        for row in ("НДС 20%: 7 350,15", "НДС 10%: 8 999,00", "Всего к оплате: 143 089,90"):
            self.assert_row(row)

    def test_vat_rates_beside_lines_without_vat(self):
        """An order mixing lines at 20% with lines without VAT prints the VAT of each rate and the amount of the
        lines without it («В том числе не облагается НДС», under the «Итого» it is part of); 0% is a rate it
        states, a 0% tax the store named «Без НДС» none; «Без НДС» alone when no line has VAT. The offer's
        totals, the contract's price clause and the invoice's totals alike, with VAT on top of the prices and
        included in them; every sum adds up."""
        self.order.order_line[1].tax_id = self.vat(20)
        # 89 990 without VAT + 2 × 24 500,50 = 49 001 with 20% on top: 9 800,20
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (138991, 9800.2, 148791.2))
        for kind in ("offer", "contract"):
            with self.subTest(kind=kind):
                text = self.render_html(self.order, kind)
                self.assertEqual(self.totals(), ["Итого без НДС: 138 991,00",
                                                 "В том числе не облагается НДС: 89 990,00", "НДС 20%: 9 800,20",
                                                 "Всего к оплате: 148 791,20"])
        self.assertIn("Общая стоимость товара составляет 148 791,20 руб. (Сто сорок восемь тысяч семьсот девяносто "
                      "один рубль 20 копеек), в том числе НДС (20%) 9 800,20 руб.; товар на сумму 89 990,00 руб. НДС "
                      "не облагается.", text)
        self.assert_totals_add_up(self.order)
        # the invoice for payment alike, its own words for the VAT on top
        self.render_html(self.order, "invoice")
        self.assertEqual(self.totals(), ["Итого: 138 991,00", "В том числе не облагается НДС: 89 990,00",
                                         "Сумма НДС 20%: 9 800,20", "Всего к оплате: 148 791,20"])
        # prices with VAT: 49 001 of which VAT 8 166,83, «в том числе» the lines without it
        self.order.order_line[1].tax_id = self.vat(20, included=True)
        self.assertEqual((self.order.amount_tax, self.order.amount_total), (8166.83, 138991))
        for kind in ("offer", "contract"):
            with self.subTest(kind=kind):
                text = self.render_html(self.order, kind)
                self.assertEqual(self.totals(), ["Итого: 138 991,00", "В том числе не облагается НДС: 89 990,00",
                                                 "В том числе НДС 20%: 8 166,83", "Всего к оплате: 138 991,00"])
        self.assertIn("в том числе НДС (20%) 8 166,83 руб.; товар на сумму 89 990,00 руб. НДС не облагается.", text)
        self.assert_totals_add_up(self.order)
        self.render_html(self.order, "invoice")
        self.assertEqual(self.totals(), ["Итого: 138 991,00", "В том числе не облагается НДС: 89 990,00",
                                         "В том числе НДС 20%: 8 166,83", "Всего к оплате: 138 991,00"])
        # 0% (an export) is a rate: stated, no line without VAT
        self.order.order_line[0].tax_id = self.vat(0, included=True)
        text = self.render_html(self.order, "offer")
        self.assertEqual(self.totals(), ["Итого: 138 991,00", "В том числе НДС 20%: 8 166,83",
                                         "В том числе НДС 0%: 0,00", "Всего к оплате: 138 991,00"])
        self.assertNotIn("не облагается", text)
        self.assert_totals_add_up(self.order)
        # a tax of 0% the store named «Без НДС»: goods without VAT, not «НДС 0%»
        self.order.order_line[0].tax_id = self.vat(0, name="Без НДС")
        text = self.render_html(self.order, "contract")
        self.assert_row("В том числе не облагается НДС: 89 990,00")
        self.assertNotIn("НДС 0%", text)
        self.assertNotIn("НДС (0%)", text)
        self.assertIn("в том числе НДС (20%) 8 166,83 руб.; товар на сумму 89 990,00 руб. НДС не облагается.", text)
        self.assert_totals_add_up(self.order)
        # 10% (children's goods) beside 20%: both rates, nothing without VAT
        self.order.order_line[0].tax_id = self.vat(10, included=True)
        text = self.render_html(self.order, "contract")
        for row in ("В том числе НДС 20%: 8 166,83", "В том числе НДС 10%: 8 180,91", "Всего к оплате: 138 991,00"):
            self.assert_row(row)
        self.assertIn("в том числе НДС (20%) 8 166,83 руб., НДС (10%) 8 180,91 руб. 2.2.", text)
        self.assertNotIn("не облагается", text)
        self.assert_totals_add_up(self.order)
        # every line at 0%: the rate, not «Без НДС»
        self.order.order_line.tax_id = self.vat(0)
        text = self.render_html(self.order, "contract")
        for row in ("Итого без НДС: 138 991,00", "НДС 0%: 0,00", "Всего к оплате: 138 991,00"):
            self.assert_row(row)
        self.assertNotIn("НДС: Без НДС", self.lines)
        self.assertIn("в том числе НДС (0%) 0,00 руб. 2.2.", text)
        # no line with VAT: «Без НДС» alone
        self.order.order_line.tax_id = False
        text = self.render_html(self.order, "contract")
        for row in ("Итого без НДС: 138 991,00", "НДС: Без НДС", "Всего к оплате: 138 991,00"):
            self.assert_row(row)
        self.assertEqual(self.totals(), ["Итого без НДС: 138 991,00", "НДС: Без НДС", "Всего к оплате: 138 991,00"])
        self.assertIn("(Сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек), НДС не облагается.", text)
        self.assert_totals_add_up(self.order)

    def test_taxes_named_without_vat(self):
        """A tax of 0% is no VAT when its name, its label on invoices, its legal note or its group says so, in
        Russian or in English (renamed in one of them only too); an export's 0% stays a rate. With an early
        payment discount computed «mixed» (the VAT on the discounted amount) the lines without VAT keep their
        amount: the base the discount takes off and gives back is no goods."""
        Tax = self.env["account.tax"]
        exempt = [
            self.vat(0, name="Без НДС"), self.vat(0, name="VAT Exempt"), self.vat(0, name="Освобождено от НДС"),
            self.vat(0, name="НДС не облагается"), self.vat(0, name="No VAT"),
            Tax.create({"name": "0%", "amount": 0, "type_tax_use": "sale",
                        "tax_group_id": self.env["account.tax.group"].create({"name": "Без НДС"}).id}),
            Tax.create({"name": "0% ст. 149", "amount": 0, "type_tax_use": "sale",
                        "description": "<p>Освобождено от НДС (пп. 1 п. 2 ст. 149 НК РФ)</p>"}),
            Tax.create({"name": "Ставка 0", "amount": 0, "type_tax_use": "sale", "invoice_label": "Без НДС"}),
        ]
        # named in English «0% (benefit)», in Russian «Без НДС»: the documents' language says it
        renamed = self.vat(0, name="0% (benefit)")
        renamed.update_field_translations("name", {"ru_RU": "Без НДС (льгота)"})
        self.assertEqual(renamed.name, "0% (benefit)")
        for tax in [*exempt, renamed]:
            self.assertEqual(vat_key(tax), "none", tax.name)
        for tax in (self.vat(0, name="НДС 0% (экспорт)"), self.vat(0, name="Zero-rated export"), self.vat(0)):
            self.assertEqual(vat_key(tax), 0.0, tax.name)
        self.assertEqual(vat_key(self.vat(20, name="Без НДС 20%")), 20.0, "a rate is a rate whatever its name")
        self.assertEqual(vat_key(Tax), "none")
        # 2% off when paid within 10 days, the VAT on the discounted amount: 49 001 × 0,98 × 20% = 9 604,20
        self.order.payment_term_id = self.env["account.payment.term"].create({
            "name": "2/10, 30 дней", "early_discount": True, "discount_percentage": 2, "discount_days": 10,
            "early_pay_discount_computation": "mixed",
            "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})]})
        self.order.order_line[0].tax_id = exempt[1]
        self.order.order_line[1].tax_id = self.vat(20)
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (138991, 9604.2, 148595.2))
        text = self.render_html(self.order, "contract")
        self.assertEqual(self.totals(), ["Итого без НДС: 138 991,00", "В том числе не облагается НДС: 89 990,00",
                                         "НДС 20%: 9 604,20", "Всего к оплате: 148 595,20"])
        self.assertIn("в том числе НДС (20%) 9 604,20 руб.; товар на сумму 89 990,00 руб. НДС не облагается.", text)
        self.assertFalse(re.findall(r"НДС \(?0%", text))
        self.render_html(self.order, "invoice")
        self.assertEqual(self.totals(), ["Итого: 138 991,00", "В том числе не облагается НДС: 89 990,00",
                                         "Сумма НДС 20%: 9 604,20", "Всего к оплате: 148 595,20"])
        self.assert_totals_add_up(self.order)
        # prices with VAT: the rows' 138 991, of which the VAT Odoo computes on the discounted amount
        self.order.order_line[1].tax_id = self.vat(20, included=True)
        self.assertEqual((self.order.amount_tax, self.order.amount_total), (8030.72, 138991))
        self.render_html(self.order, "offer")
        self.assertEqual(self.totals(), ["Итого: 138 991,00", "В том числе не облагается НДС: 89 990,00",
                                         "В том числе НДС 20%: 8 030,72", "Всего к оплате: 138 991,00"])
        self.assert_totals_add_up(self.order)

    def test_vat_rates_in_the_orders_currency(self):
        """An order in euros prints its sums in euros, its VAT and the lines without it too, whatever the
        rouble's rate: the order's amounts, not the store's currency's."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "in", (eur | self.env.company.currency_id).ids)]).unlink()
        self.env["res.currency.rate"].create({"currency_id": eur.id, "rate": 0.01, "name": "2026-01-01",
                                              "company_id": self.env.company.id})
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "user_id": self.salesman.id, "pricelist_id": pricelist.id,
            "order_line": [
                Command.create({"product_id": self.stroller.id, "price_unit": 899.9, "tax_id": [Command.clear()]}),
                Command.create({"product_id": self.car_seat.id, "price_unit": 245.01, "product_uom_qty": 2,
                                "tax_id": [Command.set(self.vat(20).ids)]}),
            ],
        })
        self.assertEqual(order.currency_id, eur)
        self.assertEqual((order.amount_untaxed, order.amount_tax, order.amount_total), (1389.92, 98, 1487.92))
        text = self.render_html(order, "offer")
        self.assertEqual(self.totals(), ["Итого без НДС: 1 389,92", "В том числе не облагается НДС: 899,90",
                                         "НДС 20%: 98,00", "Всего к оплате: 1 487,92"])
        self.assertIn("на сумму 1 487,92 €", text)
        self.assert_totals_add_up(order)

    def test_rows_add_up_to_the_totals_rounded_globally(self):
        """Rounded globally, a price with VAT in it beside one without (every row printed without VAT): the
        rows' amounts are those the order's untaxed amount adds, the rounding's kopeck on a row (three rows of
        8,59 and 5,55 printed 31,32 against an untaxed amount of 31,33)."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        included, excluded = self.vat(20, included=True), self.vat(20)
        self.order.order_line = [Command.clear()] + [
            Command.create({"product_id": self.stroller.id, "price_unit": 10.31, "tax_id": [Command.set(included.ids)]})
            for _i in range(3)] + [
            Command.create({"product_id": self.car_seat.id, "price_unit": 5.55, "tax_id": [Command.set(excluded.ids)]})]
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (31.33, 6.27, 37.6))
        values = self.assert_totals_add_up(self.order)
        self.assertFalse(values["tax_included"])
        self.assertEqual(sorted(line["subtotal"] for line in values["lines"]), ["5,55", "8,59", "8,59", "8,60"])
        self.render_html(self.order, "offer")
        for row in ("Итого без НДС: 31,33", "НДС 20%: 6,27", "Всего к оплате: 37,60"):
            self.assert_row(row)
        # prices with VAT only: Odoo's total of 3 × 10,31 is 30,94 (its untaxed amount 25,78 and its tax 5,16, each
        # rounded once): the kopeck on one row, the others their price
        self.order.order_line = [Command.clear()] + [
            Command.create({"product_id": self.stroller.id, "price_unit": 10.31, "tax_id": [Command.set(included.ids)]})
            for _i in range(3)]
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (25.78, 5.16, 30.94))
        values = self.assert_totals_add_up(self.order)
        self.assertTrue(values["tax_included"])
        self.assertEqual(sorted(line["subtotal"] for line in values["lines"]), ["10,31", "10,31", "10,32"])
        self.render_html(self.order, "offer")
        self.assertEqual(self.totals(), ["Итого: 30,94", "В том числе НДС 20%: 5,16", "Всего к оплате: 30,94"])
        # beside a larger row without VAT, which stays its price: the kopeck is the VAT's rounding
        self.order.order_line = [Command.create({"product_id": self.car_seat.id, "price_unit": 100,
                                                 "tax_id": [Command.clear()]})]
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (125.78, 5.16, 130.94))
        values = self.assert_totals_add_up(self.order)
        self.assertEqual([line["subtotal"] for line in values["lines"]], ["10,32", "10,31", "10,31", "100,00"])
        # goods under a 0% tax named «Без НДС» beside prices with VAT (the rows with VAT): each row its price ×
        # quantity less the discount, though the rounding puts a kopeck of the untaxed amount on 7 × 301,72 and one
        # of the VAT on 102,39 (printed 2 112,03 and 102,40); the amount without VAT the rows' (124,91 + 2 112,04)
        exempt, zero = self.vat(0, name="Без НДС"), self.vat(0)
        self.order.order_line = [Command.clear()] + [
            Command.create({"product_id": self.stroller.id, "price_unit": price, "product_uom_qty": quantity,
                            "discount": discount, "tax_id": [Command.set(tax.ids)]})
            for price, quantity, discount, tax in ((186.43, 1, 33, exempt), (301.72, 7, 0, exempt),
                                                   (318.91, 1, 5, zero), (19.21, 2, 0, included),
                                                   (102.39, 1, 0, included))]
        self.assertEqual((self.order.amount_untaxed, self.order.amount_tax, self.order.amount_total),
                         (2657.25, 23.47, 2680.72))
        values = self.assert_totals_add_up(self.order)
        self.assertEqual([line["subtotal"] for line in values["lines"]],
                         ["124,91", "2 112,04", "302,96", "38,42", "102,39"])
        self.render_html(self.order, "offer")
        self.assertEqual(self.totals(), ["Итого: 2 680,72", "В том числе не облагается НДС: 2 236,95",
                                         "В том числе НДС 20%: 23,47", "В том числе НДС 0%: 0,00",
                                         "Всего к оплате: 2 680,72"])

    def test_card_gender_against_the_name(self):
        """A contact's card says male (typed by hand, or left by an older reading of the name) for «Петрова Анна
        Сергеевна», whose every part is a woman's: the contract agrees with the name it prints, «гражданка …,
        именуемая», «ИП …, действующая»; the card's gender where the name tells none («Ким Саша»)."""
        person = self.env["res.partner"].create({"name": "Петрова Анна Сергеевна",
                                                 "country_id": self.env.ref("base.ru").id})
        self.assertEqual(person.ecom_gender, "female")
        person.ecom_gender = "male"
        self.order.partner_id = person
        text = self.render_html(self.order, "contract")
        self.assertIn("с одной стороны, и гражданка Петрова Анна Сергеевна, именуемая в дальнейшем «Покупатель»", text)
        self.assertNotIn("гражданин", text)
        # as the rule that read «Анна Петрова» as the surname «Анна» left it, written in the column
        person.write({"name": "Анна Петрова", "vat": TRADER_INN, "company_registry": TRADER_OGRNIP})
        self.env.cr.execute("UPDATE res_partner SET ecom_gender = 'male', lastname = 'Анна', firstname = 'Петрова' "
                            "WHERE id = %s", [person.id])
        person.invalidate_recordset()
        text = self.render_html(self.order, "contract")
        self.assertIn("с одной стороны, и Индивидуальный предприниматель Анна Петрова, действующая на основании "
                      "записи в ЕГРИП (ОГРНИП "
                      f"{TRADER_OGRNIP}), именуемая в дальнейшем «Покупатель»", text)
        # a name that tells no gender: the card's
        person.write({"name": "Ким Саша", "vat": False, "company_registry": False})
        person.ecom_gender = "female"
        text = self.render_html(self.order, "contract")
        self.assertIn("с одной стороны, и гражданка Ким Саша, именуемая в дальнейшем «Покупатель»", text)
        person.ecom_gender = False
        text = self.render_html(self.order, "contract")
        self.assertIn("с одной стороны, и гражданин(ка) Ким Саша, именуемый(ая) в дальнейшем «Покупатель»", text)

    def test_lead_with_a_quotation_and_with_a_product_of_interest(self):
        lead = self.env["crm.lead"].create({"name": "Коляска для двойни", "type": "opportunity",
                                            "partner_id": self.customer.id, "user_id": self.salesman.id})
        with self.assertRaisesRegex(UserError, "neither a quotation nor a product of interest"):
            lead.with_user(self.salesman).action_ecom_send_offer()
        for kind in ("offer", "contract"):  # Print says it too, not a QWeb error dialog
            with self.subTest(kind=kind), self.assertRaisesRegex(UserError, "neither a quotation nor a product"):
                self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_html(
                    self.env.ref(f"ecom_crm.action_report_{kind}_crm_lead"), lead.ids)
        lead.ecom_product_id = self.stroller
        text = self.render(lead, "offer")
        self.assertIn(f"Коммерческое предложение № {lead.id}", text)
        self.assert_row("1 CYB-PRIAM Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assertIn("Восемьдесят девять тысяч девятьсот девяносто рублей 00 копеек", text)
        self.assertNotIn("Автокресло", text)
        # the customer's price: their pricelist's (a wholesale customer's 10% off), as their quotation would have it
        wholesale = self.env["product.pricelist"].create({
            "name": "Опт", "currency_id": self.env.company.currency_id.id, "item_ids": [Command.create({
                "applied_on": "3_global", "compute_price": "percentage", "percent_price": 10})]})
        self.customer.property_product_pricelist = wholesale
        lead.invalidate_recordset()
        self.render(lead, "offer")
        self.assert_row("1 CYB-PRIAM Коляска Cybex Priam 1 шт 80 991,00 80 991,00")
        self.order.opportunity_id = lead  # its quotation wins over the product of interest
        text = self.render(lead, "contract")
        self.assertIn(f"ДОГОВОР ПОСТАВКИ № {self.order.name}", text)
        self.assertIn("Автокресло Britax Römer", text)
        self.assertIn("Сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек", text)

    def test_lead_prints_its_quotations_customer(self):
        """A request's contact is a person, the quotation is made out to a company: the document printed
        from the request is the quotation's, with its buyer, not the request's contact."""
        person = self.env["res.partner"].create({"name": "Смирнова Ольга Петровна", "phone": "+79161234567"})
        lead = self.env["crm.lead"].create({"name": "Коляска", "type": "opportunity", "partner_id": person.id,
                                            "user_id": self.salesman.id})
        self.order.opportunity_id = lead
        text = self.render(lead, "contract")
        self.assertIn("с одной стороны, и ООО «Яндекс», именуемое в дальнейшем «Покупатель», в лице Директора по "
                      "закупкам Петровой Анны Сергеевны, действующей на основании доверенности", text)
        self.assertNotIn("Смирнова", text)
        self.assert_requisites(text)
        self.render(lead, "offer")
        self.assert_row("Кому: ООО «Яндекс», ИНН 7736207543, КПП 770401001")

    def test_lead_of_a_person_without_contact(self):
        lead = self.env["crm.lead"].create({"name": "Заявка с сайта", "type": "opportunity",
                                            "contact_name": "Смирнова Ольга", "phone": "+79161234567",
                                            "ecom_product_id": self.car_seat.id})
        text = self.render(lead, "contract")
        self.assertIn("гражданка Смирнова Ольга, именуемая в дальнейшем «Покупатель», с другой стороны", text)
        self.assertIn("/ Смирнова О. /", text)  # a person signs for herself
        self.assertIn("Двадцать четыре тысячи пятьсот рублей 50 копеек", text)

    def test_lead_of_a_company_without_contact(self):
        """A request naming its company but no contact yet: the company buys («ООО …, именуемое …, в лице
        ______»), not «гражданин(ка) ООО …»; a sole trader's name is theirs («ИП …, действующий(ая) …»)."""
        lead = self.env["crm.lead"].create({"name": "Заявка с сайта", "type": "opportunity",
                                            "partner_name": "ООО «Ромашка»", "contact_name": "Смирнова Ольга",
                                            "ecom_product_id": self.car_seat.id})
        text = self.render(lead, "contract")
        self.assertIn("с одной стороны, и ООО «Ромашка», именуемое в дальнейшем «Покупатель», в лице", text)
        self.assertNotIn("гражданин", text)
        self.assertNotIn("Ромашка» /", text, "the company's signatory is a line to fill in, not its name")
        lead.partner_name = "ООО Ипподром"  # a company, not «ИП подром»
        text = self.render_html(lead, "contract")
        self.assertIn("с одной стороны, и ООО Ипподром, именуемое в дальнейшем «Покупатель», в лице", text)
        self.assertNotIn("ЕГРИП", text)
        lead.partner_name = "И.П. Петрова Мария Ивановна"  # the title typed otherwise: printed once, in full
        text = self.render_html(lead, "contract")
        self.assertIn("с одной стороны, и Индивидуальный предприниматель Петрова Мария Ивановна, действующая на "
                      "основании записи в ЕГРИП, именуемая в дальнейшем «Покупатель»", text)
        self.assertNotIn("И.П.", text)
        lead.partner_name = "ИП Петрова Мария Ивановна"
        text = self.render(lead, "contract")
        self.assertIn("с одной стороны, и Индивидуальный предприниматель Петрова Мария Ивановна, действующая на "
                      "основании записи в ЕГРИП, именуемая", text)  # no ОГРНИП known: no empty one
        self.assertIn("/ Петрова М. И. /", text)

    def test_foreign_customer_is_not_a_russian_sole_trader(self):
        """A Kazakh LLP has a 12-digit БИН: it is not a Russian sole trader with an ОГРНИП, nor is its БИН an ИНН."""
        kazakh = self.env["res.partner"].create({"name": "ТОО «Алма»", "is_company": True, "vat": "123456789012",
                                                 "country_id": self.env.ref("base.kz").id, "company_registry": "77"})
        self.order.partner_id = kazakh
        text = self.render(self.order, "contract")
        self.assertIn("с одной стороны, и ТОО «Алма», именуемое в дальнейшем «Покупатель», в лице", text)
        self.assertNotIn("ЕГРИП", text)
        self.assertIn("БИН/ИИН 123456789012", text)
        self.assertNotIn("ИНН 123456789012", text.replace("БИН/ИИН", ""))
        self.assertIn("Рег. номер 77", text)
        text = self.render(self.order, "offer")
        self.assertIn("Кому: ТОО «Алма», БИН/ИИН 123456789012", text)

    def test_request_without_a_name(self):
        """A request from a phone call has no name yet: a line to fill in, not «гражданин(ка) , именуемый»."""
        lead = self.env["crm.lead"].create({"name": "Звонок", "type": "opportunity", "phone": "+79161234567",
                                            "ecom_product_id": self.car_seat.id})
        text = self.render(lead, "contract")
        self.assertIn("с одной стороны, и гражданин(ка) _______________, именуемый(ая) в дальнейшем «Покупатель»",
                      text)
        self.render(lead, "offer")
        self.assert_row("Кому: _______________")

    def test_send_by_email_attaches_the_pdf(self):
        action = self.order.with_user(self.salesman).action_ecom_send_contract()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = Form(self.env["mail.compose.message"].with_user(self.salesman).with_context(**action["context"]))
        # in the customer's language (Russian), as the template says
        self.assertEqual(composer.subject, f"Договор поставки {self.order.name}")
        wizard = composer.save()
        self.assertEqual(wizard.attachment_ids.mapped("name"), [f"Договор поставки {self.order.name}.pdf"])
        self.assertEqual(wizard.partner_ids, self.customer)
        self.assertIn("Направляем вам договор поставки со спецификацией. Пожалуйста, подпишите его и пришлите нам "
                      "скан; оригинал можно отправить почтой или передать вместе с товаром.", wizard.body)
        self.assertNotIn("к договору поставки №", wizard.body)
        self.assertIn("Петровой Анны Сергеевны", pdf_text(wizard.attachment_ids.raw))
        wizard.action_send_mail()
        message = self.order.message_ids[0]
        self.assertEqual(message.attachment_ids.mapped("name"), [f"Договор поставки {self.order.name}.pdf"])
        self.assertEqual(message.partner_ids, self.customer)
        self.assertEqual(message.attachment_ids.res_model, "sale.order")

    def compose_contract(self, record):
        """The mail composer of the record's «Supply contract» as the salesman opens it, saved: its subject and
        body rendered in the customer's language, the PDF attached."""
        action = record.with_user(self.salesman).action_ecom_send_contract()
        return Form(self.env["mail.compose.message"].with_user(self.salesman).with_context(**action["context"])).save()

    def assertContractMail(self, record, subject, sentence, attachment):
        """The supply contract's e-mail of ``record`` as composed: its subject, a sentence of its body, its
        attachment's name; the composer returned."""
        wizard = self.compose_contract(record)
        self.assertEqual(wizard.subject, subject)
        self.assertIn(sentence, wizard.body)
        self.assertEqual(wizard.attachment_ids.mapped("name"), [attachment])
        return wizard

    def test_the_specification_to_a_contract_is_named_so_in_its_file_and_email(self):
        """An order under a contract prints its specification to it: the PDF's name and the e-mail say so, in
        the customer's language; the contract's «/» is a dash in the file's name (a folder to a mail client)."""
        self.env["res.lang"]._activate_lang("en_US")
        name = self.order.name
        self.order.write({"ecom_contract_number": "15/2026", "ecom_contract_date": "2026-01-20"})
        order = self.order.with_context(lang="ru_RU")
        self.assertEqual(order._ecom_document_title("contract"), f"Спецификация № {name} к договору № 15/2026")
        self.assertEqual(order._ecom_document_filename("contract"), f"Спецификация № {name} к договору № 15-2026")
        self.assertEqual(order._ecom_document_filename("invoice"), f"Счёт на оплату {name}")  # its own number
        self.assertEqual(self.order.with_context(lang="en_US")._ecom_document_filename("contract"),
                         f"Specification {name} to contract 15-2026")
        wizard = self.assertContractMail(
            self.order, f"Спецификация № {name} к договору № 15/2026",
            "Направляем вам спецификацию к договору поставки № 15/2026. Пожалуйста, подпишите её и пришлите нам скан",
            f"Спецификация № {name} к договору № 15-2026.pdf")
        self.assertNotIn("договор поставки со спецификацией", wizard.body)
        self.assertIn(f"СПЕЦИФИКАЦИЯ № {name}", pdf_text(wizard.attachment_ids.raw))
        # a customer writing in English gets it in English; a request prints its quotation's specification
        self.customer.lang = "en_US"
        wizard = self.assertContractMail(
            self.order, f"Specification {name} to contract 15/2026",
            "please find attached the specification to our supply contract No. 15/2026. Please sign it and send us "
            "a scanned copy", f"Specification {name} to contract 15-2026.pdf")
        self.assertNotIn("supply contract with its specification", wizard.body)
        lead = self.env["crm.lead"].create({"name": "Коляска", "type": "opportunity", "partner_id": self.customer.id,
                                            "user_id": self.salesman.id, "order_ids": [Command.link(self.order.id)]})
        self.assertEqual(lead.with_context(lang="ru_RU")._ecom_document_title("contract"),
                         f"Спецификация № {name} к договору № 15/2026")
        self.assertContractMail(  # the request's own template, its body alike
            lead, f"Specification {name} to contract 15/2026",
            "please find attached the specification to our supply contract No. 15/2026.",
            f"Specification {name} to contract 15-2026.pdf")

    def test_a_specifications_file_name_holds_no_character_a_file_system_refuses_nor_too_many(self):
        """A contract's number typed with what Windows or a mail client refuses in a file's name: each a dash;
        pasted with its whole title, the name is cut with an ellipsis, short enough to be saved (255 bytes, a
        Cyrillic letter two), the e-mail's subject whole."""
        name = self.order.name
        order = self.order.with_context(lang="ru_RU")
        order.ecom_contract_number = 'ДП:15\\2026*"А"?<1>|\tот 20.01.2026'
        self.assertEqual(order._ecom_document_filename("contract"),
                         f"Спецификация № {name} к договору № ДП-15-2026--А---1---от 20.01.2026")
        order.ecom_contract_number = "15/2026 " + " ".join(["на поставку детских товаров и принадлежностей"] * 5)
        filename = order._ecom_document_filename("contract")
        self.assertLessEqual(len(filename), 120)
        self.assertLessEqual(len(f"{filename}.pdf".encode()), 255)
        self.assertTrue(filename.startswith(f"Спецификация № {name} к договору № 15-2026 на поставку детских"))
        self.assertTrue(filename.endswith("…"))
        self.assertNotIn(" …", filename)
        self.assertEqual(order._ecom_document_title("contract"),
                         f"Спецификация № {name} к договору № {order.ecom_contract_number}")
        wizard = self.compose_contract(self.order)
        self.assertEqual(wizard.attachment_ids.mapped("name"), [f"{filename}.pdf"])
        self.assertEqual(wizard.subject, order._ecom_document_title("contract"))

    def test_a_contract_without_one_keeps_its_name_in_english(self):
        """An order under no contract: its supply contract, named so (in Russian:
        test_send_by_email_attaches_the_pdf)."""
        self.env["res.lang"]._activate_lang("en_US")
        self.customer.lang = "en_US"
        wizard = self.assertContractMail(
            self.order, f"Supply contract {self.order.name}",
            "please find attached the supply contract with its specification. Please sign it and send us a scanned "
            "copy; the original can be sent by post or handed over with the goods.",
            f"Supply contract {self.order.name}.pdf")
        self.assertNotIn("to our supply contract No.", wizard.body)

    def test_send_from_a_lead_in_the_customers_language(self):
        lead = self.env["crm.lead"].create({"name": "Коляска", "type": "opportunity", "partner_id": self.customer.id,
                                            "user_id": self.salesman.id, "ecom_product_id": self.stroller.id})
        action = lead.with_user(self.salesman).action_ecom_send_offer()
        composer = Form(self.env["mail.compose.message"].with_user(self.salesman).with_context(**action["context"]))
        self.assertEqual(composer.subject, f"Коммерческое предложение {lead.id}")
        wizard = composer.save()
        self.assertEqual(wizard.attachment_ids.mapped("name"), [f"Коммерческое предложение {lead.id}.pdf"])
        self.assertEqual(wizard.partner_ids, self.customer)
        self.assertIn("Коляска Cybex Priam", pdf_text(wizard.attachment_ids.raw))

    def test_invoice_for_payment_pdf_with_its_qr_code(self):
        """The invoice for payment as wkhtmltopdf prints it (test_documents_invoice reads its HTML in
        detail): its bank block, rows and totals on their lines, the payment QR code an image in the PDF,
        sent with the PDF attached."""
        text = self.render(self.order, "invoice")
        self.assertIn(f"Счёт на оплату № {self.order.name} от", text)
        self.assert_row("ПАО Сбербанк БИК 044525225")
        self.assert_row(f"ИНН {ORG_INN} КПП {ORG_KPP} Сч. № 40702810938000000001")
        self.assert_row("1 Коляска Cybex Priam 1 шт 89 990,00 89 990,00")
        self.assert_row("Без налога (НДС) -")
        self.assert_row("Всего к оплате: 138 991,00")
        self.assertIn("Сто тридцать восемь тысяч девятьсот девяносто один рубль 00 копеек", text)
        self.assertIn("Руководитель _______________ / Иванов И. И. /", text)
        action = self.order.with_user(self.salesman).action_ecom_send_invoice()
        composer = Form(self.env["mail.compose.message"].with_user(self.salesman).with_context(**action["context"]))
        self.assertEqual(composer.subject, f"Счёт на оплату {self.order.name}")
        wizard = composer.save()
        self.assertEqual(wizard.attachment_ids.mapped("name"), [f"Счёт на оплату {self.order.name}.pdf"])
        pdf = wizard.attachment_ids.raw
        self.assertIn("Оплата по QR-коду", pdf_text(pdf))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            listing = subprocess.run(["pdfimages", "-list", file.name], capture_output=True, check=True).stdout
        # its images (the lines after the two of the header): the QR code, no logo (the company has none)
        images = [line.split() for line in listing.decode().splitlines()[2:]]
        self.assertEqual([image[2] for image in images if image[2] == "image"], ["image"], images)
