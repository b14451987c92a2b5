from odoo import api, fields, models
from odoo.tools import SQL


class EcomAssignmentReservation(models.Model):
    """A place in a salesperson's load given to a request whose transaction is still running.

    Assigning by load must never put a member above their maximum, even when requests of one team
    are decided at the same instant: the deciding transactions serialise on the team's lock. Held
    until the deciding transaction ends, that lock would make every request of a team wait for the
    whole of the previous one (creating the lead, its messages, the journal). Instead the salespeople
    are chosen in a short transaction of its own (see ``crm.team._ecom_reserve_salespeople``) that
    writes one row here per place given, tagged with the deciding transaction's id, and commits at
    once. Loads count the rows of transactions still running; the deciding transaction deletes its
    rows, so that they vanish exactly when its leads appear; rows of transactions that rolled back
    are ignored, then deleted by the next reservation."""

    _name = "ecom.assignment.reservation"
    _description = "Assignment reservation"
    _log_access = False

    team_id = fields.Many2one("crm.team", required=True, readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True, ondelete="cascade")
    xact = fields.Char("Transaction", required=True, readonly=True, index=True,
                       help="PostgreSQL's id of the transaction the place was given to (pg_current_xact_id).")

    @api.model
    def _xact(self, cr=None):
        """This transaction's id (assigning one if it has none yet), as text."""
        cr = cr or self.env.cr
        cr.execute("SELECT pg_current_xact_id()::text")
        return cr.fetchone()[0]

    @api.model
    def _xact_if_assigned(self):
        """This transaction's id if it has one (it has if it reserved), else None."""
        self.env.cr.execute("SELECT pg_current_xact_id_if_assigned()::text")
        return self.env.cr.fetchone()[0]

    @api.model
    def _reserve(self, cr, team_id, user_ids, xact):
        """Through ``cr`` (the short transaction holding the team's lock): drop the rows of ended
        transactions, then write one row per place given."""
        cr.execute("DELETE FROM ecom_assignment_reservation WHERE pg_xact_status(xact::xid8) <> 'in progress'")
        if user_ids:
            cr.execute(SQL("""
                INSERT INTO ecom_assignment_reservation (team_id, user_id, xact)
                SELECT %s, user_id, %s FROM unnest(%s::int[]) AS user_id
            """, team_id, xact, list(user_ids)))

    @api.model
    def _release(self):
        """This transaction's places become its leads: its rows go with its commit."""
        xact = self._xact_if_assigned()
        if xact:
            self.env.cr.execute("DELETE FROM ecom_assignment_reservation WHERE xact = %s", [xact])
