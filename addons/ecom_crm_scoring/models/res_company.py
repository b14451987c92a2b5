from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


def scoring_callers(company_id):
    """SQL of the ids of the users who can call ``company_id``'s customers: its active internal
    users (a salesperson who left the company, or was archived, calls nobody of it). The one rule
    of the activities' sync, a salesperson's change, the shared list's takers, the day's loads and
    the nightly read (``res.company._ecom_scoring_callers`` reads it for the ORM side)."""
    return SQL("""
        SELECT u.id FROM res_users u
          JOIN res_company_users_rel r ON r.user_id = u.id AND r.cid = %s
         WHERE COALESCE(u.active, FALSE) AND NOT COALESCE(u.share, FALSE)
    """, company_id)


class ResCompany(models.Model):
    _inherit = "res.company"

    ecom_scoring_daily_cap = fields.Integer(
        "Contacts per manager per day", default=20,
        help="The most customers the morning list asks one salesperson to call; the highest priority first, "
             "the others are moved to a later day.")
    ecom_scoring_contact_cooldown = fields.Integer(
        "Quiet days after a contact", default=14,
        help="A customer contacted (call, activity done) in these days is not asked to be called again.")
    ecom_scoring_order_cooldown = fields.Integer(
        "Quiet days after an order", default=7, help="A customer who ordered in these days is left alone.")
    ecom_scoring_refusal_cooldown = fields.Integer(
        "Quiet days after a refusal", default=30,
        help="A customer who refused (a request lost) in these days is left alone.")
    ecom_scoring_horizon = fields.Integer(
        "Horizon (days)", default=90,
        help="The score is the chance of an order within this many days, learned from the store's history.")
    ecom_scoring_plan_days = fields.Integer(
        "Plan ahead (days)", default=14, help="How far ahead «call later» dates are planned.")
    ecom_scoring_growth_min_probability = fields.Float(
        "Growth points from (chance)", default=0.25,
        help="The lowest chance of an order for a growth point (and the top 30% of chances).")
    ecom_scoring_watch_min_probability = fields.Float(
        "Watch group from (chance)", default=0.10,
        help="Customers below this chance of an order are not watched.")
    ecom_scoring_slipping_overdue = fields.Float(
        "Slipping when overdue by (x usual gap)", default=1.5,
        help="A valuable customer whose days since the last order exceed their usual gap this many times "
             "joins the risk group.")
    ecom_scoring_relearn_days = fields.Integer(
        "Learn the models every (days)", default=7,
        help="The chances are learned from the store's history again every this many days, each model on a night "
             "of its own (the order model scores from the night after it is learned; both at once when the horizon "
             "changes); every night in between scores the customers with the models learned last, so that a score "
             "moves when the customer does something. 1: every night.")
    ecom_scoring_activities = fields.Boolean(
        "Scheduled contacts as activities", default=True,
        help="Each morning's «call now» customers become an activity of their salesperson (one per customer, "
             "moved rather than duplicated), closed when the customer orders.")

    @api.constrains("ecom_scoring_daily_cap", "ecom_scoring_horizon", "ecom_scoring_contact_cooldown",
                    "ecom_scoring_order_cooldown", "ecom_scoring_refusal_cooldown", "ecom_scoring_plan_days",
                    "ecom_scoring_growth_min_probability", "ecom_scoring_watch_min_probability",
                    "ecom_scoring_slipping_overdue", "ecom_scoring_relearn_days")
    def _check_ecom_scoring_settings(self):
        for company in self:
            if company.ecom_scoring_daily_cap < 1 or company.ecom_scoring_plan_days < 1:
                raise ValidationError(self.env._("The daily number of contacts and the days planned ahead must be "
                                                 "at least 1."))
            if not 7 <= company.ecom_scoring_horizon <= 365:
                raise ValidationError(self.env._("The scoring horizon is between 7 and 365 days."))
            if not 1 <= company.ecom_scoring_relearn_days <= 90:
                raise ValidationError(self.env._("The models are learned again every 1 to 90 days."))
            quiet = (company.ecom_scoring_contact_cooldown, company.ecom_scoring_order_cooldown,
                     company.ecom_scoring_refusal_cooldown)
            # at most ten years: the quiet period's end is a date (the run failed on a larger one)
            if min(quiet) < 0 or max(quiet) > 3650:
                raise ValidationError(self.env._("Quiet days are between 0 and 3650 (ten years)."))
            if not (0 <= company.ecom_scoring_growth_min_probability <= 1
                    and 0 <= company.ecom_scoring_watch_min_probability <= 1):
                # the settings show them as percentages: «between 0 and 1» read as «1%» there
                raise ValidationError(self.env._("Chances are between 0% and 100%."))
            if company.ecom_scoring_watch_min_probability >= company.ecom_scoring_growth_min_probability:
                # the watch group is the chances from its threshold up to the growth points'
                raise ValidationError(self.env._(
                    "The watch group starts below the growth points: its chance (%(watch)s%%) must be lower than "
                    "theirs (%(growth)s%%).",
                    watch=round(company.ecom_scoring_watch_min_probability * 100),
                    growth=round(company.ecom_scoring_growth_min_probability * 100)))
            if company.ecom_scoring_slipping_overdue <= 0:
                raise ValidationError(self.env._("The overdue factor must be positive."))

    def _ecom_scoring_settings(self):
        """The engine's settings from this company's configuration (the defaults of the fields above
        are GroupRules'; the engine's modules are imported here, by the job, not by every worker)."""
        from ..scoring import schedule, segments
        from ..scoring.settings import Settings

        self.ensure_one()
        return Settings(
            horizon=self.ecom_scoring_horizon,
            rules=segments.GroupRules(
                growth_min_probability=self.ecom_scoring_growth_min_probability,
                watch_min_probability=self.ecom_scoring_watch_min_probability,
                slipping_overdue=self.ecom_scoring_slipping_overdue),
            contact=schedule.ScheduleSettings(
                daily_cap=self.ecom_scoring_daily_cap,
                contact_cooldown_days=self.ecom_scoring_contact_cooldown,
                order_cooldown_days=self.ecom_scoring_order_cooldown,
                refusal_cooldown_days=self.ecom_scoring_refusal_cooldown,
                plan_days=self.ecom_scoring_plan_days,
                shared_takers=self._ecom_scoring_shared_takers()))

    def _ecom_scoring_callers(self):
        """The ids of the users who can call this company's customers (:func:`scoring_callers`), in
        one query: a set, whose membership costs the same for a handful of salespeople or a
        thousand (a recordset's ``in`` walks its ids, once per contact of the sync)."""
        self.ensure_one()
        self.env["res.users"].flush_model(["active", "share", "company_ids"])
        self.env.cr.execute(scoring_callers(self.id))
        return frozenset(row[0] for row in self.env.cr.fetchall())

    def _ecom_scoring_shared_takers(self):
        """The salespeople who take the customers without one (user ids): with the scheduled
        contacts as activities, the members of the default sales team who take new requests
        (*Available*, active, of this company, under their *Maximum open requests*), as the
        activities' sync hands those customers out (ecom_crm's assignment by load gives a member
        at their maximum none); none without activities (the team leader hands out the shared
        list)."""
        self.ensure_one()
        if not self.ecom_scoring_activities:
            return ()
        team = self.env["crm.team"].sudo().with_company(self)._get_default_team_id(user_id=False)
        if not team:
            return ()
        callers = self._ecom_scoring_callers()
        members = team.crm_team_member_ids.filtered(
            lambda m: m.ecom_available and m.user_id.id in callers and team._ecom_may_work_here(m.user_id))
        loads = team._ecom_load_counts(members.user_id) if members else {}
        members = members.filtered(lambda m: loads[m.user_id][0] < m.ecom_max_open_leads)
        return tuple(sorted(members.user_id.ids))
