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
        contact removes its scores and scheduled contacts at once, as a team leader's mark does."""
        partners = (src_partners | dst_partner).sudo()
        if any(partners.mapped("ecom_scoring_excluded")) and not dst_partner.sudo().ecom_scoring_excluded:
            dst_partner.sudo().write({"ecom_scoring_excluded": True})
        return super()._update_values(src_partners, dst_partner)
