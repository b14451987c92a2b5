import base64
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.ecom_report_mixin import flush_order_refunds, order_refunds
from ..tools import offline_conversions


class EcomOfflineConversionExport(models.TransientModel):
    """The period's sales as an offline conversion file for Yandex Metrica or Google Ads: each
    confirmed order whose request carries the visitor's id (Metrica's ClientID, a Yandex Direct
    yclid, a Google Ads gclid) becomes one conversion worth the order's total."""

    _name = "ecom.offline.conversion.export"
    _description = "Export offline conversions"

    system = fields.Selection(
        [("yandex_metrica", "Yandex Metrica"), ("google_ads", "Google Ads")], string="Ad system", required=True,
        default="yandex_metrica")
    yandex_id_type = fields.Selection(
        [("client_id", "Metrica ClientID"), ("yclid", "Yandex Direct click id (yclid)")],
        string="Identify visitors by", default="client_id", required=True,
        help="Metrica takes one kind of id per file (the upload's «client_id_type»).")
    goal = fields.Char(
        "Goal / conversion name", required=True, default="order_confirmed",
        help="Metrica: the identifier of the «JavaScript event» goal. Google Ads: the name of the conversion "
             "action of type «Import from clicks».")
    date_from = fields.Date("From", required=True, default=lambda self: fields.Date.context_today(self)
                            - timedelta(days=7))
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)
    conversion_count = fields.Integer("Conversions", readonly=True)
    skipped_count = fields.Integer(
        "Skipped: ids of another form", readonly=True,
        help="Orders whose request carried an id that is not one of this system's (a formula, a line break, "
             "anything a browser was made to send): left out, so that the file is safe to open and upload.")

    @api.model
    def _ecom_tz(self):
        return self.env.user.tz or self.company_id.partner_id.tz or "Europe/Moscow"

    def _ecom_bounds(self):
        """The period's first and last moment in UTC (its days are the user's)."""
        zone = pytz.timezone(self._ecom_tz())
        start = zone.localize(datetime.combine(self.date_from, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        stop = zone.localize(datetime.combine(self.date_to + timedelta(days=1), time.min)).astimezone(
            pytz.utc).replace(tzinfo=None)
        return start, stop

    def _ecom_conversions(self):
        """``[{id, time, value, currency}]`` of the period's confirmed orders whose request carries
        the id this file needs, oldest first."""
        if self.date_to < self.date_from:
            raise UserError(self.env._("The period ends before it starts."))
        self.env["sale.order"].check_access("read")
        self.env["crm.lead"].check_access("read")
        if self.system == "google_ads":
            id_sql = SQL("CASE WHEN l.ecom_click_id_type = 'gclid' THEN l.ecom_click_id END")
        elif self.yandex_id_type == "yclid":
            id_sql = SQL("CASE WHEN l.ecom_click_id_type = 'yclid' THEN l.ecom_click_id END")
        else:
            id_sql = SQL("l.ecom_yandex_client_id")
        start, stop = self._ecom_bounds()
        # read in SQL below: what this transaction wrote (a script's, a test's) goes to the database first
        self.env["sale.order"].flush_model(["state", "ecom_status", "company_id", "date_order", "opportunity_id",
                                            "amount_total", "currency_id"])
        self.env["crm.lead"].flush_model(["ecom_click_id", "ecom_click_id_type", "ecom_yandex_client_id"])
        # the orders the user may read (record rules: a salesperson exports their own sales)
        query = self.env["sale.order"]._search([
            ("state", "=", "sale"), ("ecom_status", "!=", "returned"), ("company_id", "=", self.company_id.id),
            ("date_order", ">=", start), ("date_order", "<", stop), ("opportunity_id", "!=", False)])
        flush_order_refunds(self.env)
        # the value is what the customer kept: less what the order's credit notes gave back; a returned
        # order (given back in full, as the reports tell it) is no conversion (as a parcel refused at delivery)
        self.env.cr.execute(SQL("""
            SELECT %(id)s, so.date_order, so.amount_total - COALESCE(rf.refunded, 0), cur.name
              FROM sale_order so
              JOIN crm_lead l ON l.id = so.opportunity_id
              JOIN res_currency cur ON cur.id = so.currency_id
              LEFT JOIN (%(refunds)s) rf ON rf.order_id = so.id
             WHERE so.id IN %(orders)s AND %(id)s IS NOT NULL AND %(id)s <> ''
               AND NOT COALESCE(rf.returned, false)
          ORDER BY so.date_order, so.id
        """, id=id_sql, orders=query.subselect(), refunds=order_refunds(orders=query.subselect())))
        return [{"id": row[0], "time": row[1], "value": float(row[2]), "currency": row[3]}
                for row in self.env.cr.fetchall()]

    def action_export(self):
        self.ensure_one()
        if offline_conversions.formula_like(self.goal):
            raise UserError(self.env._(
                "The goal / conversion name «%s» would be run as a formula by a spreadsheet: it may not start "
                "with =, +, -, @ or hold a line break.", self.goal))
        kind = "gclid" if self.system == "google_ads" else self.yandex_id_type
        conversions, skipped = offline_conversions.valid_ids(self._ecom_conversions(), kind)
        if not conversions:
            raise UserError(self.env._(
                "No confirmed order of this period came from a request with the visitor's id this file needs.")
                + (self.env._(" %s orders had an id of another form, left out.", skipped) if skipped else ""))
        if self.system == "google_ads":
            text = offline_conversions.google_ads_csv(conversions, self.goal, self._ecom_tz())
            name = "google_ads"
        else:
            text = offline_conversions.yandex_metrica_csv(conversions, self.goal, self.yandex_id_type)
            name = "yandex_metrica"
        self.write({
            "file": base64.b64encode(text.encode("utf-8")), "conversion_count": len(conversions),
            "skipped_count": skipped,
            "filename": f"offline_conversions_{name}_{self.date_from}_{self.date_to}.csv"})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("Export offline conversions")}
