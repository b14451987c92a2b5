from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """A new salesperson lands on their pipeline, not on Discuss (Odoo's first app), unless a home
        action is given; existing users keep theirs."""
        users = super().create(vals_list)
        pipeline = self.env.ref("crm.crm_lead_action_pipeline", raise_if_not_found=False)
        if pipeline:
            sellers = users.filtered(lambda user: not user.action_id and not user.share
                                     and user.has_group("sales_team.group_sale_salesman"))
            if sellers:
                sellers.sudo().action_id = pipeline.id
        return users
