"""18.0.1.5.5: an audience list's refresh removes only the subscriptions it made itself
(mailing_subscription.ecom_audience_managed); contacts added to the list by hand stay. Until now the
refresh made every subscription of a customer's contact (ecom_partner_id) in an audience list, and
removed any other at its next run: those are marked as the refresh's, the others (added by hand since
the last refresh) are not. Set-based, before the upgrade adds the column. A database upgraded from a
version before the audiences' lists (no ecom_audience_id, no ecom_partner_id yet) has none to mark."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE mailing_subscription ADD COLUMN IF NOT EXISTS ecom_audience_managed boolean")
    if not (column_exists(cr, "mailing_list", "ecom_audience_id")
            and column_exists(cr, "mailing_contact", "ecom_partner_id")):
        return
    cr.execute("""
        UPDATE mailing_subscription s
           SET ecom_audience_managed = true
          FROM mailing_list l, mailing_contact c
         WHERE l.id = s.list_id AND l.ecom_audience_id IS NOT NULL
           AND c.id = s.contact_id AND c.ecom_partner_id IS NOT NULL
           AND s.ecom_audience_managed IS NOT TRUE
    """)
