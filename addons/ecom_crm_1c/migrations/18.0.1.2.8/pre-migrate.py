"""18.0.1.2.8: the exchanges 1C abandoned are closed (``ecom.1c.exchange._close_abandoned``), by when its last
request of their session came (``ecom_1c_session.last_request``). The sessions of before the upgrade get their
last write (their last stored request, their last export), so that the exchanges left running for ever
before it are closed by the first run, at their last request as the log knows it."""


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_session" ADD COLUMN IF NOT EXISTS "last_request" timestamp')
    cr.execute('UPDATE "ecom_1c_session" SET "last_request" = "write_date" WHERE "last_request" IS NULL')
