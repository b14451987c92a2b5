"""Where the status webhook listens: the foundation's hooks of crm.lead and sale.order.

The hooks are declared (empty) in crm_lead.py and sale_order.py; an override in the same class
would replace them instead of extending them, hence these small extensions, loaded after them."""

from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _ecom_stage_changed(self, previous):
        res = super()._ecom_stage_changed(previous)
        self.env["ecom.webhook.delivery"].sudo()._enqueue_lead_events(self, previous)
        return res


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _ecom_status_changed(self, events):
        res = super()._ecom_status_changed(events)
        self.env["ecom.webhook.delivery"].sudo()._enqueue_order_events(events)
        return res
