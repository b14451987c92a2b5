"""18.0.1.2.11: 1C's characteristics are compared by name whatever the case, spaces and «ё»/«е»
(:func:`..commerceml.characteristics.name_key`). Before, each spelling («Цвет», «цвет ») made an
attribute of its own: those doubles are merged into the first made where that is safe, that is when
no product has lines of both (its variants would have to be recombined: such doubles are left as they
are, and the exchange goes on with the first; so is one that has two values of one name on a product's
line, which would be one there). The double's values go to the first attribute (one of the same name
there takes its place, active if the double's was), its products' lines and their values with them;
no variant, order line, exclusion or price changes, as the products' values (their records) stay.
Attributes of one name that make variants differently are not merged. Plain SQL in the upgrade's
transaction; run again, it finds nothing more to merge."""

import logging

from odoo.addons.ecom_crm_1c.commerceml.characteristics import name_key
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PREFIX = "characteristic:"  # the 1C id of a characteristic's attribute (commerceml.characteristics)


def _references(cr, table):
    """(table, column, other) of the single-column foreign keys to ``table``'s id; ``other``: the other column
    of a many2many table (its primary key those two columns), else None."""
    cr.execute("""
        SELECT c.conrelid::regclass::text, a.attname, (
               SELECT o.attname FROM pg_constraint p JOIN pg_attribute o ON o.attrelid = p.conrelid
                   AND o.attnum = ANY(p.conkey) AND o.attnum != c.conkey[1]
                WHERE p.conrelid = c.conrelid AND p.contype = 'p' AND array_length(p.conkey, 1) = 2
                  AND c.conkey[1] = ANY(p.conkey))
          FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND array_length(c.conkey, 1) = 1
    """, [table])
    return cr.fetchall()


def _repoint(cr, references, old, new):
    for table, column, other in references:
        if other is None:
            cr.execute(SQL("UPDATE %s SET %s = %s WHERE %s = %s", SQL.identifier(table), SQL.identifier(column), new,
                           SQL.identifier(column), old))
            continue
        # a many2many row the new one has already (a stored computed relation left stale): the old one goes
        cr.execute(SQL("""
            UPDATE %(table)s t SET %(column)s = %(new)s WHERE %(column)s = %(old)s AND NOT EXISTS (
                   SELECT 1 FROM %(table)s n WHERE n.%(column)s = %(new)s AND n.%(other)s = t.%(other)s)
        """, table=SQL.identifier(table), column=SQL.identifier(column), other=SQL.identifier(other), new=new,
                       old=old))
        cr.execute(SQL("DELETE FROM %s WHERE %s = %s", SQL.identifier(table), SQL.identifier(column), old))


def merge_spelled_twice(cr):
    """Merge the attributes of one characteristic spelled differently into the first made; return
    ``(merged, left)``: how many were merged, how many were left as they are (a product has both)."""
    cr.execute("SELECT id, ecom_1c_id, create_variant FROM product_attribute WHERE ecom_1c_id LIKE %s ORDER BY id",
               [PREFIX + "%"])
    groups = {}
    for attribute_id, key, create_variant in cr.fetchall():
        groups.setdefault((name_key(key.removeprefix(PREFIX)), create_variant), []).append(attribute_id)
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
            # two values of the double of one name on one product's line would be one value there: left too
            cr.execute("""
                SELECT 1 FROM (SELECT attribute_line_id AS line_id, product_attribute_value_id AS value_id
                                 FROM product_template_attribute_value
                                UNION
                               SELECT product_template_attribute_line_id, product_attribute_value_id
                                 FROM product_attribute_value_product_template_attribute_line_rel) used
                  JOIN product_attribute_value v ON v.id = used.value_id
                 WHERE v.attribute_id = %s
              GROUP BY used.line_id, v.name->>'en_US' HAVING count(DISTINCT v.id) > 1 LIMIT 1""", [double])
            if cr.fetchone():
                left += 1
                continue
            if value_refs is None:
                value_refs = _references(cr, "product_attribute_value")
                attribute_refs = _references(cr, "product_attribute")
            # the twin of a value: the first of its name, an active one first (Odoo 18 lets an attribute have two)
            cr.execute("""
                SELECT DISTINCT ON (d.id) d.id, k.id FROM product_attribute_value d
                  LEFT JOIN product_attribute_value k ON k.attribute_id = %s AND k.name->>'en_US' = d.name->>'en_US'
                 WHERE d.attribute_id = %s ORDER BY d.id, k.active DESC, k.id""", [kept, double])
            for value_id, twin_id in cr.fetchall():
                if twin_id:
                    # the twin active if the double was (its products' lines show it), and its 1C id kept
                    cr.execute("""
                        UPDATE product_attribute_value k SET active = k.active OR d.active,
                               ecom_1c_id = coalesce(k.ecom_1c_id, d.ecom_1c_id)
                          FROM product_attribute_value d WHERE k.id = %s AND d.id = %s""", [twin_id, value_id])
                    _repoint(cr, value_refs, value_id, twin_id)
                    cr.execute("DELETE FROM product_attribute_value WHERE id = %s", [value_id])
                else:
                    cr.execute("UPDATE product_attribute_value SET attribute_id = %s WHERE id = %s", [kept, value_id])
            _repoint(cr, attribute_refs, double, kept)
            # the first one archived, its double's products now its own: active again
            cr.execute("""
                UPDATE product_attribute k SET active = true FROM product_attribute d
                 WHERE k.id = %s AND d.id = %s AND d.active AND NOT k.active""", [kept, double])
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
