from odoo import fields, models


class Ecom1cStatusMap(models.Model):
    """What a 1C order status means for the Odoo order."""

    _name = "ecom.1c.status.map"
    _description = "1C order status mapping"
    _order = "name"

    name = fields.Char("1C status", required=True, help="As 1C writes it in «Статус заказа», e.g. «Отгружен».")
    action = fields.Selection(
        [("none", "Only record it"), ("lock", "Lock the order (fulfilled)"), ("cancel", "Cancel the order")],
        default="none", required=True)

    _sql_constraints = [("name_unique", "UNIQUE(name)", "A 1C status is mapped once.")]
