"""18.0.1.2.9: the help of an attribute's «1C id» says a property's id may be on a characteristic's
attribute now (one an exchange made by name, named by the property since), which the Russian of before
did not (the shipped translations replace the database's at every upgrade: ``migrations/0.0.0``).

The attribute of characteristics without properties («characteristic»), made by the exchange of a
store in another language than English, was named in that language in English too (its English name
is set when it is made now): it gets its English name «Characteristic» where its English is still a
translation of it as shipped (a name the store gave it is kept)."""

from odoo.tools.translate import code_translations

CHARACTERISTIC = "characteristic"  # the attribute's 1C id (commerceml.characteristics.CHARACTERISTIC)


def name_the_characteristic_in_english(cr):
    """Give the attribute of characteristics without properties its English name where its English is the
    shipped translation of it in one of the database's languages; return how many were renamed."""
    cr.execute("SELECT code FROM res_lang WHERE active AND code <> 'en_US'")
    translated = {code_translations.get_python_translations("ecom_crm_1c", lang).get("Characteristic")
                  for (lang,) in cr.fetchall()} - {None, "Characteristic"}
    if not translated:
        return 0
    cr.execute("""UPDATE product_attribute SET name = name || '{"en_US": "Characteristic"}'::jsonb
                   WHERE ecom_1c_id = %s AND name->>'en_US' = ANY(%s)""", [CHARACTERISTIC, sorted(translated)])
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    name_the_characteristic_in_english(cr)
