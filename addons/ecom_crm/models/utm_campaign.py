from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..tools.ad_spend import CABINET_CHANNELS
from ..tools.campaign_channel import campaign_channel
from ..tools.campaign_ref import CAMPAIGN_REF_FIELDS, campaign_ref, ref_of_name
from ..tools.casefold import create_folded_index

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


REF_HELP = ("The campaign's number in the ad system. Requests whose utm_campaign is this number (a tracking "
            "template's {campaign_id}, a lead form's campaign) are this campaign's, and so is the spend a statistics "
            "export brings with this number in its campaign ID column. Filled by the spend import; typed in, it "
            "moves the requests that came in under the number to this campaign.")


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    # the ad systems' campaign ids (``tools.campaign_ref``): a campaign is one ad system's campaign by its id,
    # whichever company runs it (an id is the ad system's, not the store's)
    ecom_yandex_direct_ref = fields.Char("Yandex Direct campaign ID", copy=False, index="btree_not_null",
                                         help=REF_HELP)
    ecom_google_ads_ref = fields.Char("Google Ads campaign ID", copy=False, index="btree_not_null", help=REF_HELP)
    ecom_vk_ref = fields.Char("VK Ads campaign ID", copy=False, index="btree_not_null", help=REF_HELP)

    ecom_can_set_refs = fields.Boolean(
        "Can set the campaign IDs", compute="_compute_ecom_can_set_refs",
        help="Only a sales manager sets a campaign's IDs in the ad systems (they move every company's requests): "
             "the form shows them read-only to the others.")

    _sql_constraints = [
        ("ecom_yandex_direct_ref_uniq", "UNIQUE(ecom_yandex_direct_ref)",
         "Another campaign has this Yandex Direct campaign ID."),
        ("ecom_google_ads_ref_uniq", "UNIQUE(ecom_google_ads_ref)",
         "Another campaign has this Google Ads campaign ID."),
        ("ecom_vk_ref_uniq", "UNIQUE(ecom_vk_ref)", "Another campaign has this VK Ads campaign ID."),
    ]

    def init(self):
        super().init()
        # a request's campaign in any case (intake processor): a store's thousands of auto campaigns
        create_folded_index(self.env.cr, self._table)

    @api.depends_context("uid")
    def _compute_ecom_can_set_refs(self):
        self.ecom_can_set_refs = self.env.user.has_group("sales_team.group_sale_manager")

    def _compute_mailing_mail_count(self):
        # mass_mailing counts a campaign's mailings with the user's rights, and its campaign form reads the A/B
        # test counts (fields of no group) whoever opens it: a sales manager typing the campaign's IDs, or a
        # salesperson opening it from a request, outside Email Marketing got an AccessError on mailing.mailing.
        # They are counted as its users count them (mailing.mailing has no record rule nor company: the same
        # figures); the counts restricted to Email Marketing stay so (the fields' groups are checked on read).
        super(UtmCampaign, self._ecom_mailing_counter())._compute_mailing_mail_count()

    def _compute_mailing_sms_count(self):
        super(UtmCampaign, self._ecom_mailing_counter())._compute_mailing_sms_count()

    def _ecom_mailing_counter(self):
        """``self`` to count the campaigns' mailings: as they are for a user who may read mailings (Email
        Marketing's, unchanged), with superuser rights for the others (the counts only)."""
        return self if self.env["mailing.mailing"].has_access("read") else self.sudo()

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._ecom_clean_refs(vals) for vals in vals_list]
        campaigns = super().create(vals_list)
        if any(vals.get(field) for vals in vals_list for field in CAMPAIGN_REF_FIELDS.values()):
            campaigns._ecom_join_refs()
        return campaigns

    def write(self, vals):
        vals = self._ecom_clean_refs(vals)
        res = super().write(vals)
        if any(vals.get(field) for field in CAMPAIGN_REF_FIELDS.values()) \
                and not self.env.context.get("ecom_join_refs_later"):
            self._ecom_join_refs()
        return res

    def _ecom_clean_refs(self, vals):
        """``vals`` with its ad systems' campaign ids as numbers (blank: none); a value that is not a number,
        or an id given by a user who does not manage sales (it moves everyone's requests), is refused."""
        fields_given = [field for field in CAMPAIGN_REF_FIELDS.values() if field in vals]
        if not fields_given:
            return vals
        if not self.env.su and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager can set a campaign's ID in an ad system."))
        vals = dict(vals)
        for field in fields_given:
            value = vals[field]
            if value in (False, None) or not str(value).strip():
                vals[field] = False
                continue
            ref = campaign_ref(value)
            if not ref:
                raise ValidationError(self.env._(
                    "%(field)s: «%(value)s» is not a campaign ID. It is a number, as the ad system shows it "
                    "(the campaign's «№» or «ID»).", field=self._fields[field].get_description(self.env)["string"],
                    value=value))
            vals[field] = ref
            # a clear message naming the other campaign (the SQL constraint is the last word)
            other = self.with_context(active_test=False).search([(field, "=", ref), ("id", "not in", self.ids)],
                                                                limit=1)
            if other:
                raise ValidationError(self.env._(
                    "%(field)s %(ref)s already belongs to the campaign «%(campaign)s».",
                    field=self._fields[field].get_description(self.env)["string"], ref=ref, campaign=other.name))
        return vals

    @api.model
    def _ecom_by_ref(self, value, systems):
        """``{system: campaign id}`` of the campaigns whose id in those ad systems is ``value`` (not a number:
        none). One query."""
        ref = campaign_ref(value)
        if not ref or not systems:
            return {}
        self.flush_model([CAMPAIGN_REF_FIELDS[system] for system in systems])
        self.env.cr.execute(SQL(" UNION ALL ").join(
            SQL("SELECT %s, id FROM utm_campaign WHERE %s = %s", system, SQL.identifier(CAMPAIGN_REF_FIELDS[system]),
                ref)
            for system in systems))
        return dict(self.env.cr.fetchall())

    def _ecom_join_refs(self):
        """The campaigns ``self`` were given their ids in ad systems: the requests and orders that came in
        before under a campaign named by that id alone («91234567», made at intake), or by a title and that id
        as a tracking template joins them («Лето|91234567», ``tools.campaign_ref.ref_of_name``), are moved to
        them: those
        that named that ad system's channel themselves, and those of no channel of their own (their channel
        was the campaign's, or «Campaign without a source») unless two ad systems have a campaign of that
        number (then nothing tells them apart, not even the channel the number's campaign gave them: they
        stay). A channel their former campaign gave follows the new one. The campaign
        named by the number stays (empty), as typed: another channel's requests may still name it. Set-based:
        one read, one update per table; the rows moved get a new write date (the reports' next refresh takes
        them)."""
        self = self.sudo()
        self.flush_recordset(list(CAMPAIGN_REF_FIELDS.values()))
        sources = {system: self.env.ref(CABINET_CHANNELS[system][0]).id for system in CAMPAIGN_REF_FIELDS}
        values = [SQL("(%s, %s, %s)", campaign.id, sources[system], campaign[field])
                  for campaign in self for system, field in CAMPAIGN_REF_FIELDS.items() if campaign[field]]
        if not values:
            return {}
        refs = SQL(" UNION ALL ").join(SQL("SELECT id, %s AS ref FROM utm_campaign WHERE %s IS NOT NULL",
                                           SQL.identifier(f), SQL.identifier(f)) for f in CAMPAIGN_REF_FIELDS.values())
        any_ref = SQL(" OR ").join(SQL("p.%s IS NOT NULL", SQL.identifier(f)) for f in CAMPAIGN_REF_FIELDS.values())
        # (placeholder, campaign, the ad system's source, whether another campaign has that number in another ad
        # system: one campaign with the same number in two of them is still one campaign)
        # (the placeholders: named by the id, or by a tracking template's title and id «Лето|91234567»: the
        # names holding the id, told in Python by the intake's own rule)
        self.env.cr.execute(SQL("""
            SELECT p.id, v.campaign_id, v.source_id,
                   (SELECT count(DISTINCT r.id) FROM (%(refs)s) r WHERE r.ref = v.ref) > 1, p.name, v.ref
              FROM (VALUES %(values)s) AS v (campaign_id, source_id, ref)
              JOIN utm_campaign p ON strpos(p.name, v.ref) > 0 AND p.id <> v.campaign_id AND NOT (%(any_ref)s)
        """, refs=refs, values=SQL(", ").join(values), any_ref=any_ref))
        moves = [row[:4] for row in self.env.cr.fetchall() if ref_of_name(row[4]) == row[5]]
        if not moves:
            return {}
        unknown = self._ecom_campaign_only_id() or 0
        moves_sql = SQL(", ").join(SQL("(%s, %s, %s, %s)", *move) for move in moves)
        changed = {}
        for model, table in CHANNEL_TABLES:
            self.env[model].flush_model([*UTM_FIELDS, FROM_CAMPAIGN])
            self.env.cr.execute(SQL("""
                UPDATE %(table)s t SET campaign_id = m.campaign_id, write_date = now() AT TIME ZONE 'UTC'
                  FROM (VALUES %(moves)s) AS m (placeholder_id, campaign_id, source_id, shared)
                 WHERE t.campaign_id = m.placeholder_id
                   AND ((t.source_id = m.source_id AND t.ecom_channel_from_campaign IS NOT TRUE)
                        OR (NOT m.shared AND (t.source_id IS NULL OR t.source_id = %(unknown)s
                                              OR t.ecom_channel_from_campaign)))
             RETURNING t.id
            """, table=SQL.identifier(table), moves=moves_sql, unknown=unknown))
            ids = [row_id for (row_id,) in self.env.cr.fetchall()]
            if ids:
                records = self.env[model].browse(ids)
                records.invalidate_recordset(["campaign_id", "write_date"])
                give_campaign_channels(records, records)
                changed[model] = ids
        return changed

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
        spend, rows = self._ecom_channel_evidence(sorted({campaign_id for campaign_id, _company_id in pairs}))
        return {pair: campaign_channel(spend[pair], rows[pair]) for pair in pairs}

    @api.model
    def _ecom_channel_evidence(self, campaign_ids):
        """``(spend, rows)`` the channels of the campaigns ``campaign_ids`` are decided from, each
        ``{(campaign id, company id or None): ...}`` (None: every company's, for a request of no company):
        ``spend`` the set of ``(source id, medium id)`` of the spend, ``rows`` ``{(source id, medium id): how
        many}`` of the requests and orders that carry a channel of their own: a source (not «Campaign without
        a source»), not given by their campaign, and an order's only when it has no request (it has its
        request's channel). Rows are counted only where no spend decides: a company's where that company
        records none under the campaign, a request of no company's where no company does (a popular
        campaign's thousands of requests would be counted for nothing at every request naming it alone). One
        query."""
        self.env["ecom.ad.spend"].flush_model([*UTM_FIELDS, "company_id"])
        for model, _table in CHANNEL_TABLES:
            self.env[model].flush_model([*UTM_FIELDS, "company_id", FROM_CAMPAIGN,
                                         *(("opportunity_id",) * (model == "sale.order"))])
        self.env.cr.execute(SQL("""
            WITH spend AS (
                SELECT campaign_id, company_id, source_id, medium_id
                  FROM ecom_ad_spend
                 WHERE campaign_id = ANY(%(ids)s) AND source_id <> %(unknown)s
              GROUP BY campaign_id, company_id, source_id, medium_id
            )
            SELECT campaign_id, company_id, true, source_id, medium_id, 0 FROM spend
             UNION ALL
            SELECT campaign_id, company_id, false, source_id, medium_id, count(*)
              FROM (SELECT campaign_id, company_id, source_id, medium_id FROM crm_lead
                     WHERE campaign_id = ANY(%(ids)s) AND source_id <> %(unknown)s
                       AND ecom_channel_from_campaign IS NOT TRUE
                     UNION ALL
                    SELECT campaign_id, company_id, source_id, medium_id FROM sale_order
                     WHERE campaign_id = ANY(%(ids)s) AND source_id <> %(unknown)s AND opportunity_id IS NULL
                       AND ecom_channel_from_campaign IS NOT TRUE) r
             WHERE NOT EXISTS (SELECT FROM spend s
                                WHERE s.campaign_id = r.campaign_id
                                  AND (r.company_id IS NULL OR s.company_id = r.company_id))
          GROUP BY campaign_id, company_id, source_id, medium_id
        """, ids=list(campaign_ids), unknown=self._ecom_campaign_only_id() or 0))
        spend, rows = defaultdict(set), defaultdict(lambda: defaultdict(int))
        for campaign_id, company_id, spent, source_id, medium_id, count in self.env.cr.fetchall():
            # each company's, and every company's (None) for the requests of no company
            for key in {(campaign_id, company_id), (campaign_id, None)}:
                if spent:
                    spend[key].add((source_id, medium_id))
                else:
                    rows[key][source_id, medium_id] += count
        return spend, rows

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


def channel_write(records, vals, company_fields=("company_id",)):
    """What a write of ``vals`` on ``records`` (requests or orders) does to their channel: ``(vals, after)``,
    ``after()`` to be called once written, or None when the write touches nothing their channel depends
    on (no read, no query).

    A channel or medium written is the record's own, no longer its campaign's, only where it changes one of
    them: the same values written again (an import re-saving its rows, an RPC client sending back every field)
    leave a channel given by its campaign its campaign's (unless the write says which it is: a merge keeping
    a merged request's). A record whose channel is its campaign's follows its campaign when the campaign
    changes (none when removed), and is decided again when its company changes (``company_fields``: those
    the company is written or computed from; a campaign's channel is its company's)."""
    utm_written = any(name in vals for name in UTM_FIELDS)
    if not utm_written and not any(name in vals for name in company_fields):
        return vals, None
    told = FROM_CAMPAIGN in vals
    own = records.browse()
    if not told and ("source_id" in vals or "medium_id" in vals):
        new = {name: records._fields[name].convert_to_cache(vals[name], records, validate=False) or False
               for name in ("source_id", "medium_id") if name in vals}
        own = records.filtered(lambda record: any(record[name].id != value for name, value in new.items()))
    # those whose channel stays their campaign's: their campaign and company before the write
    following = records.browse() if told else records.filtered(FROM_CAMPAIGN) - own
    if own and own == records:  # all of them (a form, one request): in the same write
        vals, own = {FROM_CAMPAIGN: False, **vals}, records.browse()
    watched = [name for name in ("campaign_id", *company_fields) if name in vals]
    before = {record.id: (record.campaign_id.id, record.company_id.id) for record in following} if watched else {}

    def after():
        if own.filtered(FROM_CAMPAIGN):  # some of them changed (a mass edit, the others already of those values)
            own.filtered(FROM_CAMPAIGN).write({FROM_CAMPAIGN: False})
        moved = following.filtered(lambda record: before.get(record.id, (record.campaign_id.id, record.company_id.id))
                                   != (record.campaign_id.id, record.company_id.id))
        # a write of their company's fields alone (an assignment, a customer picked): only those that moved
        give_campaign_channels(records if utm_written else moved, moved)

    return vals, after


def give_campaign_channels(records, following=None):
    """After ``records`` (requests or orders) were created, or their channel written (the form, an import,
    RPC): those naming a campaign and neither source nor medium get its channel (see
    :meth:`UtmCampaign._ecom_give_channels`), those left under «Campaign without a source» with no campaign
    or with a medium of their own leave it; ``following`` (some of them: their campaign or their company
    changed): those whose channel their campaign gave take their campaign's again (none when the campaign was
    removed; their new company's). Nothing is read or written for the others."""
    # the id alone (cached): no query for the records that name no campaign, the most of them
    unknown = records.env["utm.campaign"]._ecom_campaign_only_id()
    following = following.filtered(FROM_CAMPAIGN) if following else records.browse()
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
