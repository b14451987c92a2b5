"""18.0.1.2.5: a company may have a 1C base of its own, which logs in with the company's own login
(``res_company.ecom_1c_login``, its password hashed) and gets the company's orders only, from a
position of its own (``res_company.ecom_1c_orders_committed_until``); its session knows its company.

The columns are made here, empty: no company has a 1C of its own yet. Settings' exchange login goes
on from the position it had (the system parameter ``ecom_crm_1c.orders_committed_until``), with every
company's orders, as before: nothing is sent again, nothing skipped."""


def migrate(cr, version):
    if not version:
        return
    for table, column, kind in (("res_company", "ecom_1c_login", "varchar"),
                                ("res_company", "ecom_1c_password_hash", "varchar"),
                                ("res_company", "ecom_1c_orders_committed_until", "varchar"),
                                ("ecom_1c_session", "company_id", "int4")):
        cr.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {kind}')
