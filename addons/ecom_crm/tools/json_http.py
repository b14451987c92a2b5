"""JSON answers of the intake API (odoo.http's request; no model)."""

import json

from odoo.http import request

API = "/ecom_crm/api/v1"


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
    concurrency error reads the same body."""
    httprequest = request.httprequest
    length = httprequest.content_length
    if length is not None and length > limit:
        return None
    wrapped = getattr(httprequest, "_HTTPRequest__wrapped", None)  # odoo.http.HTTPRequest's werkzeug request
    if wrapped is None:  # not Odoo 18's request: werkzeug's own, unbounded
        body = httprequest.get_data(parse_form_data=False)
    else:
        body = getattr(wrapped, "_cached_data", None)
        if body is None:
            body = wrapped.stream.read(limit + 1)
            if len(body) <= limit:
                wrapped._cached_data = body
    return body if len(body) <= limit else None
