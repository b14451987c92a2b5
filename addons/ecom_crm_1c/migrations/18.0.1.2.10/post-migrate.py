"""18.0.1.2.10: 1C's characteristics are compared by name whatever the case, spaces and «ё»/«е»
(:func:`..commerceml.characteristics.name_key`). Before, each spelling («Цвет», «цвет ») made an
attribute of its own: those doubles are merged into the first made where that is safe, that is when
no product has lines of both (its variants would have to be recombined: such doubles are left as they
are, and the exchange goes on with the first). The double's values go to the first attribute (one of
the same name there takes its place), its products' lines and their values with them; no variant,
order line or price changes, as the products' values (their records) stay."""

import logging

from odoo.addons.ecom_crm_1c.commerceml.characteristics import name_key
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PREFIX = "characteristic:"  # the 1C id of a characteristic's attribute (commerceml.characteristics)


def _references(cr, table):
    """(table, column) of the single-column foreign keys to ``table``'s id."""
    cr.execute("""
        SELECT c.conrelid::regclass::text, a.attname
          FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND array_length(c.conkey, 1) = 1
    """, [table])
    return cr.fetchall()


def _repoint(cr, references, old, new):
    for table, column in references:
        cr.execute(SQL("UPDATE %s SET %s = %s WHERE %s = %s", SQL.identifier(table), SQL.identifier(column), new,
                       SQL.identifier(column), old))


def merge_spelled_twice(cr):
    """Merge the attributes of one characteristic spelled differently into the first made; return
    ``(merged, left)``: how many were merged, how many were left as they are (a product has both)."""
    cr.execute("SELECT id, ecom_1c_id FROM product_attribute WHERE ecom_1c_id LIKE %s ORDER BY id", [PREFIX + "%"])
    groups = {}
    for attribute_id, key in cr.fetchall():
        groups.setdefault(name_key(key.removeprefix(PREFIX)), []).append(attribute_id)
    merged = left = 0
    value_refs = attribute_refs = None
    for kept, *doubles in (ids for ids in groups.values() if len(ids) > 1):
        for double in doubles:
            cr.execute("""
                SELECT 1 FROM product_template_attribute_line a JOIN product_template_attribute_line b
                    ON b.product_tmpl_id = a.product_tmpl_id
                 WHERE a.attribute_id = %s AND b.attribute_id = %s LIMIT 1""", [kept, double])
            if cr.fetchone():
                left += 1
                continue
            if value_refs is None:
                value_refs = _references(cr, "product_attribute_value")
                attribute_refs = _references(cr, "product_attribute")
            cr.execute("""
                SELECT d.id, k.id FROM product_attribute_value d
                  LEFT JOIN product_attribute_value k ON k.attribute_id = %s AND k.name->>'en_US' = d.name->>'en_US'
                 WHERE d.attribute_id = %s ORDER BY d.id""", [kept, double])
            for value_id, twin_id in cr.fetchall():
                if twin_id:
                    _repoint(cr, value_refs, value_id, twin_id)
                    cr.execute("DELETE FROM product_attribute_value WHERE id = %s", [value_id])
                else:
                    cr.execute("UPDATE product_attribute_value SET attribute_id = %s WHERE id = %s", [kept, value_id])
            _repoint(cr, attribute_refs, double, kept)
            cr.execute("DELETE FROM product_attribute WHERE id = %s", [double])
            merged += 1
    if merged or left:
        _logger.info("1C characteristics spelled differently: %s attributes merged into the first, %s left (a "
                     "product has both)", merged, left)
    return merged, left


def migrate(cr, version):
    if not version:
        return
    merge_spelled_twice(cr)
