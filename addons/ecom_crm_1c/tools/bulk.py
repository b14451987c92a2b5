"""Set-based creation of many records: one INSERT per batch instead of ``create()`` per record.

A 1C catalog brings tens of thousands of products at once. ``product.template.create`` costs several
milliseconds a product (a chatter message, a variant created through a second ``create``, the
barcode written back through an inverse and checked with a query per variant); at 100,000 products
that is many minutes. :func:`bulk_create` keeps what makes the records correct and drops the rest:

* the model's defaults (``default_get``, once per batch), the log-access columns, translated and
  company-dependent columns converted the way the ORM converts them;
* many2many values (given or default) written into their relation tables;
* stored computed fields the caller did not give, and fields of other records that depend on the
  new ones, marked for recomputation exactly as ``create`` marks them (``modified(create=True)``);
* parent paths for hierarchical models.

It does not run ``create()`` overrides nor Python constraints: callers must give consistent values
(SQL constraints still hold). Every dict of ``vals_list`` must have the same keys.
"""

from odoo.fields import Command
from odoo.tools import SQL, float_repr, float_round

LOG_ACCESS = ("create_uid", "create_date", "write_uid", "write_date")


def m2m_ids(value):
    """Ids from a many2many value in the ``write`` format (ids, records, or commands 6/4)."""
    if not value:
        return []
    if hasattr(value, "ids"):
        return list(value.ids)
    ids = []
    for item in value:
        if isinstance(item, int):
            ids.append(item)
        elif item[0] == Command.SET:
            ids = list(item[2])
        elif item[0] == Command.LINK:
            ids.append(item[1])
        else:
            raise ValueError(f"bulk_create cannot apply the many2many command {item!r}")
    return ids


def _converter(field, model):
    """``convert(value, values)`` to the INSERT parameter of ``field``: the ORM's conversion, except
    that a plain float column reads its decimal precision once instead of once per value."""
    if field.type == "float" and not field.company_dependent:
        digits = field.get_digits(model.env)
        if not digits:
            return lambda value, _values: float(value or 0.0)
        scale = digits[1]
        return lambda value, _values: float_repr(float_round(float(value or 0.0), precision_digits=scale), scale)
    return lambda value, values: field.convert_to_column_insert(value, model, values)


def bulk_create(model, vals_list):
    """Create one record of ``model`` per dict of ``vals_list`` and return them (see the module)."""
    if not vals_list:
        return model.browse()
    env = model.env
    model.check_access("create")
    fields_ = model._fields
    stored = {name: field for name, field in fields_.items()
              if field.store and name != "id" and name not in LOG_ACCESS and not field.inherited}
    keys = set(vals_list[0])
    unknown = keys - set(stored)
    if unknown:
        raise ValueError(f"bulk_create: {model._name} has no stored field {sorted(unknown)}")
    defaults = model.default_get([name for name in stored if name not in keys])
    given = sorted(keys | (set(defaults) & set(stored)))
    columns = [name for name in given if stored[name].column_type]
    relations = [name for name in given if stored[name].type == "many2many"]

    now, uid = env.cr.now(), env.uid
    converters = [_converter(stored[name], model) for name in columns]
    rows = []
    for vals in vals_list:
        values = {**defaults, **vals}
        row = [convert(values.get(name), values) for name, convert in zip(columns, converters, strict=True)]
        rows.append((*row, uid, now, uid, now))
    env.cr.execute(SQL(
        "INSERT INTO %s (%s) VALUES %s RETURNING id",
        SQL.identifier(model._table),
        SQL(", ").join(SQL.identifier(name) for name in (*columns, *LOG_ACCESS)),
        SQL(", ").join(rows),
    ))
    ids = [row[0] for row in env.cr.fetchall()]
    records = model.browse(ids)

    for name in relations:
        field = stored[name]
        pairs = [(record_id, target) for record_id, vals in zip(ids, vals_list, strict=True)
                 for target in m2m_ids(vals[name] if name in vals else defaults.get(name))]
        if pairs:
            env.cr.execute(SQL(
                "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[]) ON CONFLICT DO NOTHING",
                SQL.identifier(field.relation), SQL.identifier(field.column1), SQL.identifier(field.column2),
                [p[0] for p in pairs], [p[1] for p in pairs]))

    if model._parent_store:
        records._parent_store_create()
    # what the caller or the defaults gave is kept; every other computed field is computed, and
    # fields elsewhere that depend on these records learn about them, as after create()
    protected = [stored[name] for name in given if stored[name].compute]
    # images and files live in attachments: none was given, so every resized copy of them is empty
    # too (computing that costs an attachment search per record and size)
    empty_files = [field for name, field in stored.items()
                   if field.type in ("binary", "image") and not field.column_type and name not in given]
    for field in empty_files:
        env.cache.update(records, field, [None] * len(records))
    with env.protecting(protected + empty_files, records):
        records.modified(list(fields_), create=True)
    return records
