from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..tools.campaign_channel import campaign_channel

# the channel of the requests and orders naming only a campaign whose channel is not known: a group of
# their own in every report, not «no channel»
CAMPAIGN_ONLY = "ecom_crm.utm_source_campaign_only"
# its id in a report's SQL (an uncorrelated subquery, read once per statement)
CAMPAIGN_ONLY_SQL = ("(SELECT res_id FROM ir_model_data"
                     " WHERE module = 'ecom_crm' AND name = 'utm_source_campaign_only' AND model = 'utm.source')")
# the records that carry a channel of their own: requests and orders (utm.mixin's three columns)
CHANNEL_TABLES = (("crm.lead", "crm_lead"), ("sale.order", "sale_order"))
UTM_FIELDS = ("source_id", "medium_id", "campaign_id")
# set on a request or order whose channel and medium its campaign gave (it named only the campaign): they
# follow its campaign, and they are no evidence of the campaign's channel (a majority of its requests)
FROM_CAMPAIGN = "ecom_channel_from_campaign"


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    @api.model
    def _ecom_campaign_only_source(self):
        """The channel «Campaign without a source» (an empty record when it was deleted)."""
        return self.env["utm.source"].browse(self._ecom_campaign_only_id())

    @api.model
    def _ecom_campaign_only_id(self):
        """Its id, or False when it was deleted: from the cached xmlid lookup (no record check, which would
        be a query per call; deleting the record drops its xmlid and that cache)."""
        return self.env["ir.model.data"]._xmlid_to_res_id(CAMPAIGN_ONLY, raise_if_not_found=False)

    def _ecom_channels(self, company=None):
        """``{campaign id: (source id, medium id) or None}`` of the campaigns ``self`` for the requests and
        orders of ``company`` (a record or an id; none: a request of no company yet, decided over every
        company's): see :meth:`_ecom_channels_of`. One query for all of them."""
        company_id = company.id if isinstance(company, models.BaseModel) else company
        channels = self._ecom_channels_of([(campaign_id, company_id or None) for campaign_id in self.ids])
        return {campaign_id: channels[campaign_id, company_id or None] for campaign_id in self.ids}

    @api.model
    def _ecom_channels_of(self, pairs):
        """``{(campaign id, company id or None): (source id, medium id) or None}``: the channel of the
        requests and orders of that company that name only that campaign: the one the company's ad spend
        of the campaign is recorded under, else the one of a clear majority of the company's requests and
        orders (those of no request: an order of a request has its request's channel) of the campaign that
        named one themselves (not those the campaign gave one: they would make the first guess its own
        majority), None when unknown (``tools.campaign_channel``). A campaign's name is every company's
        (utm.campaign is shared): another company's spend under the same name says nothing of this one's
        requests. A request of no company (no team nor salesperson yet) is decided over every company's.
        «Campaign without a source» is no channel to count: neither its spend nor its rows. One query."""
        if not pairs:
            return {}
        self.env["ecom.ad.spend"].flush_model([*UTM_FIELDS, "company_id"])
        for model, _table in CHANNEL_TABLES:
            self.env[model].flush_model([*UTM_FIELDS, "company_id", FROM_CAMPAIGN,
                                         *(("opportunity_id",) * (model == "sale.order"))])
        self.env.cr.execute(SQL("""
            SELECT campaign_id, company_id, true, source_id, medium_id, 0
              FROM ecom_ad_spend
             WHERE campaign_id = ANY(%(ids)s) AND source_id <> %(unknown)s
          GROUP BY campaign_id, company_id, source_id, medium_id
             UNION ALL
            SELECT campaign_id, company_id, false, source_id, medium_id, count(*)
              FROM (SELECT campaign_id, company_id, source_id, medium_id FROM crm_lead
                     WHERE campaign_id = ANY(%(ids)s) AND source_id <> %(unknown)s
                       AND ecom_channel_from_campaign IS NOT TRUE
                     UNION ALL
                    SELECT campaign_id, company_id, source_id, medium_id FROM sale_order
                     WHERE campaign_id = ANY(%(ids)s) AND source_id <> %(unknown)s AND opportunity_id IS NULL
                       AND ecom_channel_from_campaign IS NOT TRUE) r
          GROUP BY campaign_id, company_id, source_id, medium_id
        """, ids=sorted({campaign_id for campaign_id, _company_id in pairs}),
            unknown=self._ecom_campaign_only_id() or 0))
        spend, rows = defaultdict(set), defaultdict(lambda: defaultdict(int))
        for campaign_id, company_id, spent, source_id, medium_id, count in self.env.cr.fetchall():
            # each company's, and every company's (None) for the requests of no company
            for key in {(campaign_id, company_id), (campaign_id, None)}:
                if spent:
                    spend[key].add((source_id, medium_id))
                else:
                    rows[key][source_id, medium_id] += count
        return {pair: campaign_channel(spend[pair], rows[pair]) for pair in pairs}

    @api.model
    def _ecom_give_channels(self, campaigns=None, lead_ids=None, order_ids=None):
        """Give the requests and orders that name a campaign and neither source nor medium their campaign's
        channel (:meth:`_ecom_channels_of`: their company's), or «Campaign without a source» while it is not
        known; those already there get it once it is. Set-based: one read of the campaigns' channels, one
        update per table. ``campaigns``: only theirs (None: any campaign); ``lead_ids`` / ``order_ids``:
        only those rows ([]: none of that table; None: all), which also leave «Campaign without a source»
        when they no longer name a campaign or name a medium of their own (a request that names a medium
        keeps it, with no source: «Campaign without a source / cpc» would be a channel nobody used). The
        rows changed get a new write date: the reports' next refresh takes them. Returns ``{model: [ids changed]}``."""
        unknown = self._ecom_campaign_only_id()
        restrict = {"crm.lead": lead_ids, "sale.order": order_ids}
        only = SQL(" AND t.campaign_id = ANY(%s)", campaigns.ids) if campaigns is not None else SQL()
        waiting = SQL("t.campaign_id IS NOT NULL AND t.medium_id IS NULL AND (t.source_id IS NULL OR t.source_id = %s)",
                      unknown or 0)
        tables = []
        for model, table in CHANNEL_TABLES:
            ids = restrict[model]
            if ids is not None and not ids:
                continue
            self.env[model].flush_model([*UTM_FIELDS, "company_id", FROM_CAMPAIGN])
            tables.append((model, SQL.identifier(table), SQL(" AND t.id = ANY(%s)", list(ids)) if ids else SQL()))
        if not tables:
            return {}
        self.env.cr.execute(SQL(" UNION ").join(
            SQL("SELECT t.campaign_id, t.company_id FROM %s t WHERE %s%s%s", table, waiting, of_ids, only)
            for _model, table, of_ids in tables))
        # each company's requests and orders by that company's spend and rows (0: a request of no company)
        channels = self._ecom_channels_of(self.env.cr.fetchall())
        values = SQL(", ").join(SQL("(%s, %s, %s::int, %s::int)", campaign_id, company_id or 0,
                                    *(channel or (None, None)))
                                for (campaign_id, company_id), channel in channels.items())
        changed = {}
        for model, table, of_ids in tables:
            ids = []
            if channels and (unknown or any(channels.values())):
                self.env.cr.execute(SQL("""
                    UPDATE %(table)s t
                       SET source_id = COALESCE(v.source_id, %(unknown)s), medium_id = v.medium_id,
                           ecom_channel_from_campaign = true, write_date = now() AT TIME ZONE 'UTC'
                      FROM (VALUES %(values)s) AS v (campaign_id, company_id, source_id, medium_id)
                     WHERE t.campaign_id = v.campaign_id AND COALESCE(t.company_id, 0) = v.company_id
                       AND t.medium_id IS NULL
                       AND COALESCE(v.source_id, %(unknown)s) IS NOT NULL
                       AND (t.source_id IS NULL OR (t.source_id = %(unknown)s AND v.source_id IS NOT NULL))%(of_ids)s
                 RETURNING t.id
                """, table=table, unknown=unknown or None, values=values, of_ids=of_ids))
                ids = [row_id for (row_id,) in self.env.cr.fetchall()]
            if unknown and restrict[model] is not None:
                # a row that no longer names a campaign, or names a medium of its own, is no campaign's
                # without a source
                self.env.cr.execute(SQL("""
                    UPDATE %s t SET source_id = NULL, ecom_channel_from_campaign = false,
                                    write_date = now() AT TIME ZONE 'UTC'
                     WHERE t.source_id = %s AND (t.medium_id IS NOT NULL OR t.campaign_id IS NULL)%s
                 RETURNING t.id
                """, table, unknown, of_ids))
                ids += [row_id for (row_id,) in self.env.cr.fetchall()]
            if ids:
                self.env[model].browse(ids).invalidate_recordset([*UTM_FIELDS, FROM_CAMPAIGN, "write_date"])
                changed[model] = ids
        return changed


def channel_vals(vals):
    """``(vals, campaign_changed)`` of a write of a request's or order's UTM fields: a channel or medium
    written is the record's own, no longer its campaign's (unless the write says it is: a merge keeping a
    merged request's); a campaign written alone (no channel nor medium) is ``campaign_changed``: a channel
    the former campaign gave follows the new one."""
    if "source_id" in vals or "medium_id" in vals:
        return {FROM_CAMPAIGN: False, **vals}, False
    return vals, True


def give_campaign_channels(records, campaign_changed=False):
    """After ``records`` (requests or orders) were created, or their channel written (the form, an import,
    RPC): those naming a campaign and neither source nor medium get its channel (see
    :meth:`UtmCampaign._ecom_give_channels`), those left under «Campaign without a source» with no campaign
    or with a medium of their own leave it; ``campaign_changed`` (their campaign written alone): those whose
    channel their former campaign gave take the new one's (none when the campaign was removed). Nothing is
    read or written for the others."""
    # the id alone (cached): no query for the records that name no campaign, the most of them
    unknown = records.env["utm.campaign"]._ecom_campaign_only_id()
    following = records.filtered(FROM_CAMPAIGN) if campaign_changed else records.browse()
    if following:
        following.flush_recordset([*UTM_FIELDS, FROM_CAMPAIGN])
        records.env.cr.execute(SQL("""
            UPDATE %s SET source_id = NULL, medium_id = NULL, ecom_channel_from_campaign = false,
                          write_date = now() AT TIME ZONE 'UTC'
             WHERE id = ANY(%s) AND ecom_channel_from_campaign
        """, SQL.identifier(records._table), following.ids))
        following.invalidate_recordset([*UTM_FIELDS, FROM_CAMPAIGN, "write_date"])
    waiting = records.filtered(lambda record: (record.campaign_id and not record.source_id and not record.medium_id)
                               or (unknown and record.source_id.id == unknown))
    if waiting:
        ids = {model: [] for model, _table in CHANNEL_TABLES}
        ids[records._name] = waiting.ids
        records.env["utm.campaign"]._ecom_give_channels(lead_ids=ids["crm.lead"], order_ids=ids["sale.order"])
