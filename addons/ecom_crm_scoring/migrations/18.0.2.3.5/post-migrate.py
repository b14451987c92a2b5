"""18.0.2.3.5: the dashboard's customers in none of the three groups are in a group of their own
(``none``, «Без группы»): the rows the earlier versions left without a group get it, so that a
chart over old and new days has one line for them. The two chances are named apart («Шанс
заказа», «шанс покупки»): the database's translations are replaced by the shipped ones (an
upgrade keeps those it has)."""

from odoo.addons.ecom_crm.tools.i18n import reload_translations


def migrate(cr, version):
    cr.execute("""UPDATE ecom_scoring_snapshot SET "group" = 'none' WHERE "group" IS NULL""")
    if version:
        reload_translations(cr, "ecom_crm_scoring")
