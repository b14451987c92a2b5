"""18.0.1.6.0: the orders confirmed before 18.0.1.5.9 kept no quotation's date (``ecom_quotation_date``):
confirming had set their date to the confirmation's, which their invoice for payment printed as its own
date (and its «Основание», its QR code's purpose, its due date) when printed again. They are dated by
their creation, the day the quotation was made (Odoo keeps no other trace of a quotation's date), in the
time zone the invoice printed its date in: its salesperson's, else the store's (its company's), else UTC.

Only the orders of which that changes the date printed: confirmed (``sale``), without a quotation's date,
made a day before the one they were confirmed. An order confirmed the day it was quoted prints that day
either way and is left alone; so is one dated before its creation (an order an import dated as the shop or
1C had it: its date is no confirmation's), a quotation (its date is still its own) and a cancelled order
(nothing tells whether it was confirmed). A quotation dated again by hand before its confirmation had that
date, which nothing kept: its creation's day is printed. One query, set-based; run again, it finds
nothing left to date."""


def date_confirmed_orders_by_their_creation(cr):
    """Set the quotation's date of the orders confirmed before 18.0.1.5.9 (see the module's docstring);
    return how many."""
    cr.execute("""
        WITH zones AS (SELECT name FROM pg_timezone_names),
        confirmed AS (
            SELECT o.id, COALESCE(user_zone.name, store_zone.name, 'UTC') AS zone
              FROM sale_order o
              JOIN res_company company ON company.id = o.company_id
              JOIN res_partner store ON store.id = company.partner_id
              LEFT JOIN zones store_zone ON store_zone.name = store.tz
              LEFT JOIN res_users salesperson ON salesperson.id = o.user_id
              LEFT JOIN res_partner person ON person.id = salesperson.partner_id
              LEFT JOIN zones user_zone ON user_zone.name = person.tz
             WHERE o.state = 'sale' AND o.ecom_quotation_date IS NULL AND o.create_date IS NOT NULL
        )
        UPDATE sale_order o
           SET ecom_quotation_date = (o.create_date AT TIME ZONE 'UTC' AT TIME ZONE c.zone)::date
          FROM confirmed c
         WHERE o.id = c.id
           AND (o.create_date AT TIME ZONE 'UTC' AT TIME ZONE c.zone)::date
               < (o.date_order AT TIME ZONE 'UTC' AT TIME ZONE c.zone)::date
    """)
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    date_confirmed_orders_by_their_creation(cr)
