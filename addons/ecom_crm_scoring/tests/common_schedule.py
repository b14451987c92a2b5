import json
from datetime import date, timedelta

from odoo import Command
from odoo.tests import new_test_user

from .common import ScoringCase

TODAY = date(2026, 11, 20)


class ScheduleCase(ScoringCase):
    """Salespeople with the lowest rights, a default team whose only member takes the customers
    without a salesperson, customers with orders, and scores written as the nightly job writes
    them (so that each test chooses the schedule it needs)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.ecom_scoring_activities = True
        cls.env["res.lang"]._activate_lang("ru_RU")
        salesman = "sales_team.group_sale_salesman"
        cls.anna = new_test_user(cls.env, login="score_anna", groups=salesman, name="Анна Звонарёва", lang="ru_RU")
        cls.boris = new_test_user(cls.env, login="score_boris", groups=salesman, name="Борис Продажин",
                                  lang="en_US")
        cls.vera = new_test_user(cls.env, login="score_vera", groups=salesman, name="Вера Дежурная", lang="en_US")
        cls.director = new_test_user(cls.env, login="score_director", groups="sales_team.group_sale_manager",
                                     name="Ольга Директорова", lang="en_US")
        # the company's default team (Odoo's rule): Vera is its only member
        cls.team = cls.env["crm.team"].with_company(cls.company)._get_default_team_id(user_id=False)
        cls.team.crm_team_member_ids.unlink()
        cls.team.crm_team_member_ids = [Command.create({"user_id": cls.vera.id})]

        cls.anna_now = cls._customer("Иванова Мария Сергеевна", cls.anna)
        cls.anna_later = cls._customer("Петров Олег Викторович", cls.anna)
        cls.anna_dnd = cls._customer("Сидорова Елена Павловна", cls.anna)
        cls.boris_now = cls._customer("Кузнецов Андрей Ильич", cls.boris)
        cls.shared_now = cls._customer("Смирнова Татьяна Юрьевна", None)
        cls.Score = cls.env["ecom.customer.score"]
        cls.Activity = cls.env["mail.activity"]
        cls.kind = cls.Activity._ecom_scoring_activity_type()

    @classmethod
    def _customer(cls, name, user):
        partner = cls._customer_with_orders(name, [30, 95])
        partner.user_id = user
        return partner

    @classmethod
    def _score(cls, partner, decision, day=TODAY, code=None, group="growth", priority=100.0, score=60, **extra):
        """Write ``partner``'s score as the nightly job would (the salesperson from the customer)."""
        code = code or {"now": group, "later": "due_later", "dnd": "ordered_recently"}[decision]
        params = {"date": day.isoformat(), "days": 3, "gap": 30}
        row = {
            "partner_id": partner.id, "user_id": partner.user_id.id or None, "probability": score / 100,
            "score": score, "recency": 4, "frequency": 3, "monetary": 4, "segment": "loyal", "group": group,
            "expected_value": 2990.0, "stake": 9000.0, "decision": decision, "decision_date": day,
            "decision_code": code, "decision_params": json.dumps(params), "priority": priority,
            "reasons_data": json.dumps([["recency", {"days": 30}], ["frequency", {"orders": 2}]]),
            "last_order": TODAY - timedelta(days=30), "order_count": 2, "scored_on": TODAY, **extra,
        }
        cls.env["ecom.customer.score"]._ecom_upsert(cls.company, {name: [value] for name, value in row.items()})
        return cls.env["ecom.customer.score"].search([("partner_id", "=", partner.id),
                                                      ("company_id", "=", cls.company.id)])

    @classmethod
    def _run(cls, day=TODAY, mode="full"):
        return cls.env["ecom.scoring.run"].create({"company_id": cls.company.id, "day": day, "mode": mode,
                                                   "state": "done"})

    def _open_activities(self, partner=None):
        domain = [("res_model", "=", "res.partner"), ("activity_type_id", "=", self.kind.id)]
        if partner is not None:
            domain.append(("res_id", "=", partner.id))
        return self.Activity.search(domain)

    def _morning(self, day=TODAY):
        """Today's schedule: Anna's customer to call now, another later, a third left alone,
        Boris's customer to call now and a customer without a salesperson to call now."""
        self._score(self.anna_now, "now", day, priority=300.0)
        self._score(self.anna_later, "later", day + timedelta(days=5))
        self._score(self.anna_dnd, "dnd", day + timedelta(days=4))
        self._score(self.boris_now, "now", day, group="risk", priority=200.0)
        self._score(self.shared_now, "now", day, group="watch", priority=100.0)
        self.Score._ecom_sync_activities(self.company, self._run(day))
