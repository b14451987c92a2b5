from odoo import api, fields, models
from odoo.tools import SQL

# the number of slots keys are hashed into: a bounded table (two keys sharing a slot only make one
# of two concurrent transactions retry)
SLOTS = 1 << 16


class EcomDecisionLock(models.Model):
    """Serialises the transactions that decide about the same customer, key or team.

    Odoo runs transactions in REPEATABLE READ, where a lock taken after the transaction's snapshot
    does not serialise: a transaction that started before another one committed a new customer
    would not see it, even once it holds the lock. A write does: each deciding transaction
    upserts the slots of its keys; PostgreSQL makes it wait while another transaction holds one,
    and raises a serialization failure if one was written by a transaction that committed after
    its snapshot. Odoo's request handling and the intake queue retry those in a new transaction,
    which sees the other's work."""

    _name = "ecom.decision.lock"
    _description = "Decision lock"
    _log_access = False

    slot = fields.Integer(required=True, readonly=True)
    writes = fields.Integer(readonly=True)

    _sql_constraints = [("slot_unique", "UNIQUE(slot)", "One row per slot.")]

    @api.model
    def _take(self, keys):
        """Serialise this transaction with every other one that takes any of ``keys`` (strings such
        as ``phone:+79161234567``), until it ends; a serialization failure to retry if another one
        decided about them since this transaction's snapshot."""
        keys = sorted({str(key) for key in keys if key})
        if keys:
            self.env.cr.execute(SQL("""
                INSERT INTO ecom_decision_lock (slot, writes)
                SELECT DISTINCT (hashtext(key)::bigint & %(mask)s)::integer, 1 FROM unnest(%(keys)s::text[]) key
                 ORDER BY 1
                ON CONFLICT (slot) DO UPDATE SET writes = ecom_decision_lock.writes + 1
            """, keys=keys, mask=SLOTS - 1), log_exceptions=False)  # the expected conflict, retried: no ERROR line
