import threading
from datetime import datetime

from odoo import fields, models
from odoo.tools import SQL

# the class of the advisory lock a transaction takes to assign in a team (its object: the team's id)
TEAM_LOCK_CLASS = 0x1EC2


class CrmTeam(models.Model):
    _inherit = "crm.team"

    ecom_assign_by_load = fields.Boolean(
        "Assign by load",
        help="New requests without a salesperson go to the customer's own manager when available, "
             "otherwise to the available member with the lowest load (open requests and overdue "
             "activities, weighted in Settings), never above a member's maximum; ties round-robin. "
             "Off: Odoo's own assignment rules apply.")
    ecom_own_manager_over_max = fields.Boolean(
        "Own manager even when full",
        help="A customer's own manager gets their new requests even above their maximum of open "
             "requests. Off (default): a manager at their maximum is skipped like anybody else.")

    def _ecom_member_loads(self, members):
        """Open requests, weighted load and last assignment of each member, set-based.

        Counted from what is committed now (a new cursor: its snapshot begins after this
        transaction took the team's lock, so it sees every assignment of the transactions that held
        it before) plus what this transaction itself wrote; in tests, whose data another cursor
        cannot see, from this transaction alone. Plain SQL on the second cursor: an environment
        there would read the users and companies again (half the cost of a request's assignment)."""
        if getattr(threading.current_thread(), "testing", False) or self.env.registry.in_test_mode():
            return self._ecom_load_counts(members)
        today = fields.Date.context_today(self)
        with self.env.registry.cursor() as cr:
            committed = self._ecom_load_rows(cr, members.user_id.ids, today)
        # the requests this transaction created or reassigned (conservative: a reassigned one counts
        # for its former salesperson too)
        self.env["crm.lead"].flush_model(["user_id", "active", "type", "probability", "date_open", "write_date"])
        own = self._ecom_load_rows(self.env.cr, members.user_id.ids, None, written_at=self.env.cr.now())
        return self._ecom_loads_of(members, {
            user_id: (count + own[user_id][0], max(last or datetime.min, own[user_id][1] or datetime.min),
                      overdue)
            for user_id, (count, last, overdue) in committed.items()})

    def _ecom_load_counts(self, members):
        """:meth:`_ecom_member_loads` as this transaction sees the data."""
        self.env["crm.lead"].flush_model(["user_id", "active", "type", "probability", "date_open"])
        self.env["mail.activity"].flush_model(["user_id", "res_model", "active", "date_deadline"])
        return self._ecom_loads_of(members, self._ecom_load_rows(
            self.env.cr, members.user_id.ids, fields.Date.context_today(self)))

    def _ecom_loads_of(self, members, rows):
        company = self.company_id or self.env.company
        loads = {}
        for member in members:
            count, last, overdue = rows.get(member.user_id.id, (0, None, 0))
            loads[member] = (count, company.ecom_load_weight_open * count
                             + company.ecom_load_weight_overdue * overdue, last or datetime.min)
        return loads

    @staticmethod
    def _ecom_load_rows(cr, user_ids, today, written_at=None):
        """``{user_id: (open requests, last date_open, overdue activities)}`` read by ``cr``, see
        :meth:`_ecom_load_query`."""
        cr.execute(CrmTeam._ecom_load_query(user_ids, today, written_at))
        return {user_id: (count, last, overdue) for user_id, count, last, overdue in cr.fetchall()}

    @staticmethod
    def _ecom_load_query(user_ids, today, written_at=None):
        """Open requests per user (active opportunities not won, probability under 100; served by
        crm_lead_ecom_open_by_user_idx, whose predicate this repeats), those written at
        ``written_at`` only if given; overdue activities on requests due before ``today``, none if
        ``today`` is None."""
        return SQL("""
            SELECT u.id, o.n, o.last, %(overdue)s
              FROM unnest(%(users)s::int[]) AS u(id)
             CROSS JOIN LATERAL (
                   SELECT count(*) AS n, max(l.date_open) AS last
                     FROM crm_lead l
                    WHERE l.user_id = u.id AND l.active AND l.type = 'opportunity'
                      AND (l.probability < 100 OR l.probability IS NULL) %(written)s) AS o
        """, users=list(user_ids),
            written=SQL("AND l.write_date = %s", written_at) if written_at else SQL(""),
            overdue=SQL("""(SELECT count(*) FROM mail_activity a
                             WHERE a.user_id = u.id AND a.res_model = 'crm.lead' AND a.active
                               AND a.date_deadline < %s)""", today) if today else SQL("0"))

    def _ecom_fill_loads(self, loads, members):
        """Read the loads of ``members`` into ``loads`` (a dict kept across a batch) unless they are
        in it already. Reading them first takes the team's lock until this transaction ends: two
        requests created at the same instant wait for each other instead of both taking a member's
        last free place (a lock, not a conflict to retry: under load, retries pile up)."""
        missing = members.filtered(lambda member: member not in loads)
        if missing:
            if not loads:
                self.env.cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [TEAM_LOCK_CLASS, self.id])
            loads.update({m: list(v) for m, v in self._ecom_member_loads(missing).items()})

    def _ecom_pick_salesperson(self, partner=None, loads=None):
        """The salesperson for a new request of ``partner`` in this team, or an empty recordset.

        ``loads``: a dict kept by the caller across a batch of requests; filled on first use and
        updated with each assignment, so that a batch is assigned with one load query and never
        gives a member more than their maximum.
        """
        self.ensure_one()
        loads = {} if loads is None else loads
        manager = (partner.commercial_partner_id.user_id if partner else None) or self.env["res.users"]
        members = self.crm_team_member_ids.filtered(
            lambda m: m.ecom_available and m.user_id.active and self._ecom_may_work_here(m.user_id))
        if manager and manager.active and not manager.share and self._ecom_may_work_here(manager):
            membership = self.crm_team_member_ids.filtered(lambda m: m.user_id == manager)
            if not membership:
                return manager  # not a member of this team: none of its maximums applies
            if membership.ecom_available:
                self._ecom_fill_loads(loads, membership)
                if self.ecom_own_manager_over_max or loads[membership][0] < membership.ecom_max_open_leads:
                    self._ecom_count_assignment(loads, membership)
                    return manager
        if not members:
            return self.env["res.users"]
        self._ecom_fill_loads(loads, members)
        candidates = members.filtered(lambda m: loads[m][0] < m.ecom_max_open_leads)
        if not candidates:
            return self.env["res.users"]
        best = min(candidates, key=lambda m: (loads[m][1], loads[m][2], m.id))
        self._ecom_count_assignment(loads, best)
        return best.user_id

    def _ecom_may_work_here(self, user):
        """Whether ``user`` may hold this team's requests: a team of a company gives them only to
        users of that company (Odoo refuses a request whose salesperson cannot see its company, and
        with it the whole batch of incoming requests). A membership is checked when it is made, not
        when the user later loses the company; a customer's own manager may work elsewhere."""
        return not self.company_id or self.company_id in user.sudo().company_ids

    def _ecom_count_assignment(self, loads, member):
        company = self.company_id or self.env.company
        loads[member][0] += 1
        loads[member][1] += company.ecom_load_weight_open
        loads[member][2] = fields.Datetime.now()

    def _assign_and_convert_leads(self, force_quota=False):
        """Odoo's rule-based assignment (its scheduled action and «Assign leads») leaves the teams
        that assign by load to their own rule: their unassigned requests go by load, never above
        a member's maximum; what does not fit stays unassigned, and the team leader is told."""
        by_load = self.filtered("ecom_assign_by_load")
        result = super(CrmTeam, self - by_load)._assign_and_convert_leads(force_quota=force_quota)
        for team in by_load:
            leads = self.env["crm.lead"].search(team._get_lead_to_assign_domain(), order="probability desc, id")
            loads = {}
            assigned = self.env["crm.lead"]
            for lead in leads:
                user = team._ecom_pick_salesperson(lead.partner_id, loads)
                if not user:
                    break
                lead.with_context(mail_auto_subscribe_no_notify=True).convert_opportunity(
                    lead.partner_id, user_ids=user.ids)
                assigned |= lead
            (leads - assigned)._ecom_tell_unassigned()
            for member in team.crm_team_member_ids:
                mine = assigned.filtered(lambda lead, member=member: lead.user_id == member.user_id)
                if mine:
                    result[member] = {"assigned": mine, "quota": member.ecom_max_open_leads}
        return result
