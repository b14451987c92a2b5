import hmac
import logging

from psycopg2 import OperationalError

from odoo.http import Controller, request, route

from ..tools import sms_gateways

_logger = logging.getLogger(__name__)


class EcomSmsStatusController(Controller):
    """Delivery statuses pushed by SMS.ru and SMSC.ru (the URL is shown in the settings).

    The token in the URL identifies the company; the answer is the provider's protocol answer
    (SMS.ru retries until it reads ``100``), plain text, never an HTML page.
    """

    # every method is taken and the wrong ones answered here: Odoo's router would answer an HTML page
    @route("/ecom_crm/sms/status/<string:gateway>/<string:token>", type="http", auth="public",
           methods=None, csrf=False, save_session=False)
    def ecom_sms_status(self, gateway, token, **params):
        if request.httprequest.method not in ("GET", "POST"):
            return request.make_response("use GET or POST", [("Content-Type", "text/plain"), ("Allow", "GET, POST")],
                                         status=405)
        if getattr(request, "ecom_body_over", False) or getattr(request, "ecom_body_broken", False):
            # a report over MAX_SMS_BODY or cut off (see ir.http._pre_dispatch): not read, the provider sends again
            status = 413 if getattr(request, "ecom_body_over", False) else 400
            return request.make_response("bad request body", [("Content-Type", "text/plain")], status=status)
        client_cls = sms_gateways.GATEWAYS.get(gateway)
        # a NUL character (``%00`` in the URL) is no token, and PostgreSQL refuses it in a query
        company = request.env["res.company"].sudo().search(
            [("ecom_sms_gateway", "=", gateway), ("ecom_sms_callback_token", "=", token)], limit=1) \
            if client_cls and token and "\x00" not in token else None
        if not company or not hmac.compare_digest(company.ecom_sms_callback_token, token):
            return request.make_response("unknown callback", [("Content-Type", "text/plain")], status=403)
        client = company._ecom_sms_client()
        try:
            statuses = client.parse_callback(params) or []
            with request.env.cr.savepoint():  # a report is applied whole or not at all
                request.env["sms.sms"].sudo()._ecom_apply_statuses(company, gateway, statuses)
        except OperationalError:
            raise  # a concurrency error: Odoo retries the whole request (ir.http answers 503 past its retries)
        except Exception:
            _logger.exception("SMS status callback of %s could not be applied", gateway)
            return request.make_response("error", [("Content-Type", "text/plain")], status=503)
        return request.make_response(client.callback_answer, [("Content-Type", "text/plain")])
