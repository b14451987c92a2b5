from odoo import fields, models

from .ecom_recurring_task import PRIORITIES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    ecom_priority = fields.Selection(PRIORITIES, "Priority", default="0",
                                     help="Set by recurring tasks: how urgent the task is.")
    ecom_call_id = fields.Many2one("ecom.call", "Call to return", index="btree_not_null", ondelete="set null",
                                   readonly=True,
                                   help="The missed call (or the call not answered) this activity asks to return: "
                                        "done by itself when the customer is reached.")
