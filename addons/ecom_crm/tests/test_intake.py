import json
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import OperationalError
from psycopg2.errors import SerializationFailure

from odoo import fields, sql_db
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import SQL

from ..models import ecom_intake_request as journal_module
from ..models.ecom_intake_request import GATHER_LOCK, QUEUE_LOCK, JournalQueueOps
from ..tools.intake import validate_request
from ..tools.intake_queue import AFTER_ANSWER_BATCH, BUSY_SKIP_SECONDS, QueuePass
from .common import URL, IntakeCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestIntakeApi(IntakeCase):
    def test_create_request(self):
        response = self.post({
            "name": "Смирнова Ольга Петровна", "phone": "8 (916) 555-12-34", "email": "olga@mail.ru",
            "message": "Нужен пылесос до пятницы", "city": "Казань", "zip": "420000",
            "lines": [{"sku": "DR-L10", "name": "Пылесос Dreame L10", "qty": 1, "price": 24990}],
            "utm_source": "yandex", "utm_medium": "cpc", "utm_campaign": "Пылесосы", "yclid": "123456",
            "referrer": "https://ya.ru/", "idempotency_key": "order-1001"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        answer = response.json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(answer["result"], "created")
        self.assertTrue(answer["new_customer"])
        self.assertEqual(lead.partner_id.name, "Смирнова Ольга Петровна")
        self.assertEqual(lead.partner_id.ecom_gender, "female")
        self.assertEqual(lead.phone, "+79165551234")
        self.assertEqual(lead.source_id, self.env.ref("ecom_crm.utm_source_yandex_direct"))
        self.assertEqual(lead.medium_id.name, "cpc")
        self.assertEqual(lead.campaign_id.name, "Пылесосы")
        self.assertEqual(lead.ecom_click_id, "123456")
        self.assertEqual(lead.ecom_product_id, self.product)
        self.assertEqual(lead.expected_revenue, 24990)
        self.assertEqual(lead.team_id, self.team)
        self.assertIn("Пылесос Dreame L10, ", lead.name)
        self.assertIn("Казань", lead.name)
        entry = self.env["ecom.intake.request"].browse(answer["request_id"])
        self.assertEqual((entry.source_id, entry.lead_id, entry.channel), (self.source, lead, "api"))

    def test_private_customers_are_not_left_to_company_enrichment(self):
        if "iap_enrich_done" not in self.env["crm.lead"]._fields:
            self.skipTest("Odoo's lead enrichment (crm_iap_enrich) is not installed")
        Lead = self.env["crm.lead"]
        no_email = Lead.browse(self.post({"phone": "+79160004401"}).json()["lead_id"])
        public = Lead.browse(self.post({"phone": "+79160004402", "email": "ivan@yandex.ru"}).json()["lead_id"])
        company = Lead.browse(self.post({"phone": "+79160004403", "email": "zakupki@zavod-ural.ru"}).json()["lead_id"])
        self.assertEqual((no_email.iap_enrich_done, public.iap_enrich_done, company.iap_enrich_done),
                         (True, True, False), "a company's address is left to Odoo's enrichment")

    def test_enrichment_job_search_can_use_its_index(self):
        """Odoo's enrichment job runs after every creation of leads; with thousands of requests an
        hour, its search must not read them all (the domain is the job's own, see crm_iap_enrich)."""
        if "iap_enrich_done" not in self.env["crm.lead"]._fields:
            self.skipTest("Odoo's lead enrichment (crm_iap_enrich) is not installed")
        self.env.cr.execute(SQL("""
            INSERT INTO crm_lead (name, type, active, probability, iap_enrich_done, company_id, create_date, write_date)
            SELECT 'history ' || i, 'opportunity', true, 10, true, %s, now() - interval '20 minutes', now()
              FROM generate_series(1, 5000) i
        """, self.env.company.id))
        self.env.cr.execute("ANALYZE crm_lead")
        query = self.env["crm.lead"]._search([
            ("iap_enrich_done", "=", False), ("reveal_id", "=", False),
            "|", ("probability", "<", 100), ("probability", "=", False),
            ("create_date", ">", fields.Datetime.now() - timedelta(hours=1))])
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("crm_lead_ecom_to_enrich_idx", plan)

    def test_titles_without_city_or_product(self):
        with_product = self.post({"name": "Без города", "phone": "+79161112200", "product_sku": "DR-L10"}).json()
        self.assertIn("Без города", self.env["crm.lead"].browse(with_product["lead_id"]).name)
        answer = self.post({"phone": "+79161112201", "city": "Тверь"}).json()
        self.assertTrue(self.env["crm.lead"].browse(answer["lead_id"]).name)

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
        texts = [n.body.striptags() for n in notes if n.body]
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

    def test_idempotency_key_returns_the_same_lead(self):
        payload = {"name": "Иван", "phone": "+79031112233", "idempotency_key": "form-42"}
        first = self.post(payload).json()
        second = self.post(payload)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["lead_id"], first["lead_id"])
        self.assertTrue(second.json()["replayed"])
        self.assertEqual(self.env["crm.lead"].search_count([("partner_id", "=", first["partner_id"])]), 1)
        self.assertEqual(self.env["ecom.intake.request"].search_count([("idempotency_key", "=", "form-42")]), 1)

    def test_click_id_gives_the_channel(self):
        for index, (click, xmlid) in enumerate((("gclid", "google_ads"), ("yclid", "yandex_direct"),
                                                 ("rb_clickid", "vk"))):
            answer = self.post({"phone": f"+791600000{index:02d}", click: "abc"}).json()
            lead = self.env["crm.lead"].browse(answer["lead_id"])
            self.assertEqual(lead.source_id, self.env.ref(f"ecom_crm.utm_source_{xmlid}"), click)

    def test_source_default_channel(self):
        answer = self.post({"email": "no-utm@yandex.ru"}).json()
        self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).source_id,
                         self.env.ref("ecom_crm.utm_source_website"))

    def test_400_lists_bad_fields(self):
        response = self.post({"name": 12, "amount": "много", "email": "нет", "lines": [{"qty": 0}], "x": 1})
        self.assertEqual(response.status_code, 400)
        answer = response.json()
        self.assertEqual(answer["error"], "invalid_request")
        self.assertEqual(set(answer["fields"]), {"name", "amount", "email", "lines[0]", "x"})
        response = self.post(None, raw=b"{not json")
        self.assertEqual((response.status_code, response.json()["error"]), (400, "invalid_json"))
        response = self.post({"name": "Без контактов"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("phone", response.json()["fields"])
        self.assertFalse(self.env["crm.lead"].search([("contact_name", "=", "Без контактов")]))

    def test_401(self):
        for key in ("", "ecom_deadbeef_wrong", "garbage"):
            response = self.post({"phone": "+79160000001"}, key=key)
            self.assertEqual(response.status_code, 401, key)
            self.assertEqual(response.json()["error"], "unauthorized")
        self.source.active = False
        self.assertEqual(self.post({"phone": "+79160000001"}).status_code, 401)

    def test_413(self):
        response = self.post(None, raw=json.dumps({"message": "x" * 70_000}).encode())
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "payload_too_large")

    def test_429(self):
        self.source.rate_limit = 2
        self.assertEqual(self.post({"phone": "+79160000011"}).status_code, 201)
        self.assertEqual(self.post({"phone": "+79160000012"}).status_code, 201)
        response = self.post({"phone": "+79160000013"})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["error"], "rate_limited")
        # a minute later the source may send again
        self.env["ecom.intake.request"].search([("source_id", "=", self.source.id)]).write({})
        self.env.cr.execute("UPDATE ecom_intake_request SET create_date = create_date - interval '2 minutes'")
        self.assertEqual(self.post({"phone": "+79160000013"}).status_code, 201)

    def test_key_is_stored_hashed(self):
        self.assertNotIn(self.key, str(self.source.sudo().read()[0]))
        source, auth = self.env["ecom.intake.source"]._authenticate(self.key)
        self.assertEqual((source, auth.rate_limit, auth.company_id), (self.source, 1000, self.env.company.id))
        self.assertFalse(self.env["ecom.intake.source"]._authenticate(self.key[:-1] + "x")[0])

    def test_a_new_key_replaces_the_old_one_at_once(self):
        """Sources are remembered per worker between requests: a change must reach the API at once."""
        self.assertEqual(self.post({"phone": "+79160000021"}).status_code, 201)
        new_key = self.source._generate_key()
        self.assertEqual(self.post({"phone": "+79160000022"}).status_code, 401, "the old key is refused")
        self.assertEqual(self.post({"phone": "+79160000022"}, key=new_key).status_code, 201)
        self.source.rate_limit = 1
        self.assertEqual(self.post({"phone": "+79160000023"}, key=new_key).status_code, 429)

    def test_replayed_key_in_the_same_instant_is_not_journaled_twice(self):
        Journal = self.env["ecom.intake.request"]
        data = {"phone": "+79160000031", "idempotency_key": "same-instant"}
        first = Journal._enqueue(data, self.source, self.env.company.id, 1000, "127.0.0.1")
        self.assertTrue(first.request_id)
        self.assertEqual(Journal._enqueue(data, self.source, self.env.company.id, 1000, "127.0.0.1"),
                         (None, first.request_id, False), "the known key, not a second entry")
        self.assertEqual(Journal._find_key(self.source, "same-instant").id, first.request_id)
        # over the rate: nothing journaled, but a known key is still answered
        count = Journal.search_count([("source_id", "=", self.source.id)])
        limited = Journal._enqueue({"phone": "+79160000032"}, self.source, self.env.company.id, count, "127.0.0.1")
        self.assertEqual(limited, (None, None, True))
        self.assertEqual(Journal._enqueue(data, self.source, self.env.company.id, count, "127.0.0.1"),
                         (None, first.request_id, False))
        self.assertEqual(Journal.search_count([("source_id", "=", self.source.id)]), count)
        entry = Journal.browse(first.request_id)
        self.assertEqual((entry.state, entry.channel, entry.phone, entry.company_id, entry.create_uid.id),
                         ("pending", "api", "+79160000031", self.env.company, self.env.uid))
        self.assertEqual(entry.data, data)

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
        return QueuePass(JournalQueueOps(journal), journal.env.cr.dbname, journal_module.BUSY, wait=False,
                         sleep=sleep or (lambda seconds: None))

    def age_queue(self, seconds):
        self.env.cr.execute("UPDATE ecom_intake_request SET create_date = create_date - make_interval(secs => %s) "
                            "WHERE state = 'pending'", [seconds])

    def test_one_worker_gathers_the_others_leave_the_batch_to_it(self):
        """While a worker waits for a batch to gather, another worker's pass leaves at once (and does
        not look at the queue for an instant): the waiting one takes its request too."""
        self.post({"phone": "+79160000530"}, wait=False)
        Journal = self.env["ecom.intake.request"]
        dbname = self.env.cr.dbname
        with self.another_worker() as other:
            other.execute("SELECT pg_advisory_lock(%s)", [GATHER_LOCK])
            with self.registry.cursor() as cr:
                self.assertFalse(self.queue_pass(Journal.with_env(Journal.env(cr=cr))).gather_more(0.01),
                                 "another worker waits")
            self.assertEqual(Journal._process_queue(batch=100, auto_commit=False, wait=False, gather=0.5), 0)
            self.assertTrue(journal_module.queue_recently_busy(dbname))
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

        journal_module.BUSY.forget(self.env.cr.dbname)
        with self.registry.cursor() as cr, patch.object(type(Journal), "_process", spy):
            self.assertEqual(Journal.with_env(Journal.env(cr=cr))._process_after_answer(), 250)
        self.assertEqual(batches, [AFTER_ANSWER_BATCH, 50])
        self.assertEqual(AFTER_ANSWER_BATCH, 200)

    def test_hand_over_sees_whether_another_worker_took_the_queue(self):
        Journal = self.env["ecom.intake.request"]
        dbname = self.env.cr.dbname
        with self.another_worker() as other:
            other.execute("SELECT pg_advisory_lock(%s)", [QUEUE_LOCK])
            slept = []
            with self.registry.cursor() as cr:
                self.assertTrue(self.queue_pass(Journal.with_env(Journal.env(cr=cr)), sleep=slept.append).hand_over(),
                                "taken by the other worker")
            self.assertEqual(slept, [BUSY_SKIP_SECONDS * 1.5])
            self.assertTrue(journal_module.queue_recently_busy(dbname))
            journal_module.BUSY.forget(dbname)
            other.execute("SELECT pg_advisory_unlock(%s)", [QUEUE_LOCK])
            with self.registry.cursor() as cr:
                self.assertFalse(self.queue_pass(Journal.with_env(Journal.env(cr=cr)), sleep=slept.append).hand_over(),
                                 "nobody took it: kept")
            self.assertFalse(journal_module.queue_recently_busy(dbname))


@tagged("post_install", "-at_install", "ecom_crm")
class TestDedup(IntakeCase):
    def test_phone_spellings_find_one_customer(self):
        spellings = ["8 (926) 765-43-21", "+7 926 765 43 21", "79267654321", "9267654321"]
        partners = {self.post({"name": "Петров Пётр", "phone": p}).json()["partner_id"] for p in spellings}
        self.assertEqual(len(partners), 1)
        self.assertEqual(self.env["res.partner"].search_count([("phone", "=", "+79267654321")]), 1)

    def test_new_customers_skip_the_defaults_of_form_only_fields(self):
        """Form-only fields (not stored, no compute, no inverse) are discarded by create(); their
        defaults (account counts the invoice reports) are not computed per new customer."""
        Partner = self.env["res.partner"]
        form_only = {name for name, field in Partner._fields.items() if field.default and not (
            field.store or field.compute or field.inverse or field.related)}
        self.assertIn("display_invoice_template_pdf_report_id", form_only)
        requested, default_get = [], type(Partner).default_get

        def spy(model, fields_list):
            if model._name == "res.partner":
                requested.extend(fields_list)
            return default_get(model, fields_list)

        with patch.object(type(Partner), "default_get", spy):
            answer = self.post({"name": "Новикова Ольга Петровна", "phone": "+79035550011"}).json()
        self.assertTrue(answer["new_customer"])
        self.assertIn("lang", requested, "the stored fields' defaults are still Odoo's")
        self.assertFalse(form_only & set(requested))
        partner = Partner.browse(answer["partner_id"])
        self.assertEqual((partner.lastname, partner.firstname, partner.patronymic, partner.phone),
                         ("Новикова", "Ольга", "Петровна", "+79035550011"))
        self.assertTrue(partner.lang)

    def test_email_matches_existing_customer(self):
        customer = self.env["res.partner"].create({"name": "Орлова Анна", "email": "Anna.Orlova@Mail.ru"})
        answer = self.post({"name": "Анна", "email": "anna.orlova@mail.ru"}).json()
        self.assertEqual(answer["partner_id"], customer.id)
        self.assertFalse(answer["new_customer"])

    def test_repeat_window_updates_the_open_request(self):
        first = self.post({"name": "Кузнецов", "phone": "+79161230000", "message": "Первый вопрос"}).json()
        second = self.post({"phone": "8 916 123 00 00", "message": "Второй вопрос",
                            "lines": [{"sku": "DR-L10", "qty": 1, "price": 24990}]}).json()
        self.assertEqual(second["lead_id"], first["lead_id"])
        self.assertEqual(second["result"], "updated")
        lead = self.env["crm.lead"].browse(first["lead_id"])
        self.assertEqual(lead.ecom_product_id, self.product, "the new request completes the open one")
        self.assertTrue(lead.message_ids.filtered(lambda m: "Второй вопрос" in (m.body or "")),
                        "the second request is in the chatter of the first")
        # outside the window: a new request
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [
            fields.Datetime.now() - timedelta(days=self.env.company.ecom_repeat_window_days + 1), lead.id])
        lead.invalidate_recordset()
        third = self.post({"phone": "+79161230000", "message": "Через неделю"}).json()
        self.assertNotEqual(third["lead_id"], first["lead_id"])
        self.assertEqual(third["partner_id"], first["partner_id"])

    def test_repeat_buyer_marked(self):
        customer = self.env["res.partner"].create({"name": "Покупатель", "phone": "+79169990011"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        answer = self.post({"phone": "89169990011"}).json()
        self.assertTrue(answer["repeat_customer"])
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertTrue(lead.ecom_repeat_customer)
        self.assertEqual(lead.ecom_customer_status, "first_purchase")

    def test_email_alias_goes_through_dedup(self):
        customer = self.env["res.partner"].create({"name": "Белова Ирина", "email": "irina@bk.ru"})
        existing = self.env["crm.lead"].create({"name": "Открытая", "type": "opportunity", "partner_id": customer.id})
        lead = self.env["crm.lead"].message_new(
            {"email_from": "Ирина <IRINA@bk.ru>", "subject": "Ещё вопрос", "body": "<p>Где заказ?</p>"})
        self.assertEqual(lead, existing, "within the repeat window the mail joins the open request")
        existing.action_set_lost(lost_reason_id=self.env.ref("ecom_crm.lost_reason_other").id)
        lead = self.env["crm.lead"].message_new({"email_from": "irina@bk.ru", "subject": "Новый заказ"})
        self.assertNotEqual(lead, existing)
        self.assertEqual(lead.partner_id, customer, "a new request, still attached to the customer")
        self.assertEqual(self.env["ecom.intake.request"].search_count(
            [("partner_id", "=", customer.id), ("channel", "=", "email")]), 2)

    def test_merge_keeps_everything_and_logs(self):
        keep = self.env["res.partner"].create({"name": "Иванова Мария", "phone": "+79161110000",
                                               "email": "maria@mail.ru"})
        dupe = self.env["res.partner"].create({"name": "Мария Иванова", "email": "maria@mail.ru"})
        order = self.env["sale.order"].create({"partner_id": dupe.id, "order_line": [
            (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        lead = self.env["crm.lead"].create({"name": "Заявка дубля", "partner_id": dupe.id})
        dupe.message_post(body="Звонила по доставке")
        wizard = self.env["base.partner.merge.automatic.wizard"].with_context(lang="en_US").create({
            "partner_ids": [(6, 0, (keep | dupe).ids)], "dst_partner_id": keep.id})
        dupe_id = dupe.id
        wizard.action_merge()
        self.assertFalse(dupe.exists())
        self.assertEqual(order.partner_id, keep)
        self.assertEqual(lead.partner_id, keep)
        self.assertTrue(keep.message_ids.filtered(lambda m: "Звонила по доставке" in (m.body or "")))
        self.assertTrue(keep.message_ids.filtered(lambda m: f"(ID {dupe_id})" in (m.body or "")),
                        "the merge is logged on the kept customer")
        self.assertEqual(keep.ecom_order_count, 1, "the card counts the merged customer's orders")
        log = keep.message_ids.filtered(lambda m: f"(ID {dupe_id})" in (m.body or ""))[:1].body
        self.assertIn("1 orders, 1 requests, 0 calls", log, "the chatter says what the merged customer brought")

    def test_merged_customers_numbers_still_find_the_kept_one(self):
        keep = self.env["res.partner"].create({"name": "Петров Олег", "phone": "+79161110001",
                                               "email": "oleg@mail.ru"})
        dupe = self.env["res.partner"].create({"name": "Олег Петров", "phone": "+79162220002",
                                               "email": "petrov.o@yandex.ru"})
        self.env["base.partner.merge.automatic.wizard"].create({
            "partner_ids": [(6, 0, (keep | dupe).ids)], "dst_partner_id": keep.id}).action_merge()
        for payload in ({"phone": "8 916 222-00-02"}, {"email": "Petrov.O@yandex.ru"}):
            with self.subTest(payload=payload):
                answer = self.post(payload).json()
                self.assertEqual(answer["partner_id"], keep.id, "no new duplicate from the merged customer's details")
                self.assertFalse(answer["new_customer"])


@tagged("post_install", "-at_install", "ecom_crm")
class TestPayloadValidation(BaseCase):
    """Plain Python, no database."""

    def test_plain_validation(self):
        clean, errors = validate_request({"phone": 79161234567, "delivery_date": "2026-12-01T10:00:00Z",
                                          "lines": [{"sku": "A", "qty": "2", "price": "1 990,50"}]})
        self.assertFalse(errors)
        self.assertEqual(clean["amount"], 3981.0)
        self.assertEqual(clean["phone"], "79161234567")
        self.assertEqual(clean["delivery_date"].isoformat(), "2026-12-01T10:00:00", "naive UTC, as Odoo stores it")
        self.assertEqual(validate_request([])[1], {"_": "the body must be a JSON object"})
        for bad in ({"phone": "1", "amount": "NaN"}, {"phone": "1", "amount": True}, {"phone": "1", "amount": -5}):
            self.assertIn("amount", validate_request(bad)[1], bad)
        self.assertIn("lines", validate_request({"phone": "1", "lines": [{}] * 201})[1])
