from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, new_test_user, tagged

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

    def test_do_not_disturb_releases_a_contact_with_a_summary_of_its_assignee(self):
        """The scoring removes a contact of a customer not to be called («do not disturb») that a person
        wrote a summary of their own on, and no note: it is released to them (their summary kept, nothing
        of the score's), nothing logged; a contact taken over whose salesperson nobody can replace is removed,
        its words logged on the customer in its salesperson's language, once (test_a_contact_nobody_...);
        the scoring's own contact removed: nothing of the score goes to the chatter."""
        with freeze_time(TODAY):
            self._morning()
            contact = self._open_activities(self.anna_now)
            contact.with_user(self.anna).summary = "Уточнить размер"
            self._score(self.anna_now, "dnd", TODAY + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run())
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(self._open_activities(self.anna_now), contact, "released to Anna, not removed")
        self.assertEqual((contact.summary, contact.ecom_scoring_company_id), ("Уточнить размер",
                                                                              self.env["res.company"]))
        self.assertFalse(contact.note)
        self.assertFalse(self.anna_now.message_ids.filtered(lambda m: "Оценка клиентов" in str(m.body)))
        # the scoring's own contact removed: nothing of the score goes to the chatter
        with freeze_time(TODAY):
            self._score(self.boris_now, "dnd", TODAY + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertFalse(self._open_activities(self.boris_now))
        self.assertFalse(self.boris_now.message_ids.filtered(lambda m: "Оценка клиентов" in str(m.body)))
        # the customer to call again: the run takes Anna's contact over again, her summary among her words
        with freeze_time(TODAY):
            self._score(self.anna_now, "now", priority=300.0)
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual((contact.summary, contact.ecom_scoring_company_id), ("Позвонить клиенту", self.company))
        self.assertIn("Уточнить размер", str(contact.note))

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

    # -- what a person typed or planned on a contact the run owns or takes over --------------------------
    def test_a_summary_the_salesperson_typed_stands_through_the_runs(self):
        """Anna types a summary of her own on the scoring's contact: the next runs keep it (they rewrote it
        with «Позвонить клиенту»); Boris's contact, whose summary nobody changed, gets the run's in his
        English; a summary typed as the type's own text in another language is still the run's."""
        with freeze_time(TODAY):
            self._morning()
        anna, boris = self._open_activities(self.anna_now), self._open_activities(self.boris_now)
        anna.with_user(self.anna).write({"summary": "Перезвонить после 18:00"})
        boris.write({"summary": "Позвонить клиенту"})  # the run's text, in Anna's language: not a person's
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow, group="risk")
            self._score(self.boris_now, "now", tomorrow, group="risk")
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual(anna.summary, "Перезвонить после 18:00")
        self.assertIn("группа риска", str(anna.note), "the note still follows the score")
        self.assertEqual(boris.summary, "Call the customer")
        # the type's summary renamed (its Russian): the scoring's own from then on (the cache follows)
        self.assertNotIn("Позвонить покупателю", self.Activity._ecom_scoring_summaries())
        self.kind.with_context(lang="ru_RU").summary = "Позвонить покупателю"
        self.assertIn("Позвонить покупателю", self.Activity._ecom_scoring_summaries())
        self.kind.update_field_translations("summary", {"ru_RU": "Позвонить клиенту сейчас"})
        self.assertIn("Позвонить клиенту сейчас", self.Activity._ecom_scoring_summaries())

    def _removed_logged(self, customer):
        return customer.message_ids.filtered(lambda m: "removed the scheduled contact" in str(m.body)
                                             or "удалила запланированный контакт" in str(m.body))

    def test_the_runs_summary_stays_the_runs_when_the_type_is_renamed(self):
        """The activity type's summary renamed after a run wrote it on the contacts (an admin, or its Russian
        changed by an upgrade): the old summary they show is the run's (recorded with it), not a person's:
        the next run writes the new one, do-not-disturb removes the contact (not released to its salesperson,
        nothing logged); a summary a salesperson typed stays hers."""
        with freeze_time(TODAY):
            self._morning()
        anna, boris = self._open_activities(self.anna_now), self._open_activities(self.boris_now)
        shared = self._open_activities(self.shared_now)
        self.assertEqual((anna.ecom_scoring_run_summary, boris.ecom_scoring_run_summary),
                         ("Позвонить клиенту", "Call the customer"), "the run's summary, recorded when created")
        shared.with_user(self.vera).write({"summary": "Перезвонить после 18:00"})
        self.kind.update_field_translations("summary", {"en_US": "Call the buyer", "ru_RU": "Позвонить покупателю"})
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow, group="risk")
            self._score(self.shared_now, "now", tomorrow, group="risk")
            self._score(self.boris_now, "dnd", tomorrow + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual((anna.summary, anna.ecom_scoring_run_summary), ("Позвонить покупателю",) * 2)
        self.assertIn("группа риска", str(anna.note))
        self.assertNotIn("Позвонить клиенту", str(anna.note), "the old summary is no words of Anna's")
        self.assertEqual((shared.summary, shared.ecom_scoring_run_summary), ("Перезвонить после 18:00",
                                                                             "Call the buyer"))
        self.assertFalse(boris.exists(), "the run's own contact: removed, not released to Boris")
        self.assertFalse(self._open_activities(self.boris_now))
        self.assertFalse(self._removed_logged(self.boris_now), "no words of anybody's to log")
        # the next night writes nothing more
        stamp = anna.write_date, shared.write_date
        with freeze_time(tomorrow):
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual((anna.write_date, shared.write_date), stamp)
        self.assertEqual(shared.summary, "Перезвонить после 18:00")

    def test_a_contact_from_before_the_run_recorded_its_summary_tells_it_by_the_types_texts(self):
        """Contacts the runs wrote before they recorded their summary (the upgrade adds the column empty): a
        summary that is one of the type's texts is the run's (the next run records it, do-not-disturb removes
        such a contact), another one a person's, kept and released on do-not-disturb."""
        with freeze_time(TODAY):
            self._morning()
        anna, boris = self._open_activities(self.anna_now), self._open_activities(self.boris_now)
        shared = self._open_activities(self.shared_now)
        anna.with_user(self.anna).write({"summary": "Перезвонить после 18:00"})
        shared.with_user(self.vera).write({"summary": "Уточнить размер"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE mail_activity SET ecom_scoring_run_summary = NULL WHERE id = ANY(%s)",
                            [(anna | boris | shared).ids])
        self.env.invalidate_all()
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow, group="risk")
            self._score(self.boris_now, "dnd", tomorrow + timedelta(days=4))
            self._score(self.shared_now, "dnd", tomorrow + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual((anna.summary, anna.ecom_scoring_run_summary), ("Перезвонить после 18:00",
                                                                         "Позвонить клиенту"))
        self.assertFalse(boris.exists(), "the type's summary: the run's, removed")
        self.assertFalse(self._removed_logged(self.boris_now))
        self.assertTrue(shared.exists(), "Vera's summary: released to her")
        self.assertEqual((shared.summary, shared.ecom_scoring_company_id, shared.user_id),
                         ("Уточнить размер", self.env["res.company"], self.vera))

    def test_a_contact_logged_from_todays_list_records_the_scorings_summary(self):
        """*Log a call* on a customer of the list without a contact: the dialog's summary is the scoring's
        (recorded as the run's, so a renamed type does not make it the salesperson's); one she types instead
        is hers."""
        with freeze_time(TODAY):
            self._morning()
            score = self.anna_later.ecom_score_ids.with_user(self.anna)
            context = score.action_ecom_log_call()["context"]
            form = Form(self.env["mail.activity"].with_user(self.anna).with_context(context, lang="ru_RU"),
                        view="mail.mail_activity_view_form_popup")
            logged = form.save()
        self.assertEqual((logged.summary, logged.ecom_scoring_run_summary), ("Позвонить клиенту",) * 2)
        self.kind.update_field_translations("summary", {"ru_RU": "Позвонить покупателю"})
        self.assertFalse(logged._ecom_own_summary(), "the scoring's, renamed since: still not hers")
        logged.with_user(self.anna).write({"summary": "Перезвонить в пятницу"})
        self.assertEqual(logged._ecom_own_summary(), "Перезвонить в пятницу")

    def test_a_date_the_manager_planned_stands_when_the_run_takes_the_contact_over(self):
        """A contact scheduled by hand for Friday: taken over, it stays due on Friday (the run set it to its
        own day), and the next nights keep it; one planned for a day already past takes the schedule's."""
        friday = TODAY + timedelta(days=3)
        activity = self._by_hand(self.anna_now, self.anna)
        activity.date_deadline = friday
        past = self._by_hand(self.boris_now, self.boris)
        past.date_deadline = TODAY - timedelta(days=2)
        with freeze_time(TODAY):
            self._morning()
        self.assertEqual((activity.ecom_scoring_company_id, activity.date_deadline), (self.company, friday))
        self.assertEqual(self.anna_now.ecom_score_ids.activity_date, friday, "off today's list until Friday")
        self.assertEqual(past.date_deadline, TODAY, "a day past: the schedule's")
        tomorrow = TODAY + timedelta(days=1)
        with freeze_time(tomorrow):
            self._score(self.anna_now, "now", tomorrow)
            self.Score._ecom_sync_activities(self.company, self._run(tomorrow))
        self.assertEqual(activity.date_deadline, friday)

    def test_do_not_disturb_leaves_a_contact_a_person_made(self):
        """A customer not to be called: the contact a manager scheduled by hand stays as they made it (not
        removed, not the run's, nothing logged); the run's own contact with words a salesperson wrote is
        released to her (her words as its note, no score's line), the run's untouched one removed."""
        by_hand = self._by_hand(self.anna_dnd, self.anna)
        with freeze_time(TODAY):
            self._morning()
            written = self._open_activities(self.anna_now)
            written.with_user(self.anna).write({"note": str(written.note) + f"<p>{WORDS}</p>"})
            untouched = self._open_activities(self.boris_now)
            self._score(self.anna_now, "dnd", TODAY + timedelta(days=4))
            self._score(self.boris_now, "dnd", TODAY + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertTrue(by_hand.exists())
        self.assertEqual((by_hand.ecom_scoring_company_id, str(by_hand.note)), (self.env["res.company"],
                                                                                 f"<p>{WORDS}</p>"))
        self.assertFalse(self.anna_dnd.message_ids.filtered(lambda m: WORDS in str(m.body)), "nothing logged")
        self.assertTrue(written.exists(), "her words: released to her")
        self.assertFalse(written.ecom_scoring_company_id)
        self.assertEqual(str(written.note), f"<p>{WORDS}</p>")
        self.assertFalse(written.ecom_scoring_person_note)
        self.assertFalse(self.anna_now.ecom_score_ids.activity_id)
        self.assertFalse(untouched.exists())
        # the next run leaves the released one too
        with freeze_time(TODAY):
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual(str(written.note), f"<p>{WORDS}</p>")

    def test_do_not_disturb_removes_a_contact_of_an_assignee_gone_and_logs_its_words(self):
        """A customer not to be called whose scoring contact Anna wrote on, Anna archived since: released,
        the contact would stay overdue with nobody to work it; it is removed and her words logged on the
        customer."""
        with freeze_time(TODAY):
            self._morning()
            contact = self._open_activities(self.anna_now)
            contact.with_user(self.anna).write({"note": str(contact.note) + f"<p>{WORDS}</p>"})
            self.anna.active = False
            self._score(self.anna_now, "dnd", TODAY + timedelta(days=4))
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertFalse(contact.exists())
        logged = self.anna_now.message_ids.filtered(lambda m: WORDS in str(m.body))
        self.assertEqual(len(logged), 1)
        self.assertIn("клиенту сейчас звонить не нужно", str(logged.body))
        self.assertNotIn("Шанс заказа", str(logged.body))

    def test_the_assignee_without_sales_rights_reads_their_words(self):
        """A customer whose salesperson has no sales rights (an internal user who sees the activities
        assigned to them): the contact scheduled by hand for them and taken over keeps their words, which
        they read, note and field; another such user does not read the contact."""
        clerk = new_test_user(self.env, login="score_clerk", groups="base.group_user", name="Клерк", lang="ru_RU")
        other = new_test_user(self.env, login="score_other", groups="base.group_user", name="Другой", lang="ru_RU")
        customer = self._customer("Орлова Нина Петровна", clerk)
        activity = self._by_hand(customer, clerk)
        with freeze_time(TODAY):
            self._score(customer, "now", priority=400.0)
            self.Score._ecom_sync_activities(self.company, self._run())
        self.assertEqual((activity.ecom_scoring_company_id, activity.user_id), (self.company, clerk))
        mine = activity.with_user(clerk)
        values = mine.read(["note", "ecom_scoring_person_note"])[0]
        self.assertIn(WORDS, str(values["ecom_scoring_person_note"]))
        self.assertIn(WORDS, str(values["note"]))
        self.assertIn(WORDS, str(mine._ecom_done_message_activity().note))
        self.assertFalse(activity.with_user(other).search([("id", "=", activity.id)]))
        # the clerk writes more words of their own: kept, read, and quoted when done
        mine.write({"note": str(mine.note) + "<p>Перезвонить в пятницу</p>"})
        words = mine.read(["ecom_scoring_person_note"])[0]["ecom_scoring_person_note"]
        self.assertIn("Перезвонить в пятницу", str(words))
        mine.web_read({"note": {}, "ecom_scoring_person_note": {}, "summary": {}})
        with freeze_time(TODAY):
            mine.action_feedback(feedback="Дозвонился")
        body = str(self._done_messages(customer).body)
        self.assertIn("Перезвонить в пятницу", body)
        self.assertIn(WORDS, body)

    def _log(self, customer):
        return customer.message_ids.filtered(lambda m: WORDS in str(m.body))

    def test_archiving_or_marking_shared_logs_the_words_of_the_contact_removed(self):
        """The customer archived, or marked a shared account: its contact goes at once, its person's words
        logged on the customer (a note), not lost."""
        with freeze_time(TODAY):
            self._morning()
            for customer in (self.anna_now, self.boris_now):
                contact = self._open_activities(customer)
                contact.write({"note": str(contact.note) + f"<p>{WORDS}</p>"})
        self.anna_now.with_user(self.director).action_archive()
        self.assertFalse(self._open_activities(self.anna_now))
        self.assertEqual(len(self._log(self.anna_now)), 1)
        self.assertNotIn("Шанс заказа", str(self._log(self.anna_now).body))
        self.boris_now.with_user(self.director).ecom_scoring_excluded = True
        self.assertFalse(self._open_activities(self.boris_now))
        self.assertEqual(len(self._log(self.boris_now)), 1)
        self.assertNotIn("Chance of an order", str(self._log(self.boris_now).body))

    def test_merging_a_shared_account_in_logs_the_words_on_the_customer_kept(self):
        """A shared account merged into a customer marks the customer kept shared: their contact goes, its
        words logged on the customer kept."""
        with freeze_time(TODAY):
            self._morning()
            contact = self._open_activities(self.anna_now)
            contact.write({"note": str(contact.note) + f"<p>{WORDS}</p>"})
        shared = self._customer("Общий аккаунт", None)
        shared.ecom_scoring_excluded = True
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.anna_now | shared).ids, self.anna_now)
        self.assertTrue(self.anna_now.ecom_scoring_excluded)
        self.assertFalse(self._open_activities(self.anna_now))
        self.assertEqual(len(self._log(self.anna_now)), 1)
        self.assertIn("отмечен как общий", str(self._log(self.anna_now).body))

    def test_a_line_added_to_the_scores_reasons_is_the_only_word_kept(self):
        """Anna adds a line inside the list of what the scoring sees: only that line is hers (the whole
        list was, and showed twice on the next run)."""
        with freeze_time(TODAY):
            self._morning()
        activity = self._open_activities(self.anna_now)
        note = str(activity.note).replace("</ul>", f"<li>{WORDS}</li></ul>")
        self._write_note(activity, self.anna, note)
        self.assertEqual(str(activity.ecom_scoring_person_note), f"<ul><li>{WORDS}</li></ul>")
        note = str(activity.note)
        self.assertEqual((note.count(WORDS), note.count("<ul>")), (1, 2))
        self._two_more_runs_keep_the_words_once(activity)
