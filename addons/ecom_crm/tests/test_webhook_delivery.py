"""Status webhooks to the shop, end to end against a shop's endpoint served in the test on
127.0.0.1 (a thread running http.server): what is queued when, what the shop receives, the
signature it can check, retries, and the order of a record's events."""

import datetime as dt
import gc
import hashlib
import hmac
import ipaddress
import json
import os
import select
import socket
import ssl
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests import common as test_common

from ..tools import webhook
from .common import EcomCrmCase, IntakeCase


class Receiver:
    """A shop's webhook endpoint: records each POST (headers, body) and answers with the codes
    of ``codes`` in turn, then 200."""

    def __init__(self, tls=None):
        self.received = []
        self.paths = []  # the request's target as sent (a proxy gets the absolute URL)
        self.codes = []
        self.delay = 0  # seconds to wait before answering
        self.endless = False  # answer 500 with a body that never ends (for 30 s at most)
        self.drip = False  # answer 500 with a long body, a byte every 0.2 s (for 30 s at most)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.paths.append(self.path)
                code = receiver.codes.pop(0) if receiver.codes else 200
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.endless:
                    self._endless()
                    return
                if receiver.drip:
                    self._drip()
                    return
                answer = b'{"ok": true}' if code < 300 else b'{"error": "shop is down"}'
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a timeout test)

            def _endless(self):
                try:
                    self.send_response(500)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b"x" * 8192
                    stop = time.monotonic() + 30
                    while time.monotonic() < stop:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        time.sleep(0.01)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped reading

            def _drip(self):
                try:
                    self.send_response(500)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    stop = time.monotonic() + 30
                    while time.monotonic() < stop:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.2)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped reading

            def log_message(self, *args):
                pass

        self.server = (TlsHTTPServer if tls else ThreadingHTTPServer)(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.tls = tls
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self):
        return f"{self.base}/ecom-crm/webhook"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def payloads(self):
        return [json.loads(body) for _headers, body in self.received]


class LocalServer:
    """A server of the test's on a free port of 127.0.0.1, taking its connections (``_serve``) in a
    thread of its own until ``stopped``."""

    def _listen(self, backlog, timeout=None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        if timeout:
            self.sock.settimeout(timeout)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.sock.getsockname()[1]


class SlowShop(LocalServer):
    """A shop's (or a proxy's) server on a raw socket that, once it has read the request, sends its
    status line and headers a byte every ``pace`` seconds (for ``seconds`` at most, then it hangs
    up). ``answer``: what it sends instead, all at once after ``delay`` seconds with no ``pace``;
    ``hold``: then it keeps the connection open, silent, until the other side hangs up (a proxy
    that took a CONNECT and whose shop never starts the TLS handshake)."""

    ANSWER = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"x" * 40) for i in range(20)) + \
        b"Content-Length: 2\r\n\r\nok"

    def __init__(self, pace=0.3, seconds=12, answer=None, delay=0, hold=False):
        self.pace, self.seconds, self.requests = pace, seconds, 0
        self.answer, self.delay, self.hold = answer or self.ANSWER, delay, hold
        self._listen(4, timeout=0.2)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/ecom-crm/webhook"

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _address = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    self.requests += 1
                    stop = time.monotonic() + self.seconds
                    time.sleep(self.delay)
                    for piece in ([self.answer] if not self.pace else
                                  (bytes([byte]) for byte in self.answer)):
                        if self.stopped.is_set() or time.monotonic() > stop:
                            break
                        conn.sendall(piece)
                        time.sleep(self.pace)
                    while self.hold and not self.stopped.is_set() and time.monotonic() < stop:
                        if not conn.recv(4096):
                            break
                except OSError:
                    pass  # the sender hung up

    def stop(self):
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


class TlsHTTPServer(ThreadingHTTPServer):
    """An https server: each connection's TLS handshake (with ``tls``, a server's context) in the
    thread that serves it, so that a client that never finishes it holds no one else."""

    tls = None

    def finish_request(self, request, client_address):
        request.settimeout(5)
        try:
            request = self.tls.wrap_socket(request, server_side=True)
        except OSError:
            return  # the client did not trust us, or gave up
        super().finish_request(request, client_address)


class Certificates:
    """A certificate authority of the test's own (``ca``: the file a client trusts) and a server's
    context (``context()``) with a certificate it signed for ``shop.example.test`` and 127.0.0.1
    (the shop's made-up host, and a proxy's address)."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()
        now = dt.datetime.now(dt.UTC)
        ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecom_crm test CA")])

        def certificate(subject, public_key):
            return x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(
                public_key).serial_number(x509.random_serial_number()).not_valid_before(
                now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))

        ca = certificate(ca_name, ca_key.public_key()).add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256())
        cert = certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop.example.test")]),
                           key.public_key()).add_extension(x509.SubjectAlternativeName([
                               x509.DNSName("shop.example.test"),
                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False).sign(
            ca_key, hashes.SHA256())
        self.ca, self.cert, self.key = (os.path.join(self.dir.name, name) for name in ("ca.pem", "cert.pem", "key.pem"))
        for path, data in ((self.ca, ca.public_bytes(serialization.Encoding.PEM)),
                           (self.cert, cert.public_bytes(serialization.Encoding.PEM)),
                           (self.key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))):
            with open(path, "wb") as file:
                file.write(data)

    def context(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def close(self):
        self.dir.cleanup()


class ConnectProxy(LocalServer):
    """An administrator's proxy taking CONNECT (on TLS of its own with ``tls``, an https:// proxy)
    and tunnelling each connection to ``target`` (host, port), whatever host it names (the proxy
    resolves the shop's host: here it is the test's). ``answer``: its answer to CONNECT, a byte
    every ``pace`` seconds when given; anything but a 200 and it hangs up. ``requests``: the
    request lines it got."""

    ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"

    def __init__(self, target, tls=None, answer=ESTABLISHED, pace=0):
        self.target, self.tls, self.answer, self.pace = target, tls, answer, pace
        self.requests, self.threads = [], []
        self._listen(8)

    @property
    def url(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _serve(self):
        while not self.stopped.is_set():
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._tunnel, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _tunnel(self, conn):
        upstream = None
        try:
            conn.settimeout(10)
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            self.requests.append(data.split(b"\r\n", 1)[0].decode())
            if not self.answer.startswith(b"HTTP/1.1 200"):
                conn.sendall(self.answer)
                return
            upstream = socket.create_connection(self.target, timeout=10)
            for piece in ((bytes([byte]) for byte in self.answer) if self.pace else [self.answer]):
                conn.sendall(piece)
                time.sleep(self.pace)
            stop = time.monotonic() + 10
            while not self.stopped.is_set() and time.monotonic() < stop:
                ready = [conn] if getattr(conn, "pending", lambda: 0)() else \
                    select.select([conn, upstream], [], [], 0.2)[0]
                for side in ready:
                    data = side.recv(65536)
                    if not data:
                        return
                    (upstream if side is conn else conn).sendall(data)
        except OSError:
            pass  # the sender hung up, or did not trust the proxy
        finally:
            conn.close()
            if upstream is not None:
                upstream.close()

    def settle(self):
        """Wait for the connections it took to be over (their sockets closed)."""
        for thread in self.threads:
            thread.join(10)

    def stop(self):
        self.stopped.set()
        self.sock.close()
        self.thread.join(5)
        self.settle()


def closed_port():
    """A port of 127.0.0.1 nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SlowResolver:
    """``socket.getaddrinfo`` for the tests' made-up hosts: a name ending in ``.slow-dns.test`` is
    answered only when released (a DNS server that does not answer; 30 s at most), one of ``answers``
    with its addresses; any other as the system answers it."""

    def __init__(self, answers=None):
        self.real, self.answers = socket.getaddrinfo, answers or {}
        self.released, self.asked = threading.Event(), []

    def __call__(self, host, port, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host.endswith(".slow-dns.test"):
            self.asked.append(host)
            self.released.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if host in self.answers:
            self.asked.append(host)
            return [info for address in self.answers[host] for info in self.real(address, port, *args, **kwargs)]
        return self.real(host, port, *args, **kwargs)

    def release(self):
        self.released.set()


class Unanswering:
    """A port of 127.0.0.1 that takes no connection: its backlog is full, a connection to it waits
    (as to an address dropping the packets) until its timeout."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.fillers = []
        for _i in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(self.sock.getsockname())
            self.fillers.append(filler)
        time.sleep(0.1)

    @property
    def port(self):
        return self.sock.getsockname()[1]

    def close(self):
        for sock in (*self.fillers, self.sock):
            sock.close()


class WebhookCase(EcomCrmCase):
    """An API source whose shop listens on 127.0.0.1, and the helpers of its tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.stop)
        # the test's shop listens on 127.0.0.1, an address an administrator must allow
        cls.env["ir.config_parameter"].sudo().set_param("ecom_crm.webhook_private_targets", "1")
        cls.Delivery = cls.env["ecom.webhook.delivery"]
        cls.source = cls.env["ecom.intake.source"].create({"name": "Сайт магазина", "webhook_url": cls.receiver.url})
        action = cls.source.with_user(cls.sales_manager).action_generate_webhook_secret()
        cls.secret = action["context"]["default_secret"]
        cls.customer = cls.Partner.create({"name": "Мария Покупателева", "phone": "+79161234567"})

    def setUp(self):
        super().setUp()
        self.receiver.received.clear()
        self.receiver.paths.clear()
        self.receiver.codes.clear()
        self.receiver.delay = 0
        self.receiver.endless = False
        self.receiver.drip = False

    def _api_lead(self, key="shop-order-1001", source=None, channel="api"):
        """A lead made from a request the shop sent through ``source`` with its id ``key``."""
        lead = self._lead(partner_id=self.customer.id)
        self.env["ecom.intake.request"].create({
            "channel": channel, "source_id": (source or self.source).id if channel != "email" else False,
            "lead_id": lead.id, "idempotency_key": key, "phone": "+79161234567", "state": "done"})
        return lead

    def _deliveries(self, **where):
        return self.Delivery.search([(name, "=", value) for name, value in where.items()], order="id")

    def _send(self):
        return self.Delivery._cron_send(commit=False)

    def _make_due(self, deliveries):
        deliveries.write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookDelivery(WebhookCase):
    def test_secret_shown_once_and_kept_from_managers(self):
        wizard = Form(self.env["ecom.webhook.secret.wizard"].with_context(
            default_source_id=self.source.id, default_secret=self.secret))
        self.assertEqual(wizard.secret, self.secret)
        self.assertTrue(self.secret.startswith("whsec_"))
        as_manager = self.source.with_user(self.sales_manager)
        self.assertTrue(as_manager.webhook_secret_set)
        with self.assertRaises(AccessError):
            as_manager.read(["webhook_secret"])
        # a new secret replaces the old one at once
        new = as_manager.action_generate_webhook_secret()["context"]["default_secret"]
        self.assertNotEqual(new, self.secret)
        self.assertEqual(self.source.sudo().webhook_secret, new)
        self.source.sudo().webhook_secret = self.secret
        with self.assertRaises(UserError):  # a salesperson has no say on API sources
            self.source.with_user(self.salesman).action_generate_webhook_secret()

    def test_the_secret_shown_is_for_the_manager_who_generated_it(self):
        """The dialog showing a new secret is a record: another sales manager cannot read it back
        (and learn the secret without changing it)."""
        other_manager = self.sales_manager.copy({"login": "ecom_manager_2", "name": "Пётр Второй"})
        action = self.source.with_user(self.sales_manager).action_generate_webhook_secret()
        dialog = self.env[action["res_model"]].with_user(self.sales_manager).with_context(
            **action["context"]).create({})
        self.assertEqual(dialog.secret, self.source.sudo().webhook_secret)
        Dialog = self.env["ecom.webhook.secret.wizard"].with_user(other_manager)
        self.assertFalse(Dialog.search_read([], ["secret"]))
        with self.assertRaises(AccessError):
            Dialog.browse(dialog.id).read(["secret"])
        self.source.sudo().webhook_secret = self.secret
        # the same for a new API key (stored only hashed on the source)
        action = self.source.with_user(self.sales_manager).action_generate_key()
        dialog = self.env[action["res_model"]].with_user(self.sales_manager).with_context(
            **action["context"]).create({})
        self.assertTrue(dialog.key)
        self.assertFalse(self.env["ecom.intake.key.wizard"].with_user(other_manager).search_read([], ["key"]))

    def test_stage_change_queued_then_sent_signed(self):
        lead = self._api_lead()
        lead.with_user(self.salesman).stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self.assertEqual(len(delivery), 1)
        self.assertEqual((delivery.event, delivery.state, delivery.res_model, delivery.res_id),
                         ("request.stage", "pending", "crm.lead", lead.id))
        self.assertFalse(self.receiver.received, "nothing is sent in the user's transaction")
        cron = self.env.ref("ecom_crm.ir_cron_send_webhooks")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the sender is woken")

        self.assertEqual(self._send(), 1)
        self.assertEqual(len(self.receiver.received), 1)
        headers, body = self.receiver.received[0]
        # the shop checks the signature with nothing but the secret, the timestamp and the raw body
        expected = hmac.new(self.secret.encode(), headers["x-ecom-timestamp"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        self.assertEqual(headers["x-ecom-signature"], "sha256=" + expected)
        self.assertTrue(webhook.verify(self.secret, headers["x-ecom-timestamp"], body, headers["x-ecom-signature"],
                                       now=int(headers["x-ecom-timestamp"])))
        self.assertEqual(headers["x-ecom-delivery"], delivery.uuid)
        self.assertEqual(headers["x-ecom-event"], "request.stage")
        payload = json.loads(body)
        self.assertEqual(payload["id"], delivery.uuid)
        self.assertEqual(payload["event"], "request.stage")
        self.assertEqual(payload["status"], "open")
        self.assertEqual(payload["request"]["id"], lead.id)
        self.assertEqual(payload["request"]["external_id"], "shop-order-1001")
        self.assertEqual(payload["stage"]["id"], self.stage_contact.id)
        self.assertEqual(payload["previous_stage"]["id"], self.stage_new.id)
        self.assertTrue(payload["occurred_at"].endswith("Z"))
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("done", 1, 200))
        self.assertEqual(self._send(), 0, "nothing left to send")

    def test_lost_request_with_its_reason(self):
        lead = self._api_lead()
        lead.with_user(self.salesman).write({"lost_reason_id": self.reason_expensive.id, "active": False})
        delivery = self._deliveries(lead_id=lead.id)
        self.assertEqual(delivery.event, "request.lost")
        self.assertEqual(delivery.payload["status"], "lost")
        self.assertEqual(delivery.payload["reason"]["id"], self.reason_expensive.id)

    def test_retry_after_500_then_success(self):
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self.receiver.codes = [500]
        before = fields.Datetime.now()
        self.assertEqual(self._send(), 1)
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("pending", 1, 500))
        self.assertIn("HTTP 500", delivery.last_error)
        self.assertIn("shop is down", delivery.last_error)
        self.assertGreaterEqual(delivery.next_attempt, before + webhook.retry_delay(1))
        self.assertEqual(self._send(), 0, "not due before its backoff")
        self.assertEqual(len(self.receiver.received), 1)

        self._make_due(delivery)
        self.assertEqual(self._send(), 1)
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("done", 2, 200))
        self.assertFalse(delivery.last_error)
        (first_headers, first_body), (second_headers, second_body) = self.receiver.received
        self.assertEqual(first_body, second_body, "the same body on every attempt")
        self.assertEqual(first_headers["x-ecom-delivery"], second_headers["x-ecom-delivery"])

    def test_network_error_is_retried_then_failed_at_the_cap(self):
        lead = self._api_lead()
        self.source.webhook_url = f"http://127.0.0.1:{closed_port()}/webhook"
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self._send()
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("pending", 1, 0))
        self.assertIn("ConnectionError", delivery.last_error)
        # the last allowed attempt fails too: failed, waiting for a person
        delivery.write({"attempts": webhook.MAX_ATTEMPTS - 1})
        self._make_due(delivery)
        self._send()
        self.assertEqual((delivery.state, delivery.attempts), ("failed", webhook.MAX_ATTEMPTS))
        self.assertFalse(delivery.next_attempt)
        # «Retry now» once the shop is back
        self.source.webhook_url = self.receiver.url
        with self.assertRaises(UserError):
            delivery.with_user(self.salesman).action_retry()
        delivery.with_user(self.sales_manager).action_retry()
        self.assertEqual((delivery.state, delivery.attempts), ("pending", 0))
        self._send()
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("done", 1, 200))

    def test_timeout_is_retried(self):
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self.receiver.delay = webhook.TIMEOUT + 0.5  # the shop answers too late
        self._send()
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("pending", 1, 0))
        self.assertIn("Timeout", delivery.last_error)

    def test_a_shop_dripping_its_status_line_is_given_up_at_the_deadline(self):
        """A shop sending its status line and headers a byte every 0.3 s: each read gets its byte
        well within the read timeout, yet the attempt as a whole (connection, headers, body) ends
        at its deadline, not when the last header has dripped in."""
        shop = SlowShop(pace=0.3)
        self.addCleanup(shop.stop)
        self.source.webhook_url = shop.url
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        started = time.monotonic()
        with patch.object(webhook, "TIMEOUT", 2):
            self._send()
        self.assertLess(time.monotonic() - started, 4, "the attempt stops at its deadline")
        self.assertEqual(shop.requests, 1)
        self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("pending", 1, 0))
        self.assertIn("timed out", delivery.last_error)
        self.assertTrue(delivery.last_error.startswith("No answer within 2 seconds (from the shop or its proxy)"),
                        delivery.last_error)

    def test_an_unexpected_failure_of_one_attempt_does_not_stop_the_others(self):
        """An error of the network stack that is no ``requests`` error (ssl's, a library's own) fails
        its attempt, with the reason in the log, and the run goes on with the other deliveries."""
        first, second = self._api_lead("shop-order-2001"), self._api_lead("shop-order-2002")
        first.stage_id = second.stage_id = self.stage_contact
        real_post, calls = webhook.post, []

        def post(url, *args, **kwargs):
            calls.append(url)
            if len(calls) == 1:
                raise ValueError("check_hostname requires server_hostname")
            return real_post(url, *args, **kwargs)

        with patch.object(webhook, "post", post), self.assertLogs(
                "odoo.addons.ecom_crm.models.ecom_webhook_delivery", "ERROR"):
            self._send()
        failed, sent = self._deliveries(lead_id=first.id), self._deliveries(lead_id=second.id)
        self.assertEqual(len(calls), 2)
        self.assertEqual((failed.state, failed.attempts, failed.response_code), ("pending", 1, 0))
        self.assertEqual(failed.last_error,
                         "The attempt failed: ValueError: check_hostname requires server_hostname")
        self.assertGreater(failed.next_attempt, fields.Datetime.now(), "retried later")
        self.assertEqual(sent.state, "done")
        self.assertEqual(len(self.receiver.received), 1)

    def test_the_environment_s_proxy_is_not_used(self):
        """HTTP_PROXY / HTTPS_PROXY of the server's environment would make the proxy resolve and call
        the shop's host itself, past the private-address refusal: deliveries go direct."""
        proxy = Receiver()
        self.addCleanup(proxy.stop)
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        environ = dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                                 "all_proxy"), proxy.base)
        with patch.dict(os.environ, {**environ, "NO_PROXY": "", "no_proxy": ""}):
            self._send()
        self.assertFalse(proxy.received, "not through the environment's proxy")
        self.assertEqual(self.receiver.paths, ["/ecom-crm/webhook"])
        self.assertEqual((delivery.state, delivery.response_code), ("done", 200))

    def test_a_proxy_set_by_an_administrator(self):
        """A server that reaches the internet only through a proxy: an administrator names it
        (system parameter ecom_crm.webhook_proxy); a private address is still refused before the
        proxy is asked, and a proxy that is no http(s) URL is a clear error."""
        proxy = Receiver()
        self.addCleanup(proxy.stop)
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("ecom_crm.webhook_proxy", proxy.base)
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self._send()
        self.assertEqual(proxy.paths, [self.receiver.url], "the proxy is asked for the shop's URL")
        self.assertFalse(self.receiver.received)
        self.assertEqual(delivery.state, "done")
        # private addresses not allowed: refused here, the proxy is not asked
        ICP.set_param("ecom_crm.webhook_private_targets", False)
        lead.stage_id = self.stage_deciding
        second = self._deliveries(lead_id=lead.id) - delivery
        self._send()
        self.assertEqual((second.state, second.response_code), ("pending", 0))
        self.assertIn("private network", second.last_error)
        self.assertEqual(len(proxy.received), 1)
        ICP.set_param("ecom_crm.webhook_private_targets", "1")
        ICP.set_param("ecom_crm.webhook_proxy", "socks5://127.0.0.1:1080")
        self._make_due(second)
        self._send()
        self.assertEqual((second.state, second.response_code), ("pending", 0))
        self.assertIn("ecom_crm.webhook_proxy", second.last_error)
        self.assertEqual(len(proxy.received), 1)

    def test_a_delivery_being_sent_is_not_due_for_another_run(self):
        """Claimed (and committed) before the shop is called: a second run (a manual «Run» beside
        the scheduled one) does not send it again meanwhile."""
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        seen_by_another_run = []
        real_post = webhook.post

        def post(*args, **kwargs):
            seen_by_another_run.append(self.Delivery._due_ids())
            return real_post(*args, **kwargs)

        with patch.object(webhook, "post", post):
            self.assertEqual(self._send(), 1)
        self.assertEqual(seen_by_another_run, [[]], "not due for anyone while the shop is being called")
        self.assertEqual((delivery.state, delivery.attempts), ("done", 1))
        self.assertEqual(len(self.receiver.received), 1)
        self.assertFalse(delivery._claim(), "a delivery sent is not claimed again")

    def test_retry_now_between_the_claim_and_the_call_leaves_it_to_the_next_run(self):
        """«Retry now» pressed after the sender's claim was committed but before it locked the
        delivery for the call: the sender sees its claim gone and does not call; the next run does."""
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self.assertTrue(delivery._claim())
        claimed_attempts = delivery.attempts
        delivery.with_user(self.sales_manager).action_retry()
        self.assertFalse(delivery._hold_claim(claimed_attempts), "reset since the claim: not this run's to send")
        self.assertFalse(self.receiver.received)
        self.assertEqual(self._send(), 1)
        self.assertEqual((delivery.state, delivery.attempts), ("done", 1))
        self.assertEqual(len(self.receiver.received), 1)

    def test_a_run_dying_during_the_call_leaves_the_delivery_waiting_for_its_retry(self):
        """A worker killed while the shop keeps it waiting (time limit, restart): its claim, committed
        before the call, counted the attempt and set the retry; the record's queue is not blocked."""
        lead, other = self._api_lead("shop-1"), self._api_lead("shop-2")
        lead.stage_id = self.stage_contact
        other.stage_id = self.stage_contact
        stuck, fine = self._deliveries(lead_id=lead.id), self._deliveries(lead_id=other.id)

        class WorkerKilled(BaseException):
            pass

        killed = False
        try:  # not assertRaises: Odoo's rolls its savepoint back, the claim was committed
            with patch.object(webhook, "post", side_effect=WorkerKilled):
                self._send()
        except WorkerKilled:
            killed = True
        self.assertTrue(killed)
        # what the claim committed before the call
        self.assertEqual((stuck.state, stuck.attempts), ("pending", 1))
        self.assertGreater(stuck.next_attempt, fields.Datetime.now(), "retried after its backoff, not at once")
        self.assertIn("did not finish", stuck.last_error)
        self.assertEqual(self._send(), 1, "the next run sends the others")
        self.assertEqual((stuck.state, fine.state), ("pending", "done"))
        self._make_due(stuck)
        self._send()
        self.assertEqual((stuck.state, stuck.attempts, stuck.last_error), ("done", 2, False))
        # interrupted at its last attempt: failed, not sent once more
        lead.stage_id = self.stage_deciding
        last = self._deliveries(lead_id=lead.id) - stuck
        last.write({"attempts": webhook.MAX_ATTEMPTS})
        self.assertEqual(self._send(), 1)
        self.assertEqual(last.state, "failed")
        self.assertEqual(len(self.receiver.received), 2)

    def test_an_endless_answer_is_read_only_in_part(self):
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        self.receiver.endless = True
        started = time.monotonic()
        self._send()
        self.assertLess(time.monotonic() - started, 5, "the sender stops reading")
        self.assertEqual((delivery.state, delivery.response_code), ("pending", 500))
        self.assertTrue(delivery.last_error.startswith("HTTP 500: xxx"))
        self.assertLessEqual(len(delivery.last_error), webhook.MAX_ERROR)

    def test_a_dripping_answer_is_read_for_a_while_only(self):
        """A shop sending its answer a byte at a time: the reading stops at its deadline, not when
        a whole block has come (hours at that pace)."""
        self.receiver.drip = True
        started = time.monotonic()
        with requests.post(self.receiver.url, data=b"{}", timeout=webhook.TIMEOUT, stream=True) as response:
            answer = webhook.read_answer(response, seconds=1)
        self.assertLess(time.monotonic() - started, 5)
        self.assertTrue(answer.startswith("x"), answer)

    def test_no_call_to_a_private_network_unless_allowed(self):
        """A sales manager's URL cannot make the server post to its own network (loopback, a cloud's
        metadata address, the LAN) and log what answers there, unless an administrator allows it."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm.webhook_private_targets", False)
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        for url in (self.receiver.url, "http://169.254.169.254/latest/meta-data/", "http://[::1]:8069/web",
                    "http://10.0.0.5/hook", "http://localhost:8069/web/database/list",
                    "http://[::ffff:127.0.0.1]/hook"):
            self.source.with_user(self.sales_manager).webhook_url = url
            self._make_due(delivery)
            self._send()
            self.assertEqual((delivery.state, delivery.response_code), ("pending", 0), url)
            self.assertIn("private network", delivery.last_error)
        self.assertFalse(self.receiver.received)
        self.assertIsNone(webhook.private_target("https://93.184.215.14/hook"), "a public address is called")
        # allowed by an administrator (a shop on the same network): sent
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm.webhook_private_targets", "1")
        self.source.webhook_url = self.receiver.url
        self._make_due(delivery)
        self._send()
        self.assertEqual(delivery.state, "done")

    def test_a_host_whose_address_changes_after_the_check_is_not_called(self):
        """DNS rebinding: a host (the manager's own DNS) answers a public address to the check and
        the server's loopback to the call; the address connected to is the one checked."""
        self.env["ir.config_parameter"].sudo().set_param("ecom_crm.webhook_private_targets", False)
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        port = self.receiver.server.server_address[1]
        self.source.with_user(self.sales_manager).webhook_url = f"http://shop.rebind.test:{port}/ecom-crm/webhook"
        real_getaddrinfo, answers = socket.getaddrinfo, []

        def getaddrinfo(host, *args, **kwargs):
            if host != "shop.rebind.test":
                return real_getaddrinfo(host, *args, **kwargs)
            answers.append("93.184.215.14" if not answers else "127.0.0.1")
            return real_getaddrinfo(answers[-1], *args, **kwargs)

        # the tests' guard against external requests lets this one through: the host is ours
        let_through = classmethod(lambda cls, session, request, **kw: test_common._super_send(session, request, **kw))
        with patch.object(socket, "getaddrinfo", getaddrinfo), \
                patch.object(type(self), "_request_handler", let_through):
            self._send()
        self.assertEqual(answers, ["93.184.215.14", "127.0.0.1"])
        self.assertFalse(self.receiver.received)
        self.assertEqual((delivery.state, delivery.response_code), ("pending", 0))
        self.assertIn("127.0.0.1, an address of a private network", delivery.last_error)

    def test_private_addresses_inside_ipv6_ones_and_a_parameter_set_off(self):
        """An IPv4 address carried in an IPv6 one (NAT64, 6to4, IPv4-compatible) is what it carries;
        the administrator's parameter set to «0» or «False» allows nothing."""
        for url in ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "http://[64:ff9b::a00:5]/hook",
                    "http://[2002:7f00:1::1]/hook", "http://[::a00:5]/hook"):
            self.assertTrue(webhook.private_target(url), url)
        for url in ("http://[64:ff9b::5db8:d70e]/hook", "http://[::ffff:93.184.215.14]/hook"):
            self.assertIsNone(webhook.private_target(url), url)
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        for value in ("0", "False", "false"):
            self.env["ir.config_parameter"].sudo().set_param("ecom_crm.webhook_private_targets", value)
            self._make_due(delivery)
            self._send()
            self.assertEqual((delivery.state, delivery.response_code), ("pending", 0), value)
            self.assertIn("private network", delivery.last_error)
        self.assertFalse(self.receiver.received)

    def _slow_resolver(self, answers=None):
        """A resolver for the tests' made-up hosts (released at the end), and the tests' guard
        against external requests letting them through (they are ours)."""
        resolver = SlowResolver(answers)
        self.addCleanup(resolver.release)
        self.patch(socket, "getaddrinfo", resolver)
        self.patch(type(self), "_request_handler", classmethod(
            lambda cls, session, request, **kw: test_common._super_send(session, request, **kw)))
        return resolver

    def test_a_dns_server_that_does_not_answer_ends_the_attempt_at_its_deadline(self):
        """``getaddrinfo`` may wait far longer than the attempt's 10 s: the lookup counts in them.
        The attempt ends at its deadline as a failed one, with the reason, retried later; whether
        private addresses are allowed (the call resolves), refused (the check resolves) or the
        deliveries go through a proxy (the proxy's host resolves)."""
        resolver = self._slow_resolver()
        ICP = self.env["ir.config_parameter"].sudo()
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        delivery = self._deliveries(lead_id=lead.id)
        port = self.receiver.server.server_address[1]
        cases = [
            ("1", None, f"http://shop.slow-dns.test:{port}/ecom-crm/webhook", "shop.slow-dns.test"),
            ("0", None, "https://shop.slow-dns.test/ecom-crm/webhook", "shop.slow-dns.test"),
            ("1", "http://proxy.slow-dns.test:3128", self.receiver.url, "proxy.slow-dns.test"),
        ]
        for allowed, proxy, url, host in cases:
            ICP.set_param("ecom_crm.webhook_private_targets", allowed)
            ICP.set_param("ecom_crm.webhook_proxy", proxy or False)
            self.source.webhook_url = url
            delivery.write({"state": "pending", "attempts": 0})
            self._make_due(delivery)
            started = time.monotonic()
            with patch.object(webhook, "TIMEOUT", 1):
                self._send()
            self.assertLess(time.monotonic() - started, 2.5, f"the attempt stops at its deadline: {url} {proxy}")
            self.assertIn(host, resolver.asked)
            self.assertEqual((delivery.state, delivery.attempts, delivery.response_code), ("pending", 1, 0))
            self.assertGreater(delivery.next_attempt, fields.Datetime.now(), "retried later")
            self.assertIn(f"The address of {host} was not found within 1 seconds", delivery.last_error)
        self.assertFalse(self.receiver.received)

    def test_the_addresses_of_a_host_share_the_attempt_s_deadline(self):
        """A host (or a proxy) with several addresses none of which takes the connection: they are
        tried in turn within the attempt's deadline, not each for the whole of it."""
        shop = Unanswering()
        self.addCleanup(shop.close)
        self._slow_resolver({"many.shop.test": ["127.0.0.1"] * 3, "many.proxy.test": ["127.0.0.1"] * 3})
        for proxy in (None, f"http://many.proxy.test:{shop.port}"):
            started = time.monotonic()
            with self.assertRaises(requests.RequestException) as caught:
                webhook.post(f"http://many.shop.test:{shop.port}/hook", b"{}", {}, public_only=False, proxy=proxy,
                             seconds=1)
            self.assertLess(time.monotonic() - started, 1.8, proxy)
            self.assertIn("timed out", str(caught.exception))


    def test_a_proxy_dripping_its_answer_to_connect_is_given_up_at_the_deadline(self):
        """Through a proxy, a shop's https URL is reached by a CONNECT: a proxy sending its answer a
        byte every 0.3 s, then one that answers at once but whose shop never starts the TLS
        handshake, then one answering late: the attempt ends at its deadline all the same."""
        cases = [
            ("dripping", SlowShop(pace=0.3)),
            ("silent after CONNECT", SlowShop(pace=0, answer=b"HTTP/1.1 200 Connection established\r\n\r\n",
                                             hold=True)),
            ("late, then silent", SlowShop(pace=0, delay=1.4, hold=True,
                                           answer=b"HTTP/1.1 200 Connection established\r\n\r\n")),
        ]
        self.patch(type(self), "_request_handler", classmethod(
            lambda cls, session, request, **kw: test_common._super_send(session, request, **kw)))
        for name, proxy in cases:
            self.addCleanup(proxy.stop)
            started = time.monotonic()
            with self.assertRaises(requests.RequestException, msg=name) as caught:
                webhook.post("https://shop.example.test/hook", b"{}", {}, public_only=False,
                             proxy=proxy.url.rsplit("/", 2)[0], seconds=2)
            self.assertLess(time.monotonic() - started, 2.8, name)
            self.assertEqual(proxy.requests, 1, name)
            self.assertIn("timed out", str(caught.exception), name)

    def test_an_address_that_takes_no_connection_leaves_time_for_the_next(self):
        """A host with two addresses, the first dropping connections (an IPv6 route that goes
        nowhere, say), the second the shop: the first is given its share of the attempt's time, not
        all of it, and the delivery reaches the shop through the second."""
        blackhole = Unanswering()
        self.addCleanup(blackhole.close)
        shop_port = self.receiver.server.server_address[1]
        self.patch(socket, "getaddrinfo", lambda host, port, *args, **kwargs: [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", blackhole.port)),
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", shop_port))])
        self.patch(type(self), "_request_handler", classmethod(
            lambda cls, session, request, **kw: test_common._super_send(session, request, **kw)))
        started = time.monotonic()
        code, _answer = webhook.post(f"http://two.shop.test:{shop_port}/ecom-crm/webhook", b"{}", {},
                                     public_only=False, seconds=2)
        self.assertEqual(code, 200)
        self.assertLess(time.monotonic() - started, 1.9)
        self.assertEqual(len(self.receiver.received), 1)

    def _tls_shop(self):
        """An https shop at ``shop.example.test`` (127.0.0.1) whose certificate is signed by a CA of
        the test's own, trusted as the system's CAs are (``requests``' bundle); the shop's ``url``."""
        certificates = Certificates()
        self.addCleanup(certificates.close)
        shop = Receiver(tls=certificates.context())
        self.addCleanup(shop.stop)
        self._slow_resolver({"shop.example.test": ["127.0.0.1"]})
        self.patch(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", certificates.ca)
        return certificates, shop, f"https://shop.example.test:{shop.server.server_address[1]}/ecom-crm/webhook"

    def test_an_https_shop_gets_its_delivery_direct_and_through_a_proxy(self):
        """A shop's https URL, its certificate checked: reached direct, through an http:// proxy
        (CONNECT, then TLS with the shop through the tunnel) and through an https:// proxy (TLS with
        the proxy, CONNECT, then TLS with the shop inside it); signed as the shop checks it."""
        certificates, shop, url = self._tls_shop()
        port = shop.server.server_address[1]
        self.source.webhook_url = url
        ICP = self.env["ir.config_parameter"].sudo()
        lead = self._api_lead()
        for tls in (None, False, certificates.context()):
            proxy = None
            if tls is not None:
                proxy = ConnectProxy(("127.0.0.1", port), tls=tls or None)
                self.addCleanup(proxy.stop)
            ICP.set_param("ecom_crm.webhook_proxy", proxy.url if proxy else False)
            shop.received.clear()
            lead.stage_id = self.stage_contact if lead.stage_id != self.stage_contact else self.stage_deciding
            delivery = self._deliveries(lead_id=lead.id, state="pending")
            self._send()
            how = proxy.url if proxy else "direct"
            self.assertEqual((delivery.state, delivery.response_code, delivery.last_error), ("done", 200, False), how)
            self.assertEqual(len(shop.received), 1, how)
            sent_headers, body = shop.received[0]
            self.assertTrue(webhook.verify(self.secret, sent_headers["x-ecom-timestamp"], body,
                                           sent_headers["x-ecom-signature"]), how)
            if proxy:
                # Python 3.11's http.client says HTTP/1.0, 3.12's HTTP/1.1
                self.assertEqual(len(proxy.requests), 1, how)
                self.assertRegex(proxy.requests[0], rf"^CONNECT shop\.example\.test:{port} HTTP/1\.[01]$", how)
        self.assertFalse(self.receiver.received)

    def test_an_https_shop_s_certificate_is_checked_through_a_proxy(self):
        """The tunnel changes nothing to the shop's certificate check: one the CA does not sign is
        refused (a proxy in the middle cannot pass itself off as the shop)."""
        _certificates, _shop, url = self._tls_shop()
        impostor = Receiver(tls=Certificates().context())
        self.addCleanup(impostor.stop)
        for tls in (None, Certificates().context()):
            proxy = ConnectProxy(("127.0.0.1", impostor.server.server_address[1]), tls=tls)
            self.addCleanup(proxy.stop)
            # the https:// proxy's own certificate is not trusted either: an SSLError with urllib3 1.26 (Python
            # 3.11), a ProxyError («Unable to connect to proxy») wrapping it with urllib3 2 (Python 3.12)
            with self.assertRaises(requests.exceptions.SSLError if not tls else requests.exceptions.ConnectionError,
                                   msg=proxy.url) as caught:
                webhook.post(url, b"{}", {}, public_only=False, proxy=proxy.url, seconds=2)
            self.assertIn("CERTIFICATE_VERIFY_FAILED", str(caught.exception))
        self.assertFalse(impostor.received)

    def test_a_tls_proxy_dripping_its_answer_to_connect_is_given_up_at_the_deadline(self):
        """An https:// proxy (TLS with the proxy, then CONNECT in it) sending its answer to CONNECT a
        byte every 0.1 s: the attempt ends at its deadline, as through an http:// one."""
        certificates, shop, url = self._tls_shop()
        answer = b"HTTP/1.1 200 Connection established\r\nX-Pad: " + b"x" * 40 + b"\r\n\r\n"
        for tls in (None, certificates.context()):
            proxy = ConnectProxy(("127.0.0.1", shop.server.server_address[1]), tls=tls, answer=answer, pace=0.1)
            self.addCleanup(proxy.stop)
            started = time.monotonic()
            with self.assertRaises(requests.RequestException, msg=proxy.url) as caught:
                webhook.post(url, b"{}", {}, public_only=False, proxy=proxy.url, seconds=1)
            self.assertLess(time.monotonic() - started, 1.8, proxy.url)
            self.assertIn("timed out", str(caught.exception), proxy.url)
            self.assertEqual(len(proxy.requests), 1, proxy.url)
        self.assertFalse(shop.received)

    def test_failed_attempts_through_a_proxy_leave_no_socket_open(self):
        """Every way an attempt through a proxy fails (CONNECT refused, the shop not trusted, the
        shop silent after CONNECT, an https:// proxy not trusted) closes its sockets then and there,
        not when the garbage collector comes by: a loop of them leaves the process's descriptors as
        they were."""
        certificates, shop, url = self._tls_shop()
        impostor = Receiver(tls=Certificates().context())
        self.addCleanup(impostor.stop)
        silent = socket.socket()  # takes the connection, never starts the TLS handshake
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        port, forbidden = shop.server.server_address[1], b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
        proxies = []
        for tls in (None, certificates.context()):
            proxies += [ConnectProxy(("127.0.0.1", port), tls=tls, answer=forbidden),
                        ConnectProxy(("127.0.0.1", impostor.server.server_address[1]), tls=tls),
                        ConnectProxy(("127.0.0.1", silent.getsockname()[1]), tls=tls)]
        proxies.append(ConnectProxy(("127.0.0.1", port), tls=Certificates().context()))
        for proxy in proxies:
            self.addCleanup(proxy.stop)

        def descriptors():
            for proxy in proxies:
                proxy.settle()
            return len(os.listdir("/proc/self/fd"))

        gc.collect()
        gc.disable()
        try:
            for proxy in proxies:
                before = descriptors()
                for _i in range(3):
                    with self.assertRaises(requests.RequestException, msg=proxy.url):
                        webhook.post(url, b"{}", {}, public_only=False, proxy=proxy.url, seconds=0.3)
                self.assertEqual(descriptors(), before, f"{proxy.url} {proxy.target} {proxy.answer}")
        finally:
            gc.enable()
        self.assertFalse(shop.received)

    def test_an_address_refusing_at_once_leaves_its_share_to_the_next(self):
        """A host's addresses: the first refusing the connection at once, the second dropping it, the
        third the shop: the second is given half the attempt's time (the time left shared by the two
        left), not a third, and the shop, last, what remains."""
        blackhole = Unanswering()
        self.addCleanup(blackhole.close)
        shop_port = self.receiver.server.server_address[1]
        ports = [closed_port(), blackhole.port, shop_port]
        self.patch(socket, "getaddrinfo", lambda host, port, *args, **kwargs: [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", each)) for each in ports])
        self.patch(type(self), "_request_handler", classmethod(
            lambda cls, session, request, **kw: test_common._super_send(session, request, **kw)))
        given = []
        real_connect = socket.socket.connect

        def connect(sock, address):
            given.append((address[1], sock.gettimeout()))
            return real_connect(sock, address)

        with patch.object(socket.socket, "connect", connect):
            code, _answer = webhook.post(f"http://three.shop.test:{shop_port}/ecom-crm/webhook", b"{}", {},
                                         public_only=False, seconds=2)
        self.assertEqual(code, 200)
        self.assertEqual([port for port, _timeout in given], ports)
        self.assertAlmostEqual(given[0][1], 2 / 3, delta=0.1)
        self.assertAlmostEqual(given[1][1], 1, delta=0.1, msg="half of what the refusing address left")
        self.assertAlmostEqual(given[2][1], 1, delta=0.15, msg="the last has all that remains")

    def test_each_source_of_a_request_gets_its_own_ids(self):
        other = self.env["ecom.intake.source"].create({"name": "Приложение", "webhook_url": self.receiver.url})
        other.sudo().webhook_secret = webhook.new_secret()
        lead = self._api_lead("site-77")
        self.env["ecom.intake.request"].create({"channel": "api", "source_id": other.id, "lead_id": lead.id,
                                                "idempotency_key": "app-5", "state": "done"})
        lead.stage_id = self.stage_contact
        deliveries = self._deliveries(lead_id=lead.id)
        self.assertEqual({(d.source_id, d.payload["request"]["external_id"]) for d in deliveries},
                         {(self.source, "site-77"), (other, "app-5")})
        self._send()
        secrets = {self.source.id: self.secret, other.id: other.sudo().webhook_secret}
        for headers, body in self.receiver.received:
            secret = secrets[json.loads(body)["source_id"]]
            self.assertTrue(webhook.verify(secret, headers["x-ecom-timestamp"], body, headers["x-ecom-signature"]),
                            "each source signs with its own secret")

    def test_order_of_delivery_per_record(self):
        lead, other = self._api_lead("shop-1"), self._api_lead("shop-2")
        lead.stage_id = self.stage_contact
        lead.stage_id = self.stage_deciding
        other.stage_id = self.stage_contact
        first, second = self._deliveries(lead_id=lead.id)
        third = self._deliveries(lead_id=other.id)
        self.receiver.codes = [500]  # the lead's first event fails
        self.assertEqual(self._send(), 2)
        self.assertEqual([p["id"] for p in self.receiver.payloads()], [first.uuid, third.uuid],
                         "the lead's second event waits behind its first; the other lead's goes")
        self.assertEqual((first.state, second.state, third.state), ("pending", "pending", "done"))
        self._make_due(first)
        self.assertEqual(self._send(), 2)
        self.assertEqual([p["id"] for p in self.receiver.payloads()],
                         [first.uuid, third.uuid, first.uuid, second.uuid])
        self.assertEqual([p["stage"]["id"] for p in self.receiver.payloads()[2:]],
                         [self.stage_contact.id, self.stage_deciding.id])
        self.assertEqual((first.state, second.state), ("done", "done"))

    def test_events_filtered_by_the_source(self):
        lead = self._api_lead()
        self.source.webhook_request_stage = False
        lead.stage_id = self.stage_contact
        self.assertFalse(self._deliveries(lead_id=lead.id), "stage changes are switched off")
        lead.action_set_lost(lost_reason_id=self.reason_expensive.id)
        self.assertEqual(self._deliveries(lead_id=lead.id).mapped("event"), ["request.lost"])
        self.source.webhook_request_stage = True

    def test_no_delivery_for_requests_not_from_an_api_source(self):
        plain = self._lead(partner_id=self.customer.id)
        by_email = self._api_lead(channel="email")
        silent_source = self.env["ecom.intake.source"].create({"name": "Лендинг"})  # no webhook URL
        from_silent = self._api_lead(source=silent_source)
        (plain | by_email | from_silent).write({"stage_id": self.stage_contact.id})
        self.assertFalse(self.Delivery.search([("lead_id", "in", (plain | by_email | from_silent).ids)]))
        # a source without a secret sends nothing either
        no_secret = self.env["ecom.intake.source"].create({"name": "Маркетплейс", "webhook_url": self.receiver.url})
        from_no_secret = self._api_lead(source=no_secret)
        from_no_secret.stage_id = self.stage_contact
        self.assertFalse(self._deliveries(lead_id=from_no_secret.id))

    def test_queries_do_not_grow_with_the_leads(self):
        Delivery = self.Delivery.sudo()
        plain = self.Lead.create([{"name": f"Заявка {n}", "type": "opportunity"} for n in range(20)])
        previous = {lead.id: (self.stage_new.id, True) for lead in plain}
        plain.stage_id = self.stage_contact
        self.env.invalidate_all()
        with self.assertQueryCount(1):  # the journal of these leads: no API source, nothing else
            Delivery._enqueue_lead_events(plain, previous)
        for size in (2, 20):  # the first warms Odoo's caches (defaults, xmlids)
            leads = self.Lead.browse([self._api_lead(f"q{size}-{n}").id for n in range(size)])
            previous = {lead.id: (self.stage_new.id, True) for lead in leads}
            leads.flush_recordset()
            self.env.invalidate_all()
            # the journal, the leads, the source, its company and partner (language), the stages, one
            # INSERT, the sender's cron (2) and its waiting trigger: as many for 20 leads as for 2
            with self.assertQueryCount(10 if size == 20 else 100):
                self.assertEqual(len(Delivery._enqueue_lead_events(leads, previous)), size)

    def test_the_log_is_for_sales_managers(self):
        lead = self._api_lead()
        lead.stage_id = self.stage_contact
        as_manager = self.Delivery.with_user(self.sales_manager)
        [row] = as_manager.search_read([("lead_id", "=", lead.id)], ["event", "state", "payload_text", "display_name"])
        self.assertEqual((row["event"], row["state"]), ("request.stage", "pending"))
        self.assertIn('"external_id": "shop-order-1001"', row["payload_text"])
        self.assertIn(lead.name, row["display_name"])
        form = as_manager.get_view(view_type="form")["arch"]
        self.assertIn('name="action_retry"', form)
        self.assertIn('name="action_retry"', as_manager.get_view(view_type="list")["arch"], "retry a selection")
        with self.assertRaises(AccessError):
            self.Delivery.with_user(self.salesman).search([])
        menu = self.env.ref("ecom_crm.menu_ecom_crm_webhook_deliveries")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.sales_manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.salesman)._visible_menu_ids())
        source_form = self.env["ecom.intake.source"].with_user(self.sales_manager).get_view(view_type="form")["arch"]
        for name in ("webhook_url", "action_generate_webhook_secret", "action_view_webhook_deliveries",
                     *webhook.EVENT_FIELDS.values()):
            self.assertIn(f'name="{name}"', source_form)

    def test_a_new_request_is_not_news(self):
        lead = self._lead(partner_id=self.customer.id)
        self.assertFalse(self._deliveries(lead_id=lead.id))

    def test_source_form(self):
        with Form(self.env["ecom.intake.source"].with_user(self.sales_manager)) as form:
            form.name = "Второй сайт"
            form.webhook_url = "https://shop.example/ecom-crm/webhook"
        source = form.record
        self.assertFalse(source.webhook_secret_set)
        self.assertTrue(all(source[name] for name in webhook.EVENT_FIELDS.values()), "every event by default")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            source.webhook_url = "ftp://shop.example"


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookOrderStatus(WebhookCase):
    """The order statuses of a request from an API source (sale.order._ecom_set_status)."""

    def _order(self, lead=None):
        return self.env["sale.order"].create({
            "partner_id": self.customer.id, "opportunity_id": lead.id if lead else False,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]})

    def test_order_statuses_reach_the_shop_in_order(self):
        lead = self._api_lead("order-1001")
        self.source.webhook_order_paid = False
        order = self._order(lead)
        order.action_confirm()
        order._ecom_set_status("paid")
        order._ecom_set_status("shipped", tracking_number="80083456123456")
        order._ecom_set_status("returned", reason=self.reason_delivery_refused)
        deliveries = self._deliveries(order_id=order.id)
        self.assertEqual(deliveries.mapped("event"), ["order.confirmed", "order.shipped", "order.returned"],
                         "«paid» is switched off for this source")
        self.assertEqual({(d.res_model, d.res_id) for d in deliveries}, {("sale.order", order.id)})
        shipped, returned = deliveries[1].payload, deliveries[2].payload
        self.assertEqual((shipped["status"], shipped["previous_status"], shipped["tracking_number"]),
                         ("shipped", "paid", "80083456123456"))
        self.assertEqual(shipped["request"]["external_id"], "order-1001")
        self.assertEqual(shipped["order"], {"id": order.id, "name": order.name, "amount_total": order.amount_total,
                                            "currency": order.currency_id.name})
        self.assertEqual(returned["reason"]["id"], self.reason_delivery_refused.id)
        self.assertEqual(returned["status"], "returned")

        self.receiver.codes = [503]  # the confirmation fails once: the rest waits behind it
        self._send()
        self.assertEqual([p["event"] for p in self.receiver.payloads()], ["order.confirmed"])
        self._make_due(deliveries[0])
        self._send()
        self.assertEqual([p["event"] for p in self.receiver.payloads()],
                         ["order.confirmed", "order.confirmed", "order.shipped", "order.returned"])
        self.assertEqual(set(deliveries.mapped("state")), {"done"})

    def test_cancelled_order(self):
        order = self._order(self._api_lead())
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(self._deliveries(order_id=order.id).mapped("event"), ["order.confirmed", "order.cancelled"])

    def test_order_of_no_api_request_is_not_sent(self):
        alone = self._order()
        of_plain_lead = self._order(self._lead(partner_id=self.customer.id))
        (alone | of_plain_lead).action_confirm()
        (alone | of_plain_lead)._ecom_set_status("shipped", tracking_number="RA123456789RU")
        self.assertFalse(self.Delivery.search([("order_id", "in", (alone | of_plain_lead).ids)]))


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookThroughTheIntakeApi(IntakeCase):
    """A request the shop sends through the intake API, then its updates back to the shop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.stop)
        cls.env["ir.config_parameter"].sudo().set_param("ecom_crm.webhook_private_targets", "1")
        cls.source.webhook_url = cls.receiver.url
        cls.source.sudo().webhook_secret = webhook.new_secret()

    def test_the_shop_ids_come_back(self):
        answer = self.post({"name": "Ольга Смирнова", "phone": "+79165551234", "idempotency_key": "order-1001",
                            "lines": [{"sku": "DR-L10", "qty": 1, "price": 24990}]}).json()
        again = self.post({"name": "Ольга Смирнова", "phone": "+79165551234", "idempotency_key": "order-1002",
                           "message": "И ещё фильтр"}).json()
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(again["lead_id"], lead.id, "added to the open request")
        Delivery = self.env["ecom.webhook.delivery"]
        self.assertFalse(Delivery.search([("lead_id", "=", lead.id)]), "a new request is not news")
        lead.stage_id = self.env.ref("ecom_crm.crm_stage_first_contact")
        self.env["ecom.intake.processor"]._cron_create_quotations(auto_commit=False)
        order = lead.order_ids
        self.assertEqual(len(order), 1)
        order.action_confirm()
        deliveries = Delivery.search([("lead_id", "=", lead.id)], order="id")
        self.assertEqual(deliveries.mapped("event")[0], "request.stage")
        self.assertIn("order.confirmed", deliveries.mapped("event"))
        Delivery._cron_send(commit=False)
        self.assertEqual(set(deliveries.mapped("state")), {"done"})
        received = {json.loads(body)["event"]: json.loads(body) for _headers, body in self.receiver.received}
        self.assertEqual(received["request.stage"]["request"]["external_ids"], ["order-1001", "order-1002"])
        self.assertEqual(received["request.stage"]["request"]["intake_ids"],
                         [answer["request_id"], again["request_id"]])
        self.assertEqual(received["order.confirmed"]["request"]["external_id"], "order-1001")
        self.assertEqual(received["order.confirmed"]["order"]["id"], order.id)


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookRetryWhileSending(EcomCrmCase):
    """«Retry now» pressed while the sender is calling the shop with the same delivery, in real
    transactions (three connections: the sender's, the manager's, a second run of the sender):
    the delivery reaches the shop once. The data is committed for the other connections to see,
    and removed after the test; what a run killed before its cleanup left (its source, named
    ``MARKER``, and delivery) is removed before the next. Nothing else is committed: 127.0.0.1 is
    taken for a public address in this process only (a committed ecom_crm.webhook_private_targets,
    left by an interrupted run, would let the database's status webhooks call private addresses)."""

    MARKER = "Магазин (две сессии)"

    def setUp(self):
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.stop)
        self.dbname = self.env.cr.dbname
        self.patch(webhook, "is_public", lambda address: True)
        with self.cursor_of() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._remove_leftovers(env)
            cr.commit()
            cr.execute("SELECT count(*) FROM ecom_webhook_delivery WHERE state = 'pending'")
            if cr.fetchone()[0]:
                self.skipTest("the database has deliveries waiting: a real run would send them")
            cr.execute("SELECT COALESCE(max(id), 0) FROM ir_cron_trigger")
            self.last_trigger_id = cr.fetchone()[0]
            source = env["ecom.intake.source"].create({
                "name": self.MARKER, "webhook_url": self.receiver.url, "webhook_secret": webhook.new_secret()})
            self.delivery_id = env["ecom.webhook.delivery"].create({
                "source_id": source.id, "event": "request.stage", "res_model": "crm.lead", "res_id": 1,
                "payload": {"event": "request.stage"}}).id
            self.addCleanup(self._remove)  # before the commit: whatever happens after it
            cr.commit()

    def cursor_of(self):
        cr = sql_db.db_connect(self.dbname).cursor()
        cr.execute("SET lock_timeout = '5s'")  # a lock waited for is a failure, not a hang
        return cr

    def _remove_leftovers(self, env):
        """This test's source and its deliveries (``ondelete`` cascade), whichever run made them."""
        env["ecom.intake.source"].with_context(active_test=False).search([("name", "=", self.MARKER)]).unlink()

    def _remove(self):
        with self.cursor_of() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._remove_leftovers(env)
            cron = env.ref("ecom_crm.ir_cron_send_webhooks")
            env["ir.cron.trigger"].search([("cron_id", "=", cron.id), ("id", ">", self.last_trigger_id)]).unlink()
            cr.commit()

    def test_retry_now_while_the_sender_calls_the_shop_sends_once(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("sales_team.group_sale_manager"))
        pressed, second_run = [], []
        real_send = requests.Session.send

        def send(session, request, **kwargs):
            if not pressed:  # while the shop is being called: «Retry now», then another run
                with self.cursor_of() as cr:
                    deliveries = api.Environment(cr, admin.id, {"lang": "en_US"})["ecom.webhook.delivery"]
                    try:
                        deliveries.browse(self.delivery_id).action_retry()
                        cr.commit()
                        pressed.append("reset")
                    except UserError as exc:
                        pressed.append(str(exc))
                with self.cursor_of() as cr:
                    second_run.append(api.Environment(cr, SUPERUSER_ID, {})["ecom.webhook.delivery"]._cron_send(
                        budget=5))
            return real_send(session, request, **kwargs)

        with self.cursor_of() as cr, patch.object(requests.Session, "send", send):
            api.Environment(cr, SUPERUSER_ID, {})["ecom.webhook.delivery"]._cron_send(budget=5)
        self.assertEqual(len(self.receiver.received), 1, "sent once")
        self.assertIn("being sent", pressed[0])
        self.assertEqual(second_run, [0], "the other run left it alone")
        with self.cursor_of() as cr:
            cr.execute("SELECT state, attempts FROM ecom_webhook_delivery WHERE id = %s", [self.delivery_id])
            self.assertEqual(cr.fetchone(), ("done", 1))
