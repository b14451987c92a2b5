"""18.0.1.5.6: res_partner.ecom_sms_number (the number SMS go to: the mobile, else the phone, that is
a mobile number). The column is added here so that the upgrade does not recompute it for the whole
table through the ORM; post-migrate fills it a batch of ids at a time."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS ecom_sms_number varchar")
