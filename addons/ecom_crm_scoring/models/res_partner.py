import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .ecom_customer_score import DECISIONS, GROUPS, SEGMENTS

SALES = "sales_team.group_sale_salesman"  # scores are the sales team's: not every internal user's
# who marks an account shared (not scored): it takes the account off every list, group, segment and
# audience of every company, a colleague's customer's too
LEADERS = "sales_team.group_sale_salesman_all_leads"
# the group and the segment are mailing audiences too (Email and SMS Marketing), the company's whole
MAILING = "mass_mailing.group_mass_mailing_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecom_score_ids = fields.One2many("ecom.customer.score", "partner_id", "Scores", groups=SALES)
    ecom_score_id = fields.Many2one("ecom.customer.score", "Score in this company", compute="_compute_ecom_score",
                                    groups=SALES)
    ecom_score = fields.Integer(
        "Customer score", compute="_compute_ecom_score", search="_search_ecom_score", groups=SALES,
        help="The chance (0-100) that the customer orders within the scoring's horizon (90 days unless the "
             "settings say otherwise), learned from the store's history and recomputed every night.")
    ecom_group = fields.Selection(GROUPS, "Scoring group", compute="_compute_ecom_score",
                                  search="_search_ecom_group", groups=f"{SALES},{MAILING}")
    ecom_segment = fields.Selection(SEGMENTS, "RFM segment", compute="_compute_ecom_score",
                                    search="_search_ecom_segment", groups=f"{SALES},{MAILING}")
    ecom_contact = fields.Selection(DECISIONS, "Call", compute="_compute_ecom_score",
                                    search="_search_ecom_contact", groups=SALES)

    ecom_score_reasons = fields.Text("Reasons", compute="_compute_ecom_score", groups=SALES)
    ecom_score_offer = fields.Char("Offers (chance of buying)", compute="_compute_ecom_score", groups=SALES)
    ecom_score_decision_reason = fields.Char("Why this contact", compute="_compute_ecom_score", groups=SALES)
    ecom_score_decision_date = fields.Date("Contact on", compute="_compute_ecom_score", groups=SALES)
    ecom_score_rfm = fields.Char("RFM", compute="_compute_ecom_score", groups=SALES,
                                 help="Recency, frequency and monetary quintiles (5 = best).")
    ecom_scored_on = fields.Date("Scored on", compute="_compute_ecom_score", groups=SALES)
    ecom_scoring_excluded = fields.Boolean(
        "Shared account (not scored)", groups=SALES, copy=False,
        help="An account many people's orders are placed on: the guest buyer an import puts the web orders "
             "on, a marketplace's account. It is not scored: on no salesperson's list, in no group, segment "
             "or mailing audience. Odoo's public (guest) partner and the companies themselves never are.")
    # when the customer was archived or restored, marked shared or unmarked, or took a merged
    # contact's orders (Odoo's merge moves them by SQL): the day's next
    # incremental run rescores them (:meth:`ecom.scoring.run._changed_partners`), not the night;
    # indexed on the few partners it is set on (the run asks for those changed since the last run)
    ecom_scoring_changed_at = fields.Datetime(
        "Scoring: archived, marked or merged on", readonly=True, copy=False, index="btree_not_null",
        groups="base.group_system",
        help="When the contact was archived or restored, marked a shared account or unmarked, or other contacts "
             "were merged into it: the scoring's next hourly run rescores it.")

    @api.depends("ecom_score_ids", "commercial_partner_id.ecom_score_ids")
    @api.depends_context("company", "lang", "uid")  # what the reader may see of the scores
    def _compute_ecom_score(self):
        company = self.env.company
        sales, mailing = self.env.user.has_group(SALES), self.env.user.has_group(MAILING)
        none = self.env["ecom.customer.score"]
        # a mailing user reads the group and the segment of every customer of the company (an
        # audience is the company's), nothing else of the score
        audiences = {score.partner_id.id: score for score in none.sudo().search([
            ("partner_id", "in", self.commercial_partner_id._origin.ids), ("company_id", "=", company.id)])} \
            if mailing else {}
        for partner in self:
            score = partner.commercial_partner_id.ecom_score_ids.filtered(lambda s: s.company_id == company)[:1] \
                if sales else none
            audience = audiences.get(partner.commercial_partner_id._origin.id, none) if mailing else score
            partner.ecom_score_id = score
            partner.ecom_score = score.score
            partner.ecom_group = audience.group
            partner.ecom_segment = audience.segment
            partner.ecom_contact = score.decision
            partner.ecom_score_reasons = score.reasons
            partner.ecom_score_offer = score.offer
            partner.ecom_score_decision_reason = score.decision_reason
            partner.ecom_score_decision_date = score.decision_date
            partner.ecom_scored_on = score.scored_on
            partner.ecom_score_rfm = f"{score.recency}-{score.frequency}-{score.monetary}" if score else False

    def _ecom_search_score(self, field, operator, value, audience=False):
        """Partners (the commercial partner and its contacts) whose score in this company matches:
        usable in Email Marketing and SMS Marketing audiences (``audience``: the group and the
        segment, searched among all the company's customers by a mailing user)."""
        Score = self.env["ecom.customer.score"]
        if audience and self.env.user.has_group(MAILING):
            Score = Score.sudo()
        scores = Score._search([("company_id", "=", self.env.company.id), (field, operator, value)])
        return [("commercial_partner_id", "in", scores.subselect("partner_id"))]

    def _search_ecom_score(self, operator, value):
        return self._ecom_search_score("score", operator, value)

    def _search_ecom_group(self, operator, value):
        return self._ecom_search_score("group", operator, value, audience=True)

    def _search_ecom_segment(self, operator, value):
        return self._ecom_search_score("segment", operator, value, audience=True)

    def _search_ecom_contact(self, operator, value):
        return self._ecom_search_score("decision", operator, value)

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("ecom_scoring_excluded") for vals in vals_list):
            self._ecom_scoring_check_exclude()
        return super().create(vals_list)

    def write(self, vals):
        if "ecom_scoring_excluded" in vals and self.sudo().filtered(
                lambda partner: partner.ecom_scoring_excluded != bool(vals["ecom_scoring_excluded"])):
            self._ecom_scoring_check_exclude()
        # the customers archived or restored, marked shared or unmarked by this write
        changed = self.browse()
        for name in ("active", "ecom_scoring_excluded"):
            if name in vals:
                changed |= self.sudo().filtered(lambda partner, name=name: partner[name] != bool(vals[name]))
        if "active" in vals and not vals["active"]:
            self._ecom_scoring_log_archived()
        res = super().write(vals)
        if "user_id" in vals:
            self._ecom_scoring_salesperson_changed()
        if vals.get("ecom_scoring_excluded"):
            self._ecom_scoring_drop()
        if changed:
            changed.with_env(self.env)._ecom_scoring_changed(archived="active" in vals and not vals["active"])
        return res

    def toggle_active(self):
        # Odoo removes the activities of the contacts archived before archiving them: their words first
        self.filtered("active")._ecom_scoring_log_archived()
        return super().toggle_active()

    def _ecom_scoring_contacts(self):
        """The open contacts of the scoring's type on these contacts (as the superuser)."""
        kind = self.env["mail.activity"]._ecom_scoring_activity_type()
        if not kind or not self:
            return self.env["mail.activity"].sudo()
        return self.env["mail.activity"].sudo().search([
            ("res_model", "=", "res.partner"), ("res_id", "in", self.ids), ("activity_type_id", "=", kind.id)])

    def _ecom_scoring_log_archived(self):
        """Archived, a contact loses its activities (Odoo's): the words people wrote on its contacts of the
        scoring's type are logged on it, not lost."""
        contacts = self.sudo()._ecom_scoring_contacts()
        if contacts:
            self.env["ecom.customer.score"]._ecom_log_removed_words(contacts, lambda env, user: env._(
                "The scheduled contact of %(user)s was removed: the customer was archived. Its note:", user=user))

    def _ecom_scoring_check_exclude(self):
        """Only a team leader (or the sales director) marks an account shared or unmarks it: the mark
        removes the account's score and scheduled contact in every company at once, and any
        salesperson may edit any customer's card (a colleague's customer taken off their list, or a
        quiet customer off one's own, is not a salesperson's call)."""
        if not self.env.su and not self.env.user.has_group(LEADERS):
            raise AccessError(self.env._("Only a sales team leader marks an account as shared (not scored) "
                                         "or unmarks it."))

    def _ecom_scoring_drop(self):
        """Accounts marked shared (no customers): their scores in every company and their open
        scheduled contacts go at once, not at the next run (the run reads them as no customers:
        ``ecom.scoring.history``'s ``_no_customer``). The mark is a commercial partner's (the run
        reads the customer's own): on a contact person it changes nothing."""
        partners = self.filtered(lambda partner: partner.commercial_partner_id == partner)
        if not partners:
            return
        self.env["ecom.customer.score"].flush_model()
        self.env.cr.execute(SQL("DELETE FROM ecom_customer_score WHERE partner_id = ANY(%s)", partners.ids))
        self.env["ecom.customer.score"].invalidate_model()
        contacts = partners._ecom_scoring_contacts()
        if contacts:
            # the words people wrote on them logged on the account (a merge's: the one kept), not lost
            self.env["ecom.customer.score"]._ecom_log_removed_words(contacts, lambda env, user: env._(
                "The scheduled contact of %(user)s was removed: the account is marked as shared (not scored). "
                "Its note:", user=user))
            contacts.unlink()

    def _ecom_scoring_changed(self, archived=False):
        """The customers were archived or restored, marked shared or unmarked: the day's next
        incremental run rescores them (an unmarked account is a customer again, a restored one is
        planned calls again), not the next night. ``archived``: they were archived, and are planned
        no call from now on: their scores in every company say so at once (do not disturb,
        «archived in the contacts», as the run writes it; a customer who asked not to be contacted
        keeps that reason, the run's first), with no offer; their open activities, the scheduled
        contact among them, went with the archiving (Odoo's). A contact person's changes are not
        the customer's (the run reads the commercial partner's)."""
        partners = self.filtered(lambda partner: partner.commercial_partner_id == partner)
        if not partners:
            return
        self.flush_recordset()
        self.env.cr.execute(SQL("UPDATE res_partner SET ecom_scoring_changed_at = now() at time zone 'UTC' "
                                "WHERE id = ANY(%s)", partners.ids))
        self.invalidate_recordset(["ecom_scoring_changed_at"])
        if not archived:
            return
        Score = self.env["ecom.customer.score"]
        Score.flush_model()
        self.env.cr.execute(SQL("""
            UPDATE ecom_customer_score
               SET decision = 'dnd', decision_code = 'archived', decision_params = %(params)s::jsonb,
                   decision_date = NULL, row_hash = NULL, write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE partner_id = ANY(%(ids)s) AND "group" IS NOT NULL
               AND decision_code IS DISTINCT FROM 'opted_out' AND decision_code IS DISTINCT FROM 'archived'
         RETURNING id
        """, params=json.dumps({"date": ""}), uid=self.env.uid, ids=partners.ids))
        scores = [row[0] for row in self.env.cr.fetchall()]
        if scores:
            self.env.cr.execute(SQL("DELETE FROM ecom_customer_suggestion WHERE score_id = ANY(%s)", scores))
            self.env["ecom.customer.suggestion"].invalidate_model()
            Score.invalidate_model()
            Score.browse(scores).modified(["decision", "decision_code", "decision_date"])

    def _ecom_scoring_salesperson_changed(self):
        """The customers' salesperson changed: their scores (in every company) and their open
        scheduled contacts follow at once, not at the next run. The scores' salesperson as the run
        writes it (an active internal user, else none), in one statement for all the customers; a
        scheduled contact goes to the new salesperson, without an «assigned to you» mail, when they
        work in its company, unless it was handed over on purpose (it stays with who has it today:
        the next run gives it to the new salesperson). A contact person's salesperson is not the
        customer's (the run reads the commercial partner's).

        At once only for a team leader, or the scores the writer sees already (their own customers,
        the shared list's): any salesperson may edit a customer's card, and one who names themselves
        on a colleague's customer is not handed its score and contact by that (as a contact's own
        hand-over is refused them); those wait for the next run."""
        if not self:
            return
        self.flush_recordset(["user_id"])
        Score = self.env["ecom.customer.score"].sudo()
        Score.flush_model(["user_id", "activity_user_id", "company_id"])
        visible = SQL()
        if not self.env.su and not self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            # the scores the writer reads by the rules, in all of their companies (one query)
            seen = self.env["ecom.customer.score"].with_context(
                allowed_company_ids=self.env.user.company_ids.ids, active_test=False)._search(
                [("partner_id", "in", self.ids)])
            visible = SQL("AND s.id IN %s", seen.subselect())
        self.env.cr.execute(SQL("""
            UPDATE ecom_customer_score s
               SET user_id = u.id, row_hash = NULL, write_uid = %(uid)s, write_date = now() at time zone 'UTC'
              FROM res_partner p
              LEFT JOIN res_users u ON u.id = p.user_id AND u.active AND NOT COALESCE(u.share, FALSE)
             WHERE p.id = ANY(%(ids)s) AND p.commercial_partner_id = p.id AND s.partner_id = p.id
               AND s.user_id IS DISTINCT FROM u.id %(visible)s
         RETURNING s.id, s.partner_id, s.company_id
        """, uid=self.env.uid, ids=self.ids, visible=visible))
        rows = self.env.cr.fetchall()
        if not rows:
            return
        Score.invalidate_model(["user_id", "write_uid", "write_date"])
        Score.browse([row[0] for row in rows]).modified(["user_id"])
        # the scoring's own writes: a note it writes is the score's, never taken for a person's words
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True,
                                                                 ecom_scoring_sync=True)
        kind = Activity._ecom_scoring_activity_type()
        if not kind:
            return
        # everything read for all the customers at once (10,000 customers handed over: a few
        # queries, not a few per contact)
        partners = self.browse({row[1] for row in rows}).sudo()
        activities = Activity.search([("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
                                      ("activity_type_id", "=", kind.id)])
        activities.fetch(["res_id", "user_id", "ecom_scoring_user_id", "ecom_scoring_company_id", "activity_type_id",
                          "summary", "ecom_scoring_run_summary", "note", "ecom_scoring_person_note"])
        salesperson = {partner.id: partner.user_id for partner in partners}
        # the scores moved (those of the others' companies, or that the writer does not see, are not)
        scores = {(row[1], row[2]): score
                  for row, score in zip(rows, Score.browse([row[0] for row in rows]), strict=True)}
        moves, texts, callers = defaultdict(list), [], {}
        for activity in activities:
            user = salesperson[activity.res_id]
            company = activity.ecom_scoring_company_id or self.env.company
            if company not in callers:  # who can call its customers: one query a company
                callers[company] = company._ecom_scoring_callers()
            if activity._ecom_handed_over() or activity.user_id == user or user.id not in callers[company]:
                continue
            score = scores.get((activity.res_id, company.id))
            if not score:  # its company's score did not move (not seen by the writer): nor does it
                continue
            # an activity of the scoring's type not yet the scoring's (scheduled by hand: no company)
            # gets the score's note below: from now on the scoring's rules guard it, not from the next run
            moves[user, company if not activity.ecom_scoring_company_id else None].append(activity.id)
            texts.append((activity, score, user))
        # the words of who scheduled one by hand kept below the score's note, before its company is written
        taken = {activity: activity for activity, _score, _user in texts if not activity.ecom_scoring_company_id}
        Score._ecom_keep_person_words(taken, {})
        for (user, company), ids in moves.items():
            Activity.browse(ids).write({"user_id": user.id, "ecom_scoring_user_id": user.id,
                                        **({"ecom_scoring_company_id": company.id} if company else {})})
        # the note in the new salesperson's language (as the run writes it), in one statement
        Score._ecom_write_activity_texts(texts, taken={activity.id for activity in taken})

    def message_post_with_source(self, source_ref, render_values=None, **kwargs):
        """Odoo's «done» message of a scheduled contact (``mail.activity._action_done`` renders
        ``mail.message_activity_done`` with the activity) quotes the activity's note, which tells the
        customer's score, chance and reasons: every internal user reading the customer reads the
        chatter. It is rendered from a copy of the activity without the note: the type, whom it was
        assigned to, its summary (a neutral «Call the customer») and the feedback, which starts with
        the outcome (``mail.activity._action_done``). The note is not posted. A contact of the scoring's
        type scheduled by hand and never taken over by the scoring (no company of the scoring) has a
        person's note, not the score's: its message quotes it, as any activity's."""
        activity = (render_values or {}).get("activity")
        if source_ref == "mail.message_activity_done" and isinstance(activity, models.BaseModel) \
                and activity._name == "mail.activity" and activity.ecom_is_scoring \
                and activity.ecom_scoring_company_id:
            render_values = dict(render_values, activity=activity._ecom_done_message_activity())
        return super().message_post_with_source(source_ref, render_values=render_values, **kwargs)

    def action_ecom_explain_score(self):
        """The card's «Why this score?»: reasons for a customer the night's lists left out."""
        self.ensure_one()
        if not self.ecom_score_id:
            raise UserError(self.env._("This customer has no score in this company: the scoring scores customers "
                                       "with confirmed orders, every night."))
        return self.ecom_score_id.action_ecom_explain()
