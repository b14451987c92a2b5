from odoo import fields, models
from odoo.addons.ecom_crm.models.sale_order import ORDER_STATUSES


class Ecom1cStatusMap(models.Model):
    """What a 1C order status means for the Odoo order."""

    _name = "ecom.1c.status.map"
    _description = "1C order status mapping"
    _order = "name"

    name = fields.Char(
        "1C status", required=True,
        help="As 1C writes it in «Статус заказа», e.g. «Отгружен», or the site's status code 1C sends in "
             "«Статуса заказа ИД», e.g. «P». When 1C sends both, the code is taken if it is in this table, "
             "else the name.")
    action = fields.Selection(
        [("none", "Only record it"), ("lock", "Lock the order (fulfilled)"), ("cancel", "Cancel the order")],
        default="none", required=True)
    ecom_status = fields.Selection(
        ORDER_STATUSES, "Store status",
        help="The store status the order takes when 1C sends this status (the customer is notified and "
             "the shop told as for a status set by hand). Empty: the paid and shipped marks of 1C still "
             "move the order to paid and shipped.")
    return_reason_id = fields.Many2one(
        "crm.lost.reason", "Refusal reason",
        help="For «Refused at delivery»: the reason recorded (default: refused at delivery).")

    _sql_constraints = [("name_unique", "UNIQUE(name)", "A 1C status is mapped once.")]
