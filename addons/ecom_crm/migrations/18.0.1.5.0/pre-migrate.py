"""18.0.1.5.0: refusals are a table refreshed with the funnel (``ecom.report.refusal``), no longer a
view over the requests and orders: the two indexes that view needed on them go."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("DROP INDEX IF EXISTS crm_lead_ecom_refusal_date_idx")
    cr.execute("DROP INDEX IF EXISTS sale_order_ecom_returned_date_idx")
