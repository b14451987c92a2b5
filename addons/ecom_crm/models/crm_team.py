import threading
from datetime import datetime

from odoo import fields, models
from odoo.tools import SQL

# the class of the advisory lock a transaction takes to assign to a salesperson (its object: the
# user's id): a salesperson may be a member of several teams, and their load is theirs in all of them
SALESPERSON_LOCK_CLASS = 0x1EC2


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

    def _ecom_user_loads(self, users):
        """``{user: (open requests, overdue activities, last assignment)}`` of ``users``, set-based.

        A salesperson's open requests are counted in every team: a member of two teams with a
        maximum of 10 in each holds at most 10. Counted from what is committed now (a new cursor: its
        snapshot begins after this transaction took the salespeople's locks, so it sees every
        assignment of the transactions that held them before) plus what this transaction itself
        wrote; in tests, whose data another cursor cannot see, from this transaction alone. Plain SQL
        on the second cursor: an environment there would read the users and companies again (half
        the cost of a request's assignment)."""
        if getattr(threading.current_thread(), "testing", False) or self.env.registry.in_test_mode():
            return self._ecom_load_counts(users)
        today = fields.Date.context_today(self)
        with self.env.registry.cursor() as cr:
            committed = self._ecom_load_rows(cr, users.ids, today)
        # the requests this transaction created or reassigned (conservative: a reassigned one counts
        # for its former salesperson too)
        self.env["crm.lead"].flush_model(["user_id", "active", "type", "probability", "date_open", "write_date"])
        own = self._ecom_load_rows(self.env.cr, users.ids, None, written_at=self.env.cr.now())
        return self._ecom_loads_of(users, {
            user_id: (count + own[user_id][0], max(last or datetime.min, own[user_id][1] or datetime.min),
                      overdue)
            for user_id, (count, last, overdue) in committed.items()})

    def _ecom_load_counts(self, users):
        """:meth:`_ecom_user_loads` as this transaction sees the data."""
        self.env["crm.lead"].flush_model(["user_id", "active", "type", "probability", "date_open"])
        self.env["mail.activity"].flush_model(["user_id", "res_model", "active", "date_deadline"])
        return self._ecom_loads_of(users, self._ecom_load_rows(
            self.env.cr, users.ids, fields.Date.context_today(self)))

    @staticmethod
    def _ecom_loads_of(users, rows):
        loads = {}
        for user in users:
            count, last, overdue = rows.get(user.id, (0, None, 0))
            loads[user] = (count, overdue, last or datetime.min)
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

    def _ecom_fill_loads(self, loads, users):
        """Read the loads of ``users`` into ``loads`` (a dict kept across a batch, whatever the teams)
        unless they are in it already. Reading them first takes each salesperson's lock until this
        transaction ends, in the order of their ids: two requests created at the same instant, in the
        same team or in two teams sharing a salesperson, wait for each other instead of both taking a
        salesperson's last free place (a lock, not a conflict to retry: under load, retries pile up)."""
        missing = users.filtered(lambda user: user not in loads)
        if missing:
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, u) FROM unnest(%s::int[]) AS u",
                                    SALESPERSON_LOCK_CLASS, sorted(missing.ids)))
            loads.update({user: list(load) for user, load in self._ecom_user_loads(missing).items()})

    def _ecom_lock_salespeople(self, loads):
        """Before one transaction assigns in several of these teams: the locks of all their
        salespeople (and their loads into ``loads``), in one statement, in the order of their ids.
        Taken team by team, a later team's locks could come before an earlier one's in that order:
        a transaction assigning in one team only would hold the one and wait for the other, and both
        would wait for each other (a deadlock; one team's lock each never made one)."""
        teams = self.filtered("ecom_assign_by_load")
        if len(teams) > 1:
            teams[:1]._ecom_fill_loads(loads, teams.crm_team_member_ids.user_id)

    def _ecom_weighted_load(self, load):
        company = self.company_id or self.env.company
        return company.ecom_load_weight_open * load[0] + company.ecom_load_weight_overdue * load[1]

    def _ecom_pick_salesperson(self, partner=None, loads=None):
        """The salesperson for a new request of ``partner`` in this team, or an empty recordset.

        ``loads``: a dict kept by the caller across a batch of requests (of any teams: keyed by
        salesperson); filled on first use and updated with each assignment, so that a batch is
        assigned with one load query per team and never gives a salesperson more than their maximum.
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
                # the whole team's loads at once (the manager is among the members): one lock
                # request in the order of the ids
                self._ecom_fill_loads(loads, members.user_id)
                if self.ecom_own_manager_over_max or loads[manager][0] < membership.ecom_max_open_leads:
                    self._ecom_count_assignment(loads, manager)
                    return manager
        if not members:
            return self.env["res.users"]
        self._ecom_fill_loads(loads, members.user_id)
        candidates = members.filtered(lambda m: loads[m.user_id][0] < m.ecom_max_open_leads)
        if not candidates:
            return self.env["res.users"]
        best = min(candidates, key=lambda m: (self._ecom_weighted_load(loads[m.user_id]), loads[m.user_id][2], m.id))
        self._ecom_count_assignment(loads, best.user_id)
        return best.user_id

    def _ecom_may_work_here(self, user):
        """Whether ``user`` may hold this team's requests: a team of a company gives them only to
        users of that company (Odoo refuses a request whose salesperson cannot see its company, and
        with it the whole batch of incoming requests). A membership is checked when it is made, not
        when the user later loses the company; a customer's own manager may work elsewhere."""
        return not self.company_id or self.company_id in user.sudo().company_ids

    @staticmethod
    def _ecom_count_assignment(loads, user):
        loads[user][0] += 1
        loads[user][2] = fields.Datetime.now()

    def _assign_and_convert_leads(self, force_quota=False):
        """Odoo's rule-based assignment (its scheduled action and «Assign leads») leaves the teams
        that assign by load to their own rule: their unassigned requests go by load, never above
        a member's maximum; what does not fit stays unassigned, and the team leader is told."""
        by_load = self.filtered("ecom_assign_by_load")
        result = super(CrmTeam, self - by_load)._assign_and_convert_leads(force_quota=force_quota)
        waiting = {team: self.env["crm.lead"].search(team._get_lead_to_assign_domain(), order="probability desc, id")
                   for team in by_load}
        loads = {}  # per salesperson, across the teams (a salesperson of two teams holds one maximum)
        by_load.filtered(lambda team: waiting[team])._ecom_lock_salespeople(loads)
        for team in by_load:
            leads = waiting[team]
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
