"""JSON answers of the intake API (odoo.http's request; no model)."""

import json

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import ClientDisconnected

from odoo.http import request

API = "/ecom_crm/api/v1"
API_ROOT = "/ecom_crm/api"  # every version's: a path under it is answered JSON, even one no version has
MAX_BODY = 64 * 1024  # the intake API's and the webhooks' requests
MAX_SMS_BODY = 1024 * 1024  # a delivery report of the SMS gateways (SMS.ru posts up to 100 statuses at once)
HOOK_PREFIX = "/ecom_crm/hook/"  # the providers' webhooks (controllers/hooks.py)
SMS_STATUS_PREFIX = "/ecom_crm/sms/status/"  # the SMS gateways' delivery reports (controllers/sms_status.py)
# the paths whose bodies are bounded, even sent chunked and form-encoded (see ir.http._pre_dispatch)
BOUNDED_PATHS = ((API, MAX_BODY), (HOOK_PREFIX, MAX_BODY), (SMS_STATUS_PREFIX, MAX_SMS_BODY))


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
                body += wrapped.stream.read(limit + 1 - len(body))
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


def bound_form_body(limit):
    """Before Odoo parses a form-encoded body (werkzeug reads one sent chunked whole, whatever its
    size): at most ``limit`` bytes are read and kept for the parser; a longer or broken body is not
    parsed at all (an empty form), and ``request.ecom_body_over`` / ``ecom_body_broken`` say why (a body
    cut short too)."""
    httprequest = request.httprequest
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


def discard_body(length, block=64 * 1024):
    """Read and drop a body of ``length`` bytes the request declared, so that the answer is not
    met by a connection reset (a server that closes with bytes unread resets the connection)."""
    stream = request.httprequest._HTTPRequest__wrapped.stream
    try:
        while length > 0 and (chunk := stream.read(min(block, length))):
            length -= len(chunk)
    except (OSError, ValueError, ClientDisconnected):
        request.ecom_body_broken = True
