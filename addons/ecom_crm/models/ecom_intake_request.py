from odoo import fields, models


class EcomIntakeRequest(models.Model):
    """The journal of every incoming request, from every channel (API, calls, email), as it came."""

    _name = "ecom.intake.request"
    _description = "Incoming request"
    _order = "id desc"
    _rec_name = "id"

    channel = fields.Selection(
        [("api", "Site / API"), ("call", "Phone call"), ("email", "Email")], required=True, default="api")
    source_id = fields.Many2one("ecom.intake.source", "API source", index=True, ondelete="set null")
    idempotency_key = fields.Char(index=True)
    lead_id = fields.Many2one("crm.lead", "Request", index="btree_not_null", ondelete="set null")
    partner_id = fields.Many2one("res.partner", "Customer", index="btree_not_null", ondelete="set null")
    result = fields.Selection(
        [("created", "New request"), ("updated", "Added to an open request")], readonly=True)
    repeat_customer = fields.Boolean("Repeat customer", readonly=True)
    new_customer = fields.Boolean("New customer", readonly=True)
    contact_name = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    message = fields.Text(readonly=True)
    utm_source_id = fields.Many2one("utm.source", "Channel", readonly=True)
    utm_medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    utm_campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    click_id = fields.Char("Click id", readonly=True)
    referrer = fields.Char(readonly=True)
    amount = fields.Float(readonly=True)
    payload = fields.Json(readonly=True, groups="sales_team.group_sale_manager")
    remote_addr = fields.Char("From address", readonly=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)

    _sql_constraints = [
        ("idempotency_unique", "UNIQUE(source_id, idempotency_key)",
         "A source cannot send the same idempotency key twice."),
    ]

    def init(self):
        # the rate limit counts a source's requests of the last minute
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS ecom_intake_request_source_date_idx
                ON ecom_intake_request (source_id, create_date)
        """)
