"""18.0.1.2.6: a session remembers its last stored request (``ecom_1c_session.last_part``: its length and
SHA-256 with its file's name), so that 1C sending the same part again, having heard no answer in time,
is not appended twice; and the snapshot its last orders export read in
(``ecom_1c_session.export_snapshot``), so that 1C acknowledging it lets the next export send the orders
of transactions that export did not see, however old their write date.

The columns are made here, empty: the sessions open at the upgrade compare their next part with nothing,
and append it as before; the first export acknowledged after the upgrade records its snapshot, the
exports until then go by the write date alone, as before."""


def migrate(cr, version):
    if not version:
        return
    for column in ("last_part", "export_snapshot"):
        cr.execute(f'ALTER TABLE "ecom_1c_session" ADD COLUMN IF NOT EXISTS "{column}" varchar')
