from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EcomOrderNotification(models.Model):
    """What the customer is sent when an order reaches a status (confirmed, paid, shipped...)."""

    _name = "ecom.order.notification"
    _description = "Order status notification"
    _order = "company_id, sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    status = fields.Selection(selection="_selection_status", string="Order status", required=True)
    mail_template_id = fields.Many2one(
        "mail.template", "Email template", domain=[("model", "=", "sale.order")], ondelete="set null")
    sms_template_id = fields.Many2one(
        "sms.template", "SMS template", domain=[("model", "=", "sale.order")], ondelete="set null")
    company_id = fields.Many2one(
        "res.company", "Company", help="Empty: every company without its own rule for this status.")

    @api.constrains("status", "company_id", "active")
    def _check_one_per_status(self):
        for rule in self.filtered("active"):
            if self.search_count([("status", "=", rule.status), ("company_id", "=", rule.company_id.id),
                                  ("id", "!=", rule.id)]):
                raise ValidationError(self.env._("There is already a notification for this order status."))

    @api.model
    def _selection_status(self):
        # the labels in the reader's language: Odoo translates a selection given as a list by its
        # field, not one a method returns
        return self.env["sale.order"]._fields["ecom_status"]._description_selection(self.env)

    @api.depends("status", "company_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        labels = dict(self._selection_status())
        for rule in self:
            rule.display_name = labels.get(rule.status, rule.status or "")

    @api.model
    def _ecom_rules(self, company_ids, statuses):
        """{(company_id, status): rule} of the rules that send something; a company's own rule (even one
        without templates: it mutes the shared one) wins over the shared one."""
        rules = self.sudo().search([("company_id", "in", [*company_ids, False]), ("status", "in", list(statuses))])
        result = {}
        for rule in rules.sorted(lambda r: bool(r.company_id)):  # shared first, overwritten by own
            for company_id in ([rule.company_id.id] if rule.company_id else company_ids):
                result[company_id, rule.status] = rule
        return {key: rule for key, rule in result.items() if rule.mail_template_id or rule.sms_template_id}
