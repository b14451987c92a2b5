"""Which variant each 1C characteristic makes (plain Python, no ORM).

A product's characteristics («guid#characteristic») become its variants. 1C describes a
characteristic by values («ХарактеристикиТовара»: Размер = 40, Цвет = Белый), and the offers of
one product may name different sets of them (``#40`` names Размер, ``#41`` Размер and Цвет); a
characteristic may also name none (1C:УТ sends such offers when characteristics have no
properties), and only its offer's name tells it apart. Odoo needs every variant of a product to
have a value for each of its variant attributes, so:

* a characteristic an offer does not name has the value :data:`MISSING` («—»);
* a characteristic without values is told apart by its offer's name, under the attribute
  :data:`BY_NAME`;
* two characteristics of one product with the same values cannot both be variants: the second
  one is reported, not made.
"""

import unicodedata

MISSING = "—"  # the value of a characteristic an offer does not name
BY_NAME = ""  # the characteristic of offers that name no value (no 1C characteristic is named so)
# 1C id of a characteristic's attribute: «characteristic:<name>», or «characteristic» alone for the one
# of characteristics without values, told apart by their offer's name
CHARACTERISTIC = "characteristic"


def name_key(name):
    """A characteristic's or property's name as two of 1C's spellings of it are compared: spaces around
    and doubled gone, any case, «ё» as «е» («Объём », «объем»: «объем»), «ё» or «й» written as a letter
    and its combining mark (NFD, as some exports write them) as the one letter."""
    return " ".join(unicodedata.normalize("NFC", name or "").split()).casefold().replace("ё", "е")


def display_names(known, names):
    """{name: the name it is shown by} for the characteristics ``names``, one per :func:`name_key`:
    ``known`` (the names Odoo already has, in the order made) first, else the first of ``names``
    spelling it, its spaces tidied («Цвет», «цвет », «ЦВЕТ»: «Цвет» when that came first)."""
    shown = {}
    for name in known:
        shown.setdefault(name_key(name), name)
    for name in names:
        shown.setdefault(name_key(name), " ".join(name.split()))
    return {name: shown[name_key(name)] for name in [*known, *names]}


def split_id(full_id):
    """``(product id, characteristic id)`` of a 1C id «guid#characteristic» (``""`` for no characteristic)."""
    key, _sep, characteristic = full_id.partition("#")
    return key, characteristic


def attribute_key(name):
    """The 1C id of the attribute of the characteristic ``name`` (:data:`BY_NAME` included)."""
    return CHARACTERISTIC if name == BY_NAME else f"{CHARACTERISTIC}:{name}"


def characteristic_name(key):
    """The characteristic whose attribute has the 1C id ``key`` (:data:`BY_NAME` included); None
    for an attribute that is no 1C characteristic (a property, an attribute made in Odoo)."""
    key = key or ""
    if key == CHARACTERISTIC:
        return BY_NAME
    return key.removeprefix(f"{CHARACTERISTIC}:") if key.startswith(f"{CHARACTERISTIC}:") else None


def characteristic_label(offer_name, product_name, characteristic_id):
    """What tells a characteristic without values apart: its offer's name less the product's
    («Футболка (красная)» of «Футболка»: «красная»), else the offer's name, else its 1C id."""
    name = " ".join((offer_name or "").split())
    product = " ".join((product_name or "").split())
    if product and name.startswith(product):
        rest = name[len(product):].strip(" ,.-")
        if rest.startswith("(") and rest.endswith(")"):
            rest = rest[1:-1].strip()
        if rest:
            return rest
    if name and name != product:
        return name
    return characteristic_id or name


def plan_combinations(known_names, wanted):
    """``(names, combinations, duplicates)`` for the new characteristics of one product.

    ``wanted`` is ``{full id: {characteristic: value}}`` in the order 1C sent them, ``known_names``
    the characteristics the product's variants already have. ``names`` lists every characteristic
    the product then has (the known ones first), ``combinations`` gives each new characteristic a
    value for every one of them (:data:`MISSING` where its offer names none), and ``duplicates``
    ``{full id: earlier full id}`` the characteristics whose combination an earlier one of
    ``wanted`` already has: they cannot be told apart and make no variant.
    """
    names = list(dict.fromkeys([*sorted(known_names), *(name for values in wanted.values() for name in values)]))
    combinations, seen, duplicates = {}, {}, {}
    for full_id, values in wanted.items():
        combination = {name: values.get(name) or MISSING for name in names}
        key = tuple(combination.items())
        if key in seen:
            duplicates[full_id] = seen[key]
            continue
        seen[key] = full_id
        combinations[full_id] = combination
    return names, combinations, duplicates
