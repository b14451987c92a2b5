"""18.0.2.3.5: the dashboard's customers in none of the three groups are in a group of their own
(``none``, «Без группы»): the rows the earlier versions left without a group get it, so that a
chart over old and new days has one line for them. The two chances are named apart («Шанс
заказа», «шанс покупки»): the shipped translations replace the database's at every upgrade
(``migrations/0.0.0``)."""


def migrate(cr, version):
    cr.execute("""UPDATE ecom_scoring_snapshot SET "group" = 'none' WHERE "group" IS NULL""")
