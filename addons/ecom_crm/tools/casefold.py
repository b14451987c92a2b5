"""Case-insensitive matching of names that does not depend on the database's LC_CTYPE.

PostgreSQL's ``lower()`` and ``ILIKE`` fold letters as the database's character type (LC_CTYPE) says:
a database created with LC_CTYPE C (a common default of hosted and Docker PostgreSQL) folds A–Z only,
and «СКИДКА» is no «Скидка» there. The store's names are Russian: what matches them folds the Cyrillic
letters itself (``translate()``, the same in every database), then lets ``lower()`` fold the rest.
"""

from odoo.tools import SQL

# the Cyrillic capitals (Russian, Ukrainian, Belarusian, Kazakh, Tatar… letters) and their small letters
CYRILLIC_CAPITALS = "".join(char for char in map(chr, range(0x0400, 0x0530))
                            if char.lower() != char and len(char.lower()) == 1)
CYRILLIC_SMALL = CYRILLIC_CAPITALS.lower()


def folded_sql(expression):
    """The SQL of ``expression`` (an SQL text value) in small letters, Cyrillic ones whatever the
    database's LC_CTYPE: compare it with :func:`folded_sql` of the other side."""
    return SQL("lower(translate(%s, %s, %s))", expression, CYRILLIC_CAPITALS, CYRILLIC_SMALL)


def case_variants(name):
    """The spellings of ``name`` in another case that people type («скидка», «СКИДКА», «Скидка», «Скидка
    Весна»), ``name`` first: what a case-insensitive search looks for besides ``name`` itself where the
    database may not fold its letters (:data:`__doc__`) and no other query can use the index."""
    variants = [name, name.lower(), name.upper(), name.capitalize(), name.title(), name[:1].upper() + name[1:]]
    return list(dict.fromkeys(variants))


def create_folded_index(cr, table, column="name"):
    """An index of ``table`` on :func:`folded_sql` of ``column``, unless there is one: what finds a name
    whatever its case without reading the whole table. ``translate()`` of every row is slow (its mapping
    is some 300 letters): a store of 50,000 auto campaigns read half a second for each request naming
    a campaign, a few hundredths of a millisecond with the index. The query's expression must be this
    very one (the same letters, in the same order) for PostgreSQL to use it."""
    cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s)", SQL.identifier(f"{table}_{column}_folded_index"),
                   SQL.identifier(table), folded_sql(SQL.identifier(column))))
