"""The bounds of the reading of a refused request's body after its answer (tools/json_http.drain_after), without a
server: its HTTP side is tested where clients send bodies (test_intake_edges, ecom_crm_1c's test_protocol)."""

import contextlib
import io
import selectors
import socket
import threading
import time
from types import SimpleNamespace
from unittest.mock import Mock, patch

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import DechunkedInput
from werkzeug.test import create_environ
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import LimitedStream, get_input_stream

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
                               ("/ecom_crm/sms/status/smsru/token", True), ("/ecom_crm/sms/status", True),
                               ("/ecom_crm/apis", False), ("/ecom_crm/api_v1/requests", False),
                               ("/ecom_crm/hooks/tilda", False), ("/ecom_crm/sms/statuses/x", False),
                               ("/ecom_crm", False), ("/1c_exchange", False), ("/web/login", False),
                               ("/json/2/crm.lead", False), ("/", False)):
            with self.subTest(path=path):
                self.assertIs(json_http.intake_path(path), expected)


def _drain(stream, environ, content_length=None, seconds=30, idle=10, max_bytes=1 << 20, broken=False):
    """Register :func:`json_http.drain_after` on an answer for a request reading ``stream`` (werkzeug's request as
    odoo.http's request wraps it), then serve the answer as werkzeug's server does (:func:`_serve`): the drain runs
    once its last byte is written."""
    wrapped = SimpleNamespace(content_length=content_length, environ=environ, stream=stream,
                              path="/ecom_crm/api/v1/requests", max_content_length=None)
    fake = SimpleNamespace(httprequest=SimpleNamespace(_HTTPRequest__wrapped=wrapped), ecom_body_broken=broken)
    response = Response("answered")
    with patch.object(json_http, "request", fake):
        json_http.drain_after(response, max_bytes, seconds, idle)
    return _serve(response)


def _serve(response, method="POST", after_answer=None, events=None):
    """What werkzeug's server does with ``response`` (``WSGIRequestHandler.run_wsgi``): each piece of the answer
    written as it comes; then, werkzeug 3 only, ``after_answer()`` (its reading of what the request's body left
    unread, before it closes the answer); then the answer closed (its ``call_on_close`` callbacks). ``events``
    (a list) records the answer's writing and its close. The pieces written."""
    events = [] if events is None else events
    written = []
    app_iter = response(create_environ(method=method), lambda status, headers, exc_info=None: written.append)
    try:
        for piece in app_iter:
            written.append(piece)
            events.append("written")
    finally:
        if after_answer is not None:
            after_answer()
        app_iter.close()
        events.append("closed")
    return written


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


def _werkzeug3_reads_on(connection, rfile):
    """Plays what werkzeug 3.0.1's server does once an answer is written, before it closes it (werkzeug/serving.py,
    ``WSGIRequestHandler.run_wsgi``, its ``execute``; BSD-3-Clause, not copied here): while the connection has
    bytes within 10 ms of the last read, it reads up to 10 MB at a time and drops them, stopping at an empty read,
    after 1000 reads or at 10 GB (no time bound; a socket's own time-out raises, which skips the answer's close).
    How many bytes it read."""
    read = 0
    with selectors.DefaultSelector() as waiting:
        waiting.register(connection, selectors.EVENT_READ)
        for _attempt in range(1001):  # werkzeug stops once it has read more than 1000 times
            if not waiting.select(timeout=0.01):
                break
            piece = rfile.read(10 * 1000 * 1000)
            read += len(piece)
            if not piece or read >= 10 ** 10:
                break
    return read


class _ShortReads(io.RawIOBase):
    """A raw stream as werkzeug 3's are (its LimitedStream is an ``io.RawIOBase``): ``read(size)`` may give fewer
    bytes than are still to come, here ``most`` at a time, and takes no float for ``size`` (werkzeug 2.2's took one
    as long as the Content-Length was the smaller)."""

    def __init__(self, data, most):
        self._data, self._most = io.BytesIO(data), most

    def readable(self):
        return True

    def readinto(self, buffer):
        piece = self._data.read(min(len(buffer), self._most))
        buffer[:len(piece)] = piece
        return len(piece)


class _Werkzeug3Request(Request):
    """werkzeug's request whose stream is bounded by its ``max_content_length`` as werkzeug 3's is
    (``get_input_stream``): a Content-Length over it is werkzeug's HTML «413» as the stream is made."""

    @cached_property
    def stream(self):
        if self.max_content_length is not None and (self.content_length or 0) > self.max_content_length:
            raise RequestEntityTooLarge()
        return get_input_stream(self.environ)


@tagged("post_install", "-at_install", "ecom_crm")
class TestWerkzeug3(BaseCase):
    """What werkzeug 3 (Python 3.12's, the odoo:18 image's) does differently from werkzeug 2.2 (Odoo 18's pin on
    Python 3.11, where the suite runs): its server reads what a body left unread itself once the answer is
    written, its streams may read short, and a request's stream is bounded by its ``max_content_length``. Checked
    here with werkzeug 2.2 too, werkzeug 3's ways played by the tests."""

    def connection(self):
        """A TCP connection on the loopback: ``(the server's side, the client's)``, closed after the test."""
        listener = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(listener.close)
        client = socket.create_connection(listener.getsockname())
        server, _address = listener.accept()
        self.addCleanup(client.close)
        self.addCleanup(server.close)
        return server, client

    def sending(self, client, piece, pause, seconds=8):
        """The client sends ``piece`` each ``pause`` seconds, for ``seconds`` at most or until the server stops
        reading (a reset): a thread, stopped after the test."""
        stop = threading.Event()

        def send():
            with contextlib.suppress(OSError):
                ends = time.monotonic() + seconds
                while time.monotonic() < ends and not stop.wait(pause):
                    client.sendall(piece)
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        self.addCleanup(sender.join, 10)
        self.addCleanup(stop.set)

    def serve_werkzeug3(self, stream, server, rfile, events, **bounds):
        """:func:`json_http.drain_after` on an answer to a request reading ``stream``, served as werkzeug 3's
        server serves it (:func:`_serve`, :func:`_werkzeug3_reads_on`); ``events`` records the answer written, the
        drain's beginning and end, the server's reading after it and the close."""
        original = json_http._drain

        def drain(*args):
            events.append("drain")
            original(*args)
            events.append("drained")

        def reads_on():
            events.append(("werkzeug read", _werkzeug3_reads_on(server, rfile)))
        wrapped = SimpleNamespace(content_length=bounds.pop("content_length", 10 << 20), stream=stream,
                                  environ={"werkzeug.socket": server}, path="/1c_exchange", max_content_length=None)
        fake = SimpleNamespace(httprequest=SimpleNamespace(_HTTPRequest__wrapped=wrapped),
                               ecom_body_broken=bounds.pop("broken", False))
        response = Response("failure\nover file_limit")
        with patch.object(json_http, "request", fake), patch.object(json_http, "_drain", drain):
            json_http.drain_after(response, **bounds)
        started = time.monotonic()
        _serve(response, after_answer=reads_on, events=events)
        return time.monotonic() - started

    def test_the_rest_is_read_after_the_answer_before_werkzeug_3_reads_on(self):
        """werkzeug 3's server reads what a body left once the answer is written, before it closes the answer:
        the drain runs first, right after the answer's last byte, and a client trickling its body past the drain's
        time in all is read no longer (its reading shut down: werkzeug's finds the end at once), rather than as
        long as it sends (werkzeug's own reading has no time bound in Odoo's threaded server)."""
        server, client = self.connection()
        server.settimeout(2)
        client.sendall(b"x" * 1000)
        self.sending(client, b"x", 0.05)
        events = []
        with server.makefile("rb") as rfile:
            elapsed = self.serve_werkzeug3(LimitedStream(rfile, 10 << 20), server, rfile, events,
                                           max_bytes=10 << 20, seconds=1, idle=10)
        self.assertEqual(events[:3], ["written", "drain", "drained"], "drained once the answer is written")
        self.assertEqual(events[3][0], "werkzeug read")
        self.assertLess(events[3][1], 1000, "werkzeug read no more than what was on its way")
        self.assertEqual(events[4:], ["closed"])
        self.assertLess(elapsed, 2.5, "read for the drain's second, not the 8 s the client sends")

    def test_a_body_left_at_its_bytes_bound_is_read_no_further_by_werkzeug_3(self):
        """Past the bytes the drain may read, the rest is left: the connection's reading is shut down, so that
        werkzeug 3's own reading after the answer stops at once too (it would read up to 10 GB)."""
        server, client = self.connection()
        server.settimeout(2)
        self.sending(client, b"x" * 65536, 0.001)
        events = []
        with server.makefile("rb") as rfile:
            elapsed = self.serve_werkzeug3(LimitedStream(rfile, 1 << 40), server, rfile, events,
                                           content_length=1 << 40, max_bytes=256 * 1024, seconds=30, idle=10)
        self.assertEqual([event if isinstance(event, str) else event[0] for event in events],
                         ["written", "drain", "drained", "werkzeug read", "closed"])
        self.assertLess(events[3][1], 64 << 20, "werkzeug read what was on its way, then found the end")
        self.assertLess(elapsed, 5)

    def test_a_broken_body_is_read_no_further_by_werkzeug_3(self):
        """A body found broken (a chunk size that is no number) is not read on, by the drain nor, its reading shut
        down once the answer is written, by werkzeug 3."""
        server, client = self.connection()
        server.settimeout(2)
        self.sending(client, b"x" * 4096, 0.005)
        events = []
        with server.makefile("rb") as rfile:
            elapsed = self.serve_werkzeug3(DechunkedInput(rfile), server, rfile, events, content_length=None,
                                           broken=True, max_bytes=10 << 20, seconds=30, idle=10)
        self.assertEqual([event if isinstance(event, str) else event[0] for event in events],
                         ["written", "werkzeug read", "closed"], "no drain")
        self.assertLess(elapsed, 5)

    def test_an_answer_without_a_body_is_sent_before_the_drain(self):
        """An answer with no body to write (to a HEAD request: werkzeug gives the server none) has its status line
        and headers sent first (an empty piece, which werkzeug's server writes them for), then the drain."""
        events = []
        stream = Mock()
        stream.is_exhausted = False
        stream.read.side_effect = lambda size: events.append("read") or b""
        wrapped = SimpleNamespace(content_length=100, stream=stream, environ={}, path="/1c_exchange",
                                  max_content_length=None)
        fake = SimpleNamespace(httprequest=SimpleNamespace(_HTTPRequest__wrapped=wrapped))
        response = Response("answered")
        with patch.object(json_http, "request", fake):
            json_http.drain_after(response, 1 << 20, 30, 10)
            json_http.drain_after(response, 1 << 20, 30, 10)  # Odoo's post-dispatch, then its error handling
        self.assertEqual(_serve(response, method="HEAD", events=events), [b""])
        self.assertEqual(events, ["written", "read", "closed"], "headers sent, then drained once")

    def test_a_body_read_in_short_pieces_is_read_whole(self):
        """werkzeug 3's streams are raw: a read may give fewer bytes than asked while more are to come. The body is
        read to its end (or to the limit), not taken for ended at the first short piece; a limit given as a float
        (1C's upload_size is a Float field) is read as many bytes."""
        body = b'{"phone": "+79160001234", "message": "' + b"a" * 5000 + b'"}'
        for limit, expected in ((len(body), body), (len(body) + 100, body), (1000, None), (float(len(body)), body)):
            with self.subTest(limit=limit):
                wrapped = SimpleNamespace(stream=_ShortReads(body, 700), max_content_length=None)
                fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=None,
                                                                   _HTTPRequest__wrapped=wrapped))
                with patch.object(json_http, "request", fake):
                    self.assertEqual(json_http.read_body(limit), expected)
                self.assertIs(fake.ecom_body_over, expected is None)

    def test_a_body_over_odoo_upload_limit_is_read_within_our_own(self):
        """Odoo bounds a request's body by its ``max_content_length`` (128 MiB, or web.max_file_upload_size), which
        werkzeug 3 applies to the request's stream: over it, werkzeug's HTML «413» as the stream is made. The
        intake API's and 1C's bodies are read within their own limits (1C's file_limit is 200 MB), the request's
        bound left as it was for the rest of Odoo."""
        body = b"x" * 5000
        for cls in (Request, _Werkzeug3Request):
            with self.subTest(request=cls.__name__):
                wrapped = cls(create_environ(method="POST", input_stream=io.BytesIO(body), content_length=len(body)))
                wrapped.max_content_length = 1000
                if cls is _Werkzeug3Request:
                    probe = _Werkzeug3Request(wrapped.environ, populate_request=False)
                    probe.max_content_length = 1000
                    with self.assertRaises(RequestEntityTooLarge, msg="as werkzeug 3"):
                        probe.stream  # noqa: B018
                fake = SimpleNamespace(httprequest=SimpleNamespace(content_length=len(body),
                                                                   _HTTPRequest__wrapped=wrapped))
                with patch.object(json_http, "request", fake):
                    self.assertEqual(json_http.read_body(10_000), body)
                self.assertEqual(wrapped.max_content_length, 1000, "Odoo's bound kept for the rest")
        # Odoo reads the request's parameters (werkzeug's form: werkzeug 2.2 checks any body's Content-Length there,
        # werkzeug 3 makes the stream) before the controller reads the body: the intake API's, the webhooks' and the
        # SMS reports' bodies are bounded by their limits alone from ir.http's _pre_dispatch on (bound_form_body)
        for cls in (Request, _Werkzeug3Request):
            with self.subTest(request=cls.__name__, parameters="read first"):
                wrapped = cls(create_environ(method="POST", input_stream=io.BytesIO(body), content_length=len(body),
                                             content_type="application/json"))
                wrapped.max_content_length = 1000
                fake = SimpleNamespace(httprequest=SimpleNamespace(
                    content_length=len(body), mimetype=wrapped.mimetype, _HTTPRequest__wrapped=wrapped))
                with patch.object(json_http, "request", fake):
                    json_http.bound_form_body(10_000)
                    self.assertFalse(wrapped.form, "Odoo's parameters: no form in a JSON body")
                    self.assertEqual(json_http.read_body(10_000), body)
