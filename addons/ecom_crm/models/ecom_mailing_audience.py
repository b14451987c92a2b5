from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.phones import sms_phone

CUSTOMER_STATUSES = [
    ("new", "New"), ("first_purchase", "First purchase"), ("repeat", "Repeat"), ("vip", "VIP"),
    ("sleeping", "Sleeping"), ("lost", "Lost"),
]


class EcomMailingAudience(models.Model):
    """A saved audience of customers: a filter on contacts that Email Marketing and SMS Marketing
    use as recipients (a mailing on contacts with its domain), or a mailing list that the audience
    refreshes before each sending.

    Each kind has its parameters and its ``_ecom_domain_<kind>`` method; other addons add kinds
    (``selection_add``) with their own method (the scoring addon adds its groups and segments).
    Every audience leaves out customers who asked not to be disturbed, archived contacts and those
    restricted to another company; each channel leaves out its blacklist (emails for emails, phones for SMS)."""

    _name = "ecom.mailing.audience"
    _description = "Mailing audience"
    _order = "sequence, name, id"

    name = fields.Char("Name", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", "Company", required=True, default=lambda self: self.env.company,
        help="Customer statuses and scores are per company: the audience reads this company's.")
    kind = fields.Selection(
        [("status", "Customer status"), ("refusal", "Refusal reason")], string="Kind", required=True,
        default="status")
    customer_status = fields.Selection(CUSTOMER_STATUSES, string="Customer status")
    lost_reason_ids = fields.Many2many("crm.lost.reason", string="Refusal reasons",
                                       help="Customers who refused a request for one of these reasons.")
    period_days = fields.Integer(
        "In the last (days)", help="Refusals of the last N days, counted at each sending; 0: any time.")
    date_from = fields.Date("Refused from")
    date_to = fields.Date("Refused until")
    domain = fields.Char("Filter on contacts", compute="_compute_domain",
                         help="The audience as a filter on contacts, computed today.")
    partner_count = fields.Integer("Customers", compute="_compute_domain")
    mail_count = fields.Integer(
        "Email recipients", compute="_compute_domain",
        help="The emails a mailing to the audience sends today: one per address (a second customer "
             "with the same email gets no second copy), blacklisted addresses left out.")
    sms_count = fields.Integer(
        "SMS recipients", compute="_compute_domain",
        help="The SMS a mailing to the audience sends today: one per number, without blacklisted "
             "numbers and landlines.")
    list_id = fields.Many2one("mailing.list", "Mailing list", readonly=True, copy=False, ondelete="set null",
                              help="Refreshed from the audience before each sending of a mailing to it.")
    mailing_ids = fields.One2many("mailing.mailing", "ecom_audience_id", "Mailings")
    mailing_count = fields.Integer("Number of mailings", compute="_compute_mailing_count")

    @api.constrains("kind", "customer_status", "lost_reason_ids")
    def _check_parameters(self):
        for audience in self:
            audience._ecom_check_parameters()

    def _ecom_check_parameters(self):
        """Raise if the audience's kind misses a parameter; kinds added elsewhere extend it."""
        if self.kind == "status" and not self.customer_status:
            raise UserError(_("Pick the customer status of the audience «%s».", self.name))
        if self.kind == "refusal" and not self.lost_reason_ids:
            raise UserError(_("Pick at least one refusal reason for the audience «%s».", self.name))

    @api.depends("kind", "customer_status", "lost_reason_ids", "period_days", "date_from", "date_to", "company_id")
    def _compute_domain(self):
        # counted in the form too, before saving: the button beside the filter's own preview; the
        # list of audiences counts them all in one query (each audience's three counts a subquery)
        Partner = self.env["res.partner"]
        Partner.flush_model(["email_normalized", "ecom_sms_number"])
        counts = []
        for index, audience in enumerate(self):
            try:
                domain = audience._ecom_domain()
            except UserError:
                audience.domain, audience.partner_count, audience.mail_count, audience.sms_count = "[]", 0, 0, 0
                continue
            audience.domain = repr(domain)
            Mine = Partner.with_company(audience.company_id)
            counts.append(SQL(
                "SELECT %s, (SELECT COUNT(*) FROM res_partner WHERE id IN %s), %s, %s", index,
                Mine._search(domain).subselect(),
                audience._ecom_count_sql("mail", expression.AND([domain, self._ecom_channel_domain("mail")])),
                audience._ecom_count_sql("sms", expression.AND([domain, self._ecom_channel_domain("sms")]))))
        if not counts:
            return
        for index, partner_count, mail_count, sms_count in self.env.execute_query(SQL(" UNION ALL ").join(counts)):
            audience = self[index]
            audience.partner_count, audience.mail_count, audience.sms_count = partner_count, mail_count, sms_count

    @api.model
    def _ecom_address_column(self, channel):
        """The customer's column a mailing of ``channel`` is sent to (one per address or number)."""
        return "email_normalized" if channel == "mail" else "ecom_sms_number"

    def _ecom_count_sql(self, channel, domain):
        """``(SELECT COUNT(DISTINCT address) ...)`` of the customers of ``domain``, in the audience's company."""
        self.ensure_one()
        query = self.env["res.partner"].with_company(self.company_id)._search(domain)
        column = SQL.identifier(query.table, self._ecom_address_column(channel))
        return SQL("(%s)", query.select(SQL("COUNT(DISTINCT %s)", column)))

    def _ecom_count_addresses(self, channel, domain=None):
        """How many emails (``channel`` "mail") or SMS ("sms") a mailing to the customers of
        ``domain`` (default: the audience's for that channel) sends: Odoo sends one per email
        address and one per number, the others are cancelled as duplicates. One query."""
        self.ensure_one()
        self.env["res.partner"].flush_model([self._ecom_address_column(channel)])
        sql = self._ecom_count_sql(channel, self._ecom_domain(channel) if domain is None else domain)
        return self.env.execute_query(SQL("SELECT %s", sql))[0][0]

    def _compute_mailing_count(self):
        counts = dict(self.env["mailing.mailing"]._read_group(
            [("ecom_audience_id", "in", self.ids)], ["ecom_audience_id"], ["__count"]))
        for audience in self:
            audience.mailing_count = counts.get(audience, 0)

    # ------------------------------------------------------------------ domains
    def _ecom_domain(self, channel=None):
        """The audience as a domain on res.partner (to search in the audience's company: customer
        statuses and scores are company-dependent). ``channel``: "mail" or "sms" also leaves out
        the contacts that channel cannot reach (no address, blacklisted)."""
        self.ensure_one()
        self._ecom_check_parameters()
        kind_domain = getattr(self, f"_ecom_domain_{self.kind}")()
        return expression.AND([kind_domain, self._ecom_common_domain(), self._ecom_channel_domain(channel)])

    def _ecom_common_domain(self):
        # nor the contacts of a company that asked not to be disturbed; nor those restricted to
        # another company (its customers: a status or score kept here from before they moved)
        return [("active", "=", True), ("ecom_do_not_disturb", "=", False),
                ("commercial_partner_id.ecom_do_not_disturb", "=", False),
                ("company_id", "in", [False, self.company_id.id])]

    @api.model
    def _ecom_channel_domain(self, channel):
        """The customers ``channel`` reaches: an email, or a number an SMS reaches (``ecom_sms_number``:
        the mobile, else the phone, that is a mobile number), not blacklisted."""
        if channel == "mail":
            return [("email_normalized", "!=", False), *self._ecom_blacklist_domain("mail")]
        if channel == "sms":
            return [("ecom_sms_number", "!=", False), *self._ecom_blacklist_domain("sms")]
        return []

    @api.model
    def _ecom_blacklist_domain(self, channel, model="res.partner"):
        """The recipients of ``model`` whose address ``channel`` uses is not blacklisted: a customer's
        email, or the number their SMS go to; a list contact's as Odoo reads it. The customers' are
        subqueries, not Odoo's blacklist searches (each a query, the phone's listing every contact's id)."""
        if model == "mailing.contact":
            return [("is_blacklisted", "=", False)] if channel == "mail" else \
                [("phone_sanitized_blacklisted", "=", False)] if channel == "sms" else []
        if channel == "mail":
            return [("ecom_email_blacklisted", "=", False)]
        if channel == "sms":
            return [("ecom_sms_blacklisted", "=", False)]
        return []

    def _ecom_domain_status(self):
        return [("ecom_customer_status", "=", self.customer_status)]

    def _ecom_refusal_period(self):
        """(start, end) datetimes of the refusals counted, either may be None."""
        start = end = None
        if self.period_days > 0:
            start = fields.Datetime.now() - timedelta(days=self.period_days)
        if self.date_from:
            start = max(start, fields.Datetime.to_datetime(self.date_from)) if start else \
                fields.Datetime.to_datetime(self.date_from)
        if self.date_to:
            end = fields.Datetime.to_datetime(self.date_to) + timedelta(days=1)
        return start, end

    def _ecom_domain_refusal(self):
        """Customers (the company and its contacts) with a request lost for one of the reasons,
        closed within the period."""
        start, end = self._ecom_refusal_period()
        leads = [("active", "=", False), ("lost_reason_id", "in", self.lost_reason_ids.ids),
                 ("company_id", "in", (False, self.company_id.id))]
        if start:
            leads.append(("date_closed", ">=", fields.Datetime.to_string(start)))
        if end:
            leads.append(("date_closed", "<", fields.Datetime.to_string(end)))
        # the customer is the commercial partner: a company whose contact refused, and its contacts
        return [("commercial_partner_id", "any", [
            "|", ("opportunity_ids", "any", leads), ("child_ids", "any", [("opportunity_ids", "any", leads)])])]

    def _ecom_partners(self, channel=None):
        self.ensure_one()
        return self.env["res.partner"].with_company(self.company_id).search(self._ecom_domain(channel))

    # -------------------------------------------------------------- mailing list
    def _ecom_wanted_sql(self, mailing_list=None):
        """The customers the audience's list is to have (``SELECT id`` of res_partner): those of the
        audience either channel reaches, but any the list's opted-out contacts name (the customer,
        or their email or phone). The refresh subscribes them; the recipients count of a list
        mailing counts them, the list as its refresh makes it (see mailing.mailing)."""
        self.ensure_one()
        mailing_list = mailing_list or self.list_id
        Partner = self.env["res.partner"].with_company(self.company_id)
        reachable = Partner._search(expression.AND([
            self._ecom_domain(), expression.OR([self._ecom_channel_domain("mail"), self._ecom_channel_domain("sms")])]))
        Partner.flush_model(["email_normalized", "ecom_sms_number"])
        self.env["mailing.contact"].flush_model(["ecom_partner_id", "email_normalized", "phone_sanitized"])
        self.env["mailing.subscription"].flush_model(["list_id", "contact_id", "opt_out"])
        # one anti-join per way an opted-out contact names a customer, not one condition with ORs:
        # an OR cannot be hashed, and every customer was compared with every opted-out contact (a
        # list of 100,000 with 5,000 opt-outs: 15 s, and a list mailing's form counts it)
        opted_out = SQL("""
            SELECT c.ecom_partner_id, c.email_normalized, c.phone_sanitized
              FROM mailing_subscription s JOIN mailing_contact c ON c.id = s.contact_id
             WHERE s.list_id = %s AND s.opt_out
        """, mailing_list.id)
        return SQL("""
            SELECT p.id FROM res_partner p
             WHERE p.id IN %(reachable)s
               AND NOT EXISTS (SELECT 1 FROM (%(out)s) o WHERE o.ecom_partner_id = p.id)
               AND NOT EXISTS (SELECT 1 FROM (%(out)s) o WHERE o.email_normalized = p.email_normalized)
               AND NOT EXISTS (SELECT 1 FROM (%(out)s) o WHERE o.phone_sanitized = p.ecom_sms_number)
        """, reachable=reachable.subselect(), out=opted_out)

    def _ecom_refresh_list(self):
        """Bring each audience's mailing list up to date: subscribe the customers that entered the
        audience, unsubscribe (quietly: the subscription is removed) those who left it.

        A contact who opted out of the list keeps their opt-out: their subscription is never
        touched, and no contact with the same email or phone is subscribed again. Customers who
        asked not to be disturbed, or whom neither channel can reach, are not subscribed."""
        # contacts made by a refresh are the customers' shadows: no chatter, no tracking
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
        Contact = self.env["mailing.contact"].sudo().with_context(**quiet)
        Subscription = self.env["mailing.subscription"].sudo().with_context(**quiet)
        for audience in self.filtered("list_id"):
            wanted = self.env["res.partner"].browse(
                [row[0] for row in self.env.execute_query(audience._ecom_wanted_sql())])
            # sets of ids, not recordsets: ``record in records`` scans them, and a list of 100,000
            # subscribers against an audience of 100,000 customers was 10^10 comparisons
            wanted_ids = set(wanted.ids)
            subscriptions = Subscription.search([("list_id", "=", audience.list_id.id)])
            opted_out = subscriptions.filtered("opt_out")
            # those who left the audience (or are now opted out elsewhere in the list) leave the list;
            # contacts added to the list by hand stay
            subscribed = subscriptions - opted_out
            leaving = subscribed.browse([s.id for s in subscribed if s.ecom_audience_managed
                                         and s.contact_id.ecom_partner_id.id not in wanted_ids])
            leaving.unlink()
            staying = subscribed - leaving
            missing = wanted - staying.contact_id.ecom_partner_id
            contacts = {c.ecom_partner_id: c for c in Contact.search(
                [("ecom_partner_id", "in", missing.ids)], order="id")} if missing else {}
            # the contacts follow their customer: a changed or removed email or mobile is the one
            # mailed (not the old address kept since the contact was made)
            for contact in [*staying.contact_id.filtered("ecom_partner_id"), *contacts.values()]:
                vals = {fname: value for fname, value in self._ecom_contact_values(contact.ecom_partner_id).items()
                        if (contact[fname].id if fname == "country_id" else contact[fname]) != value}
                if vals:
                    contact.write(vals)
            if not missing:
                continue
            new_contacts = Contact.create([
                {"ecom_partner_id": partner.id, **self._ecom_contact_values(partner)}
                for partner in missing if partner not in contacts])
            contacts.update({c.ecom_partner_id: c for c in new_contacts})
            Subscription.create([{"list_id": audience.list_id.id, "contact_id": contacts[partner].id,
                                  "ecom_audience_managed": True} for partner in missing])
        return True

    @api.model
    def _ecom_contact_values(self, partner):
        """The list contact's values taken from its customer."""
        return {"name": partner.name, "email": partner.email or False,
                "mobile": sms_phone(partner.mobile, partner.phone),
                "country_id": partner.country_id.id}

    def action_create_list(self):
        """Create the audience's mailing list (filled now, refreshed before each sending)."""
        for audience in self.filtered(lambda a: not a.list_id):
            audience.list_id = self.env["mailing.list"].create({
                "name": audience.name, "ecom_audience_id": audience.id, "is_public": False})
        self._ecom_refresh_list()
        return self.action_view_list()

    def action_view_list(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "mailing.list", "res_id": self.list_id.id,
                "view_mode": "form", "name": self.list_id.display_name}

    def action_refresh_list(self):
        self._ecom_refresh_list()
        return True

    def _ecom_mailing_action(self, mailing_type):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "view_mode": "form",
            "name": _("New mailing"),
            "context": {
                "default_mailing_type": mailing_type,
                "default_mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "default_ecom_audience_id": self.id,
                "default_mailing_domain": repr(self._ecom_domain(mailing_type)),
                "default_subject": self.name,
            },
        }

    def action_new_mailing(self):
        return self._ecom_mailing_action("mail")

    def action_new_sms(self):
        return self._ecom_mailing_action("sms")

    def action_view_partners(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner", "view_mode": "list,form",
                "name": self.name, "domain": self._ecom_domain()}

    def action_view_mailings(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "mailing.mailing", "view_mode": "list,form",
                "name": self.name, "domain": [("ecom_audience_id", "=", self.id)]}
