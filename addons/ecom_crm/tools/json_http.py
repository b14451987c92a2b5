"""JSON answers of the intake API, and the reading of a request's body: bounded (:func:`read_body`), the rest
read and dropped once the answer is sent (:func:`drain_after`, 1C's exchange's too). odoo.http's request; no
model."""

import contextlib
import functools
import json
import logging
import socket
import threading
import time

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import ClientDisconnected

from odoo.http import request
from odoo.tools import config

API = "/ecom_crm/api/v1"
API_ROOT = "/ecom_crm/api"  # every version's: a path under it is answered JSON, even one no version has
MAX_BODY = 64 * 1024  # the intake API's and the webhooks' requests
MAX_SMS_BODY = 1024 * 1024  # a delivery report of the SMS gateways (SMS.ru posts up to 100 statuses at once)
HOOK_PREFIX = "/ecom_crm/hook/"  # the providers' webhooks (controllers/hooks.py)
SMS_STATUS_PREFIX = "/ecom_crm/sms/status/"  # the SMS gateways' delivery reports (controllers/sms_status.py)
# the paths whose bodies are bounded, even sent chunked and form-encoded (see ir.http._pre_dispatch)
BOUNDED_PATHS = ((API, MAX_BODY), (HOOK_PREFIX, MAX_BODY), (SMS_STATUS_PREFIX, MAX_SMS_BODY))
# the rest of a request's body its answer left unread (:func:`drain_after`): read and dropped once the answer is
# sent, up to so many bytes, so long in all, so long without a byte: the intake API's, the webhooks' and the SMS
# reports' (a site's or a provider's request over their limits is a few megabytes at most; 1C's exchange, whose
# files are far larger, gives its own); and never closer than DRAIN_MARGIN_SECONDS to Odoo's limit_time_real since
# the request began (past it a worker of the multi-process server is killed, and the threaded server reloads)
DRAIN_MAX_BYTES, DRAIN_SECONDS, DRAIN_IDLE_SECONDS, DRAIN_MARGIN_SECONDS = 64 * 1024 * 1024, 30, 10, 10

_logger = logging.getLogger(__name__)


def intake_path(path):
    """Whether ``path`` is the intake API's (any version's, or none), a webhook's or an SMS report's: the paths
    answered JSON (the SMS reports: plain text) whatever fails, and whose bodies are drained."""
    return path.rstrip("/") in (API_ROOT, HOOK_PREFIX.rstrip("/"), SMS_STATUS_PREFIX.rstrip("/")) or \
        path.startswith((f"{API_ROOT}/", HOOK_PREFIX, SMS_STATUS_PREFIX))


class BrokenBody(ValueError):
    """The request's body could not be read: its chunked framing is broken, or the client went away
    (a body cut short: fewer bytes than its Content-Length)."""


def json_response(status, payload, headers=None):
    return request.make_response(
        json.dumps(payload, ensure_ascii=False, default=str), status=status,
        headers=[("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"),
                 *(headers or [])])


def error(status, code, message, headers=None, **extra):
    return json_response(status, {"error": code, "message": message, **extra}, headers=headers)


# a source over its requests per minute is told when to send again where HTTP clients read it, the header
RATE_RETRY_SECONDS = 60
RATE_HEADERS = [("Retry-After", str(RATE_RETRY_SECONDS))]


def rate_limited(message):
    """The JSON 429 of a source over its requests per minute."""
    return error(429, "rate_limited", message, headers=RATE_HEADERS, retry_after=RATE_RETRY_SECONDS)


def read_body(limit):
    """The request's body, or None when it is longer than ``limit`` bytes.

    At most ``limit + 1`` bytes are read, whatever the Content-Length says, or when there is none
    (a chunked upload): werkzeug's ``get_data`` would read it all into memory first. The bytes are
    kept as werkzeug keeps what ``get_data`` read, so that a request Odoo runs again after a
    concurrency error reads the same body; so are those of a body found longer than the limit, so
    that a run with more room (a larger ``limit``: what an upload may still hold, freed since) reads
    on from them rather than take the body for over its first limit."""
    httprequest = request.httprequest
    length = httprequest.content_length
    limit = int(limit)  # a byte count kept as a Float field (1C's upload_size) too: werkzeug 3's reads take no float
    if getattr(request, "ecom_body_broken", False):
        raise BrokenBody("read before")
    if length is not None and length > limit:
        request.ecom_body_over = True
        return None
    wrapped = httprequest._HTTPRequest__wrapped  # odoo.http.HTTPRequest's werkzeug request: its stream
    body = getattr(wrapped, "_cached_data", None)
    if body is None:
        body = getattr(request, "ecom_body_begun", b"")  # read before, over a smaller limit
        if len(body) <= limit:
            try:
                body += _read_up_to(body_stream(wrapped), limit + 1 - len(body))
            except (OSError, ValueError, ClientDisconnected) as exc:
                # werkzeug's chunked reader on a bad chunk size or a cut body; its length-limited stream on a
                # body that ends before its Content-Length
                request.ecom_body_broken = True
                raise BrokenBody(str(exc)) from None
        if len(body) <= limit:
            wrapped._cached_data = body  # also what werkzeug's form parser reads, when it parses
        else:
            request.ecom_body_begun = body
    if len(body) > limit:
        request.ecom_body_over = True
        return None
    request.ecom_body_over = False
    return body


def body_stream(wrapped):
    """werkzeug's stream of the request ``wrapped`` (odoo.http.HTTPRequest's werkzeug request): its body up to its
    Content-Length (or, sent chunked, to its last chunk), whatever the request's ``max_content_length``. Werkzeug
    3 (Python 3.12: the odoo:18 image) bounds the stream by that too (Odoo's 128 MiB, or web.max_file_upload_size),
    raising its HTML «413» as the stream is made when the Content-Length is over it, or as a chunked body is read
    past it; werkzeug 2.2 bounds only form parsing by it. The intake API's, the webhooks' and 1C's bodies are
    bounded by their own limits (:func:`read_body`, :func:`drain_after`), and answered in their own words."""
    if "stream" not in wrapped.__dict__:  # werkzeug's cached_property, made once
        limit = wrapped.max_content_length
        wrapped.max_content_length = None
        try:
            wrapped.stream  # noqa: B018 (made and cached here, without the bound)
        finally:
            wrapped.max_content_length = limit
    return wrapped.stream


def _read_up_to(stream, size):
    """``size`` bytes of ``stream``, fewer at its end: werkzeug 3's streams are raw ones, whose ``read(size)`` may
    return fewer bytes than are still to come."""
    parts = []
    while size > 0 and (part := stream.read(size)):
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def bound_form_body(limit):
    """Before Odoo parses a form-encoded body (werkzeug reads one sent chunked whole, whatever its
    size): at most ``limit`` bytes are read and kept for the parser; a longer or broken body is not
    parsed at all (an empty form), and ``request.ecom_body_over`` / ``ecom_body_broken`` say why (a body
    cut short too). Any other body is left for the controller to read within ``limit``, which alone bounds it
    (not Odoo's ``max_content_length``)."""
    httprequest = request.httprequest
    # bounded by ``limit`` alone: Odoo's max_content_length (web.max_file_upload_size, 128 MiB by default) bounded
    # a body here once Odoo read the request's parameters, every body with werkzeug 2.2 (its form parser checks any
    # Content-Length), werkzeug 3 too as it makes the body's stream (see body_stream)
    httprequest._HTTPRequest__wrapped.max_content_length = None
    if httprequest.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return
    # read here even when its length is within the limit: werkzeug's parser, reading a body cut short (fewer
    # bytes than its Content-Length), answers its «could not understand» page for it
    try:
        kept = read_body(limit) is not None
    except BrokenBody:  # request.ecom_body_broken is set
        kept = False
    if not kept:
        httprequest.form = ImmutableMultiDict()
        httprequest.files = ImmutableMultiDict()


def drain_after(response, max_bytes=None, seconds=None, idle=None):
    """``response``, which once sent reads and drops what the request's body still holds unread. A client (1C,
    a site's script, Tilda, a telephony's webhook) sends a request's body whole before it reads the answer, and
    a server closing the connection with bytes of it unread resets it: the client's sending fails, and it
    hears a reset rather than the answer. An answer given before the body's end leaves it so: a request
    refused for its size before its body is read (its Content-Length over the limit), or once its bytes past
    the limit are (sent chunked, with no Content-Length, the body read before the answer ends there: see
    :func:`read_body`), a request refused before its body is read (a bad key, a wrong path or method).

    Read once the answer is sent, the request's transaction over (no lock held meanwhile): as soon as the server
    has written the answer's last byte (:class:`_AfterAnswer`), before what the server itself does with a body
    left unread (werkzeug 3, Python 3.12's, reads all the client sends before it closes the connection, with no
    time bound in Odoo's threaded server, and a pause of 2 s in a worker of the multi-process server skips what
    was to run after the answer; werkzeug 2.2 closes the connection). Read as werkzeug reads a body (to its
    Content-Length, or to its last chunk) and bounded: past ``max_bytes``, ``seconds`` in all (less when the
    request has run so long that Odoo's ``limit_time_real`` is near: :func:`_drain_seconds`), or ``idle`` seconds
    without a byte (a client stalled), the rest is left and the connection closes (as after every request:
    werkzeug answers «Connection: close»); by default :data:`DRAIN_MAX_BYTES`, :data:`DRAIN_SECONDS` and
    :data:`DRAIN_IDLE_SECONDS`. The time in all holds even against a client sending a byte now and then (a read
    waits for a whole block): at its end the connection's reading is shut down, which ends the read under way.
    A body not read to its end (left at a bound, or found broken: not read on) has the connection's reading shut
    down once the answer is sent, so that the server reads no more of it either (:func:`_shut_reading`). A
    request with no body werkzeug reads (neither a Content-Length nor chunked) has none to read; a body read to
    its end (every request answered after its body was read) costs nothing: no read, no timer. Whatever fails
    while reading is logged, never raised to the server, which has sent the answer already."""
    wrapped = request.httprequest._HTTPRequest__wrapped  # odoo.http.HTTPRequest's werkzeug request
    broken = getattr(request, "ecom_body_broken", False)
    if not broken and not (wrapped.content_length or wrapped.environ.get("wsgi.input_terminated")):
        return response
    # the connection: Odoo's threaded server gives it as «socket», werkzeug's handler of a worker of Odoo's
    # multi-process server as «werkzeug.socket» (whose reads wait for a byte ODOO_HTTP_SOCKET_TIMEOUT, 2 s, at most)
    environ = wrapped.environ
    sock = environ.get("socket") or environ.get("werkzeug.socket")
    if broken:
        return _after_answer(response, functools.partial(_shut_reading, sock))
    return _after_answer(response, functools.partial(
        _drain, body_stream(wrapped), sock, wrapped.path, DRAIN_MAX_BYTES if max_bytes is None else max_bytes,
        DRAIN_SECONDS if seconds is None else seconds, DRAIN_IDLE_SECONDS if idle is None else idle))


def _after_answer(response, then):
    """``response``, which runs ``then`` once it is sent: as the server asks for what follows its last byte
    (:class:`_AfterAnswer`); an answer of no known length, whose end the server writes after that (chunked), when
    it is closed. Run once, as given last: an answer given to :func:`drain_after` twice (Odoo's post-dispatch,
    then its error handling) is drained once."""
    wrapped = getattr(response, "_wrapped__", response)  # werkzeug's response (odoo.http.Response is a facade)
    if hasattr(wrapped, "ecom_after_answer"):
        pass
    elif not wrapped.is_sequence:
        wrapped.call_on_close(lambda: wrapped.ecom_after_answer())
    else:
        app_iter = wrapped.get_app_iter  # what werkzeug's Response.__call__ asks for the answer's bytes
        wrapped.get_app_iter = lambda environ: _AfterAnswer(app_iter(environ), wrapped)
    wrapped.ecom_after_answer = then
    return response


class _AfterAnswer:
    """The WSGI iterable ``iterable`` of ``response``, then its ``ecom_after_answer``: werkzeug's server writes each
    piece of an answer to the connection, unbuffered, before it asks for the next one, so the answer has been sent
    whole when it asks for the one after the last, and that is before anything the server does once the answer is
    sent (werkzeug 3 reads there what the body left, then closes the iterable). An answer with no body (to a HEAD
    request, a 204) gives an empty piece first, for which the server sends its status line and headers. Not run
    when the server stops asking (the client gone while the answer was sent)."""

    def __init__(self, iterable, response):
        self._iterable, self._response = iterable, response

    def __iter__(self):
        empty = True
        for piece in self._iterable:
            empty = False
            yield piece
        if empty:
            yield b""
        self._response.ecom_after_answer()

    def close(self):  # werkzeug's ClosingIterator: the response's close, and its call_on_close callbacks
        if hasattr(self._iterable, "close"):
            self._iterable.close()


def _shut_reading(sock):
    """The reading of the connection ``sock`` (None: the server gives none) shut down: a read under way ends, the
    client's bytes still to come are not read (the server's own reading after the answer, werkzeug 3's, finds the
    end at once), and the connection closes as it would with werkzeug 2.2."""
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RD)


def _drain(stream, sock, path, max_bytes, seconds, idle):
    """What :func:`drain_after` runs once the answer is sent: ``stream`` (the request's body) read to its end
    within its bounds; the reading of ``sock`` (the connection, None when the server does not give it) shut
    down at the time in all, and whenever the body was not read to its end."""
    if getattr(stream, "is_exhausted", False):  # werkzeug's stream of a body with its length, read whole
        return
    allowed = _drain_seconds(seconds)
    deadline, over, timer, ended = time.monotonic() + allowed, [], None, False

    def stop():  # the time in all is over while a read waits: it ends, as for a client gone
        over.append(True)
        _shut_reading(sock)

    previous = sock.gettimeout() if sock is not None else None
    try:
        if allowed <= 0:
            over.append(True)
            return
        if sock is not None:  # reads wait no longer for a byte (the server's own time-out, if shorter)
            sock.settimeout(idle if not previous else min(previous, idle))
        # a byte first, with no timer yet (a read of one byte waits for one at most the idle time): a chunked body
        # read to its last chunk has none, and is done with
        if not (chunk := stream.read(1)):
            ended = True
            return
        left = max_bytes - len(chunk)
        if sock is not None:
            timer = threading.Timer(max(deadline - time.monotonic(), 0), stop)
            timer.daemon = True
            timer.start()
        while chunk:
            if left <= 0 or time.monotonic() > deadline:
                over.append(True)
                return
            chunk = stream.read(min(64 * 1024, left))
            left -= len(chunk)
        ended = not over  # to its end, unless its reading was shut down at the time in all
    except (OSError, ValueError, ClientDisconnected):  # the client went away, stalled, or broke its chunks
        return
    except Exception:  # the answer is sent: nothing to tell the client, nor the server
        _logger.warning("%s: the rest of a request's body could not be read after the answer", path, exc_info=True)
    finally:
        if timer is not None:
            timer.cancel()
        if over:
            _logger.info("%s: the rest of a request's body is over what is read of it after the answer "
                         "(%s bytes, %.0f s): the connection is closed", path, max_bytes, allowed)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(previous)
        if not ended:
            _shut_reading(sock)


def _drain_seconds(seconds):
    """How long :func:`drain_after` may read: ``seconds``, or less so that the request ends
    :data:`DRAIN_MARGIN_SECONDS` before Odoo's ``limit_time_real`` (counted from the request's start: the
    threaded server's thread for the connection, else :class:`odoo.http.Application`'s clock); nothing left,
    0 (the body is left)."""
    limit = config["limit_time_real"]
    thread = threading.current_thread()
    began = getattr(thread, "start_time", None) or getattr(thread, "perf_t0", None)
    if limit and limit > 0 and began:
        seconds = min(seconds, began + limit - DRAIN_MARGIN_SECONDS - time.time())
    return max(seconds, 0)
