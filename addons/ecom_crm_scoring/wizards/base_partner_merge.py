from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """The kept contact is a shared account (not scored) when any merged one was: the mark is
        carried over by the merge itself, not by the merging user's write. Odoo writes the merged
        contacts' values onto the kept one with the user's rights, and the mark is set or cleared by
        a team leader only: a salesperson merging a marked duplicate into an unmarked contact would be
        refused the whole merge. The mark is never dropped by a merge (the kept one's is kept),
        so a salesperson cannot take a shared account back onto the lists that way. Marking the kept
        contact removes its scores and scheduled contacts at once, as a team leader's mark does.

        The scoring reads the mark of the customer (the commercial partner): a shared account merged
        into a person of a company puts its orders on the company, which is marked too (else its
        many people's orders would make it the store's best customer). Only the mark is written as
        the superuser, nothing else of the merge.

        Odoo's merge moves the merged contacts' orders, requests and activities onto the kept one
        by SQL, which leaves their write dates: the kept customer is stamped changed, so that the
        day's next incremental run rescores them on the orders they now hold (not the night)."""
        partners = (src_partners | dst_partner).sudo()
        # the merged contacts whose mark counts: a customer's own (a person's under a company does
        # not); read from the contacts themselves, the merge having already pointed the merged ones'
        # commercial partner (a column referring to a contact) at the kept one
        shared = partners.filtered(lambda partner: partner.ecom_scoring_excluded
                                   and (partner.is_company or not partner.parent_id))
        if any(partners.mapped("ecom_scoring_excluded")) and not dst_partner.sudo().ecom_scoring_excluded:
            dst_partner.sudo().write({"ecom_scoring_excluded": True})
        res = super()._update_values(src_partners, dst_partner)
        # the kept contact's customer after the merge (it may have taken a merged contact's company)
        customer = dst_partner.sudo().commercial_partner_id
        if shared and not customer.ecom_scoring_excluded:
            customer.write({"ecom_scoring_excluded": True})
        customer._ecom_scoring_changed()
        return res
