"""18.0.1.6.5: the salespeople's report gives each call's row a channel (its request's source,
medium and campaign; a call of no request its telephony line's, see
``ecom.report.manager._ecom_call_channel``): the rows of the calls already in the table get theirs
here, set-based (the table keeps its columns, so ``init`` does not rebuild it; the daily
pre-aggregate has no channel, nothing of it changes). The reports say one thing one way: the calls
journal's «Employee» («Сотрудник») is the «Salesperson» («Менеджер») of the salespeople's report,
the sales report's «Repeat purchases (%)» («Повторные покупки (%)») the «Repeat orders (%)»
(«Повторные заказы (%)») of revenue by channel, the same measure (the shipped Russian replaces the
database's at every upgrade: ``migrations/0.0.0``)."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def give_the_calls_their_channel(cr):
    """Set the channel of every call's row of the salespeople's report; return how many rows."""
    manager = api.Environment(cr, SUPERUSER_ID, {})["ecom.report.manager"]
    channel = manager._ecom_call_channel()
    cr.execute(SQL("""
        UPDATE %(table)s r
           SET source_id = %(source)s, medium_id = %(medium)s, campaign_id = %(campaign)s
          FROM %(calls)s
         WHERE r.kind = 'call' AND r.call_id = c.id
    """, table=SQL.identifier(manager._table), calls=manager._ecom_call_channel_from(), source=channel["source_id"],
        medium=channel["medium_id"], campaign=channel["campaign_id"]))
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    give_the_calls_their_channel(cr)
