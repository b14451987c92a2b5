from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _log_merge_operation(self, src_partners, dst_partner):
        """Odoo moves every order, request and message to the kept customer and logs the merge in
        its chatter; the customer card then counts what came with the merged ones."""
        super()._log_merge_operation(src_partners, dst_partner)
        self.env["res.partner"]._ecom_refresh_customer_card(dst_partner.commercial_partner_id.ids)
