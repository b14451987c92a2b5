"""One request of 1C that imports several documents (type=sale: a zip of several files, a file of several
«Документ») applies them all or none: a failure answer means nothing of the upload was applied, names the
broken file or document and why, and the exchange log records the failure; sent again fixed, it is applied
once."""

import os
from types import SimpleNamespace
from unittest.mock import patch

from werkzeug.wrappers import Response

from odoo.addons.ecom_crm.tests.test_concurrency import ConcurrencyCase
from odoo.exceptions import UserError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..controllers import exchange as exchange_module
from ..controllers.exchange import ExchangeController
from ..models.ecom_1c_import_documents import Ecom1cImportDocuments
from .common import ProtocolCase, big_catalog, big_catalog_id, priced_offers_package, sell_in_roubles
from .test_archives import make_zip
from .test_orders_from_1c import LINE, MAT, ORDER
from .test_protocol import Conflict
from .test_upload_retry import status_documents

LOGGERS = ("odoo.addons.ecom_crm_1c.controllers.exchange", "odoo.addons.ecom_crm_1c.models.ecom_1c_import_documents")


def order_documents(*orders, product=MAT):
    """One file of 1C holding the orders ``orders`` [(order id, customer id, phone)], a «Документ» each, of one
    line each, of the product of 1C id ``product``."""
    texts = [ORDER.format(id=order_id, number=order_id, total=2500, customer=customer, phone=phone, posted="false",
                          lines=LINE.format(id=product, name="Коврик", price=2500, qty=1, amount=2500))
             for order_id, customer, phone in orders]
    head = texts[0].partition("<Контейнер>")[0]
    bodies = "".join(text.partition("<Контейнер>")[2].rpartition("</Контейнер>")[0] for text in texts)
    return f"{head}<Контейнер>{bodies}</Контейнер></КоммерческаяИнформация>".encode()


def failing_customer(customer_id, error):
    """A patch under which the 1C customer ``customer_id`` fails to be saved with ``error``, as a document
    failing as it is applied (the others import as usual)."""
    original = Ecom1cImportDocuments._partner_from_1c

    def partner_from_1c(importer, customer):
        if customer.get("id") == customer_id:
            raise error
        return original(importer, customer)

    return patch.object(Ecom1cImportDocuments, "_partner_from_1c", partner_from_1c)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUploadAllOrNothing(ProtocolCase):
    def setUp(self):
        super().setUp()
        self.env["product.product"].create({"name": "Коврик", "ecom_1c_id": MAT})
        self.cookie = self.login()
        self.call("init", type_="sale", cookie=self.cookie)
        self.session = self.env["ecom.1c.session"]._find(self.cookie[1])
        self.store = self.env(context={"lang": self.env["ecom.1c.exchange"]._store_language(self.env.company)})

    def orders(self, *order_ids):
        return self.env["sale.order"].search([("ecom_1c_id", "in", order_ids)])

    def partners(self, *customer_ids):
        return self.env["res.partner"].with_context(active_test=False).search([("ecom_1c_id", "in", customer_ids)])

    def assertSays(self, reason, *words):
        """``reason`` says one of ``words`` (English, Russian: the answer is in the store's language)."""
        self.assertTrue(any(word in reason for word in words), reason)

    def refused(self, filename, data):
        lines = self.call("file", type_="sale", data=data, cookie=self.cookie, filename=filename)
        self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
        return lines[1]

    def test_an_archive_with_a_broken_document_applies_none_of_its_documents(self):
        """1C's orders zipped in two files, the second malformed: the first one's order and customer were created
        while 1C heard «failure». Nothing of the archive is applied now; 1C hears the archive, the broken file
        and why; the exchange is failed and its log, the archive's and the broken file's records say so (none
        says the good file was imported); what the archive unpacked goes. Sent again fixed, the archive is
        imported whole, each order once, and once more changes nothing."""
        good = order_documents(("atom-1", "atom-customer-1", "+79160000001"))
        broken = order_documents(("atom-2", "atom-customer-2", "+79160000002"))
        archive = make_zip({"a-orders.xml": good, "b-orders.xml": broken[:-40]})
        with mute_logger(*LOGGERS):
            reason = self.refused("orders.zip", archive)
        self.assertTrue(reason.startswith("orders.zip: b-orders.xml: "), reason)
        self.assertSays(reason, "malformed XML", "ошибка в XML")
        self.assertSays(reason, "; nothing of the archive was applied", "; ничего из архива не применено")
        self.assertFalse(self.orders("atom-1", "atom-2"), "nothing of the good file applied")
        self.assertFalse(self.partners("atom-customer-1", "atom-customer-2"), "no customer of it either")
        exchange = self.session.exchange_id
        self.assertEqual(exchange.state, "failed")
        self.assertIn(f"orders.zip: {reason.partition(': ')[2]}", exchange.messages)
        files = {f.name: (f.state, f.kind) for f in exchange.file_ids}
        self.assertEqual(files, {"orders.zip": ("failed", "archive"), "b-orders.xml": ("failed", "documents")}, files)
        self.assertSays(exchange.file_ids.filtered(lambda f: f.name == "b-orders.xml").error,
                        "malformed XML", "ошибка в XML")
        self.assertEqual(sorted(os.listdir(self.session._upload_dir())), ["orders.zip"], "what it unpacked went")
        self.session.invalidate_recordset()
        self.assertEqual(self.session.upload_size, len(archive))

        fixed = make_zip({"a-orders.xml": good, "b-orders.xml": broken})
        for time in range(2):
            lines = self.call("file", type_="sale", data=fixed, cookie=self.cookie, filename="orders.zip")
            self.assertEqual(lines[0], "success", lines)
            if not time:
                self.assertEqual(lines[1], "created=2 updated=0 archived=0")
            else:
                self.assertTrue(lines[1].startswith("created=0 "), lines)
            self.assertEqual(len(self.orders("atom-1")), 1)
            self.assertEqual(len(self.orders("atom-2")), 1)
            self.assertEqual(len(self.partners("atom-customer-1")), 1)

    def test_an_archive_failing_again_records_its_broken_document_once(self):
        """1C sends the archive again, its second file still broken: refused as the first time, nothing of it
        applied; the broken file's record of the first attempt is the one the second writes (as the exchange
        records a file failing again), not a record more for each attempt."""
        good = order_documents(("atom-10", "atom-customer-10", "+79160000010"))
        broken = order_documents(("atom-11", "atom-customer-11", "+79160000011"))
        for cut in (40, 60):  # not the same bytes: 1C's new copy, not the last part sent again
            with mute_logger(*LOGGERS):
                reason = self.refused("orders.zip", make_zip({"a.xml": good, "b.xml": broken[:-cut]}))
            self.assertTrue(reason.startswith("orders.zip: b.xml: "), reason)
        self.assertFalse(self.orders("atom-10", "atom-11"))
        exchange = self.session.exchange_id
        self.assertEqual(exchange.state, "failed")
        self.assertEqual([(f.state, f.error) for f in exchange.file_ids if f.name == "b.xml"],
                         [("failed", reason.split(": ", 2)[2].rpartition("; ")[0])])
        self.assertFalse(exchange.file_ids.filtered(lambda f: f.name == "a.xml"), "no file of it recorded imported")

    def test_a_failure_to_serialise_in_an_upload_of_documents_is_odoos_to_run_again(self):
        """A failure to serialise while a document is applied (another transaction wrote the same customer) is
        neither the document's failure nor the archive's: Odoo runs the request again, each time, and past its
        tries 1C hears that the orders changed meanwhile and nothing was applied; a file of documents and an
        archive of them alike."""
        good = order_documents(("atom-12", "atom-customer-12", "+79160000012"))
        other = order_documents(("atom-13", "atom-customer-13", "+79160000013"))
        original, runs = Ecom1cImportDocuments._partner_from_1c, []

        def partner_from_1c(importer, customer):
            if customer.get("id") == "atom-customer-13":
                runs.append(True)
                raise Conflict("could not serialize access due to concurrent update")
            return original(importer, customer)

        for filename, data in (("conflict.xml", other), ("conflict.zip", make_zip({"a.xml": good,
                                                                                                "b.xml": other}))):
            runs.clear()
            with patch.object(Ecom1cImportDocuments, "_partner_from_1c", partner_from_1c), \
                    patch("odoo.service.model.random.uniform", return_value=0), mute_logger(*LOGGERS):
                reason = self.refused(filename, data)
            self.assertEqual(len(runs), MAX_TRIES_ON_CONCURRENCY_FAILURE, f"{filename}: run again by Odoo each time")
            self.assertEqual(reason, f"{filename}: " + self.store._(
                "someone changed the same orders meanwhile: nothing applied, send the file again"))
            self.assertFalse(self.orders("atom-12", "atom-13"), filename)
            self.assertFalse(self.partners("atom-customer-12", "atom-customer-13"), filename)

    def test_an_archive_whose_document_fails_to_apply_applies_nothing(self):
        """The archive's second file is well-formed, but one of its documents fails as it is applied (an error
        of Odoo's): 1C hears the archive, the file and the document, and why; nothing of the archive applied,
        the first file's order included."""
        good = order_documents(("atom-3", "atom-customer-3", "+79160000003"))
        other = order_documents(("atom-4", "atom-customer-4", "+79160000004"),
                                ("atom-5", "atom-customer-5", "+79160000005"))
        with failing_customer("atom-customer-5", UserError("the customer's card cannot be saved")), \
                mute_logger(*LOGGERS):
            reason = self.refused("more.zip", make_zip({"a.xml": good, "b.xml": other}))
        self.assertEqual(reason, self.store._(
            "%(member)s: %(reason)s; nothing of the archive was applied", member="b.xml",
            reason=self.store._("1C document %(document)s: %(error)s", document="atom-5",
                                error="the customer's card cannot be saved")).join(["more.zip: ", ""]))
        self.assertFalse(self.orders("atom-3", "atom-4", "atom-5"))
        self.assertFalse(self.partners("atom-customer-3", "atom-customer-4", "atom-customer-5"))
        self.assertEqual(self.session.exchange_id.state, "failed")
        self.assertIn(reason, self.session.exchange_id.messages)

    def test_a_file_with_a_broken_document_applies_none_of_its_documents(self):
        """One file of three orders, the third failing as it is applied: 1C hears the file, the document and why;
        none of the orders nor their customers are created, the exchange and the file are failed with the
        reason. Sent again (the document mended), the file is imported whole, once."""
        data = order_documents(("atom-6", "atom-customer-6", "+79160000006"),
                               ("atom-7", "atom-customer-7", "+79160000007"),
                               ("atom-8", "atom-customer-8", "+79160000008"))
        with failing_customer("atom-customer-8", ValueError("broken customer")), mute_logger(*LOGGERS):
            reason = self.refused("orders.xml", data)
        why = self.store._("1C document %(document)s: %(error)s", document="atom-8",
                           error="ValueError: broken customer")
        self.assertEqual(reason, f"orders.xml: {why}")
        self.assertFalse(self.orders("atom-6", "atom-7", "atom-8"))
        self.assertFalse(self.partners("atom-customer-6", "atom-customer-7", "atom-customer-8"))
        exchange = self.session.exchange_id
        self.assertEqual(exchange.state, "failed")
        self.assertIn(f"orders.xml: {why}", exchange.messages)
        self.assertEqual([(f.name, f.state, f.error) for f in exchange.file_ids], [("orders.xml", "failed", why)])

        self.assertEqual(self.call("file", type_="sale", data=data, cookie=self.cookie, filename="orders.xml"),
                         ["success", "created=3 updated=0 archived=0"])
        self.assertEqual(len(self.orders("atom-6", "atom-7", "atom-8")), 3)
        # one customer of the three (the same e-mail: the CRM's one customer base), created once
        self.assertEqual(len(self.orders("atom-6", "atom-7", "atom-8").partner_id), 1)
        self.assertEqual(len(self.partners("atom-customer-6")), 1)

    def test_a_database_error_names_the_document_whose_data_broke_it(self):
        """A file of two documents of the site's orders, the first one's 1C number refused by a rule of the
        database (met as its writes reach it, after the document is applied): 1C hears the file, that document and
        the rule, not the second document (whose queries flush the first one's writes) and not the refused row's
        data; the exchange log and the file's record say the same; nothing of the file is applied."""
        partner = self.env["res.partner"].create({"name": "Покупатель"})
        orders = self.env["sale.order"].create([{"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": self.env["product.product"].search(
                [("ecom_1c_id", "=", MAT)]).id, "product_uom_qty": 1})]} for _i in range(2)])
        orders.action_confirm()
        self.env.cr.execute(f"ALTER TABLE sale_order ADD CONSTRAINT ecom_test_refused_number "
                            f"CHECK (ecom_1c_number IS DISTINCT FROM 'ИМ-000{orders[0].id}')")
        with mute_logger(*LOGGERS, "odoo.sql_db"):
            reason = self.refused("statuses.xml", status_documents((orders[0], "Отгружен"), (orders[1], "Отгружен")))
        why = self.store._("1C document %(document)s: %(error)s", document=orders[0].name, error=(
            'CheckViolation: new row for relation "sale_order" violates check constraint "ecom_test_refused_number"'))
        self.assertEqual(reason, f"statuses.xml: {why}")
        exchange = self.session.exchange_id
        self.assertEqual(exchange.state, "failed")
        self.assertIn(reason, exchange.messages)
        self.assertEqual([(f.name, f.state, f.error) for f in exchange.file_ids], [("statuses.xml", "failed", why)])
        self.assertEqual(orders.mapped("ecom_1c_status"), [False, False], "nothing applied")

    def test_an_error_of_the_server_names_no_path_of_it(self):
        """A document failing as it is applied for an OSError (a file the server could not open): 1C and the
        exchange log hear the error's class and reason, never the server's paths its text names; a file of
        documents and an archive of them alike."""
        data = order_documents(("atom-14", "atom-customer-14", "+79160000014"))

        def partner_from_1c(importer, customer):
            raise FileNotFoundError(2, "No such file or directory", "/srv/odoo/secret/path.xml")

        for filename, body in (("server.xml", data), ("server.zip", make_zip({"a.xml": data}))):
            with patch.object(Ecom1cImportDocuments, "_partner_from_1c", partner_from_1c), mute_logger(*LOGGERS):
                reason = self.refused(filename, body)
            self.assertIn("atom-14: FileNotFoundError: No such file or directory", reason)
            self.assertNotIn("/srv/odoo", reason)
            self.assertNotIn("/srv/odoo", self.session.exchange_id.messages)
            self.assertNotIn("/srv/odoo", "".join(self.session.exchange_id.file_ids.mapped("error")))
            self.assertFalse(self.orders("atom-14"))

    def test_a_broken_archive_sent_without_init_is_recorded_in_an_exchange(self):
        """1C sends its zip of documents without init (a session with no exchange): the exchange the import made
        is undone with the rest, and the failure is recorded in one made for it."""
        cookie = self.login()
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.assertFalse(session.exchange_id)
        archive = make_zip({"a.xml": order_documents(("atom-9", "atom-customer-9", "+79160000009")),
                            "b.xml": b"<broken"})
        with mute_logger(*LOGGERS):
            lines = self.call("file", type_="sale", data=archive, cookie=cookie, filename="orders.zip")
        self.assertEqual(lines[0], "failure", lines)
        self.assertTrue(lines[1].startswith("orders.zip: b.xml: "), lines)
        self.assertFalse(self.orders("atom-9"))
        session.invalidate_recordset()
        self.assertEqual((session.exchange_id.state, session.exchange_id.exchange_type), ("failed", "sale"))
        self.assertEqual(sorted(session.exchange_id.file_ids.mapped("name")), ["b.xml", "orders.zip"])

    def test_a_catalog_archive_is_imported_a_file_a_request(self):
        """A catalog zipped (import.xml, offers.xml): 1C asks for each file's import in a request of its own
        (``mode=import``, «progress» until it is done), so each request imports one file, checked whole before
        any of it is applied. The catalog's request imports it and says so; the offers' request, the file
        broken, answers «failure» naming it and why, none of its prices applied, the exchange failed. 1C sends
        the exchange again fixed: imported, the products once."""
        sell_in_roubles(self.env)
        ids = [big_catalog_id(i) for i in range(2)]
        offers = priced_offers_package([("atom-price", "Розничная", "RUB")],
                                       [(ids[0], "atom-price", 111, "RUB"), (ids[1], "atom-price", 222, "RUB")]).read()
        cookie = self.login()
        for attempt, data in enumerate((offers[:-60], offers)):
            self.call("init", cookie=cookie)
            archive = make_zip({"import.xml": big_catalog(2), "offers.xml": data})
            self.assertEqual(self.call("file", data=archive, cookie=cookie, filename="catalog.zip"), ["success"])
            self.assertEqual(self.import_until_done(cookie, "import.xml")[1][0], "success")
            products = self.env["product.template"].search([("ecom_1c_id", "in", ids)])
            self.assertEqual(len(products), 2, "the catalog's request imported it")
            _answers, lines = self.import_until_done(cookie, "offers.xml")
            exchange = self.env["ecom.1c.session"]._find(cookie[1]).exchange_id
            if attempt:
                self.assertEqual(lines[0], "success", lines)
                self.assertEqual(sorted(products.mapped("list_price")), [111, 222])
                continue
            self.assertEqual(lines[0], "failure", lines)
            self.assertTrue(lines[1].startswith("offers.xml: "), lines)
            self.assertSays(lines[1], "malformed XML", "ошибка в XML")
            self.assertNotIn(111, products.mapped("list_price"), "none of its prices applied")
            self.assertEqual(exchange.state, "failed")
            self.assertIn(lines[1], exchange.messages)


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUploadAllOrNothingCommitted(ConcurrencyCase):
    """The same on a real connection (the tests over HTTP share one transaction, whose commits are
    savepoints): what the request commits is read in a transaction of its own after it."""

    def test_a_failed_archive_commits_its_failure_and_none_of_its_documents(self):
        """1C's zip of two files, the second broken, stored and imported by ``mode=file`` on a connection of its
        own (which commits the bytes before the import, and the request's end): read after it, in another
        transaction, no order nor customer of the first file exists, and the exchange, the archive and the
        broken file are failed with the reason."""
        orders, customers = ("atom-c-1", "atom-c-2"), ("atom-c-customer-1", "atom-c-customer-2")

        def remove_applied(env):  # what a failing test would leave committed
            found = env["sale.order"].search([("ecom_1c_id", "in", orders)])
            found._action_cancel()
            found.unlink()
            env["res.partner"].with_context(active_test=False).search([("ecom_1c_id", "in", customers)]).unlink()

        product_id = self.committed(lambda env: env["product.product"].create(
            {"name": "Коврик", "ecom_1c_id": "atom-c-product"}).id)
        self.addCleanup(self.committed, lambda env: env["product.product"].browse(product_id).product_tmpl_id.unlink())
        self.addCleanup(self.committed, remove_applied)  # before the product its lines name
        session_id = self.committed(lambda env: env["ecom.1c.session"]._open()[0].id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id).unlink())
        self.addCleanup(self.committed, lambda env: env["ecom.1c.session"].browse(session_id)._clear_uploads())
        exchange_id = self.committed(lambda env: env["ecom.1c.session"].browse(session_id).write({
            "exchange_id": env["ecom.1c.exchange"].create({"exchange_type": "sale", "session_id": session_id}).id,
        }) and env["ecom.1c.session"].browse(session_id).exchange_id.id)
        self.addCleanup(self.committed, lambda env: env["ecom.1c.exchange"].browse(exchange_id).unlink())

        good = order_documents((orders[0], customers[0], "+79160000021"), product="atom-c-product")
        broken = order_documents((orders[1], customers[1], "+79160000022"), product="atom-c-product")
        body = make_zip({"a.xml": good, "b.xml": broken[:-40]})
        fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=len(body), environ={},
                                                           remote_addr="127.0.0.1", args={}),
                               make_response=lambda data, headers=None: Response(data, headers=headers))
        with patch.object(exchange_module, "request", fake), \
                patch.object(exchange_module, "read_body", lambda limit: body), mute_logger(*LOGGERS):
            answered = self.committed(lambda env: ExchangeController()._mode_file(
                env, env["ecom.1c.session"].browse(session_id), "sale", "orders.zip").get_data(as_text=True))
        self.assertTrue(answered.startswith("failure\norders.zip: b.xml: "), answered)
        self.assertIn("; nothing of the archive was applied", answered)

        def state(env):
            exchange = env["ecom.1c.exchange"].browse(exchange_id)
            return (env["sale.order"].search_count([("ecom_1c_id", "in", orders)]),
                    env["res.partner"].with_context(active_test=False).search_count(
                        [("ecom_1c_id", "in", customers)]),
                    exchange.state, sorted((f.name, f.state) for f in exchange.file_ids),
                    answered.splitlines()[1] in (exchange.messages or ""),
                    env["ecom.1c.session"].browse(session_id).upload_size)

        self.assertEqual(self.committed(state), (0, 0, "failed", [("b.xml", "failed"), ("orders.zip", "failed")],
                                                 True, len(body)))
