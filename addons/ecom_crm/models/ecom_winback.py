import logging
from datetime import timedelta

from markupsafe import escape
from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from .ecom_report_mixin import flush_order_refunds, order_refunds

_logger = logging.getLogger(__name__)

RULES = [("back_in_stock", "When back in stock"), ("price_drop", "When the price drops or a promotion starts"),
         ("retry", "Retry on a schedule")]


class EcomWinback(models.Model):
    """The follow-up of one lost request by its reason's win-back rule.

    Started when the request is lost for a reason that has a rule, with what the request was
    about (its products, their stock and price at the refusal). A scheduled job evaluates every
    waiting follow-up set-based: it stops those whose customer ordered since the refusal (or
    whose request was restored), fires those whose condition is met, once (a retry rule fires
    once per attempt, up to its maximum), and records the orders that won the customer back."""

    _name = "ecom.winback"
    _description = "Win-back of a lost request"
    _order = "date_refused desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", "Request", required=True, readonly=True, ondelete="cascade",
                              context={"active_test": False})
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True, index=True)
    reason_id = fields.Many2one("crm.lost.reason", "Refusal reason", required=True, readonly=True, index=True,
                                ondelete="cascade")
    rule = fields.Selection(RULES, "Rule", required=True, readonly=True)
    company_id = fields.Many2one("res.company", "Company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_refused = fields.Datetime("Refused on", required=True, readonly=True)
    state = fields.Selection(
        [("waiting", "Waiting"), ("done", "Done"), ("ordered", "Customer ordered"), ("cancelled", "Cancelled")],
        "Status", default="waiting", required=True, readonly=True, index=True,
        help="Waiting: the rule has not fired (or has attempts left); Done: it fired; Customer ordered: the "
             "customer ordered before it was done; Cancelled: the request was restored.")
    attempts = fields.Integer("Attempts", readonly=True)
    next_date = fields.Datetime("Next attempt", readonly=True)
    date_fired = fields.Datetime("Fired on", readonly=True, help="When the rule first fired.")
    line_ids = fields.One2many("ecom.winback.line", "winback_id", "Products", readonly=True)
    won_order_id = fields.Many2one("sale.order", "Order won back", readonly=True, index="btree_not_null",
                                   ondelete="set null")
    won_amount = fields.Monetary("Revenue won back", readonly=True,
                                 help="The customer's confirmed orders within the reason's window after the rule "
                                      "fired, in the company's currency.")

    _sql_constraints = [
        ("lead_unique", "UNIQUE(lead_id)", "A request is followed by one win-back only."),
    ]

    # ---------------------------------------------------------------- start
    @api.model
    def _ecom_start(self, leads):
        """Follow the lost ``leads`` whose reason has a rule (once per request: a request lost
        again keeps its follow-up if it fired, else it starts again with its new reason)."""
        leads = leads.filtered(lambda lead: not lead.active and lead.lost_reason_id.ecom_winback_rule)
        if not leads:
            return self.browse()
        existing = self.search([("lead_id", "in", leads.ids)])
        fired = existing.filtered("date_fired")
        (existing - fired).unlink()
        leads -= fired.lead_id
        products = leads._ecom_winback_products()
        quantities = self.env["product.product"].browse(
            {p.id for ps in products.values() for p in ps})._ecom_available_quantities()
        now = fields.Datetime.now()
        vals_list = []
        for lead in leads:
            reason = lead.lost_reason_id
            vals = {
                "lead_id": lead.id, "partner_id": lead.partner_id.commercial_partner_id.id,
                "reason_id": reason.id, "rule": reason.ecom_winback_rule,
                "company_id": (lead.company_id or self.env.company).id, "date_refused": lead.date_closed or now,
                "line_ids": [fields.Command.create({
                    "product_id": product.id, "qty_at_refusal": quantities.get(product.id, 0.0),
                    "price_at_refusal": product.lst_price}) for product in products.get(lead, ())],
            }
            if reason.ecom_winback_rule == "retry":
                vals["next_date"] = (lead.date_closed or now) + timedelta(days=max(reason.ecom_winback_retry_days, 0))
            vals_list.append(vals)
        return self.sudo().create(vals_list)

    # -------------------------------------------------------------- the job
    @api.model
    def _cron_evaluate(self):
        """Evaluate every waiting follow-up: a few set-based queries whatever their number, then
        the tasks of those that fire created together."""
        self._ecom_stop()
        due = self._ecom_due()
        due._ecom_fire()
        self._ecom_record_recoveries()
        return due

    def _ecom_flush(self):
        self.env["sale.order"].flush_model(["state", "date_order", "partner_id", "company_id", "amount_total",
                                            "currency_rate", "ecom_status"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["crm.lead"].flush_model(["active", "lost_reason_id"])
        self.env["product.template"].flush_model(["list_price", "categ_id"])
        self.env["product.product"].flush_model(["product_tmpl_id", "product_template_attribute_value_ids"])
        self.env["product.template.attribute.value"].flush_model(["price_extra"])
        self.env["product.pricelist.item"].flush_model()
        self.env["product.pricelist"].flush_model(["active"])
        self.flush_model()
        self.env["ecom.winback.line"].flush_model()

    @api.model
    def _ecom_stop(self):
        """Stop the waiting follow-ups whose customer placed a confirmed order since the refusal,
        and cancel those whose request is no longer lost."""
        self._ecom_flush()
        self.env.cr.execute(SQL("""
            UPDATE ecom_winback w SET state = 'ordered', next_date = NULL
             WHERE w.state = 'waiting'
               AND EXISTS (SELECT 1 FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                            WHERE p.commercial_partner_id = w.partner_id AND so.company_id = w.company_id
                              AND so.state = 'sale' AND so.date_order >= w.date_refused)
        """))
        ordered = self.env.cr.rowcount
        self.env.cr.execute(SQL("""
            UPDATE ecom_winback w SET state = 'cancelled', next_date = NULL
              FROM crm_lead l
             WHERE l.id = w.lead_id AND w.state = 'waiting'
               AND (l.active OR l.lost_reason_id IS DISTINCT FROM w.reason_id)
        """))
        self.invalidate_model(["state", "next_date"])
        return ordered

    @api.model
    def _ecom_due(self):
        """The waiting follow-ups whose condition is met now."""
        self._ecom_flush()
        now = fields.Datetime.now()
        # products followed for their stock: their quantities from the stock source(s), in one go
        self.env.cr.execute(SQL("""
            SELECT DISTINCT l.product_id FROM ecom_winback_line l JOIN ecom_winback w ON w.id = l.winback_id
             WHERE w.state = 'waiting' AND w.rule = 'back_in_stock'
        """))
        product_ids = [row[0] for row in self.env.cr.fetchall()]
        quantities = self.env["product.product"].browse(product_ids)._ecom_available_quantities()
        in_stock = [pid for pid, qty in quantities.items() if qty > 0]
        stock_ids = []
        if in_stock:
            self.env.cr.execute(SQL("""
                SELECT DISTINCT w.id FROM ecom_winback w JOIN ecom_winback_line l ON l.winback_id = w.id
                  JOIN unnest(%(ids)s::int[], %(qty)s::float8[]) AS q(product_id, qty) ON q.product_id = l.product_id
                 WHERE w.state = 'waiting' AND w.rule = 'back_in_stock'
                   AND q.qty > greatest(coalesce(l.qty_at_refusal, 0), 0)
            """, ids=in_stock, qty=[quantities[pid] for pid in in_stock]))
            stock_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(SQL("""
            SELECT DISTINCT w.id FROM ecom_winback w
              JOIN ecom_winback_line l ON l.winback_id = w.id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE w.state = 'waiting' AND w.rule = 'price_drop'
               AND (pt.list_price + coalesce((
                        SELECT sum(v.price_extra) FROM product_variant_combination c
                          JOIN product_template_attribute_value v ON v.id = c.product_template_attribute_value_id
                         WHERE c.product_product_id = pp.id), 0) < l.price_at_refusal
                    OR EXISTS (SELECT 1 FROM product_pricelist_item i
                                 JOIN product_pricelist pl ON pl.id = i.pricelist_id AND pl.active
                                WHERE i.date_start > w.date_refused AND i.date_start <= %(now)s
                                  AND (i.date_end IS NULL OR i.date_end >= %(now)s)
                                  AND (pl.company_id IS NULL OR pl.company_id = w.company_id)
                                  AND (i.applied_on = '3_global'
                                       OR (i.applied_on = '2_product_category' AND i.categ_id = pt.categ_id)
                                       OR (i.applied_on = '1_product' AND i.product_tmpl_id = pt.id)
                                       OR (i.applied_on = '0_product_variant' AND i.product_id = pp.id))))
             UNION
            SELECT w.id FROM ecom_winback w
             WHERE w.state = 'waiting' AND w.rule = 'retry' AND w.next_date <= %(now)s
        """, now=now))
        return self.browse(sorted(set(stock_ids) | {row[0] for row in self.env.cr.fetchall()}))

    def _ecom_fire(self):
        """Fire the rule of these follow-ups: a task for the manager of each request (created
        together), the optional message to the customer, and the follow-up moves on: done, or,
        for retries, its next attempt until the last."""
        self = self._ecom_still_there()  # those deleted meanwhile left out
        if not self:
            return
        now = fields.Datetime.now()
        default_type = self.env.ref("ecom_crm.mail_activity_type_winback")
        lead_model = self.env["ir.model"]._get_id("crm.lead")
        activities = []
        for winback in self:
            lead = winback.lead_id
            reason = winback.reason_id
            user = lead._ecom_responsible()
            if not user:
                continue
            activity_type = reason.ecom_winback_activity_type_id or default_type
            env = self.with_context(lang=user.lang or self.env.lang).env
            activities.append({
                "res_model_id": lead_model, "res_id": lead.id, "user_id": user.id,
                "activity_type_id": activity_type.id,
                "date_deadline": fields.Date.context_today(self),
                "summary": winback.with_env(env)._ecom_summary(),
                "note": escape(winback.with_env(env)._ecom_note()),
            })
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activities)
        sent = set()
        sms_queued = [winback._ecom_message_customer(sent) for winback in self]
        if any(sms_queued):  # the SMS queue sends them once this run is committed, not in an hour
            cron = self.env.ref("sms.ir_cron_sms_scheduler_action", raise_if_not_found=False)
            if cron:  # else the SMS wait for whatever sends the queue
                cron.sudo()._trigger()
        for winback in self:
            reason = winback.reason_id
            vals = {"attempts": winback.attempts + 1, "date_fired": winback.date_fired or now}
            if winback.rule == "retry" and vals["attempts"] < max(reason.ecom_winback_max_attempts, 1):
                vals["next_date"] = now + timedelta(days=max(reason.ecom_winback_retry_days, 1))
            else:
                vals.update(state="done", next_date=False)
            winback.write(vals)

    def _ecom_still_there(self):
        """These follow-ups less those whose request (or themselves) another session deleted since
        this run's snapshot, the others locked with their request until the run's end (a deletion
        now waits for it): the run fires the rest instead of failing on the vanished one when it
        writes it ("could not serialize access due to concurrent delete"), and Odoo does not run it
        again before the next hour. All at once, then, on a conflict, one by one."""
        cr = self.env.cr

        def lock(winbacks):
            cr.execute("SELECT id FROM crm_lead WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",
                       [winbacks.lead_id.ids], log_exceptions=False)
            cr.execute("SELECT id FROM ecom_winback WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                       [winbacks.ids], log_exceptions=False)

        if not self:
            return self
        self.flush_recordset()
        try:
            with cr.savepoint(flush=False):
                lock(self)
            return self
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            pass
        kept = self.browse()
        for winback in self:
            try:
                with cr.savepoint(flush=False):
                    lock(winback)
                kept |= winback
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                _logger.info("win-back %s skipped: its request was deleted or changed meanwhile (%s)",
                             winback.id, type(error).__name__)
        return kept

    def _ecom_summary(self):
        self.ensure_one()
        products = ", ".join(self.line_ids.product_id.mapped("display_name")[:3])
        if self.rule == "back_in_stock":
            return self.env._("Back in stock: %s", products)
        if self.rule == "price_drop":
            return self.env._("Price dropped or promotion: %s", products)
        return self.env._("Win back: attempt %(n)s of %(max)s", n=self.attempts + 1,
                          max=self.reason_id.ecom_winback_max_attempts)

    def _ecom_note(self):
        self.ensure_one()
        return self.env._("The customer refused on %(date)s for «%(reason)s»: offer again.",
                          date=fields.Date.to_string(self.date_refused.date()), reason=self.reason_id.name)

    def _ecom_message_customer(self, sent=None):
        """The reason's optional email and SMS to the customer, unless the customer is archived,
        asked not to be disturbed or that channel's address is blacklisted. ``sent``: the (template, address)
        pairs already messaged in this run, updated; another request of the same person, or a
        duplicate contact with the same email or phone, gets no second copy. True when an SMS was
        queued."""
        self.ensure_one()
        sent = set() if sent is None else sent
        reason, lead, partner = self.reason_id, self.lead_id, self.lead_id.partner_id
        if not partner or not partner.active or partner._ecom_do_not_disturb():  # archived: nobody to write to
            return False
        mail_template, sms_template = reason.ecom_winback_mail_template_id, reason.ecom_winback_sms_template_id
        # the SMS number: the mobile, else the phone, that takes SMS (as the audiences'), not Odoo's
        # sanitized number (the «Mobile» field first, a landline too)
        email, phone = partner.email_normalized, partner.ecom_sms_number
        sms_queued = False
        # a template that fails to render (a field removed since) costs its message only: the job,
        # one transaction for every follow-up, would fail every hour for all of them
        if mail_template and email and not partner.is_blacklisted and (mail_template, email) not in sent:
            try:
                with self.env.cr.savepoint():
                    lead.message_post_with_source(mail_template, message_type="comment",
                                                  subtype_xmlid="mail.mt_comment", partner_ids=partner.ids)
                sent.add((mail_template, email))
            except OperationalError:  # a lock or a serialization failure: the job's retry, not the message's
                raise
            except Exception:
                _logger.warning("Win-back email of %s could not be sent", lead, exc_info=True)
        if sms_template and phone and not partner.ecom_sms_blacklisted and (sms_template, phone) not in sent:
            try:
                with self.env.cr.savepoint():
                    # queued, not sent now: the gateway's HTTP request cannot be rolled back, and a run
                    # that dies before its commit (time limit, serialization failure) would send it again
                    lead._message_sms_with_template(template=sms_template, partner_ids=partner.ids,
                                                    sms_pid_to_number={partner.id: phone}, put_in_queue=True)
                sent.add((sms_template, phone))
                sms_queued = True
            except OperationalError:  # a lock or a serialization failure: the job's retry, not the message's
                raise
            except Exception:
                _logger.warning("Win-back SMS of %s could not be sent", lead, exc_info=True)
        return sms_queued

    @api.model
    def _ecom_record_recoveries(self):
        """Record, for each follow-up that fired, the orders that won the customer back: the
        confirmed orders of its customer within the reason's window after the rule first fired
        (the first one, and their total in the company's currency, less what their credit notes
        gave back: an order returned whole wins nobody back)."""
        self._ecom_flush()
        flush_order_refunds(self.env)
        # the refunds of the orders the recoveries below may count only (a customer's orders in
        # the window after the rule fired), not of every order they placed since
        fired_orders = SQL("""
            SELECT fso.id FROM ecom_winback fw
              JOIN crm_lost_reason fr ON fr.id = fw.reason_id
              JOIN res_partner fp ON fp.commercial_partner_id = fw.partner_id
              JOIN sale_order fso ON fso.partner_id = fp.id AND fso.company_id = fw.company_id
                                 AND fso.state = 'sale' AND fso.date_order >= fw.date_fired
                                 AND fso.date_order < fw.date_fired
                                     + make_interval(days => coalesce(fr.ecom_winback_window_days, 90))
             WHERE fw.date_fired IS NOT NULL""")
        self.env.cr.execute(SQL("""
            WITH won AS (
                SELECT w.id, min(so.id) AS order_id,
                       round(sum((so.amount_total - coalesce(rf.refunded, 0))
                                 / coalesce(nullif(so.currency_rate, 0), 1))::numeric, 2) AS amount
                  FROM ecom_winback w
                  JOIN crm_lost_reason r ON r.id = w.reason_id
                  JOIN res_partner p ON p.commercial_partner_id = w.partner_id
                  JOIN sale_order so ON so.partner_id = p.id AND so.company_id = w.company_id AND so.state = 'sale'
                  LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
                 WHERE w.date_fired IS NOT NULL AND so.date_order >= w.date_fired
                   AND NOT coalesce(rf.returned, false)  -- a returned order (as the reports): not won back
                   AND so.ecom_status IS DISTINCT FROM 'returned'  -- refused at delivery: not won back
                   AND so.date_order < w.date_fired + make_interval(days => coalesce(r.ecom_winback_window_days, 90))
              GROUP BY w.id
            ), now_won AS (  -- a recovery whose orders were since returned whole, cancelled or deleted
                SELECT fw.id, won.order_id, won.amount  -- (its order gone, its amount stayed) is none
                  FROM ecom_winback fw
                  LEFT JOIN won ON won.id = fw.id
                 WHERE won.id IS NOT NULL OR fw.won_order_id IS NOT NULL OR fw.won_amount IS NOT NULL
            )
            UPDATE ecom_winback w SET won_order_id = now_won.order_id, won_amount = now_won.amount
              FROM now_won
             WHERE w.id = now_won.id
               AND (w.won_order_id, w.won_amount) IS DISTINCT FROM (now_won.order_id, now_won.amount)
        """, refunds=order_refunds(orders=fired_orders)))
        self.invalidate_model(["won_order_id", "won_amount"])

    @api.model
    def _ecom_recovery_stats(self, reason_ids, company):
        """{reason_id: (followed, fired, won back, revenue won back)} in ``company``, in one query."""
        self.flush_model()
        self.env.cr.execute(SQL("""
            SELECT reason_id, count(*), count(date_fired), count(won_order_id), coalesce(sum(won_amount), 0)
              FROM ecom_winback
             WHERE reason_id = ANY(%s) AND company_id = %s
          GROUP BY reason_id
        """, list(reason_ids), company.id))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}


class EcomWinbackLine(models.Model):
    _name = "ecom.winback.line"
    _description = "Product of a win-back"

    winback_id = fields.Many2one("ecom.winback", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", "Product", required=True, ondelete="cascade", index=True)
    qty_at_refusal = fields.Float("Stock at the refusal", digits="Product Unit of Measure")
    price_at_refusal = fields.Float("Price at the refusal", digits="Product Price")


class CrmLead(models.Model):
    """The win-back's side of the request: started by the stage hook when a request is lost."""

    _inherit = "crm.lead"

    def _ecom_stage_changed(self, previous):
        res = super()._ecom_stage_changed(previous)
        # lost now (archived, or created lost): their reason's win-back rule follows them
        lost = self.filtered(lambda lead: not lead.active and lead.lost_reason_id.ecom_winback_rule
                             and (previous.get(lead.id) is None or previous[lead.id][1]))
        if lost:
            self.env["ecom.winback"]._ecom_start(lost)
        return res

    def _ecom_winback_products(self):
        """{lead: products}: what each request was about, its product of interest and its
        quotations' products, read for all the leads at once."""
        lines = self.env["sale.order.line"].sudo().search_read(
            [("order_id.opportunity_id", "in", self.ids), ("product_id", "!=", False), ("display_type", "=", False)],
            ["order_id", "product_id"])
        orders = {o["id"]: o["opportunity_id"][0] for o in self.env["sale.order"].sudo().with_context(
            active_test=False).search_read([("opportunity_id", "in", self.ids)], ["opportunity_id"])}
        by_lead = {}
        for line in lines:
            by_lead.setdefault(orders[line["order_id"][0]], set()).add(line["product_id"][0])
        Product = self.env["product.product"]
        return {lead: Product.browse(sorted(by_lead.get(lead.id, set()) | set(lead.ecom_product_id.ids)))
                for lead in self}
