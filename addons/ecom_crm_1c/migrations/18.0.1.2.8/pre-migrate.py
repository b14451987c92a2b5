"""18.0.1.2.8: the exchanges 1C abandoned are closed (``ecom.1c.exchange._close_abandoned``), by when its last
request of their session came (``ecom_1c_session.last_request``). The sessions of before the upgrade get the
last write of what 1C's requests wrote: the session (its uploads, its export), its exchange, its exchange's
files (each import step writes its file, not the session), so that the exchanges left running for ever
before it are closed by the first run, at their last request as the log knows it. Run again, nothing
changes (only the sessions without one are written)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_session" ADD COLUMN IF NOT EXISTS "last_request" timestamp')
    cr.execute("""
        UPDATE "ecom_1c_session" s
           SET "last_request" = GREATEST(s."write_date", e."write_date",
                                         (SELECT max(f."write_date") FROM "ecom_1c_exchange_file" f
                                           WHERE f."exchange_id" = e."id"))
          FROM "ecom_1c_exchange" e
         WHERE e."id" = s."exchange_id" AND s."last_request" IS NULL
    """)
    cr.execute('UPDATE "ecom_1c_session" SET "last_request" = "write_date" WHERE "last_request" IS NULL')
