"""Who sees what, through RPC as each user would: a salesperson of their own documents sees the
journal, calls and timeline of their requests (and unassigned ones), not the API sources; the
intake API runs as a technical user with the rights it needs, not as the superuser."""

import json

from odoo.tests import new_test_user, tagged

from .common import IntakeCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestAccess(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = new_test_user(cls.env, login="own_docs", groups="sales_team.group_sale_salesman")
        cls.other = new_test_user(cls.env, login="other_seller", groups="sales_team.group_sale_salesman")
        cls.all_docs = new_test_user(cls.env, login="all_docs", groups="sales_team.group_sale_salesman_all_leads")
        cls.clerk = new_test_user(cls.env, login="clerk", groups="base.group_user")
        cls.sales_manager = new_test_user(cls.env, login="acc_manager", groups="sales_team.group_sale_manager")

    def rpc(self, user, model, method, *args, **kwargs):
        payload = {"jsonrpc": "2.0", "method": "call", "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs]}}
        answer = self.url_open("/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"})
        return answer.json()

    def ids_seen(self, user, model):
        answer = self.rpc(user, model, "search_read", [], fields=["id"])
        self.assertNotIn("error", answer, answer.get("error"))
        return {row["id"] for row in answer["result"]}

    def test_salesperson_sees_the_journal_calls_and_timeline_of_their_requests(self):
        Lead = self.env["crm.lead"]
        mine = Lead.browse(self.post({"phone": "+79160008001", "name": "Моя Клиентка"}).json()["lead_id"])
        theirs = Lead.browse(self.post({"phone": "+79160008002", "name": "Чужой Клиент"}).json()["lead_id"])
        mine.user_id, theirs.user_id = self.own, self.other
        for lead, call_id in ((mine, "acc-1"), (theirs, "acc-2")):
            self.url_open("/ecom_crm/api/v1/calls", data=json.dumps(
                {"event": "finished", "call_id": call_id, "caller": lead.phone, "duration": 10}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"})
        Journal, Call, Timeline = (self.env[m] for m in ("ecom.intake.request", "ecom.call", "ecom.customer.timeline"))
        seen = self.ids_seen(self.own, "ecom.intake.request")
        self.assertTrue(set(mine.ecom_intake_ids.ids) <= seen)
        self.assertFalse(set(theirs.ecom_intake_ids.ids) & seen, "another salesperson's requests stay theirs")
        calls = self.ids_seen(self.own, "ecom.call")
        self.assertTrue(set(Call.search([("lead_id", "=", mine.id)]).ids) <= calls)
        self.assertFalse(set(Call.search([("lead_id", "=", theirs.id)]).ids) & calls)
        events = self.ids_seen(self.own, "ecom.customer.timeline")
        self.assertTrue(Timeline.search([("res_model", "=", "crm.lead"), ("res_id", "=", mine.id)]).ids[0] in events)
        self.assertFalse(set(Timeline.search([("res_model", "=", "crm.lead"), ("res_id", "=", theirs.id)]).ids)
                         & events)
        everything = self.ids_seen(self.all_docs, "ecom.intake.request")
        self.assertTrue(set((mine | theirs).ecom_intake_ids.ids) <= everything, "all documents: everything")
        self.assertEqual(len(Journal.search([("id", "in", list(everything))])), len(everything))

    def test_a_call_without_request_or_customer_is_its_salespersons_or_everyones_if_nobodys(self):
        """A call that reached no request and no customer (a hidden number, a number nobody has) is the
        salesperson's who made or answered it: another salesperson does not read its number; one that
        nobody answered is everyone's, so that anyone can call back."""
        Call = self.env["ecom.call"]
        missed = Call.create({"call_id": "acc-missed", "caller": "+79160008011", "state": "missed"})
        others = Call.create({"call_id": "acc-others", "caller": "+79160008012", "user_id": self.other.id})
        own = Call.create({"call_id": "acc-own", "caller": "+79160008013", "user_id": self.own.id})
        seen = set(Call.with_user(self.own).search([("id", "in", (missed | others | own).ids)]).ids)
        self.assertEqual(seen, {missed.id, own.id})
        self.assertEqual(set(Call.with_user(self.other).search([("id", "in", (missed | others | own).ids)]).ids),
                         {missed.id, others.id})
        self.assertEqual(len(Call.with_user(self.all_docs).search([("id", "in", (missed | others | own).ids)])), 3)

    def test_salespeople_do_not_read_api_sources_nor_others_scores(self):
        for user in (self.own, self.all_docs):
            answer = self.rpc(user, "ecom.intake.source", "search_read", [], fields=["name", "key_prefix"])
            self.assertIn("error", answer, "API sources are for sales managers")
        self.assertNotIn("error", self.rpc(self.sales_manager, "ecom.intake.source", "search_read", [],
                                           fields=["name"]))

    def test_the_api_runs_as_its_technical_user(self):
        api_user = self.env.ref("ecom_crm.user_intake_api")
        self.assertFalse(api_user.active, "it cannot log in")
        self.assertFalse(api_user._is_superuser() or api_user.has_group("base.group_system")
                         or api_user.has_group("sales_team.group_sale_manager"))
        answer = self.post({"phone": "+79160008003", "name": "Технический Путь"}).json()
        entry = self.env["ecom.intake.request"].browse(answer["request_id"])
        self.assertEqual((entry.create_uid, entry.lead_id.create_uid, entry.partner_id.create_uid),
                         (api_user, api_user, api_user))
        queued = self.post({"phone": "+79160008004"}, wait=False).json()
        self.assertEqual(self.env["ecom.intake.request"].browse(queued["request_id"]).create_uid, api_user)
        cron = self.env.ref("ecom_crm.ir_cron_process_intake")
        self.assertEqual(cron.user_id, api_user, "the queue is processed with the same rights")
        self.env["ecom.intake.request"].with_user(api_user).with_context(
            allowed_company_ids=self.env.company.ids)._cron_process_pending(auto_commit=False)
        entry = self.env["ecom.intake.request"].browse(queued["request_id"])
        self.assertEqual((entry.state, entry.lead_id.create_uid), ("done", api_user))

    def test_each_scheduled_action_may_run_as_its_user(self):
        """A scheduled action runs a server action, which needs its user's write access to its model."""
        crons = self.env["ir.cron"].search([("id", "in", [
            self.env["ir.model.data"]._xmlid_to_res_id(f"ecom_crm.{name}") for name in (
                "ir_cron_stage_time_limits", "ir_cron_customer_cards", "ir_cron_process_intake",
                "ir_cron_intake_quotations")])])
        self.assertEqual(len(crons), 4)
        for cron in crons:
            with self.subTest(cron=cron.cron_name):
                self.env[cron.model_id.model].with_user(cron.user_id).check_access("write")

