import re

from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import ru_words


@tagged("post_install", "-at_install", "ecom_crm")
class TestDocumentsHtml(HttpCase):
    """A salesperson with the lowest rights, in Russian, prints the commercial offer of their
    quotation as the browser shows it (the HTML report: no wkhtmltopdf needed)."""

    def test_offer_printed_in_russian_with_the_total_in_words(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        salesman = new_test_user(self.env, login="ecom_doc_salesman", groups="sales_team.group_sale_salesman",
                                 name="Анна Продавцова", lang="ru_RU")
        customer = self.env["res.partner"].create({"name": "ООО «Ромашка»", "is_company": True})
        product = self.env["product.product"].create({"name": "Коляска Cybex Priam", "list_price": 1234.5,
                                                      "taxes_id": [(5, 0, 0)]})
        order = self.env["sale.order"].create({
            "partner_id": customer.id, "user_id": salesman.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2, "tax_id": [(5, 0, 0)]})]})
        self.authenticate("ecom_doc_salesman", "ecom_doc_salesman")
        response = self.url_open(f"/report/html/ecom_crm.report_offer_sale_order/{order.id}")
        self.assertEqual(response.status_code, 200)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(style|script|title).*?</\1>", " ",
                                                                     response.text)))
        self.assertIn(f"Коммерческое предложение № {order.name}", text)
        self.assertIn("Всего к оплате: 2 469,00", text)
        words = ru_words.capitalize(ru_words.amount_in_words(2469, order.currency_id.name))
        self.assertIn(words, text, "the total in words, in the order's currency")
        self.assertIn("Ваш менеджер: Анна Продавцова", text)
        latin = set(re.findall(r"[A-Za-z]{3,}", text)) - {"Cybex", "Priam", "example", "com"}
        self.assertFalse(latin - set(re.findall(r"[A-Za-z]{3,}", self.env.company.name)), "no English left")
