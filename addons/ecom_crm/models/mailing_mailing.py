from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL


class MailingMailing(models.Model):
    """Mailings to saved audiences: the recipients are the audience as it is when the mailing
    goes out, and audience lists are refreshed before each sending (launch, schedule, the
    sending job). Customers who asked not to be disturbed get no mailing, audience or not."""

    _inherit = "mailing.mailing"

    ecom_audience_id = fields.Many2one(
        "ecom.mailing.audience", "Audience", index="btree_not_null", ondelete="restrict",
        help="A saved audience of customers: the mailing goes to the audience as it is at the sending.")

    @api.onchange("ecom_audience_id", "mailing_type")
    def _onchange_ecom_audience_id(self):
        if self.ecom_audience_id:
            self.mailing_model_id = self.env["ir.model"]._get("res.partner")
            self.mailing_domain = repr(self.ecom_audience_id._ecom_domain(self.mailing_type))

    def _ecom_audiences(self):
        """The audiences whose lists these mailings go to."""
        return self.contact_list_ids.ecom_audience_id

    def _ecom_company(self):
        """The company whose customers the mailing goes to: its audience's, else the one company of
        its lists' audiences; empty when it has none (or lists of several companies' audiences). Its
        SMS go through that company's gateway, as its test SMS do."""
        self.ensure_one()
        companies = self.ecom_audience_id.company_id or self._ecom_audiences().company_id
        return companies if len(companies) == 1 else companies.browse()

    def _ecom_refresh_audiences(self):
        if not self.env.context.get("ecom_audiences_fresh"):
            self._ecom_audiences()._ecom_refresh_list()
            for mailing in self.filtered("ecom_audience_id"):
                mailing.mailing_domain = repr(mailing.ecom_audience_id._ecom_domain(mailing.mailing_type))

    def action_put_in_queue(self):
        self._ecom_refresh_audiences()
        return super().action_put_in_queue()

    def _action_send_mail(self, res_ids=None):
        self._ecom_refresh_audiences()
        return super(MailingMailing, self.with_context(ecom_audiences_fresh=True))._action_send_mail(res_ids=res_ids)

    @api.model
    def _process_mass_mailing_queue(self):
        due = self.search([("state", "in", ("in_queue", "sending")), "|",
                           ("schedule_date", "<", fields.Datetime.now()), ("schedule_date", "=", False)])
        due._ecom_refresh_audiences()
        return super(MailingMailing, self.with_context(ecom_audiences_fresh=True))._process_mass_mailing_queue()

    def _compute_total(self):
        # the count shown is the one sent: in the audience's company (as _get_recipients), one per
        # email address or number (Odoo cancels the others as duplicates), and an audience list
        # counted as the refresh at the sending will make it
        ours = self.filtered(lambda m: m.mailing_type in ("mail", "sms") and (
            (m.ecom_audience_id and m.mailing_model_real == "res.partner")
            or (m.mailing_model_real == "mailing.contact" and m.contact_list_ids.ecom_audience_id)))
        super(MailingMailing, self - ours)._compute_total()
        for mailing in ours:
            if mailing.mailing_model_real == "res.partner":
                audience = mailing.ecom_audience_id
                total = audience._ecom_count_addresses(
                    mailing.mailing_type, mailing.with_company(audience.company_id)._get_recipients_domain())
            else:
                total = mailing._ecom_count_list_addresses()
            if total and mailing.ab_testing_enabled and mailing.ab_testing_pc < 100:
                total = max(int(total / 100.0 * mailing.ab_testing_pc), 1)
            mailing.total = total

    def _ecom_count_list_addresses(self):
        """The emails or SMS a mailing to lists, audience lists among them, sends at its sending,
        after the audiences' refresh (which this does not do: the lists are not changed by looking).

        The lists' contacts that the refresh keeps (added by hand, opted out, in a list of no
        audience, or a customer still in the audience) and the customers it will subscribe; one per
        address; without the contacts or addresses Odoo leaves out as opted out (an email opted
        out in one of the lists and subscribed in none, a contact opted out and subscribed in
        none of the lists for SMS). One query."""
        self.ensure_one()
        lists = self.contact_list_ids
        # a contact's address as Odoo reads it; a customer's, the one their SMS go to (the same number
        # a refresh gives their contact)
        column = "email_normalized" if self.mailing_type == "mail" else "phone_sanitized"
        partner_column = self.env["ecom.mailing.audience"]._ecom_address_column(self.mailing_type)
        Contact = self.env["mailing.contact"]
        recipients = Contact._search(self._get_recipients_domain())
        Contact.flush_model([column, "ecom_partner_id"])
        self.env["mailing.subscription"].flush_model(["list_id", "contact_id", "opt_out", "ecom_audience_managed"])
        self.env["res.partner"].flush_model([partner_column])
        wanted, new_ones = [], []
        for mailing_list in lists.filtered("ecom_audience_id"):
            audience = mailing_list.ecom_audience_id
            wanted_sql = audience._ecom_wanted_sql(mailing_list)
            wanted.append(SQL("SELECT %s AS list_id, w.id AS partner_id FROM (%s) w", mailing_list.id, wanted_sql))
            # the customers subscribed at the refresh, those this mailing's channel reaches
            reached = self.env["res.partner"].with_company(audience.company_id)._search(
                audience._ecom_domain(self.mailing_type))
            new_ones.append(SQL("SELECT p.%s AS value FROM res_partner p WHERE p.id IN (%s) AND p.id IN %s",
                                SQL.identifier(partner_column), wanted_sql, reached.subselect()))
        channel_opt_out = SQL("""
            -- Odoo's email opt-out: an address opted out in one of the lists, subscribed in none
            SELECT c.email_normalized FROM mailing_subscription s JOIN mailing_contact c ON c.id = s.contact_id
             WHERE s.list_id = ANY(%(lists)s) AND s.opt_out AND c.email_normalized IS NOT NULL
            EXCEPT SELECT c.email_normalized FROM kept_in k JOIN mailing_contact c ON c.id = k.contact_id
            EXCEPT SELECT p.email_normalized FROM wanted w JOIN res_partner p ON p.id = w.partner_id
        """, lists=lists.ids) if self.mailing_type == "mail" else SQL("SELECT NULL::varchar WHERE false")
        return self.env.execute_query(SQL("""
            WITH wanted AS (%(wanted)s),
            -- subscriptions the refresh keeps subscribed: of lists of no audience, added by hand, or
            -- a customer the audience still wants
            kept_in AS (
                SELECT s.contact_id FROM mailing_subscription s
                  JOIN mailing_list l ON l.id = s.list_id
                  JOIN mailing_contact c ON c.id = s.contact_id
                 WHERE s.list_id = ANY(%(lists)s) AND NOT COALESCE(s.opt_out, false)
                   AND (l.ecom_audience_id IS NULL OR NOT COALESCE(s.ecom_audience_managed, false)
                        OR EXISTS (SELECT 1 FROM wanted w WHERE w.list_id = s.list_id
                                                            AND w.partner_id = c.ecom_partner_id))),
            -- contacts opted out in one of the lists and subscribed in none: cancelled (SMS)
            out_only AS (
                SELECT s.contact_id FROM mailing_subscription s
                 WHERE s.list_id = ANY(%(lists)s) AND s.opt_out
                EXCEPT SELECT contact_id FROM kept_in),
            -- a customer's contact kept in a list follows the customer at the refresh (their email or
            -- number now, not the one the contact was made with: counted once, not twice)
            addresses AS (
                SELECT CASE WHEN c.ecom_partner_id IS NULL THEN c.%(column)s ELSE p.%(partner_column)s END AS value
                  FROM mailing_contact c LEFT JOIN res_partner p ON p.id = c.ecom_partner_id
                 WHERE c.id IN %(recipients)s
                   AND (c.id IN (SELECT contact_id FROM kept_in)
                        OR (%(is_mail)s AND c.id IN (SELECT contact_id FROM out_only)))
                UNION ALL %(new_ones)s)
            SELECT COUNT(DISTINCT value) FROM addresses
             WHERE value IS NOT NULL AND value NOT IN (%(opt_out)s)
        """, wanted=SQL(" UNION ALL ").join(wanted), lists=lists.ids, column=SQL.identifier(column),
            partner_column=SQL.identifier(partner_column),
            recipients=recipients.subselect(), is_mail=self.mailing_type == "mail",
            new_ones=SQL(" UNION ALL ").join(new_ones), opt_out=channel_opt_out))[0][0]

    def _get_recipients(self):
        if self.ecom_audience_id:  # statuses and scores are the audience company's
            return super(MailingMailing, self.with_company(self.ecom_audience_id.company_id))._get_recipients()
        return super()._get_recipients()

    def _get_recipients_domain(self):
        domain = super()._get_recipients_domain()
        if self.ecom_audience_id and self.mailing_model_real == "res.partner":
            domain = self.ecom_audience_id._ecom_domain(self.mailing_type)
        if self.mailing_model_real == "res.partner":
            domain = expression.AND([domain, [("ecom_do_not_disturb", "=", False),
                                              ("commercial_partner_id.ecom_do_not_disturb", "=", False)]])
        elif self.mailing_model_real == "mailing.contact":
            quiet = ["|", ("ecom_do_not_disturb", "=", True), ("commercial_partner_id.ecom_do_not_disturb", "=", True)]
            domain = expression.AND([domain, [("ecom_partner_id", "not any", quiet)]])
        if self.mailing_model_real in ("res.partner", "mailing.contact"):
            # blacklists, whatever filter the mailing was given by hand
            domain = expression.AND([domain, self.env["ecom.mailing.audience"]._ecom_blacklist_domain(
                self.mailing_type, self.mailing_model_real)])
        return domain
