from odoo import fields, models, tools


class EcomCustomerTimeline(models.Model):
    """One line per event of a customer's life with the store: requests, orders, calls, messages."""

    _name = "ecom.customer.timeline"
    _description = "Customer timeline"
    _auto = False
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    date = fields.Datetime(readonly=True)
    kind = fields.Selection(
        [("request", "Request"), ("order", "Order"), ("call", "Call"), ("message", "Message")], readonly=True)
    name = fields.Char("What", readonly=True)
    call_direction = fields.Selection([("in", "Incoming"), ("out", "Outgoing")], "Call", readonly=True)
    call_state = fields.Selection(
        [("ringing", "Ringing"), ("answered", "Answered"), ("missed", "Missed"), ("finished", "Finished")],
        "Call status", readonly=True)
    amount = fields.Float(readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # ids: kind in the last digit keeps them unique across the union; a call's direction and status
        # are columns of their own (a label in the SQL would be English in every language)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT l.id * 10 + 1 AS id, p.commercial_partner_id AS partner_id, l.create_date AS date,
                       'request' AS kind, l.name AS name, l.expected_revenue AS amount,
                       'crm.lead' AS res_model, l.id AS res_id, l.user_id AS user_id, l.company_id AS company_id,
                       NULL::varchar AS call_direction, NULL::varchar AS call_state
                  FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                UNION ALL
                SELECT so.id * 10 + 2, p.commercial_partner_id, so.date_order, 'order', so.name, so.amount_total,
                       'sale.order', so.id, so.user_id, so.company_id, NULL, NULL
                  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state IN ('sale', 'sent', 'draft')
                UNION ALL
                SELECT c.id * 10 + 3, p.commercial_partner_id, c.started_at, 'call', c.caller,
                       c.duration, 'ecom.call', c.id, coalesce(l.user_id, c.user_id, cp.user_id), c.company_id,
                       c.direction, c.state
                  FROM ecom_call c JOIN res_partner p ON p.id = c.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  LEFT JOIN crm_lead l ON l.id = c.lead_id
                UNION ALL
                SELECT m.id * 10 + 4, p.commercial_partner_id, m.date, 'message',
                       coalesce(nullif(m.subject, ''), left(regexp_replace(m.body, '<[^>]*>', '', 'g'), 120)),
                       0, m.model, m.res_id, cp.user_id, p.company_id, NULL, NULL
                  FROM mail_message m JOIN res_partner p ON p.id = m.res_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE m.model = 'res.partner' AND m.message_type IN ('comment', 'email')
            )
        """)
