"""Odoo records by their 1C ids: the binder of the 1C exchange (the role OCA/connector's
``Binder`` plays, as a plain helper without its component framework).

Every record 1C knows keeps its 1C id in ``ecom_1c_id`` (categories, products and variants,
attributes and their values, price types, customers, orders made in 1C). The importer looks up
the records of a whole batch at once, never one by one: :func:`bound` is one search whatever
the number of ids.
"""


def bound(model, ids, field="ecom_1c_id"):
    """``{1C id: record}`` of the records of ``model`` whose ``field`` is one of ``ids``, in one
    search. ``model`` is searched as given: with ``active_test=False`` in its context, archived
    records are found too (what an exchange finds to bring back or to leave archived)."""
    return {record[field]: record for record in model.search([(field, "in", list(ids))])}
