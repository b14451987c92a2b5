"""Helpers of ecom_crm: plain Python (no ORM), tested without a database, but for ``i18n`` (the
translations a migration loads)."""
