from odoo import fields, models

from .ecom_recurring_task import PRIORITIES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    ecom_priority = fields.Selection(PRIORITIES, "Priority", default="0",
                                     help="Set by recurring tasks: how urgent the task is.")
