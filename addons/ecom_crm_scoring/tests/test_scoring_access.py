from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common_schedule import TODAY, ScheduleCase


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringAccess(ScheduleCase):
    """The scoring as each role meets it: salespeople, a sales manager of another company."""

    def test_another_company_sees_no_offers(self):
        with freeze_time(TODAY):
            self._morning()
        self.env["ecom.customer.suggestion"].create({"score_id": self.anna_now.ecom_score_ids.id, "kind": "rebuy",
                                                     "product_id": self.product.id, "probability": 0.5})
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        manager_b = new_test_user(self.env, login="score_manager_b", groups="sales_team.group_sale_manager",
                                  company_id=company_b.id, company_ids=[Command.set(company_b.ids)])
        for model in ("ecom.customer.score", "ecom.customer.suggestion", "ecom.scoring.outcome",
                      "ecom.scoring.run"):
            self.assertFalse(self.env[model].with_user(manager_b).search([]), model)
        self.assertTrue(self.env["ecom.customer.suggestion"].with_user(self.director).search([]))

    def test_a_salesperson_who_left_the_company_gets_no_contact(self):
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        self.assertEqual(activity.user_id, self.anna)
        # Anna moves to the second shop, still the customer's salesperson on the card
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        self.anna.write({"company_ids": [Command.link(company_b.id)], "company_id": company_b.id})
        self.anna.write({"company_ids": [Command.unlink(self.company.id)]})
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.anna_now), activity, "moved, not duplicated")
        self.assertEqual(activity.user_id, self.vera, "to the default team, as a customer without a salesperson")
        activity.unlink()
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.anna_now).user_id, self.vera, "a new one too")

    def test_an_outcome_on_a_colleagues_contact(self):
        self.env["crm.team"].create({"name": "Розница", "company_id": self.company.id, "crm_team_member_ids": [
            Command.create({"user_id": self.anna.id}), Command.create({"user_id": self.boris.id})]})
        with freeze_time(TODAY):
            self._morning()
            # Anna covers for Boris, of her team: marks his scheduled contact done from the customer's chatter
            self._open_activities(self.boris_now).with_user(self.anna).action_done()
            # and records the outcome of a shared customer's contact from her list: Vera's, of the default
            # team, whose note Anna does not read (nor opens it: «Log a call» says whose it is)
            shared = self._open_activities(self.shared_now)
            self.assertEqual(shared.user_id, self.vera)
            self.assertFalse(self.Activity.with_user(self.anna).search([("id", "=", shared.id)]))
            score = self.shared_now.ecom_score_ids.with_user(self.anna).with_context(lang="ru_RU")
            with self.assertRaisesRegex(UserError, "назначен пользователю Вера Дежурная из другой команды"):
                score.action_ecom_log_call()
            action = score.action_ecom_record_outcome()
            wizard = Form(self.env[action["res_model"]].with_user(self.anna).with_context(action["context"]))
            wizard.outcome = "declined"
            wizard.save().action_confirm()
        customers = self.boris_now | self.shared_now
        outcomes = self.env["ecom.scoring.outcome"].search([("partner_id", "in", customers.ids)])
        self.assertRecordValues(outcomes.sorted(lambda o: o.partner_id.id != self.boris_now.id), [
            {"partner_id": self.boris_now.id, "outcome": "reached", "user_id": self.boris.id},
            {"partner_id": self.shared_now.id, "outcome": "declined", "user_id": self.vera.id}])
        self.assertFalse(self._open_activities(self.boris_now) | self._open_activities(self.shared_now))

    def test_a_contact_handed_to_a_colleague_is_on_their_list(self):
        """A team leader gives Anna's scheduled contact to Boris: it is on Boris's «Today» list and
        the customer's card shows him the score (the rules showed him only his own customers' and
        the shared ones: the contact was his, the list and the card empty)."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        activity.with_user(self.director).user_id = self.boris
        # «Today»'s «My contacts», as Boris reads it
        mine = [("decision", "=", "now"), "|", ("user_id", "=", self.boris.id),
                ("activity_user_id", "=", self.boris.id)]
        listed = self.Score.with_user(self.boris).search(mine)
        self.assertEqual(listed.partner_id, self.anna_now | self.boris_now)
        self.assertEqual(self.anna_now.with_user(self.boris).ecom_score_id.partner_id, self.anna_now)
        offer = self.env["ecom.customer.suggestion"].create({
            "score_id": self.anna_now.ecom_score_ids.id, "kind": "rebuy", "product_id": self.product.id,
            "probability": 0.5})
        self.assertEqual(self.Score.with_user(self.boris).browse(offer.score_id.id).suggestion_ids, offer)
        # Vera, to whom nothing was given, still sees neither Anna's customers nor Boris's
        others = (self.anna_now | self.boris_now).ids
        self.assertFalse(self.Score.with_user(self.vera).search([("partner_id", "in", others)]))

    def test_a_salesperson_cannot_hand_themselves_a_colleagues_contact(self):
        """The contact's salesperson sees the customer's score: a salesperson who reassigned a
        colleague's scheduled contact to themselves from the customer's chatter (any salesperson may
        write an activity of a contact they can edit) read the score and offers of a customer nobody
        handed them. Only a team leader, or who already sees the score, hands a contact over."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.boris_now)
        score = self.score_of(self.boris_now)
        with self.assertRaisesRegex(AccessError, "Борис Продажин"), self.env.cr.savepoint():
            activity.with_user(self.anna).with_context(lang="ru_RU").user_id = self.anna
        self.assertEqual(activity.user_id, self.boris)
        self.assertFalse(self.Score.with_user(self.anna).search([("id", "=", score.id)]))
        # Boris may hand his own contact to Anna, and she on to Vera (she sees it then)
        activity.with_user(self.boris).user_id = self.anna
        self.assertEqual(self.Score.with_user(self.anna).search([("id", "=", score.id)]), score)
        activity.with_user(self.anna).user_id = self.vera
        self.assertEqual(score.activity_user_id, self.vera)

    def test_a_salesperson_naming_themselves_on_a_colleagues_customer_gains_no_score_at_once(self):
        """A salesperson who writes themselves as the salesperson of a colleague's customer (any
        salesperson may edit the card) took the customer's score and scheduled contact at once, out
        of the colleague's hands: what the contact's own hand-over refuses them. The score and the
        contact follow at once only who sees the score already or a team leader; the others' wait
        for the next run. Anna giving her own customer to Boris moves it at once."""
        with freeze_time(TODAY):
            self._morning()
        activity, score = self._open_activities(self.boris_now), self.score_of(self.boris_now)
        self.boris_now.with_user(self.anna).user_id = self.anna
        self.assertEqual(self.boris_now.user_id, self.anna, "the card says so")
        self.assertFalse(self.Score.with_user(self.anna).search([("id", "=", score.id)]), "no score at once")
        self.assertEqual(score.user_id, self.boris)
        self.assertEqual(activity.user_id, self.boris, "nor the contact")
        # her own customer given to Boris: at once
        mine = self._open_activities(self.anna_now)
        self.anna_now.with_user(self.anna).user_id = self.boris
        self.assertEqual(self.score_of(self.anna_now).user_id, self.boris)
        self.assertEqual(mine.user_id, self.boris)

    def test_a_contact_done_no_longer_shows_its_customer(self):
        """A contact handed over and done (the activity deleted): the colleague no longer sees the
        customer's score, the score's «Contact assigned to» is cleared with its activity."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        activity.with_user(self.director).user_id = self.boris
        score = self.score_of(self.anna_now)
        self.assertEqual(self.Score.with_user(self.boris).search([("id", "=", score.id)]), score)
        activity.with_user(self.boris).action_done()
        self.env.flush_all()
        self.assertFalse(activity.exists())
        score.invalidate_recordset()
        self.assertFalse(score.activity_user_id)
        self.assertFalse(self.Score.with_user(self.boris).search([("id", "=", score.id)]))

    def test_an_outcome_is_never_recorded_in_a_company_of_others(self):
        """The outcome is made as the scheduling salesperson's, but never in a company the one marking
        the contact done is not in: a contact whose company an RPC call set to another shop records
        nothing there, nor takes that shop's customer off its list."""
        with freeze_time(TODAY):
            self._morning()
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        score_b = self.Score.create({"partner_id": self.anna_now.id, "company_id": company_b.id, "score": 50})
        activity = self.Activity.with_user(self.anna).create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.anna_now.id,
            "activity_type_id": self.kind.id, "user_id": self.anna.id, "ecom_scoring_company_id": company_b.id})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            activity.with_user(self.anna).action_done()
        self.assertFalse(self.env["ecom.scoring.outcome"].search([("company_id", "=", company_b.id)]))
        self.assertFalse(score_b.contacted_on)

    def test_hostile_settings_are_refused_in_the_users_language(self):
        company = self.company.with_context(lang="ru_RU")
        for field, value, message in (
                ("ecom_scoring_daily_cap", 0, "не меньше 1"), ("ecom_scoring_plan_days", -3, "не меньше 1"),
                ("ecom_scoring_horizon", 100_000, "от 7 до 365"), ("ecom_scoring_relearn_days", 0, "от 1 до 90"),
                ("ecom_scoring_contact_cooldown", -1, "Тихих дней"),
                # a date ten thousand years ahead: the nightly run failed on it every night
                ("ecom_scoring_order_cooldown", 2_000_000_000, "Тихих дней"),
                ("ecom_scoring_refusal_cooldown", 10_000, "Тихих дней"),
                # shown as percentages in the settings: the message speaks of them
                ("ecom_scoring_growth_min_probability", 25.0, "от 0 до 100\u00a0%"),
                # a watch group above the growth points would be empty
                ("ecom_scoring_watch_min_probability", 0.3,
                 r"шанс \(30\u00a0%\) должен быть меньше, чем у них \(25\u00a0%\)"),
                ("ecom_scoring_slipping_overdue", 0.0, "больше нуля")):
            with self.subTest(field=field, value=value), self.assertRaisesRegex(ValidationError, message), \
                    self.env.cr.savepoint():
                company.write({field: value})
            self.env.invalidate_all()
        self.company.ecom_scoring_refusal_cooldown = 3650  # ten years: the longest

    def test_a_contact_done_names_no_order_the_salesperson_cannot_read(self):
        """An order closes a contact when the order itself is confirmed (the superuser passes it on in the
        context): a context a client sends names none of another company's, to read it on the outcome."""
        with freeze_time(TODAY):
            self._morning()
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        order_b = self.env["sale.order"].with_company(company_b).create({
            "partner_id": self.anna_now.id, "company_id": company_b.id})
        activity = self._open_activities(self.anna_now)
        with freeze_time(TODAY):
            activity.with_user(self.anna).with_context(ecom_scoring_order_id=order_b.id).action_done()
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_now.id)])
        self.assertEqual(len(outcome), 1)
        self.assertFalse(outcome.order_id, "an order of a shop the salesperson is not in")

    def test_a_scheduled_contact_is_read_by_sales_and_in_its_company_only(self):
        """The scheduled contact's note tells the customer's score and chance: an accountant or a
        marketing user reading the customer, or a salesperson of another shop, does not read it; a
        colleague of its salesperson's team does (covering for them, as the chatter lets them)."""
        self.env["crm.team"].create({"name": "Розница", "company_id": self.company.id, "crm_team_member_ids": [
            Command.create({"user_id": self.anna.id}), Command.create({"user_id": self.boris.id})]})
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        self.assertTrue(activity.note)
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        accountant = new_test_user(self.env, login="score_accountant", groups="account.group_account_invoice")
        marketing = new_test_user(self.env, login="score_marketing", groups="mass_mailing.group_mass_mailing_user")
        seller_b = new_test_user(self.env, login="score_seller_b", groups="sales_team.group_sale_salesman",
                                 company_id=company_b.id, company_ids=[Command.set(company_b.ids)])
        for user in (accountant, marketing, seller_b):
            with self.subTest(user=user.login):
                self.assertFalse(self.Activity.with_user(user).search([("id", "=", activity.id)]))
                with self.assertRaises(AccessError):
                    activity.with_user(user).read(["note"])
        self.assertEqual(self.Activity.with_user(self.boris).search([("id", "=", activity.id)]), activity)
        self.assertTrue(activity.with_user(self.anna).note)
        # Anna works in the second shop too, that one selected: her own contact stays in her «My activities»
        # (Odoo lists the user's activities of all their companies), Boris's colleague's contact does not
        self.anna.company_ids = [Command.link(company_b.id)]
        self.boris.company_ids = [Command.link(company_b.id)]
        in_b = {"allowed_company_ids": company_b.ids}
        self.assertEqual(self.Activity.with_user(self.anna).with_context(in_b).search([("id", "=", activity.id)]),
                         activity)
        with freeze_time(TODAY):
            groups = self.env["res.users"].with_user(self.anna).with_context(in_b)._get_activity_groups()
        self.assertEqual({group["model"]: group["today_count"] for group in groups}.get("res.partner"),
                         len(self.Activity.search([("user_id", "=", self.anna.id), ("res_model", "=", "res.partner"),
                                                   ("date_deadline", "=", TODAY)])))
        self.assertFalse(self.Activity.with_user(self.boris).with_context(in_b).search([("id", "=", activity.id)]))
        own = self.Activity.create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.anna_now.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": accountant.id})
        self.assertEqual(self.Activity.with_user(accountant).search([("res_id", "=", self.anna_now.id)]), own,
                         "the activities assigned to the accountant on the customer, as ever")


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScheduledContactDisclosure(ScheduleCase):
    """What the scoring's scheduled contacts show of the customer's score to users who may not read
    it: an internal user without sales rights (an accountant) and a salesperson of another team; the
    salesperson the contact is for still reads why on the contact and on their «Today» list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(cls.env, login="score_plain_user", groups="base.group_user",
                                       name="Бухгалтер Учётова", lang="ru_RU")
        # an internal user who may edit contacts (Odoo's «Contact Creation»): reads the activities on them
        cls.clerk = new_test_user(cls.env, login="score_clerk", groups="base.group_user,base.group_partner_manager",
                                  name="Кладовщик Складов", lang="ru_RU")
        cls.other_team = new_test_user(cls.env, login="score_other_team", groups="sales_team.group_sale_salesman",
                                       name="Глеб Оптовиков", lang="ru_RU")
        cls.env["crm.team"].create({"name": "Опт", "company_id": cls.company.id,
                                    "crm_team_member_ids": [Command.create({"user_id": cls.other_team.id})]})

    def _assert_no_score(self, text, score):
        """``text`` tells nothing of ``score``: not its chance, group or reasons (in Anna's Russian)."""
        score = score.with_context(lang="ru_RU")
        for told in ("Шанс заказа", "Почему", f"{score.score}%", f"{score.score}\u00a0%", "групп",
                     score.decision_reason, *score.reasons.splitlines()):
            self.assertNotIn(told, text)

    def test_a_done_contact_tells_the_chatter_its_outcome_and_feedback_not_its_score(self):
        """Odoo's «done» message quoted the contact's note («Original note»: the chance, why, what the
        scoring sees) in the customer's chatter, which every internal user reading the customer reads."""
        with freeze_time(TODAY):
            self._morning()
            activity = self._open_activities(self.anna_now)
            note = str(activity.note)
            self.assertIn("Шанс заказа", note)
            activity = activity.with_user(self.anna).with_context(lang="ru_RU")
            activity.ecom_scoring_outcome = "declined"
            activity.action_feedback(feedback="Дорого, купила в другом магазине")
        score = self.score_of(self.anna_now)
        done = self.anna_now.with_user(self.accountant).message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.kind)
        self.assertEqual(len(done), 1, "the accountant reads the customer's chatter")
        body = str(done.body)
        self.assertIn("Отказ: Дорого, купила в другом магазине", body, "the outcome and the feedback")
        self.assertIn("Позвонить клиенту", body, "the contact's neutral summary")
        self.assertNotIn("Original note", body)
        self.assertNotIn("Исходная заметка", body)
        self._assert_no_score(body, score)
        # any other activity's «done» message quotes its note as Odoo does
        todo = self.Activity.create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.anna_now.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": self.anna.id,
            "note": "<p>Привезти образцы тканей</p>"})
        todo.with_user(self.anna).action_feedback(feedback="Привезла")
        self.assertIn("Привезти образцы тканей", str(self.anna_now.message_ids[0].body))

    def test_a_contact_scheduled_by_hand_keeps_its_note_in_the_done_message(self):
        """A sales manager schedules a contact of the scoring's type by hand on a customer, with a note of
        their own: its «done» message dropped that note as if it were the score's. Only the note the
        scoring wrote is left out; a person's is quoted as any activity's, done by hand or closed by an
        order (its outcome in the order's company)."""
        def by_hand(customer, note):
            return self.Activity.with_user(self.director).create({
                "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": customer.id,
                "activity_type_id": self.kind.id, "user_id": self.anna.id, "date_deadline": TODAY,
                "summary": "Уточнить размер", "note": note}).with_env(self.env)

        def done_message(customer):
            return customer.message_ids.filtered(lambda m: m.mail_activity_type_id == self.kind)

        activity = by_hand(self.anna_later, "<p>Спросить размер кроссовок для сына</p>")
        self.assertFalse(activity.ecom_scoring_company_id, "scheduled by hand: the scoring's rules do not guard it")
        with freeze_time(TODAY):
            activity.with_user(self.anna).with_context(lang="ru_RU").action_feedback(feedback="Размер 36")
        body = str(done_message(self.anna_later).body)
        self.assertIn("Спросить размер кроссовок для сына", body, "the manager's note, quoted")
        self.assertIn("Уточнить размер", body, "and its summary")
        self.assertIn("Размер 36", body)
        # closed by the customer's order: the note quoted all the same, the outcome the order's company's
        activity = by_hand(self.anna_dnd, "<p>Предложить доставку в пункт выдачи</p>")
        with freeze_time(TODAY):
            order = self._order(self.anna_dnd, 0)
        self.assertFalse(activity.exists(), "closed by the order")
        self.assertIn("Предложить доставку в пункт выдачи", str(done_message(self.anna_dnd).body))
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", self.anna_dnd.id)])
        self.assertEqual((outcome.outcome, outcome.order_id, outcome.company_id), ("ordered", order, self.company))
        # an order of another shop confirmed from this one: the outcome is that shop's, not the confirming user's
        shop_b = self.env["res.company"].create({"name": "Магазин на Арбате"})
        customer = self.env["res.partner"].create({"name": "Арбатова Вера"})
        activity = by_hand(customer, "<p>Напомнить о примерке</p>")
        with freeze_time(TODAY):
            order_b = self.env["sale.order"].with_company(shop_b).create({
                "partner_id": customer.id, "company_id": shop_b.id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 990.0})]})
            order_b.with_env(self.env).action_confirm()  # from this shop (its user may work in both)
        self.assertFalse(activity.exists(), "closed by the order")
        self.assertEqual(self.env.company, self.company)
        outcome = self.env["ecom.scoring.outcome"].search([("partner_id", "=", customer.id)])
        self.assertEqual((outcome.order_id, outcome.company_id), (order_b, shop_b))
        self.assertIn("Напомнить о примерке", str(done_message(customer).body))
        # the scoring's own contact: its note (the score) is still left out
        with freeze_time(TODAY):
            self._morning()
            scheduled = self._open_activities(self.anna_now)
            self.assertIn("Шанс заказа", str(scheduled.note))
            scheduled.with_user(self.anna).with_context(lang="ru_RU").action_feedback(feedback="Перезвонить")
        body = str(done_message(self.anna_now).body)
        self.assertIn("Перезвонить", body)
        self._assert_no_score(body, self.score_of(self.anna_now))

    def test_reassigning_a_contact_one_cannot_read_says_what_and_why(self):
        """Odoo lets whoever may edit the customer write its activities: a salesperson of another team, or a
        user without sales rights who edits contacts, reassigning a scheduled contact they cannot read (by RPC,
        an import) got Odoo's refusal of a document type and ids. The refusal says which contact, whose it is
        and who reads it, in the user's language; nothing changes."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        for user in (self.other_team, self.clerk):
            with self.subTest(user=user.login):
                self.assertFalse(self.Activity.with_user(user).search([("id", "=", activity.id)]))
                with self.assertRaises(AccessError) as caught, self.env.cr.savepoint():
                    activity.with_user(user).with_context(lang="ru_RU").write({"user_id": user.id})
                message = str(caught.exception)
                self.assertIn("Нельзя переназначить запланированный контакт с клиентом Иванова Мария Сергеевна: он "
                              "назначен пользователю Анна Звонарёва", message)
                self.assertIn("Попросите руководителя команды передать контакт вам", message)
                self.assertNotIn("Records:", message)
        self.assertEqual(activity.user_id, self.anna)
        # in English for an English reader; a team leader of all documents hands it over
        boris_contact = self._open_activities(self.boris_now)
        with self.assertRaisesRegex(AccessError, "You cannot reassign the scheduled contact with Кузнецов Андрей "
                                                 "Ильич: it is Борис Продажин's"), self.env.cr.savepoint():
            boris_contact.with_user(self.other_team).with_context(lang="en_US").user_id = self.other_team
        boris_contact.with_user(self.director).user_id = self.other_team
        self.assertEqual(boris_contact.user_id, self.other_team)
        # who cannot read the customer either (a shop of another company) is told without its name
        self.anna_now.company_id = self.company
        company_b = self.env["res.company"].create({"name": "Второй магазин"})
        seller_b = new_test_user(self.env, login="score_seller_b2", groups="sales_team.group_sale_salesman",
                                 company_id=company_b.id, company_ids=[Command.set(company_b.ids)], lang="ru_RU")
        with self.assertRaises(AccessError) as caught, self.env.cr.savepoint():
            activity.with_user(seller_b).with_context(lang="ru_RU").write({"user_id": seller_b.id})
        message = str(caught.exception)
        self.assertIn("Нельзя переназначить недоступный вам контакт, запланированный оценкой клиентов", message)
        self.assertNotIn("Иванова", message)
        self.assertEqual(activity.user_id, self.anna)

    def test_the_summary_of_a_contact_is_neutral_for_who_may_not_read_the_score(self):
        """The contact's summary was its reason («Группа риска: ценный клиент уходит»): the customer's
        *Next activity* (``activity_summary``, read past the activities' rules) showed it to an accountant,
        the chatter's activity and the activity lists to a salesperson of another team."""
        with freeze_time(TODAY):
            self._morning()
        customers = self.anna_now | self.boris_now
        for customer in customers:
            activity, score = self._open_activities(customer), self.score_of(customer)
            neutral = "Позвонить клиенту" if activity.user_id.lang == "ru_RU" else "Call the customer"
            with self.subTest(customer=customer.name):
                self.env.invalidate_all()  # each read as its user, not from the cache of another's
                self.assertEqual(customer.with_user(self.accountant).activity_summary, neutral)
                self.assertFalse(self.Score.with_user(self.other_team).search([("partner_id", "=", customer.id)]),
                                 "another team's salesperson reads no score of the customer")
                self.assertFalse(self.Score.with_user(self.accountant).has_access("read"))
                self._assert_no_score(customer.with_user(self.accountant).activity_summary, score)
        # a shared customer's contact, held by the default team: another team's salesperson reads its score
        # (everyone's list), not its note, and its name (the summary) on the «Today» list
        shared = self.Score.with_user(self.other_team).search([("partner_id", "=", self.shared_now.id)])
        self.assertEqual(shared, self.score_of(self.shared_now))
        self.env.invalidate_all()
        self.assertFalse(self.Activity.with_user(self.other_team).search([("id", "=", shared.activity_id.id)]))
        row = shared.web_read({"activity_id": {"fields": {"display_name": {}}}})[0]
        self.assertEqual(row["activity_id"]["display_name"], "Call the customer", "Vera's, in English")
        # nor does searching by the summary tell the group
        Partner = self.env["res.partner"].with_user(self.accountant)
        for word in ("риск", "risk", "рост", "growth", "%"):
            self.assertFalse(Partner.search([("id", "in", customers.ids), ("activity_summary", "ilike", word)]), word)
        # the salesperson the contact is for reads why on it and on «Today»
        score = self.score_of(self.anna_now).with_user(self.anna).with_context(lang="ru_RU")
        reason = score.decision_reason
        self.assertTrue(reason)
        self.assertIn(reason, str(self._open_activities(self.anna_now).with_user(self.anna).note))
        self.assertEqual(self.Score.with_user(self.anna).search([("partner_id", "=", self.anna_now.id)]), score)

    def test_a_contact_scheduled_by_hand_is_guarded_once_it_gets_the_score(self):
        """A contact of the scoring's type scheduled by hand (no company of the scoring: the rules read it as
        any activity) got the score's note when a team leader gave the customer another salesperson, and kept
        no company until the next run: any internal user read the score in it meanwhile."""
        self._score(self.anna_later, "later", TODAY + timedelta(days=5))
        activity = self.Activity.with_user(self.anna).create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.anna_later.id,
            "activity_type_id": self.kind.id, "user_id": self.anna.id, "date_deadline": TODAY,
            "note": "<p>Перезвонить после отпуска</p>"}).with_env(self.env)
        self.assertFalse(activity.ecom_scoring_company_id)
        self.assertEqual(self.Activity.with_user(self.clerk).search([("id", "=", activity.id)]), activity,
                         "an activity the scoring did not schedule, read as any")
        self.anna_later.with_user(self.director).user_id = self.boris
        self.assertEqual(activity.user_id, self.boris)
        self.assertIn("Why", str(activity.note), "the score's note, in Boris's English")
        self.assertEqual(activity.ecom_scoring_company_id, self.company)
        self.assertFalse(self.Activity.with_user(self.clerk).search([("id", "=", activity.id)]))
        with self.assertRaises(AccessError):
            activity.with_user(self.clerk).read(["note"])
        self.assertEqual(self.Activity.with_user(self.boris).search([("id", "=", activity.id)]), activity)
        self.assertFalse(self.Activity.with_user(self.anna).search([("id", "=", activity.id)]),
                         "nor Anna's any more: Boris's, of no team of hers")

    def test_a_contact_is_read_by_its_salespersons_team_not_by_another(self):
        """A scheduled contact's note (the chance, why) is read by its salesperson, their team's members
        and leader (covering for them from the chatter) and the sales managers: not by a salesperson of
        another team, who read it in the chatter while the rule let any salesperson of the company."""
        teammate = new_test_user(self.env, login="score_teammate", groups="sales_team.group_sale_salesman",
                                 name="Тимофей Напарников", lang="ru_RU")
        leader = new_test_user(self.env, login="score_team_leader", groups="sales_team.group_sale_salesman",
                               name="Лев Старшинов", lang="ru_RU")
        team = self.env["crm.team"].create({"name": "Розница", "company_id": self.company.id, "user_id": leader.id,
                                            "crm_team_member_ids": [Command.create({"user_id": self.anna.id}),
                                                                    Command.create({"user_id": teammate.id})]})
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        self.assertEqual(activity.user_id, self.anna)
        for user in (self.anna, teammate, leader, self.director):
            with self.subTest(user=user.login):
                self.assertEqual(self.Activity.with_user(user).search([("id", "=", activity.id)]), activity)
                self.assertIn("Шанс заказа", str(activity.with_user(user).read(["note"])[0]["note"]))
                self.env.invalidate_all()
                self.assertIn(activity, self.anna_now.with_user(user).activity_ids, "in the customer's chatter")
        for user in (self.other_team, self.accountant, self.clerk):
            with self.subTest(user=user.login):
                self.assertFalse(self.Activity.with_user(user).search([("id", "=", activity.id)]))
                self.env.invalidate_all()  # the chatter's read, in its own request
                self.assertNotIn(activity.id, self.anna_now.with_user(user).activity_ids.ids)
                with self.assertRaises(AccessError):
                    activity.with_user(user).read(["note"])
        # nor marks it done for Anna (it would read its note), which her teammate may
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            activity.with_user(self.other_team).action_done()
        # the teams change: who reads it follows at once (the rules' cache)
        team.crm_team_member_ids.filtered(lambda member: member.user_id == teammate).unlink()
        self.assertFalse(self.Activity.with_user(teammate).search([("id", "=", activity.id)]))
        team.crm_team_member_ids = [Command.create({"user_id": self.other_team.id})]
        self.assertEqual(self.Activity.with_user(self.other_team).search([("id", "=", activity.id)]), activity)
        team.user_id = False
        self.assertFalse(self.Activity.with_user(leader).search([("id", "=", activity.id)]))
        with freeze_time(TODAY):
            activity.with_user(self.other_team).action_done()
        self.assertFalse(activity.exists())
