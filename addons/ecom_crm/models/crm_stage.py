from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmStage(models.Model):
    _inherit = "crm.stage"

    ecom_required_field_ids = fields.Many2many(
        "ir.model.fields", "crm_stage_ecom_required_field_rel", "stage_id", "field_id",
        string="Required fields",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True), ('ttype', 'not in', ('one2many', 'binary'))]",
        help="A request cannot move forward into this stage while any of these fields is empty.")
    ecom_mandatory = fields.Boolean(
        "Mandatory", help="Requests moving forward may not skip this stage.")
    ecom_time_limit_hours = fields.Integer(
        "Time limit (hours)",
        help="After this many hours in the stage a request is flagged overdue and an activity is "
             "scheduled for its salesperson. 0: no limit.")
    ecom_is_refusal = fields.Boolean(
        "Refusal stage",
        help="Dropping a request here marks it lost; a refusal reason must be given.")
    ecom_order_placed = fields.Boolean(
        "Order placed",
        help="From this stage on the customer has ordered: a refusal here is a late refusal "
             "(at payment or delivery), reported apart from early ones.")

    _sql_constraints = [
        ("ecom_time_limit_positive", "CHECK(ecom_time_limit_hours >= 0)", "The time limit cannot be negative."),
    ]

    @api.constrains("is_won", "ecom_is_refusal")
    def _check_ecom_won_or_refusal(self):
        # a request dropped there would be lost at 100 %
        if self.filtered(lambda stage: stage.is_won and stage.ecom_is_refusal):
            raise ValidationError(_("A stage cannot be both a won stage and a refusal stage."))

    @api.constrains("ecom_required_field_ids")
    def _check_ecom_required_fields_of_requests(self):
        # the picker's domain is the client's only: another model's field of the same name would be checked
        # on the request as if it were the request's own
        if self.sudo().ecom_required_field_ids.filtered(lambda field: field.model != "crm.lead"):
            raise ValidationError(_("A stage's required fields must be fields of the requests."))

    @api.onchange("ecom_is_refusal")
    def _onchange_ecom_is_refusal(self):
        if self.ecom_is_refusal:
            self.is_won = False


class CrmStageNotification(models.Model):
    """The customer's notification when a request reaches the stage (once per request)."""

    _inherit = "crm.stage"

    ecom_mail_template_id = fields.Many2one(
        "mail.template", "Email to the customer", domain=[("model", "=", "crm.lead")], ondelete="set null",
        help="Sent once when a request reaches this stage (not again if it comes back).")
    ecom_sms_template_id = fields.Many2one(
        "sms.template", "SMS to the customer", domain=[("model", "=", "crm.lead")], ondelete="set null",
        help="Sent once when a request reaches this stage (not again if it comes back).")
