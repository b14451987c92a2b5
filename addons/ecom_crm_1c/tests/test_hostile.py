"""Hostile and broken input over HTTP, as an attacker or a misconfigured 1C sends it: every answer is the
protocol's («failure» and its reason on one line, or «success»), never an HTML page, and nothing is lost
(the bytes stored stay, a refused import applies nothing and is logged)."""

import os
import socket
import struct
import time
from unittest.mock import patch
from urllib.parse import urlsplit

from lxml import etree

from odoo.addons.ecom_crm.tests.common import raw_post
from odoo.tests import new_test_user, tagged

from ..controllers.exchange import ExchangeController
from ..models.ecom_1c_exchange import Ecom1cExchange
from .common import ProtocolCase, big_catalog, big_catalog_id, read
from .test_archives import make_zip
from .test_orders_from_1c import LINE, MAT, ORDER

BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        + '<КоммерческаяИнформация ВерсияСхемы="2.05"><Документ><Ид>&lol3;</Ид></Документ>'
          '</КоммерческаяИнформация>'.encode())
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + '<КоммерческаяИнформация ВерсияСхемы="2.05"><Документ><Ид>&xxe;</Ид></Документ>'
              '</КоммерческаяИнформация>'.encode())


def document(order_id, encoding="UTF-8", declared=True):
    """1C's order ``order_id`` (a line of the product of 1C id MAT), in ``encoding`` (its declaration
    left out unless ``declared``)."""
    text = ORDER.format(id=order_id, number=order_id, total=2500, customer="hostile-customer",
                        phone="+79165554433", posted="false",
                        lines=LINE.format(id=MAT, name="Коврик", price=2500, qty=1, amount=2500))
    text = text.replace('encoding="UTF-8"', f'encoding="{encoding}"') if declared else text.split("?>", 1)[1]
    return text.encode("utf-8" if encoding == "UTF-8" and declared else "cp1251")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestHostileInput(ProtocolCase):
    def setUp(self):
        super().setUp()
        self.env["product.product"].create({"name": "Коврик", "ecom_1c_id": MAT})
        self.cookie = self.login()
        self.call("init", type_="sale", cookie=self.cookie)
        self.folder = self.env["ecom.1c.session"]._find(self.cookie[1])._upload_dir()

    def refused(self, mode, type_="sale", filename=None, data=None, cookie=None, extra=""):
        """The answer's reason, once checked to be «failure» and one line of reason, naming no server path."""
        lines = self.call(mode, type_=type_, data=data, cookie=cookie or self.cookie, filename=filename,
                          extra=extra)
        self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
        self.assertNotIn(os.path.dirname(self.folder), lines[1])
        return lines[1]

    def assertSays(self, reason, *words):
        """``reason`` says one of ``words`` (English, Russian: the answer is in the store's language)."""
        self.assertTrue(any(word in reason for word in words), reason)

    def orders(self, order_id):
        return self.env["sale.order"].search([("ecom_1c_id", "=", order_id)])

    def test_credentials_no_exchange_has_are_wrong_ones(self):
        """A login with a NUL character (PostgreSQL refuses it in a query) or a password over passlib's 4096
        bytes was answered with the exception's text (and its traceback logged): the wrong login or password."""
        for login, password in (("exch\x00ange", "s3cret-1C"), ("exchange", "x" * 5000), ("other", "x" * 5000)):
            with self.subTest(login=login, password=password[:10]), \
                    self.assertNoLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "ERROR"):
                lines = self.call("checkauth", auth=(login, password))
                self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
                self.assertSays(lines[1], "wrong exchange login or password", "неверный логин или пароль обмена")
        # a stored hash passlib cannot read (a broken database value): the same answer, the operator told in the log
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.password_hash", "garbage")
        with self.assertLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "ERROR") as logged:
            lines = self.call("checkauth", auth=("exchange", "s3cret-1C"))
        self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
        self.assertSays(lines[1], "wrong exchange login or password", "неверный логин или пароль обмена")
        self.assertEqual(len(logged.output), 1, logged.output)
        self.assertIn("unreadable", logged.output[0])

    def cut_request(self, headers, body, filename="orders.xml", type_="sale"):
        """The answer's lines to a request of mode=file whose body ends before its Content-Length (or whose
        chunks are broken), the client closing its side after ``body``; with the controller's log lines."""
        with self.assertLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "WARNING") as logged:
            answer = raw_post(self.base_url(), f"/1c_exchange?type={type_}&mode=file&filename={filename}", {
                "Cookie": f"{self.cookie[0]}={self.cookie[1]}", **headers, "Connection": "close"}, body,
                read_all=True, cut=True)
        lines = answer.partition("\r\n\r\n")[2].splitlines()
        self.assertEqual((len(lines), lines[0]), (2, "failure"), answer[:400])
        self.assertSays(lines[1], "could not be read", "не удалось прочитать")
        return lines, logged.output

    def test_a_body_cut_short_or_broken_is_refused_and_nothing_stored(self):
        """1C's request whose body ends before its Content-Length (its connection closed), or whose chunked
        encoding is broken: «failure» saying so, nothing stored nor recorded, one warning line in the server's
        log naming the session and the file (was the exception's class and werkzeug's text, its traceback
        logged; then the exchange failed with the file recorded as failed, though 1C sends it again: its
        deactivate archived nothing). Sent again once its import began (its body is read before the wait for
        that import): the same, the order imported before untouched."""
        session = self.env["ecom.1c.session"]._find(self.cookie[1])
        cases = (("cut short", {"Content-Length": "1000"}, b"<?xml version='1.0'?>"),
                 ("broken chunks", {"Transfer-Encoding": "chunked"}, b"zz\r\n<?xml"))
        for label, headers, body in cases:
            with self.subTest(label):
                _lines, logged = self.cut_request(headers, body)
                self.assertEqual(len(logged), 1, logged)
                self.assertTrue(logged[0].startswith("WARNING:"), logged)
                self.assertIn(f"session {session.id}, orders.xml", logged[0])
                self.assertNotIn("Traceback", logged[0])
                self.assertFalse(os.path.exists(os.path.join(self.folder, "orders.xml")))
                self.env.invalidate_all()  # the requests' writes
                self.assertEqual(session.upload_size, 0, "nothing counted")
                self.assertFalse(session.exchange_id.file_ids, "no file recorded")
                self.assertEqual(session.exchange_id.state, "running", "the exchange goes on")
                self.assertIn("orders.xml", session.exchange_id.messages, "the exchange's log says what happened")
        # 1C sends the document whole: stored and imported as if nothing had happened
        self.assertEqual(self.call("file", type_="sale", data=document("CUT-1"), cookie=self.cookie,
                                   filename="orders.xml")[0], "success")
        self.assertEqual(len(self.orders("CUT-1")), 1)
        for label, headers, body in cases:
            with self.subTest(label, attempt="sent again"):
                _lines, logged = self.cut_request(headers, body)
                self.assertEqual(len(logged), 1, logged)
                self.assertIn(f"session {session.id}, orders.xml", logged[0])
                self.env.invalidate_all()
                self.assertEqual(session.exchange_id.file_ids.mapped("state"), ["done"])
                self.assertNotEqual(session.exchange_id.state, "failed")
                self.assertEqual(len(self.orders("CUT-1")), 1)

    def test_a_connection_closed_in_the_middle_of_a_part(self):
        """1C's connection closes (reset) in the middle of the second part of a catalog: the first part stays
        as it was, nothing of the second stored nor counted, one warning line; 1C sending that part again
        makes the file whole, imported, the exchange ends «done» with the file once."""
        data = read("handmade", "characteristics-import.xml")
        first, second = data[:len(data) // 2], data[len(data) // 2:]
        cookie = self.login()
        self.call("init", cookie=cookie)
        session = self.env["ecom.1c.session"]._find(cookie[1])
        folder = session._upload_dir()
        self.assertEqual(self.call("file", data=first, cookie=cookie, filename="import.xml"), ["success"])
        url = urlsplit(self.base_url())
        with self.assertLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "WARNING") as logged:
            with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
                sock.sendall((f"POST /1c_exchange?type=catalog&mode=file&filename=import.xml HTTP/1.1\r\n"
                              f"Host: {url.netloc}\r\nCookie: {cookie[0]}={cookie[1]}\r\n"
                              f"Content-Length: {len(second)}\r\n\r\n").encode() + second[:len(second) // 2])
                # closed at once, unread bytes or not: a reset, as a client that went away
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            for _i in range(100):  # the server's thread reads on until the reset reaches it
                if logged.records:
                    break
                time.sleep(0.1)
        self.assertEqual(len(logged.output), 1, logged.output)
        self.assertIn(f"session {session.id}, import.xml", logged.output[0])
        with open(os.path.join(folder, "import.xml"), "rb") as stored:
            self.assertEqual(stored.read(), first, "the first part as it was, nothing of the second")
        self.env.invalidate_all()
        self.assertEqual(session.upload_size, len(first))
        self.assertNotEqual(session.exchange_id.state, "failed")
        self.assertEqual(self.call("file", data=second, cookie=cookie, filename="import.xml"), ["success"])
        answers, last = self.import_until_done(cookie, "import.xml")
        self.assertEqual(answers[-1], "success", last)
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        self.env.invalidate_all()
        self.assertEqual(session.exchange_id.state, "done")
        self.assertEqual(session.exchange_id.file_ids.mapped("state"), ["done"])
        self.assertEqual(session.upload_size, len(data))

    def test_a_file_cut_short_in_its_first_request_leaves_the_exchange_unfinished(self):
        """1C's catalog imported, then its offers list's first request cut short and 1C gone (1C ends its exchange
        on «failure»): nothing of the offers stored nor recorded, yet 1C's next init closes the exchange as
        interrupted, not done (its files all imported). The offers list sent whole after its cut request: the
        exchange is done."""
        catalog, offers = read("handmade", "characteristics-import.xml"), read(
            "handmade", "characteristics-different-sets-offers.xml")
        cookie = self.login()
        session = self.env["ecom.1c.session"]._find(cookie[1])
        exchanges = []
        for resent in (False, True):
            self.call("init", cookie=cookie)
            self.env.invalidate_all()
            exchanges.append(session.exchange_id)
            self.assertEqual(self.call("file", data=catalog, cookie=cookie, filename="import.xml"), ["success"])
            self.assertEqual(self.import_until_done(cookie, "import.xml")[0][-1], "success")
            with self.assertLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "WARNING"):
                answer = raw_post(self.base_url(), "/1c_exchange?type=catalog&mode=file&filename=offers.xml", {
                    "Cookie": f"{cookie[0]}={cookie[1]}", "Content-Length": "1000", "Connection": "close"},
                    b"<?xml version='1.0'?>", read_all=True, cut=True)
            self.assertEqual(answer.partition("\r\n\r\n")[2].splitlines()[0], "failure")
            self.env.invalidate_all()
            self.assertEqual(session.cut_file, "offers.xml")
            if resent:
                self.assertEqual(self.call("file", data=offers, cookie=cookie, filename="offers.xml"), ["success"])
                self.assertEqual(self.import_until_done(cookie, "offers.xml")[0][-1], "success")
                self.env.invalidate_all()
                self.assertFalse(session.cut_file)
        self.call("init", cookie=cookie)
        self.env.invalidate_all()
        self.assertEqual([exchange.state for exchange in exchanges], ["interrupted", "done"],
                         [exchange.messages for exchange in exchanges])
        self.assertFalse(session.cut_file, "a new exchange begins with none")

    def test_the_end_of_an_exchange_with_a_file_cut_short_is_refused(self):
        """1C's offers list cut short in its first request, then 1C ends its exchange anyway (deactivate, then
        success: 1C of 3.1 does so after a failure it does not stop for): each answered «failure» naming the
        file, nothing archived nor closed as done (they answered «success», the exchange done without its
        offers). The file sent whole, then the same end: «success», the exchange done."""
        catalog, offers = read("handmade", "characteristics-import.xml"), read(
            "handmade", "characteristics-different-sets-offers.xml")
        lines = self.call("checkauth", auth=("exchange", "s3cret-1C"))
        cookie, stamp = (lines[1], lines[2]), lines[4].split("=", 1)[1]
        session = self.env["ecom.1c.session"]._find(cookie[1])
        self.call("init", cookie=cookie)
        self.assertEqual(self.call("file", data=catalog, cookie=cookie, filename="import.xml"), ["success"])
        self.assertEqual(self.import_until_done(cookie, "import.xml")[0][-1], "success")
        with self.assertLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "WARNING"):
            raw_post(self.base_url(), "/1c_exchange?type=catalog&mode=file&filename=offers.xml", {
                "Cookie": f"{cookie[0]}={cookie[1]}", "Content-Length": "1000", "Connection": "close"},
                b"<?xml version='1.0'?>", read_all=True, cut=True)
        for mode in ("deactivate", "success", "complete"):
            lines = self.call(mode, cookie=cookie, extra=f"&timestamp={stamp}")
            self.assertEqual((len(lines), lines[0]), (2, "failure"), (mode, lines))
            self.assertIn("offers.xml", lines[1])
        self.env.invalidate_all()
        exchange = session.exchange_id
        self.assertEqual(exchange.state, "running", "neither done nor failed: 1C may send the file again")
        self.assertIn("offers.xml", exchange.messages)
        self.assertEqual(self.call("file", data=offers, cookie=cookie, filename="offers.xml"), ["success"])
        self.assertEqual(self.import_until_done(cookie, "offers.xml")[0][-1], "success")
        self.assertEqual(self.call("deactivate", cookie=cookie, extra=f"&timestamp={stamp}")[0], "success")
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        self.env.invalidate_all()
        self.assertEqual(exchange.state, "done")
        # 1C gives up on a file cut short and begins anew (init; a checkauth opens a session of its own): the
        # new exchange is not held by it, its end «success»; the one given up is closed as interrupted
        self.call("init", cookie=cookie)
        with self.assertLogs("odoo.addons.ecom_crm_1c.controllers.exchange", "WARNING"):
            raw_post(self.base_url(), "/1c_exchange?type=catalog&mode=file&filename=offers.xml", {
                "Cookie": f"{cookie[0]}={cookie[1]}", "Content-Length": "1000", "Connection": "close"},
                b"<?xml version='1.0'?>", read_all=True, cut=True)
        self.assertEqual(self.call("success", cookie=cookie)[0], "failure")
        self.env.invalidate_all()
        given_up = session.exchange_id
        self.call("init", cookie=cookie)
        self.assertEqual(self.call("file", data=catalog, cookie=cookie, filename="import.xml"), ["success"])
        self.assertEqual(self.import_until_done(cookie, "import.xml")[0][-1], "success")
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        self.env.invalidate_all()
        self.assertEqual((given_up.state, session.exchange_id.state), ("interrupted", "done"))

    def test_a_wrong_session_is_refused(self):
        for cookie, extra in ((("ecom_1c_session", "forged"), ""), (("other", "x"), "&sessid=forged")):
            lines = self.call("file", data=document("hostile-0"), cookie=cookie, filename="orders.xml", extra=extra)
            self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
            self.assertIn("checkauth", lines[1])
        self.assertFalse(self.orders("hostile-0"))
        self.assertFalse(os.path.exists(os.path.join(self.folder, "orders.xml")))

    def test_a_session_ends_with_its_login(self):
        """A session's cookie works as long as the login it logged in with: archiving its company, clearing or
        changing the exchange login or its password ends it at its next request («failure», log in again),
        with nothing stored."""
        second = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.user.company_ids |= second
        settings = self.env["res.config.settings"].with_company(second)
        settings.create({"ecom_1c_company_login": "1c-second", "ecom_1c_company_password": "pw-second"}).execute()

        def own_login():
            lines = self.call("checkauth", auth=("1c-second", "pw-second"))
            self.assertEqual(lines[0], "success", lines)
            return lines[1], lines[2]

        def ended(cookie, name):
            lines = self.call("file", type_="sale", data=document(name), cookie=cookie, filename=f"{name}.xml")
            self.assertEqual((len(lines), lines[0]), (2, "failure"), lines)
            self.assertIn("checkauth", lines[1])
            self.assertFalse(self.env["ecom.1c.session"]._find(cookie[1]))

        cookie = own_login()
        self.assertEqual(self.call("init", type_="sale", cookie=cookie)[0], "zip=yes")
        second.active = False
        ended(cookie, "gone-1")
        self.assertEqual(self.call("checkauth", auth=("1c-second", "pw-second"))[0], "failure", "no new session")
        second.active = True
        cookie = own_login()
        settings.create({"ecom_1c_company_password": "pw-changed"}).execute()
        ended(cookie, "gone-2")
        self.assertTrue(self.env["ecom.1c.session"]._find(self.cookie[1]), "Settings' login's session lives on")
        # Settings' login of every company: its password changed, or the login cleared
        self.env["res.config.settings"].create({"ecom_1c_password": "s3cret-2"}).execute()
        ended(self.cookie, "gone-3")
        lines = self.call("checkauth", auth=("exchange", "s3cret-2"))
        self.assertEqual(lines[0], "success", lines)
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.login", False)
        ended((lines[1], lines[2]), "gone-4")
        self.assertFalse(self.orders("gone-1") | self.orders("gone-2") | self.orders("gone-3") | self.orders("gone-4"))
        # a session opened before sessions kept their login's digest (an upgrade) logs in anew
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm_1c.login", "exchange")
        session, token = self.env["ecom.1c.session"]._open()
        self.assertTrue(self.env["ecom.1c.session"]._find(token))
        session.login_digest = False
        self.assertFalse(self.env["ecom.1c.session"]._find(token))

    def test_malformed_requests_hear_the_protocol(self):
        """Whatever the request — a query string of invalid UTF-8 or of its parameters twice, an unknown type or
        mode, a form's or JSON's content type, an empty body, long headers, a broken Basic header, a method 1C
        never sends — 1C hears the protocol («failure» and why, in plain text), never a 500 or an HTML page."""
        cookie = f"{self.cookie[0]}={self.cookie[1]}"
        long = "k" * 8000
        requests = [
            ("GET", "type=catalog&mode=checkauth", {"Authorization": "Basic %%%"}, None),
            ("GET", "type=catalog&mode=checkauth", {"Authorization": "Basic " + long}, None),
            ("GET", "type=catalog&mode=checkauth", {"Authorization": "Basic //79"}, None),  # not UTF-8 once decoded
            ("GET", "type=catalog&mode=checkauth", {"Authorization": "Bearer x"}, None),
            ("GET", "type=%FF&mode=init", {"Cookie": cookie}, None),
            ("GET", "type=catalog&mode=%FF%FE", {"Cookie": cookie}, None),
            ("GET", "type=catalog&type=sale&mode=init&mode=query", {"Cookie": cookie}, None),
            ("GET", "mode=init", {"Cookie": cookie}, None),
            ("GET", "", {"Cookie": cookie}, None),
            ("GET", "type=sale&mode=query&sessid=%00", {}, None),
            ("GET", "type=sale&mode=query", {"Cookie": f"ecom_1c_session={long}"}, None),
            ("GET", "type=sale&mode=query", {"Cookie": "ecom_1c_session=a\x01b"}, None),
            ("POST", "type=sale&mode=file&filename=%FF%FE.xml", {"Cookie": cookie}, b"<x/>"),
            ("POST", "type=sale&mode=file&filename=a%00b.xml", {"Cookie": cookie}, b"<x/>"),
            ("POST", "type=sale&mode=file&filename=" + "a" * 5000 + ".xml", {"Cookie": cookie}, b"<x/>"),
            ("POST", "type=sale&mode=file&filename=", {"Cookie": cookie}, b"<x/>"),
            ("POST", "type=sale&mode=file&filename=e.xml", {"Cookie": cookie, "Content-Type": "application/json"},
             b'[1, 2, {"a": "b"}]'),
            ("POST", "type=sale&mode=file&filename=e.xml",
             {"Cookie": cookie, "Content-Type": "multipart/form-data; boundary=zz"}, b"--zz\r\n"),
            ("POST", "type=sale&mode=file&filename=f.xml",
             {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, b"a=%FF&b=\xff"),
            ("POST", "type=sale&mode=import&filename=f.xml", {"Cookie": cookie}, b""),
            ("POST", "type=sale&mode=success", {"Cookie": cookie, "Content-Type": long}, b"\xff\xfe"),
            ("OPTIONS", "type=sale&mode=init", {"Cookie": cookie}, None),
            ("HEAD", "type=sale&mode=nothing", {"Cookie": cookie}, None),
        ]
        for method, query, headers, body in requests:
            with self.subTest(method=method, query=query[:60], headers=str(headers)[:60]):
                response = self.opener.request(method, f"{self.base_url()}/1c_exchange?{query}", data=body,
                                               headers=headers, timeout=60)
                self.assertEqual(response.status_code, 200, response.text[:300])
                self.assertTrue(response.headers["Content-Type"].startswith("text/plain"),
                                (method, query[:60], response.headers["Content-Type"], response.text[:300]))
                if method != "HEAD":
                    first = response.text.splitlines()[0]
                    self.assertTrue(first in ("success", "failure", "progress") or first.startswith("zip="),
                                    response.text[:300])
        self.assertEqual(self.call("init", type_="sale", cookie=self.cookie)[0], "zip=yes", "the session still works")

    def test_names_outside_the_upload_area_and_files_never_uploaded(self):
        for type_ in ("catalog", "sale"):
            for name in ("../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "a/../../b.xml"):
                for mode in ("file", "import"):
                    self.assertSays(self.refused(mode, type_, name, data=b"<x/>" if mode == "file" else None),
                                    "refused file name", "имя файла отклонено")
            self.assertSays(self.refused("import", type_, "never.xml"), "not uploaded", "не передан")
        self.assertEqual(os.listdir(self.folder), [], "nothing stored anywhere")

    def test_dtds_and_entities_are_refused(self):
        """A billion laughs and an external entity, as 1C's orders (imported at once) and as a catalog
        (at its import): refused, nothing of /etc/passwd read, the log saying why; the bytes stay
        stored (the log's evidence), and nothing applied."""
        for name, data in (("bomb.xml", BOMB), ("external.xml", EXTERNAL)):
            self.assertIn("DTD", self.refused("file", "sale", name, data))
            self.assertEqual(self.call("file", data=data, cookie=self.cookie, filename=f"c-{name}"), ["success"])
            self.assertIn("DTD", self.refused("import", "catalog", f"c-{name}"))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "failed")
        self.assertNotIn("root:", exchange.messages)
        self.assertEqual(sorted(exchange.file_ids.mapped("name")),
                         ["bomb.xml", "c-bomb.xml", "c-external.xml", "external.xml"])

    def test_windows_1251_declared_or_not(self):
        """1C writes windows-1251 and says so: imported. The same bytes declaring no encoding (or UTF-8),
        or an encoding nobody knows: refused with the parser's reason on one line (its message has two),
        nothing applied, and the same document sent again declared right is imported."""
        self.assertEqual(self.call("file", type_="sale", data=document("hostile-1", "windows-1251"),
                                   cookie=self.cookie, filename="orders-1251.xml")[0], "success")
        self.assertTrue(self.orders("hostile-1"), "imported")
        undeclared = document("hostile-2", declared=False)
        for data in (undeclared, undeclared.replace(b"<\xca", b'<?xml version="1.0" encoding="UTF-8"?><\xca', 1),
                     document("hostile-2", "x-unknown-42")):
            self.assertSays(self.refused("file", "sale", "orders.xml", data), "malformed XML", "ошибка в XML")
        self.assertFalse(self.orders("hostile-2"))
        self.assertEqual(self.call("file", type_="sale", data=document("hostile-2", "windows-1251"),
                                   cookie=self.cookie, filename="orders.xml")[0], "success", "sent again, right")
        self.assertTrue(self.orders("hostile-2"))

    def test_a_zip_bomb_of_orders_unpacks_nothing(self):
        """1C's orders zipped (imported at mode=file): an archive unpacking past the largest exchange is
        refused as it unpacks, nothing of it left on disk nor applied."""
        archive = make_zip({"orders.xml": document("hostile-3") + b" " * 5_000_000})
        self.assertLess(len(archive), 100_000)
        with patch.object(ExchangeController, "_exchange_limit", lambda controller, env: 2_000_000):
            reason = self.refused("file", "sale", "orders.zip", archive)
        self.assertSays(reason, "unpacks to more than", "распаковывается в большее")
        self.assertEqual(os.listdir(self.folder), ["orders.zip"])
        self.assertFalse(self.orders("hostile-3"))

    def test_a_corrupt_archive_of_documents_fails_alone(self):
        """1C's documents zipped (type=sale, imported at mode=file): a corrupt archive, or one holding a broken
        XML, is refused with its own reason, and the log names it; the documents 1C sends after it in the same
        exchange, zipped or not, are imported, and the orders query still answers. The corrupt archive stays in
        the upload area: a later document's import that unpacked every archive of the area would be refused with
        its reason."""
        corrupt = make_zip({"first.xml": document("hostile-5")})[:-30]
        reason = self.refused("file", "sale", "corrupt.zip", corrupt)
        self.assertTrue(reason.startswith("corrupt.zip: "), reason)
        self.assertSays(reason, "corrupt zip archive", "zip-архив повреждён")
        broken_xml = make_zip({"broken.xml": document("hostile-6")[:-40]})
        reason = self.refused("file", "sale", "broken-xml.zip", broken_xml)
        self.assertTrue(reason.startswith("broken-xml.zip: broken.xml: "), reason)  # the archive, then its file
        self.assertSays(reason, "malformed XML", "ошибка в XML")
        self.assertSays(reason, "nothing of the archive was applied", "ничего из архива не применено")
        self.assertFalse(self.orders("hostile-5") or self.orders("hostile-6"), "nothing of them applied")
        # the next documents of the exchange: one alone, one zipped
        self.assertEqual(self.call("file", type_="sale", data=document("hostile-7"), cookie=self.cookie,
                                   filename="orders.xml"), ["success", "created=1 updated=0 archived=0"])
        zipped = make_zip({"more.xml": document("hostile-8")})
        self.assertEqual(self.call("file", type_="sale", data=zipped, cookie=self.cookie, filename="more.zip"),
                         ["success", "created=1 updated=0 archived=0"])
        self.assertEqual(len(self.orders("hostile-7")), 1)
        self.assertEqual(len(self.orders("hostile-8")), 1)
        # 1C asking for the import of the good ones finds them imported; of the corrupt one, hears why again
        self.assertEqual(self.call("import", type_="sale", cookie=self.cookie, filename="orders.xml")[0], "success")
        self.assertSays(self.refused("import", "sale", "corrupt.zip"), "corrupt zip archive", "zip-архив повреждён")
        response = self.url_open("/1c_exchange?type=sale&mode=query",
                                 headers={"Cookie": f"{self.cookie[0]}={self.cookie[1]}"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("application/xml"), response.text[:300])
        self.assertEqual(etree.fromstring(response.content).tag, "КоммерческаяИнформация")
        exchange = self.env["ecom.1c.session"]._find(self.cookie[1]).exchange_id
        self.assertSays(exchange.messages, "corrupt.zip: corrupt zip archive", "corrupt.zip: zip-архив повреждён")
        self.assertSays(exchange.messages, "broken.xml: malformed XML", "broken.xml: ошибка в XML")
        states = {f.name: f.state for f in exchange.file_ids}
        self.assertEqual((states["corrupt.zip"], states["broken-xml.zip"], states["broken.xml"], states["orders.xml"],
                          states["more.xml"]), ("failed", "failed", "failed", "done", "done"), states)

    def test_an_archive_in_a_folder_is_refused_not_taken_for_imported(self):
        """Archives are unpacked at the upload area's root alone: one 1C names under a folder, its documents
        (type=sale, at mode=file) or asked for at mode=import (type=catalog), is refused and the log says why,
        rather than answered «success» with nothing of it unpacked nor imported."""
        zipped = make_zip({"inner.xml": document("hostile-9")})
        reason = self.refused("file", "sale", "sub/docs.zip", zipped)
        self.assertTrue(reason.startswith("sub/docs.zip: "), reason)
        self.assertSays(reason, "a zip archive in a folder is not unpacked", "zip-архив в папке не распаковывается")
        self.assertFalse(self.orders("hostile-9"))
        exchange = self.env["ecom.1c.session"]._find(self.cookie[1]).exchange_id
        self.assertSays(exchange.messages, "sub/docs.zip: a zip archive in a folder", "sub/docs.zip: zip-архив в папке")
        cookie = self.login()
        self.call("init", cookie=cookie)
        self.assertEqual(self.call("file", data=zipped, cookie=cookie, filename="sub/offers.zip"), ["success"])
        reason = self.refused("import", "catalog", "sub/offers.zip", cookie=cookie)
        self.assertSays(reason, "a zip archive in a folder is not unpacked", "zip-архив в папке не распаковывается")

    def test_an_error_of_several_lines_is_answered_on_one(self):
        """An error whose message holds line breaks (PostgreSQL's, a parser's): 1C reads the answer's second
        line as the reason, the whole of it."""
        self.assertEqual(self.call("file", data=document("hostile-4"), cookie=self.cookie, filename="c.xml"),
                         ["success"])
        with patch.object(Ecom1cExchange, "_import_file", side_effect=ValueError("first line\nDETAIL:  second")):
            self.assertEqual(self.refused("import", "catalog", "c.xml"), "ValueError: first line DETAIL: second")

    def test_a_failure_before_any_init_of_a_companys_own_1c_is_that_companys(self):
        """A company's own 1C (its login) fails before any init: the exchange the log makes for the failure is
        that company's (its users see it; the main company's do not), as those its inits begin."""
        second = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.user.company_ids |= second
        self.env["res.config.settings"].with_company(second).create({
            "ecom_1c_company_login": "1c-second", "ecom_1c_company_password": "pw-second"}).execute()
        lines = self.call("checkauth", auth=("1c-second", "pw-second"))
        self.assertEqual(lines[0], "success", lines)
        cookie = (lines[1], lines[2])
        with patch.object(ExchangeController, "_mode_query", side_effect=ValueError("the export broke")):
            self.assertEqual(self.refused("query", "sale", cookie=cookie), "ValueError: the export broke")
        exchange = self.env["ecom.1c.session"]._find(cookie[1]).exchange_id
        self.assertEqual((exchange.state, exchange.company_id), ("failed", second))
        self.assertIn("the export broke", exchange.messages)
        manager = new_test_user(self.env, login="1c_second_manager", groups="ecom_crm_1c.group_exchange_manager",
                                company_id=second.id, company_ids=[second.id])
        self.assertEqual(self.env["ecom.1c.exchange"].with_user(manager).search([("id", "=", exchange.id)]),
                         exchange.with_user(manager), "seen by the company's users")

    def test_an_archive_member_replacing_an_imported_file_is_imported_anew(self):
        """Two archives of one exchange hold a file of the same name: the second's replaces the first's,
        imported already. It is imported (it was answered «success» with the first one's counts, and
        its products never made); the log keeps the first import under a name of its own."""
        self.call("init", cookie=self.cookie)
        first = make_zip({"import.xml": read("handmade", "characteristics-import.xml")})
        self.assertEqual(self.call("file", data=first, cookie=self.cookie, filename="a.zip"), ["success"])
        self.assertEqual(self.import_until_done(self.cookie, "import.xml")[1],
                         ["success", "created=5 updated=0 archived=0"])
        self.assertEqual(self.call("file", data=make_zip({"import.xml": big_catalog(2)}), cookie=self.cookie,
                                   filename="b.zip"), ["success"])
        self.assertEqual(self.import_until_done(self.cookie, "import.xml")[1],
                         ["success", "created=3 updated=0 archived=0"], "its group and two products")
        products = self.env["product.product"].search([("ecom_1c_id", "in", [big_catalog_id(0), big_catalog_id(1)])])
        self.assertEqual(len(products), 2, "the second archive's catalog imported")
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        names = exchange.file_ids.filtered(lambda f: f.kind == "catalog").mapped("name")
        self.assertEqual(names[1:], ["import.xml"], "the second, imported under its name")
        # the first under a name of its own, saying what replaced it: no file was sent again (it said «sent again»)
        self.assertIn(names[0], ("import.xml (replaced by b.zip)", "import.xml (заменён файлом из архива b.zip)"))
        self.assertSays(exchange.messages, "import.xml of the archive b.zip replaced",
                        "import.xml из архива b.zip заменил")
        # what the exchange holds counts once: the first import.xml's bytes are gone (they counted still)
        session = self.env["ecom.1c.session"]._find(self.cookie[1])
        session.invalidate_recordset(["upload_size"])
        self.assertEqual(session.upload_size, sum(os.path.getsize(os.path.join(self.folder, name))
                                                  for name in ("a.zip", "b.zip", "import.xml")))

    def test_a_refusal_is_answered_in_the_stores_language(self):
        """A file or an archive refused at its import: 1C hears why in the store's language, as its other
        answers (1C shows it to the accountant), not in English; the exchange log has it as it writes its
        lines. No Accept-Language: the store's language is its company's (Russian here)."""
        self.call("init", cookie=self.cookie)
        self.assertEqual(self.call("file", data=BOMB, cookie=self.cookie, filename="c.xml"), ["success"])
        lines = self.call("import", cookie=self.cookie, filename="c.xml")
        self.assertEqual(lines, ["failure", "c.xml: DTD в файле обмена недопустим"])
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "failed")
        self.assertEqual(exchange.messages, "Файл c.xml: DTD в файле обмена недопустим", "the log's line, as it was")
        damaged = make_zip({"import.xml": b"<x/>"})[:-30]
        self.assertEqual(self.call("file", data=damaged, cookie=self.cookie, filename="exchange.zip"), ["success"])
        lines = self.call("import", cookie=self.cookie, filename="import.xml")
        self.assertEqual(lines[0], "failure", lines)
        self.assertTrue(lines[1].startswith("exchange.zip: zip-архив повреждён"), lines)
        self.assertEqual(exchange.messages.splitlines()[-1], f"Файл {lines[1]}", "the log's line, as it was")

    def test_answers_are_in_the_stores_language_whatever_the_request_says(self):
        """1C sends no Accept-Language: Odoo takes English then when the database has it. The exchange answers
        in the store's language (its company's), as the exchange log writes: a refusal, a wrong password and
        a busy answer alike; a request naming another language hears the store's too."""
        self.env["res.lang"]._activate_lang("en_US")  # both languages, as most databases hold them
        self.env.company.partner_id.lang = "ru_RU"
        for headers in ({}, {"Accept-Language": "en-US,en;q=0.9"}):
            lines = self.call("checkauth", auth=("exchange", "wrong"), headers=headers)
            self.assertEqual(lines, ["failure", "неверный логин или пароль обмена"], headers)
            lines = self.call("import", type_="catalog", cookie=self.cookie, filename="never.xml", headers=headers)
            self.assertEqual(lines, ["failure", "never.xml: не передан в этом сеансе"], headers)
        self.assertEqual(self.call("file", data=BOMB, cookie=self.cookie, filename="c.xml"), ["success"])
        self.assertEqual(self.call("import", type_="catalog", cookie=self.cookie, filename="c.xml"),
                         ["failure", "c.xml: DTD в файле обмена недопустим"])
        self.env.company.partner_id.lang = "en_US"  # an English store hears English
        self.assertEqual(self.call("checkauth", auth=("exchange", "wrong"), headers={"Accept-Language": "ru-RU"}),
                         ["failure", "wrong exchange login or password"])
