"""The sources, media and campaigns requests name: their decision locks taken at once, in one order
(two batches making the same new names in opposite order deadlocked), and their names matched whatever
the case of their Cyrillic letters and the database's LC_CTYPE."""

import base64
from unittest.mock import patch

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import BaseCase, tagged
from odoo.tools import SQL

from ..tools.casefold import CYRILLIC_CAPITALS, CYRILLIC_SMALL, case_variants, folded_sql
from .common import IntakeCase
from .test_concurrency import ConcurrencyCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestCaseVariants(BaseCase):
    def test_the_cyrillic_alphabet_folds_letter_for_letter(self):
        self.assertEqual(len(CYRILLIC_CAPITALS), len(CYRILLIC_SMALL))
        for capital in "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐЎӘҒҚҢӨҰҮҺ":
            self.assertIn(capital, CYRILLIC_CAPITALS)
        self.assertEqual("СКИДКА ЁЛКА".translate(str.maketrans(CYRILLIC_CAPITALS, CYRILLIC_SMALL)), "скидка ёлка")

    def test_case_variants(self):
        self.assertEqual(case_variants("кружка синяя"),
                         ["кружка синяя", "КРУЖКА СИНЯЯ", "Кружка синяя", "Кружка Синяя"])
        self.assertEqual(case_variants("Dreame L10")[0], "Dreame L10", "the name as written first")


@tagged("post_install", "-at_install", "ecom_crm")
class TestUtmNamesAnyCtype(IntakeCase):
    """A database created with LC_CTYPE C folds A–Z only in ILIKE and lower(). The column's collation «C»
    makes this database compare the column as such a database does."""

    def as_c_ctype(self, table):
        self.env.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN name TYPE varchar COLLATE \"C\"", SQL.identifier(table)))

    def test_folding_does_not_depend_on_the_collation(self):
        self.env.cr.execute(SQL("SELECT lower(%(a)s COLLATE \"C\") = lower(%(b)s COLLATE \"C\"), "
                                "%(fa)s = %(fb)s", a="СКИДКА Ёлка", b="скидка ёлка",
                                fa=folded_sql(SQL("%s COLLATE \"C\"", "СКИДКА Ёлка")),
                                fb=folded_sql(SQL("%s COLLATE \"C\"", "скидка ёлка"))))
        self.assertEqual(self.env.cr.fetchone(), (False, True))

    def test_a_medium_in_another_case_is_found_in_a_c_ctype_database(self):
        Medium = self.env["utm.medium"]
        medium = Medium.create({"name": "Рассылка Партнёров"})
        self.as_c_ctype("utm_medium")
        self.env.invalidate_all()
        # what the lookup by ILIKE found there: nothing
        self.assertFalse(Medium.search([("name", "=ilike", "РАССЫЛКА ПАРТНЁРОВ")]), "the column folds no Cyrillic")
        Processor = self.env["ecom.intake.processor"]
        for name in ("РАССЫЛКА ПАРТНЁРОВ", "рассылка партнёров", " Рассылка партнёров "):
            with self.subTest(name=name):
                self.assertEqual(Processor._utm_record("utm.medium", name), medium)
        response = self.post({"phone": "+79160008301", "utm_source": "Партнёры", "utm_medium": "РАССЫЛКА партнёров"})
        self.assertEqual(response.status_code, 201, response.text[:300])
        self.assertEqual(self.env["crm.lead"].browse(response.json()["lead_id"]).medium_id, medium)
        self.assertEqual(Medium.with_context(active_test=False).search_count([("name", "ilike", "ассылка")]), 1,
                         "no second medium made")

    def test_several_names_found_in_one_query(self):
        Processor = self.env["ecom.intake.processor"]
        spring, autumn, friday = self.env["utm.campaign"].create([
            {"title": "Весна Скидка"}, {"title": "ОСЕНЬ"}, {"title": "Black Friday Ёлки"}])
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            found = Processor._utm_find_all("utm.campaign", ["ВЕСНА СКИДКА", "осень", "Зима", "BLACK friday ёлки"])
        self.assertEqual(found, {"ВЕСНА СКИДКА": spring, "осень": autumn, "BLACK friday ёлки": friday},
                         "Latin letters folded too")


    def test_a_name_is_found_by_its_index_not_by_reading_the_table(self):
        """translate() of every row read half a second a request on a store of 50,000 auto campaigns: the
        lookup's expression is the one of the index the addon makes, and PostgreSQL uses it."""
        Processor = self.env["ecom.intake.processor"]
        self.env["utm.campaign"].create([{"title": f"Авто кампания {index}"} for index in range(300)])
        self.env.flush_all()
        self.env.cr.execute("ANALYZE utm_campaign")
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        plans = []
        execute = type(self.env.cr).execute

        def explain(cr, query, params=None, log_exceptions=True):
            if "translate(" in str(query) and not plans:
                execute(cr, SQL("EXPLAIN %s", query))
                plans.append(" ".join(row[0] for row in cr.fetchall()))
            return execute(cr, query, params, log_exceptions=log_exceptions)

        with patch.object(type(self.env.cr), "execute", autospec=True, side_effect=explain):
            found = Processor._utm_find_all("utm.campaign", ["АВТО КАМПАНИЯ 42"])
        self.assertEqual(found["АВТО КАМПАНИЯ 42"].name, "Авто кампания 42")
        self.assertIn("utm_campaign_name_folded_index", plans[0])
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s ORDER BY 1",
                            ["utm_%_folded_index"])
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], [
            "utm_campaign_name_folded_index", "utm_medium_name_folded_index", "utm_source_name_folded_index"])


@tagged("post_install", "-at_install", "ecom_crm")
class TestUtmLockOrder(IntakeCase):
    def test_a_batch_takes_the_locks_of_its_new_names_at_once(self):
        """A batch naming new names in any order takes their locks in one statement, before making any
        of them; each one made after takes only a lock it holds already."""
        Lock = type(self.env["ecom.decision.lock"])
        self.env["utm.source"].create({"name": "Старый партнёр"})
        taken = []
        original = Lock._take

        def take(lock, keys):
            taken.append(sorted({str(key) for key in keys if key}))
            return original(lock, keys)

        Request = self.env["ecom.intake.request"]
        entries = Request._journal({"phone": "+79160008311", "utm_source": "Я-партнёр", "utm_campaign": "Б-акция"},
                                   self.source, "api")
        entries |= Request._journal({"phone": "+79160008312", "utm_source": "старый ПАРТНЁР",
                                     "utm_medium": "cpc", "utm_campaign": "А-акция"}, self.source, "api")
        with patch.object(Lock, "_take", autospec=True, side_effect=take):
            self.env["ecom.intake.processor"]._process_entries(entries)
        utm = [keys for keys in taken if any(key.startswith("utm.") for key in keys)]
        self.assertEqual(utm[0], ["utm.campaign:а-акция", "utm.campaign:б-акция", "utm.source:я-партнёр"],
                         "all new names at once, not the existing source nor the alias «cpc»")
        for keys in utm[1:]:
            self.assertLessEqual(set(keys), set(utm[0]), "later only what it holds")
        self.assertEqual(entries.lead_id.campaign_id.mapped("name"), ["Б-акция", "А-акция"])

    def test_names_found_at_the_batch_start_are_not_looked_for_again(self):
        Processor = type(self.env["ecom.intake.processor"])
        source = self.env["utm.source"].create({"name": "Старый партнёр"})
        campaign = self.env["utm.campaign"].create({"title": "Осень"})
        Request = self.env["ecom.intake.request"]
        entries = Request.browse()
        spellings = [("старый ПАРТНЁР", "ОСЕНЬ"), ("Старый партнёр", "осень")]
        for index, (source_name, campaign_name) in enumerate(spellings):
            entries |= Request._journal({"phone": f"+7916000832{index}", "utm_source": source_name,
                                         "utm_campaign": campaign_name}, self.source, "api")
        find_all = patch.object(Processor, "_utm_find_all", autospec=True, side_effect=Processor._utm_find_all)
        with patch.object(Processor, "_utm_find", autospec=True, side_effect=AssertionError("looked for again")), \
                find_all as find_all:
            self.env["ecom.intake.processor"]._process_entries(entries)
        self.assertEqual(find_all.call_count, 2, "one lookup per model for the batch")
        self.assertEqual((entries.lead_id.source_id, entries.lead_id.campaign_id), (source, campaign))

    def test_the_ad_spend_import_takes_the_locks_of_its_new_names_at_once(self):
        """A file's new sources and campaigns are reserved at once before any is made, as a batch does: in
        the file's order, the import and a batch making the same two names waited for each other."""
        Lock = type(self.env["ecom.decision.lock"])
        self.env.ref("base.RUB").active = True
        taken = []
        original = Lock._take

        def take(lock, keys):
            taken.append(sorted({str(key) for key in keys if key}))
            return original(lock, keys)

        content = ("date;source;medium;campaign;cost;currency\n2026-11-01;Ярмарка;cpc;Зимняя;10;RUB\n"
                   "2026-11-01;yandex;cpc;Весенняя;20;RUB\n").encode()
        wizard = self.env["ecom.ad.spend.import"].create({"file": base64.b64encode(content), "filename": "spend.csv"})
        with patch.object(Lock, "_take", autospec=True, side_effect=take):
            wizard.action_import()
        utm = [keys for keys in taken if any(key.startswith("utm.") for key in keys)]
        self.assertEqual(utm[0], ["utm.campaign:весенняя", "utm.campaign:зимняя", "utm.source:ярмарка"])
        for keys in utm[1:]:
            self.assertLessEqual(set(keys), set(utm[0]))
        self.assertEqual(len(self.env["ecom.ad.spend"].search([("date", "=", "2026-11-01")])), 2)

    def test_names_in_any_order_make_one_lock_statement_in_one_order(self):
        """The slots are written in one order whatever the order of the names: two batches wait for each
        other at their first slot, never each holding one the other waits for."""
        Processor = self.env["ecom.intake.processor"]
        statements = []
        names = [("utm.campaign", f"Новая {index}") for index in range(6)]
        execute = type(self.env.cr).execute

        def spy(cr, query, params=None, log_exceptions=True):
            if "ecom_decision_lock" in str(query):
                statements.append(query)
            return execute(cr, query, params, log_exceptions=log_exceptions)

        with patch.object(type(self.env.cr), "execute", autospec=True, side_effect=spy):
            Processor._utm_lock_new(names)
            Processor._utm_lock_new(list(reversed(names)))
        self.assertEqual(len(statements), 2, "one statement each")
        self.assertEqual(statements[0].params, statements[1].params, "the same keys in the same order")


@tagged("post_install", "-at_install", "ecom_crm")
class TestUtmNamesConcurrency(ConcurrencyCase):
    """Two batches making the same two new names, met in opposite orders, at the same instant."""

    SOURCE = "Партнёр одновременный"
    CAMPAIGN = "Акция одновременная"

    def setUp(self):
        super().setUp()
        self.addCleanup(self.committed, self.forget)

    def forget(self, env):
        env["utm.source"].search([("name", "=", self.SOURCE)]).unlink()
        env["utm.campaign"].with_context(active_test=False).search([("name", "=", self.CAMPAIGN)]).unlink()

    def made(self, env):
        return (env["utm.source"].search_count([("name", "=", self.SOURCE)]),
                env["utm.campaign"].with_context(active_test=False).search_count([("name", "=", self.CAMPAIGN)]))

    def test_two_batches_in_opposite_order_do_not_deadlock(self):
        """Batch A makes the campaign, then the source (its requests name them so); batch B the source,
        then the campaign. Each taking a name's lock as it met it, A held the campaign's and waited for
        the source's, which B held waiting for the campaign's: PostgreSQL's deadlock, one of them aborted.
        A took both locks at its start: B waits for A at its first lock, holding none A needs; A makes
        both and commits, B is refused for a retry, and its retry finds both."""
        first = self.registry.cursor()
        thread = None
        try:
            env = api.Environment(first, SUPERUSER_ID, {})
            processor = env["ecom.intake.processor"]
            # batch A: its requests name the campaign, then the source; its new names' locks at its start
            processor._utm_lock_new(processor._utm_names([{"utm_campaign": self.CAMPAIGN},
                                                          {"utm_source": self.SOURCE}]))
            processor._utm_record("utm.campaign", self.CAMPAIGN)
            pid = self.backend_pid(first)

            def batch_b(env):
                data = {"utm_source": self.SOURCE, "utm_campaign": self.CAMPAIGN}
                processor = env["ecom.intake.processor"]
                processor._utm_lock_new(processor._utm_names([data]))
                source, _medium, campaign = processor._utm_of(data, env["ecom.intake.source"], {})
                return source.id, campaign.id

            thread, outcome = self.in_thread(batch_b)
            waited = self.wait_for_lock_or_end(pid, thread)
            processor._utm_record("utm.source", self.SOURCE)  # A goes on: B holds nothing it needs
            first.commit()
        finally:
            first.close()
            if thread:
                self.join(thread, outcome)
        self.assertTrue(waited, "B waits for A")
        error = outcome.get("error")
        self.assertIsInstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, "retried, not failed")
        self.assertNotIsInstance(error, errors.DeadlockDetected)
        again = self.committed(lambda env: env["ecom.intake.processor"]._utm_of(
            {"utm_source": self.SOURCE, "utm_campaign": self.CAMPAIGN}, env["ecom.intake.source"], {}) and None)
        self.assertIsNone(again)
        self.assertEqual(self.committed(self.made), (1, 1), "each made once")
