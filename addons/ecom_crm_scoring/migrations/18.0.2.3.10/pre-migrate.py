"""18.0.2.3.10: the scores' indexes of the group and the contact hold only the rows that have one
(``index="btree_not_null"``). Odoo creates a field's index when none of its name exists and never
changes one that does: the full indexes are dropped here, before the models are loaded, and Odoo
creates them anew with their condition."""

from odoo.tools import SQL

PARTIAL = ("group", "decision")


def migrate(cr, version):
    if not version:
        return
    for column in PARTIAL:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"ecom_customer_score__{column}_index")))
