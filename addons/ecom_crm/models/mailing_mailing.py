from odoo import api, fields, models
from odoo.osv import expression


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
        # counted like _get_recipients, in the audience's company: the count shown is the one sent
        with_audience = self.filtered("ecom_audience_id")
        super(MailingMailing, self - with_audience)._compute_total()
        for mailing in with_audience:
            super(MailingMailing, mailing.with_company(mailing.ecom_audience_id.company_id))._compute_total()

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
            Audience = self.env["ecom.mailing.audience"]
            domain = expression.AND([domain, [
                (fname, op, value) for fname, op, value in Audience._ecom_channel_domain(self.mailing_type)
                if fname.endswith("blacklisted")]])
        return domain
