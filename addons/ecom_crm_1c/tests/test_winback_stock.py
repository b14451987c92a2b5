from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import ImporterCase, offers_package, path

DAY0 = datetime(2026, 5, 4, 10, 0)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestWinbackWith1cStock(ImporterCase):
    """The win-back rules of ecom_crm read the stock and the prices 1C sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="1c_winback_salesman", groups="sales_team.group_sale_salesman")
        cls.importer._import_catalog(path("official-2.04", "import.xml"))
        cls.importer._import_offers(path("official-2.04", "offers.xml"))
        cls.white = cls.env["product.product"].search(
            [("ecom_1c_id", "=", "05e26d70-01e4-11dc-a411-00055d80a2d1#05e26d76-01e4-11dc-a411-00055d80a2d1")])
        cls.customer = cls.env["res.partner"].create({"name": "Егорова Алла"})
        cls.price_type = cls.env["ecom.1c.price.type"].search([("target", "=", "list_price")])

    def offers(self, price, qty):
        self.importer._import_offers(offers_package(self.price_type.ecom_1c_id, [(self.white.ecom_1c_id, price)],
                                                    quantities={self.white.ecom_1c_id: qty}))

    def lose(self, reason_xmlid):
        lead = self.env["crm.lead"].create({"name": "Стол", "type": "opportunity", "partner_id": self.customer.id,
                                            "user_id": self.salesman.id, "ecom_product_id": self.white.id})
        lead.action_set_lost(lost_reason_id=self.env.ref(reason_xmlid).id)
        return lead

    def tasks(self, lead):
        return self.env["mail.activity"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "=", lead.id),
            ("activity_type_id", "=", self.env.ref("ecom_crm.mail_activity_type_winback").id)])

    def test_back_in_stock_by_the_1c_stock(self):
        self.offers(100, 0)
        self.assertEqual(self.white._ecom_available_quantities(), {self.white.id: 0.0})
        with freeze_time(DAY0):
            lead = self.lose("ecom_crm.lost_reason_out_of_stock")
        winback = self.env["ecom.winback"].search([("lead_id", "=", lead.id)])
        self.assertEqual((winback.line_ids.product_id, winback.line_ids.qty_at_refusal), (self.white, 0.0))
        with freeze_time(DAY0 + timedelta(days=1)):
            self.env["ecom.winback"]._cron_evaluate()
        self.assertFalse(self.tasks(lead))
        self.offers(100, 4)  # 1C says the table is back
        for day in (2, 3):
            with freeze_time(DAY0 + timedelta(days=day)):
                self.env["ecom.winback"]._cron_evaluate()
        self.assertEqual(len(self.tasks(lead)), 1, "once")
        self.assertEqual(winback.state, "done")

    def test_price_drop_by_the_1c_price(self):
        self.offers(100, 3)
        with freeze_time(DAY0):
            lead = self.lose("ecom_crm.lost_reason_too_expensive")
        self.offers(90, 3)
        with freeze_time(DAY0 + timedelta(days=1)):
            self.env["ecom.winback"]._cron_evaluate()
        self.assertEqual(len(self.tasks(lead)), 1)
