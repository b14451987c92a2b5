"""18.0.1.6.1: a call from a hidden number is logged (before, it was refused): ``ecom_call.caller`` may be
empty, and ``ecom_call.hidden_caller`` says the caller withheld their number. A nullable column without a
default, added at once whatever the table's size (every call before had a number: none is hidden). The
calls from hidden numbers refused before stay in the journal as failed: their events are not replayed
(a missed call of days ago from nobody is nothing to act on)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE ecom_call ADD COLUMN IF NOT EXISTS hidden_caller boolean")
    cr.execute("ALTER TABLE ecom_call ALTER COLUMN caller DROP NOT NULL")
