"""18.0.1.2.2: an exchange knows the 1C session (checkauth) it came in (``session_id``), so that 1C's
deactivate archives in the catalogs its own unload held whole, not in another 1C's unloading
meanwhile. The column is made here, empty and without a default (instant on any exchange log); the
ORM adds its foreign key and index."""


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_exchange" ADD COLUMN IF NOT EXISTS "session_id" int4')
