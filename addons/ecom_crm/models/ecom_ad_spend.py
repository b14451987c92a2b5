from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# the key of a day's spend; NULL medium/campaign count as one value (0)
SPEND_KEY = "date, company_id, source_id, COALESCE(medium_id, 0), COALESCE(campaign_id, 0)"


class EcomAdSpend(models.Model):
    """What a channel's campaign cost on a day: typed in, or imported from the cabinets' exports
    (wizard ``ecom.ad.spend.import``). One row per day, company, source, medium and campaign; a
    re-import of the same day replaces its figures."""

    _name = "ecom.ad.spend"
    _inherit = ["ecom.month.names"]
    _description = "Ad spend"
    _order = "date desc, source_id, campaign_id"
    _rec_name = "date"

    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id)
    amount = fields.Monetary(
        "Spend", required=True, currency_field="currency_id",
        help="What the campaign cost with VAT, as the ad system invoices it: ROMI and ДРР set it against the revenue "
             "incl. VAT.")
    amount_company = fields.Float(
        "Spend (company currency)", compute="_compute_amount_company", store=True, readonly=True,
        help="The spend in the company's currency at the day's rate: what the reports add up.")
    source_id = fields.Many2one("utm.source", "Channel", required=True, index=True, ondelete="restrict")
    medium_id = fields.Many2one("utm.medium", "Medium", ondelete="restrict")
    # indexed: a campaign's channel is read from its spend (utm.campaign._ecom_channels_of) by the intake, for
    # each campaign named alone in a batch, and each time a spend is saved; the day's key leads with the date
    campaign_id = fields.Many2one("utm.campaign", "Campaign", index="btree_not_null", ondelete="restrict")
    impressions = fields.Integer()
    clicks = fields.Integer()
    cabinet = fields.Selection(
        [("manual", "Typed in"), ("yandex_direct", "Yandex Direct"), ("google_ads", "Google Ads"),
         ("vk", "VK Ads"), ("avito", "Avito"), ("generic", "Generic file")],
        string="Origin", default="manual", readonly=True)

    def init(self):
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS ecom_ad_spend_key_uniq ON ecom_ad_spend (%s)", SQL(SPEND_KEY)))

    @api.depends("amount", "currency_id", "company_id", "date")
    def _compute_amount_company(self):
        # one rate per currency, company and day, not per line (an import brings thousands of lines
        # of a few days and currencies)
        today = fields.Date.context_today(self)
        groups = defaultdict(lambda: self.browse())
        for spend in self:
            groups[spend.currency_id, spend.company_id or self.env.company, spend.date or today] |= spend
        for (currency, company, day), spends in groups.items():
            if not currency or currency == company.currency_id:
                for spend in spends:
                    spend.amount_company = spend.amount
                continue
            rate = self.env["res.currency"]._get_conversion_rate(currency, company.currency_id, company, day)
            for spend in spends:
                spend.amount_company = company.currency_id.round(spend.amount * rate)

    # also in the database: the import writes its rows in one SQL upsert, past the ORM's check
    _sql_constraints = [
        ("not_negative", "CHECK(amount >= 0 AND COALESCE(impressions, 0) >= 0 AND COALESCE(clicks, 0) >= 0)",
         "A spend, its impressions and clicks cannot be negative."),
    ]

    @api.constrains("amount", "impressions", "clicks")
    def _check_amounts(self):
        if any(spend.amount < 0 or spend.impressions < 0 or spend.clicks < 0 for spend in self):
            raise UserError(self.env._("A spend, its impressions and clicks cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        try:
            with self.env.cr.savepoint():
                spends = super().create(vals_list)
        except Exception as error:
            if getattr(error, "pgcode", None) == "23505":  # unique_violation of the day's key
                raise UserError(self.env._(
                    "There is already a spend for this day, channel, medium and campaign: change that line "
                    "instead.")) from None
            raise
        spends._ecom_give_campaigns_channels()
        return spends

    def write(self, vals):
        res = super().write(vals)
        if any(name in vals for name in ("source_id", "medium_id", "campaign_id")):
            self._ecom_give_campaigns_channels()
        return res

    def _ecom_give_campaigns_channels(self):
        """The requests and orders that name only a campaign of these spends, and have no channel yet (or
        «Campaign without a source»), get the campaign's channel now that its spend says it
        (``utm.campaign._ecom_give_channels``)."""
        if self.campaign_id:
            self.env["utm.campaign"].sudo()._ecom_give_channels(campaigns=self.campaign_id)

    @api.model
    def _ecom_upsert(self, rows, cabinet):
        """Store ``rows`` ({date, company_id, currency_id, amount, source_id, medium_id, campaign_id,
        impressions, clicks}) in one statement: a day already stored gets the new figures (a
        re-import replaces, it does not add). Returns (created, updated)."""
        if not rows:
            return 0, 0
        self.check_access("create")
        self.check_access("write")
        if any(row["amount"] < 0 or (row.get("impressions") or 0) < 0 or (row.get("clicks") or 0) < 0 for row in rows):
            raise UserError(self.env._("A spend, its impressions and clicks cannot be negative."))
        companies = {row["company_id"] for row in rows}
        if not companies <= set(self.env.companies.ids) | {self.env.company.id}:
            raise UserError(self.env._("You cannot record spend of a company you do not work in."))
        values = SQL(", ").join(
            SQL("(%s::date, %s, %s, %s, %s, %s::int, %s::int, %s::int, %s::int, %s)",
                row["date"], row["company_id"], row["currency_id"], row["amount"], row["source_id"],
                row.get("medium_id") or None, row.get("campaign_id") or None, row.get("impressions") or 0,
                row.get("clicks") or 0, cabinet)
            for row in rows)
        self.env.cr.execute(SQL("""
            INSERT INTO ecom_ad_spend (date, company_id, currency_id, amount, source_id, medium_id, campaign_id,
                                       impressions, clicks, cabinet, create_uid, write_uid, create_date, write_date)
            SELECT v.*, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (VALUES %(values)s) AS v
            ON CONFLICT (%(key)s) DO UPDATE
               SET currency_id = EXCLUDED.currency_id, amount = EXCLUDED.amount,
                   impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks, cabinet = EXCLUDED.cabinet,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            RETURNING id, (xmax = 0) AS inserted
        """, uid=self.env.uid, values=values, key=SQL(SPEND_KEY)))
        result = self.env.cr.fetchall()
        spends = self.browse([row[0] for row in result])
        spends.invalidate_recordset()
        spends.modified(["amount"])  # the day's rate: the ORM's conversion, written in a batch
        spends.flush_recordset(["amount_company"])
        spends._ecom_give_campaigns_channels()
        created = sum(1 for row in result if row[1])
        return created, len(result) - created
