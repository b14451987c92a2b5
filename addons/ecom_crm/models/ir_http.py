from psycopg2 import OperationalError

from odoo import models
from odoo.http import request

from ..tools.json_http import API, error


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """The intake API answers JSON whatever fails, even around its own code: a concurrency error
        Odoo's retries could not overcome is a 503 to retry, anything else a JSON 500, never Odoo's
        HTML page."""
        if request and request.httprequest.path.startswith(API):
            if isinstance(exception, OperationalError):
                return error(503, "busy", "concurrent requests about the same customer or team: retry",
                             headers=[("Retry-After", "1")])
            return error(500, "internal_error", exception.__class__.__name__)
        return super()._handle_error(exception)
