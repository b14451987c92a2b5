from markupsafe import Markup

from odoo import fields, models

from ..models.ecom_scoring_outcome import OUTCOMES


class EcomScoringOutcomeWizard(models.TransientModel):
    """What came of a contact of today's list, in two clicks: closes the scheduled contact (its
    «done» message carries the notes), or, without one, records the outcome and notes it on the
    customer."""

    _name = "ecom.scoring.outcome.wizard"
    _description = "Outcome of a contact"

    score_id = fields.Many2one("ecom.customer.score", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="score_id.partner_id", string="Customer")
    activity_id = fields.Many2one("mail.activity", "Scheduled contact", readonly=True, ondelete="set null")
    offer = fields.Char(related="score_id.offer", string="What to offer")
    outcome = fields.Selection(OUTCOMES, required=True)
    note = fields.Text("Notes", help="What the customer said: it goes to the customer's history.")

    def action_confirm(self):
        self.ensure_one()
        activity = self.activity_id.exists()
        if activity:
            score = self.score_id  # read as the user: who reads the score records what came of its contact
            if activity == score.activity_id and activity.sudo().ecom_scoring_company_id == score.company_id \
                    and not activity.has_access("read"):
                # a shared customer's (everyone's list) contact held by a salesperson of another team: the
                # rules keep its note from them, not its outcome; done as them (the author, the outcome's
                # company checked above), the «done» message without the note as ever
                activity = activity.sudo()
            activity.ecom_scoring_outcome = self.outcome
            activity.action_feedback(feedback=self.note or False)
            return {"type": "ir.actions.act_window_close"}
        score = self.score_id
        offer = score.suggestion_ids[:1]
        outcome = self.env["ecom.scoring.outcome"].create({
            "partner_id": score.partner_id.id, "company_id": score.company_id.id, "user_id": self.env.uid,
            "outcome": self.outcome, "product_id": offer.product_id.id, "categ_id": offer.categ_id.id,
            "offer_kind": offer.kind or False, "offer_probability": offer.probability if offer else False,
            "group": score.group or False, "segment": score.segment or False, "note": self.note or False,
        })
        score._ecom_mark_contacted(outcome)
        label = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        body = Markup("<p>%s</p>") % self.env._("Contact outcome: %(outcome)s", outcome=label)
        if self.note:
            body += Markup("<p>%s</p>") % self.note
        score.partner_id.sudo().message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
