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
