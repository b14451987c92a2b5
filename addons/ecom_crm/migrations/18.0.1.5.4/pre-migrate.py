"""18.0.1.5.4: phones keep an extension typed with them («+74951234567 доб. 123»); requests and calls
find their customer by the number without it, two new indexed columns of res.partner. They are filled
here, set-based, before the upgrade would compute them partner by partner: the number is what comes
before the extension (see tools/phones.py, phone_without_extension). Columns there already (an earlier
run) are filled again, a partner without phones included."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS ecom_phone_number varchar,
                                ADD COLUMN IF NOT EXISTS ecom_mobile_number varchar
    """)
    cr.execute("""
        UPDATE res_partner
           SET ecom_phone_number = NULLIF(split_part(phone, ' доб. ', 1), ''),
               ecom_mobile_number = NULLIF(split_part(mobile, ' доб. ', 1), '')
         WHERE phone IS NOT NULL OR mobile IS NOT NULL
            OR ecom_phone_number IS NOT NULL OR ecom_mobile_number IS NOT NULL
    """)
