import time

from odoo import api, fields, models
from odoo.tools import SQL

from ..scoring import classify, score


class EcomScoringRun(models.Model):
    """One run of the daily customer scoring, with what it found."""

    _name = "ecom.scoring.run"
    _description = "Customer scoring run"
    _order = "date desc, id desc"

    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    duration = fields.Float("Duration (s)", readonly=True)
    partner_count = fields.Integer("Customers scored", readonly=True)
    growth_count = fields.Integer("Growth", readonly=True)
    risk_count = fields.Integer("At risk", readonly=True)
    watch_count = fields.Integer("Watch", readonly=True)

    @api.depends("date", "partner_count")
    def _compute_display_name(self):
        for run in self:
            run.display_name = fields.Datetime.to_string(run.date)

    @api.model
    def _cron_score_customers(self):
        return self._score_customers()

    @api.model
    def _score_customers(self):
        """Score every customer with confirmed orders, set-based: quintiles in SQL, groups in Python."""
        started = time.perf_counter()
        self.env["sale.order"].flush_model(["state", "date_order", "amount_total", "partner_id", "company_id",
                                            "currency_rate"])
        self.env.cr.execute(SQL("""
            WITH stats AS (  -- the company's customers (see ecom.customer.order.stats)
                SELECT partner_id, last_order, order_count AS orders, revenue
                  FROM ecom_customer_order_stats
                 WHERE company_id = %(company)s
            )
            SELECT partner_id,
                   LEAST(5, width_bucket(percent_rank() OVER (ORDER BY last_order), 0, 1, 5)),
                   LEAST(5, width_bucket(percent_rank() OVER (ORDER BY orders), 0, 1, 5)),
                   LEAST(5, width_bucket(percent_rank() OVER (ORDER BY revenue), 0, 1, 5))
              FROM stats
        """, company=self.env.company.id))
        rows = self.env.cr.fetchall()
        ids, rec, freq, mon, scores, groups = [], [], [], [], [], []
        counts = dict.fromkeys(("growth", "risk", "watch"), 0)
        for partner_id, r, f, m in rows:
            group = classify(r, f, m)
            counts[group] += 1
            ids.append(partner_id)
            rec.append(r)
            freq.append(f)
            mon.append(m)
            scores.append(score(r, f, m))
            groups.append(group)
        today = fields.Date.context_today(self)
        self.env["res.partner"].flush_model()
        self.env.cr.execute(SQL("""
            UPDATE res_partner p
               SET ecom_recency = v.r, ecom_frequency = v.f, ecom_monetary = v.m, ecom_score = v.s,
                   ecom_group = v.g, ecom_scored_on = %(today)s
              FROM unnest(%(ids)s::int[], %(r)s::int[], %(f)s::int[], %(m)s::int[], %(s)s::int[], %(g)s::varchar[])
                   AS v(id, r, f, m, s, g)
             WHERE p.id = v.id
        """, ids=ids, r=rec, f=freq, m=mon, s=scores, g=groups, today=today))
        # customers who no longer have confirmed orders lose their score
        self.env.cr.execute(SQL("""
            UPDATE res_partner SET ecom_recency = NULL, ecom_frequency = NULL, ecom_monetary = NULL,
                   ecom_score = NULL, ecom_group = NULL, ecom_scored_on = NULL
             WHERE ecom_group IS NOT NULL AND NOT (id = ANY(%(ids)s::int[]))
        """, ids=ids))
        self.env["res.partner"].invalidate_model(
            ["ecom_recency", "ecom_frequency", "ecom_monetary", "ecom_score", "ecom_group", "ecom_scored_on"])
        return self.create({
            "duration": round(time.perf_counter() - started, 3), "partner_count": len(ids),
            "growth_count": counts["growth"], "risk_count": counts["risk"], "watch_count": counts["watch"],
        })
