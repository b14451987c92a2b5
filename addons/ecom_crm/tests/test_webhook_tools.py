"""The status webhook's plain parts (tools/webhook.py), without a database: signing as the shop
checks it, the retry schedule, and which queued deliveries may go now."""

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import datetime, timedelta
from unittest.mock import patch

from urllib3.exceptions import ConnectTimeoutError

from odoo.tests import BaseCase, tagged

from ..tools import webhook

SECRET = "whsec_test-secret"
NOW = datetime(2026, 12, 2, 5, 0, 0)


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookSignature(BaseCase):
    def test_signature_is_hmac_sha256_of_timestamp_and_body(self):
        body = webhook.encode_body({"event": "order.paid", "status": "paid", "request": {"external_id": "A-1"}})
        expected = hmac.new(SECRET.encode(), b"1764651600." + body, hashlib.sha256).hexdigest()
        self.assertEqual(webhook.sign(SECRET, 1764651600, body), "sha256=" + expected)

    def test_body_is_stable_utf8_json(self):
        first = webhook.encode_body({"b": "Отказ", "a": 1})
        self.assertEqual(first, '{"a":1,"b":"Отказ"}'.encode())
        self.assertEqual(first, webhook.encode_body({"a": 1, "b": "Отказ"}))
        self.assertEqual(json.loads(first), {"a": 1, "b": "Отказ"})

    def test_verify(self):
        body = webhook.encode_body({"event": "order.shipped"})
        signature = webhook.sign(SECRET, 1000, body)
        self.assertTrue(webhook.verify(SECRET, "1000", body, signature))
        self.assertTrue(webhook.verify(SECRET, 1000, body, signature, now=1200))
        self.assertFalse(webhook.verify(SECRET, 1000, body, signature, now=1000 + 301), "too old: a replay")
        self.assertFalse(webhook.verify(SECRET, 1001, body, signature), "another timestamp")
        self.assertFalse(webhook.verify(SECRET, 1000, body + b" ", signature), "another body")
        self.assertFalse(webhook.verify("whsec_other", 1000, body, signature), "another secret")
        self.assertFalse(webhook.verify(SECRET, "soon", body, signature))
        self.assertFalse(webhook.verify(SECRET, 1000, body, None))

    def test_headers(self):
        body = b"{}"
        sent = webhook.headers(SECRET, 1764651600.7, body, "0b5e-uuid", "order.paid")
        self.assertEqual(sent["X-Ecom-Timestamp"], "1764651600")
        self.assertEqual(sent["X-Ecom-Delivery"], "0b5e-uuid")
        self.assertEqual(sent["X-Ecom-Event"], "order.paid")
        self.assertEqual(sent["X-Ecom-Signature"], webhook.sign(SECRET, 1764651600, body))
        self.assertTrue(sent["Content-Type"].startswith("application/json"))

    def test_new_secret(self):
        first, second = webhook.new_secret(), webhook.new_secret()
        self.assertTrue(first.startswith("whsec_"))
        self.assertGreaterEqual(len(first), 40)
        self.assertNotEqual(first, second)


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookBackoff(BaseCase):
    def test_delays_double_up_to_the_cap(self):
        minute = timedelta(minutes=1)
        self.assertEqual([webhook.retry_delay(n) for n in range(1, 6)],
                         [minute, 2 * minute, 4 * minute, 8 * minute, 16 * minute])
        self.assertEqual(webhook.retry_delay(9), timedelta(hours=4, minutes=16))
        self.assertEqual(webhook.retry_delay(10), timedelta(hours=6), "512 min is capped at 6 h")
        self.assertEqual(webhook.retry_delay(1000), timedelta(hours=6))

    def test_after_failure_then_failed_at_the_cap(self):
        self.assertEqual(webhook.after_failure(1, NOW), ("pending", NOW + timedelta(minutes=1)))
        self.assertEqual(webhook.after_failure(3, NOW), ("pending", NOW + timedelta(minutes=4)))
        self.assertEqual(webhook.after_failure(webhook.MAX_ATTEMPTS - 1, NOW),
                         ("pending", NOW + timedelta(hours=6)))
        self.assertEqual(webhook.after_failure(webhook.MAX_ATTEMPTS, NOW), ("failed", None))
        self.assertEqual(webhook.after_failure(3, NOW, max_attempts=3), ("failed", None))

    def test_whole_schedule(self):
        delays = webhook.schedule()
        self.assertEqual(len(delays), webhook.MAX_ATTEMPTS - 1)
        # 1+2+...+256 min = 511 min, then five waits of 6 h: about 38.5 h from the first attempt
        self.assertEqual(sum(delays, timedelta()), timedelta(minutes=511) + 5 * timedelta(hours=6))


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookOrder(BaseCase):
    def test_only_the_oldest_pending_delivery_of_a_record_goes(self):
        order_1, order_2 = ("src1", "sale.order", 1), ("src1", "sale.order", 2)
        pending = [(10, order_1, NOW), (11, order_1, NOW), (12, order_2, NOW), (13, order_1, NOW)]
        self.assertEqual(webhook.due_in_order(pending, NOW), [10, 12])

    def test_a_record_waiting_for_a_retry_holds_its_later_events(self):
        order_1, order_2 = ("src1", "sale.order", 1), ("src1", "sale.order", 2)
        later = NOW + timedelta(minutes=4)
        pending = [(11, order_1, NOW), (10, order_1, later), (12, order_2, None)]
        self.assertEqual(webhook.due_in_order(pending, NOW), [12], "10 waits: 11 must not overtake it")
        self.assertEqual(webhook.due_in_order(pending, later), [10, 12])

    def test_records_are_per_source_and_limit(self):
        pending = [(1, ("a", "crm.lead", 5), NOW), (2, ("b", "crm.lead", 5), NOW), (3, ("a", "crm.lead", 6), NOW)]
        self.assertEqual(webhook.due_in_order(pending, NOW), [1, 2, 3])
        self.assertEqual(webhook.due_in_order(pending, NOW, limit=2), [1, 2])
        self.assertEqual(webhook.due_in_order([], NOW), [])

    def test_success_codes(self):
        self.assertTrue(webhook.is_success(200))
        self.assertTrue(webhook.is_success(204))
        self.assertFalse(webhook.is_success(301), "a redirect is not followed: not delivered")
        self.assertFalse(webhook.is_success(500))
        self.assertEqual(webhook.shorten("x" * 600), "x" * 499 + "…")


@tagged("post_install", "-at_install", "ecom_crm")
class TestWebhookResources(BaseCase):
    """What an attempt takes from the process (lookup threads, sockets) is given back on every path."""

    def test_a_lookup_thread_that_cannot_start_gives_its_place_back(self):
        """No thread to spare (``RuntimeError: can't start new thread``): the attempt fails, and the
        place it took among the :data:`~webhook.MAX_HANGING_LOOKUPS` is free again, not lost for the
        life of the process (after eight such failures every lookup would have timed out)."""
        def no_thread(_thread):
            raise RuntimeError("can't start new thread")

        with patch.object(threading.Thread, "start", no_thread):
            for _i in range(webhook.MAX_HANGING_LOOKUPS + 1):
                with self.assertRaises(RuntimeError):
                    webhook.resolve("shop.example.test", 443, time.monotonic() + 5)
        taken = [webhook._hanging_lookups.acquire(blocking=False) for _i in range(webhook.MAX_HANGING_LOOKUPS)]
        for _i in range(sum(taken)):
            webhook._hanging_lookups.release()
        self.assertEqual(sum(taken), webhook.MAX_HANGING_LOOKUPS, "every place is free")

    def test_the_socket_of_a_connection_past_its_deadline_is_closed(self):
        """The deadline passes between the connection and the TLS handshake: the attempt is a
        timeout, and the connected socket is closed, not left to the garbage collector."""
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        self.addCleanup(server.close)
        made = []

        class Recorded(socket.socket):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                made.append(self)

        conn = webhook._DeadlineHTTPConnection("127.0.0.1", server.getsockname()[1])
        conn.deadline = time.monotonic() + 5
        real_connect = socket.socket.connect

        def connect_slowly(sock, address):
            real_connect(sock, address)
            conn.deadline = time.monotonic() - 1  # the connection took the time left

        with patch.object(webhook.socket, "socket", Recorded), patch.object(Recorded, "connect", connect_slowly):
            with self.assertRaises(ConnectTimeoutError):
                conn._new_conn()
        self.assertEqual(len(made), 1)
        self.assertEqual(made[0].fileno(), -1, "the socket is closed")
