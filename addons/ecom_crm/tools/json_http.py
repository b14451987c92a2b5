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
