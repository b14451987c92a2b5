"""18.0.1.6.9: an order's channel is its own UTM source, medium and campaign as a whole when it has any
of them, else its request's (``ecom_report_mixin.order_channel``), no longer each of the three taken
from the order if it had it, else from the request (an order with a source and no medium was reported
with its request's medium: a channel nobody used). *Channels end to end* and *Revenue by channel* are
materialized views, made again by the upgrade itself (their SQL changed: see
``ecom.report.matview.init``); the refusals' table keeps its columns, so its rows of the orders
refused at delivery get their channel here, set-based (it has no daily pre-aggregate). The shipped
Russian of the texts that changed with it comes with every version change
(``migrations/0.0.0/end-reload_translations.py``)."""

from odoo.addons.ecom_crm.models.ecom_report_mixin import order_channel
from odoo.tools import SQL


def give_the_refused_orders_their_channel(cr):
    """Set the channel of every order's row of the refusals (an order refused at delivery) to its
    order's channel; return how many rows changed."""
    cr.execute(SQL("""
        UPDATE ecom_report_refusal r
           SET source_id = %(source)s, medium_id = %(medium)s, campaign_id = %(campaign)s
          FROM sale_order so
          LEFT JOIN crm_lead l ON l.id = so.opportunity_id
         WHERE r.kind = 'delivery' AND r.order_id = so.id
           AND (r.source_id, r.medium_id, r.campaign_id) IS DISTINCT FROM (%(source)s, %(medium)s, %(campaign)s)
    """, **order_channel()))
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    give_the_refused_orders_their_channel(cr)
