"""What an import of 1C's file leaves when it fails, and what its next attempt checks: a database error met as a
document's writes reach the database names that document; an import rolled back leaves no after-commit callback
behind (a notification, a cron's wake-up for data that no longer exists); a file imported again after a failure is
checked whole, as the first attempt was, before anything of it is applied."""

import hashlib
import os
import shutil
import tempfile
from types import SimpleNamespace
from unittest.mock import patch

from werkzeug.wrappers import Response

from odoo.tests import tagged
from odoo.tools import OrderedSet, mute_logger

from ..controllers import exchange as exchange_module
from ..controllers.exchange import ExchangeController
from ..models import ecom_1c_importer
from ..tools.savepoint import savepoint
from .common import ImporterCase, big_catalog, big_catalog_id
from .test_archives import make_zip
from .test_statuses_back import STATUS

LOGGERS = ("odoo.addons.ecom_crm_1c.models.ecom_1c_import_documents", "odoo.addons.ecom_crm_1c.controllers.exchange",
           "odoo.sql_db")


def status_documents(*documents):
    """One file of 1C's «Документ» of the site's orders: ``documents`` [(order, status)]."""
    bodies = [STATUS.format(id=f"odoo-order-{order.id}", number=order.name, n=order.id, status=status,
                            deleted="false") for order, status in documents]
    head, _sep, _rest = bodies[0].partition("<Документ>")
    inner = "".join(f"<Документ>{body.partition('<Документ>')[2].rpartition('</Документ>')[0]}</Документ>"
                    for body in bodies)
    return f"{head}{inner}</КоммерческаяИнформация>".encode()


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUploadRetry(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Покупатель", "email": "buyer@example.ru"})
        product = cls.env["product.product"].create({"name": "Чайник"})
        cls.orders = cls.env["sale.order"].create([{"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]} for _i in range(2)])
        cls.orders.action_confirm()
        # a store's own table may map «Доставлен» already (a name is mapped once): as this test needs it
        delivered = {"ecom_status": "delivered", "action": "none", "return_reason_id": False}
        StatusMap = cls.env["ecom.1c.status.map"]
        mapped = StatusMap.search([("name", "=ilike", "Доставлен")])
        if mapped:
            mapped.write(delivered)
        else:
            StatusMap.create({"name": "Доставлен", **delivered})

    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "sale"})

    def stored(self, name, data):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def refuse_number(self, number):
        """A rule of the database (a check constraint, for this test's transaction) that the 1C number ``number``
        breaks: met as the order's writes reach the database, not as the importer writes the value."""
        self.env.cr.execute(f"ALTER TABLE sale_order ADD CONSTRAINT ecom_test_refused_number "
                            f"CHECK (ecom_1c_number IS DISTINCT FROM '{number}')")

    def test_a_database_error_names_the_document_that_caused_it(self):
        """Two documents of one file, the first one's 1C number refused by the database (a rule broken as its
        writes are flushed): the refusal names the first document, not the second one (whose queries would flush
        the first one's writes) nor none (the batch's flush); nothing of the file is applied."""
        first, second = self.orders
        self.refuse_number(f"ИМ-000{first.id}")
        path = self.stored("orders.xml", status_documents((first, "Доставлен"), (second, "Доставлен")))
        with mute_logger(*LOGGERS):
            record, refusal = self.exchange._import_file("orders.xml", path)
        self.assertTrue(refusal)
        self.assertEqual(record.state, "failed")
        self.assertIn(first.name, record.error, "the document whose data failed")
        self.assertNotIn(second.name, record.error)
        self.assertIn("ecom_test_refused_number", record.error, "and why")
        self.assertIn(f"orders.xml: {record.error}", self.exchange.messages)
        self.assertEqual(self.orders.mapped("ecom_status"), ["confirmed", "confirmed"], "nothing applied")

    def test_a_rolled_back_import_leaves_no_after_commit_callback(self):
        """The file's first document moves its order to «Delivered» (the customer's notification queued, the
        sending job woken up after the commit), the second one fails: the import is rolled back, and so are the
        callbacks it registered to run after the commit; those registered before it stay. Imported whole, the
        file registers them."""
        first, second = self.orders
        postcommit = self.env.cr.postcommit
        postcommit.clear()
        before = object()  # a callback of the request's own, registered before the import

        def earlier():
            return before

        postcommit.add(earlier)
        postcommit.data["ecom_test.before"] = {"kept"}
        self.refuse_number(f"ИМ-000{second.id}")
        path = self.stored("orders.xml", status_documents((first, "Доставлен"), (second, "Доставлен")))
        with mute_logger(*LOGGERS):
            _record, refusal = self.exchange._import_file("orders.xml", path)
        self.assertTrue(refusal)
        self.assertEqual(list(postcommit._funcs), [earlier], "no callback of the rolled back import")
        self.assertEqual(postcommit.data, {"ecom_test.before": {"kept"}})
        self.env.cr.execute("ALTER TABLE sale_order DROP CONSTRAINT ecom_test_refused_number")
        record, refusal = self.exchange._import_file("orders.xml", path)
        self.assertFalse(refusal)
        self.assertEqual(record.state, "done")
        self.assertEqual(self.orders.mapped("ecom_status"), ["delivered", "delivered"])
        self.assertGreater(len(postcommit._funcs), 1, "the import applied registers its callbacks")
        postcommit.clear()

    def test_a_savepoint_rolled_back_restores_the_callbacks_data(self):
        """The data the after-commit callbacks read, filled in place inside the savepoint (the bus's channels, an
        OrderedSet), is as it was before it once rolled back, in the very objects code may hold (the bus keeps
        none, another module may keep what ``data.setdefault`` gave it): the callbacks' queue, their data's dict
        and its values; kept when the savepoint is released."""
        postcommit = self.env.cr.postcommit
        postcommit.clear()
        postcommit.data["ecom_test.channels"] = OrderedSet(["before"])
        postcommit.data["ecom_test.counts"] = {"before": 1}
        funcs, data = postcommit._funcs, postcommit.data
        channels, counts = data["ecom_test.channels"], data["ecom_test.counts"]
        with self.assertRaises(ValueError), savepoint(self.env.cr):
            channels.add("inside")
            counts["inside"] = 2
            postcommit.data["ecom_test.other"] = ["inside"]
            postcommit.add(print)
            raise ValueError("rolled back")
        self.assertIs(postcommit._funcs, funcs)
        self.assertEqual(list(funcs), [])
        self.assertIs(postcommit.data, data)
        self.assertEqual(list(data), ["ecom_test.channels", "ecom_test.counts"], "the block's key gone")
        self.assertIs(data["ecom_test.channels"], channels, "the same set, which its holder still fills")
        self.assertEqual(list(channels), ["before"])
        self.assertIs(data["ecom_test.counts"], counts)
        self.assertEqual(counts, {"before": 1})
        with savepoint(self.env.cr):
            channels.add("inside")
        self.assertEqual(list(postcommit.data["ecom_test.channels"]), ["before", "inside"])
        postcommit.clear()

    def test_nested_savepoints_take_back_their_own_callbacks(self):
        """A savepoint in another: the inner one rolled back takes back its own callbacks, the outer one's stay;
        the inner one released, the outer one rolled back takes back both."""
        postcommit = self.env.cr.postcommit
        postcommit.clear()

        def outer():
            return "outer"

        def inner():
            return "inner"

        with savepoint(self.env.cr):
            postcommit.add(outer)
            postcommit.data.setdefault("ecom_test.channels", OrderedSet()).add("outer")
            with self.assertRaises(ValueError), savepoint(self.env.cr):
                postcommit.add(inner)
                postcommit.data["ecom_test.channels"].add("inner")
                raise ValueError("inner rolled back")
        self.assertEqual(list(postcommit._funcs), [outer])
        self.assertEqual(list(postcommit.data["ecom_test.channels"]), ["outer"])
        postcommit.clear()
        with self.assertRaises(ValueError), savepoint(self.env.cr):
            postcommit.add(outer)
            with savepoint(self.env.cr):
                postcommit.add(inner)
                postcommit.data.setdefault("ecom_test.channels", OrderedSet()).add("inner")
            raise ValueError("outer rolled back")
        self.assertEqual((list(postcommit._funcs), postcommit.data), ([], {}))
        postcommit.clear()

    def test_a_savepoint_keeps_the_callbacks_its_flush_registers(self):
        """The savepoint's flush as it begins runs the outer transaction's before-commit callbacks, which may register
        after-commit ones (a message's bus notification): work of the outer transaction, which the rollback keeps;
        so are those callbacks. Only the block's own go."""
        postcommit, precommit = self.env.cr.postcommit, self.env.cr.precommit
        postcommit.clear()

        def outer():
            return "outer"

        @precommit.add
        def register():
            postcommit.add(outer)
            postcommit.data.setdefault("ecom_test.channels", OrderedSet()).add("outer")

        rolled_back = False
        try:  # not assertRaises: Odoo's opens a savepoint of its own, whose flush would run the callback first
            with savepoint(self.env.cr):
                postcommit.add(print)
                postcommit.data["ecom_test.channels"].add("inside")
                raise ValueError("rolled back")
        except ValueError:
            rolled_back = True
        self.assertTrue(rolled_back)
        self.assertEqual(list(postcommit._funcs), [outer])
        self.assertEqual(list(postcommit.data["ecom_test.channels"]), ["outer"])
        postcommit.clear()

    def test_an_archive_rolled_back_leaves_no_after_commit_callback(self):
        """1C's zip of documents (mode=file), its first file applied (its order «Delivered», the notification's job
        woken up after the commit), its second broken: the archive is rolled back whole, and so are the callbacks
        its first file registered, though that file's own import ended well."""
        first, _second = self.orders
        session = self.env["ecom.1c.session"]._open()[0]
        session.exchange_id = self.exchange
        self.exchange.session_id = session
        self.addCleanup(session._clear_uploads)
        archive = make_zip({"a.xml": status_documents((first, "Доставлен")), "b.xml": b"<broken"})
        os.makedirs(session._upload_dir(), exist_ok=True)
        with open(os.path.join(session._upload_dir(), "orders.zip"), "wb") as f:
            f.write(archive)
        fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=len(archive), environ={},
                                                           remote_addr="127.0.0.1", args={}),
                               make_response=lambda data, headers=None: Response(data, headers=headers))
        postcommit = self.env.cr.postcommit
        postcommit.clear()
        with patch.object(exchange_module, "request", fake), mute_logger(*LOGGERS):
            answered = ExchangeController()._import_stored(self.env, session, "orders.zip", "orders.zip", asked=True)
        self.assertTrue(answered.get_data(as_text=True).startswith("failure\norders.zip: b.xml: "))
        self.assertEqual(first.ecom_status, "confirmed", "nothing of the archive applied")
        self.assertEqual((list(postcommit._funcs), postcommit.data), ([], {}), "nor anything to run after the commit")

    def test_a_file_imported_again_after_a_failure_is_checked_whole_first(self):
        """A catalog whose import failed (recorded failed with its kind, as a request failing on the server
        records it), sent again broken at its end: its next attempt reads it whole before anything is imported,
        as the first one did, and refuses it; no product of its beginning is imported (in steps of two products,
        the first step would have imported two)."""
        path = self.stored("import.xml", big_catalog(5))
        values = self.env["ecom.1c.exchange.file"]._file_values(path)
        self.assertEqual(values["kind"], "catalog")
        self.exchange._fail("the server failed", "import.xml", values)
        with open(path, "wb") as f:
            f.write(big_catalog(5)[:-80])
        with patch.object(ecom_1c_importer, "BATCH", 2):
            record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
        self.assertTrue(refusal, "refused before its import")
        self.assertEqual(record.state, "failed")
        self.assertIn("XML", record.error)
        ids = [big_catalog_id(i) for i in range(5)]
        self.assertFalse(self.Template.search([("ecom_1c_id", "in", ids)]), "nothing of its beginning imported")

        with open(path, "wb") as f:  # sent whole: imported, in steps, from its start
            f.write(big_catalog(5))
        with patch.object(ecom_1c_importer, "BATCH", 2):
            record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
            self.assertFalse(refusal)
            self.assertEqual((record.state, record.position), ("running", 2))
            while record.state == "running":
                record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
        self.assertEqual(record.state, "done")
        self.assertEqual(len(self.Template.search([("ecom_1c_id", "in", ids)])), 5)


    def test_a_failed_file_replaced_by_other_bytes_leaves_no_whole_catalog_unfinished(self):
        """A whole catalog failed past its checks (recorded with its kind, size and catalog), its file found
        with other bytes at the next attempt: imported anew under a record of its own, and the failed record
        is no longer a whole catalog awaiting its import (as when 1C sends a file again), which would keep
        1C's deactivate from archiving anything («… is not imported to its end»)."""
        path = self.stored("import.xml", big_catalog(5))
        values = self.env["ecom.1c.exchange.file"]._file_values(path)
        self.exchange._fail("the server failed", "import.xml", {
            **values, "size": values["size"] + 1, "full_catalog": True, "catalog_id": "catalog-1"})
        with patch.object(ecom_1c_importer, "BATCH", 2):
            record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
            while record.state == "running":
                record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
        self.assertFalse(refusal)
        self.assertEqual((record.name, record.state, record.position), ("import.xml", "done", 5))
        old = self.exchange.file_ids - record
        self.assertEqual((old.name, old.state, old.full_catalog), ("import.xml (sent again)", "failed", False))
        self.assertFalse(self.exchange._unsettled(self.exchange, self.exchange.file_ids.filtered("full_catalog"))[1])

    def failed_after_a_step(self, data):
        """The catalog ``data`` (five products) stored as import.xml, its first step (two products) imported
        and committed, then its import failed on the server (recorded failed with the file's size and kind, as
        a request failing records it: :meth:`ExchangeController._log_failure`); the first product's article
        changed in the store since, to tell whether the next attempt imports it again. Returns the path."""
        path = self.stored("import.xml", data)
        with patch.object(ecom_1c_importer, "BATCH", 2):
            record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
        self.assertFalse(refusal)
        self.assertEqual((record.state, record.position), ("running", 2))
        self.exchange._fail("the server failed", "import.xml", self.env["ecom.1c.exchange.file"]._file_values(path))
        self.assertEqual(record.state, "failed")
        self.first_product().default_code = "LOCAL"
        return path

    def first_product(self):
        return self.Template.search([("ecom_1c_id", "=", big_catalog_id(0))])

    def import_to_its_end(self, path):
        with patch.object(ecom_1c_importer, "BATCH", 2):
            record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
            while not refusal and record.state == "running":
                record, refusal = self.exchange._import_file("import.xml", path, deadline=0)
        self.assertFalse(refusal)
        self.assertEqual(record.state, "done")
        return record

    def test_a_failed_file_of_the_same_bytes_goes_on_where_it_stopped(self):
        """A catalog whose import failed after its first step, tried again with the very bytes it had: it goes on
        from the last finished step, under its record; the products of that step are not imported again."""
        path = self.failed_after_a_step(big_catalog(5))
        record = self.import_to_its_end(path)
        self.assertEqual((record.name, record.position, record.steps), ("import.xml", 5, 3), "one record, on from 2")
        self.assertEqual(self.exchange.file_ids, record)
        self.assertEqual(record.digest, hashlib.sha256(big_catalog(5)).hexdigest(), "the SHA-256 of its bytes")
        self.assertEqual(self.first_product().default_code, "LOCAL", "the first step's products not imported again")

    def test_a_failed_file_of_other_bytes_of_the_same_size_is_imported_whole(self):
        """The same catalog re-exported by 1C with one digit of its first product changed (the same kind and size,
        other bytes) after its import failed past its first step: imported whole, under a record of its own, the
        failed one forgotten as that of a file sent again; the changed value lands."""
        data = big_catalog(5)
        path = self.failed_after_a_step(data)
        changed = data.replace("<Артикул>A-0</Артикул>".encode(), "<Артикул>A-7</Артикул>".encode())
        self.assertNotEqual(changed, data)
        self.assertEqual(len(changed), len(data))
        with open(path, "wb") as f:
            f.write(changed)
        record = self.import_to_its_end(path)
        self.assertEqual((record.name, record.position), ("import.xml", 5))
        old = self.exchange.file_ids - record
        self.assertEqual((old.name, old.state), ("import.xml (sent again)", "failed"))
        self.assertEqual(self.first_product().default_code, "A-7", "the changed value lands")

    def test_a_failed_file_whose_bytes_are_not_known_is_imported_whole(self):
        """A failure recorded with no digest of its file's bytes (recorded so before the digest was kept): the
        bytes found at the next attempt cannot be told from others, and the file is imported whole, which is
        always safe; the products of its first step imported again."""
        path = self.failed_after_a_step(big_catalog(5))
        self.exchange.file_ids.digest = False
        record = self.import_to_its_end(path)
        self.assertEqual((record.name, record.position), ("import.xml", 5))
        self.assertEqual(self.first_product().default_code, "A-0")
