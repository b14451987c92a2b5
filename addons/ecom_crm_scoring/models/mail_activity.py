from collections import defaultdict

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL, is_html_empty

from ..scoring.handover import moved_on_purpose
from ..tools.note_parts import generated_texts, person_parts
from .ecom_scoring_outcome import OUTCOMES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    ecom_is_scoring = fields.Boolean("Scheduled by the scoring", compute="_compute_ecom_is_scoring")
    ecom_scoring_outcome = fields.Selection(
        OUTCOMES, "Outcome", help="What came of the scheduled contact, recorded when it is marked done: the next "
                                  "scoring learns from it. Marked done without one: counted as reached.")
    ecom_scoring_company_id = fields.Many2one(
        "res.company", "Scheduled by the scoring of", readonly=True, index="btree_not_null", ondelete="cascade")
    ecom_scoring_date = fields.Date(
        "Date set by the scoring", readonly=True,
        help="The due date the scoring gave the contact: a date the salesperson set themselves is kept.")
    ecom_scoring_user_id = fields.Many2one(
        "res.users", "Salesperson set by the scoring", readonly=True, ondelete="set null",
        help="Who the scoring gave the contact to: a contact assigned to someone else since was handed over on "
             "purpose, and the scoring leaves it with them until it is done or the customer's salesperson changes.")

    # not shown, no default (added at once on a big table): what the run wrote, to tell a person's summary from it
    ecom_scoring_run_summary = fields.Char(
        "Summary written by the scoring", readonly=True, copy=False,
        help="The summary the scoring last wrote on the contact: a summary that differs from it (and from the "
             "activity type's) was typed by a person, and the runs keep it.")
    ecom_scoring_person_note = fields.Html(
        "People's note", readonly=True, sanitize_style=True,
        help="What people wrote on this contact of the scoring (scheduled by hand before a run took it over, or "
             "written on its note since): kept below the score's note («Note:») through the runs and quoted by its "
             "«done» message.")

    @api.model
    def _ecom_scoring_activity_type(self):
        """The activity type of the contacts the scoring schedules (one open per customer)."""
        return self.env.ref("ecom_crm_scoring.mail_activity_type_scoring_call", raise_if_not_found=False) \
            or self.env["mail.activity.type"]

    @api.depends("activity_type_id")
    def _compute_ecom_is_scoring(self):
        scoring = self._ecom_scoring_activity_type()
        for activity in self:
            activity.ecom_is_scoring = bool(scoring) and activity.activity_type_id == scoring

    @api.model
    def _ecom_scoring_summaries(self):
        """The summaries the scoring writes: its activity type's summary and name in every language they
        are stored in (a run writes the type's neutral summary in the assignee's language, English where
        English is not installed any more). Another summary of a contact of the scoring's type is a person's
        unless a run wrote it (:meth:`_ecom_own_summary`: the type renamed since). Cached (a run's writer
        asks it for every contact): ``mail.activity.type`` clears it when a type's name or summary changes."""
        return self._ecom_scoring_summaries_of(self.env["ir.model.data"]._xmlid_to_res_id(
            "ecom_crm_scoring.mail_activity_type_scoring_call", raise_if_not_found=False) or 0)

    @tools.ormcache("kind_id")
    def _ecom_scoring_summaries_of(self, kind_id):
        self.env["mail.activity.type"].flush_model(["name", "summary"])
        self.env.cr.execute(SQL("SELECT name, summary FROM mail_activity_type WHERE id = %s", kind_id))
        return frozenset(text for row in self.env.cr.fetchall() for texts in row if texts
                         for text in texts.values() if text)

    def _ecom_own_summary(self, summaries=None):
        """This contact's summary when a person typed it, else ``False``: not the one a run wrote on it
        (``ecom_scoring_run_summary``: still the run's once the type is renamed or its translation changes)
        nor one of the type's texts as they are now (``summaries``, :meth:`_ecom_scoring_summaries`: all a
        contact written before the runs recorded theirs, or scheduled by hand, is told by)."""
        self.ensure_one()
        if not self.summary or self.summary == self.ecom_scoring_run_summary:
            return False
        summaries = self._ecom_scoring_summaries() if summaries is None else summaries
        return self.summary if self.summary not in summaries else False

    def _ecom_person_words(self, summary=False):
        """What a person wrote on this contact of the scoring's type, as HTML (empty: nothing): scheduled
        by hand (no company of the scoring), its note and a summary of its own (not the type's «Call the
        customer»); taken over by a run, what it kept of that (``ecom_scoring_person_note``), and with
        ``summary`` a summary a person typed on it since (the runs keep it as its summary). Read from
        the fields fetched beforehand (the runs read them for all their contacts at once)."""
        self.ensure_one()
        words = Markup("")
        own = self._ecom_own_summary()
        if self.ecom_scoring_company_id:
            if summary and own:
                words += Markup("<p>%s</p>") % own
            note = self.ecom_scoring_person_note
            return words if is_html_empty(note) else words + Markup(note)
        if own:
            words += Markup("<p>%s</p>") % own
        if not is_html_empty(self.note):
            words += Markup(self.note)
        return words

    def _ecom_handed_over(self):
        """Whether this scheduled contact was handed over on purpose: assigned to someone else than
        the scoring gave it to (a team leader's hand-over, or its salesperson's to a colleague)."""
        self.ensure_one()
        return bool(moved_on_purpose(self.user_id.id, self.ecom_scoring_user_id.id))

    def write(self, vals):
        if "user_id" in vals and not self.env.su:
            self._ecom_check_readable()
            self._ecom_check_handover(vals["user_id"])
        taken = self.browse()
        if "note" in vals and not self.env.context.get("ecom_scoring_sync"):
            taken = self.sudo().filtered(lambda a: a.ecom_scoring_company_id and a.ecom_is_scoring)
            # the score's part as it stood (before any run since): the person's words are the rest
            before = {activity.id: generated_texts(activity.note, activity.ecom_scoring_person_note)
                      for activity in taken}
        result = super().write(vals)
        if taken:
            taken.with_env(self.env)._ecom_keep_written_words(before)
        return result

    def _ecom_keep_written_words(self, before):
        """A person (not a run: those write with ``ecom_scoring_sync``, or in SQL) who writes the note of a
        contact the scoring scheduled or took over (the *Log a call* dialog, the activity's form) writes
        words the next run would rewrite with the score's note. What of the note written is not the
        score's own part is theirs: kept as ``ecom_scoring_person_note``, and the note rebuilt at once as
        a run writes it (the score's note, then «Note:» and their words). The score's part is told by the
        text of its paragraphs and list (the editor rewrites the markup): as it stood in the note before
        (``before``: ``{id: texts}``, but the person's words), and as the score renders it now in any
        installed language, with its «Note:» heading. A part of the score's text they edited is kept as
        theirs (never lost); a note emptied keeps no words; a contact with no score any more keeps the
        words and its note as written (the next run removes it and logs them). The scores read in one
        search; written as the user who wrote the note."""
        scores = {score.activity_id.id: score for score in self.env["ecom.customer.score"].sudo().search(
            [("activity_id", "in", self.ids)])}
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        nobody = self.env["res.users"]
        for activity in self:
            score = scores.get(activity.id)
            generated = set(before.get(activity.id, ()))
            for code in langs if score else ():  # with an empty «Note:» section: its heading too
                _summary, rendered = score.with_context(lang=code)._ecom_activity_texts(
                    nobody, person_note=Markup("<p></p>"))
                generated.update(generated_texts(rendered))
            words = Markup("").join(Markup(part) for part in person_parts(activity.note, generated))
            vals = {"ecom_scoring_person_note": words or False}
            if score:
                vals["note"] = score._ecom_activity_texts(activity.user_id, person_note=words or None)[1]
            activity.with_context(ecom_scoring_sync=True).write(vals)

    def _ecom_check_readable(self):
        """A scheduled contact of the scoring reassigned by who may not read it (a salesperson of another
        team or company, a user without sales rights who may edit the customer: Odoo lets whoever writes the
        customer write its activities) is refused with what and why, in the user's language: Odoo's own
        refusal (reading the contact to compare its assignee) named only the document type and ids."""
        hidden = (self - self._filtered_access("read")).sudo().filtered(
            lambda activity: activity.ecom_is_scoring and activity.ecom_scoring_company_id)
        if not hidden:
            return
        contact = hidden[0]
        customer = self.env["res.partner"].browse(contact.res_id if contact.res_model == "res.partner" else [])
        if customer and customer.has_access("read"):
            raise AccessError(self.env._(
                "You cannot reassign the scheduled contact with %(customer)s: it is %(user)s's and tells the "
                "customer's score, so only its assignee, the members and leader of their sales team, team leaders "
                "of all documents and sales managers of its company read it. Ask a team leader to hand it over "
                "to you.", customer=customer.display_name, user=contact.user_id.name))
        raise AccessError(self.env._(
            "You cannot reassign a scheduled contact of the scoring you cannot read: it tells the customer's "
            "score, so only its assignee, the members and leader of their sales team, team leaders of all "
            "documents and sales managers of its company read it."))

    def _ecom_check_handover(self, user_id):
        """Who a scheduled contact is assigned to sees the customer's score (the score's rules):
        only a team leader, or who sees the score already (the contact's salesperson, a shared
        customer's), hands it over. Any salesperson may write the activities of a contact they can
        edit: reassigning a colleague's contact to themselves showed them a score nobody handed them."""
        if self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return
        moved = self.filtered(lambda activity: activity.user_id.id != user_id)
        if not moved:
            return
        scores = self.env["ecom.customer.score"].sudo().search([("activity_id", "in", moved.ids)])
        hidden = scores - scores.with_env(self.env)._filtered_access("read")
        if hidden:
            score = hidden[0]
            raise AccessError(self.env._(
                "You cannot hand over the scheduled contact with %(customer)s: it is %(user)s's, and only a team "
                "leader or who sees the customer's score hands it over.",
                customer=score.partner_id.display_name, user=score.activity_id.user_id.name))

    def _to_store(self, store, **kwargs):
        """The chatter's «Mark Done» of a scheduled contact offers its outcomes, in the reader's
        language (static/src/activity)."""
        super()._to_store(store, **kwargs)
        scoring = self.filtered("ecom_is_scoring")
        if scoring:
            choices = self._fields["ecom_scoring_outcome"]._description_selection(self.env)
            for activity in scoring:
                store.add(activity, {"ecom_scoring_outcomes": choices})

    def _action_done(self, feedback=False, attachment_ids=None):
        """A scheduled contact marked done leaves its outcome in ``ecom.scoring.outcome`` (before
        Odoo deletes the activity), for the sales director's dashboard and the next learning; the
        chatter's «done» message starts with the outcome."""
        scoring = self.filtered(lambda activity: activity.ecom_is_scoring and activity.res_model == "res.partner")
        if not scoring:
            return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        # as the scheduling salesperson's (a colleague covering for them, or whoever was given a shared
        # customer's contact, may mark it done: the outcome rules would refuse them its row)
        values = scoring._ecom_outcome_values(feedback)
        # but never in a company the one marking it done is not in (the field is writable by RPC): the
        # company rule refused that row before, and the sudo would also take the customer off its list
        if not self.env.su and any(v["company_id"] not in self.env.user.company_ids.ids for v in values):
            raise AccessError(self.env._("You cannot record the outcome of a contact scheduled by the scoring "
                                         "of a company you do not work in."))
        outcomes = self.env["ecom.scoring.outcome"].sudo().create(values)
        if outcomes.order_id:  # an order refused or cancelled already (a 1C exchange brings it so)
            outcomes._ecom_follow_orders(outcomes.order_id)
        self.env["ecom.customer.score"]._ecom_mark_contacted(outcomes)
        messages, next_activities = self.env["mail.message"], self.env["mail.activity"]
        if self - scoring:
            messages, next_activities = super(MailActivity, self - scoring)._action_done(
                feedback=feedback, attachment_ids=attachment_ids)
        labels = dict(self._fields["ecom_scoring_outcome"]._description_selection(self.env))
        for outcome, activities in scoring.grouped(lambda a: a.ecom_scoring_outcome or "reached").items():
            text = f"{labels[outcome]}: {feedback}" if feedback else labels[outcome]
            done, following = super(MailActivity, activities)._action_done(feedback=text, attachment_ids=attachment_ids)
            messages, next_activities = messages + done, next_activities + following
        return messages, next_activities

    def _ecom_done_message_activity(self):
        """What the chatter's «done» message shows of this scheduled contact (:meth:`res.partner.
        message_post_with_source`): an unsaved copy with its type, assignee and summary, without the
        score's note (the customer's score, chance and reasons, which not every reader of the customer
        may read); the words of who scheduled it by hand before a run took it over are its note, as the
        message of a contact scheduled by hand quotes them."""
        self.ensure_one()
        return self.new({"activity_type_id": self.activity_type_id.id, "user_id": self.user_id.id,
                         "summary": self.summary, "note": self._ecom_person_words() or False})

    def _ecom_outcome_values(self, feedback=False):
        """The outcome rows of these scheduled contacts: the customer, who made the contact, what
        was offered (the score's first suggestion, its kind and chance: the cross-sell learns from
        the answers), the customer's group and RFM segment and the feedback; closed by an order (the
        context's ``ecom_scoring_order_id``), that order (``_action_done`` then moves the outcome of an
        order refused at delivery or cancelled already: ``_ecom_follow_orders``)."""
        partners = self.env["res.partner"].browse(self.mapped("res_id")).sudo().exists()
        order = self.env["sale.order"].browse(self.env.context.get("ecom_scoring_order_id")).exists()
        # the order confirmed passes itself on as the superuser (_ecom_close_ordered); a user's call names
        # none they may not read (a client's context, another company's order)
        if order and not self.env.su and not order.has_access("read"):
            order = order.browse()
        order = order.sudo()
        # the score that scheduled the contact, else the customer's score in the order's company, else in the
        # current company
        scores = self.env["ecom.customer.score"].sudo().search([
            ("partner_id", "in", partners.commercial_partner_id.ids),
            ("company_id", "in", (self.ecom_scoring_company_id | order.company_id | self.env.company).ids)])
        by_key = {(score.partner_id.id, score.company_id.id): score for score in scores}
        today = fields.Date.context_today(self)
        commercial = {partner.id: partner.commercial_partner_id for partner in partners}
        values = []
        for activity in self:
            partner = commercial.get(activity.res_id)
            if not partner:
                continue
            # a contact scheduled by hand (no company of the scoring) closed by an order: the order's company
            company = activity.ecom_scoring_company_id or order.company_id or self.env.company
            score = by_key.get((partner.id, company.id), self.env["ecom.customer.score"])
            offer = score.suggestion_ids[:1]
            values.append({
                "partner_id": partner.id, "company_id": company.id,
                "user_id": (activity.user_id or self.env.user).id, "date": today,
                "outcome": activity.ecom_scoring_outcome or "reached",
                "order_id": order.id,
                "product_id": offer.product_id.id, "categ_id": offer.categ_id.id,
                "offer_kind": offer.kind or False, "offer_probability": offer.probability if offer else False,
                "group": score.group or False, "segment": score.segment or False, "note": feedback or False,
            })
        return values

    @api.model
    def _ecom_close_ordered(self, orders):
        """Close the open scheduled contacts of the customers of ``orders`` (just confirmed): the
        outcome is «ordered» (of that order: «ordered, refused at delivery» while it is refused,
        «ordered, cancelled» while it is cancelled), the chatter says which order.

        One order, one sale: an order that closed a contact already (cancelled, then confirmed
        again: that contact is «ordered» again, ``_ecom_follow_orders``) closes no other one. The
        customer's contact scheduled since is not needed (they ordered: not to be called for a sale),
        so it is removed, as the nightly sync removes a contact the scoring no longer wants (the
        customer «ordered recently»), and the customer leaves today's list: the outcome of their
        contact was recorded again today. Marked done, it would count a contact and a sale twice. A
        note on the customer says so, in the language of whom the contact was for (it leaves their
        activities without a word otherwise); a note: nobody notified."""
        scoring = self._ecom_scoring_activity_type()
        partners = orders.partner_id.commercial_partner_id
        if not scoring or not partners:
            return
        activities = self.sudo().search([("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
                                         ("activity_type_id", "=", scoring.id)])
        if not activities:
            return
        if self.env.user.share:  # confirmed by the customer (online payment): done by OdooBot, not by them
            activities = activities.with_user(SUPERUSER_ID)
        credited = set(self.env["ecom.scoring.outcome"].sudo().search([("order_id", "in", orders.ids)]).order_id.ids)
        stale, off_list, removed = self.sudo().browse(), defaultdict(list), []
        # the new orders first: one of them confirmed with one confirmed again closes the contact
        for order in orders.sorted(lambda o: o.id in credited):
            mine = activities.filtered(
                lambda a, o=order: a.res_id == o.partner_id.commercial_partner_id.id
                and a.ecom_scoring_company_id in (o.company_id, self.env["res.company"]))
            if not mine:
                continue
            activities -= mine
            if order.id in credited:
                stale |= mine.sudo()
                off_list[order.company_id.id].append(order.partner_id.commercial_partner_id.id)
                # the words of who scheduled one by hand, kept on the contact since (never lost: logged with it)
                removed.append((order, mine[:1].user_id.lang or self.env.lang,
                                Markup("").join(activity._ecom_person_words() for activity in mine)))
                continue
            # a contact scheduled by hand keeps no company of the scoring: its note is a person's, which its
            # «done» message quotes (res.partner.message_post_with_source); its outcome is the order's company's
            # (_ecom_outcome_values). The scoring's own contacts are of the order's company already (filtered above)
            mine.ecom_scoring_outcome = "ordered"
            lang = mine[:1].user_id.lang or self.env.lang
            feedback = mine.with_context(lang=lang).env._("Ordered: %(order)s", order=order.name)
            mine.with_context(ecom_scoring_order_id=order.id)._action_done(feedback=feedback)
        if stale:
            stale.unlink()
            for order, lang, words in removed:
                customer = order.partner_id.commercial_partner_id.with_env(activities.env).with_context(lang=lang)
                # a note logged (as the calls' are): nobody notified, whoever confirmed not made a follower
                text = customer.env._("Scheduled contact removed: order %(order)s was confirmed again.",
                                      order=order.name)
                customer._message_log(body=Markup("<p>%s</p>") % text + words if words else text)
            today = fields.Date.context_today(self)
            for company_id, partner_ids in off_list.items():
                self.env["ecom.customer.score"].sudo().search([
                    ("company_id", "=", company_id), ("partner_id", "in", partner_ids)]).write({"contacted_on": today})
