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
    # what makes the activity a call back, kept on it: a sales manager deleting the call (a duplicate, a
    # test call) leaves it on the list, done by itself all the same when the customer is reached
    ecom_call_at = fields.Datetime("Call returned at", readonly=True, index="btree_not_null",
                                   help="When the call this activity returns began (the last one, when the "
                                        "customer called several times): a call back.")
    ecom_call_partner_id = fields.Many2one("res.partner", "Customer to call back", readonly=True,
                                           index="btree_not_null", ondelete="set null")
    ecom_call_company_id = fields.Many2one("res.company", "Company of the call", readonly=True, ondelete="set null")
