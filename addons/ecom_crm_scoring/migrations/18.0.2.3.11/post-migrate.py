"""18.0.2.3.11: the snapshots of the customers in no group counted their scheduled contacts as
NULL (they have no decision), which the dashboard's pivot showed as an empty cell beside the other
groups' 0: they are 0."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE ecom_scoring_snapshot SET scheduled_count = 0 WHERE scheduled_count IS NULL")
