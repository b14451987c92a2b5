import bisect
import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, email_normalize

from ..tools import ru_requisites
from ..tools.phones import (
    EXTENSION_SEPARATOR,
    normalize_phone,
    normalize_phone_pair,
    normalize_phone_vals,
    phone_without_extension,
    sms_number,
    with_other_phones,
)
from ..tools.russian_names import compose_name, gender_from_name, is_person_name, name_gender
from .ecom_report_mixin import flush_order_refunds, order_refunds

_logger = logging.getLogger(__name__)

NAME_PARTS = ("lastname", "firstname", "patronymic")
PHONE_FIELDS = ("phone", "mobile")
# the daily refresh of the cards: customers per transaction, and how many times a batch stopped
# by a concurrent change is run again (after 0.5 s, then twice as long each time)
CARD_BATCH = 2000
CARD_RETRIES = 4
CARD_RETRY_WAIT = 0.5
# the system parameter where a run of the daily refresh notes the last customer it committed
# («YYYY-MM-DD:id»): a run stopped on that day goes on after it
CARD_RESUME = "ecom_crm.card_refresh_resume"
# the advisory lock of the daily refresh of the cards (any constant unique to this use): held by a run,
# scheduled or started by hand («Run manually»), from its start to its end, across its batches' commits
CARD_LOCK = 0x1EC0_CA4D


class ResPartner(models.Model):
    _inherit = "res.partner"

    lastname = fields.Char("Last name", index="btree_not_null")
    firstname = fields.Char("First name", index="btree_not_null")
    patronymic = fields.Char("Patronymic", help="Отчество: the father's name form used in Russian names.")
    ecom_gender = fields.Selection(
        [("male", "Male"), ("female", "Female")], string="Gender",
        compute="_compute_ecom_gender", store=True, readonly=False,
        help="Set from the first name, else the patronymic, else the last name (Russian names dictionary); "
             "can be changed by hand. A contract's words («гражданка», «действующий») follow the name when "
             "it tells the gender (every part of it that tells one agrees), this field when it does not. A sole "
             "trader entered as a company («ИП Петрова Мария Ивановна») has it too, read from the name after «ИП»; a "
             "company with a 10-digit INN is an organisation, no sole trader, even named «ИП …».")
    ecom_phone_invalid = fields.Boolean(
        "Invalid phone", compute="_compute_ecom_phone_invalid", store=True,
        help="The phone or mobile could not be read as a valid number; it is kept as typed.")
    # indexed so that requests find their customer by normalised phone at any scale
    phone = fields.Char(index="btree_not_null")
    mobile = fields.Char(index="btree_not_null")
    # what requests and calls are matched by: the number without the extension kept with it
    ecom_phone_number = fields.Char(
        "Phone number without extension", compute="_compute_ecom_phone_number", store=True,
        index="btree_not_null")
    ecom_mobile_number = fields.Char(
        "Mobile number without extension", compute="_compute_ecom_phone_number", store=True,
        index="btree_not_null")
    # what SMS mailings, audiences and their lists send to: the mobile, else the phone, that an SMS
    # reaches (not Odoo's phone_sanitized, the mobile field first whatever number it holds)
    ecom_sms_number = fields.Char(
        "SMS number", compute="_compute_ecom_sms_number", store=True, index="btree_not_null",
        help="The number SMS go to: the mobile, else the phone, read as a mobile number (a landline "
             "takes no SMS), without its extension.")
    # the blacklists as audiences search them: a subquery each (Odoo's own searches run a query first,
    # the phone's listing the id of every contact not blacklisted)
    ecom_sms_blacklisted = fields.Boolean(
        "SMS number blacklisted", compute="_compute_ecom_blacklisted", search="_search_ecom_sms_blacklisted")
    ecom_email_blacklisted = fields.Boolean(
        "Email blacklisted", compute="_compute_ecom_blacklisted", search="_search_ecom_email_blacklisted")

    # customer card, per company (each company its orders, in its currency, and its thresholds),
    # refreshed set-based (see _ecom_refresh_customer_card)
    ecom_order_count = fields.Integer("Orders", readonly=True, company_dependent=True)
    ecom_revenue = fields.Float("Revenue", readonly=True, company_dependent=True,
                                help="Confirmed orders, in the company's currency at each order's date.")
    ecom_avg_order = fields.Float("Average order", readonly=True, company_dependent=True)
    ecom_first_order_date = fields.Date("First order", readonly=True, company_dependent=True)
    ecom_last_order_date = fields.Date("Last order", readonly=True, company_dependent=True)
    ecom_days_since_order = fields.Integer("Days since the last order", readonly=True, company_dependent=True)
    ecom_currency_id = fields.Many2one("res.currency", compute="_compute_ecom_currency_id")
    ecom_discount_card = fields.Char("Discount card", index="btree_not_null", copy=False)
    ecom_customer_status = fields.Selection(
        [("new", "New"), ("first_purchase", "First purchase"), ("repeat", "Repeat"), ("vip", "VIP"),
         ("sleeping", "Sleeping"), ("lost", "Lost")],
        string="Customer status", readonly=True, company_dependent=True,
        help="Moves with the funnel and with the time since the last order; thresholds in CRM settings.")
    ecom_intake_count = fields.Integer("Incoming requests", compute="_compute_ecom_intake_count")

    # The display name is composed from the parts for persons; companies keep a free name.
    name = fields.Char(
        compute="_compute_name",
        inverse="_inverse_name",
        store=True,
        readonly=False,
        index=True,
        default_export_compatible=True,
    )

    @api.depends("lastname", "firstname", "patronymic", "is_company")
    def _compute_name(self):
        for partner in self:
            composed = not partner.is_company and compose_name(*(partner[f] for f in NAME_PARTS))
            partner.name = composed or partner.name

    @api.depends_context("company")
    def _compute_ecom_currency_id(self):
        self.ecom_currency_id = self.env.company.currency_id  # the card is the current company's

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_ecom_intake_count(self):
        # what the button's list shows the reader: their companies', their own (or all documents)
        Journal = self.env["ecom.intake.request"]
        counts = dict(Journal._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])) \
            if Journal.has_access("read") else {}
        for partner in self:
            partner.ecom_intake_count = counts.get(partner, 0)

    @api.depends("firstname", "patronymic", "lastname", "is_company", "name")
    def _compute_ecom_gender(self):
        for partner in self:
            if partner.is_company:
                # a sole trader entered as a company, «ИП Петрова Мария Ивановна» (or without the title, with a
                # 12-digit ИНН): the name after its title (not split into parts), else the gender set by hand (the
                # contract's words); another company has none
                own_name = ru_requisites.sole_trader_own_name(partner.name)
                if own_name or len(ru_requisites.compact(partner.vat)) == 12:
                    own_name = own_name or (is_person_name(partner.name) and partner.name)
                    partner.ecom_gender = (own_name and name_gender(own_name)) or partner.ecom_gender
                else:
                    partner.ecom_gender = False
            else:
                partner.ecom_gender = gender_from_name(partner.firstname, partner.patronymic, partner.lastname) \
                    or partner.ecom_gender

    @api.depends("phone", "mobile", "country_id")
    def _compute_ecom_phone_invalid(self):
        for partner in self:
            partner.ecom_phone_invalid = any(
                not normalize_phone(partner[f], *partner._ecom_phone_country())[1] for f in PHONE_FIELDS)

    @api.depends("phone", "mobile")
    def _compute_ecom_phone_number(self):
        for partner in self:
            partner.ecom_phone_number = phone_without_extension(partner.phone) or False
            partner.ecom_mobile_number = phone_without_extension(partner.mobile) or False

    @api.depends("phone", "mobile")
    def _compute_ecom_sms_number(self):
        for partner in self:
            partner.ecom_sms_number = sms_number(partner.mobile, partner.phone)

    @api.depends("ecom_sms_number", "email_normalized")
    def _compute_ecom_blacklisted(self):
        numbers = set(self.env["phone.blacklist"].sudo().search(
            [("number", "in", [n for n in self.mapped("ecom_sms_number") if n])]).mapped("number"))
        emails = set(self.env["mail.blacklist"].sudo().search(
            [("email", "in", [e for e in self.mapped("email_normalized") if e])]).mapped("email"))
        for partner in self:
            partner.ecom_sms_blacklisted = bool(partner.ecom_sms_number) and partner.ecom_sms_number in numbers
            partner.ecom_email_blacklisted = bool(partner.email_normalized) and partner.email_normalized in emails

    def _ecom_search_blacklisted(self, operator, value, column, blacklisted):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Search whether it is blacklisted or not (= True / = False)."))
        self.env["phone.blacklist" if column == "ecom_sms_number" else "mail.blacklist"].flush_model()
        inside = (operator == "=") == value
        return [(column, "in" if inside else "not in", blacklisted)] if inside else \
            ["|", (column, "=", False), (column, "not in", blacklisted)]

    def _search_ecom_sms_blacklisted(self, operator, value):
        return self._ecom_search_blacklisted(operator, value, "ecom_sms_number",
                                             SQL("(SELECT number FROM phone_blacklist WHERE active)"))

    def _search_ecom_email_blacklisted(self, operator, value):
        return self._ecom_search_blacklisted(operator, value, "email_normalized",
                                             SQL("(SELECT email FROM mail_blacklist WHERE active)"))

    @api.model
    def _ecom_fill_sms_numbers(self, batch=5000, only=None):
        """Set ``ecom_sms_number`` of every customer (``only``: of the rows of this SQL condition) from
        the stored phones, a batch of ids at a time, in SQL (the upgrade that adds it, the demo store's
        partners written in SQL: no ORM recompute of the whole table). Returns how many changed."""
        changed, last_id = 0, 0
        while True:
            self.env.cr.execute(SQL("""
                SELECT id, mobile, phone, ecom_sms_number FROM res_partner
                 WHERE id > %s AND (mobile IS NOT NULL OR phone IS NOT NULL OR ecom_sms_number IS NOT NULL)
                   AND (%s)
                 ORDER BY id LIMIT %s
            """, last_id, only or SQL("TRUE"), batch))
            rows = self.env.cr.fetchall()
            if not rows:
                return changed
            last_id = rows[-1][0]
            todo = [(partner_id, number) for partner_id, mobile, phone, stored in rows
                    for number in [sms_number(mobile, phone) or None] if number != stored]
            if todo:
                self.env.cr.execute(SQL("""
                    UPDATE res_partner p SET ecom_sms_number = v.number
                      FROM (VALUES %s) v(id, number) WHERE p.id = v.id
                """, SQL(", ").join(SQL("(%s, %s::varchar)", *row) for row in todo)))
                changed += len(todo)
                self.invalidate_model(["ecom_sms_number"])

    def _sms_get_recipients_info(self, force_field=False, partner_fallback=True):
        """An SMS to a customer, no number field forced (a mailing, a composer): to the number an
        SMS reaches (``ecom_sms_number``), not to a landline Odoo finds first in «Mobile»."""
        result = super()._sms_get_recipients_info(force_field=force_field, partner_fallback=partner_fallback)
        if force_field:
            return result
        for partner in self:
            info = result.get(partner.id)
            if partner.ecom_sms_number and info and info["sanitized"] != partner.ecom_sms_number:
                field = next((fname for fname in ("mobile", "phone")
                              if phone_without_extension(partner[fname]) == partner.ecom_sms_number), None)
                if field is None:  # a stored number none of the phones gives (written in SQL): Odoo's
                    continue
                info.update(sanitized=partner.ecom_sms_number, number=partner[field], partner_store=False,
                            field_store=field)
        return result

    @api.model
    def _ecom_normalize_stored_phones(self, batch=5000, several_only=False):
        """Phones stored before the addon (Odoo keeps them as typed: «8 (916) 123-45-67», «… ext. 12»)
        in the stored format, so that requests and calls find these customers (see
        :func:`normalize_stored_phones`; ``several_only``: only the fields that may carry several
        numbers). Returns how many partners changed."""
        return normalize_stored_phones(self, batch, several_only)

    def _ecom_phone_country(self):
        country = self.country_id or self.env.company._ecom_phone_country()
        return country.code, country.phone_code

    def _inverse_name(self):
        for partner in self:
            if partner.is_company:
                continue
            values = dict(zip(NAME_PARTS, ru_requisites.split_person_name(partner.name), strict=False))
            if any(partner[f] != values[f] for f in NAME_PARTS):
                partner.write(values)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Explicit parts win over a name given at the same time; the name is composed
            # here already because the database refuses a contact without a name.
            if not vals.get("is_company") and any(vals.get(f) for f in NAME_PARTS):
                vals["name"] = compose_name(*(vals.get(f) for f in NAME_PARTS))
            others = []
            normalize_phone_vals(self.env, vals, others=others)
            # a field of several numbers, the mobile given too: the others in the notes
            note = others and with_other_phones(self.env, vals.get("comment"), others)
            if note:
                vals["comment"] = note
        return super().create(vals_list)

    @api.onchange("phone", "country_id", "company_id")
    def _onchange_phone_validation(self):
        if not self._ecom_several_phones("phone"):  # split when saved, not read as one number here
            super()._onchange_phone_validation()

    @api.onchange("mobile", "country_id", "company_id")
    def _onchange_mobile_validation(self):
        if not self._ecom_several_phones("mobile"):
            super()._onchange_mobile_validation()

    def write(self, vals):
        others = []
        if any(f in vals for f in PHONE_FIELDS):
            vals = dict(vals)
            normalize_phone_vals(self.env, vals, self, others=others)
        res = super().write(vals)
        for partner in self if others else ():  # a field of several numbers, the mobile taken: rare
            # not the numbers it has, nor those its notes have (the same form saved, an import run again)
            note = with_other_phones(self.env, partner.comment, others, (partner.phone, partner.mobile))
            if note:
                partner.comment = note
        return res

    # ------------------------------------------------------------------ dedup
    @api.model
    def _ecom_match_customers(self, phones=(), emails=()):
        """``(by_phone, by_email)``: the existing customer of each normalised phone and email, in two
        queries whatever their number.

        A phone finds the customers with the same number, whatever the extension kept with it («доб.»)
        on either side: a company's switchboard is the company's. Among several matches (duplicates
        not merged yet): an active one (a duplicate put away is archived), then, among those, one
        with that very extension (two companies of a business centre may share a switchboard), then,
        when the number is several customers' (a caller id, which has no extension, from a shared
        switchboard), the one with an open request in the repeat window (the customer in talks with
        the store calls about it), a company before a private person; with nobody in talks, a
        switchboard is a company's: a private person who gave the number as theirs (someone of the
        office, buying for themselves) is no company of it, and gets the call only by their open
        request or the very extension they gave; then the one who bought last, then the oldest
        record, so that the history stays in one place. An archived customer is matched only when
        nobody active is.
        """
        Partner = self.with_context(active_test=False)
        order = "active desc, ecom_last_order_date desc nulls last, id"
        by_phone, by_email = {}, {}
        if phones:
            numbers = list({phone_without_extension(phone) for phone in phones})
            exact, by_number, holders = {}, {}, {}
            for found in Partner.search(["|", ("ecom_phone_number", "in", numbers),
                                         ("ecom_mobile_number", "in", numbers)], order=order):
                for stored, number in ((found.phone, found.ecom_phone_number),
                                       (found.mobile, found.ecom_mobile_number)):
                    if number:
                        exact.setdefault(stored, found)
                        by_number.setdefault(number, found)
                        if found.active == by_number[number].active:  # the active, else the archived
                            holders.setdefault(number, Partner)
                            holders[number] |= found.commercial_partner_id  # in the search's order
            # the active come first (the search's order): the same spelling only among equals
            same = {phone: found for phone in phones if (found := exact.get(phone))
                    and (found.active or not by_number[phone_without_extension(phone)].active)}
            # the very extension decides; a bare number spelled as someone's does not (a caller id is bare
            # whoever calls from the switchboard): see _ecom_switchboard_customer. The requests are looked
            # for only when no extension decided (a form's with one costs nothing more)
            very = {phone: found for phone, found in same.items() if phone != phone_without_extension(phone)}
            undecided = {phone_without_extension(phone) for phone in phones if phone not in very}
            shared = {number: partners for number, partners in holders.items()
                      if len(partners) > 1 and number in undecided}
            # (a request opened by hand on one of the company's contacts is the company's too)
            in_talks = {partner.commercial_partner_id for partner in self.env["crm.lead"]._ecom_open_leads_in_window(
                Partner.search([("commercial_partner_id", "in", Partner.union(*shared.values()).ids)]))} \
                if shared else set()
            for phone in phones:
                number = phone_without_extension(phone)
                found = very.get(phone)
                if not found and number in shared:
                    found = self._ecom_switchboard_customer(shared[number], in_talks, same.get(phone))
                found = found or same.get(phone) or by_number.get(number)
                if found:
                    by_phone[phone] = found.commercial_partner_id
        if emails:
            for found in Partner.search([("email_normalized", "in", list(emails))], order=order):
                by_email.setdefault(found.email_normalized, found.commercial_partner_id)
        return by_phone, by_email

    @api.model
    def _ecom_switchboard_customer(self, holders, in_talks, spelled):
        """The customer a number several customers have is matched to, when no extension decided
        (``holders``: their commercial partners, in the matching's order; ``in_talks``: those with an
        open request; ``spelled``: whose phone is spelled as it came, if anyone's).

        The one in talks, a company before a private person (a company's contact is the company's);
        nobody in talks, a company: the switchboard is the company's, the one spelled so first. A
        private person (no company, no company's contact) is no company of a switchboard: the call
        is theirs by their open request or by the very extension they gave. None when only private
        persons have the number and none is in talks (the matching's first then)."""
        talking = holders.filtered(lambda partner: partner in in_talks)
        companies = holders.filtered("is_company")
        if talking:
            return (talking & companies)[:1] or talking[:1]
        spelled = spelled.commercial_partner_id if spelled else spelled
        return (spelled if spelled and spelled in companies else companies[:1]) or None

    def _ecom_phone_spelled(self, phone):
        """A normalised ``phone`` as this customer keeps it: without an extension (a caller id, a form
        from the switchboard), their phone or mobile of that number, with the extension kept with it."""
        if not phone or phone_without_extension(phone) != phone:
            return phone
        return next((own for own in (self.phone, self.mobile) if own and phone_without_extension(own) == phone),
                    phone)

    @api.model
    def _ecom_lock_customer_keys(self, keys):
        """Serialise, until the end of the transaction, whatever decides about the customers of
        these ``keys`` (normalised phones and emails, matched customers' ids, idempotency keys):
        whether a customer exists, which request is open, whether a key was journaled (see
        ``ecom.decision.lock``)."""
        self.env["ecom.decision.lock"]._take(keys)

    @api.model
    def _ecom_match_customer(self, phone=None, email=None):
        """The existing customer of one request: by normalised phone first (by each of the numbers
        a field of several gives, in order), then by email."""
        others = []
        vals = normalize_phone_vals(self.env, {"phone": phone}, others=others) if phone else {}
        phones = [number for number in (vals.get("phone"), vals.get("mobile"), *others) if number]
        email = email_normalize(email) if email else False
        by_phone, by_email = self._ecom_match_customers(phones, [email] if email else ())
        return next((by_phone[number] for number in phones if number in by_phone), None) \
            or (email and by_email.get(email)) or self.browse()

    @api.model
    def _ecom_create_customers(self, vals_list):
        """Create the customers of incoming requests, quietly (no creation message, no follower).

        Fields that only exist for the form (not stored, not computed, no inverse) are given as
        False: ``create()`` discards their values, yet would compute each one's default for every
        new partner (account's default counts the invoice reports once per partner)."""
        form_only = dict.fromkeys((name for name, field in self._fields.items() if field.default and not (
            field.store or field.compute or field.inverse or field.related)), False)
        return self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
            [{**form_only, **vals} for vals in vals_list])

    # --------------------------------------------------------- customer card
    @api.model
    def _ecom_refresh_customer_card(self, partner_ids=None):
        """Order statistics and customer status of customers, per company, in one set-based UPDATE.

        ``partner_ids``: only these commercial partners (an order was confirmed); None: everybody
        who has orders, requests or a card (the daily job, since days since the last order move).
        Each company counts its own confirmed orders (placed by the customer or any of its contacts
        and addresses), converted into its currency at the order's rate, less what its posted credit
        notes gave back, as the reports count it (``order_refunds``: those of the orders, and those typed
        in by hand for the customer, a manual refund or a goodwill credit, from the customer's orders
        placed on or before them, the latest first; never below nothing); an order given back in full
        is a returned order, as in the reports: no order in the count, nor the first or the last
        order (a customer whose every order came back has bought nothing). It applies its own
        thresholds; the card fields hold one value per company. Its days are the company's (its time
        zone, as the reports and the scoring count them; UTC for a company without one): an order of
        01:30 in Moscow is that day's, and the days since it turn at the store's midnight.
        """
        self.env["sale.order"].flush_model(["state", "ecom_status", "date_order", "amount_total", "partner_id",
                                            "company_id", "currency_rate"])
        self.env["crm.lead"].flush_model(["partner_id", "active", "company_id"])
        flush_order_refunds(self.env)
        self.env["res.company"].flush_model()
        self.flush_model()
        only = SQL("AND p.commercial_partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        only_card = SQL("AND p.id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        only_stats = SQL("AND s.partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        # what their orders' credit notes and those typed in by hand gave back, taken from the revenue
        # as the reports do (the sum of the reports' rows of the customer)
        refunds = order_refunds(orders=SQL(
            "SELECT o.id FROM sale_order o JOIN res_partner op ON op.id = o.partner_id "
            "WHERE op.commercial_partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else None)
        # no JIT for this statement: PostgreSQL compiled its hundreds of expressions for every
        # customer's card at once (its estimate is high), 2 s of the 3.5 s of every card of a store of
        # 60,000 customers, 4 s of 6 with the returns' SQL; its rows need no compiled code
        self.env.cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        jit = self.env.cr.fetchone()[0]
        self.env.cr.execute(SQL("""
            WITH zones AS (  -- each company's time zone and its today there
                SELECT c.id AS company_id, COALESCE(cp.tz, 'UTC') AS tz,
                       (%(now)s::timestamp AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date AS day
                  FROM res_company c
                  LEFT JOIN res_partner cp ON cp.id = c.partner_id
            ), rf AS (
                SELECT rf.order_id, rf.refunded, rf.returned, rp.commercial_partner_id AS partner_id,
                       rso.company_id, rso.currency_rate
                  FROM (%(refunds)s) rf
                  JOIN sale_order rso ON rso.id = rf.order_id
                  JOIN res_partner rp ON rp.id = rso.partner_id
                 WHERE rso.ecom_status IS DISTINCT FROM 'returned'  -- refused at delivery: counted nowhere
            ), refunds AS (
                SELECT partner_id, company_id,
                       sum(refunded / coalesce(nullif(currency_rate, 0), 1)) AS refunded,
                       count(*) FILTER (WHERE returned) AS returned
                  FROM rf
              GROUP BY 1, 2
            ), kept AS (
                -- the first and last order of the customers who gave one back in full, those apart
                -- (a returned order is no order, as in the reports)
                SELECT p.commercial_partner_id AS partner_id, so.company_id,
                       min(so.date_order) AS first_order, max(so.date_order) AS last_order
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.ecom_status IS DISTINCT FROM 'returned'
                   AND p.commercial_partner_id IN (SELECT partner_id FROM refunds WHERE returned > 0)
                   AND so.id NOT IN (SELECT order_id FROM rf WHERE returned)
              GROUP BY 1, 2
            ), stats AS (
                SELECT s.partner_id, s.company_id, s.order_count - coalesce(r.returned, 0) AS orders,
                       greatest(0, s.revenue - coalesce(r.refunded, 0)) AS revenue,
                       (CASE WHEN r.returned > 0 THEN k.first_order ELSE s.first_order END
                        AT TIME ZONE 'UTC' AT TIME ZONE z.tz)::date AS first_order,
                       (CASE WHEN r.returned > 0 THEN k.last_order ELSE s.last_order END
                        AT TIME ZONE 'UTC' AT TIME ZONE z.tz)::date AS last_order
                  FROM ecom_customer_order_stats s
                  JOIN zones z ON z.company_id = s.company_id
                  LEFT JOIN refunds r ON r.partner_id = s.partner_id AND r.company_id = s.company_id
                  LEFT JOIN kept k ON k.partner_id = s.partner_id AND k.company_id = s.company_id
                 WHERE true %(only_stats)s
            ), leads AS (
                SELECT p.commercial_partner_id AS partner_id, l.company_id, bool_or(l.active) AS has_open,
                       count(*) AS total
                  FROM crm_lead l
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.company_id IS NOT NULL %(only)s
              GROUP BY p.commercial_partner_id, l.company_id
            ), cards AS (  -- the companies where a customer has a card already, to bring it up to date
                SELECT p.id AS partner_id, key::int AS company_id
                  FROM res_partner p, jsonb_object_keys(p.ecom_customer_status) key
                 WHERE p.ecom_customer_status IS NOT NULL %(only_card)s
            ), keys AS (
                SELECT partner_id, company_id FROM stats
                 UNION SELECT partner_id, company_id FROM leads
                 UNION SELECT partner_id, company_id FROM cards
            ), card AS (
                SELECT k.partner_id, k.company_id,
                       coalesce(s.orders, 0) AS orders, round(coalesce(s.revenue, 0), 2) AS revenue,
                       CASE WHEN s.orders > 0 THEN round(s.revenue / s.orders, 2) ELSE 0 END AS avg_order,
                       s.first_order, s.last_order,
                       CASE WHEN s.last_order IS NOT NULL THEN t.day - s.last_order END AS days,
                       CASE
                           WHEN coalesce(s.orders, 0) = 0 THEN
                               CASE WHEN l.total > 0 AND NOT l.has_open THEN 'lost' ELSE 'new' END
                           WHEN t.day - s.last_order >= c.ecom_lost_days THEN 'lost'
                           WHEN t.day - s.last_order >= c.ecom_sleeping_days THEN 'sleeping'
                           WHEN s.revenue >= c.ecom_vip_revenue OR s.orders >= c.ecom_vip_orders THEN 'vip'
                           WHEN s.orders >= 2 THEN 'repeat'
                           ELSE 'first_purchase'
                       END AS status
                  FROM keys k
                  JOIN res_company c ON c.id = k.company_id
                  JOIN zones t ON t.company_id = k.company_id
                  LEFT JOIN stats s ON s.partner_id = k.partner_id AND s.company_id = k.company_id
                  LEFT JOIN leads l ON l.partner_id = k.partner_id AND l.company_id = k.company_id
            ), by_partner AS (
                SELECT partner_id,
                       jsonb_object_agg(company_id::text, orders) AS orders,
                       jsonb_object_agg(company_id::text, revenue) AS revenue,
                       jsonb_object_agg(company_id::text, avg_order) AS avg_order,
                       jsonb_object_agg(company_id::text, first_order) FILTER (WHERE first_order IS NOT NULL)
                           AS first_order,
                       jsonb_object_agg(company_id::text, last_order) FILTER (WHERE last_order IS NOT NULL)
                           AS last_order,
                       jsonb_object_agg(company_id::text, days) FILTER (WHERE days IS NOT NULL) AS days,
                       jsonb_object_agg(company_id::text, status) AS status
                  FROM card
              GROUP BY partner_id
            )
            UPDATE res_partner p
               SET ecom_order_count = c.orders, ecom_revenue = c.revenue, ecom_avg_order = c.avg_order,
                   ecom_first_order_date = c.first_order, ecom_last_order_date = c.last_order,
                   ecom_days_since_order = c.days, ecom_customer_status = c.status
              FROM by_partner c
             WHERE p.id = c.partner_id
               AND (p.ecom_order_count, p.ecom_revenue, p.ecom_first_order_date, p.ecom_last_order_date,
                    p.ecom_days_since_order, p.ecom_customer_status)
                   IS DISTINCT FROM (c.orders, c.revenue, c.first_order, c.last_order, c.days, c.status)
        """, only=only, only_card=only_card, only_stats=only_stats,
            now=fields.Datetime.now(), refunds=refunds))
        updated = self.env.cr.rowcount
        self.env.cr.execute("SELECT set_config('jit', %s, true)", [jit])
        self.invalidate_model(["ecom_order_count", "ecom_revenue", "ecom_avg_order", "ecom_first_order_date",
                               "ecom_last_order_date", "ecom_days_since_order", "ecom_customer_status"])
        return updated

    @api.model
    def _ecom_card_holders(self):
        """The ids, in order, of everybody whose card the daily refresh brings up to date: whoever
        has confirmed orders or requests (their commercial partner), or has a card already."""
        self.env["sale.order"].flush_model(["state", "partner_id"])
        self.env["crm.lead"].flush_model(["partner_id", "company_id"])
        self.flush_model(["commercial_partner_id", "ecom_customer_status"])
        self.env.cr.execute("""
            SELECT p.commercial_partner_id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale'
             UNION
            SELECT p.commercial_partner_id FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
             WHERE l.company_id IS NOT NULL
             UNION
            SELECT id FROM res_partner WHERE ecom_customer_status IS NOT NULL
             ORDER BY 1
        """)
        return [partner_id for (partner_id,) in self.env.cr.fetchall()]

    @api.model
    def _cron_ecom_refresh_customer_cards(self, batch=None, auto_commit=None):
        """The daily refresh of every card (the days since the last order move), ``batch`` customers
        a transaction (:data:`CARD_BATCH`), in the order of their ids, each committed when the
        scheduler runs the job (``auto_commit``; by default only then: Odoo 18 gives its run a
        progress record; never in an installation, an upgrade, a test or a caller's transaction).

        In one transaction for everybody, the job held every card's row until its end, and failed
        as a whole, until the next day, when a single customer was written meanwhile (a
        salesperson's edit, an order confirmed, a request's email): PostgreSQL refuses to update a
        row changed since the transaction began, and Odoo does not run a job again. A batch stopped
        by such a change (or a deadlock) is rolled back and run again, from a newer snapshot that
        sees it.

        Each committed batch notes the last customer done today (:data:`CARD_RESUME`, in the same
        transaction), and the progress notified to Odoo is this run's: a run stopped after some
        batches (an error, a worker's time limit) is run again at once by Odoo and goes on from
        there, rather than refreshing again what is done; one that stops before any batch is a
        failure for Odoo (counted, the job tried again the next day, deactivated after repeated
        failures) rather than a job run again and again from its first customer.

        One run at a time: Odoo's own lock of the job (its row, locked by the scheduler or by «Run
        manually») ends with the first commit of a run started by hand, and the scheduler could
        then start the job beside it. A run holds :data:`CARD_LOCK` (a session lock: its batches'
        commits keep it) until its end; a scheduled run that finds it taken leaves the cards to the
        other (a log line; done for Odoo), a run started by hand tells the user. Returns how many
        cards changed."""
        if auto_commit is None:
            auto_commit = bool(self.env.context.get("ir_cron_progress_id")) and not getattr(
                threading.current_thread(), "testing", False)
        cr = self.env.cr
        if not auto_commit:  # one transaction: the lock ends with it
            cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [CARD_LOCK])
            if not cr.fetchone()[0]:
                return self._ecom_cards_busy()
            return self._ecom_refresh_cards_in_batches(batch, auto_commit)
        cr.execute("SELECT pg_try_advisory_lock(%s)", [CARD_LOCK])
        if not cr.fetchone()[0]:
            return self._ecom_cards_busy()
        try:
            updated = self._ecom_refresh_cards_in_batches(batch, auto_commit)
            cr.commit()  # the run's end (its resume point forgotten) is seen by the next run the unlock lets in
            return updated
        except BaseException:  # a gevent timeout, a SystemExit too: the unlock needs a usable transaction
            cr.rollback()
            raise
        finally:
            cr.execute("SELECT pg_advisory_unlock(%s)", [CARD_LOCK])
            cr.commit()

    @api.model
    def _ecom_cards_busy(self):
        """Another run of the daily refresh has the cards: a scheduled run (or a caller) leaves them
        to it; a run started by hand («Run manually»: a progress record, not the scheduler's job)
        tells the user."""
        if self.env.context.get("ir_cron_progress_id") and not self.env.context.get("cron_id"):
            raise UserError(_("The customer cards are being refreshed right now (the scheduled run or one "
                              "started by hand): this run is not started. Try again when it has finished."))
        _logger.info("customer cards: another run of the refresh is under way, this one leaves the cards to it")
        return 0

    @api.model
    def _ecom_refresh_cards_in_batches(self, batch, auto_commit):
        """The body of :meth:`_cron_ecom_refresh_customer_cards`, under its lock."""
        batch = batch or CARD_BATCH
        holders = self._ecom_card_holders()
        today = fields.Date.to_string(fields.Date.today())
        if auto_commit:
            # read from the table: the parameters' cache of this worker may predate another's run
            self.env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [CARD_RESUME])
            day, _sep, last = ((self.env.cr.fetchone() or [""])[0] or "").partition(":")
            if day == today and last.isdigit():  # a run of today stopped after these customers
                holders = holders[bisect.bisect_right(holders, int(last)):]
            self.env.cr.commit()  # the batches begin their transactions from here
        updated = done = 0
        for start in range(0, len(holders), batch):
            chunk = holders[start:start + batch]
            for attempt in range(CARD_RETRIES + 1):
                try:
                    changed = self._ecom_refresh_customer_card(chunk)
                    if auto_commit:
                        self._ecom_note_card_resume(f"{today}:{chunk[-1]}")
                    # notified in the batch's transaction: what is notified done is committed
                    self.env["ir.cron"]._notify_progress(done=done + len(chunk),
                                                         remaining=len(holders) - done - len(chunk))
                    if auto_commit:
                        self.env.cr.commit()
                    break
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                    if not auto_commit or attempt == CARD_RETRIES:
                        raise
                    self.env.cr.rollback()
                    _logger.info("customer cards %s-%s: refreshed again after a concurrent change (%s)",
                                 chunk[0], chunk[-1], error.pgcode)
                    time.sleep(CARD_RETRY_WAIT * 2 ** attempt)
            updated += changed
            done += len(chunk)
        if auto_commit:
            self._ecom_note_card_resume(None)  # done: the next run begins from the first customer
        return updated

    @api.model
    def _ecom_note_card_resume(self, value):
        """Note (None: forget) where the daily refresh of the cards is, in SQL: through the ORM,
        each batch's note cleared every worker's caches (a system parameter's write does), a few
        hundred times a night on a big store; only this job reads it, from the table."""
        if value is None:
            self.env.cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [CARD_RESUME])
            return
        self.env.cr.execute("""
            INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, write_date)
            VALUES (%(key)s, %(value)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_uid = EXCLUDED.write_uid,
                                            write_date = EXCLUDED.write_date
        """, {"key": CARD_RESUME, "value": value, "uid": self.env.uid})

    def action_ecom_view_intake(self):
        self.ensure_one()
        return self.env["ecom.intake.request"]._ecom_action([("partner_id", "child_of", self.commercial_partner_id.id)])

    def action_ecom_view_timeline(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Timeline of %s", self.display_name),
            "res_model": "ecom.customer.timeline",
            "view_mode": "list",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }


class ResPartnerDoNotDisturb(models.Model):
    """«Do not disturb»: no notification of orders and requests, by email or SMS."""

    _inherit = "res.partner"

    ecom_do_not_disturb = fields.Boolean(
        "Do not disturb", tracking=True,
        help="The customer asked not to be contacted: no order or request notification, no mailing.")

    def _ecom_do_not_disturb(self):
        """True when this contact or its company asked not to be disturbed."""
        self.ensure_one()
        return bool(self.ecom_do_not_disturb or self.commercial_partner_id.ecom_do_not_disturb)


# the stored phones that may carry several numbers (tools.phones.split_phones): a separator, an
# «extension» as long as a number (what the second number of «8916…;8903…» became, read as one), or
# the digits of two numbers with a space between them («89161234567 89037654321»: 16 digits at least,
# two Russian numbers have 20, one with a short extension fewer: «+7 (495) 765 43 21 доб. 123»); the
# words in their three usual cases (~* folds no Cyrillic in a database of LC_CTYPE C)
SEVERAL_PHONES_SQL = (
    "[,;/\\\\|\r\n]|\\s(или|ИЛИ|Или|либо|ЛИБО|Либо|и|И|and|AND|And|or|OR|Or)\\s| доб\\. [0-9]{7,}$"
    "|^(?=([^0-9]*[0-9]){16}).*[0-9].*\\s.*[0-9]")


def normalize_stored_phones(model, batch=5000, several_only=False):
    """The phones and mobiles of ``model``'s table (customers, requests) typed before the addon
    stored them normalised, in the stored format: read and written set-based, a batch of rows at a
    time (a SELECT and an UPDATE each, by id: a large table is never held in memory whole), each
    number read in its record's country, else its company's, else the current company's; a
    partner's number columns with them, and the stored fields Odoo computes from the phones
    (the sanitized number of SMS and the phone blacklist, a request's phone state) recomputed for
    the records changed, as a write would. A number that cannot be read stays as typed; a field of
    two numbers gives its second to the other field when empty (``tools.phones.normalize_phone_pair``).
    ``several_only``: only the rows whose phone or mobile may carry several numbers
    (:data:`SEVERAL_PHONES_SQL`), not every number kept as typed again. Returns how many records
    changed."""
    cr = model.env.cr
    model.flush_model(["phone", "mobile", "country_id", "company_id"])
    table = SQL.identifier(model._table)
    default = model.env.company._ecom_phone_country()
    numbers = SQL()
    fnames = ["phone", "mobile"]
    if "ecom_phone_number" in model._fields:
        numbers = SQL(""", ecom_phone_number = NULLIF(split_part(v.phone, %(sep)s, 1), ''),
                           ecom_mobile_number = NULLIF(split_part(v.mobile, %(sep)s, 1), '')""",
                      sep=EXTENSION_SEPARATOR)
        fnames += ["ecom_phone_number", "ecom_mobile_number"]
    # what Odoo stores computed from the phones on the same record (not through relations: a
    # request's phone copied from its customer's stays the request's own)
    computed = [field for field in model.pool.get_trigger_tree(
        [model._fields[fname] for fname in ("phone", "mobile")]).root if field.store and field.compute]
    if several_only:
        which = SQL("(p.phone ~ %(several)s OR p.mobile ~ %(several)s)", several=SEVERAL_PHONES_SQL)
    else:
        which = SQL("""((p.phone IS NOT NULL AND p.phone !~ %(stored)s)
                        OR (p.mobile IS NOT NULL AND p.mobile !~ %(stored)s))""", stored=r"^\+[0-9]+( доб\. [0-9]+)?$")
    changed_count, after = 0, 0
    while True:
        cr.execute(SQL("""
            SELECT p.id, p.phone, p.mobile, COALESCE(pc.code, cc.code), COALESCE(pc.phone_code, cc.phone_code)
              FROM %(table)s p
              LEFT JOIN res_country pc ON pc.id = p.country_id
              LEFT JOIN res_company co ON co.id = p.company_id
              LEFT JOIN res_partner cop ON cop.id = co.partner_id
              LEFT JOIN res_country cc ON cc.id = COALESCE(co.ecom_phone_country_id, cop.country_id)
             WHERE p.id > %(after)s AND %(which)s
          ORDER BY p.id
             LIMIT %(batch)s
        """, table=table, which=which, after=after, batch=batch))
        rows = cr.fetchall()
        if not rows:
            break
        after = rows[-1][0]
        changed = []
        for record_id, phone, mobile, code, phone_code in rows:
            country = (code or default.code, phone_code or default.phone_code)
            values = normalize_phone_pair(phone, mobile, *country)
            if values != (phone, mobile):
                changed.append((record_id, *values))
        if not changed:
            continue
        cr.execute(SQL("""
            UPDATE %(table)s p SET phone = v.phone, mobile = v.mobile %(numbers)s
              FROM (VALUES %(rows)s) AS v(id, phone, mobile)
             WHERE p.id = v.id
        """, table=table, numbers=numbers,
            rows=SQL(", ").join(SQL("(%s, %s, %s)", *row) for row in changed)))
        records = model.browse([row[0] for row in changed])
        model.invalidate_model(fnames)
        for field in computed:
            model.env.add_to_compute(field, records)
        records.flush_recordset()
        model.invalidate_model()  # the batch's records leave the cache
        changed_count += len(changed)
    return changed_count
