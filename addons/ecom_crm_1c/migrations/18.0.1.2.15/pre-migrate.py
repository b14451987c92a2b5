"""18.0.1.2.15: a file of an exchange keeps the SHA-256 of the bytes its import checked and read
(``ecom_1c_exchange_file.digest``): a failed import tried again goes on from where it stopped only for the
very same bytes. It went on whenever the file was of the same kind and size: a catalog with one digit
changed, found in the upload area otherwise than by 1C sending it again (which starts a file anew), would
have had its first documents skipped, the store keeping their old values.

The column is made here, empty: the failures recorded before the upgrade know no digest, and the next
attempt at their file imports it whole, which is always safe (the import is idempotent)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_exchange_file" ADD COLUMN IF NOT EXISTS "digest" varchar')
