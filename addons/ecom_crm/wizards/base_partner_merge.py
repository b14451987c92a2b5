from markupsafe import Markup, escape

from odoo import _, models
from odoo.exceptions import UserError


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """What each customer brings is counted before Odoo moves it all to the kept one."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        # customers of two companies are two customers: merged, one company's orders, requests and
        # messages would belong to a customer the other company owns (a shared one may join either)
        if len(partners.company_id) > 1:
            raise UserError(_("Customers of different companies (%(companies)s) cannot be merged.",
                              companies=", ".join(partners.company_id.mapped("name"))))
        brought = {partner.id: self._ecom_counts(partner) for partner in partners}
        return super(MergePartnerAutomatic, self.with_context(ecom_merge_brought=brought))._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)

    def _ecom_counts(self, partner):
        def count(model, field):
            return self.env[model].sudo().with_context(active_test=False).search_count(
                [(field, "child_of", partner.id)])
        return {"orders": count("sale.order", "partner_id"), "requests": count("crm.lead", "partner_id"),
                "calls": count("ecom.call", "partner_id")}

    def _log_merge_operation(self, src_partners, dst_partner):
        """Odoo moves every order, request and message to the kept customer. The merged customers'
        phones and emails stay reachable by the matching of requests and calls (as contacts of the
        kept customer when it has others), the chatter says what each one brought, and the
        customer card counts it."""
        super()._log_merge_operation(src_partners, dst_partner)
        kept = {value for value in (dst_partner.phone, dst_partner.mobile, dst_partner.email_normalized) if value}
        brought = self.env.context.get("ecom_merge_brought") or {}
        lines = []
        for src in src_partners:
            reachable = {"phone": src.phone, "mobile": src.mobile, "email": src.email}
            reachable = {key: value for key, value in reachable.items()
                         if value and (src.email_normalized if key == "email" else value) not in kept}
            if reachable:
                self.env["res.partner"].sudo().create({
                    "parent_id": dst_partner.id, "type": "other", "name": src.name,
                    "comment": _("Contact details of the merged customer %(name)s (ID %(id)s)",
                                 name=src.name, id=src.id), **reachable})
                kept.update(reachable.values())
            counts = brought.get(src.id, {})
            lines.append(_("%(name)s (ID %(id)s): %(orders)s orders, %(requests)s requests, %(calls)s calls%(contact)s",
                           name=src.name, id=src.id, orders=counts.get("orders", 0),
                           requests=counts.get("requests", 0), calls=counts.get("calls", 0),
                           contact=_("; their %(details)s stay reachable as a contact of this customer",
                                     details=", ".join(reachable.values())) if reachable else ""))
        dst_partner._message_log(body=Markup("<p>%s</p><ul>%s</ul>") % (
            _("Merged into this customer:"), Markup("").join(Markup("<li>%s</li>") % escape(line) for line in lines)))
        self.env["res.partner"]._ecom_refresh_customer_card(dst_partner.commercial_partner_id.ids)
