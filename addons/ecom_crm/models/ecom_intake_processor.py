import itertools
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import Command, api, models
from odoo.osv import expression
from odoo.tools import SQL, format_amount, formatLang
from odoo.tools import email_normalize as tools_email_normalize
from odoo.tools.sql import escape_psql as escape_like

from ..tools.ad_spend import CABINET_CHANNELS
from ..tools.campaign_ref import CAMPAIGN_REF_FIELDS, campaign_ref, one_campaign, ref_systems, titled_ref
from ..tools.casefold import case_variants, folded_sql
from ..tools.intake import CLICK_ID_CHANNELS, CLICK_IDS, UTM_MEDIUM_ALIASES, UTM_SOURCE_ALIASES, parse_datetime
from ..tools.phones import first_phone, normalize_phone, phone_without_extension
from ..tools.ru_requisites import split_person_name
from ..tools.russian_names import genitive_customer_name

try:  # the public mailboxes Odoo's lead enrichment (crm_iap_enrich, when installed) skips
    from odoo.addons.iap.tools.iap_tools import _MAIL_PROVIDERS as MAIL_PROVIDERS
except ImportError:
    MAIL_PROVIDERS = frozenset()


class EcomIntakeProcessor(models.AbstractModel):
    """Turns journaled requests (ecom.intake.request) into customers and leads: the matching, the
    repeat window, the assignment and the lead's values, set-based for a batch. The queue (the
    journal) decides when; this service decides what."""

    _name = "ecom.intake.processor"
    _description = "Incoming requests processing"

    @api.model
    def _process_one(self, data, source=None, channel="api", remote_addr=None, entry=None):
        """Turn one incoming request (validated ``data``) into a lead: a batch of one, see
        :meth:`_process_entries`. Returns the ``ecom.intake.request`` journal entry."""
        entry = entry or self.env["ecom.intake.request"]._journal(data, source, channel, remote_addr)
        self._process_entries(entry)
        return entry

    @api.model
    def _process_entries(self, entries):
        """Turn pending journal entries into leads, in arrival order, set-based.

        Each request is matched to a customer by normalised phone, then email (one query for the
        whole batch); customers are created only when nothing matches (one ``create`` for all);
        a request from a customer with an open request created within the repeat window is added
        to it, including requests earlier in the same batch; new leads are created with one
        ``create`` call and assigned by load where the team wants it.
        """
        entries = entries.sorted("id")
        Partner = self.env["res.partner"]
        country = self.env.company._ecom_phone_country()  # as the customers' numbers are read (normalize_phone_vals)
        items = []
        for entry in entries:
            data = dict(entry.data or {})
            if isinstance(data.get("delivery_date"), str):
                data["delivery_date"] = parse_datetime(data["delivery_date"])
            # a field may carry two numbers («+7 916 123-45-67, 8 (495) 765-43-21»): the first valid one
            # is the phone, and the customer is found by any of the valid ones (tools.phones.split_phones)
            phone, _valid, others = first_phone(data["phone"], country.code, country.phone_code) \
                if data.get("phone") else (False, False, [])
            phones = [phone, *(number for number in others
                               if normalize_phone(number, country.code, country.phone_code)[1])] if phone else []
            email = tools_email_normalize(data["email"]) if data.get("email") else False
            if not phone and not email:  # validated at the door; an entry journaled before that rule
                raise ValueError(self.env._("The request has neither a phone number nor a valid email address."))
            items.append({"entry": entry, "data": data, "phone": phone, "phones": phones, "email": email,
                          "other_phones": [number for number in others if number not in phones]})
        # 1. customers: existing ones in two queries, missing ones in one create; nobody else decides
        # about the same phones, emails and customers meanwhile (see _ecom_lock_customer_keys)
        # (a phone by its number: the same switchboard with another extension is the same customer)
        Partner._ecom_lock_customer_keys([f"phone:{phone_without_extension(p)}" for i in items for p in i["phones"]]
                                         + [f"email:{i['email']}" for i in items if i["email"]])
        by_phone, by_email = Partner._ecom_match_customers(
            [p for i in items for p in i["phones"]], [i["email"] for i in items if i["email"]])
        Partner._ecom_lock_customer_keys(
            f"partner:{partner.id}" for partner in (*by_phone.values(), *by_email.values()))
        new_customers, new_of = [], {}
        for item in items:
            # the customer of the first number that has one (the phone's, then the second number's), else the email's
            partner = next((by_phone[p] for p in item["phones"] if p in by_phone), None) \
                or (item["email"] and by_email.get(item["email"]))
            item["partner"], item["new"] = partner, not partner
            if not partner:
                # one new customer for the requests sharing any number (else their email) in the batch
                keys = [phone_without_extension(p) for p in item["phones"]] or [item["email"]]
                if not any(key in new_of for key in keys):
                    new_customers.append(item)
                first = next((new_of[key] for key in keys if key in new_of), item)
                for key in keys:
                    new_of.setdefault(key, first)
                item["first"] = first
        if new_customers:
            vals_list = []
            for item in new_customers:
                data = item["data"]
                # read as the card reads a name typed in: «ИП Ким Саша» is the sole trader Ким Саша, not a man Ким
                lastname, firstname, patronymic = split_person_name(data.get("name")) if data.get("name") \
                    else (False, False, False)
                vals = {"name": data.get("name") or item["phone"] or data.get("email"), "lastname": lastname,
                        "firstname": firstname, "patronymic": patronymic, "phone": item["phone"],
                        # a second number of the field is the mobile
                        "mobile": item["phones"][1] if len(item["phones"]) > 1 else False,
                        "email": data.get("email"), "city": data.get("city"), "zip": data.get("zip"),
                        "street": data.get("address")}
                vals_list.append({k: v for k, v in vals.items() if v})
            created = Partner._ecom_create_customers(vals_list)
            for item, partner in zip(new_customers, created, strict=True):
                item["partner"] = partner
                if item["email"]:
                    by_email.setdefault(item["email"], partner)
            for item in items:
                if not item["partner"]:
                    item["partner"] = item["first"]["partner"]
        for item in items:  # complete what existing customers lacked
            partner, data = item["partner"], item["data"]
            update = {"email": data["email"]} if data.get("email") and not partner.email else {}
            own = {phone_without_extension(number) for number in (partner.phone, partner.mobile) if number}
            missing = [number for number in item["phones"] if phone_without_extension(number) not in own]
            if not item["new"] and missing and (len(item["phones"]) > 1 or not own):
                # the numbers the customer lacks, in their empty phone and mobile (a field's second number:
                # the mobile); one of a single number only to a customer without any (found by email)
                for fname in ("phone", "mobile"):
                    if missing and not partner[fname]:
                        update[fname] = missing.pop(0)
            if update and not item["new"]:
                partner.write(update)
            # the other numbers the customer's fields could not take (and the pieces that are no valid
            # number) stay in the request's note; the first is the request's phone
            item["other_phones"] = [number for number in missing if number != item["phone"]] + item["other_phones"]
        partners = Partner.union(*(i["partner"] for i in items))
        # 2. who already bought (a parcel refused at delivery is no purchase, as on the customer's
        # card), and the open requests within each company's repeat window
        buyers = {p.commercial_partner_id for [p] in self.env["sale.order"]._read_group(
            [("partner_id.commercial_partner_id", "in", partners.ids), ("state", "=", "sale"),
             ("ecom_status", "!=", "returned")], ["partner_id"])}
        open_leads = self.env["crm.lead"]._ecom_open_leads_in_window(
            partners, max(entries.company_id.mapped("ecom_repeat_window_days") or [0]))
        # 3. decide, in arrival order: add to an open request (maybe one created by this batch) or create
        to_create, updates, load_cache = [], [], {}
        caches = {"utm": {}, "product": {}, "team": {}}
        # the sources, media and campaigns the batch makes: their decision locks all at once, in one order
        # (those found meanwhile are not looked for again: ``_utm_of``'s cache keeps them)
        caches["utm"]["found"] = self._utm_lock_new(self._utm_names(item["data"] for item in items))
        for item in items:
            entry, data, partner = item["entry"], item["data"], item["partner"]
            item["repeat"] = partner in buyers or bool(partner.ecom_order_count)
            item["product"] = self._product_of(data, caches["product"])
            item["utm"] = self._utm_of(data, entry.source_id, caches["utm"], entry.company_id)
            target = open_leads.get(partner)
            if target is not None:
                updates.append((item, target))
                continue
            item["create_index"] = len(to_create)
            to_create.append(self._lead_vals(item, caches["team"]))
            open_leads[partner] = item  # later requests of this customer join it
        # the salespeople, in arrival order, once everything else is decided: the first assignment in a
        # team takes its salespeople's locks until the transaction ends, so the locks wait for as little as can be
        new_items = [item for item in items if "create_index" in item]
        self.env["crm.team"].browse({vals["team_id"] for vals in to_create if vals.get("team_id")}) \
            ._ecom_lock_salespeople(load_cache)
        for item, vals in zip(new_items, to_create, strict=True):
            team = self.env["crm.team"].browse(vals.get("team_id"))
            # unassigned unless the team assigns by load: Odoo's own assignment then takes over
            vals["user_id"] = (team.ecom_assign_by_load and team._ecom_pick_salesperson(
                item["partner"], load_cache).id) or False
        created = self._create_leads(to_create, found_by_phone={partner.id for partner in by_phone.values()})
        created.filtered(lambda lead: lead.team_id.ecom_assign_by_load and not lead.user_id)._ecom_tell_unassigned()
        self._log_origins(created, new_items)
        if created.filtered("ecom_quotation_todo"):
            # the quotations of requests with lines are made by a scheduled action right after: creating
            # sale orders costs more than the rest of a request, and the queue must keep up with the site
            self.env.ref("ecom_crm.ir_cron_intake_quotations")._trigger()
        # each salesperson follows their new requests (customers' replies reach them), without an
        # email as with Odoo's own assignment: one insert per salesperson, not the per-record
        # auto-subscription of create() (1 ms of CPU and 1 of database per lead)
        for user in created.user_id:
            self.env["mail.followers"]._insert_followers(
                "crm.lead", created.filtered(lambda lead, user=user: lead.user_id == user).ids,
                user.partner_id.ids, check_existing=False)
        # 4. requests added to an open request (a note each, logged in one go), then the journal
        notes = defaultdict(list)
        for item, target in updates:
            lead = created[target["create_index"]] if isinstance(target, dict) else target
            update = {}
            if item["product"] and not lead.ecom_product_id:
                update["ecom_product_id"] = item["product"].id
            if item["data"].get("amount") and not lead.expected_revenue:
                update["expected_revenue"] = item["data"]["amount"]
            if update:
                lead.write(update)
            notes[lead].append(self._note_text(item["data"], item["utm"][0], lead.company_id, item["other_phones"]))
            item["lead"], item["result"] = lead, "updated"
        self._log_notes(notes)
        for item in items:
            if "create_index" in item:
                item["lead"], item["result"] = created[item["create_index"]], "created"
            source, medium, campaign = item["utm"]
            item["entry"].write({
                "state": "done", "lead_id": item["lead"].id, "partner_id": item["partner"].id,
                "result": item["result"], "repeat_customer": item["repeat"], "new_customer": item["new"],
                "utm_source_id": source.id, "utm_medium_id": medium.id, "utm_campaign_id": campaign.id,
                "error": False,
            })
        return entries

    @api.model
    def _log_origins(self, leads, items):
        """The chatter of each new lead says where it came from: the request in the journal, how it
        arrived, its channel and click id (one message create for the batch)."""
        bodies = {}
        for item in items:
            lead, entry = leads[item["create_index"]], item["entry"]
            env = self.with_context(lang=lead.company_id.partner_id.lang or self.env.lang).env
            received = dict(env["ecom.intake.request"]._fields["channel"]._description_selection(env))
            parts = [env._("Request %(number)s received by %(how)s", number=entry.id, how=received[entry.channel])]
            if entry.source_id:
                parts.append(env._("from %(origin)s", origin=entry.source_id.name))
            source, medium, campaign = item["utm"]
            channel = " / ".join(record.name for record in (source, medium, campaign) if record)
            if channel:
                parts.append(env._("channel: %(channel)s", channel=channel))
            if lead.ecom_click_id:
                parts.append(env._("click id: %(click)s", click=lead.ecom_click_id))
            bodies[lead.id] = Markup('<p>%s <a href="#" data-oe-model="ecom.intake.request" data-oe-id="%s">'
                                     '%s</a></p>') % (", ".join(parts), entry.id, env._("Open the request"))
        if bodies:
            leads.browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _create_quotations(self, leads):
        """A request with lines becomes a lead with a draft quotation of those lines, so that the manager
        confirms an order instead of typing it again: products by reference, barcode or 1C id; a line
        naming no product of the catalog is kept as described, on the generic product «Item from the
        site». The lines are the first request's with lines (the journal keeps them). One search for the
        references, one create for the quotations."""
        with_lines = []
        for lead in leads:
            entry = lead.ecom_intake_ids.sorted("id").filtered(lambda e: (e.data or {}).get("lines"))[:1]
            if entry:
                with_lines.append((lead, entry.data["lines"]))
        if not with_lines:
            return self.env["sale.order"]
        Product = self.env["product.product"]
        skus = {line["sku"] for _lead, lines in with_lines for line in lines if line.get("sku")}
        by_sku = {}
        if skus:
            domain = ["|", ("default_code", "in", list(skus)), ("barcode", "in", list(skus))]
            if "ecom_1c_id" in Product._fields:
                domain = ["|", ("ecom_1c_id", "in", list(skus)), *domain]
            for product in Product.search(domain):
                for key in (product.default_code, product.barcode, product["ecom_1c_id"] if "ecom_1c_id" in
                            product._fields else None):
                    if key in skus:
                        by_sku.setdefault(key, product)
        generic = self.env.ref("ecom_crm.product_site_item", raise_if_not_found=False)
        vals_list = []
        for lead, request_lines in with_lines:
            lines = []
            for line in request_lines:
                product = by_sku.get(line.get("sku")) or generic
                if not product:
                    continue
                values = {"product_id": product.id, "product_uom_qty": line["qty"], "price_unit": line["price"]}
                if product == generic or not by_sku.get(line.get("sku")):
                    values["name"] = line["name"] or line.get("sku") or product.display_name
                lines.append(Command.create(values))
            if lines:
                vals_list.append({"partner_id": lead.partner_id.id, "opportunity_id": lead.id,
                                  "team_id": lead.team_id.id, "user_id": lead.user_id.id,
                                  "company_id": lead.company_id.id, "origin": lead.name, "order_line": lines,
                                  "source_id": lead.source_id.id, "medium_id": lead.medium_id.id,
                                  "campaign_id": lead.campaign_id.id})
        # quietly: no creation message, no «assigned to you» mail from the intake's technical user
        return self.env["sale.order"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True,
            tracking_disable=True).create(vals_list)

    @api.model
    def _create_leads(self, vals_list, found_by_phone=()):
        """Create new requests whose ``vals`` name their stage (the team's first open one), in order.

        ``found_by_phone``: the ids of the customers found by the requests' phones, whose phone crm
        must not rewrite with a request's (see ``crm.lead._get_partner_phone_update``).

        The stage is given as the creation's default, one ``create`` per run of requests for the
        same stage (usually the whole batch; runs keep the ids in arrival order): crm's ``create``
        looks for won stages once per lead whose values name a stage (a request that has just
        arrived is neither won nor lost), 10% of the processing of a batch."""
        Lead = self.env["crm.lead"].with_context(mail_create_nosubscribe=True, tracking_disable=True,
                                                 ecom_found_by_phone=frozenset(found_by_phone))
        ids = []
        for stage_id, run in itertools.groupby(vals_list, key=lambda vals: vals["stage_id"]):
            ids += Lead.with_context(default_stage_id=stage_id).create([
                {key: value for key, value in vals.items() if key != "stage_id"} for vals in run]).ids
        return self.env["crm.lead"].browse(ids)

    @api.model
    def _log_notes(self, notes):
        """Log ``{lead: [body, ...]}`` as internal notes, in order, with one message create per
        round (a lead may have several requests in a batch): like posting a note, without the
        per-message notification machinery a note does not need."""
        for index in range(max(map(len, notes.values()), default=0)):
            leads = self.env["crm.lead"].union(*(lead for lead, bodies in notes.items() if len(bodies) > index))
            leads._message_log_batch({lead.id: notes[lead][index] for lead in leads})

    @api.model
    def _utm_of(self, data, intake_source, cache, company=None):
        """(source, medium, campaign) of a request: its channel as a whole when it names any of it (UTM tags,
        a click id), else its API source's channel and medium. A click id names its ad system (its source
        when no utm_source is given); an ad system's source with no utm_medium gets the medium its spend is
        imported with (Yandex Direct and Google Ads «cpc», VK «social», Avito «classifieds»), so that its
        requests and its spend are one channel; a campaign alone gets the campaign's channel in the
        request's ``company`` (``utm.campaign._ecom_channels``), else «Campaign without a source». Never a
        medium of the API source's under a source the request named: «yandex / organic» for a paid click
        tagged with its source only, a channel nobody used (as an order's channel is taken whole, see
        ``ecom_report_mixin.order_channel``)."""
        company = company or self.env.company  # the request's (``_lead_vals``)
        key = (data.get("utm_source"), data.get("utm_medium"), data.get("utm_campaign"),
               next((k for k in CLICK_IDS if data.get(k)), None), intake_source.id, company.id)
        if key not in cache:
            if not any(key[:4]):
                cache[key] = (intake_source.utm_source_id, intake_source.utm_medium_id, self.env["utm.campaign"])
                return cache[key]
            found = cache.get("found")  # the batch's names found at its start (_utm_lock_new)
            utm_source = self._utm_source(data.get("utm_source"), found)
            if key[3] and not utm_source:
                utm_source = self.env.ref(f"ecom_crm.utm_source_{CLICK_ID_CHANNELS[key[3]]}")
            if data.get("utm_medium"):
                medium = self._utm_medium(data["utm_medium"], found)
            else:
                medium = self._ad_system_media().get(utm_source, self.env["utm.medium"])
            campaign = self._utm_campaign(data.get("utm_campaign"), utm_source,
                                          bool(data.get("utm_source") or key[3]), found)
            if campaign and not utm_source and not medium:
                # only a campaign (a landing link that lost its utm_source and utm_medium): its channel, the
                # one its ad spend is recorded under (else a clear majority of its requests'), or «Campaign
                # without a source» until it is known (``utm.campaign._ecom_give_channels``)
                channel = campaign._ecom_channels(company)[campaign.id]
                if channel:
                    utm_source = self.env["utm.source"].browse(channel[0])
                    medium = self.env["utm.medium"].browse(channel[1])
                else:
                    utm_source = campaign._ecom_campaign_only_source()
            cache[key] = (utm_source, medium, campaign)
        return cache[key]

    @api.model
    def _utm_campaign(self, name, utm_source, has_source, found=None):
        """The campaign a request's utm_campaign names: the campaign whose id in the request's ad system
        (its source's; any of them for a request that names no source, when only one has it) is that number
        (``tools.campaign_ref``: a tracking template's {campaign_id}, a Direct lead form's campaign), else the
        campaign of that very name (:meth:`_utm_record`: made once when missing, however many requests name it
        at the same instant; the spend import or an admin may give a campaign that id later, and the requests
        come with it: ``utm.campaign._ecom_join_refs``). A tracking template's title and id together
        (``tools.campaign_ref.titled_ref``): «Лето|91234567» is the campaign of that id, else the one of its title
        «Лето» (not another campaign of that ad system), else a campaign of that very name, which the id given to a
        campaign later moves too; «leto_91234567» is the campaign of that id when an ad system has it, else a
        campaign of that very name (a title may end in digits: «sale_2026»). A title (not a number) is looked up
        by name only."""
        Campaign = self.env["utm.campaign"]
        if not name:
            return Campaign
        ref = campaign_ref(name)
        titled = None if ref else titled_ref(name)
        if ref or titled:  # a title alone (most requests): no lookup by id, no query
            # the ad systems' sources by their cached xmlids (env.ref would check each one exists: a query each)
            xmlid = self.env["ir.model.data"]._xmlid_to_res_id
            systems = {xmlid(source): system for system, (source, _medium) in CABINET_CHANNELS.items()}
            among = ref_systems(systems.get(utm_source.id), has_source)
            campaign_id = one_campaign(Campaign._ecom_by_ref(ref or titled[0], among).values())
            if campaign_id:
                return Campaign.browse(campaign_id)
            if titled and titled[2] and titled[1] and among:
                # «Лето|91234567» of an id no campaign has yet: the campaign of its title, unless that is another
                # campaign of the ad system (another id: a second campaign of the same title)
                same_title = self._utm_find("utm.campaign", titled[1])
                if same_title and all(same_title[CAMPAIGN_REF_FIELDS[system]] in (False, titled[0])
                                      for system in among):
                    return same_title
        return self._utm_record("utm.campaign", name, found)

    @api.model
    def _ad_system_media(self):
        """{source: medium} of the ad systems whose spend is imported (``tools.ad_spend.CABINET_CHANNELS``)."""
        return {self.env.ref(source): self.env.ref(medium) for source, medium in CABINET_CHANNELS.values()}

    @api.model
    def _utm_medium(self, name, found=None):
        """The medium a site names: Odoo's or ours for the usual spellings (cpc, organic, email…), else
        one of that name."""
        xmlid = UTM_MEDIUM_ALIASES.get(name.strip().lower())
        medium = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        return medium or self._utm_record("utm.medium", name, found)

    @api.model
    def _utm_source(self, name, found=None):
        if not name:
            return self.env["utm.source"]
        alias = UTM_SOURCE_ALIASES.get(name.strip().lower())
        if alias:
            return self.env.ref(f"ecom_crm.utm_source_{alias}")
        return self._utm_record("utm.source", name, found)

    @api.model
    def _utm_names(self, datas):
        """``[(model, name)]``: the sources, media and campaigns the requests ``datas`` name that may be
        made for them (:meth:`_utm_record`): not those of a usual spelling (``UTM_SOURCE_ALIASES``,
        ``UTM_MEDIUM_ALIASES``), which are ours."""
        names = []
        for data in datas:
            for key, model, aliases in (("utm_source", "utm.source", UTM_SOURCE_ALIASES),
                                        ("utm_medium", "utm.medium", UTM_MEDIUM_ALIASES),
                                        ("utm_campaign", "utm.campaign", {})):
                name = (data.get(key) or "").strip()
                if name and name.lower() not in aliases:
                    names.append((model, name))
        return names

    @api.model
    def _utm_lock_new(self, names):
        """Take the decision locks of those of ``names`` (``[(model, name)]``) that no record has yet, at
        once: one statement, the locks in one order whatever the order the requests name them in. Taken
        one by one as each request met its new name, a batch making «A» then «B» and another making «B»
        then «A» at the same instant each held the lock the other waited for: a deadlock, and both runs
        lost. One query per model to find them; none for a single name (most requests name a known
        source and medium, and a campaign), whose lock is taken when it is made: alone, it waits for
        nobody while holding another. Returns ``{(model, name): record}`` of those found, for
        :meth:`_utm_record` not to look for them again."""
        wanted = defaultdict(set)
        for model, name in names:
            wanted[model].add(name.strip())
        if sum(map(len, wanted.values())) < 2:
            return {}
        keys, found = [], {}
        for model, model_names in sorted(wanted.items()):
            records = self._utm_find_all(model, model_names)
            found.update(((model, name), record) for name, record in records.items())
            keys += [self._utm_lock_key(model, name) for name in model_names if name not in records]
        self.env["ecom.decision.lock"]._take(keys)
        return found

    @api.model
    def _utm_lock_key(self, model, name):
        """The decision lock of the source, medium or campaign (``model``) of ``name``, whatever its case."""
        return f"{model}:{name.strip().lower()}"

    @api.model
    def _utm_record(self, model, name, found=None):
        """The source, medium or campaign (``model``) of that very ``name`` whatever its case, archived too, else a
        new one (a request's, and the ad spend import's). As Odoo's ``utm.mixin._find_or_create_record``, but the
        name's «%», «_» and «\\» are characters of it, not an ILIKE pattern (which took «%» for any source, and
        refused a name ending in «\\»), and requests naming the same new one at the same instant make it once:
        the first takes the name's decision lock and creates it; each other one waits for the lock, finds it
        taken since its snapshot and is run again (a serialization failure: Odoo's retry of a request, the
        queue's of a batch), and then finds the record. (Each one creating it, all but the first failed on its
        unique name.) A batch takes the locks of all its new names beforehand, in one order (:meth:`_utm_lock_new`):
        taking one again here waits for nobody; ``found``: what that found, not looked for again."""
        name = name.strip()
        Model = self.env[model].with_context(active_test=False)
        record = (found or {}).get((model, name)) or self._utm_find(model, name)
        if not record:
            self.env["ecom.decision.lock"]._take([self._utm_lock_key(model, name)])
            values = {"name": name}
            if "is_auto_campaign" in Model._fields:
                values["is_auto_campaign"] = True
            record = Model.create(values)
        return record

    @api.model
    def _utm_find(self, model, name):
        """The source, medium or campaign (``model``) of that very ``name`` whatever its case, archived too, or
        an empty record (:meth:`_utm_record`). One query."""
        name = name.strip()
        return self._utm_find_all(model, [name]).get(name, self.env[model])

    @api.model
    def _utm_find_all(self, model, names):
        """``{name: record}``: the source, medium or campaign (``model``) of each of ``names`` (stripped),
        whatever its case, archived ones too; the names of none are left out. One query for them all.

        The case is folded by ``tools.casefold.folded_sql``, not by ILIKE: a database created with
        LC_CTYPE C folds A–Z only, and a request's «СКИДКА» made a second campaign «Скидка». Several of
        one name in another case («Скидка» and «скидка» may both exist): the very spelling, else the
        oldest."""
        names = {name.strip() for name in names if name and name.strip()}
        if not names:
            return {}
        Model = self.env[model].with_context(active_test=False)
        Model.flush_model(["name"])
        query = Model._search([], order="id")  # the user's access rules, archived records too
        column = Model._field_to_sql(query.table, "name", query)
        query.add_where(SQL("%s IN (SELECT %s FROM unnest(%s::text[]) AS wanted(name))",
                            folded_sql(column), folded_sql(SQL("wanted.name")), sorted(names)))
        rows = self.env.execute_query(query.select(SQL.identifier(query.table, "id"), column))
        found = {}
        for record_id, stored in rows:
            if stored in names:  # the very spelling first
                found[stored] = Model.browse(record_id)
        for record_id, stored in rows:
            for name in names:
                if name not in found and (stored or "").lower() == name.lower():
                    found[name] = Model.browse(record_id)
        return found

    @api.model
    def _lead_vals(self, item, cache=None):
        data, partner, entry = item["data"], item["partner"], item["entry"]
        source, medium, campaign = item["utm"]
        company = entry.company_id or self.env.company
        cache = {} if cache is None else cache
        if company not in cache:  # a search each: once per company and batch
            cache[company] = self.env["crm.team"].with_company(company)._get_default_team_id(user_id=False)
        team = entry.source_id.team_id or cache[company]
        if ("stage", team) not in cache:  # the stage crm would compute for each lead: the team's first open one
            cache["stage", team] = self.env["crm.lead"]._stage_find(team_id=team.id, domain=[("fold", "=", False)])
        click_key = next((key for key in CLICK_IDS if data.get(key)), None)
        vals = {
            "type": "opportunity", "partner_id": partner.id, "contact_name": data.get("name"),
            "phone": partner._ecom_phone_spelled(item["phone"]) or partner.phone,
            "email_from": data.get("email") or partner.email,
            "description": self._note_text(data, source, company, item.get("other_phones")),
            "ecom_product_id": item["product"].id,
            "expected_revenue": data.get("amount", 0.0), "ecom_delivery_city": data.get("city"),
            "ecom_delivery_zip": data.get("zip"), "ecom_delivery_street": data.get("address"),
            "city": data.get("city") or partner.city, "source_id": source.id, "medium_id": medium.id,
            "campaign_id": campaign.id, "referred": data.get("referrer"),
            # a campaign alone: its channel is the campaign's (``_utm_of``) and follows it
            "ecom_channel_from_campaign": bool(campaign) and not (
                data.get("utm_source") or data.get("utm_medium") or click_key),
            "ecom_click_id": data.get(click_key) if click_key else False, "ecom_repeat_customer": item["repeat"],
            "ecom_click_id_type": click_key or False, "ecom_yandex_client_id": data.get("yandex_client_id"),
            "ecom_google_client_id": data.get("google_client_id"),
            "team_id": team.id, "company_id": company.id, "stage_id": cache["stage", team].id,
            "ecom_delivery_date": data.get("delivery_date") or False,
            "ecom_quotation_todo": bool(data.get("lines")),
        }
        if not self.env["crm.lead"]._ecom_title_from_vals(vals):  # no product of the catalog to title it
            # the product as the site names it (its first line), else who sent it
            named = data.get("product") or next((line["name"] for line in data.get("lines") or [] if line["name"]),
                                                None)
            title = named and self.env["crm.lead"]._ecom_format_title(named, vals["ecom_delivery_city"] or vals["city"],
                                                                       company=company)
            if title:
                vals.update(name=title, ecom_name_manual=False)  # a product set later titles it again
            else:
                who = data.get("name") or partner.display_name
                lang = company.partner_id.lang or self.env.lang
                if (lang or "").startswith("ru"):  # «Заявка от» takes the genitive: «Ивановой Марии Сергеевны»
                    who = genitive_customer_name(who)
                vals["name"] = self.with_context(lang=lang).env._("Request from %(who)s", who=who)
        if "iap_enrich_done" in self.env["crm.lead"]._fields and (
                not vals["email_from"] or vals["email_from"].rpartition("@")[2].lower() in MAIL_PROVIDERS):
            # a private customer (no email, or a public mailbox): nothing for Odoo's company
            # enrichment to find. Marked as its job marks public mailboxes, so that the job, started
            # by every batch of new leads, does not read these again each time for an hour.
            vals["iap_enrich_done"] = True
        return vals

    @api.model
    def _product_of(self, data, cache=None):
        """The product a request is about: by reference or barcode, then by name (cached per batch)."""
        cache = {} if cache is None else cache
        key = (data.get("product_sku"), tuple(line.get("sku") for line in data.get("lines") or []),
               data.get("product"))
        if key not in cache:
            cache[key] = self._find_product(data)
        return cache[key]

    @api.model
    def _find_product(self, data):
        Product = self.env["product.product"]
        if data.get("product_sku"):
            found = Product.search(["|", ("default_code", "=", data["product_sku"]),
                                    ("barcode", "=", data["product_sku"])], limit=1)
            if found:
                return found
        for line in data.get("lines") or []:
            if line.get("sku"):
                found = Product.search(["|", ("default_code", "=", line["sku"]), ("barcode", "=", line["sku"])],
                                       limit=1)
                if found:
                    return found
        for name in [data.get("product")] + [line.get("name") for line in data.get("lines") or []]:
            if name:  # the name as written, any case (the usual ones where the database folds no Cyrillic
                # letters: tools.casefold): no wildcard of the sender's
                found = Product.search(expression.OR([[("name", "=ilike", escape_like(variant))]
                                                      for variant in case_variants(name)]), limit=1)
                if found:
                    return found
        return Product

    @api.model
    def _note_text(self, data, utm_source, company=None, other_phones=()):
        """The request as its salesperson reads it: the message, the lines, the amount and the
        channel, in the store's language and number formats (the company's), amounts in its
        currency; the other numbers its phone field gave that the customer's phone and mobile could
        not take (``other_phones``)."""
        company = company or self.env.company
        env = self.with_context(lang=company.partner_id.lang or self.env.lang).env
        lines = [escape(data["message"])] if data.get("message") else []
        for line in data.get("lines") or []:
            qty = line["qty"]
            lines.append(escape("• {} × {} — {}".format(
                line["name"], formatLang(env, qty, digits=0 if float(qty).is_integer() else 2),
                format_amount(env, line["price"], company.currency_id))))
        if data.get("amount"):
            amount = format_amount(env, data["amount"], company.currency_id)
            lines.append(escape(env._("Amount: %(amount)s", amount=amount)))
        if utm_source:
            lines.append(escape(env._("Channel: %(channel)s", channel=utm_source.name)))
        if other_phones:
            lines.append(escape(env._("Other phones: %(phones)s", phones=", ".join(other_phones))))
        return Markup("<br/>").join(lines) if lines else Markup("")

    @api.model
    def _cron_create_quotations(self, batch=200, auto_commit=True):
        """The draft quotations of new requests with lines (see _create_quotations), in batches, each
        committed, reporting progress."""
        Lead = self.env["crm.lead"]
        done = 0
        while True:
            leads = Lead.search([("ecom_quotation_todo", "=", True)], limit=batch, order="id")
            if not leads:
                break
            self._create_quotations(leads.filtered(lambda lead: lead.active and not lead.order_ids))
            leads.write({"ecom_quotation_todo": False})
            done += len(leads)
            remaining = Lead.search_count([("ecom_quotation_todo", "=", True)])
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            if auto_commit:
                self.env.cr.commit()
        return done

