from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmLostReason(models.Model):
    _inherit = "crm.lost.reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10, help="The order of the reasons in the refusal dialog.")
    company_id = fields.Many2one(
        "res.company", "Company", index=True,
        help="Leave empty to share the reason between all companies.")
    ecom_after_order = fields.Boolean(
        "After the order", help="The customer refused after ordering (at payment or delivery): "
                                "reported as a late refusal.")

    @api.constrains("active", "company_id")
    def _check_ecom_max_active(self):
        """Keep the list short enough to pick from: at most N active reasons per company.

        Not while installing: a database that already has more reasons still installs the
        addon, and its admins archive the extra ones when they next edit the list. Only while the
        modules load: ``install_mode`` alone is a context any RPC call may give.
        """
        if self.env.context.get("install_mode") and not self.env.registry.ready:
            return
        shared = self.filtered(lambda r: r.active and not r.company_id)
        companies = self.env["res.company"].sudo().search([]) if shared else self.filtered("active").company_id
        self._ecom_check_limit(companies)

    @api.model
    def _ecom_check_limit(self, companies):
        for company in companies.sudo():
            count = self.sudo().search_count(
                [("active", "=", True), ("company_id", "in", (False, company.id))])
            if count > company.ecom_max_lost_reasons:
                raise ValidationError(_(
                    "%(company)s may have at most %(max)s active refusal reasons (%(count)s now): "
                    "archive one first, or raise the limit in CRM settings.",
                    company=company.name, max=company.ecom_max_lost_reasons, count=count))

    # ------------------------------------------------------------------ win-back
    ecom_winback_rule = fields.Selection(
        [("back_in_stock", "When back in stock"), ("price_drop", "When the price drops or a promotion starts"),
         ("retry", "Retry on a schedule")],
        string="Win-back rule",
        help="What the CRM does for the requests lost for this reason, once per request, until the customer "
             "orders: a task for the manager (and optionally a message to the customer) when the product is back "
             "in stock, when its price drops or a promotion starts, or contact retries on a schedule.")
    ecom_winback_retry_days = fields.Integer(
        "Retry every (days)", default=3, help="Days between two attempts; the first one that many days after the "
                                               "refusal.")
    ecom_winback_max_attempts = fields.Integer("Maximum attempts", default=3)
    ecom_winback_activity_type_id = fields.Many2one(
        "mail.activity.type", "Task for the manager",
        help="The activity given to the request's salesperson; «Win back» when empty.")
    ecom_winback_mail_template_id = fields.Many2one(
        "mail.template", "Email to the customer", domain=[("model", "=", "crm.lead")],
        help="Optional: sent to the customer when the rule fires (not to customers who asked not to be "
             "disturbed or whose email is blacklisted).")
    ecom_winback_sms_template_id = fields.Many2one(
        "sms.template", "SMS to the customer", domain=[("model", "=", "crm.lead")],
        help="Optional: sent to the customer when the rule fires (not to customers who asked not to be "
             "disturbed or whose phone is blacklisted).")
    ecom_winback_window_days = fields.Integer(
        "Won back within (days)", default=90,
        help="An order of the customer within this many days after the rule fired counts as won back.")
    ecom_winback_count = fields.Integer("Followed requests", compute="_compute_ecom_winback_stats")
    ecom_winback_fired_count = fields.Integer("Rule fired", compute="_compute_ecom_winback_stats")
    ecom_winback_won_count = fields.Integer("Won back", compute="_compute_ecom_winback_stats")
    ecom_winback_revenue = fields.Monetary("Won back revenue", compute="_compute_ecom_winback_stats",
                                           currency_field="ecom_currency_id")
    ecom_winback_rate = fields.Float("Recovery rate (%)", compute="_compute_ecom_winback_stats", digits=(16, 1),
                                     help="Requests won back out of those the rule fired for.")
    ecom_currency_id = fields.Many2one("res.currency", compute="_compute_ecom_winback_stats")

    @api.depends_context("company")
    def _compute_ecom_winback_stats(self):
        stats = self.env["ecom.winback"]._ecom_recovery_stats(self.ids, self.env.company)
        for reason in self:
            count, fired, won, revenue = stats.get(reason.id, (0, 0, 0, 0.0))
            reason.ecom_winback_count = count
            reason.ecom_winback_fired_count = fired
            reason.ecom_winback_won_count = won
            reason.ecom_winback_revenue = revenue
            reason.ecom_winback_rate = 100.0 * won / fired if fired else 0.0
            reason.ecom_currency_id = self.env.company.currency_id

    def action_ecom_view_winbacks(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "ecom.winback", "view_mode": "list,pivot,form",
                "name": _("Win-back of «%s»", self.name), "domain": [("reason_id", "=", self.id)]}
