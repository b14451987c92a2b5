from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _ecom_scoring_teammate_ids(self):
        """The users whose scheduled contacts of the scoring this salesperson reads (the record rule
        ``mail_activity_rule_scoring_sales``: a colleague covers for them from the customer's chatter):
        themselves, the members and leaders of their sales teams and of the teams they lead. Read
        when the rule is computed, cached with it: the teams' changes clear the cache (below)."""
        self.ensure_one()
        Team = self.env["crm.team"].sudo()
        teams = (self.sudo().crm_team_ids | Team.search([("user_id", "=", self.id)])).filtered("active")
        return sorted({self.id, *teams.member_ids.ids, *teams.user_id.ids})


class CrmTeam(models.Model):
    _inherit = "crm.team"

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "active"} & set(vals):  # a leader or an archived team reads other contacts
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()  # its memberships go with it (the database's cascade)
        self.env.registry.clear_cache()
        return result


class CrmTeamMember(models.Model):
    """Who reads a colleague's scheduled contacts follows the sales teams (``res.users.
    _ecom_scoring_teammate_ids``, read by a record rule Odoo caches per user): a membership
    added, archived, moved or removed clears the rules' cache."""

    _inherit = "crm.team.member"

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        self.env.registry.clear_cache()
        return members

    def write(self, vals):
        result = super().write(vals)
        if {"active", "user_id", "crm_team_id"} & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
