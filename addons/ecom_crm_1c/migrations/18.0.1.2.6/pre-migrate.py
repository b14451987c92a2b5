"""18.0.1.2.6: a session remembers its last stored request (``ecom_1c_session.last_part``: its length and
SHA-256 with its file's name), so that 1C sending the same part again, having heard no answer in time,
is not appended twice.

The column is made here, empty: the sessions open at the upgrade compare their next part with nothing,
and append it as before."""


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_session" ADD COLUMN IF NOT EXISTS "last_part" varchar')
