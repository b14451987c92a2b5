"""18.0.2.2.0: each score row keeps the fingerprint of the values the nightly job wrote
(``row_hash``, a 64-bit column no Odoo field type makes; new tables get it from the model's
``init()``). Existing rows start without one: the next run writes each of them once. A database
coming from before 18.0.2.0.0 has no scores table yet: the update creates it."""


def migrate(cr, version):
    cr.execute("SELECT to_regclass('ecom_customer_score') IS NOT NULL")
    if cr.fetchone()[0]:
        cr.execute("ALTER TABLE ecom_customer_score ADD COLUMN IF NOT EXISTS row_hash int8")
