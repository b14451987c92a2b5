"""The bounds of the reading of a refused request's body after its answer (tools/json_http.drain_after), without a
server: its HTTP side is tested where clients send bodies (test_intake_edges, ecom_crm_1c's test_protocol)."""

import contextlib
import io
import socket
import threading
import time
from types import SimpleNamespace
from unittest.mock import Mock, patch

from werkzeug.serving import DechunkedInput
from werkzeug.wrappers import Response
from werkzeug.wsgi import LimitedStream

from odoo.tests import BaseCase, tagged

from ..tools import json_http


@tagged("post_install", "-at_install", "ecom_crm")
class TestDrainSeconds(BaseCase):
    def test_the_drain_ends_before_odoo_time_limit(self):
        """The drain reads for the seconds it is given at most, less once the request has run so long that it would
        end within :data:`~json_http.DRAIN_MARGIN_SECONDS` of Odoo's ``limit_time_real`` (a worker killed, the
        threaded server reloaded), nothing past it; with no limit, the seconds given."""
        thread = threading.current_thread()
        margin = json_http.DRAIN_MARGIN_SECONDS
        for limit, ran, expected in ((120, 0, 60), (120, 50 - margin, 60), (120, 100 - margin, 20),
                                     (120, 115 - margin, 5), (120, 130, 0), (0, 1000, 60)):
            with self.subTest(limit=limit, ran=ran), \
                    patch.dict(json_http.config.options, {"limit_time_real": limit}), \
                    patch.object(thread, "start_time", None, create=True), \
                    patch.object(thread, "perf_t0", time.time() - ran, create=True):
                self.assertAlmostEqual(json_http._drain_seconds(60), expected, delta=1)

    def test_the_threaded_server_counts_from_the_connection_thread_start(self):
        """Odoo's threaded server starts a thread per connection (its ``start_time``): counted from it rather than
        from the WSGI application's clock (``perf_t0``), which starts later."""
        thread = threading.current_thread()
        with patch.dict(json_http.config.options, {"limit_time_real": 120}), \
                patch.object(thread, "start_time", time.time() - 100, create=True), \
                patch.object(thread, "perf_t0", time.time(), create=True):
            self.assertAlmostEqual(json_http._drain_seconds(30), 120 - 100 - json_http.DRAIN_MARGIN_SECONDS, delta=1)


@tagged("post_install", "-at_install", "ecom_crm")
class TestIntakePaths(BaseCase):
    def test_the_paths_answered_json_and_drained(self):
        """The intake API's paths (any version's, none, a mistyped one), the webhooks' and the SMS reports' are
        answered in their own words whatever fails, and their bodies drained; a path merely beginning as one of
        them (another module's, or Odoo's) is not."""
        for path, expected in (("/ecom_crm/api/v1/requests", True), ("/ecom_crm/api/v1/requestsX", True),
                               ("/ecom_crm/api/v2/requests", True), ("/ecom_crm/api", True), ("/ecom_crm/api/", True),
                               ("/ecom_crm/hook/tilda/token", True), ("/ecom_crm/hook", True),
                               ("/ecom_crm/sms/status/smsru/token", True),
                               ("/ecom_crm/apis", False), ("/ecom_crm/api_v1/requests", False),
                               ("/ecom_crm/hooks/tilda", False), ("/ecom_crm/sms/statuses/x", False),
                               ("/ecom_crm", False), ("/1c_exchange", False), ("/web/login", False),
                               ("/json/2/crm.lead", False), ("/", False)):
            with self.subTest(path=path):
                self.assertIs(json_http.intake_path(path), expected)


def _drain(stream, environ, content_length=None, seconds=30, idle=10, max_bytes=1 << 20):
    """Register :func:`json_http.drain_after` on an answer for a request reading ``stream`` (werkzeug's request as
    odoo.http's request wraps it), then close the answer as the server does once it is sent: the drain runs."""
    wrapped = SimpleNamespace(content_length=content_length, environ=environ, stream=stream,
                              path="/ecom_crm/api/v1/requests")
    fake = SimpleNamespace(httprequest=SimpleNamespace(_HTTPRequest__wrapped=wrapped))
    response = Response("answered")
    with patch.object(json_http, "request", fake):
        json_http.drain_after(response, max_bytes, seconds, idle)
    response.close()


@tagged("post_install", "-at_install", "ecom_crm")
class TestDrain(BaseCase):
    def setUp(self):
        super().setUp()
        timer = threading.Timer
        self.timers = []

        def counted(*args, **kwargs):
            self.timers.append(timer(*args, **kwargs))
            return self.timers[-1]
        self.startPatcher(patch.object(json_http.threading, "Timer", side_effect=counted))

    def test_a_body_read_to_its_end_costs_nothing(self):
        """An answer to a request whose body was read whole (every normal request) reads nothing more, starts no
        timer thread and leaves the connection as it is: with its Content-Length, as chunked."""
        sock = Mock(spec=socket.socket)
        sock.gettimeout.return_value = None
        body = b'{"phone": "+79160001234"}'
        sized = LimitedStream(io.BytesIO(body + b"next"), len(body))
        self.assertEqual(sized.read(), body)
        _drain(sized, {"socket": sock}, content_length=len(body))
        self.assertEqual(sock.method_calls, [], "the connection untouched")
        chunked = DechunkedInput(io.BytesIO(b"%x\r\n%s\r\n0\r\n\r\nnext" % (len(body), body)))
        self.assertEqual(chunked.read(100), body)
        _drain(chunked, {"socket": sock, "wsgi.input_terminated": True})
        self.assertEqual(self.timers, [], "no timer thread")
        self.assertEqual(sock.shutdown.call_count, 0)
        self.assertEqual(sized.read(), b"", "nothing past the body read")

    def test_the_rest_of_a_body_is_read(self):
        """What the body still holds is read and dropped, up to its end and no further."""
        body = b"x" * 300_000
        stream = LimitedStream(io.BytesIO(body + b"next"), len(body))
        stream.read(10)
        _drain(stream, {}, content_length=len(body))
        self.assertTrue(stream.is_exhausted)
        chunked = io.BytesIO(b"%x\r\n%s\r\n0\r\n\r\nnext" % (len(body), body))
        _drain(DechunkedInput(chunked), {"wsgi.input_terminated": True})
        self.assertEqual(chunked.read(), b"next", "read to the last chunk")

    def test_a_client_sending_a_byte_now_and_then_is_read_for_the_time_given(self):
        """A client trickling its body's rest, never idle long enough for the time-out, is read for the seconds
        given, then the reading is shut down: also in a worker of Odoo's multi-process server, whose werkzeug
        handler gives the connection as ``werkzeug.socket`` (Odoo's threaded server as ``socket``), and whose
        connections wait 2 s at most for a byte."""
        for key in ("socket", "werkzeug.socket"):
            with self.subTest(key=key):
                server, client = socket.socketpair()
                server.settimeout(2)
                stop = threading.Event()

                def trickle(client=client, stop=stop):  # for 6 s at most, then gone (the drain reads no more)
                    with contextlib.suppress(OSError):
                        for _tick in range(60):
                            if stop.wait(0.1):
                                return
                            client.sendall(b"x")
                        client.shutdown(socket.SHUT_WR)
                sender = threading.Thread(target=trickle, daemon=True)
                sender.start()
                started = time.monotonic()
                try:
                    with server.makefile("rb") as rfile:
                        _drain(LimitedStream(rfile, 10 << 20), {key: server}, content_length=10 << 20, seconds=1)
                    elapsed = time.monotonic() - started
                    self.assertEqual(server.gettimeout(), 2, "the connection's time-out restored")
                finally:
                    stop.set()
                    sender.join(5)
                    server.close()
                    client.close()
                self.assertLess(elapsed, 2.5, "read for the second given, not as long as the client sends")
        self.assertEqual(len(self.timers), 2, "the time in all kept by a timer, with either server")

    def test_an_unexpected_error_while_reading_is_no_error_of_the_request(self):
        """The drain runs once the answer is sent: whatever fails there is logged, not raised to the server
        (which would log the request as failed and try to answer it again), and the connection's time-out is
        restored."""
        server, client = socket.socketpair()
        server.settimeout(2)
        stream = Mock()
        stream.is_exhausted = False
        stream.read.side_effect = RuntimeError("odd stream")
        try:
            with self.assertLogs(json_http.__name__, "WARNING"):
                _drain(stream, {"socket": server}, content_length=100)
            self.assertEqual(server.gettimeout(), 2)
        finally:
            server.close()
            client.close()
