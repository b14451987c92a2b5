from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecom_1c_id = fields.Char("1C id", index="btree_not_null", copy=False, readonly=True,
                             help="Ид of the counterparty in 1C, for customers of orders created in 1C.")
