"""1C's side of the exchange over HTTP, as 1C drives it."""

import io
import os
import shutil
import socket
import time
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch
from urllib.parse import urlsplit

import psycopg2.errorcodes
import psycopg2.errors

from odoo import api, fields, sql_db
from odoo.addons.ecom_crm.tests.common import raw_post, read_answer, send_whole
from odoo.addons.ecom_crm.tools import json_http
from odoo.exceptions import MissingError
from odoo.http import request
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..commerceml import files_under
from ..controllers import exchange as exchange_module
from ..controllers.exchange import ExchangeController
from ..models import ecom_1c_importer
from ..models.ecom_1c_import_catalog import Ecom1cImportCatalog
from .common import ProtocolCase, big_catalog, big_catalog_id, path, read

CATALOG = ("handmade", "characteristics-import.xml")  # 4 products, 3.4 kB


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestProtocol(ProtocolCase):
    def test_catalog_exchange_like_1c(self):
        cookie = self.login()
        # as 1C-Bitrix answers 1C that names no version of the protocol: zip and file_limit, nothing more
        # (older 1C reads the answer line by line)
        self.assertEqual(self.call("init", cookie=cookie), ["zip=yes", f"file_limit={5 * 1024 * 1024}"])
        with open(path("ut11-2.07", "import0_1.xml"), "rb") as f:
            content = f.read()
        half = len(content) // 2
        for chunk in (content[:half], content[half:]):  # 1C sends big files in parts: they append
            self.assertEqual(self.call("file", data=chunk, cookie=cookie, filename="import0_1.xml"), ["success"])
        with open(path("ut11-2.07", "offers0_1.xml"), "rb") as f:
            self.assertEqual(self.call("file", data=f.read(), cookie=cookie, filename="offers0_1.xml")[0], "success")
        lines = self.call("import", cookie=cookie, filename="import0_1.xml")
        self.assertEqual(lines[0], "success", lines)
        self.assertEqual(self.call("import", cookie=cookie, filename="offers0_1.xml")[0], "success")
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        product = self.env["product.template"].search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertEqual((product.default_code, product.list_price), ("PM-421-WP", 100))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "done")
        self.assertEqual(set(exchange.file_ids.mapped("kind")), {"catalog", "offers"})
        self.assertEqual(exchange.created_count, 37)

    def test_a_full_catalog_in_several_files_archives_what_none_names(self):
        """1C sends a big full catalog as several files of one exchange (each «СодержитТолькоИзменения=
        false», each with part of the products): none of them archives what another one names."""
        Template = self.env["product.template"].with_context(active_test=False)
        ours = [("ecom_1c_catalog_id", "=", "c")]

        def exchange(files):
            cookie = self.upload(files)
            answers = [self.call("import", cookie=cookie, filename=name) for name in files]
            self.env.invalidate_all()
            return answers

        first = exchange({"import0_1.xml": big_catalog(5, 0), "import1_1.xml": big_catalog(5, 5)})
        self.assertEqual(first, [["success", "created=6 updated=0 archived=0"],
                                 ["success", "created=5 updated=0 archived=0"]])
        self.assertEqual(Template.search_count([*ours, ("active", "=", True)]), 10)
        self.assertEqual(self.env["product.product"].search_count([("product_tmpl_id.ecom_1c_catalog_id", "=", "c")]),
                         10, "each with its variant")
        # the next full exchange no longer names product 7: that one only is archived, in whichever file
        rest = big_catalog(5, 5).decode()
        at = rest.index(f"<Товар><Ид>{big_catalog_id(7)}<")
        rest = rest[:at] + rest[rest.index("</Товар>", at) + len("</Товар>"):]
        second = exchange({"import0_1.xml": big_catalog(5, 0), "import1_1.xml": rest.encode()})
        self.assertEqual([answer[0] for answer in second], ["success", "success"])
        self.assertEqual(sum(int(answer[1].rsplit("=", 1)[1]) for answer in second), 1, second)
        self.assertEqual(Template.search([*ours, ("active", "=", False)]).ecom_1c_id, big_catalog_id(7))

    def test_a_whole_offers_list_in_several_files_archives_what_none_names(self):
        """1C of 2.x sends a big offers package in several files of one exchange, each whole with a
        part of the offers: no part archives the characteristics another names, the last one imported
        archives those none of them names."""
        import re

        offers = read("handmade", "characteristics-with-property-offers.xml").decode()

        def without(text, offer_id):
            return re.sub(rf"<Предложение>\s*<Ид>{re.escape(offer_id)}</Ид>.*?</Предложение>\s*", "", text,
                          flags=re.DOTALL).encode()

        Product = self.env["product.product"].with_context(active_test=False)

        def active():
            self.env.invalidate_all()
            return sorted(Product.search([("ecom_1c_id", "=like", "hm-boots#%"), ("active", "=", True)])
                          .mapped("ecom_1c_id"))

        cookie = self.upload({"import.xml": read(*CATALOG), "offers.xml": offers.encode()})
        for name in ("import.xml", "offers.xml"):
            self.assertEqual(self.call("import", cookie=cookie, filename=name)[0], "success")
        self.assertEqual(active(), ["hm-boots#size-40", "hm-boots#size-41"])
        parts = {"offers0_2.xml": without(offers, "hm-boots#size-41"),
                 "offers1_2.xml": without(offers, "hm-boots#size-40")}
        cookie = self.upload(parts)
        for name in parts:
            self.assertEqual(self.call("import", cookie=cookie, filename=name),
                             ["success", "created=0 updated=0 archived=0"], name)
        self.assertEqual(active(), ["hm-boots#size-40", "hm-boots#size-41"])
        cookie = self.upload({"offers0_1.xml": parts["offers0_2.xml"]})
        self.assertEqual(self.call("import", cookie=cookie, filename="offers0_1.xml"),
                         ["success", "created=0 updated=0 archived=1"])
        self.assertEqual(active(), ["hm-boots#size-40"])

    def test_a_file_sent_again_starts_anew(self):
        """1C sends a file again under the same name without a new init (it heard no answer in time; a
        new exchange of a configuration that sends no init): a file stored whole, or whose import
        began, starts anew and is imported again; the parts of a file still coming append; another
        session's file of the same name is its own."""
        from .test_archives import make_zip

        Template = self.env["product.template"].with_context(active_test=False)
        cookie = self.login()
        self.call("init", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        folder = session._upload_dir()

        def stored(name):
            with open(os.path.join(folder, name), "rb") as f:
                return f.read()

        first = big_catalog(3)
        for _i in range(2):  # 1C heard no answer to the first: the same file whole, twice
            self.assertEqual(self.call("file", data=first, cookie=cookie, filename="import.xml"), ["success"])
        self.assertEqual(stored("import.xml"), first)
        # a document of n × file_limit bytes and its line break: the break is its last part, not a new file
        self.assertEqual(self.call("file", data=b"\r\n", cookie=cookie, filename="import.xml"), ["success"])
        self.assertEqual(stored("import.xml"), first + b"\r\n")
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml"),
                         ["success", "created=4 updated=0 archived=0"])
        # sent again after its import, a product renamed in 1C meanwhile: imported again, never «done» already
        second = first.replace("Товар номер 1 ".encode(), "Товар переименован ".encode())
        self.assertEqual(self.call("file", data=second, cookie=cookie, filename="import.xml"), ["success"])
        self.assertEqual(stored("import.xml"), second)
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertTrue(Template.search([("ecom_1c_id", "=", big_catalog_id(1))]).name.startswith("Товар переим"))
        self.env.invalidate_all()
        self.assertEqual(session.upload_size, len(second), "the old bytes no longer count")
        files = session.exchange_id.file_ids
        self.assertEqual(files.mapped("state"), ["done", "done"], "the log keeps the first import")
        self.assertEqual(files[-1].name, "import.xml")
        self.assertIn("import.xml", files[0].name)
        self.assertNotEqual(files[0].name, "import.xml")
        # an image sent again: its bytes once (1C sends a file in parts of file_limit, the last shorter)
        for _i in range(2):
            self.assertEqual(self.call("file", data=b"\xff\xd8jpeg", cookie=cookie, filename="import_files/a.jpg"),
                             ["success"])
        self.assertEqual(stored("import_files/a.jpg"), b"\xff\xd8jpeg")
        # an archive sent again after its import: unpacked again, what it holds imported again
        for name in ("Товар из архива", "Товар из архива снова"):
            data = make_zip({"offers/import.xml": big_catalog(1, start=1).replace(
                "Товар номер 1 ".encode(), f"{name} ".encode())})
            self.assertEqual(self.call("file", data=data, cookie=cookie, filename="webdata.zip"), ["success"])
            self.assertEqual(self.call("import", cookie=cookie, filename="offers/import.xml")[0], "success")
            self.env.invalidate_all()
            self.assertEqual(Template.search([("ecom_1c_id", "=", big_catalog_id(1))]).name.split(" с ")[0], name)
        # the parts of a file still coming append, whoever else sends a file of that name meanwhile
        other = self.login()
        self.call("init", cookie=other)
        offers = read("ut11-2.07", "offers0_1.xml")
        half = len(offers) // 2
        self.assertEqual(self.call("file", data=offers[:half], cookie=cookie, filename="offers.xml"), ["success"])
        self.assertEqual(self.call("file", data=first, cookie=other, filename="offers.xml"), ["success"])
        self.assertEqual(self.call("file", data=offers[half:], cookie=cookie, filename="offers.xml"), ["success"])
        self.assertEqual(stored("offers.xml"), offers)
        with open(os.path.join(self.env["ecom.1c.session"]._find(other[1])._upload_dir(), "offers.xml"), "rb") as f:
            self.assertEqual(f.read(), first)

    def test_bitrix_path_and_sessid(self):
        name, token = self.login(route="/bitrix/admin/1c_exchange.php")
        lines = self.call("checkauth", auth=("exchange", "s3cret-1C"), route="/bitrix/admin/1c_exchange.php")
        # checkauth, line by line as 1C reads it: success, the cookie's name and value, sessid=, timestamp=
        self.assertEqual((len(lines), lines[0], lines[1], lines[3]), (5, "success", name, f"sessid={lines[2]}"))
        self.assertRegex(lines[4], r"^timestamp=\d{10}$")
        # 1C that keeps no cookie passes the sessid on; init answers it back, line by line, to 1C that
        # names its version of the protocol (1C-Bitrix: sessid, then version), to no other
        lines = self.call("init", route="/bitrix/admin/1c_exchange.php", extra=f"&sessid={token}")
        self.assertEqual(lines, ["zip=yes", f"file_limit={5 * 1024 * 1024}"])
        lines = self.call("init", route="/bitrix/admin/1c_exchange.php", extra=f"&sessid={token}&version=3.1")
        self.assertEqual(lines, ["zip=yes", f"file_limit={5 * 1024 * 1024}", f"sessid={token}", "version=3.1"])
        self.assertEqual(self.call("file", data=b"<x/>", filename="a.xml", route="/bitrix/admin/1c_exchange.php",
                                   extra=f"&sessid={token}"), ["success"])

    def test_refusals(self):
        self.assertEqual(self.call("checkauth", auth=("exchange", "wrong"))[0], "failure")
        self.assertEqual(self.call("checkauth")[0], "failure")
        self.assertEqual(self.call("init")[0], "failure", "no session")
        self.assertEqual(self.call("init", cookie=("ecom_1c_session", "forged"))[0], "failure")
        cookie = self.login()
        self.call("init", cookie=cookie)
        for name in ("../../etc/passwd", "/etc/passwd", "C:\\\\Windows\\\\x.xml", "a/../../b.xml"):
            self.assertEqual(self.call("file", data=b"<x/>", cookie=cookie, filename=name)[0], "failure", name)
        # Windows paths are fine when they stay inside
        self.assertEqual(self.call("file", data=b"img", cookie=cookie, filename="import_files\\9d\\a.jpg")[0],
                         "success")
        self.assertEqual(self.call("file", data=b"x" * (6 * 1024 * 1024), cookie=cookie, filename="big.xml")[0],
                         "failure", "over the file limit")

    def test_other_methods_are_answered_in_the_protocol(self):
        """1C uses GET and POST; any other method hears «failure» and why, never Odoo's 405 HTML page."""
        for method in ("PUT", "DELETE", "PATCH"):
            response = self.opener.request(method, f"{self.base_url()}/1c_exchange?type=catalog&mode=init",
                                           data=b"x", timeout=30)
            self.assertEqual(response.status_code, 200, method)
            self.assertTrue(response.headers["Content-Type"].startswith("text/plain"), method)
            lines = response.text.splitlines()
            self.assertEqual((len(lines), lines[0]), (2, "failure"), method)
            self.assertIn(method, lines[1])

    def test_a_path_under_the_exchanges_is_answered_in_the_protocol(self):
        """An address mistyped in 1C's settings under the exchange's own (``/1c_exchange/…``, 1C-Bitrix's too) hears
        «failure» and where the exchange is, in the store's language; it was Odoo's HTML 404 page."""
        for target in ("/1c_exchange/x?type=catalog&mode=checkauth", "/1c_exchange/a/b",
                       "/bitrix/admin/1c_exchange.php/x?type=sale&mode=query"):
            for method in ("GET", "POST"):
                with self.subTest(target=target, method=method):
                    response = self.opener.request(method, self.base_url() + target, data=b"x", timeout=30)
                    self.assertEqual(response.status_code, 200, response.text[:200])
                    self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
                    self.assertEqual(response.text.splitlines(),
                                     ["failure", "нет такого адреса: обмен с 1С — по адресу /1c_exchange"])
        # another address altogether keeps Odoo's own answers: its HTML 404 page, a JSON-RPC route's JSON error
        for target in ("/1c_exchangeX", "/1c_exchange_old/x", "/ecom_crm_1c/no/such/page", "/web/1c_exchange/x"):
            with self.subTest(target=target):
                response = self.opener.get(self.base_url() + target, timeout=30)
                self.assertEqual(response.status_code, 404, "not the exchange's")
                self.assertTrue(response.headers["Content-Type"].startswith("text/html"), response.headers)
                self.assertNotIn("failure", response.text)
        response = self.opener.post(self.base_url() + "/web/dataset/call_kw", timeout=30, json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "res.partner", "method": "search_read", "args": [], "kwargs": {}}})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["error"]["data"]["name"], "odoo.http.SessionExpiredException",
                         "another route's error is Odoo's, not the exchange's")

    def test_hostile_file_is_refused_and_logged(self):
        cookie = self.login()
        self.call("init", cookie=cookie)
        bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><КоммерческаяИнформация>&a;'
                "</КоммерческаяИнформация>").encode()
        self.call("file", data=bomb, cookie=cookie, filename="import.xml")
        lines = self.call("import", cookie=cookie, filename="import.xml")
        self.assertEqual(lines[0], "failure")
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "failed")
        self.assertIn("DTD", exchange.messages)
        self.assertFalse(self.env["product.template"].search([("ecom_1c_id", "!=", False)]))


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestRobustness(ProtocolCase):
    def upload_catalog(self):
        return self.upload({"import0_1.xml": read("ut11-2.07", "import0_1.xml")})

    def test_two_exchanges_at_once_are_serialised(self):
        from ..controllers.exchange import IMPORT_LOCK

        cookie = self.upload_catalog()
        # another exchange, on its own connection (the registry's cursors are shared in tests), holds the import
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "progress")
        finally:
            other.rollback()
            other.close()
        self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "success",
                         "once the other import is over, 1C's retry goes through")

    def test_import_killed_midway_leaves_nothing_and_reruns_cleanly(self):
        from unittest.mock import patch

        from ..models import ecom_1c_importer

        cookie = self.upload_catalog()
        original = type(self.env["ecom.1c.importer"])._import_products
        calls = []

        def dies_on_second_batch(importer, chunk, catalog_id, counts, *args, **kwargs):
            calls.append(len(chunk))
            if len(calls) == 2:
                raise MemoryError("killed")  # the worker dies in the middle of the file
            return original(importer, chunk, catalog_id, counts, *args, **kwargs)

        with patch.object(ecom_1c_importer, "BATCH", 10), \
                patch.object(type(self.env["ecom.1c.importer"]), "_import_products", dies_on_second_batch):
            self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "failure")
        self.assertFalse(self.env["product.template"].with_context(active_test=False).search(
            [("ecom_1c_id", "!=", False)]),
                         "the first batch was rolled back with the rest: nothing half-imported")
        self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "success")
        imported = self.env["product.template"].with_context(active_test=False)
        self.assertEqual(imported.search_count([("ecom_1c_id", "!=", False)]), 36)


class Conflict(psycopg2.errors.SerializationFailure):
    """PostgreSQL's serialization failure, as another request of the session makes it."""

    pgcode = psycopg2.errorcodes.SERIALIZATION_FAILURE


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestUploads(ProtocolCase):
    """How 1C's files arrive: a bigger file in requests of at most file_limit bytes, the raw body
    whatever the content type; and what the exchange log says when something fails."""

    def stored(self, cookie, name):
        folder = self.env["ecom.1c.session"]._find(cookie[1])._upload_dir()
        with open(os.path.join(folder, name), "rb") as f:
            return f.read()

    def test_a_new_session_finds_its_upload_area_empty(self):
        """A database restored from a backup under its name gives its ids again: a new session's upload area
        may still hold the files of the session that had its id before, which a client sending no init took
        for its own. The session begins with it empty."""
        sessions = self.env["ecom.1c.session"]
        first = sessions._open()[0]
        folder = first._upload_dir()
        self.addCleanup(shutil.rmtree, folder, True)
        with open(os.path.join(folder, "import.xml"), "wb") as f:
            f.write(b"<old/>")
        # the database as it was before that session: its row gone, its id the next one again
        self.env.cr.execute("DELETE FROM ecom_1c_session WHERE id = %s", [first.id])
        self.env.cr.execute("SELECT setval('ecom_1c_session_id_seq', %s, false)", [first.id])
        self.env.invalidate_all()
        again = sessions._open()[0]
        self.assertEqual(again.id, first.id, "its id given again")
        self.assertEqual(os.listdir(again._upload_dir()), [], "the old session's files gone")

    def test_a_chunked_upload_is_read_no_further_than_file_limit(self):
        """A request without a Content-Length (sent chunked) is refused once past file_limit, while
        1C's side is still sending, not after reading it whole into memory."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.file_limit_mb", "1")
        self.assertIn("file_limit=1048576", self.chunked_upload_answer())

    def test_a_request_is_read_no_further_than_the_exchange_may_hold(self):
        """The largest exchange left 1 MB: a request of 5 MB is refused past it, not read whole first."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.exchange_limit_mb", "1")
        self.assertNotIn("file_limit", self.chunked_upload_answer())

    def test_a_request_over_the_room_is_read_to_its_end_and_answered(self):
        """1C sends a request's body whole before it reads the answer. One over the room (file_limit, what the
        exchange may still hold) is refused once its first bytes past it are read, and the rest of its body is
        read and dropped, sent chunked (no Content-Length) as sent with one: 1C hears «failure» and why, whole,
        not a connection reset (the server closing the connection with bytes of it unread); nothing of it is
        stored nor counted, and 1C's next request is answered as ever."""
        mib = 1024 * 1024
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ecom_crm_1c.file_limit_mb", "1")
        cookie = self.login()
        self.call("init", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        body = b"<a>" + b" " * (16 * mib) + b"</a>"  # past what the connection's buffers hold
        for label, chunked, limit_key, said in (
                ("file_limit, chunked", True, None, "file_limit=1048576"),
                ("file_limit, with a length", False, None, "file_limit=1048576"),
                ("the exchange's room, chunked", True, "ecom_crm_1c.exchange_limit_mb", str(mib))):
            with self.subTest(label):
                if limit_key:
                    params.set_param("ecom_crm_1c.file_limit_mb", "5")
                    params.set_param(limit_key, "1")
                status, headers, answer = send_whole(
                    self.base_url(), "/1c_exchange?type=catalog&mode=file&filename=big.xml",
                    {"Cookie": f"{cookie[0]}={cookie[1]}"}, body, chunked)
                self.assertRegex(status, r"^HTTP/1\.[01] 200 ", answer[:300])
                self.assertEqual(int(headers["content-length"]), len(answer), "the answer whole")
                lines = answer.decode().splitlines()
                self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
                self.assertTrue(lines[1].startswith("big.xml: "), lines)
                self.assertIn(said, lines[1])
                self.assertFalse(os.path.exists(os.path.join(session._upload_dir(), "big.xml")), "nothing stored")
                session.invalidate_recordset()
                self.assertEqual(session.upload_size, 0, "nothing counted")
        # the next request: stored and answered
        self.assertEqual(self.call("file", data=b"<small/>", cookie=cookie, filename="small.xml"), ["success"])
        self.assertEqual(self.stored(cookie, "small.xml"), b"<small/>")

    def test_odoo_upload_limit_does_not_bound_1c_files(self):
        """Odoo's bound of a request's body (web.max_file_upload_size; 128 MiB by default, below 1C's file_limit of
        200 MB), which werkzeug 3 (Python 3.12: the odoo:18 image) applies to every body's stream (its HTML «413»
        over it; werkzeug 2.2 only to the forms it parses): 1C's files are bounded by the exchange's own limits. A
        file over Odoo's bound within file_limit is stored, sent with its length or chunked; one over file_limit
        is refused in the protocol's words, read to its end first."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("web.max_file_upload_size", "1000")
        params.set_param("ecom_crm_1c.file_limit_mb", "1")
        cookie = self.login()
        self.call("init", cookie=cookie)
        data = b"<a>" + b" " * 5000 + b"</a>"
        self.assertEqual(self.call("file", data=data, cookie=cookie, filename="sized.xml"), ["success"])
        self.assertEqual(self.stored(cookie, "sized.xml"), data)
        self.assertEqual(self.call("file", data=iter([data[:100], data[100:]]), cookie=cookie, filename="chunked.xml"),
                         ["success"])
        self.assertEqual(self.stored(cookie, "chunked.xml"), data)
        for is_chunked in (False, True):
            with self.subTest(chunked=is_chunked):
                status, _headers, answer = send_whole(
                    self.base_url(), "/1c_exchange?type=catalog&mode=file&filename=big.xml",
                    {"Cookie": f"{cookie[0]}={cookie[1]}"}, b" " * (2 * 1024 * 1024), is_chunked)
                self.assertRegex(status, r"^HTTP/1\.[01] 200 ", answer[:300])
                lines = answer.decode().splitlines()
                self.assertEqual(lines[0], "failure", lines)
                self.assertIn("file_limit=1048576", lines[1])

    def test_a_refused_body_sent_slowly_is_read_no_longer_than_the_drain_may(self):
        """A refused request whose body comes a byte now and then, never stalling long enough for the idle
        time-out: its rest is read for the drain's time in all (1C's own request, of its session:
        :data:`SESSION_DRAIN_SECONDS`), not as long as the client sends (a read waits for a whole block); then the
        connection closes. 1C heard the answer first."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.file_limit_mb", "1")
        cookie = self.login()
        self.call("init", cookie=cookie)
        url = urlsplit(self.base_url())
        with patch.object(exchange_module, "SESSION_DRAIN_SECONDS", 1), \
                socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(f"POST /1c_exchange?type=catalog&mode=file&filename=big.xml HTTP/1.1\r\nHost: {url.netloc}"
                         f"\r\nCookie: {cookie[0]}={cookie[1]}\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n".encode())
            status, answer = read_answer(sock)  # refused before its body is read: answered at once
            self.assertRegex(status, rb"^HTTP/1\.[01] 200 ")
            self.assertTrue(answer.startswith(b"failure\nbig.xml: "), answer)
            started, closed = time.monotonic(), None
            while closed is None and time.monotonic() - started < 8:  # a byte each 0.2 s: within any idle time-out
                try:
                    sock.sendall(b" ")
                    sock.settimeout(0.2)
                    if not sock.recv(1):
                        closed = time.monotonic() - started
                except TimeoutError:
                    continue
                except OSError:  # reset: the server closed with bytes unread
                    closed = time.monotonic() - started
        self.assertIsNotNone(closed, "the connection stays open as long as the client sends")
        self.assertLess(closed, 4, "read for the drain's second, and a little more")

    def send_slowly(self, headers):
        """A mode=file request of 2 MiB sent in 4 s (128 KiB each quarter of a second), as 1C over a slow link sends
        it, its answer read once its body is sent: ``(status line, answer)``, or None when the connection was
        reset under the sending (the server closed it with bytes of the body unread)."""
        length, piece = 2 * 1024 * 1024, 128 * 1024
        url = urlsplit(self.base_url())
        with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
            sock.sendall(f"POST /1c_exchange?type=catalog&mode=file&filename=big.xml HTTP/1.1\r\nHost: {url.netloc}"
                         f"\r\n{headers}Content-Length: {length}\r\n\r\n".encode())
            started = time.monotonic()
            try:
                for _i in range(length // piece):
                    sock.sendall(b" " * piece)
                    time.sleep(0.25)
                self.assertGreater(time.monotonic() - started, 3)
                status, answer = read_answer(sock)  # 1C reads the answer once its body is sent
                self.assertEqual(sock.recv(65536), b"", "then the connection closes")
            except (ConnectionResetError, BrokenPipeError):
                return None
        return status, answer.decode()

    def test_a_refused_body_of_1c_sent_slowly_is_read_as_long_as_a_request_may_run(self):
        """1C's request over file_limit on a slow link: answered «failure» and why at once, and 1C, which sends the
        whole body before it reads the answer, takes longer to send it than a request without a session is read
        (a minute, here a second). 1C's own request (of the session it opened) is read on, within the request, as
        long as Odoo lets a request run (the time the same body takes to come when stored): 1C sends its body to
        its end and reads the answer whole, then the connection closes, no reset. Without a session the same body
        is read for the second only: the connection is reset under the client's sending."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.file_limit_mb", "1")
        cookie = self.login()
        self.call("init", cookie=cookie)
        with patch.object(exchange_module, "DRAIN_SECONDS", 1):
            answered = self.send_slowly(f"Cookie: {cookie[0]}={cookie[1]}\r\n")
            self.assertIsNotNone(answered, "1C's own request: read to its end, no reset")
            status, answer = answered
            self.assertRegex(status, rb"^HTTP/1\.[01] 200 ")
            lines = answer.splitlines()
            self.assertEqual(lines[0], "failure")
            self.assertTrue(lines[1].startswith("big.xml: "), lines)
            self.assertIn("file_limit=1048576", lines[1], "and why")
            self.assertIsNone(self.send_slowly(""), "no session: read for the second, then reset")

    def test_a_failed_file_sent_again_with_one_digit_changed_is_imported_whole(self):
        """A catalog imported in steps fails on the server at its second step (its first two products applied and
        committed); 1C sends it again re-exported with one digit of its first product changed (the same kind and
        size) and asks for its import: stored anew, it is imported whole, the changed article lands (the product
        changed in the store meanwhile gets it), and the failed attempt stays in the log as a file sent again."""
        data = big_catalog(5)
        cookie = self.upload({"import.xml": data})
        original, starts = ecom_1c_importer.Ecom1cImporter._import_file, []

        def fails_once_at_its_second_step(importer, kind, source, exchange=None, start=0, deadline=None,
                                          files_dir=None):
            starts.append(start)
            if starts == [0, 2]:
                raise RuntimeError("the server failed")
            return original(importer, kind, source, exchange, start, deadline, files_dir)

        with patch.object(ecom_1c_importer, "BATCH", 2), \
                patch.object(ExchangeController, "_step_seconds", lambda controller, env: 0), \
                patch.object(ecom_1c_importer.Ecom1cImporter, "_import_file", fails_once_at_its_second_step), \
                mute_logger("odoo.addons.ecom_crm_1c.controllers.exchange"):
            self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "progress")
            self.assertEqual(self.call("import", cookie=cookie, filename="import.xml"),
                             ["failure", "RuntimeError: the server failed"])
            first = self.env["product.template"].search([("ecom_1c_id", "=", big_catalog_id(0))])
            first.default_code = "LOCAL"
            changed = data.replace("<Артикул>A-0</Артикул>".encode(), "<Артикул>A-7</Артикул>".encode())
            self.assertEqual(len(changed), len(data))
            self.assertEqual(self.call("file", data=changed, cookie=cookie, filename="import.xml"), ["success"])
            answers, _last = self.import_until_done(cookie, "import.xml")
        self.assertEqual(answers[-1], "success")
        self.assertEqual(starts, [0, 2, 0, 2, 4], "from its start")
        self.env.invalidate_all()
        self.assertEqual(first.default_code, "A-7", "the changed value lands")
        exchange = self.env["ecom.1c.session"]._find(cookie[1]).exchange_id
        self.assertEqual([(f.state, f.position) for f in exchange.file_ids], [("failed", 2), ("done", 5)])
        self.assertEqual(exchange.file_ids[-1].name, "import.xml")

    def test_a_refused_body_of_1c_whose_session_expired_is_read_as_its_live_one(self):
        """1C's request of its session once the session expired (12 hours after its checkauth: an exchange that
        long, or 1C coming back to it later), over a slow link: answered «failure», the session unknown, before
        its body is read; 1C sends its whole body before it reads the answer, and the body is read as long as
        that of its session still live (here longer than a request without a session is read: a minute, here a
        second). 1C reads the answer whole, the reason it shows the accountant (log in anew), not a connection
        reset. A cookie naming no session this database ever had is read for the second only, then reset."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.file_limit_mb", "1")
        cookie = self.login()
        self.call("init", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        session.expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env.flush_all()
        self.assertFalse(self.env["ecom.1c.session"]._find(cookie[1]), "expired")
        with patch.object(exchange_module, "DRAIN_SECONDS", 1):
            answered = self.send_slowly(f"Cookie: {cookie[0]}={cookie[1]}\r\n")
            self.assertIsNotNone(answered, "1C's expired session: read to its end, no reset")
            status, answer = answered
            self.assertRegex(status, rb"^HTTP/1\.[01] 200 ")
            lines = answer.splitlines()
            self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
            self.assertIn("mode=checkauth", lines[1], "log in anew")
            self.assertIsNone(self.send_slowly(f"Cookie: {cookie[0]}={'0' * len(cookie[1])}\r\n"),
                              "no session of this database: read for the second, then reset")
            # a day after it expired its run is over (1C's next logs in anew): an old cookie is a leaked one's
            session.expires_at = fields.Datetime.now() - timedelta(hours=25)
            self.env.flush_all()
            self.assertIsNone(self.send_slowly(f"Cookie: {cookie[0]}={cookie[1]}\r\n"),
                              "a session expired a day ago: read for the second, then reset")

    def test_a_refused_body_is_read_once_after_the_answer_with_nothing_held(self):
        """A request over the exchange's room, its length within file_limit: 1C sends its body whole before it
        reads the answer. It is answered «failure» before its body is read (the answer comes while the body is
        still on its way; reading it first held the session's row locked as long as a slow 1C took to send it,
        and with no time bound); then, the answer sent and the request's transaction over (its cursor closed:
        nothing locked), the body is read to its end, once, and dropped: 1C hears the answer, not a reset.
        Nothing of it is stored nor counted."""
        mib = 1024 * 1024
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.exchange_limit_mb", "1")
        cookie = self.login()
        self.call("init", cookie=cookie)
        first = b"a" * (mib - 100_000)
        self.assertEqual(self.call("file", data=first, cookie=cookie, filename="first.xml"), ["success"])
        cursors, drained = [], []
        original_fail, original_drain = ExchangeController._fail, json_http._drain

        def fail(controller, exchange, relative, reason, values=None):
            cursors.append(exchange.env.cr)
            return original_fail(controller, exchange, relative, reason, values)

        def drain(stream, *args):
            drained.append(("transaction over", bool(cursors) and all(cursor._closed for cursor in cursors)))
            original_drain(stream, *args)
            drained.append(("read to its end", stream.is_exhausted))

        length, sent = 300_000, 1000
        url = urlsplit(self.base_url())
        with patch.object(ExchangeController, "_fail", fail), patch.object(json_http, "_drain", drain), \
                socket.create_connection((url.hostname, url.port), timeout=20) as sock:
            sock.sendall(f"POST /1c_exchange?type=catalog&mode=file&filename=second.xml HTTP/1.1\r\nHost: "
                         f"{url.netloc}\r\nCookie: {cookie[0]}={cookie[1]}\r\nContent-Length: {length}\r\n\r\n".encode()
                         + b"b" * sent)
            status, answer = read_answer(sock)  # answered with the body still on its way
            self.assertRegex(status, rb"^HTTP/1\.[01] 200 ")
            self.assertTrue(answer.startswith(b"failure\nsecond.xml: "), answer)
            waited = time.monotonic()
            while not drained and time.monotonic() - waited < 5:  # the drain begins once the answer is sent
                time.sleep(0.01)
            self.assertEqual(drained, [("transaction over", True)], "read after the answer, nothing held")
            sock.sendall(b"b" * (length - sent))  # the rest of the body, as 1C sends it
            self.assertEqual(sock.recv(65536), b"", "closed once the body is read: no reset")
        self.assertEqual(drained, [("transaction over", True), ("read to its end", True)])
        self.assertFalse(os.path.exists(os.path.join(self.env["ecom.1c.session"]._find(cookie[1])._upload_dir(),
                                                     "second.xml")), "nothing stored")
        self.assertEqual(self.env["ecom.1c.session"]._find(cookie[1]).upload_size, len(first), "nothing counted")

    def test_a_request_over_the_room_is_stored_when_run_again_with_room(self):
        """A request of a file over what the exchange may still hold, its refusal undone by a failure to
        serialise (another request wrote the exchange meanwhile): Odoo runs it again, and by then there is
        room (the largest exchange raised in Settings, a file's older copy gone). It was refused all the
        same, its first run's «over» kept; it is stored, whole. The failure comes as the refusal is written,
        or as its writes are flushed (where PostgreSQL meets the other request's): before the body is
        drained, which left the run again an empty body, taken for cut short."""
        mib = 1024 * 1024
        first, second = b"a" * (mib - 100_000), b"b" * 300_000
        original_fail, original_flush = ExchangeController._fail, api.Environment.flush_all
        for where in ("refusal", "flush"):
            cookie = self.login()
            self.call("init", cookie=cookie)
            self.assertEqual(self.call("file", data=first, cookie=cookie, filename="first.xml"), ["success"])
            runs, refused = [], []

            def exchange_limit(controller, env, runs=runs):  # 1 MiB on the first run, 2 MiB on the next
                runs.append(request.httprequest.environ["ecom_1c.tries"])
                return mib if runs[-1] == 1 else 2 * mib

            def conflicting(controller, exchange, relative, reason, values=None, where=where, runs=runs,
                            refused=refused):
                if runs[-1] == 1 and where == "refusal":
                    raise Conflict("could not serialize access due to concurrent update")
                refused.append(runs[-1] == 1)  # the next flush meets the other request's row, on the first run
                return original_fail(controller, exchange, relative, reason, values)

            def flush_all(env, refused=refused):
                if refused and refused[-1]:
                    refused[-1] = False
                    raise Conflict("could not serialize access due to concurrent update")
                return original_flush(env)

            with patch.object(ExchangeController, "_exchange_limit", exchange_limit), \
                    patch.object(ExchangeController, "_fail", conflicting), \
                    patch.object(api.Environment, "flush_all", flush_all), \
                    patch("odoo.service.model.random.uniform", return_value=0):
                lines = self.call("file", data=second, cookie=cookie, filename="second.xml")
            self.assertEqual(runs, [1, 2], f"{where}: refused for room on its first run, then run again")
            self.assertEqual(lines, ["success"], where)
            self.assertEqual(self.stored(cookie, "second.xml"), second, where)
            self.assertEqual(self.env["ecom.1c.session"]._find(cookie[1]).upload_size, len(first) + len(second))

    def test_a_refusal_for_room_failing_every_run_is_answered(self):
        """A request of a file over the exchange's room whose refusal fails to serialise on every run: Odoo's
        last run answers «failure» (send it again); no run reads the body before its answer (the runs before
        leave it unread, for the next), and once the last run's answer is sent, its transaction over, the body is
        read to its end, once, so that 1C hears the answer rather than a connection reset."""
        cookie = self.login()
        self.call("init", cookie=cookie)
        mib = 1024 * 1024
        self.assertEqual(self.call("file", data=b"a" * (mib - 100_000), cookie=cookie, filename="first.xml"),
                         ["success"])
        original_fail, original_flush, refused = ExchangeController._fail, api.Environment.flush_all, []
        cursors = []

        def conflicting(controller, exchange, relative, reason, values=None):
            refused.append(True)
            cursors.append(exchange.env.cr)
            return original_fail(controller, exchange, relative, reason, values)

        def flush_all(env):
            if refused and refused[-1]:
                refused[-1] = False
                raise Conflict("could not serialize access due to concurrent update")
            return original_flush(env)

        drained, original_drain = [], json_http._drain

        def drain(stream, *args):
            over = all(cursor._closed for cursor in cursors)  # every run's transaction, the last one's too
            original_drain(stream, *args)
            drained.append((len(refused), over, stream.is_exhausted))

        with patch.object(ExchangeController, "_exchange_limit", lambda controller, env: mib), \
                patch.object(ExchangeController, "_fail", conflicting), \
                patch.object(api.Environment, "flush_all", flush_all), \
                patch.object(json_http, "_drain", drain), \
                patch("odoo.service.model.random.uniform", return_value=0):
            lines = self.call("file", data=b"b" * 300_000, cookie=cookie, filename="second.xml")
            waited = time.monotonic()
            while not drained and time.monotonic() - waited < 5:  # the drain runs once the answer is sent
                time.sleep(0.01)
        self.assertEqual(len(refused), MAX_TRIES_ON_CONCURRENCY_FAILURE, "refused, and run again, each time")
        self.assertEqual(drained, [(MAX_TRIES_ON_CONCURRENCY_FAILURE, True, True)],
                         "drained once, after the last run's answer, its transaction over, to the body's end")
        self.assertEqual(lines[0], "failure", lines)
        store = self.env(context={"lang": self.env["ecom.1c.exchange"]._store_language(self.env.company)})
        self.assertIn(store._("another request of this exchange session was being stored: send this one again"),
                      lines[1], "1C's answer, in the store's language")

    def test_a_body_read_past_a_limit_is_read_on_with_a_larger_one(self):
        """A body sent without a length (chunked) read past a limit: its bytes read so far are kept, and a
        larger limit (a run with more room) reads on from them, the body whole; a body sent with a length
        over the limit is not read at all."""
        body = b"x" * 1000

        def fake_request(length):
            wrapped = SimpleNamespace(stream=io.BytesIO(body))
            return SimpleNamespace(httprequest=SimpleNamespace(content_length=length, _HTTPRequest__wrapped=wrapped))

        chunked = fake_request(None)
        with patch.object(json_http, "request", chunked):
            self.assertIsNone(json_http.read_body(100))
            self.assertTrue(chunked.ecom_body_over)
            self.assertIsNone(json_http.read_body(500), "still over")
            self.assertEqual(json_http.read_body(1000), body, "read on: the body whole")
            self.assertFalse(chunked.ecom_body_over)
            self.assertEqual(json_http.read_body(1000), body, "kept for a run again")
        sized = fake_request(len(body))
        with patch.object(json_http, "request", sized):
            self.assertIsNone(json_http.read_body(999))
            self.assertEqual(sized.httprequest._HTTPRequest__wrapped.stream.tell(), 0, "not read")
            self.assertEqual(json_http.read_body(1000), body)

    def chunked_upload_answer(self):
        """The reason of the «failure» answered to 1 MiB + 1 byte of a chunked upload that never ends."""
        cookie = self.login()
        self.call("init", cookie=cookie)
        # a chunk announced as 2 MiB, of which 1 MiB + 1 byte are sent, and the body never ends: the server reads
        # every byte sent (closing with bytes unread resets the connection, and its answer may be lost) and must
        # answer without waiting for more. Once answered, it reads on for the rest of the body (1C sends it whole),
        # and stops once nothing came for the drain's time-out: the connection closes (under the test server's
        # own time-out, 5 s)
        started = time.monotonic()
        with patch.object(exchange_module, "SESSION_DRAIN_IDLE_SECONDS", 0.5):
            answer = raw_post(self.base_url(), "/1c_exchange?type=catalog&mode=file&filename=import.xml", {
                "Transfer-Encoding": "chunked", "Cookie": f"{cookie[0]}={cookie[1]}"},
                b"200000\r\n" + b" " * (1024 * 1024 + 1), read_all=True)  # before the fix: a timeout
        self.assertLess(time.monotonic() - started, 4, "the stalled body's rest waited for no longer than the drain's")
        self.assertRegex(answer.split("\r\n")[0], r"^HTTP/1\.[01] 200 ", answer[:300])
        status, reason = answer.split("\r\n\r\n", 1)[1].splitlines()[:2]
        self.assertEqual(status, "failure")
        self.assertNotIn("Timeout", reason, "refused for its size, not after a read that timed out")
        self.assertIn("1048576", reason)
        return reason

    def test_file_limit_bounds_one_request_not_the_file(self):
        content = read(*CATALOG)
        cookie = self.login()
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: 1024):
            self.assertIn("file_limit=1024", self.call("init", cookie=cookie))
            fragments = [content[i:i + 1024] for i in range(0, len(content), 1024)]
            self.assertGreaterEqual(len(fragments), 3)
            for fragment in fragments:  # 1C splits a file bigger than file_limit, one request per part
                self.assertEqual(self.call("file", data=fragment, cookie=cookie, filename="import.xml"), ["success"])
            lines = self.call("file", data=b" " * 1025, cookie=cookie, filename="import.xml")
            self.assertEqual(lines[0], "failure", "one request over file_limit")
            self.assertIn("file_limit", lines[1])
        self.assertEqual(self.stored(cookie, "import.xml"), content, "the refused request appended nothing")
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertEqual(self.env["product.template"].search_count([("ecom_1c_id", "=like", "hm-%")]), 4)

    def test_whole_file_and_exchange_bounds(self):
        content = read(*CATALOG)
        cookie = self.login()
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: 1024), \
                patch.object(ExchangeController, "_whole_file_limit", lambda controller, env: 2048), \
                patch.object(ExchangeController, "_exchange_limit", lambda controller, env: 3072):
            self.call("init", cookie=cookie)
            for fragment in (content[:1024], content[1024:2048]):
                self.assertEqual(self.call("file", data=fragment, cookie=cookie, filename="import.xml"), ["success"])
            lines = self.call("file", data=content[2048:3072], cookie=cookie, filename="import.xml")
            self.assertEqual(lines[0], "failure", "the whole file would be over its bound")
            self.assertIn("2048", lines[1])
            self.assertEqual(self.call("file", data=b"1" * 1024, cookie=cookie, filename="offers.xml"), ["success"])
            lines = self.call("file", data=b"1", cookie=cookie, filename="offers.xml")
            self.assertEqual(lines[0], "failure", "the exchange's files together would be over their bound")
            self.assertIn("3072", lines[1])
        self.assertEqual((len(self.stored(cookie, "import.xml")), len(self.stored(cookie, "offers.xml"))), (2048, 1024))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "failed")
        self.assertIn("import.xml", exchange.messages)

    def test_archives_unpack_within_the_exchange_bound_together(self):
        """The largest exchange bounds all that the exchange's archives unpack to, with its uploads: three
        archives of 1,000 bytes each under a bound of 3,000 bytes, the third refused, unpacking nothing."""
        from .test_archives import make_zip

        cookie = self.login()
        with patch.object(ExchangeController, "_exchange_limit", lambda controller, env: 3000):
            self.call("init", cookie=cookie)
            for name in ("a.zip", "b.zip", "c.zip"):
                data = make_zip({f"{name[0]}.xml": b"x" * 1000})
                self.assertLess(len(data), 300)
                self.assertEqual(self.call("file", data=data, cookie=cookie, filename=name), ["success"])
            lines = self.call("import", cookie=cookie, filename="a.xml")
        self.assertEqual(lines[0], "failure")
        self.assertTrue(lines[1].startswith("c.zip: "), lines)
        folder = self.env["ecom.1c.session"]._find(cookie[1])._upload_dir()
        self.assertEqual([os.path.exists(os.path.join(folder, n)) for n in ("a.xml", "b.xml", "c.xml")],
                         [True, True, False])
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.assertEqual(session.upload_size, sum(os.path.getsize(os.path.join(folder, n))
                                                  for n in ("a.zip", "b.zip", "c.zip", "a.xml", "b.xml")))

    def test_a_request_run_again_stores_its_bytes_once(self):
        """Two requests of one session at once: the later one fails to serialise on the session's row and
        Odoo runs it again. Its body is still there the second time, nothing of the first time stays
        appended, and the session's count is right (it answered «0 of N bytes received» with the N bytes
        on disk, and 1C's resending doubled the file)."""
        content = read(*CATALOG)
        cookie = self.login()
        self.call("init", cookie=cookie)
        Session = type(self.env["ecom.1c.session"])
        original, conflicts = Session._write_multi, []

        def conflicting(records, vals_list):
            if any("upload_size" in vals for vals in vals_list) and not conflicts:
                conflicts.append(vals_list)
                raise Conflict("could not serialize access due to concurrent update")
            return original(records, vals_list)

        with patch.object(Session, "_write_multi", conflicting), \
                patch("odoo.service.model.random.uniform", return_value=0):  # no wait before the second run
            self.assertEqual(self.call("file", data=content, cookie=cookie, filename="import.xml"), ["success"])
        self.assertTrue(conflicts, "the request was run again")
        self.assertEqual(self.stored(cookie, "import.xml"), content)
        self.assertEqual(self.env["ecom.1c.session"]._find(cookie[1]).upload_size, len(content))

    def test_a_part_sent_again_after_a_failure_appends(self):
        """A part 1C is answered «failure» for (over file_limit; another request of the session was being
        stored: «send this one again») stores nothing and records the file failed in the log: the part
        1C sends next, or the same one again, still appends to the parts stored before, never starts
        the file anew (its first parts would be lost)."""
        content = read(*CATALOG)
        cookie = self.login()
        Session = type(self.env["ecom.1c.session"])
        original, conflicts = Session._write_multi, []

        def conflicting(records, vals_list):  # every run of one request fails to serialise
            if any("upload_size" in vals for vals in vals_list) and len(conflicts) < 5:
                conflicts.append(vals_list)
                raise Conflict("could not serialize access due to concurrent update")
            return original(records, vals_list)

        with patch.object(ExchangeController, "_file_limit", lambda controller, env: 1024):
            self.call("init", cookie=cookie)
            fragments = [content[i:i + 1024] for i in range(0, len(content), 1024)]
            self.assertEqual(self.call("file", data=fragments[0], cookie=cookie, filename="import.xml"), ["success"])
            lines = self.call("file", data=b" " * 1025, cookie=cookie, filename="import.xml")
            self.assertEqual(lines[0], "failure", "one request over file_limit")
            self.assertEqual(self.call("file", data=fragments[1], cookie=cookie, filename="import.xml"), ["success"])
            with patch.object(Session, "_write_multi", conflicting), \
                    patch("odoo.service.model.random.uniform", return_value=0):
                lines = self.call("file", data=fragments[2], cookie=cookie, filename="import.xml")
            self.assertEqual(lines[0], "failure", "run again as often as Odoo does, it failed each time")
            self.assertEqual(len(conflicts), 5)
            for fragment in fragments[2:]:  # 1C sends that part again, and the next ones
                self.assertEqual(self.call("file", data=fragment, cookie=cookie, filename="import.xml"), ["success"])
        self.assertEqual(self.stored(cookie, "import.xml"), content)
        self.env.invalidate_all()
        self.assertEqual(self.env["ecom.1c.session"]._find(cookie[1]).upload_size, len(content))
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertEqual(self.env["product.template"].search_count([("ecom_1c_id", "=like", "hm-%")]), 4)

    def test_a_part_sent_again_after_a_timeout_is_stored_once(self):
        """1C heard no answer to a part in time and sends the same part again: a middle part is not
        appended twice (the document would be corrupt), the last part does not start the file anew with
        itself alone; 1C hears «success» as the first time and the file imports whole. The next part,
        a part of another file between, or another request between, append as always."""
        content = read(*CATALOG)
        cookie = self.login()
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: 1024):
            self.call("init", cookie=cookie)
            fragments = [content[i:i + 1024] for i in range(0, len(content), 1024)]
            self.assertGreaterEqual(len(fragments), 4)
            for index, fragment in enumerate(fragments):
                times = 2 if index in (1, len(fragments) - 1) else 1  # a middle part and the last one, twice
                for _time in range(times):
                    self.assertEqual(self.call("file", data=fragment, cookie=cookie, filename="import.xml"),
                                     ["success"])
            self.assertEqual(self.stored(cookie, "import.xml"), content)
            self.env.invalidate_all()
            session = self.env["ecom.1c.session"]._find(cookie[1])
            self.assertEqual(session.upload_size, len(content), "counted once")
            # the same bytes as another file's part are that file's: stored
            for name in ("a.bin", "b.bin"):
                self.assertEqual(self.call("file", data=b"x" * 1024, cookie=cookie, filename=name), ["success"])
            self.assertEqual((self.stored(cookie, "a.bin"), self.stored(cookie, "b.bin")), (b"x" * 1024, b"x" * 1024))
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertEqual(self.env["product.template"].search_count([("ecom_1c_id", "=like", "hm-%")]), 4)

    def test_an_image_of_exactly_n_times_file_limit_sent_again_starts_anew(self):
        """1C sends a file in parts of file_limit bytes, one after another, then the next file or
        mode=import: an image of exactly 2 × file_limit ends with a part as long as the others, and
        nothing in its bytes says it is whole. Sent again (a new exchange of the session without init,
        another picture under the same name; or at once, 1C having heard no answer) it starts anew,
        never appended to the copy stored, and the product gets the new picture."""
        import hashlib

        from .test_import_steps import jpeg

        limit = 1024

        def picture(color):  # a JPEG padded to 2 × file_limit (viewers stop at its end marker)
            data = jpeg(color)
            return data + bytes((i * 7 + 3) % 251 for i in range(2 * limit - len(data)))

        catalog = big_catalog(1, description=None).decode().replace(
            "<Группы><Ид>g1</Ид></Группы>",
            "<Картинка>import_files/9d/photo.jpg</Картинка><Группы><Ид>g1</Ид></Группы>").encode()
        self.assertLess(len(catalog), limit)
        red, green = picture("red"), picture("green")
        template = self.env["product.template"].with_context(active_test=False)
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: limit):
            cookie = self.login()
            self.call("init", cookie=cookie)
            for data in (red, green):  # the first exchange, then a new one of the session without init
                self.assertEqual(self.call("file", data=catalog, cookie=cookie, filename="import.xml"), ["success"])
                for part in (data[:limit], data[limit:]):
                    self.assertEqual(self.call("file", data=part, cookie=cookie,
                                               filename="import_files/9d/photo.jpg"), ["success"])
                self.assertEqual(self.stored(cookie, "import_files/9d/photo.jpg"), data)
                self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
                self.assertEqual(template.search([("ecom_1c_id", "=", big_catalog_id(0))]).ecom_1c_image_checksum,
                                 hashlib.sha1(data).hexdigest())
            # sent again at once, its first part then its second: the picture once
            for part in (green[:limit], green[limit:]):
                self.assertEqual(self.call("file", data=part, cookie=cookie, filename="import_files/9d/photo.jpg"),
                                 ["success"])
            self.assertEqual(self.stored(cookie, "import_files/9d/photo.jpg"), green)
        self.env.invalidate_all()
        self.assertEqual(self.env["ecom.1c.session"]._find(cookie[1]).upload_size, len(catalog) + len(green),
                         "the old copies no longer count")

    def test_an_image_is_renamed_into_place_as_a_file_of_its_own(self):
        """An image (any file not an XML document or zip) is written to a temporary file of its folder, then
        renamed over the old one: the file has the permissions ``open`` gives (the process's umask, not the
        owner's alone of a temporary file), nothing temporary stays, and its next part is appended (not the
        whole copied again). A failed import's cleanup (:func:`remove_added`) leaves a temporary file of
        another request being written alone."""
        from ..commerceml import TEMPORARY_PREFIX, TEMPORARY_SUFFIX, remove_added

        cookie = self.login()
        self.call("init", cookie=cookie)
        with patch.object(ExchangeController, "_file_limit", lambda controller, env: 1024):
            for part in (b"\xff\xd8" + b"1" * 1022, b"2" * 10):
                self.assertEqual(self.call("file", data=part, cookie=cookie, filename="import_files/ab/c.jpg"),
                                 ["success"])
        self.assertEqual(self.stored(cookie, "import_files/ab/c.jpg"), b"\xff\xd8" + b"1" * 1022 + b"2" * 10)
        folder = self.env["ecom.1c.session"]._find(cookie[1])._upload_dir()
        self.assertEqual(os.listdir(os.path.join(folder, "import_files/ab")), ["c.jpg"], "nothing temporary stays")
        with open("/proc/self/status") as status:  # read, never set: the server's threads create files too
            umask = int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
        self.assertEqual(os.stat(os.path.join(folder, "import_files/ab/c.jpg")).st_mode & 0o777, 0o666 & ~umask)
        before = files_under(folder)
        temporary = os.path.join(folder, "import_files/ab", f"{TEMPORARY_PREFIX}0123{TEMPORARY_SUFFIX}")
        with open(temporary, "wb") as f:
            f.write(b"being written")
        with open(os.path.join(folder, "unpacked.xml"), "wb") as f:
            f.write(b"<a/>")
        self.assertEqual(remove_added(folder, before), ["unpacked.xml"])
        self.assertTrue(os.path.exists(temporary))

    def test_an_archive_sent_again_leaves_nothing_of_the_old_one(self):
        """An archive 1C sends again after its import began: the files the old one unpacked go with it
        and no longer count against the largest exchange (they counted once more at each sending),
        and a file only the old archive held is no longer in the upload area to be imported."""
        from .test_archives import make_zip

        cookie = self.login()
        self.call("init", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        folder = session._upload_dir()
        old = make_zip({"import.xml": big_catalog(2), "import_files/a.jpg": b"\xff\xd8" + b"1" * 5000})
        new = make_zip({"import.xml": big_catalog(3)})
        self.assertEqual(self.call("file", data=old, cookie=cookie, filename="webdata.zip"), ["success"])
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertTrue(os.path.exists(os.path.join(folder, "import_files/a.jpg")))
        self.assertEqual(self.call("file", data=new, cookie=cookie, filename="webdata.zip"), ["success"])
        self.env.invalidate_all()
        self.assertEqual(session.upload_size, len(new), "what the old archive unpacked no longer counts")
        self.assertFalse(os.path.exists(os.path.join(folder, "import_files/a.jpg")))
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertEqual(self.env["product.template"].search_count([("ecom_1c_id", "in", [
            big_catalog_id(i) for i in range(3)])]), 3, "the new archive's catalog imported")
        self.env.invalidate_all()
        self.assertEqual(session.upload_size, len(new) + len(big_catalog(3)))

    def test_a_file_sent_again_waits_for_its_import_step_in_progress(self):
        """1C sends a file again (it heard no answer in time) while a step of its import is still running
        in another request: its bytes are not replaced under that step's reading; the request waits for
        the step (the import lock), and past twice a step 1C hears «failure», the file as it was."""
        from ..controllers.exchange import IMPORT_LOCK

        content = read("ut11-2.07", "import0_1.xml")
        cookie = self.upload({"import0_1.xml": content})
        # its import began and goes on in steps (the record its first step leaves; the step itself is not
        # run here: the tests' requests share one transaction, which would hold the import lock)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.env["ecom.1c.exchange.file"].create({
            "exchange_id": session.exchange_id.id, "name": "import0_1.xml",
            "kind": "catalog", "state": "running", "position": 10, "steps": 1})
        session.write({"last_file": False, "last_part": False})  # as 1C's mode=import of that step left it
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.step_seconds", "1")
        other = sql_db.db_connect(self.env.cr.dbname).cursor()  # the step in progress, on its own connection
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            lines = self.call("file", data=content, cookie=cookie, filename="import0_1.xml")
        finally:
            other.rollback()
            other.close()
        self.assertEqual(lines[0], "failure")
        self.assertEqual(self.stored(cookie, "import0_1.xml"), content, "its bytes as the step reads them")
        self.assertEqual(self.env["ecom.1c.exchange.file"].search_count([("name", "=", "import0_1.xml")]), 1,
                         "its import is still the file's")
        # the step over, the file sent again starts anew and is imported again
        self.assertEqual(self.call("file", data=content, cookie=cookie, filename="import0_1.xml"), ["success"])
        self.assertEqual(self.stored(cookie, "import0_1.xml"), content)
        self.assertEqual(self.import_until_done(cookie, "import0_1.xml")[1][0], "success")

    def test_bounds_are_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual((settings.ecom_1c_file_limit, settings.ecom_1c_whole_file_limit,
                          settings.ecom_1c_exchange_limit), (5, 1024, 8192))
        controller = ExchangeController()
        self.assertEqual((controller._file_limit(self.env), controller._whole_file_limit(self.env)),
                         (5 * 1024 * 1024, 1024 * 1024 * 1024))

    def test_raw_body_whatever_the_content_type(self):
        content = read(*CATALOG)
        cookie = self.login()
        self.call("init", cookie=cookie)
        # curl's default content type
        self.assertEqual(self.call("file", data=content, cookie=cookie, filename="import.xml",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}), ["success"])
        # a form: stored as sent (1C sends raw bytes), never «success» with nothing stored
        boundary = "ecom1cboundary"
        form = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="import.xml"\r\n'
                f"Content-Type: text/xml\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        self.assertEqual(self.call("file", data=form, cookie=cookie, filename="form.xml",
                                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}), ["success"])
        self.assertEqual(self.stored(cookie, "import.xml"), content)
        self.assertEqual(self.stored(cookie, "form.xml"), form)
        self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "success")
        self.assertEqual(self.env["product.template"].search_count([("ecom_1c_id", "=like", "hm-%")]), 4)

    def test_hostile_names_are_refused_without_server_paths_and_logged(self):
        """A NUL, an overlong name, a folder's name: «refused file name», no server path in the answer
        or the log, and the log written (PostgreSQL stores no NUL)."""
        cookie = self.login()
        self.call("init", cookie=cookie)
        self.assertEqual(self.call("file", data=b"img", cookie=cookie, filename="import_files/a.jpg"), ["success"])
        folder = self.env["ecom.1c.session"]._find(cookie[1])._upload_dir()
        for name in ("a%00.xml", "a" * 300 + ".xml", "import_files", "import_files/a.jpg/b.xml"):
            lines = self.call("file", data=b"<x/>", cookie=cookie, filename=name)
            self.assertEqual(lines[0], "failure", name[:40])
            self.assertEqual(len(lines), 2, name[:40])
            self.assertNotIn(folder, lines[1])
            self.assertNotIn("/tmp", lines[1])
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "failed")
        self.assertEqual(exchange.messages.count("refused file name") + exchange.messages.count("имя файла отклонено"),
                         4, exchange.messages)
        self.assertNotIn(os.path.dirname(folder), exchange.messages)
        self.assertIn("a?.xml", exchange.file_ids.mapped("name"), "the NUL name logged, its NUL shown as «?»")
        for name in ("a%00.xml", "a" * 300):  # import: the same refusal
            self.assertEqual(self.call("import", cookie=cookie, filename=name)[0], "failure")

    def test_failed_exchange_is_logged_failed_with_its_file(self):
        cookie = self.login()
        self.call("init", cookie=cookie)
        self.call("file", data=read(*CATALOG), cookie=cookie, filename="import.xml")
        with patch.object(Ecom1cImportCatalog, "_import_products",
                          side_effect=MissingError("Record does not exist or has been deleted.")):
            self.assertEqual(self.call("import", cookie=cookie, filename="import.xml")[0], "failure")
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertIn(exchange, self.env["ecom.1c.exchange"].search([("state", "=", "failed")]),
                      "the «failed» filter finds it")
        self.assertTrue(exchange.date_end)
        self.assertIn("import.xml: MissingError", exchange.messages)
        record = exchange.file_ids.filtered(lambda f: f.name == "import.xml")
        self.assertEqual((record.state, record.kind), ("failed", "catalog"))
        self.assertIn("MissingError", record.error)
        self.assertFalse(self.env["product.template"].search([("ecom_1c_id", "=like", "hm-%")]),
                         "the failed step left nothing")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestAbandonedExchangeProtocol(ProtocolCase):
    """1C stops mid-exchange: the next exchange's init closes it (the cron does too: test_exchange_log)."""

    def test_the_next_exchange_closes_the_one_1c_abandoned_and_1c_coming_back_resumes_it(self):
        content = read(*CATALOG)
        abandoned = self.upload({"import.xml": content})  # uploaded, never imported: 1C stopped
        session = self.env["ecom.1c.session"]._find(abandoned[1])
        exchange = session.exchange_id
        self.assertTrue(session.last_request, "each request of 1C says when it came")
        # an hour and more later (1C's requests of an exchange follow each other within seconds or minutes)
        session.last_request = fields.Datetime.subtract(session.last_request, hours=2)
        exchange.date_start = fields.Datetime.subtract(exchange.date_start, hours=2)
        self.env.company.partner_id.tz = "Asia/Yekaterinburg"  # the line says when in the store's time
        last = f"{fields.Datetime.add(session.last_request, hours=5):%Y-%m-%d %H:%M:%S} Asia/Yekaterinburg"
        other = self.login()
        self.call("init", cookie=other)  # the next exchange, another session of 1C
        self.assertEqual((exchange.state, exchange.date_end), ("interrupted", session.last_request))
        store = self.env(context={**self.env.context, "lang": self.env.company.partner_id.lang})  # the log's language
        self.assertIn(store._("1C's last request came at %s and none since: the exchange was interrupted before "
                              "its end (1C stopped, or the connection was lost)", last), exchange.messages)
        self.assertTrue(os.path.isfile(os.path.join(session._upload_dir(), "import.xml")), "its file kept")
        # 1C comes back to it after all: it goes on
        self.assertEqual(self.import_until_done(abandoned, "import.xml")[1][0], "success")
        self.assertEqual(exchange.state, "running")
        self.assertIn(store._("1C came back: the exchange goes on"), exchange.messages)
        # the same session begins another exchange: its last one closes at once, its file imported: done
        first = self.env["ecom.1c.session"]._find(other[1]).exchange_id
        self.call("init", cookie=abandoned)
        self.assertEqual(exchange.state, "done")
        self.assertEqual(first.state, "running", "another session's, a moment ago: 1C may still send to it")
