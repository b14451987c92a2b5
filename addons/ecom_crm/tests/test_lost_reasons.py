import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestLostOnlyWithReason(EcomCrmCase):
    def assertStillOpen(self, *leads):
        for lead in leads:
            lead.invalidate_recordset()
            self.assertTrue(lead.active, "nothing half-written")
            self.assertFalse(lead.lost_reason_id)
            self.assertEqual(lead.stage_id, self.stage_new)
            self.assertFalse(lead.ecom_lost_stage_id)

    def test_lost_wizard(self):
        lead = self._lead()
        wizard = Form(self.env["crm.lead.lost"].with_user(self.salesman).with_context(
            active_ids=lead.ids, default_lead_ids=lead.ids))
        with self.assertRaises(AssertionError):  # required in the dialog
            wizard.save()
        self.assertStillOpen(lead)
        wizard.lost_reason_id = self.reason_expensive
        wizard.save().action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.reason_expensive)
        self.assertEqual(lead.probability, 0)

    def test_lost_wizard_server_side(self):
        lead = self._lead()
        wizard = self.env["crm.lead.lost"].with_user(self.salesman).new({"lead_ids": lead.ids})
        with self.assertRaises(UserError):
            wizard.action_lost_reason_apply()
        self.assertStillOpen(lead)

    def test_action_set_lost(self):
        lead = self._lead()
        with self.assertRaises(UserError):
            lead.with_user(self.salesman).action_set_lost()
        self.assertStillOpen(lead)
        lead.with_user(self.salesman).action_set_lost(lost_reason_id=self.reason_expensive.id)
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.reason_expensive)

    def test_archive_by_write_and_mass_action(self):
        leads = self._lead() | self._lead(name="Вторая заявка")
        with self.assertRaises(UserError):
            leads[0].with_user(self.salesman).write({"active": False})
        with self.assertRaises(UserError):
            leads.with_user(self.salesman).action_archive()  # «Archive» on a list selection
        self.assertStillOpen(*leads)
        leads.with_user(self.salesman).write({"active": False, "lost_reason_id": self.reason_expensive.id})
        self.assertEqual(leads.mapped("active"), [False, False])

    def test_refusal_stage_drop(self):
        lead = self._lead()
        with self.assertRaises(UserError):
            lead.with_user(self.salesman).write({"stage_id": self.stage_refused.id})
        self.assertStillOpen(lead)
        lead.with_user(self.salesman).write({"stage_id": self.stage_refused.id,
                                             "lost_reason_id": self.reason_expensive.id})
        self.assertFalse(lead.active)
        self.assertEqual(lead.stage_id, self.stage_refused)
        self.assertEqual(lead.ecom_lost_stage_id, self.stage_new, "lost at the stage it was dropped from")
        self.assertEqual(lead.probability, 0)

    def test_import(self):
        result = self.Lead.with_user(self.salesman).load(
            ["name", "type", "active"], [["Импорт без причины", "opportunity", "False"]])
        self.assertTrue(result["messages"])
        self.assertFalse(result["ids"])
        self.assertFalse(self.Lead.with_context(active_test=False).search([("name", "=", "Импорт без причины")]))
        result = self.Lead.with_user(self.salesman).load(
            ["name", "type", "active", "lost_reason_id/id"],
            [["Импорт с причиной", "opportunity", "False", "ecom_crm.lost_reason_too_expensive"]])
        self.assertFalse(result["messages"], result["messages"])
        lead = self.Lead.browse(result["ids"])
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, self.reason_expensive)

    def test_create_lost_needs_reason(self):
        with self.assertRaises(UserError):
            self._lead(active=False)

    def test_only_a_request_created_lost_is_lost_at_a_stage(self):
        """«Lost at stage» is the stage of a request created lost; one created open with a reason (an
        import's column, RPC) is not lost anywhere: no stage shown on it, none in its chatter."""
        lost = self._lead(stage_id=self.stage_contact.id, active=False, lost_reason_id=self.reason_expensive.id)
        self.assertEqual(lost.ecom_lost_stage_id, self.stage_contact)
        open_ = self._lead(stage_id=self.stage_contact.id, lost_reason_id=self.reason_expensive.id)
        self.assertTrue(open_.active)
        self.assertFalse(open_.ecom_lost_stage_id)
        self.assertFalse(open_.ecom_refusal_phase)

    def test_lost_stage_date_and_phase(self):
        early = self._lead(stage_id=self.stage_contact.id)
        late = self._lead(stage_id=self.stage_new.id)
        late.write({"stage_id": self.stage_payment.id, **self._ready_for_payment()})
        early.action_set_lost(lost_reason_id=self.reason_expensive.id)
        late.action_set_lost(lost_reason_id=self.reason_delivery_refused.id)
        self.assertEqual(early.ecom_lost_stage_id, self.stage_contact)
        self.assertEqual(late.ecom_lost_stage_id, self.stage_payment)
        self.assertTrue(early.date_closed and late.date_closed, "when it was lost")
        self.assertEqual(early.ecom_refusal_phase, "early")
        self.assertEqual(late.ecom_refusal_phase, "late", "refused at delivery is a late refusal")

    def test_restore_keeps_history(self):
        # created with tracking on: a record created untracked stays untracked in its transaction
        lead = self.Lead.with_context(tracking_disable=False).create(
            {"name": "Заявка", "type": "opportunity", "stage_id": self.stage_new.id})
        lead.write({"stage_id": self.stage_refused.id, "lost_reason_id": self.reason_expensive.id})
        self.env.cr.precommit.run()  # tracking is written at commit: losing and restoring are two requests
        lead.toggle_active()
        self.assertTrue(lead.active)
        self.assertFalse(lead.lost_reason_id)
        self.assertEqual(lead.stage_id, self.stage_new, "back to the stage it was lost at")
        self.assertFalse(lead.ecom_lost_stage_id)
        self.env.cr.precommit.run()  # tracking values are written at commit
        tracked = lead.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "lost_reason_id")
        self.assertIn(self.reason_expensive.name, tracked.mapped("old_value_char") + tracked.mapped("new_value_char"))


    def test_restored_by_write_loses_again_only_with_a_new_reason(self):
        # an import or RPC restores by writing active, not through Odoo's «Restore» (which clears the reason)
        lead = self._lead()
        lead.action_set_lost(lost_reason_id=self.reason_expensive.id)
        as_salesman = lead.with_user(self.salesman)
        as_salesman.write({"active": True})
        self.assertEqual((lead.active, lead.lost_reason_id), (True, self.reason_expensive.browse()))
        for lose in (lambda lead: lead.write({"active": False}), lambda lead: lead.action_archive()):
            with self.assertRaises(UserError):
                lose(as_salesman)
            self.assertStillOpen(lead)
        as_salesman.write({"active": False, "lost_reason_id": self.reason_delivery_refused.id})
        self.assertEqual((lead.active, lead.lost_reason_id), (False, self.reason_delivery_refused))

    def test_reason_of_a_lost_request_cannot_be_removed(self):
        leads = self._lead() | self._lead(name="Вторая заявка")
        leads.write({"active": False, "lost_reason_id": self.reason_expensive.id})
        as_salesman = leads.with_user(self.salesman)
        for vals in ({"lost_reason_id": False}, {"lost_reason_id": False, "active": False}):
            for records in (as_salesman[0], as_salesman):
                with self.subTest(vals=vals, count=len(records)), self.assertRaises(UserError):
                    records.write(vals)
        leads.invalidate_recordset()
        self.assertEqual([lead.lost_reason_id for lead in leads], [self.reason_expensive] * 2)
        # another reason is fine, and restoring clears it as Odoo does
        as_salesman[0].write({"lost_reason_id": self.reason_delivery_refused.id})
        as_salesman[1].toggle_active()
        self.assertEqual((leads[1].active, leads[1].lost_reason_id), (True, self.reason_expensive.browse()))

    def test_created_in_a_refusal_stage(self):
        vals = {"name": "Сразу в отказ", "type": "opportunity", "stage_id": self.stage_refused.id}
        with self.assertRaises(UserError):
            self.Lead.with_user(self.salesman).create(vals)
        with self.assertRaises(UserError):  # a quick create in the refusal column
            self.Lead.with_user(self.salesman).with_context(default_stage_id=self.stage_refused.id).create(
                {"name": "Быстро", "type": "opportunity"})
        result = self.Lead.with_user(self.salesman).load(
            ["name", "type", "stage_id/.id"], [["Импорт", "opportunity", str(self.stage_refused.id)]])
        self.assertFalse(result["ids"], "an import without a reason is refused")
        self.assertTrue(any(m["type"] == "error" for m in result["messages"]))
        self.assertFalse(self.Lead.with_context(active_test=False).search(
            [("name", "in", ("Сразу в отказ", "Импорт"))]))
        lead = self.Lead.with_user(self.salesman).create({**vals, "lost_reason_id": self.reason_expensive.id})
        self.assertFalse(lead.active, "a request in a refusal stage is lost")
        self.assertEqual((lead.probability, lead.lost_reason_id), (0, self.reason_expensive))
        lead.toggle_active()
        self.assertTrue(lead.active)
        self.assertFalse(lead.stage_id.ecom_is_refusal, "restored into the team's first stage, not the refusal")

    def test_lost_dialog_takes_only_a_refusal_stage(self):
        # the dialog's stage comes from the kanban's drop; by RPC it could name any stage
        lead = self._lead()
        wizard = self.env["crm.lead.lost"].with_user(self.salesman).create({
            "lead_ids": lead.ids, "lost_reason_id": self.reason_expensive.id, "ecom_stage_id": self.stage_sold.id})
        with self.assertRaisesRegex(UserError, "«Sold» is not a refusal stage"):
            wizard.action_lost_reason_apply()
        self.assertStillOpen(lead)
        wizard.ecom_stage_id = self.stage_refused
        wizard.action_lost_reason_apply()
        self.assertEqual((lead.active, lead.stage_id), (False, self.stage_refused))

    def test_reason_of_another_company(self):
        other = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.ref("ecom_crm.lost_reason_other").active = False  # room for one more reason
        theirs = self.env["crm.lost.reason"].create({"name": "Только для второго магазина", "company_id": other.id})
        lead = self._lead()
        self.salesman.company_ids |= other  # a salesperson of both shops sees both shops' reasons
        for lose in (lambda lead: lead.action_set_lost(lost_reason_id=theirs.id),
                     lambda lead: lead.write({"active": False, "lost_reason_id": theirs.id})):
            with self.assertRaises(UserError) as caught:  # Odoo's company check: rolled back (a savepoint here)
                lose(lead.with_user(self.salesman))
            self.assertIn("belongs to another company", str(caught.exception))
            self.assertStillOpen(lead)
        lead.with_user(self.salesman).action_set_lost(lost_reason_id=self.reason_expensive.id)  # a shared one
        self.assertFalse(lead.active)

    def test_an_archived_reason_is_refused(self):
        """An archived reason is out of the Lost dialog; by RPC, an import or the dialog's server side
        it was still taken (the refusals report then counts a reason nobody can pick). Requests lost
        with it keep it, and a sales manager's import brings another CRM's history as it was."""
        old = self.env.ref("ecom_crm.lost_reason_other")
        kept = self._lead(name="Потерянная раньше")
        kept.action_set_lost(lost_reason_id=old.id)
        old.active = False
        lead = self._lead()
        attempts = (
            lambda lead: lead.action_set_lost(lost_reason_id=old.id),
            lambda lead: lead.write({"active": False, "lost_reason_id": old.id}),
            lambda lead: lead.env["crm.lead.lost"].create(
                {"lead_ids": lead.ids, "lost_reason_id": old.id}).action_lost_reason_apply(),
        )
        for n, lose in enumerate(attempts):
            with self.assertRaises(UserError) as caught:
                lose(lead.with_user(self.salesman).with_context(lang="ru_RU"))
            self.assertIn("в архиве", str(caught.exception), n)
            self.assertStillOpen(lead)
        with self.assertRaises(UserError):
            self.Lead.with_user(self.salesman).create(
                {"name": "Сразу потерянная", "active": False, "lost_reason_id": old.id})
        lead.with_user(self.salesman).action_set_lost(lost_reason_id=self.reason_expensive.id)
        with self.assertRaises(UserError):  # another reason for a lost request: one of the list too
            lead.with_user(self.salesman).lost_reason_id = old
        # the request lost with it keeps it through other writes
        kept.with_user(self.salesman).write({"description": "перезвонить через год", "lost_reason_id": old.id})
        self.assertEqual(kept.lost_reason_id, old)
        result = self.Lead.with_user(self.salesman).load(
            ["name", "type", "active", "lost_reason_id/id"],
            [["Импорт продавца", "opportunity", "False", "ecom_crm.lost_reason_other"]])
        self.assertTrue(result["messages"])
        self.assertFalse(result["ids"])
        manager = self.env["res.users"].search([("login", "=", "admin")])
        result = self.Lead.with_user(manager).with_context(import_file=True).load(
            ["name", "type", "active", "lost_reason_id/id"],
            [["Импорт истории", "opportunity", "False", "ecom_crm.lost_reason_other"]])
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self.Lead.browse(result["ids"]).lost_reason_id, old)

    def test_duplicates_merge_with_a_request_lost_for_an_archived_reason(self):
        """Merging duplicates brings the refusal reason of a lost one to the kept request when that one
        has no chance (crm's merge): the reason comes from the request's history, it is not newly
        picked, and the merge is not refused for it."""
        old = self.env.ref("ecom_crm.lost_reason_other")
        kept = self._lead(name="Дубль")  # the older: crm keeps it of two alike
        kept.probability = 0
        lost = self._lead(name="Дубль, потерянный раньше")
        lost.action_set_lost(lost_reason_id=old.id)
        old.active = False
        merged = (kept | lost).with_user(self.salesman).merge_opportunity(auto_unlink=False)
        self.assertEqual(merged, kept)
        self.assertEqual(kept.lost_reason_id, old, "crm's merge takes the lost one's reason, archived or not")
        with self.assertRaises(UserError):  # picked anew, it is refused still
            self._lead(name="Другая").with_user(self.salesman).action_set_lost(lost_reason_id=old.id)
    def test_a_request_lost_for_an_archived_reason_is_duplicated(self):
        """«Duplicate» of a request lost for a reason archived since: the copy is the request as it was,
        its reason with it; it is not refused for a reason nobody picked."""
        old = self.env.ref("ecom_crm.lost_reason_other")
        lost = self._lead(name="Потерянная")
        lost.action_set_lost(lost_reason_id=old.id)
        old.active = False
        copy = lost.with_user(self.salesman).copy()
        self.assertEqual((copy.active, copy.lost_reason_id), (False, old))
        with self.assertRaises(UserError):  # picked anew, it is refused still
            self._lead(name="Другая").with_user(self.salesman).write({"active": False, "lost_reason_id": old.id})

@tagged("post_install", "-at_install", "ecom_crm")
class TestReasonLimit(EcomCrmCase):
    def test_at_most_ten_active_reasons(self):
        Reason = self.env["crm.lost.reason"]
        self.assertEqual(Reason.search_count([]), 10)
        with self.assertRaises(ValidationError):
            Reason.create({"name": "Одиннадцатая причина"})
        self.env.company.ecom_max_lost_reasons = 11
        extra = Reason.create({"name": "Одиннадцатая причина"})
        with self.assertRaises(ValidationError):
            self.env.company.ecom_max_lost_reasons = 10
        extra.active = False
        self.env.company.ecom_max_lost_reasons = 10
        with self.assertRaises(ValidationError):
            extra.active = True

    def test_limit_holds_whatever_the_context(self):
        # the installation's leniency is for loading modules, not for a context an RPC call can give
        Reason = self.env["crm.lost.reason"].with_user(self.sales_manager).with_context(install_mode=True)
        with self.assertRaises(ValidationError):
            Reason.create({"name": "Одиннадцатая причина"})

    def test_limit_is_per_company(self):
        other = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.ref("ecom_crm.lost_reason_other").company_id = self.env.company
        Reason = self.env["crm.lost.reason"]
        Reason.create({"name": "Только для второго магазина", "company_id": other.id})  # 9 shared + 1
        with self.assertRaises(ValidationError):
            Reason.create({"name": "Ещё одна для первого", "company_id": self.env.company.id})

    def test_the_dialog_shows_every_reason_in_the_configured_order(self):
        Reason = self.env["crm.lost.reason"]
        arch = self.env["crm.lead.lost"].get_view(view_type="form")["arch"]
        self.assertRegex(arch, r'<field name="lost_reason_id"[^>]*widget="radio"', "a list to pick from, not a search")
        reasons = Reason.search([])
        reasons[-1].sequence = 1  # the admin drags «Other» to the top
        self.assertEqual(Reason.search([])[0], reasons[-1])
        self.assertEqual(self.env["crm.lead"]._fields["lost_reason_id"].string, "Refusal reason", "one term everywhere")
        if self.env["res.lang"]._lang_get("ru_RU"):  # loaded (scripts/test loads Russian)
            menu = self.env.ref("crm.menu_crm_lost_reason").with_context(lang="ru_RU")
            self.assertEqual(menu.name, "Причины отказа", "crm's menu says what our settings and fields say")
            for model in ("crm.lead", "crm.lead.lost"):
                label = self.env[model].with_context(lang="ru_RU").fields_get(["lost_reason_id"])
                self.assertEqual(label["lost_reason_id"]["string"], "Причина отказа", model)

    def test_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.ecom_max_lost_reasons, 10)
        settings.ecom_max_lost_reasons = 12
        settings.execute()
        self.assertEqual(self.env.company.ecom_max_lost_reasons, 12)


@tagged("post_install", "-at_install", "ecom_crm")
class TestLostByRpc(HttpCase):
    def test_external_rpc_needs_reason(self):
        self.env.ref("base.user_admin").lang = "ru_RU"  # the error comes back in the caller's language
        stage = self.env.ref("ecom_crm.crm_stage_new_request")
        lead = self.env["crm.lead"].create({"name": "Через API", "type": "opportunity", "stage_id": stage.id})

        def execute(method, args, kwargs=None):
            payload = {"jsonrpc": "2.0", "method": "call", "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.env.cr.dbname, self.env.ref("base.user_admin").id, "admin",
                         "crm.lead", method, args, kwargs or {}]}}
            return self.url_open("/jsonrpc", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"}).json()

        answer = execute("write", [[lead.id], {"active": False}])
        self.assertIn("только с причиной отказа", answer["error"]["data"]["message"])
        lead.invalidate_recordset()
        self.assertTrue(lead.active)
        answer = execute("action_set_lost", [[lead.id]],
                         {"lost_reason_id": self.env.ref("ecom_crm.lost_reason_no_answer").id})
        self.assertNotIn("error", answer)
        lead.invalidate_recordset()
        self.assertFalse(lead.active)
