"""1C's «deactivate» (protocol 3.1): a full unload, in as many files and exchanges as 1C sends it,
archives what it did not name only when 1C asks, and only then."""

import re
import time
from datetime import datetime
from unittest.mock import patch

from odoo import fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import BaseCase, TransactionCase, tagged

from ..commerceml.protocol import announces_deactivate, answered_version, parse_timestamp, parse_version
from ..models.ecom_1c_import_catalog import Ecom1cImportCatalog
from .common import ProtocolCase, big_catalog, big_catalog_id, read

SPLIT = ("import___classifier.xml", "import___goods.xml", "offers___hm3.xml", "prices___hm3.xml", "rests___hm3.xml")


def split_files(without=(), only_changes=False):
    """1C:УТ 11's unload in protocol 3.1 (tests/data/handmade/split-3.1): classifier, catalog, offers,
    prices and stock, each file its own; the offers ``without`` left out of the offers, prices and
    stock; every package «changes only» with ``only_changes``."""
    files = {}
    for name in SPLIT:
        data = read("handmade", "split-3.1", name).decode()
        for offer_id in without:
            data = re.sub(rf"<Предложение>\s*<Ид>{re.escape(offer_id)}</Ид>.*?</Предложение>\s*", "", data,
                          flags=re.DOTALL)
        if only_changes:
            data = data.replace('СодержитТолькоИзменения="false"', 'СодержитТолькоИзменения="true"')
        files[name] = data.encode()
    return files


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestProtocolWords(BaseCase):
    """Plain Python: no database."""

    def test_versions(self):
        self.assertEqual([parse_version(v) for v in ("3.1", " 2.08 ", "3", "2.10.1", "", None, "3.x", "x")],
                         [(3, 1), (2, 8), (3,), (2, 10, 1), None, None, None, None])
        # 1C's own spelling back («2.08» is no «2.8»: 1C reads the answer as its schema's version)
        self.assertEqual([answered_version(v) for v in ("2.08", " 2.10 ", "3.1", "3.2", "4", "3.1.0")],
                         ["2.08", "2.10", "3.1", "3.1", "3.1", "3.1"])
        self.assertEqual([announces_deactivate(v) for v in ("3.1", "3", "2.10", "", None, "junk")],
                         [True, True, False, False, False, False])
        self.assertIsNone(answered_version("junk"))

    def test_timestamps(self):
        self.assertEqual(parse_timestamp("1764900000"), datetime(2025, 12, 5, 2, 0))
        for raw in (None, "", "0", "-5", "1.5", "soon", "9" * 30):
            self.assertIsNone(parse_timestamp(raw), raw)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestWhatTheArchivingLogs(TransactionCase):
    """What 1C's deactivate and the end of a session archiving characteristics say, in the log or to 1C,
    when an exchange since then failed or a whole list is not imported to its end, and how the log names
    what was archived."""

    def setUp(self):
        super().setUp()
        self.env = self.env(context=dict(self.env.context, lang="en_US"))  # the log's words, as written
        self.session = self.env["ecom.1c.session"]._open()[0]
        # before the exchange, which starts at its creation's second: the clock may tick in between
        self.since = fields.Datetime.now().replace(microsecond=0)
        self.exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog",
                                                            "session_id": self.session.id})
        self.env["ecom.1c.exchange"].search([("id", "!=", self.exchange.id), ("date_start", ">=", self.since)]).unlink()
        for name, kind in (("import.xml", "catalog"), ("offers.xml", "offers")):
            self.env["ecom.1c.exchange.file"].create({
                "exchange_id": self.exchange.id, "name": name, "kind": kind, "full_catalog": True, "catalog_id": "c",
                "schema_version": "3.1", "state": "done" if kind == "catalog" else "running"})

    def test_a_list_not_imported_to_its_end_or_a_failed_exchange_archives_nothing(self):
        self.assertEqual(self.exchange._archive_unoffered(self.session), 0)
        self.assertEqual(self.exchange.messages, "offers.xml is not imported to its end: no characteristic archived")
        with self.assertRaisesRegex(UserError, "^offers.xml is not imported to its end: nothing archived$"):
            self.exchange._deactivate(self.since, self.session)
        failed = self.exchange.copy({"session_id": self.session.id, "state": "failed"})
        self.assertEqual(self.exchange._archive_unoffered(self.session), 0)
        self.assertEqual(self.exchange.messages.splitlines()[-1],
                         f"The exchange «{failed.display_name}» failed: no characteristic archived",
                         "the failed exchange first")
        with self.assertRaisesRegex(UserError, "failed: nothing archived$"):
            self.exchange._deactivate(self.since, self.session)
        self.assertEqual(self.exchange.archived_count, 0)

    def test_an_exchange_interrupted_archives_nothing(self):
        """An exchange 1C abandoned before its end (interrupted) left something unimported that no file record
        may tell any more: nothing archived, as after a failed one, which is named first."""
        self.exchange.file_ids.state = "done"
        interrupted = self.exchange.copy({"session_id": self.session.id, "state": "interrupted"})
        self.assertEqual(self.exchange._archive_unoffered(self.session), 0)
        self.assertEqual(self.exchange.messages, f"The exchange «{interrupted.display_name}» was interrupted before "
                                                 "its end: no characteristic archived")
        with self.assertRaisesRegex(UserError, "^the exchange «.*» was interrupted before its end: nothing archived$"):
            self.exchange._deactivate(self.since, self.session)
        self.exchange.copy({"session_id": self.session.id, "state": "failed"})
        with self.assertRaisesRegex(UserError, "failed: nothing archived$"):
            self.exchange._deactivate(self.since, self.session)
        self.assertEqual(self.exchange.archived_count, 0)

    def test_another_1cs_interrupted_exchange_keeps_nothing_from_deactivating(self):
        """Another 1C (another company's base) abandoned an exchange meanwhile: that tells nothing of this
        session's unload, whose deactivate archives what it did not name."""
        self.exchange.file_ids.state = "done"
        other = self.env["ecom.1c.session"]._open()[0]
        self.exchange.copy({"session_id": other.id, "state": "interrupted"})
        product = self.env["product.template"].create({"name": "Снят с продажи", "ecom_1c_id": "gone-1",
                                                       "ecom_1c_catalog_id": "c"})
        self.assertEqual(self.exchange._deactivate(self.since, self.session), 1)
        self.assertFalse(product.active)

    def test_the_log_names_the_first_twenty_archived(self):
        templates = self.env["product.template"].create([{"name": f"Товар {i:02d}"} for i in range(25)])
        self.assertEqual(self.exchange._names(templates),
                         ": " + ", ".join(f"Товар {i:02d}" for i in range(20)) + " and 5 more")
        self.assertEqual(self.exchange._names(templates[:2]), ": Товар 00, Товар 01")
        self.assertEqual(self.exchange._names(templates.browse()), "")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestDeactivate(ProtocolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Template = cls.env["product.template"].with_context(active_test=False)
        # a product of another 1C catalog: no unload of catalog «c» ever touches it
        cls.other = cls.Template.create({"name": "Чужой каталог", "ecom_1c_id": "other-1",
                                         "ecom_1c_catalog_id": "other"})

    def checkauth(self):
        """A 1C session: ``(cookie, the timestamp 1C passes to deactivate)``."""
        lines = self.call("checkauth", auth=("exchange", "s3cret-1C"))
        self.assertEqual(lines[0], "success")
        return (lines[1], lines[2]), lines[4].split("=", 1)[1]

    def exchange(self, cookie, files, version="3.1"):
        """One init (announcing ``version``) uploading and importing ``files`` {name: bytes}."""
        lines = self.call("init", cookie=cookie, extra=f"&version={version}" if version else "")
        if version:
            self.assertEqual(lines[2:], [f"sessid={cookie[1]}", f"version={version}"])
        for name, data in files.items():
            self.assertEqual(self.call("file", data=data, cookie=cookie, filename=name), ["success"])
            self.assertEqual(self.call("import", cookie=cookie, filename=name)[0], "success")

    def an_hour_ago(self):
        """What the exchanges so far did, an hour ago: 1C's timestamps are in seconds, and a test's
        exchanges all fall within the same few."""
        self.env.flush_all()
        for table, column in (("product_template", "ecom_1c_seen_at"), ("product_product", "ecom_1c_seen_at"),
                              ("product_product", "ecom_1c_listed_at"), ("ecom_1c_exchange", "date_start")):
            self.env.cr.execute(f"UPDATE {table} SET {column} = {column} - interval '1 hour'")
        self.env.invalidate_all()

    def active(self):
        self.env.invalidate_all()
        return sorted(self.Template.search([("ecom_1c_catalog_id", "in", ("c", "other")),
                                            ("active", "=", True)]).mapped("ecom_1c_id"))

    def test_a_full_unload_in_exchanges_of_its_own_archives_at_deactivate(self):
        """1C:УТ 11 sends a big catalog in packages, an init each, then deactivate with its checkauth's
        timestamp and complete: no package archives the others' products; deactivate archives only
        what none named, logged by name; asked again, nothing more."""
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"import.xml": big_catalog(10)}, version=None)  # the store as it was
        self.an_hour_ago()
        everything = sorted([big_catalog_id(i) for i in range(10)] + ["other-1"])
        self.assertEqual(self.active(), everything)
        cookie, stamp = self.checkauth()
        self.exchange(cookie, {"import0_1.xml": big_catalog(5)})
        self.assertEqual(self.active(), everything, "the first package archives nothing of the second")
        self.exchange(cookie, {"import1_1.xml": big_catalog(4, start=5)})  # product 9 is no longer in 1C
        self.assertEqual(self.active(), everything, "nor the last one, before 1C asks")
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=1"])
        self.assertEqual(self.active(), [i for i in everything if i != big_catalog_id(9)])
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertIn("Товар номер 9 с длинным описанием", exchange.messages)
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"], "1C asking again archives nothing more")
        self.assertEqual(self.call("complete", cookie=cookie), ["success"])
        self.assertEqual((exchange.state, exchange.archived_count, exchange.warning_count), ("done", 1, 0))
        # the next unload names product 9 again: it is sold again
        cookie, stamp = self.checkauth()
        self.exchange(cookie, {"import0_1.xml": big_catalog(10)})
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        self.assertEqual(self.active(), everything)

    def test_deactivate_archives_nothing_it_should_not(self):
        cookie, stamp = self.checkauth()
        self.exchange(cookie, {"import.xml": big_catalog(10)}, version=None)
        self.an_hour_ago()
        everything = self.active()
        # a delta unload: nothing unloaded whole, nothing archived, whatever it did not name
        cookie, stamp = self.checkauth()
        self.exchange(cookie, {"import.xml": big_catalog(2, only_changes=True)})
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        # no timestamp, none of this exchange's: «failure» and why
        for extra in ("", "&timestamp=", "&timestamp=0", "&timestamp=1", "&timestamp=soon"):
            lines = self.call("deactivate", cookie=cookie, extra=extra)
            self.assertEqual((len(lines), lines[0]), (2, "failure"), extra)
            # in the exchange user's language, as the exchange log has it
            self.assertTrue(any(text in lines[1] for text in ("nothing archived", "ничего не архивировано")), lines)
        self.assertEqual(self.call("deactivate", type_="sale", cookie=cookie, extra=f"&timestamp={stamp}")[0],
                         "failure")
        # a full catalog uploaded but not imported: its products would look unnamed
        cookie, stamp = self.checkauth()
        self.call("init", cookie=cookie, extra="&version=3.1")
        self.call("file", data=big_catalog(3), cookie=cookie, filename="import0_1.xml")
        lines = self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}")
        self.assertEqual(lines[0], "failure")
        self.assertIn("import0_1.xml", lines[1])
        # a failed exchange: nothing archived
        cookie, stamp = self.checkauth()
        self.call("init", cookie=cookie, extra="&version=3.1")
        self.call("file", data=big_catalog(3), cookie=cookie, filename="import0_1.xml")
        with patch.object(Ecom1cImportCatalog, "_import_products", side_effect=MemoryError("killed")):
            self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "failure")
        lines = self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}")
        self.assertEqual(lines[0], "failure")
        self.assertTrue(any(text in lines[1] for text in ("failed", "с ошибкой")), lines)
        self.assertEqual(self.active(), everything)
        self.assertEqual(self.env["ecom.1c.exchange"].search([], limit=1).state, "failed")

    def test_init_answers_the_version_as_1c_spells_it(self):
        """1C of schema 2.08 hears «version=2.08» back, never «2.8»; a newer one the site's 3.1; one
        that says none hears no version."""
        cookie, _stamp = self.checkauth()
        for sent, heard in (("2.08", "version=2.08"), ("2.10", "version=2.10"), ("3.2", "version=3.1")):
            lines = self.call("init", cookie=cookie, extra=f"&version={sent}")
            self.assertEqual(lines[2:], [f"sessid={cookie[1]}", heard], sent)
        self.assertEqual(self.call("init", cookie=cookie)[2:], [], "no version asked: neither sessid nor version")

    def test_a_product_a_delta_names_meanwhile_is_not_archived(self):
        """While 1C unloads its catalog whole, an exchange of changes (another node, another 1C) brings
        a product made since: it is in 1C, and the unload's deactivate keeps it (1C-Bitrix: updated
        since the timestamp); what no exchange named since then goes."""
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"import.xml": big_catalog(10)}, version=None)
        self.an_hour_ago()
        cookie, stamp = self.checkauth()
        self.exchange(cookie, {"import0_1.xml": big_catalog(5)})
        other, _other_stamp = self.checkauth()
        self.exchange(other, {"import.xml": big_catalog(1, start=20, only_changes=True)})
        self.exchange(cookie, {"import1_1.xml": big_catalog(2, start=5)})
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=3"])
        self.assertEqual(self.active(), sorted([big_catalog_id(i) for i in (*range(7), 20)] + ["other-1"]))

    def test_another_1c_unloading_its_own_catalog_meanwhile_loses_nothing(self):
        """Two 1C bases (two companies) unload their catalogs at the same time through the site's one
        exchange login: the deactivate of the first archives what its own unload did not name, none
        of the second's catalog, whose packages are still coming."""

        def catalog_d(products, start):
            return big_catalog(products, start=start).decode().replace("<Ид>c</Ид>", "<Ид>d</Ид>").encode()

        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"import.xml": big_catalog(10)}, version=None)
        self.exchange(cookie, {"import.xml": catalog_d(10, 100)}, version=None)
        self.an_hour_ago()
        ids_d = [big_catalog_id(i) for i in range(100, 110)]
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "in", ids_d), ("ecom_1c_catalog_id", "=", "d")]),
                         10)
        first, stamp = self.checkauth()
        second, _second_stamp = self.checkauth()
        self.exchange(second, {"import0_1.xml": catalog_d(5, 100)})  # the first of its packages
        self.exchange(first, {"import0_1.xml": big_catalog(9)})  # product 9 is no longer in the first 1C
        self.assertEqual(self.call("deactivate", cookie=first, extra=f"&timestamp={stamp}"),
                         ["success", "archived=1"])
        self.env.invalidate_all()
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "in", ids_d), ("active", "=", True)]), 10,
                         "the second 1C's catalog is its own deactivate's to archive")
        self.assertNotIn(big_catalog_id(9), self.active())

    def test_characteristics_the_full_offers_no_longer_name_are_archived(self):
        """1C of protocol 3.1 lists characteristics in its offers (their prices and stock in files of
        their own), not in the catalog: at deactivate, a characteristic no offers package of the
        catalog unloaded whole named since the timestamp is archived (no longer sold at its last
        price and stock), its product and the product's other characteristics kept."""
        Product = self.env["product.product"].with_context(active_test=False)
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, split_files(), version=None)
        self.an_hour_ago()
        variant = Product.search([("ecom_1c_id", "=", "hm3-boots#size-41")])
        self.assertTrue(variant.active)
        cookie, stamp = self.checkauth()
        self.exchange(cookie, split_files(without=["hm3-boots#size-41"]))
        self.assertTrue(variant.active, "nothing archived before 1C asks")
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=1"])
        self.env.invalidate_all()
        self.assertFalse(variant.active)
        self.assertTrue(variant.product_tmpl_id.active)
        self.assertEqual(sorted(self.env["product.product"].search([("ecom_1c_id", "=like", "hm3-%")]).mapped(
                         "ecom_1c_id")),
                         ["hm3-boots#size-40", "hm3-sneakers#size-40", "hm3-sneakers#size-41", "hm3-socks",
                          "hm3-tshirt#blue", "hm3-tshirt#red"])
        # named again by the next full unload: sold again
        cookie, stamp = self.checkauth()
        self.exchange(cookie, split_files())
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        self.env.invalidate_all()
        self.assertTrue(variant.active)

    def test_a_whole_offers_list_in_packages_without_deactivate_archives_at_the_sessions_end(self):
        """1C of CommerceML 3.1 that does not deactivate (no version at init) sends its whole offers list in
        packages, each uploaded and imported in an exchange of its own: no package archives a characteristic
        a later one names (archived, then sold again); 1C's end of the session (mode=complete) archives those
        no package named, and asked again nothing more."""
        Product = self.env["product.product"].with_context(active_test=False)

        def active():
            self.env.invalidate_all()
            return sorted(Product.search([("ecom_1c_id", "=like", "hm3-%#%"), ("active", "=", True)])
                          .mapped("ecom_1c_id"))

        cookie, _stamp = self.checkauth()
        self.exchange(cookie, split_files(), version=None)
        self.an_hour_ago()
        everything = active()
        self.assertEqual(len(everything), 6)
        first = split_files(without=["hm3-boots#size-41", "hm3-tshirt#red"])["offers___hm3.xml"]
        second = split_files(without=[i for i in everything if i != "hm3-boots#size-41"] + ["hm3-socks"])
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"offers___p1.xml": first}, version=None)
        self.assertEqual(active(), everything, "the first package archives nothing a later one may name")
        package = self.env["ecom.1c.session"]._find(cookie[1]).exchange_id
        archived = []
        original = type(Product).action_archive

        def recording(records):
            archived.extend(records.mapped("ecom_1c_id"))
            return original(records)

        with patch.object(type(Product), "action_archive", recording):
            self.exchange(cookie, {"offers___p2.xml": second["offers___hm3.xml"]}, version=None)
            # the next package's init ended it, its file imported: done, not taken for abandoned (the session
            # goes on, its end archives for every package)
            self.assertEqual(package.state, "done")
            self.assertEqual(active(), everything, "nor the last one, before 1C ends its session")
            self.assertEqual(self.call("complete", cookie=cookie), ["success"])
        self.assertEqual(archived, ["hm3-tshirt#red"], "only what no package named, once")
        self.assertEqual(active(), [i for i in everything if i != "hm3-tshirt#red"])
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual((exchange.state, exchange.archived_count), ("done", 1))
        self.assertEqual(self.call("complete", cookie=cookie), ["success"])
        self.assertEqual(active(), [i for i in everything if i != "hm3-tshirt#red"], "asked again: nothing more")

    def test_the_sessions_end_waits_for_another_import_only_to_archive(self):
        """1C ends its catalog session (``mode=success``/``complete``) while another exchange's import step runs:
        with no whole offers list of CommerceML 3 in the session it archives nothing and waits for nothing,
        «success» at once and the exchange done (it waited, and past twice a step 1C heard «failure» at the
        end of an exchange that was fine). With such a list it still waits for the step, which may name
        the characteristics it would archive."""
        from ..controllers.exchange import IMPORT_LOCK

        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.step_seconds", 1)
        plain, _stamp = self.checkauth()
        self.call("init", cookie=plain)
        listing, _stamp = self.checkauth()
        self.call("init", cookie=listing)
        # its whole offers list imported (the records its import leaves: the tests' requests share one
        # transaction, which would hold the import lock the other exchange holds here)
        exchange = self.env["ecom.1c.session"]._find(listing[1]).exchange_id
        self.env["ecom.1c.exchange.file"].create({
            "exchange_id": exchange.id, "name": "offers.xml", "kind": "offers", "full_catalog": True,
            "catalog_id": "c", "schema_version": "3.1", "state": "done"})
        other = sql_db.db_connect(self.env.cr.dbname).cursor()  # another exchange's step, on its own connection
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            started = time.monotonic()
            self.assertEqual(self.call("success", cookie=plain), ["success"])
            self.assertLess(time.monotonic() - started, 5, "no wait for the other exchange's step")
            lines = self.call("complete", cookie=listing)
        finally:
            other.rollback()
            other.close()
        self.assertEqual(self.env["ecom.1c.session"]._find(plain[1]).exchange_id.state, "done")
        self.assertEqual(lines[0], "failure", "it waited for the step, as long as before")
        self.assertEqual(exchange.state, "running")
        self.assertEqual(self.call("complete", cookie=listing), ["success"], "the step over")
        self.assertEqual(exchange.state, "done")

    def test_deactivate_waiting_too_long_for_another_import_is_busy_not_failed(self):
        """1C's deactivate while another exchange's import step runs past twice a step: 1C hears «failure»
        and why on one line, nothing is archived, the server logs no traceback and the exchange is not
        marked failed (nothing of it failed); asked again once the step is over, it is answered."""
        from ..controllers.exchange import IMPORT_LOCK

        # nothing imported here: the tests' requests share one transaction, which would hold the import lock
        cookie, stamp = self.checkauth()
        self.call("init", cookie=cookie, extra="&version=3.1")
        exchange = self.env["ecom.1c.session"]._find(cookie[1]).exchange_id
        exchange._log("a line of its own", warning=False)
        messages = exchange.messages
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.step_seconds", 1)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()  # another exchange's step, on its own connection
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            with self.assertNoLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "ERROR"):
                lines = self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}")
        finally:
            other.rollback()
            other.close()
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[0], "failure")
        self.assertEqual(lines[1], exchange.with_context(lang=self.env.company.partner_id.lang).env._(
            "another exchange is importing; it did not finish in time"))
        self.env.invalidate_all()
        self.assertEqual((exchange.state, exchange.archived_count, exchange.warning_count), ("running", 0, 0))
        self.assertEqual(exchange.messages, messages, "no line: nothing of it failed")
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"], "the step over, 1C asking again is answered")
        self.assertEqual(exchange.state, "running")

    def test_deactivate_after_a_package_left_unimported_archives_nothing(self):
        """1C uploads a package of its whole unload and begins the next without importing it: the next init
        ends that package's exchange, interrupted (its file never imported), and empties the upload area,
        where deactivate looked for a whole catalog not imported. The products only that package named
        would look unnamed: deactivate archives nothing and says why, as after a failed exchange."""
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"import.xml": big_catalog(10)}, version=None)
        self.an_hour_ago()
        everything = self.active()
        cookie, stamp = self.checkauth()
        self.call("init", cookie=cookie, extra="&version=3.1")
        self.assertEqual(self.call("file", data=big_catalog(5, start=5), cookie=cookie, filename="import0_1.xml"),
                         ["success"])
        left = self.env["ecom.1c.session"]._find(cookie[1]).exchange_id
        self.exchange(cookie, {"import1_1.xml": big_catalog(5)})
        self.assertEqual(left.state, "interrupted")
        lines = self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}")
        self.assertEqual((len(lines), lines[0]), (2, "failure"))
        store = self.env(context={**self.env.context, "lang": self.env.company.partner_id.lang})
        self.assertEqual(lines[1], store._("the exchange «%s» was interrupted before its end: nothing archived",
                                           left.with_env(store).display_name))
        self.assertEqual(self.active(), everything, "products 5 to 9, named by the package left, kept")

    def test_a_whole_unload_of_prices_and_stock_alone_archives_no_characteristic(self):
        """1C of 3.1 unloads its goods, prices and stock whole without the offers list (offers___*.xml): the
        characteristics without a price or stock in them are still 1C's, only a whole offers list says
        which exist. Its deactivate archives none of them."""
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, split_files(), version=None)
        self.an_hour_ago()
        files = split_files(without=["hm3-boots#size-41", "hm3-tshirt#red"])
        cookie, stamp = self.checkauth()
        self.exchange(cookie, {name: data for name, data in files.items() if not name.startswith("offers")})
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        self.env.invalidate_all()
        self.assertEqual(self.env["product.product"].search_count([("ecom_1c_id", "=like", "hm3-%")]), 7)

    def test_a_characteristic_a_package_of_changes_names_meanwhile_is_not_archived(self):
        """While 1C unloads its catalog whole (3.1), an exchange of changes (another node) names a
        characteristic made in 1C after the unload read its offers: it is in 1C, and the unload's
        deactivate keeps it, as it keeps such a product. That package says nothing of the product's
        other characteristics: those of a product the whole offers list did not name stay as they are."""
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, split_files(), version=None)
        self.an_hour_ago()
        cookie, stamp = self.checkauth()
        self.exchange(cookie, split_files(without=["hm3-boots#size-41", "hm3-tshirt#red", "hm3-tshirt#blue"]))
        other, _other_stamp = self.checkauth()
        changes = split_files(only_changes=True, without=[
            "hm3-boots#size-40", "hm3-sneakers#size-40", "hm3-sneakers#size-41", "hm3-tshirt#blue", "hm3-socks"])
        self.exchange(other, {"offers___hm3.xml": changes["offers___hm3.xml"]})
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        self.env.invalidate_all()
        self.assertEqual(self.env["product.product"].search_count([("ecom_1c_id", "=like", "hm3-%")]), 7)

    def test_packages_of_changes_only_archive_nothing_at_deactivate(self):
        """1C of protocol 3.1 marks its packages «СодержитТолькоИзменения=true» when it unloads changes
        only: its deactivate archives nothing of those catalogs, neither products nor characteristics,
        whatever the packages do not name."""
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, split_files(), version=None)
        self.an_hour_ago()
        cookie, stamp = self.checkauth()
        self.exchange(cookie, split_files(without=["hm3-boots#size-41", "hm3-tshirt#red", "hm3-socks"],
                                          only_changes=True))
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        self.env.invalidate_all()
        self.assertEqual(self.env["product.product"].search_count([("ecom_1c_id", "=like", "hm3-%")]), 7)
        # a full offers package uploaded but not imported: its characteristics would look unnamed
        cookie, stamp = self.checkauth()
        self.call("init", cookie=cookie, extra="&version=3.1")
        self.call("file", data=split_files()["offers___hm3.xml"], cookie=cookie, filename="offers___hm3.xml")
        lines = self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}")
        self.assertEqual(lines[0], "failure")
        self.assertIn("offers___hm3.xml", lines[1])

    def test_a_characteristic_an_offer_marks_deleted_is_not_sold_again(self):
        """An offer marking a characteristic for deletion (ПометкаУдаления) does not name it: a full unload
        naming it so archives it at once, though its prices and stock files still name it (1C writes the
        mark in the offers file alone and goes on pricing and stocking it, as tests/data/bitrix6-3.1
        shows), and its deactivate keeps it archived; an offer naming it so later does not sell it again
        (one naming it plainly does)."""
        Product = self.env["product.product"].with_context(active_test=False)
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, split_files(), version=None)
        self.an_hour_ago()
        files = split_files()
        files["offers___hm3.xml"] = files["offers___hm3.xml"].decode().replace(
            "<Ид>hm3-boots#size-41</Ид>", "<Ид>hm3-boots#size-41</Ид><ПометкаУдаления>true</ПометкаУдаления>").encode()
        cookie, stamp = self.checkauth()
        self.exchange(cookie, files)
        variant = Product.search([("ecom_1c_id", "=", "hm3-boots#size-41")])
        self.assertFalse(variant.active, "archived by the offers file, its prices and stock after it reviving nothing")
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}"),
                         ["success", "archived=0"])
        self.env.invalidate_all()
        self.assertFalse(variant.active)
        offers = split_files(only_changes=True)["offers___hm3.xml"].decode().replace(
            "<Ид>hm3-boots#size-41</Ид>", "<Ид>hm3-boots#size-41</Ид><ПометкаУдаления>true</ПометкаУдаления>")
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"offers___hm3.xml": offers.encode()})
        self.env.invalidate_all()
        self.assertFalse(variant.active, "marked for deletion: still archived")
        self.assertTrue(Product.search([("ecom_1c_id", "=", "hm3-boots#size-40")]).active)
        # its prices and stock alone say nothing of the mark; its offer without the mark takes it back
        cookie, _stamp = self.checkauth()
        changes = split_files(only_changes=True)
        self.exchange(cookie, {name: changes[name] for name in ("prices___hm3.xml", "rests___hm3.xml")})
        self.env.invalidate_all()
        self.assertFalse(variant.active, "a prices or stock file revives nothing")
        cookie, _stamp = self.checkauth()
        self.exchange(cookie, {"offers___hm3.xml": changes["offers___hm3.xml"]})
        self.env.invalidate_all()
        self.assertTrue(variant.active, "named plainly by its offer: sold again")
