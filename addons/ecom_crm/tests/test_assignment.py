from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.crm_team import SALESPERSON_LOCK_CLASS
from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestAssignmentByLoad(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "Продажи магазина", "ecom_assign_by_load": True})
        cls.users = [new_test_user(cls.env, login=f"seller{i}", groups="sales_team.group_sale_salesman",
                                   name=f"Продавец {i}") for i in range(3)]
        cls.members = cls.env["crm.team.member"].create(
            [{"crm_team_id": cls.team.id, "user_id": user.id} for user in cls.users])

    def _new(self, **vals):
        return self.Lead.create({"name": "Заявка", "type": "opportunity", "team_id": self.team.id, **vals})

    def _give(self, user, count):
        for _i in range(count):
            self.Lead.create({"name": "Занята", "type": "opportunity", "team_id": self.team.id, "user_id": user.id})

    def test_lowest_load_wins(self):
        self._give(self.users[0], 3)
        self._give(self.users[1], 1)
        self._give(self.users[2], 2)
        self.assertEqual(self._new().user_id, self.users[1])

    def test_overdue_activities_weigh(self):
        self._give(self.users[0], 1)
        self._give(self.users[1], 1)
        self._give(self.users[2], 1)
        lead = self.Lead.search([("user_id", "=", self.users[1].id)], limit=1)
        lead.activity_schedule("mail.mail_activity_data_todo", user_id=self.users[1].id,
                               date_deadline=fields.Date.today() - timedelta(days=2))
        self.env.company.ecom_load_weight_overdue = 5
        self.assertNotEqual(self._new().user_id, self.users[1])

    def test_customers_own_manager_first(self):
        self._give(self.users[2], 10)
        customer = self.Partner.create({"name": "Постоянная клиентка", "user_id": self.users[2].id})
        self.assertEqual(self._new(partner_id=customer.id).user_id, self.users[2])
        self.members[2].ecom_available = False
        self.assertNotEqual(self._new(partner_id=customer.id).user_id, self.users[2],
                            "an unavailable manager gets nothing, even from their customers")

    def test_capacity_and_unavailability(self):
        self.members.write({"ecom_max_open_leads": 2})
        self._give(self.users[0], 2)
        self.members[1].ecom_available = False
        self.assertEqual(self._new().user_id, self.users[2])
        self.assertEqual(self._new().user_id, self.users[2])
        self.assertFalse(self._new().user_id, "everybody full or away: left for a manager, never overloaded")

    def test_the_administrator_of_the_default_team_gets_requests_until_unavailable_or_removed(self):
        """Odoo makes the administrator a member of the default team «Sales» (the README says so)."""
        team = self.env.ref("sales_team.team_sales_department")
        admin = self.env.ref("base.user_admin")
        membership = team.crm_team_member_ids.filtered(lambda m: m.user_id == admin)
        self.assertTrue(membership.ecom_available, "a membership is available unless marked otherwise")
        (team.crm_team_member_ids - membership).ecom_available = False
        team.ecom_assign_by_load = True
        new = self.Lead.create({"name": "Заявка", "type": "opportunity", "team_id": team.id})
        self.assertEqual(new.user_id, admin)
        membership.ecom_available = False
        self.assertFalse(self.Lead.create({"name": "Заявка", "type": "opportunity", "team_id": team.id}).user_id)
        membership.ecom_available = True
        membership.unlink()  # removed from the team
        self.assertFalse(self.Lead.create({"name": "Заявка", "type": "opportunity", "team_id": team.id}).user_id)

    def test_one_create_of_several_leads_respects_loads_and_maximums(self):
        self.members.write({"ecom_max_open_leads": 2})
        leads = self.Lead.create([{"name": f"Пакет {i}", "type": "opportunity", "team_id": self.team.id}
                                  for i in range(7)])
        counts = {user: len(leads.filtered(lambda lead, user=user: lead.user_id == user)) for user in self.users}
        self.assertEqual(sorted(counts.values()), [2, 2, 2], "spread by load, each up to the maximum")
        self.assertEqual(len(leads.filtered(lambda lead: not lead.user_id)), 1, "the seventh fits nobody")

    def test_a_salesperson_in_two_teams_holds_one_maximum(self):
        """With multiple memberships (Settings > CRM), a salesperson of two teams is counted once: their
        open requests of both teams against each membership's maximum, also within one batch that
        fills both teams."""
        self.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        other_team = self.env["crm.team"].create({"name": "Опт", "ecom_assign_by_load": True})
        solo = new_test_user(self.env, login="seller_wholesale", groups="sales_team.group_sale_salesman",
                             name="Оптовик")
        self.env["crm.team.member"].create([
            {"crm_team_id": other_team.id, "user_id": self.users[0].id, "ecom_max_open_leads": 3},
            {"crm_team_id": other_team.id, "user_id": solo.id, "ecom_max_open_leads": 3}])
        self.members.write({"ecom_max_open_leads": 3})
        self.members[1:].write({"ecom_available": False})
        leads = self.Lead.create([{"name": f"Пакет {i}", "type": "opportunity",
                                   "team_id": (self.team if i % 2 else other_team).id} for i in range(10)])
        shared = leads.filtered(lambda lead: lead.user_id == self.users[0])
        self.assertEqual(len(shared), 3, "three in both teams together, not three in each")
        self.assertEqual(len(leads.filtered(lambda lead: lead.user_id == solo)), 3)
        self.assertEqual(len(leads.filtered(lambda lead: not lead.user_id)), 4)
        # and one request at a time sees the other team's requests: one handed over frees a place
        shared[:1].user_id = self.users[1]
        self.assertEqual(self._new().user_id, self.users[0])
        self.assertFalse(self._new().user_id, "full again in both teams")

    def _locked_in_order(self, work):
        """The salespeople's ids in the order ``work`` takes their locks in this transaction."""
        locked, cursor_class = [], type(self.env.cr)
        execute = cursor_class.execute

        def spy(cr, query, params=None, log_exceptions=True):
            if isinstance(query, SQL) and "pg_advisory_xact_lock" in query.code \
                    and query.params[:1] == [SALESPERSON_LOCK_CLASS]:
                locked.extend(query.params[1])
            return execute(cr, query, params, log_exceptions)

        with patch.object(cursor_class, "execute", spy):
            work()
        return locked

    def test_several_teams_lock_their_salespeople_in_one_order(self):
        """A transaction assigning in two teams took the second team's locks after the first's: with
        the second's salespeople first in the order of the ids, it held one lock and waited for
        another that a transaction assigning in the second team alone held while waiting for it (a
        deadlock). Every lock of a batch, a queue's requests or Odoo's assignment is taken in one
        order, whatever the teams' order."""
        self.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        solo = new_test_user(self.env, login="seller_night", groups="sales_team.group_sale_salesman", name="Ночной")
        night = self.env["crm.team"].create({"name": "Ночная смена", "ecom_assign_by_load": True})
        self.env["crm.team.member"].create([{"crm_team_id": night.id, "user_id": user.id}
                                            for user in (solo, self.users[0])])
        expected = sorted({*self.team.crm_team_member_ids.user_id.ids, solo.id})
        locked = self._locked_in_order(lambda: self.Lead.create([
            {"name": "Ночью", "type": "opportunity", "team_id": night.id},
            {"name": "Днём", "type": "opportunity", "team_id": self.team.id}]))
        self.assertEqual(locked, expected, "a batch of two teams")
        self.Lead.create([{"name": f"Ждёт {team.name}", "type": "lead", "team_id": team.id, "user_id": False}
                          for team in (night, self.team)])
        locked = self._locked_in_order(lambda: (night | self.team)._assign_and_convert_leads())
        self.assertEqual(locked, expected, "Odoo's assignment of two teams")

    def test_own_manager_at_maximum(self):
        self.members.write({"ecom_max_open_leads": 3})
        self._give(self.users[2], 3)
        customer = self.Partner.create({"name": "Постоянная клиентка", "user_id": self.users[2].id})
        lead = self._new(partner_id=customer.id)
        self.assertIn(lead.user_id, self.users[:2], "a full manager is skipped like anybody else")
        self.team.ecom_own_manager_over_max = True
        self.assertEqual(self._new(partner_id=customer.id).user_id, self.users[2],
                         "unless the team wants customers to stay with their manager")

    def test_odoo_rule_based_assignment_keeps_maximums(self):
        self.members.write({"ecom_max_open_leads": 1})
        waiting = self.Lead.create([{"name": f"Ждёт {i}", "type": "lead", "team_id": self.team.id, "user_id": False}
                                    for i in range(5)])
        self.env["crm.team.member"].search([("crm_team_id", "=", self.team.id)]).write({"assignment_max": 30})
        self.team.with_user(self.sales_manager)._action_assign_leads(force_quota=True, creation_delta_days=0)
        counts = [len(waiting.filtered(lambda lead, user=user: lead.user_id == user)) for user in self.users]
        self.assertEqual(counts, [1, 1, 1], "Odoo's own assignment does not pass a by-load team's maximums")
        self.assertEqual(len(waiting.filtered(lambda lead: not lead.user_id)), 2)

    def test_nobody_free_tells_the_team_leader_or_a_manager(self):
        activity_type = self.env.ref("ecom_crm.mail_activity_type_unassigned")
        self.members.write({"ecom_max_open_leads": 0})
        self.team.user_id = self.sales_manager
        lead = self._new()
        self.assertFalse(lead.user_id)
        activity = lead.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(activity.user_id, self.sales_manager)
        self.team.user_id = False
        other = self._new()
        activity = other.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("sales_team.group_sale_manager") and activity.user_id.active)
        self.team.with_user(self.sales_manager)._action_assign_leads(force_quota=True, creation_delta_days=0)
        self.assertEqual(len(other.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1,
                         "told once, not at every assignment run")

    def test_nobody_free_a_burst_tells_once_per_request_in_the_leaders_language(self):
        activity_type = self.env.ref("ecom_crm.mail_activity_type_unassigned")
        self.env["res.lang"]._activate_lang("ru_RU")
        leader = new_test_user(self.env, login="leader_ru", groups="sales_team.group_sale_manager",
                               name="Руководитель", lang="ru_RU")
        self.members.write({"ecom_max_open_leads": 0})
        self.team.user_id = leader
        burst = self.Lead.create([{"name": f"Заявка {i}", "type": "opportunity", "team_id": self.team.id}
                                  for i in range(6)])
        activities = burst.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 6, "one activity on each request nobody could take")
        self.assertEqual(activities.mapped("res_id"), burst.ids)
        self.assertEqual(activities.user_id, leader)
        self.assertIn("Все доступные участники команды «Продажи магазина»", activities[0].note)
        self.assertTrue(all(leader.partner_id in lead.message_partner_ids for lead in burst),
                        "the leader follows the requests they must assign")
        burst._ecom_tell_unassigned()
        self.assertEqual(len(burst.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 6)

    def test_ties_round_robin(self):
        first = self._new().user_id
        second = self._new().user_id
        third = self._new().user_id
        self.assertEqual({first, second, third}, set(self.users), "equal loads: each in turn")

    def test_switched_off_per_team(self):
        self.team.ecom_assign_by_load = False
        lead = self.Lead.create({"name": "Заявка", "type": "opportunity", "team_id": self.team.id})
        self.assertFalse(lead.user_id in self.users)

    def test_explicit_salesperson_kept(self):
        lead = self._new(user_id=self.salesman.id)
        self.assertEqual(lead.user_id, self.salesman)

    def test_load_query_can_use_its_index(self):
        """The load is counted at every batch of requests: on a store's history (tens of thousands
        of leads per salesperson) only the partial index of open requests keeps it cheap. The ORM
        writes ``probability < 100`` with ``OR probability IS NULL``: the index must match that."""
        users = self.env["res.users"].union(*self.users)
        # a history: mostly won requests of these salespeople, a few open ones
        self.env.cr.execute(SQL("""
            INSERT INTO crm_lead (name, type, active, user_id, probability, company_id, date_open,
                                  create_date, write_date)
            SELECT 'history ' || i, 'opportunity', true, (%s::int[])[1 + mod(i, %s)],
                   CASE WHEN mod(i, 50) = 0 THEN 10 ELSE 100 END, %s, now(), now(), now()
              FROM generate_series(1, 5000) i
        """, users.ids, len(users), self.env.company.id))
        self.env.cr.execute("ANALYZE crm_lead")
        for written_at in (None, self.env.cr.now()):
            query = self.team._ecom_load_query(users.ids, fields.Date.today(), written_at)
            self.env.cr.execute(SQL("EXPLAIN %s", query))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
            self.assertIn("crm_lead_ecom_open_by_user_idx", plan)
        # the query counts what the ORM's domain finds
        loads = self.team._ecom_load_counts(self.team.crm_team_member_ids.user_id)
        for user, (count, _overdue, _last) in loads.items():
            self.assertEqual(count, self.env["crm.lead"].search_count([
                ("user_id", "=", user.id), ("type", "=", "opportunity"), ("probability", "<", 100)]))

    def test_own_manager_without_access_to_the_company_is_skipped(self):
        """A customer's manager who works for another company only cannot be given a request of
        this team's company (Odoo refuses the request: the whole batch of the intake failed)."""
        other = self.env["res.company"].create({"name": "Другой магазин"})
        self.team.company_id = self.env.company
        outsider = new_test_user(self.env, login="outsider", groups="sales_team.group_sale_salesman",
                                 name="Чужой продавец", company_id=other.id, company_ids=[other.id])
        customer = self.Partner.create({"name": "Клиентка другого магазина", "user_id": outsider.id})
        lead = self._new(partner_id=customer.id)
        self.assertIn(lead.user_id, self.users, "goes by load to a member of the team")

    def test_member_who_lost_access_to_the_company_is_skipped(self):
        other = self.env["res.company"].create({"name": "Другой магазин"})
        self.team.company_id = self.env.company
        for user in self.users[1:]:
            user.write({"company_ids": [(4, other.id)], "company_id": other.id})
            user.write({"company_ids": [(3, self.env.company.id)]})
        self.assertEqual({self._new().user_id for _i in range(3)}, {self.users[0]},
                         "only the member who still works for the team's company gets requests")

    def test_archived_member_and_archived_user_get_nothing(self):
        self.members[0].active = False
        self.users[1].active = False
        self.assertEqual({self._new().user_id for _i in range(3)}, {self.users[2]})
