import base64

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import ad_spend
from ..tools.campaign_ref import CAMPAIGN_REF_FIELDS
from ..tools.intake import UTM_MEDIUM_ALIASES, UTM_SOURCE_ALIASES


class EcomAdSpendImport(models.TransientModel):
    """Import a cabinet's spend export: the cabinet is recognised by the file's columns; the whole
    file is read before anything is stored, and a re-import replaces the days it holds."""

    _name = "ecom.ad.spend.import"
    _description = "Import ad spend"

    # not an attachment: ir.attachment guesses the type of what it stores and chokes on some bytes (a
    # PNG renamed .csv); the parser says what the file is
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", "Currency", required=True, default=lambda self: self.env.company.currency_id,
        help="The spend's currency when the file does not name it.")
    campaign_id = fields.Many2one(
        "utm.campaign", "Campaign of rows without one",
        help="Avito's export has no campaigns: its days' spend goes to this campaign (none if empty).")
    cabinet = fields.Selection(
        [("yandex_direct", "Yandex Direct"), ("google_ads", "Google Ads"), ("vk", "VK Ads"), ("avito", "Avito"),
         ("generic", "Generic file")], string="Recognised as", readonly=True)
    created_count = fields.Integer("New days", readonly=True)
    updated_count = fields.Integer("Replaced days", readonly=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")

    def action_import(self):
        self.ensure_one()
        try:
            cabinet, rows = ad_spend.parse(base64.b64decode(self.file or b""), self.filename or "")
        except ad_spend.AdSpendError as error:
            raise UserError(self.env._(error.message)) from None
        refs = {}
        records = self._ecom_records(cabinet, rows, refs)
        created, updated = self.env["ecom.ad.spend"]._ecom_upsert(records, cabinet)
        self._ecom_set_refs(refs)
        self.write({"cabinet": cabinet, "created_count": created, "updated_count": updated, "state": "done"})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("Import ad spend")}

    def action_open_spend(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("ecom_crm.ecom_ad_spend_action")
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    def _ecom_records(self, cabinet, rows, refs=None):
        """The rows as ecom.ad.spend values: the cabinet's channel (the store's UTM source and
        medium), campaigns by their id in the ad system when the file has it and a campaign has that id,
        else by name (created when missing), currencies by code; rows landing on the same key are added
        up. ``refs`` gets ``{(campaign, field): id}`` of the ids the campaigns found by name are to be given
        (:meth:`_ecom_set_refs`, once their spend is stored)."""
        Currency = self.env["res.currency"].with_context(active_test=False)
        currencies, campaigns, channels, renamed = {}, {}, {}, set()
        refs = {} if refs is None else refs
        by_key = {}
        # the campaigns of the file's ids, read at once (a query per ad system, not one per campaign)
        systems = [self._ecom_ref_system(cabinet, row) for row in rows]
        wanted = {}
        for system, row in zip(systems, rows, strict=True):
            if system:
                wanted.setdefault(system, set()).add(row["campaign_ref"])
        Campaign = self.env["utm.campaign"].with_context(active_test=False)
        for system, values in wanted.items():
            field = CAMPAIGN_REF_FIELDS[system]
            for campaign in Campaign.search_fetch([(field, "in", sorted(values))], [field, "name"]):
                campaigns[system, campaign[field]] = campaign
        if cabinet in ad_spend.CABINET_CHANNELS:  # once: env.ref checks its record exists (a query)
            cabinet_channel = tuple(map(self.env.ref, ad_spend.CABINET_CHANNELS[cabinet]))
        # the decision locks of the new sources, media and campaigns of the file, at once and in one order,
        # as a batch of requests takes them (``ecom.intake.processor._utm_lock_new``): one by one, in the
        # file's order, the import and a batch making the same two new names waited for each other
        processor = self.env["ecom.intake.processor"]
        processor._utm_lock_new(processor._utm_names(
            {"utm_campaign": row["campaign"]} if cabinet in ad_spend.CABINET_CHANNELS else
            {"utm_source": row["source"], "utm_medium": row["medium"], "utm_campaign": row["campaign"]}
            for row in rows))
        for system, row in zip(systems, rows, strict=True):
            if cabinet in ad_spend.CABINET_CHANNELS:
                source, medium = cabinet_channel
            else:
                key = (row["source"], row["medium"])
                if key not in channels:
                    channels[key] = (self._ecom_source(row["source"]), self._ecom_medium(row["medium"]))
                source, medium = channels[key]
            name = row["campaign"]
            if system:
                campaign = self._ecom_campaign_of_ref(name, system, row["campaign_ref"], campaigns, refs, renamed)
            else:
                if name and name not in campaigns:
                    campaigns[name] = self._ecom_find_or_create("utm.campaign", name)
                campaign = campaigns[name] if name else self.campaign_id
            code = row["currency"]
            if code and code not in currencies:
                currencies[code] = Currency.search([("name", "=", code)], limit=1)
                if not currencies[code]:
                    raise UserError(self.env._("The file's currency %(code)s is not known to Odoo.", code=code))
                if not currencies[code].active:
                    raise UserError(self.env._(
                        "The file's currency %(code)s is not active: activate it first (Accounting or "
                        "Sales settings).", code=code))
            currency = currencies[code] if code else self.currency_id
            key = (row["date"], source.id, medium.id, campaign.id)
            entry = by_key.get(key)
            if entry and entry["currency_id"] != currency.id:
                raise UserError(self.env._(
                    "The file has the spend of %(date)s, campaign «%(campaign)s» in two currencies.",
                    date=row["date"], campaign=name or ""))
            if not entry:
                entry = by_key[key] = {
                    "date": row["date"], "company_id": self.company_id.id, "currency_id": currency.id,
                    "amount": 0.0, "source_id": source.id, "medium_id": medium.id, "campaign_id": campaign.id,
                    "impressions": 0, "clicks": 0}
            entry["amount"] = round(entry["amount"] + row["cost"], 2)
            entry["impressions"] += row["impressions"] or 0
            entry["clicks"] += row["clicks"] or 0
        return list(by_key.values())

    def _ecom_campaign_of_ref(self, name, system, ref, campaigns, refs, renamed):
        """The campaign of a file's row with the ad system's campaign id ``ref``: the one that has that id
        (named by its id alone, it takes the row's title when no other campaign has it), else the one of the
        row's title, which gets the id (``refs``) — unless it has another id in that ad system (two campaigns
        of the same title there): then the campaign «title (id)»."""
        field = CAMPAIGN_REF_FIELDS[system]
        key = (system, ref)
        campaign = campaigns.get(key)
        if campaign is not None and key not in renamed:
            # the campaign of that id (:meth:`_ecom_records` read them at once)
            renamed.add(key)
            if campaign.name == ref and name != ref and not self._ecom_find("utm.campaign", name):
                campaign.title = name  # its name follows its title
        if campaign is None:
            campaign = campaigns.get(name) or self._ecom_find_or_create("utm.campaign", name)
            campaigns.setdefault(name, campaign)
            taken = refs.get((campaign, field)) or campaign[field]
            if taken and taken != ref:
                campaign = self._ecom_find_or_create("utm.campaign", f"{name} ({ref})")
            refs[campaign, field] = ref
            campaigns[key] = campaign
            renamed.add(key)
        return campaign

    @staticmethod
    def _ecom_ref_system(cabinet, row):
        """The ad system whose campaign id a file's row carries (its cabinet's; a generic file's, its
        source's), or None: no id, or a source that is no ad system of ids."""
        if not row.get("campaign_ref"):
            return None
        system = cabinet if cabinet != "generic" else UTM_SOURCE_ALIASES.get(row["source"].strip().lower())
        return system if system in CAMPAIGN_REF_FIELDS else None

    def _ecom_set_refs(self, refs):
        """Give the campaigns found by their title their ids in the ad system, in one go: the requests that
        came in under a campaign named by the id alone are moved to them (``utm.campaign._ecom_join_refs``)."""
        later = self.env["utm.campaign"].with_context(ecom_join_refs_later=True)
        campaigns = self.env["utm.campaign"]
        for (campaign, field), ref in refs.items():
            if campaign[field] != ref:
                later.browse(campaign.id).write({field: ref})
                campaigns |= campaign
        if campaigns:
            campaigns._ecom_join_refs()

    def _ecom_find(self, model, name):
        """The record of ``model`` named ``name`` (case aside, archived ones too), or an empty one: as the
        intake finds a request's (``ecom.intake.processor._utm_find``)."""
        return self.env["ecom.intake.processor"]._utm_find(model, name)

    def _ecom_source(self, name):
        alias = UTM_SOURCE_ALIASES.get(name.strip().lower())
        if alias:
            return self.env.ref(f"ecom_crm.utm_source_{alias}")
        return self._ecom_find_or_create("utm.source", name)

    def _ecom_medium(self, name):
        if not name:
            return self.env["utm.medium"]
        xmlid = UTM_MEDIUM_ALIASES.get(name.strip().lower())
        medium = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        return medium or self._ecom_find_or_create("utm.medium", name)

    def _ecom_find_or_create(self, model, name):
        """The record of ``model`` named ``name`` (case aside, archived ones too), created when missing, as the
        intake finds a request's (``ecom.intake.processor._utm_record``): not utm.mixin's
        _find_or_create_record, whose ``=ilike`` takes ``%`` and ``_`` in a name for wildcards («Скидка 50%»
        landed on «Скидка 500 рублей»)."""
        return self.env["ecom.intake.processor"]._utm_record(model, name)
