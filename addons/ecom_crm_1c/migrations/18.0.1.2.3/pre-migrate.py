"""18.0.1.2.3: the units schema 3's classifier declares are kept (``ecom.1c.unit``), for the goods
files naming them by their «Ид» alone. A new table, made by the ORM: nothing to convert; the units
come with the next exchange's classifier (products already imported keep their unit)."""


def migrate(cr, version):
    return
