from psycopg2 import OperationalError
from werkzeug.exceptions import HTTPException

from odoo import models
from odoo.http import request

from ..tools.json_http import BOUNDED_PATHS, SMS_STATUS_PREFIX, bound_form_body, drain_after, error, intake_path


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """The intake API's, the webhooks' and the SMS callbacks' bodies are bounded before Odoo
        parses a form-encoded one: werkzeug reads a form sent chunked (no Content-Length) whole,
        and one over 10 MB with a length is Odoo's HTML 413 (see tools/json_http.bound_form_body)."""
        super()._pre_dispatch(rule, args)
        path = request.httprequest.path
        limit = next((limit for prefix, limit in BOUNDED_PATHS if path.startswith(prefix)), None)
        if limit is not None:
            bound_form_body(limit)

    @classmethod
    def _post_dispatch(cls, response):
        """Every answer of the intake API, the webhooks and the SMS callbacks reads what the request's body still
        holds unread once it is sent (a refusal before the body's end: over the limit, a bad key, a wrong path):
        the client, which sends its body whole first, hears the answer rather than a connection reset (see
        tools/json_http.drain_after)."""
        super()._post_dispatch(response)
        if intake_path(request.httprequest.path):
            drain_after(response)

    @classmethod
    def _handle_error(cls, exception):
        """The intake API and the providers' webhooks answer JSON whatever fails, even around their
        own code: a concurrency error Odoo's retries could not overcome is a 503 to retry, an HTTP
        error its own status, anything else a JSON 500, never Odoo's HTML page. The SMS gateways'
        delivery reports get the same in plain text. The body the request left unread is read once the answer is
        sent, as after a controller's answer (:meth:`_post_dispatch`)."""
        path = request.httprequest.path if request else ""
        if intake_path(path):
            return drain_after(cls._ecom_error(path, exception))
        return super()._handle_error(exception)

    @classmethod
    def _ecom_error(cls, path, exception):
        """The answer of :meth:`_handle_error` on an intake path (see :func:`~..tools.json_http.intake_path`)."""
        if f"{path.rstrip('/')}/".startswith(SMS_STATUS_PREFIX):  # the reports' root too: no gateway named
            busy = isinstance(exception, OperationalError)
            if not busy and isinstance(exception, HTTPException) and exception.code:  # e.g. no such URL: 404
                return request.make_response(exception.name, status=exception.code,
                                             headers=[("Content-Type", "text/plain; charset=utf-8")])
            return request.make_response(
                "busy, retry" if busy else "error", status=503,
                headers=[("Content-Type", "text/plain; charset=utf-8"), *([("Retry-After", "1")] if busy else [])])
        # the API's and the webhooks' paths, the version left out or mistyped and the webhooks' root too
        if isinstance(exception, OperationalError):
            return error(503, "busy", "concurrent requests about the same customer or team: retry",
                         headers=[("Retry-After", "1")])
        if isinstance(exception, HTTPException) and exception.code:
            return error(exception.code, "http_error", exception.description or exception.name)
        return error(500, "internal_error", exception.__class__.__name__)
