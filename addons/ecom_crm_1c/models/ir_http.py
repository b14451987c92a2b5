from werkzeug.datastructures import ImmutableMultiDict

from odoo import models
from odoo.http import request

ROUTES = ["/1c_exchange", "/bitrix/admin/1c_exchange.php"]  # 1C's exchange (controllers/exchange.py)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        super()._pre_dispatch(rule, args)
        if rule.rule in ROUTES:
            # 1C sends a file's bytes as the request's body, whatever its Content-Type says (curl says
            # application/x-www-form-urlencoded): Odoo would read such a body as form fields before the
            # exchange sees it, and the file's bytes would be gone. The exchange's parameters are in
            # the query string; its body is read raw (mode=file).
            request.httprequest.form = ImmutableMultiDict()
            request.httprequest.files = ImmutableMultiDict()
