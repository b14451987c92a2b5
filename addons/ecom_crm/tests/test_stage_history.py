from datetime import timedelta

from odoo.tests import tagged

from .common import ReportCase


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestStageHistory(ReportCase):
    def stays(self, lead):
        return [(s.stage_id, s.date_in, s.date_out, s.duration)
                for s in self.History.search([("lead_id", "=", lead.id)], order="date_in, id")]

    def test_recorded_from_creation_to_loss_and_back(self):
        T0, h = self.T0, timedelta(hours=1)
        with self.at(0):
            lead = self._lead(expected_revenue=1000)
        with self.at(2):
            lead.stage_id = self.stage_contact
        with self.at(5):
            lead.with_context(ecom_lost_reason_id=self.reason_expensive.id).action_set_lost(
                lost_reason_id=self.reason_expensive.id)
        self.assertEqual(self.stays(lead), [
            (self.stage_new, T0, T0 + 2 * h, 2.0),
            (self.stage_contact, T0 + 2 * h, T0 + 5 * h, 3.0),
        ], "a lost request's last stay ends when it is lost; no stay is open")
        with self.at(8):
            lead.action_unarchive()  # restored where it was lost
        self.assertEqual(self.stays(lead)[-1], (self.stage_contact, T0 + 8 * h, False, 0.0))
        with self.at(9):
            lead.write({"stage_id": self.stage_refused.id, "lost_reason_id": self.reason_expensive.id})
        self.assertEqual(self.stays(lead)[-1], (self.stage_contact, T0 + 8 * h, T0 + 9 * h, 1.0),
                         "dropping it in a refusal stage ends the stay and opens none")
        self.assertEqual(len(self.stays(lead)), 3)
        stay = self.History.search([("lead_id", "=", lead.id)], limit=1)
        self.assertEqual((stay.user_id, stay.company_id), (self.salesman, lead.company_id))

    def test_set_based_and_idempotent(self):
        with self.at(0):
            leads = self._lead() | self._lead() | self._lead()
        with self.at(3):
            leads.write({"stage_id": self.stage_contact.id})
        self.assertEqual(self.History.search_count([("lead_id", "in", leads.ids)]), 6)
        self.env.flush_all()
        with self.assertQueryCount(2):  # one UPDATE and one INSERT for the whole batch
            self.History._ecom_record(leads.ids)
        self.assertEqual(self.History.search_count([("lead_id", "in", leads.ids), ("date_out", "=", False)]), 3)
        self.assertEqual(self.History.search_count([("lead_id", "in", leads.ids)]), 6)

    def test_reconstruct_from_tracking(self):
        T0, h = self.T0, timedelta(hours=1)
        moved, lost, untracked = self._lead(), self._lead(), self._lead(stage_id=self.stage_deciding.id)
        leads = moved | lost | untracked
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")

        def track(lead, when, old, new):
            self.env["mail.message"].create({
                "model": "crm.lead", "res_id": lead.id, "date": when, "message_type": "notification",
                "tracking_value_ids": [(0, 0, {"field_id": field.id, "old_value_integer": old.id,
                                               "new_value_integer": new.id})]})

        # what a database that used the addon before has: tracked moves, no stays
        track(moved, T0 + 10 * h, self.stage_contact, self.stage_deciding)
        track(moved, T0 + 2 * h, self.stage_new, self.stage_contact)
        track(lost, T0 + 5 * h, self.stage_new, self.stage_refused)
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)", [T0, leads.ids])
        self.env.cr.execute("""UPDATE crm_lead SET stage_id = %s, active = false, date_closed = %s,
                                      lost_reason_id = %s WHERE id = %s""",
                            [self.stage_refused.id, T0 + 5 * h, self.reason_expensive.id, lost.id])
        self.env.cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id = %s", [self.stage_deciding.id, moved.id])
        self.env.cr.execute("DELETE FROM ecom_lead_stage_history WHERE lead_id = ANY(%s)", [leads.ids])
        self.env.invalidate_all()

        self.assertEqual(self.History._ecom_reconstruct(), 5)
        self.assertEqual(self.stays(moved), [
            (self.stage_new, T0, T0 + 2 * h, 2.0),
            (self.stage_contact, T0 + 2 * h, T0 + 10 * h, 8.0),
            (self.stage_deciding, T0 + 10 * h, False, 0.0),
        ])
        self.assertEqual(self.stays(lost), [(self.stage_new, T0, T0 + 5 * h, 5.0)],
                         "the move into the refusal stage ends the stay; none is kept in that stage")
        self.assertEqual(self.stays(untracked), [(self.stage_deciding, T0, False, 0.0)])
        self.assertEqual(self.History._ecom_reconstruct(), 0, "running it again adds nothing")
