from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestRefusalTour(HttpCase):
    def test_drop_into_refusal_stage_asks_for_reason(self):
        user = new_test_user(self.env, login="ecom_tour_salesman", groups="sales_team.group_sale_salesman",
                             name="Менеджер тура", lang="en_US")
        # empty columns folded, so that the refusal column is on screen for the drag
        for xmlid in ("first_contact", "deciding", "awaiting_payment", "sold"):
            self.env.ref(f"ecom_crm.crm_stage_{xmlid}").fold = True
        refused = self.env["crm.stage"].create({"name": "Refused", "sequence": 90, "ecom_is_refusal": True})
        new_request = self.env.ref("ecom_crm.crm_stage_new_request")
        lead = self.env["crm.lead"].create({"name": "Коляска для тура отказа", "type": "opportunity",
                                            "user_id": user.id, "stage_id": new_request.id})
        self.start_tour("/odoo/crm", "ecom_crm_refusal_stage", login="ecom_tour_salesman")
        lead.invalidate_recordset()
        self.assertFalse(lead.active)
        self.assertIn(lead.lost_reason_id, self.env["crm.lost.reason"].search([]), "the reason picked in the dialog")
        self.assertEqual(lead.stage_id, refused)
        self.assertEqual(lead.ecom_lost_stage_id, new_request)

    def test_refusal_in_russian(self):
        """The same drop by a salesperson working in Russian: the dialog, its required reason and the
        short list of reasons behave the same."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.ref("ecom_crm.lost_reason_too_expensive").sequence = -1  # the first one in the dialog
        new_test_user(self.env, login="ecom_tour_salesman_ru", groups="sales_team.group_sale_salesman",
                      name="Менеджер тура", lang="ru_RU")
        for xmlid in ("first_contact", "deciding", "awaiting_payment", "sold"):
            self.env.ref(f"ecom_crm.crm_stage_{xmlid}").fold = True
        self.env["crm.stage"].create({"name": "Refused", "sequence": 90, "ecom_is_refusal": True})
        lead = self.env["crm.lead"].create({"name": "Коляска для тура отказа", "type": "opportunity",
                                            "user_id": self.env.ref("base.user_admin").id,
                                            "stage_id": self.env.ref("ecom_crm.crm_stage_new_request").id})
        lead.user_id = self.env["res.users"].search([("login", "=", "ecom_tour_salesman_ru")])
        self.start_tour("/odoo/crm", "ecom_crm_refusal_stage", login="ecom_tour_salesman_ru")
        lead.invalidate_recordset()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.env.ref("ecom_crm.lost_reason_too_expensive"))
        self.assertEqual(lead.with_context(lang="ru_RU").lost_reason_id.name, "Дорого")
