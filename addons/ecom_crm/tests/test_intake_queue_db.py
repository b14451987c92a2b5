"""The intake queue on the database: batches in arrival order, failures kept, conflicts retried, the
real locks of other workers, and what one batch costs in queries."""

from unittest.mock import patch

from psycopg2 import OperationalError
from psycopg2.errors import SerializationFailure

from odoo import sql_db
from odoo.tests import new_test_user, tagged

from ..models.ecom_intake_request import GATHER_LOCK, QUEUE_LOCK, JournalQueueOps
from ..tools.intake import validate_request
from ..tools.intake_queue import AFTER_ANSWER_BATCH, HAND_OVER_SECONDS, QueuePass
from .common import URL, IntakeCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestQueueProcessing(IntakeCase):
    """The queue on the database: batches, failures, conflicts and the real locks of other workers."""

    def test_queued_by_default_then_processed_in_order(self):
        first = self.post({"name": "Очередь", "phone": "+79160007777", "message": "раз"}, wait=False)
        self.assertEqual(first.status_code, 202)
        self.assertEqual(first.json()["status"], "pending")
        second = self.post({"phone": "8 916 000-77-77", "message": "два", "idempotency_key": "q-2"}, wait=False)
        replay = self.post({"phone": "8 916 000-77-77", "message": "два", "idempotency_key": "q-2"}, wait=False)
        self.assertEqual((replay.status_code, replay.json()["request_id"]), (202, second.json()["request_id"]))
        self.assertEqual(self.process_queue(), 2)
        entries = self.env["ecom.intake.request"].browse([first.json()["request_id"], second.json()["request_id"]])
        self.assertEqual(entries.mapped("state"), ["done", "done"])
        self.assertEqual(entries.mapped("result"), ["created", "updated"], "deduplicated in arrival order")
        self.assertEqual(len(entries.lead_id), 1)
        status = self.url_open(f"{URL}/{second.json()['request_id']}",
                               headers={"Authorization": f"Bearer {self.key}"}).json()
        self.assertEqual((status["status"], status["lead_id"]), ("done", entries.lead_id.id))
        replay = self.post({"phone": "8 916 000-77-77", "idempotency_key": "q-2"}, wait=False)
        self.assertEqual((replay.status_code, replay.json()["lead_id"]), (200, entries.lead_id.id))

    def test_repeated_requests_in_one_batch_are_noted_in_order(self):
        for message in ("раз", "два", "три"):
            self.post({"name": "Трижды", "phone": "+79160007700", "message": message}, wait=False)
        self.assertEqual(self.process_queue(), 3)
        lead = self.env["crm.lead"].search([("phone", "=", "+79160007700")])
        self.assertEqual(len(lead), 1)
        notes = lead.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_note")).sorted("id")
        texts = [n.body.striptags() for n in notes if n.body and "ecom.intake.request" not in n.body]  # not the origin
        self.assertEqual([text[:3] for text in texts], ["два", "три"], texts)
        self.assertTrue(all(notes.mapped("is_internal")), "internal notes, not messages to the customer")

    def test_one_batch_dedups_and_spreads_the_load(self):
        sellers = [new_test_user(self.env, login=f"batch_seller{i}", groups="sales_team.group_sale_salesman")
                   for i in range(3)]
        self.env["crm.team.member"].create([{"crm_team_id": self.team.id, "user_id": u.id} for u in sellers])
        self.team.ecom_assign_by_load = True
        for i in range(6):
            self.post({"name": f"Новый {i}", "phone": f"+7916100000{i}"}, wait=False)
        self.post({"name": "Новый 0", "phone": "8 916 100-00-00", "message": "ещё раз"}, wait=False)
        self.assertEqual(self.process_queue(), 7)
        entries = self.env["ecom.intake.request"].search([("phone", "like", "100-00-00")]) | \
            self.env["ecom.intake.request"].search([("phone", "=", "+79161000000")])
        self.assertEqual(len(entries.partner_id), 1, "one new customer, though in the batch twice")
        self.assertEqual(len(entries.lead_id), 1)
        self.assertEqual(sorted(entries.mapped("result")), ["created", "updated"])
        leads = self.env["crm.lead"].search([("team_id", "=", self.team.id),
                                             ("partner_id.phone", "like", "+7916100000")])
        self.assertEqual(len(leads), 6)
        counts = [len(leads.filtered(lambda ld, u=u: ld.user_id == u)) for u in sellers]
        self.assertEqual(counts, [2, 2, 2], "the batch is spread by load, not all to one")
        for lead in leads:
            self.assertIn(lead.user_id.partner_id, lead.message_partner_ids,
                          "the salesperson follows the request: the customer's replies reach them")
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", [u.partner_id.id for u in sellers])]),
                         "assigned as Odoo's own assignment does: no email per request")

    def test_one_batch_across_teams_puts_each_request_in_its_teams_first_stage(self):
        """Requests of one batch for two teams with different pipelines: each new lead in its own
        team's first open stage, the journal pointing at the right lead, in arrival order."""
        other_team = self.env["crm.team"].create({"name": "Маркетплейсы"})
        own_stage = self.env["crm.stage"].create({"name": "Заказ с маркетплейса", "sequence": 0,
                                                  "team_id": other_team.id})
        other_source = self.env["ecom.intake.source"].create({
            "name": "Маркетплейс", "kind": "marketplace", "team_id": other_team.id, "rate_limit": 1000})
        other_key = other_source._generate_key()
        phones = ["+79160000601", "+79160000602", "+79160000603", "+79160000604"]
        for index, phone in enumerate(phones):
            self.post({"phone": phone}, key=other_key if index % 2 else None, wait=False)
        self.assertEqual(self.process_queue(), 4)
        entries = self.env["ecom.intake.request"].search([("phone", "in", phones)], order="id")
        self.assertEqual(entries.mapped("phone"), phones)
        self.assertEqual(entries.mapped("lead_id.partner_id.phone"), phones, "each entry points at its own lead")
        leads = entries.mapped("lead_id")
        self.assertEqual([lead.team_id for lead in leads], [self.team, other_team, self.team, other_team])
        shared_first = self.env["crm.lead"]._stage_find(team_id=self.team.id, domain=[("fold", "=", False)])
        self.assertEqual([lead.stage_id for lead in leads], [shared_first, own_stage, shared_first, own_stage])
        self.assertEqual(leads.ids, sorted(leads.ids), "created in arrival order")
        self.assertNotIn("default_stage_id", leads.env.context)

    def test_failed_processing_is_kept_not_lost(self):
        self.post({"phone": "+79160008888"}, wait=False)
        self.post({"phone": "+79160008889"}, wait=False)
        original = type(self.env["ecom.intake.processor"])._process_entries

        def flaky(processor, entries):
            if any((entry.data or {}).get("phone") == "+79160008888" for entry in entries):
                raise ValueError("boom")
            return original(processor, entries)

        # the batch fails, then entry by entry only the bad request fails
        with patch.object(type(self.env["ecom.intake.processor"]), "_process_entries", flaky):
            self.process_queue()
        failed = self.env["ecom.intake.request"].search([("phone", "=", "+79160008888")])
        self.assertEqual((failed.state, failed.error), ("failed", "ValueError: boom"))
        self.assertFalse(failed.lead_id)
        self.assertEqual(self.env["ecom.intake.request"].search([("phone", "=", "+79160008889")]).state, "done")
        other_source = self.env["ecom.intake.source"].create({"name": "Чужой"})
        other_key = other_source._generate_key()
        response = self.url_open(f"{URL}/{failed.id}", headers={"Authorization": f"Bearer {other_key}"})
        self.assertEqual(response.status_code, 404, "a source sees only its own requests")

    def test_concurrency_error_leaves_the_batch_pending_not_failed(self):
        """A lead changed meanwhile by someone else is not the request's fault: the batch is retried
        in a new transaction (the cron and the HTTP workers commit; here it propagates), never failed."""
        self.post({"phone": "+79160008890"}, wait=False)

        def conflict(processor, entries):
            raise SerializationFailure("could not serialize access due to concurrent update")

        with patch.object(type(self.env["ecom.intake.processor"]), "_process_entries", conflict), \
                self.assertRaises(OperationalError):
            self.process_queue()
        entry = self.env["ecom.intake.request"].search([("phone", "=", "+79160008890")])
        self.assertEqual((entry.state, entry.error), ("pending", False))
        self.assertEqual(self.process_queue(), 1)
        self.assertEqual(entry.state, "done")

    def test_one_processor_at_a_time(self):
        """The queue is processed by one worker at a time (arrival order, no two partners for one
        phone): while another session holds it, an HTTP worker's pass gives up at once."""
        self.post({"phone": "+79160000041"}, wait=False)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(%s)", [QUEUE_LOCK])
            processed = self.env["ecom.intake.request"]._process_queue(auto_commit=False, wait=False)
            self.assertEqual(processed, 0)
            other.execute("SELECT pg_advisory_unlock(%s)", [QUEUE_LOCK])
        finally:
            other.close()
        self.assertEqual(self.process_queue(), 1)

    def queue_pass(self, journal, sleep=None):
        """A pass over the queue on ``journal``'s cursor, as a worker after its answer runs it."""
        return QueuePass(JournalQueueOps(journal), wait=False, sleep=sleep or (lambda seconds: None))

    def age_queue(self, seconds):
        self.env.cr.execute("UPDATE ecom_intake_request SET create_date = create_date - make_interval(secs => %s) "
                            "WHERE state = 'pending'", [seconds])

    def test_one_worker_gathers_the_others_leave_the_batch_to_it(self):
        """While a worker waits for a batch to gather, another worker's pass leaves at once: the
        waiting one takes its request too."""
        self.post({"phone": "+79160000530"}, wait=False)
        Journal = self.env["ecom.intake.request"]
        with self.another_worker() as other:
            other.execute("SELECT pg_advisory_lock(%s)", [GATHER_LOCK])
            with self.registry.cursor() as cr:
                self.assertFalse(self.queue_pass(Journal.with_env(Journal.env(cr=cr))).gather_more(0.01),
                                 "another worker waits")
            self.assertEqual(Journal._process_queue(batch=100, auto_commit=False, wait=False, gather=0.5), 0)
            other.execute("SELECT pg_advisory_unlock(%s)", [GATHER_LOCK])
            with self.registry.cursor() as cr:
                self.assertTrue(self.queue_pass(Journal.with_env(Journal.env(cr=cr))).gather_more(0.01))
                cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
                           [GATHER_LOCK])
                self.assertEqual(cr.fetchone()[0], 0, "the wait's lock is released")
        entry = Journal.search([("phone", "=", "+79160000530")])
        self.assertEqual(entry.state, "pending")
        self.assertEqual(self.process_queue(), 1)

    def test_a_backlog_is_taken_two_hundred_at_a_time_after_an_answer(self):
        """A burst's backlog is processed in batches of 200 by the worker that has just answered
        (a batch of 200 costs less per request than one of 100)."""
        Journal = self.env["ecom.intake.request"]
        for index in range(250):
            clean, _errors = validate_request({"phone": f"+7916100{index:04d}", "message": "очередь"})
            Journal._enqueue(clean, self.source, self.env.company.id, 10000, wake=False)
        self.age_queue(1)
        batches, process = [], type(Journal)._process

        def spy(journal):
            batches.append(len(journal))
            return process(journal)

        with self.registry.cursor() as cr, patch.object(type(Journal), "_process", spy):
            self.assertEqual(Journal.with_env(Journal.env(cr=cr))._process_after_answer(), 250)
        self.assertEqual(batches, [AFTER_ANSWER_BATCH, 50])
        self.assertEqual(AFTER_ANSWER_BATCH, 200)

    def test_hand_over_sees_whether_another_worker_took_the_queue(self):
        Journal = self.env["ecom.intake.request"]
        with self.another_worker() as other:
            other.execute("SELECT pg_advisory_lock(%s)", [QUEUE_LOCK])
            slept = []
            with self.registry.cursor() as cr:
                self.assertTrue(self.queue_pass(Journal.with_env(Journal.env(cr=cr)), sleep=slept.append).hand_over(),
                                "taken by the other worker")
            self.assertEqual(slept, [HAND_OVER_SECONDS])
            other.execute("SELECT pg_advisory_unlock(%s)", [QUEUE_LOCK])
            with self.registry.cursor() as cr:
                self.assertFalse(self.queue_pass(Journal.with_env(Journal.env(cr=cr)), sleep=slept.append).hand_over(),
                                 "nobody took it: kept")

    def test_a_batch_costs_the_same_queries_whatever_its_size(self):
        """The processing is set-based: a batch of 20 requests (new customers, existing ones, a repeat
        within the window) runs the same queries as a batch of 5, not one more per request."""
        Journal = self.env["ecom.intake.request"]
        Processor = self.env["ecom.intake.processor"].with_context(mail_create_nolog=True, tracking_disable=True)
        for index in range(60):
            self.env["res.partner"].create({"name": f"Старый клиент {index}", "phone": f"+7916300{index:04d}"})

        def batch(size, offset):
            entries = Journal
            for index in range(size):
                phone = f"+7916300{offset + index:04d}" if index % 2 else f"+7916400{offset + index:04d}"
                clean, _errors = validate_request({"phone": phone, "name": "Иванова Анна", "utm_source": "yandex",
                                                   "lines": [{"sku": "DR-L10", "qty": 1, "price": 100}]})
                entries |= Journal.browse(Journal._enqueue(clean, self.source, self.env.company.id, 10000,
                                                           wake=False).request_id)
            return entries

        Processor._process_entries(batch(3, 50))  # the first batch of a process reads what later ones keep
        entries = batch(5, 0)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        Processor._process_entries(entries)
        self.env.flush_all()
        five = self.env.cr.sql_log_count - before
        self.assertLessEqual(five, 120, "a batch's fixed cost stays small")
        entries = batch(20, 20)
        self.env.invalidate_all()
        with self.assertQueryCount(five):  # four times the requests, not one query more
            Processor._process_entries(entries)
        self.assertEqual(set(entries.mapped("state")), {"done"})
