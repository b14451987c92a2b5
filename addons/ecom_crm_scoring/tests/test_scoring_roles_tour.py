from odoo.tests import HttpCase, new_test_user, tagged

from .common_schedule import ScheduleCase

TODAY_ACTION = "/odoo/action-ecom_crm_scoring.ecom_scoring_today_action"


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringRolesTour(HttpCase, ScheduleCase):
    """The scoring as each role clicks it in Russian, in a browser (static/tests/tours/
    ecom_crm_scoring_roles_tour.js): a salesperson, a team leader, the sales director, an
    administrator; what the clicks did is then read from the database."""

    def setUp(self):
        super().setUp()
        # the tours run on the real date: today's list is built for it
        self.day = self.env["ecom.scoring.run"]._store_today(self.company)
        self._morning(self.day)
        self.Score.flush_model()
        self.env["ecom.customer.suggestion"].create({
            "score_id": self.score_of(self.anna_later).id, "kind": "rebuy", "product_id": self.product.id,
            "probability": 0.4})
        for user in (self.boris, self.vera, self.director):
            user.lang = "ru_RU"

    def test_salesperson_logs_a_call_in_the_dialog_and_opens_a_card(self):
        self._score(self.anna_later, "now", self.day, priority=50.0)
        self.Score._ecom_sync_activities(self.company, self._run(self.day))
        self.start_tour(TODAY_ACTION, "ecom_crm_scoring_call_dialog", login="score_anna")
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertRecordValues(outcome, [{"outcome": "not_reached", "user_id": self.anna.id}])
        self.assertFalse(self._open_activities(self.anna_now))
        self.assertEqual(self.score_of(self.anna_now).contacted_on, outcome.date, "off today's list")
        # the chatter says what came of it in her language
        self.assertIn("Не дозвонились", self.anna_now.message_ids[0].body)

    def test_team_leader_hands_a_shared_contact_to_a_colleague(self):
        leader = new_test_user(self.env, login="score_leader", name="Лидия Руководова", lang="ru_RU",
                               groups="sales_team.group_sale_salesman_all_leads")
        self.team.user_id = leader
        activity = self._open_activities(self.shared_now)
        self.assertEqual(activity.user_id, self.vera, "handed to the default team's member by the night")
        self.start_tour(TODAY_ACTION, "ecom_crm_scoring_leader", login="score_leader")
        self.assertEqual(activity.user_id, self.boris)
        # on Boris's list now (his «My contacts»), the customer's score readable by him
        score = self.score_of(self.shared_now)
        self.assertEqual(score.activity_user_id, self.boris)
        mine = [("id", "=", score.id), "|", ("user_id", "=", self.boris.id), ("activity_user_id", "=", self.boris.id)]
        self.assertEqual(self.Score.with_user(self.boris).search(mine), score)

    def test_director_reads_the_dashboard_and_takes_a_group_as_an_audience(self):
        self.env["ecom.scoring.snapshot"]._ecom_take(self.company, self.day)
        self.start_tour("/odoo/action-ecom_crm_scoring.ecom_scoring_snapshot_action", "ecom_crm_scoring_director",
                        login="score_director")
        self.start_tour("/odoo/action-base.action_partner_form", "ecom_crm_scoring_audience", login="score_director")
        # the filter the tour clicked is the domain a mailing takes: the risk group, nobody else
        risk = self.env["res.partner"].with_user(self.director).search([("ecom_group", "=", "risk")])
        self.assertEqual(risk, self.boris_now)

    def test_admin_is_refused_a_percentage_too_high(self):
        new_test_user(self.env, login="score_admin", name="Алексей Админов", lang="ru_RU",
                      groups="base.group_system,sales_team.group_sale_manager")
        self.start_tour("/odoo/settings#crm", "ecom_crm_scoring_settings", login="score_admin")
        self.company.invalidate_recordset()
        self.assertEqual(self.company.ecom_scoring_growth_min_probability, 0.25, "nothing saved")
