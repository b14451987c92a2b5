from freezegun import freeze_time

from odoo.tests import tagged

from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestStageTimeLimit(EcomCrmCase):
    def test_overdue_flag_and_activity(self):
        self.assertEqual(self.stage_new.ecom_time_limit_hours, 2)
        lead = self._lead()
        fresh = self._lead(name="Свежая", stage_id=self.stage_deciding.id)  # no limit there
        # crm stamps the stage change with the database clock; put it at a known time
        (lead | fresh).write({"date_last_stage_update": "2026-11-20 09:00:00"})
        Activity = self.env["mail.activity"]
        overdue_type = self.env.ref("ecom_crm.mail_activity_type_stage_overdue")
        with freeze_time("2026-11-20 10:30:00"):
            self.assertFalse(self.Lead._cron_ecom_stage_time_limits())
        self.assertFalse(lead.ecom_overdue)
        with freeze_time("2026-11-20 11:30:00"):
            self.assertEqual(self.Lead._cron_ecom_stage_time_limits(), lead)
            self.assertFalse(self.Lead._cron_ecom_stage_time_limits(), "flagged once")
        self.assertTrue(lead.ecom_overdue)
        self.assertFalse(fresh.ecom_overdue)
        activity = Activity.search([("res_id", "=", lead.id), ("activity_type_id", "=", overdue_type.id)])
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman, "the request's salesperson is told")
        self.assertIn("New request", activity.summary)
        # moving on clears the flag and the now pointless activity
        lead.write({"stage_id": self.stage_contact.id})
        self.assertFalse(lead.ecom_overdue)
        self.assertFalse(activity.exists())

    def test_limit_configurable(self):
        self.stage_deciding.ecom_time_limit_hours = 48
        lead = self._lead(stage_id=self.stage_deciding.id)
        lead.date_last_stage_update = "2026-11-20 09:00:00"
        with freeze_time("2026-11-21 09:00:00"):
            self.assertFalse(self.Lead._cron_ecom_stage_time_limits())
        with freeze_time("2026-11-22 09:01:00"):
            self.assertEqual(self.Lead._cron_ecom_stage_time_limits(), lead)

    def test_nobody_to_tell_goes_to_the_team_leader_then_a_manager(self):
        leader_team = self.env["crm.team"].create({"name": "С руководителем", "user_id": self.sales_manager.id})
        orphan_team = self.env["crm.team"].create({"name": "Без руководителя"})
        with_leader = self._lead(user_id=False, team_id=leader_team.id)
        orphan = self._lead(user_id=False, team_id=orphan_team.id)
        (with_leader | orphan).write({"date_last_stage_update": "2026-11-20 09:00:00"})
        with freeze_time("2026-11-20 12:00:00"):
            self.Lead._cron_ecom_stage_time_limits()
        for lead in (with_leader, orphan):
            activity = lead.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("ecom_crm.mail_activity_type_stage_overdue"))
            self.assertEqual(len(activity), 1)
            self.assertTrue(activity.user_id.active and not activity.user_id.share, "never OdooBot")
            self.assertTrue(activity.user_id.has_group("sales_team.group_sale_manager"))
        self.assertEqual(with_leader.activity_ids.user_id, self.sales_manager)

    def test_restored_request_is_flagged_again(self):
        lead = self._lead()
        lead.write({"date_last_stage_update": "2026-11-20 09:00:00"})
        with freeze_time("2026-11-20 12:00:00"):
            self.assertEqual(self.Lead._cron_ecom_stage_time_limits(), lead)
        lead.action_set_lost(lost_reason_id=self.reason_expensive.id)
        with freeze_time("2026-11-25 09:00:00"):
            lead.toggle_active()
            self.assertFalse(lead.ecom_overdue, "restored: the clock starts again")
            self.assertFalse(self.Lead._cron_ecom_stage_time_limits(), "not overdue right after restoring")
        with freeze_time("2026-11-25 12:00:00"):
            self.assertEqual(self.Lead._cron_ecom_stage_time_limits(), lead, "flagged again once over the limit")
