from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common_schedule import TODAY, ScheduleCase

WORDS = "Клиентка просила звонить после 18:00, спросить про размер 38"


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestPersonNote(ScheduleCase):
    """A contact of the scoring's type a person scheduled by hand, with their note, that a run or a new
    salesperson of the customer takes over: the score's note rewrote the person's, their words were lost.
    They are kept below the score's («Заметка:»), once, and the «done» message quotes them."""

    def _by_hand(self, customer, user, summary="Уточнить размер", note=f"<p>{WORDS}</p>"):
        return self.Activity.with_user(self.director).create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": customer.id,
            "activity_type_id": self.kind.id, "user_id": user.id, "date_deadline": TODAY,
            "summary": summary, "note": note}).with_env(self.env)

    def _done_messages(self, customer):
        return customer.message_ids.filtered(lambda m: m.mail_activity_type_id == self.kind)

    def _two_more_runs_keep_the_words_once(self, activity):
        """The same run again writes nothing; the next night (another reason) keeps the words once. Returns
        that night's day."""
        stamp = activity.write_date
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(activity.write_date, stamp)
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow, group="risk")
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        note = str(activity.note)
        self.assertIn("группа риска", note, "the score's note follows the score")
        self.assertEqual((note.count(WORDS), note.count("Заметка:")), (1, 1))
        return tomorrow

    def test_the_run_keeps_the_persons_note_below_the_scores_once(self):
        activity = self._by_hand(self.anna_now, self.anna)
        with freeze_time(TODAY):
            self._morning()
        self.assertEqual(self._open_activities(self.anna_now), activity, "taken over, not duplicated")
        self.assertEqual(activity.ecom_scoring_company_id, self.company)
        note = str(activity.note)
        self.assertIn("Шанс заказа", note, "the score's note, in Anna's Russian")
        self.assertIn("<strong>Заметка:</strong>", note)
        self.assertIn(WORDS, note)
        self.assertIn("Уточнить размер", note, "the summary the manager wrote, theirs too")
        self.assertLess(note.index("Шанс заказа"), note.index("Заметка:"), "below the score's")
        self.assertEqual(activity.summary, "Позвонить клиенту", "the summary is the neutral one again")

        tomorrow = self._two_more_runs_keep_the_words_once(activity)

        # marked done: the chatter quotes the manager's words, not the score
        with freeze_time(tomorrow):
            activity.with_user(self.anna).with_context(lang="ru_RU").action_feedback(feedback="Заказала 38")
        body = str(self._done_messages(self.anna_now).body)
        self.assertIn(WORDS, body)
        self.assertIn("Заказала 38", body)
        for told in ("Шанс заказа", "Почему", "групп"):
            self.assertNotIn(told, body)

    def test_a_new_salesperson_of_the_customer_takes_it_over_with_the_note(self):
        """The customer gets another salesperson: the contact scheduled by hand for the former one is
        theirs now, with the score's note in their language and the manager's words below."""
        with freeze_time(TODAY):
            self._score(self.anna_now, "now")
            activity = self._by_hand(self.anna_now, self.anna, summary=False)
            self.anna_now.user_id = self.boris
        self.assertEqual((activity.user_id, activity.ecom_scoring_company_id), (self.boris, self.company))
        note = str(activity.note)
        self.assertIn("Chance of an order", note, "Boris reads English")
        self.assertIn("<strong>Note:</strong>", note)
        self.assertIn(WORDS, note)
        self.assertNotIn("Позвонить клиенту", note, "no summary of the manager's: nothing more kept")

    def test_a_duplicate_removed_gives_its_note_to_the_contact_kept(self):
        """A manager schedules a second contact of the scoring's type for a customer the scoring has one
        for: the run keeps one a customer and removed the other with its note."""
        with freeze_time(TODAY):
            self._morning()
            scheduled = self._open_activities(self.anna_now)
            self._by_hand(self.anna_now, self.director, summary="Позвонить клиенту")
            self._morning()
        self.assertEqual(self._open_activities(self.anna_now), scheduled, "one contact a customer")
        note = str(scheduled.note)
        self.assertIn("Шанс заказа", note)
        self.assertIn(WORDS, note)
        self.assertNotIn("<p>Позвонить клиенту</p>", note, "the type's own summary is nobody's words")
        with freeze_time(TODAY):
            self._morning()
        self.assertEqual(str(scheduled.note).count(WORDS), 1)

    def test_a_contact_removed_logs_its_note_on_the_customer_once(self):
        """The scoring removes a contact scheduled by hand of a customer not to be called («do not
        disturb»): the manager's words are logged on the customer (as any reader of them read them on the
        contact), in its salesperson's language, once; a contact with no words of anybody logs nothing."""
        self._by_hand(self.anna_dnd, self.anna)
        with freeze_time(TODAY):
            self._morning()
            self.assertFalse(self._open_activities(self.anna_dnd), "«do not disturb»: removed")
            self._morning()
        logged = self.anna_dnd.message_ids.filtered(lambda m: WORDS in str(m.body))
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged.subtype_id, self.env.ref("mail.mt_note"), "a note: nobody notified")
        self.assertIn("Оценка клиентов удалила запланированный контакт", str(logged.body))
        self.assertIn("Уточнить размер", str(logged.body))
        # the scoring's own contact removed: nothing of the score goes to the chatter
        with freeze_time(TODAY):
            self._score(self.anna_now, "dnd", TODAY + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertFalse(self._open_activities(self.anna_now))
        self.assertFalse(self.anna_now.message_ids.filtered(lambda m: "Оценка клиентов" in str(m.body)))

    def test_an_order_closing_a_contact_taken_over_quotes_the_persons_words(self):
        """The customer orders: the contact taken over is closed «ordered», its «done» message quotes the
        manager's words (not the score's note)."""
        self._by_hand(self.anna_now, self.anna)
        with freeze_time(TODAY):
            self._morning()
            self.assertIn(WORDS, str(self._open_activities(self.anna_now).note))
            self._order(self.anna_now, 0)
        self.assertFalse(self._open_activities(self.anna_now), "closed by the order")
        body = str(self._done_messages(self.anna_now).body)
        self.assertIn(WORDS, body)
        self.assertNotIn("Шанс заказа", body)
        self.assertNotIn("Chance of an order", body)

    def test_a_contact_removed_for_an_order_confirmed_again_logs_the_words_kept(self):
        """A contact taken over with a manager's words, removed because the order that closed the
        customer's contact before was confirmed again (one order, one sale): the note logged on the
        customer keeps the words."""
        with freeze_time(TODAY):
            self._morning()
            order = self._order(self.anna_now, 0)  # closes the scoring's contact «ordered»
            self._by_hand(self.anna_now, self.anna)
            self._score(self.anna_now, "now", priority=300.0)
            self.Score._ecom_sync_activities(self.company, self._run())
            taken = self._open_activities(self.anna_now)
            self.assertIn(WORDS, str(taken.note))
            self.Activity._ecom_close_ordered(order)  # the order confirmed again
        self.assertFalse(taken.exists())
        logged = self.anna_now.message_ids.filtered(lambda m: "Запланированный контакт удалён" in str(m.body))
        self.assertEqual(len(logged), 1)
        self.assertIn(WORDS, str(logged.body))
        self.assertNotIn("Шанс заказа", str(logged.body))

    # -- a salesperson's words written on a contact of the scoring -------------------------------------
    def _write_note(self, activity, user, note):
        activity.with_user(user).write({"note": note})
        return str(activity.note)

    def test_a_salesperson_writing_on_the_scorings_contact_keeps_their_words_through_the_runs(self):
        """Anna writes below the score's note of the contact the scoring gave her (the *Log a call*
        dialog): the next run rewrote the note from the score and lost her words. They are hers now
        («Заметка:»), the next runs keep them once, and its «done» message quotes them."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        before = str(activity.note)
        note = self._write_note(activity, self.anna, before + f"<p>{WORDS}</p>")
        self.assertEqual(str(activity.ecom_scoring_person_note), f"<p>{WORDS}</p>")
        self.assertEqual((note.count(WORDS), note.count("Шанс заказа"), note.count("Заметка:")), (1, 1, 1))
        self.assertLess(note.index("Заметка:"), note.index(WORDS))
        tomorrow = self._two_more_runs_keep_the_words_once(activity)
        with freeze_time(tomorrow):
            activity.with_user(self.anna).action_feedback(feedback="Не дозвонилась")
        body = str(self._done_messages(self.anna_now).body)
        self.assertIn(WORDS, body)
        self.assertNotIn("Шанс заказа", body)

    def test_the_editors_markup_of_the_scores_note_is_not_taken_for_words(self):
        """The editor sends the note back with its own markup (no bold, no-break spaces as spaces): the
        score's part is told by its text, not kept twice as the salesperson's; a line of the score they
        changed is kept as theirs (nothing lost); editing their words replaces them; an emptied note
        keeps none."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        edited = str(activity.note).replace("<strong>", "").replace("</strong>", "").replace("&nbsp;", " ")
        self._write_note(activity, self.anna, edited + f"<p>{WORDS}</p><p><br></p>")
        self.assertEqual(str(activity.ecom_scoring_person_note), f"<p>{WORDS}</p>")
        self.assertEqual(str(activity.note).count("Шанс заказа"), 1)

        note = str(activity.note).replace(WORDS, "Перезвонить в пятницу")
        note = note.replace("Шанс заказа:", "Шанс заказа (по-моему, выше):")
        self._write_note(activity, self.anna, note)
        person = str(activity.ecom_scoring_person_note)
        self.assertNotIn(WORDS, person)
        self.assertIn("Перезвонить в пятницу", person)
        self.assertIn("по-моему, выше", person, "a line of the score she changed: hers, kept")
        self.assertEqual(str(activity.note).count("Заметка:"), 1)

        self._write_note(activity, self.anna, "")
        self.assertFalse(activity.ecom_scoring_person_note)
        self.assertNotIn("Заметка:", str(activity.note))
        self.assertIn("Шанс заказа", str(activity.note), "the score's note rebuilt")

    def test_the_note_of_a_score_changed_since_is_not_taken_for_words(self):
        """The score changed since the run wrote the note (the next scoring before its sync, a template
        changed by an upgrade): the score's lines as the note had them are not the salesperson's."""
        with freeze_time(TODAY):
            self._morning()
            activity = self._open_activities(self.anna_now)
            self._score(self.anna_now, "now", group="risk", priority=300.0)
        stale = str(activity.note)
        self.assertNotIn("группа риска", stale)
        self._write_note(activity, self.anna, stale + f"<p>{WORDS}</p>")
        self.assertEqual(str(activity.ecom_scoring_person_note), f"<p>{WORDS}</p>")
        self.assertIn("группа риска", str(activity.note), "rebuilt from the score as it is")

    def test_words_written_on_several_contacts_at_once_each_rebuilt_from_its_score(self):
        """A sales manager writes one note on two contacts of the scoring at once (another language's
        salesperson each): each keeps the words below its own score's note, in its salesperson's language;
        a contact scheduled by hand keeps the note as written."""
        with freeze_time(TODAY):
            self._morning()
        contacts = self._open_activities(self.anna_now) | self._open_activities(self.boris_now)
        by_hand = self._by_hand(self.anna_later, self.anna, summary=False, note="<p>Своя заметка</p>")
        (contacts | by_hand).with_user(self.director).write({"note": f"<p>{WORDS}</p>"})
        anna, boris = self._open_activities(self.anna_now), self._open_activities(self.boris_now)
        for activity, chance, heading in ((anna, "Шанс заказа", "Заметка:"), (boris, "Chance of an order", "Note:")):
            note = str(activity.note)
            self.assertEqual(str(activity.ecom_scoring_person_note), f"<p>{WORDS}</p>")
            self.assertEqual((note.count(chance), note.count(heading), note.count(WORDS)), (1, 1, 1))
        self.assertEqual(str(by_hand.note), f"<p>{WORDS}</p>")
        self.assertFalse(by_hand.ecom_scoring_person_note)

    def test_a_contact_nobody_can_take_over_logs_why(self):
        """A contact scheduled by hand for a salesperson archived since, of a customer to call now whom
        nobody of the sales team can take: removed, its words logged say why (not «the customer is not
        to be called»), in the assignee's language."""
        self._by_hand(self.shared_now, self.anna)
        self.anna.active = False
        self.team.crm_team_member_ids.unlink()
        with freeze_time(TODAY):
            self._morning()
        self.assertFalse(self._open_activities(self.shared_now))
        logged = self.shared_now.message_ids.filtered(lambda m: WORDS in str(m.body))
        self.assertEqual(len(logged), 1)
        self.assertIn("назначенный пользователю Анна Звонарёва: передать его сейчас некому, клиент остаётся в "
                      "списке на сегодня без менеджера", str(logged.body))
        self.assertNotIn("звонить не нужно", str(logged.body))
