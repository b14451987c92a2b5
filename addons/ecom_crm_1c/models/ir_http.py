from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound

from odoo import SUPERUSER_ID, models
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

    @classmethod
    def _handle_error(cls, exception):
        """A path under the exchange's (``/1c_exchange/…``: a mistyped address in 1C's settings) hears «failure»
        and where the exchange is, in the store's language, as 1C hears every refusal; not Odoo's HTML 404."""
        path = request.httprequest.path if request else ""
        if isinstance(exception, NotFound) and path.startswith(tuple(f"{route}/" for route in ROUTES)):
            env = request.env(user=SUPERUSER_ID, su=True)
            env = env(context={**env.context, "lang": env["ecom.1c.exchange"]._store_language(env.company)})
            reason = env._("no such address: 1C's exchange is at %s", ROUTES[0])
            return request.make_response(f"failure\n{reason}\n", headers=[
                ("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")])
        return super()._handle_error(exception)
