"""The demo store's reference data, through the ORM: the company, the sales team and its managers,
the catalog, the request channels, the pipeline's stages and refusal reasons.

It is small and must obey every business rule, so it is created (or found again, when the
generator runs a second time) with the ORM; the bulk SQL of :mod:`.sql` only refers to its ids.
Whatever the SQL writes that the ORM would have computed from it is asked of the ORM here too.
"""

from . import data, distributions

STAGES = ("new_request", "first_contact", "deciding", "awaiting_payment", "sold")
LOST_REASONS = ("too_expensive", "out_of_stock", "delivery", "no_answer", "changed_mind", "bought_elsewhere",
                "payment_method", "refused_at_delivery", "duplicate_spam", "other")
TEAM_NAME = "Интернет-магазин"


def setup_company(env, russia):
    """The current company sells in Russia, in roubles when no accounting entry forbids the change."""
    company = env.company
    old_currency = company.currency_id
    vals = {}
    if company.country_id != russia:
        vals["country_id"] = russia.id
    rub = env.ref("base.RUB")
    if company.currency_id != rub and not env["account.move.line"].sudo().search_count(
            [("company_id", "=", company.id)], limit=1):
        rub.active = True
        vals["currency_id"] = rub.id
    if company.name == "My Company":
        vals["name"] = "Интернет-магазин «Домашний»"
    if vals:
        company.write(vals)
    if company.currency_id != old_currency:
        switch_pricelists(env, company, old_currency)
    # the store works in Moscow time and in Russian (its texts, titles and notes take its language)
    lang = demo_lang(env)[0]
    company.partner_id.write({"tz": "Europe/Moscow", "lang": lang})
    return company


def switch_pricelists(env, company, old_currency):
    """The company's pricelists still in ``old_currency``, the currency it had, in its own now, those that
    price nothing in the old one (no fixed price, no amount added or margin in it; none of the orders).

    Activating the rouble turns Odoo's pricelists on (a second active currency), which gives the company its
    default pricelist («По умолчанию») in the currency it has then, before it is given the rouble: every
    quotation, and the offer printed from a request, read in dollars («Цена, $») in a rouble store."""
    Pricelist = env["product.pricelist"].sudo().with_context(active_test=False)
    pricelists = Pricelist.search([("company_id", "=", company.id), ("currency_id", "=", old_currency.id)])
    if not pricelists:
        return pricelists
    priced = env["product.pricelist.item"].sudo().with_context(active_test=False).search([
        ("pricelist_id", "in", pricelists.ids), "|", "|", "|", ("compute_price", "=", "fixed"),
        ("price_surcharge", "!=", 0), ("price_min_margin", "!=", 0), ("price_max_margin", "!=", 0)]).pricelist_id
    ordered = Pricelist.browse(pricelist.id for [pricelist] in env["sale.order"].sudo()._read_group(
        [("pricelist_id", "in", pricelists.ids)], ["pricelist_id"]))
    switched = pricelists - priced - ordered
    switched.write({"currency_id": company.currency_id.id})
    return switched


def demo_lang(env):
    """(code, id) of the customers' language: Russian when loaded."""
    lang = env["res.lang"]._lang_get("ru_RU") or env["res.lang"]._lang_get("en_US")
    return lang.code, lang.id


# the password of the demo's salespeople (README: «1. Run it»); admin's is admin
MANAGER_PASSWORD = "demo"


def setup_team(env, company):
    team = env["crm.team"].search([("name", "=", TEAM_NAME)], limit=1)
    if not team:
        team = env["crm.team"].create({
            "name": TEAM_NAME, "use_leads": True, "use_opportunities": True, "company_id": company.id,
        })
    team.ecom_assign_by_load = True  # new requests land with a salesperson, by load
    return team


def setup_managers(env, team, company, lang, n_managers):
    """The team's salespeople (``manager<n>@demo-store.ru``), and the administrator: ids of the users
    the customers and requests are assigned to. A salesperson this creates logs in with the password
    :data:`MANAGER_PASSWORD`, so that the demo shows a salesperson's screens (their Today list, their own
    figures) as well as the owner's; one who exists already keeps theirs."""
    users = env["res.users"].with_context(no_reset_password=True)
    salesman = env.ref("sales_team.group_sale_salesman")
    managers = users.browse()
    hashed = None
    for idx, (last, first, patronymic) in enumerate(data.MANAGER_NAMES[:n_managers], start=1):
        login = f"manager{idx}@demo-store.ru"
        user = users.search([("login", "=", login)], limit=1)
        if not user:
            user = users.create({
                "login": login, "email": login, "lastname": last, "firstname": first,
                "patronymic": patronymic, "lang": lang, "tz": "Europe/Moscow",
                "groups_id": [(6, 0, [env.ref("base.group_user").id, salesman.id])],
                "company_id": company.id, "company_ids": [(6, 0, [company.id])],
            })
            # hashed once for all of them (each hash takes Odoo's 600,000 rounds, half a second here)
            hashed = hashed or users._crypt_context().hash(MANAGER_PASSWORD)
            users._set_encrypted_password(user.id, hashed)
        managers |= user
    # the person who opens the demo (admin) is the store's owner, in Moscow, and works requests too,
    # so that «My pipeline» is not empty
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    if admin and admin.active:
        vals = {"tz": "Europe/Moscow", "lang": lang}
        if admin.name in ("Administrator", "Mitchell Admin"):
            vals.update(lastname=data.OWNER_NAME[0], firstname=data.OWNER_NAME[1], patronymic=data.OWNER_NAME[2])
        admin.write(vals)
        managers = admin | managers
    team.member_ids = [(4, uid) for uid in managers.ids]
    set_home_action(env, managers)
    return managers.ids


def set_home_action(env, users):
    """Whoever logs in to the demo lands on the CRM pipeline full of its requests, not on Discuss (Odoo's
    first app): the administrator and the salespeople (those the generator creates get it at their creation,
    ``res.users.create``; those of a store generated before too). A home action a user has keeps. Only the
    demo's users: an installation leaves the administrator's home as Odoo has it."""
    pipeline = env.ref("crm.crm_lead_action_pipeline", raise_if_not_found=False)
    homeless = users.filtered(lambda user: not user.action_id)
    if pipeline and homeless:
        homeless.action_id = pipeline.id


def setup_catalog(env, plan):
    """Create the categories and products of ``plan`` (:func:`.distributions.catalog_plan`) that do not
    exist yet; existing ones are found by their ``DEMO-`` code and keep their price and cost (those
    made before the demo products had a cost get one: the plan's share of their own price).

    Returns, in catalog order, ``(variant id, order line description, price, variant name, cost)``:
    the cost is the current company's (a product's cost price is per company).
    """
    Category = env["product.category"]
    Template = env["product.template"]
    known = {t.default_code: t for t in Template.search([("default_code", "=like", "DEMO-%")])}
    parents = {}
    products = []
    for cat_name, parent_name, vals_list in plan:
        if parent_name not in parents:
            parents[parent_name] = (Category.search([("name", "=", parent_name), ("parent_id", "=", False)], limit=1)
                                    or Category.create({"name": parent_name}))
        parent = parents[parent_name]
        categ = (Category.search([("name", "=", cat_name), ("parent_id", "=", parent.id)], limit=1)
                 or Category.create({"name": cat_name, "parent_id": parent.id}))
        missing = [dict(vals, categ_id=categ.id) for vals in vals_list if vals["default_code"] not in known]
        if missing:
            known.update({t.default_code: t for t in Template.create(missing)})
        for vals in vals_list:
            tmpl = known[vals["default_code"]]
            variant = tmpl.product_variant_id
            if not variant.standard_price and tmpl.list_price:
                variant.standard_price = distributions.cost_at_share(
                    tmpl.list_price, vals["standard_price"] / vals["list_price"])
            products.append((variant.id, variant.get_product_multiline_description_sale(), tmpl.list_price,
                             variant.name, variant.standard_price))
    return products


def setup_channels(env):
    """``(source id, medium id, weight, campaign ids)`` of each request channel of :data:`data.CHANNELS`."""
    Campaign = env["utm.campaign"]
    channels = []
    for source_xmlid, medium_xmlid, weight, campaigns in data.CHANNELS:
        campaign_ids = []
        for name in campaigns + data.AD_EXTRA_CAMPAIGNS.get(source_xmlid, []):
            campaign = Campaign.search([("name", "=", name)], limit=1) or Campaign.create({"name": name})
            campaign_ids.append(campaign.id)
        channels.append((env.ref(source_xmlid).id, env.ref(medium_xmlid).id, weight, campaign_ids))
    return channels


def ad_campaigns(channels):
    """The paid campaigns' spend parameters: ``{sp_source, sp_medium, sp_campaign, sp_drr, sp_share,
    sp_cabinet}`` (arrays, one item per campaign): a campaign spends its share (an equal one) of its
    channel's ДРР (data.AD_DRR) of the channel's revenue."""
    params = {"sp_source": [], "sp_medium": [], "sp_campaign": [], "sp_drr": [], "sp_share": [], "sp_cabinet": []}
    for (source_xmlid, _medium, _weight, _names), (source, medium, _w, campaign_ids) in zip(
            data.CHANNELS, channels, strict=True):
        drr = data.AD_DRR.get(source_xmlid)
        if not drr or not campaign_ids:
            continue
        for campaign in campaign_ids:
            params["sp_source"].append(source)
            params["sp_medium"].append(medium)
            params["sp_campaign"].append(campaign)
            params["sp_drr"].append(drr)
            params["sp_share"].append(1 / len(campaign_ids))
            params["sp_cabinet"].append(data.AD_CABINETS[source_xmlid])
    return params


def stage_ids(env):
    """The store pipeline's stages, in order (the won stage last)."""
    return [env.ref(f"ecom_crm.crm_stage_{xmlid}").id for xmlid in STAGES]


def lost_reason_ids(env):
    return {xmlid: env.ref(f"ecom_crm.lost_reason_{xmlid}").id for xmlid in LOST_REASONS}


def delivered_method(env, product_id):
    """How Odoo counts what was delivered of the demo products' order lines: by hand with Sales
    alone, by stock moves with Inventory installed. Asked of the ORM, not assumed."""
    return env["sale.order.line"].new({"product_id": product_id}).qty_delivered_method


def generic_email_domains(env, domains):
    """Which of ``domains`` are public mailboxes: there a request's ``email_domain_criterion`` (crm's
    duplicate detection) is the whole address, elsewhere the ``@domain``. Asked of the ORM, which
    knows the list of mail providers, not assumed."""
    Lead = env["crm.lead"]
    return [not (Lead.new({"email_from": f"x@{domain}"}).email_domain_criterion or "").startswith("@")
            for domain in domains]
