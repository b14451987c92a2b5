from datetime import datetime

from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    ecom_assign_by_load = fields.Boolean(
        "Assign by load",
        help="New requests without a salesperson go to the customer's own manager when available, "
             "otherwise to the available member with the lowest load (open requests and overdue "
             "activities, weighted in Settings), never above a member's maximum; ties round-robin. "
             "Off: Odoo's own assignment rules apply.")

    def _ecom_open_leads_domain(self, users):
        return [("user_id", "in", users.ids), ("active", "=", True), ("type", "=", "opportunity"),
                ("probability", "<", 100)]

    def _ecom_member_loads(self, members):
        """Open requests, weighted load and last assignment of each member, set-based."""
        users = members.user_id
        company = self.company_id or self.env.company
        # won requests have probability 100; crm_lead_ecom_open_by_user_idx serves this query.
        # Round-robin from the data itself (when each got their last open request): no shared row
        # to update, so concurrent intakes never conflict.
        open_stats = {user: (count, last) for user, count, last in self.env["crm.lead"].sudo()._read_group(
            self._ecom_open_leads_domain(users), ["user_id"], ["__count", "date_open:max"])}
        open_counts = {user: stats[0] for user, stats in open_stats.items()}
        overdue_counts = dict(self.env["mail.activity"].sudo()._read_group(
            [("user_id", "in", users.ids), ("res_model", "=", "crm.lead"),
             ("date_deadline", "<", fields.Date.context_today(self))], ["user_id"], ["__count"]))
        return {
            member: (open_counts.get(member.user_id, 0),
                     company.ecom_load_weight_open * open_counts.get(member.user_id, 0)
                     + company.ecom_load_weight_overdue * overdue_counts.get(member.user_id, 0),
                     open_stats.get(member.user_id, (0, None))[1] or datetime.min)
            for member in members
        }

    def _ecom_pick_salesperson(self, partner=None, loads=None):
        """The salesperson for a new request of ``partner`` in this team, or an empty recordset.

        ``loads``: a dict kept by the caller across a batch of requests; filled on first use and
        updated with each assignment, so that a batch is assigned with one load query.
        """
        self.ensure_one()
        manager = (partner.commercial_partner_id.user_id if partner else None) or self.env["res.users"]
        if manager and manager.active and not manager.share:
            membership = self.crm_team_member_ids.filtered(lambda m: m.user_id == manager)
            if not membership or membership.ecom_available:
                return manager
        members = self.crm_team_member_ids.filtered(lambda m: m.ecom_available and m.user_id.active)
        if not members:
            return self.env["res.users"]
        if loads is None:
            loads = {}
        if not loads:
            loads.update({m: list(v) for m, v in self._ecom_member_loads(members).items()})
        candidates = members.filtered(lambda m: m in loads and loads[m][0] < m.ecom_max_open_leads)
        if not candidates:
            return self.env["res.users"]
        best = min(candidates, key=lambda m: (loads[m][1], loads[m][2], m.id))
        company = self.company_id or self.env.company
        loads[best][0] += 1
        loads[best][1] += company.ecom_load_weight_open
        loads[best][2] = fields.Datetime.now()
        return best.user_id
