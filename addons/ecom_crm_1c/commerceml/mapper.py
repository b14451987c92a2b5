"""What 1C's data means in Odoo, in plain functions (no ORM, no database): the importer's mapper.

The readers (:mod:`.reader`) turn CommerceML into dicts; these functions turn those dicts into the
values of Odoo records (units, VAT, products and their kind, orders and their lines,
customers); the importer (``models/ecom_1c_import_*.py``) finds the records by their 1C ids
(:mod:`..tools.binder`) and writes the values. Record ids they need (a category, a product) are
given to them, already looked up.
"""

from datetime import datetime
from decimal import Decimal

import pytz

from .characteristics import split_id
from .currencies import currency_code
from .reader import number

# what the site writes of its own orders (:mod:`.writer`) and reads back from 1C's documents
ORDER_ID_PREFIX = "odoo-order-"  # Ид of a site's order: «odoo-order-<id>»
DELIVERY_ID = "ORDER_DELIVERY"  # the delivery line of CommerceML orders
ORDER_OPERATION = "Заказ товара"
ORDER_OPERATIONS = {ORDER_OPERATION, ""}  # «ХозОперация» of the documents that are orders

# 1C's «БазоваяЕдиница»: OKEI code, international short name or Russian name → Odoo unit
UOM_BY_1C = {
    "796": "uom.product_uom_unit", "PCE": "uom.product_uom_unit", "шт": "uom.product_uom_unit",
    "штука": "uom.product_uom_unit",
    "166": "uom.product_uom_kgm", "KGM": "uom.product_uom_kgm", "кг": "uom.product_uom_kgm",
    "килограмм": "uom.product_uom_kgm",
    "163": "uom.product_uom_gram", "GRM": "uom.product_uom_gram", "г": "uom.product_uom_gram",
    "грамм": "uom.product_uom_gram",
    "168": "uom.product_uom_ton", "TNE": "uom.product_uom_ton", "т": "uom.product_uom_ton",
    "тонна": "uom.product_uom_ton",
    "112": "uom.product_uom_litre", "LTR": "uom.product_uom_litre", "л": "uom.product_uom_litre",
    "литр": "uom.product_uom_litre",
    "113": "uom.product_uom_cubic_meter", "MTQ": "uom.product_uom_cubic_meter", "м3": "uom.product_uom_cubic_meter",
    "6": "uom.product_uom_meter", "MTR": "uom.product_uom_meter", "м": "uom.product_uom_meter",
    "метр": "uom.product_uom_meter",
    "4": "uom.product_uom_cm", "CMT": "uom.product_uom_cm", "см": "uom.product_uom_cm",
    "3": "uom.product_uom_millimeter", "MMT": "uom.product_uom_millimeter", "мм": "uom.product_uom_millimeter",
    "8": "uom.product_uom_km", "KMT": "uom.product_uom_km", "км": "uom.product_uom_km",
    "55": "uom.uom_square_meter", "MTK": "uom.uom_square_meter", "м2": "uom.uom_square_meter",
    "356": "uom.product_uom_hour", "HUR": "uom.product_uom_hour", "ч": "uom.product_uom_hour",
    "359": "uom.product_uom_day", "DAY": "uom.product_uom_day", "сут": "uom.product_uom_day",
    "дн": "uom.product_uom_day",
    # a pack («Упаковка», 1C:УТ's own unit for goods sold in packs) is sold whole: one unit of its
    # product, Odoo having no unit of packs
    "778": "uom.product_uom_unit", "NMP": "uom.product_uom_unit", "упак": "uom.product_uom_unit",
    "уп": "uom.product_uom_unit", "упаковка": "uom.product_uom_unit",
}
VAT_NAMES = {"НДС", "VAT", ""}  # «СтавкаНалога» names of the VAT
WITHOUT_VAT = ("безндс", "без", "none")  # a VAT rate that is no VAT, spaces left out


# ------------------------------------------------------------------ catalog
def unit_keys(unit):
    """What names 1C's «БазоваяЕдиница» ``unit`` (a reader's ``{code, short, name}``), in the order
    it is looked up: OKEI code, international short name, Russian name."""
    return [key for key in (unit.get("code", "").lstrip("0"), unit.get("short", "").upper(),
                            unit.get("name", "").lower().rstrip(".")) if key]


def referenced_unit(unit, declared):
    """The unit a product's «БазоваяЕдиница» ``unit`` means: in schema 3 it may only name by its «Ид»
    (``<БазоваяЕдиница>2009</БазоваяЕдиница>``) a unit of ``declared`` ``{Ид: unit}``, the units
    the classifier declares («ЕдиницыИзмерения»); a unit written whole is as written."""
    if unit.get("code") or unit.get("name"):
        return unit
    return declared.get(unit.get("short", ""), unit)


def uom_xmlids(unit):
    """The XML ids of the Odoo units ``unit`` may mean, best first (empty for a unit we do not know)."""
    return [UOM_BY_1C[key] for key in unit_keys(unit) if key in UOM_BY_1C]


def vat_rate(taxes):
    """The VAT rate among a product's «СтавкиНалогов» as 1C writes it («20», «10%», «Без НДС»),
    None when 1C gives none."""
    return next((tax["rate"] for tax in taxes if tax["name"].strip().upper() in VAT_NAMES), None)


def is_without_vat(rate):
    """1C's rate «Без НДС»: the product bears no VAT."""
    return rate.strip().lower().replace(" ", "") in WITHOUT_VAT


def vat_percent(rate):
    """The percentage of 1C's VAT ``rate`` («20», «10%», «18,0»), None if it is not a number."""
    amount = number(rate.replace("%", ""))
    return None if amount is None else float(amount)


# the property a product's «Изготовитель» is kept as (:func:`add_manufacturers`): 1C's element name
MANUFACTURER_ID = "Изготовитель"


def add_manufacturers(products, properties, name):
    """The «Изготовитель» of ``products`` (1C:УТ's manufacturer of a product, a counterparty, not a
    property of the classifier) as the value of one property more, ``MANUFACTURER_ID``, declared in
    ``properties`` as ``name`` when a product names one; a value 1C gives that property itself stays."""
    for product in products:
        if product.get("manufacturer") and "#" not in product["id"]:
            product["properties"].setdefault(MANUFACTURER_ID, product["manufacturer"])
            properties.setdefault(MANUFACTURER_ID, {"id": MANUFACTURER_ID, "name": name, "type": "", "values": {}})


def template_values(product, catalog_id, categories, default_category_id):
    """The values of the product template of the catalog's ``product`` (a reader's dict), whether it
    is new or not: a service when 1C's kind says so; its category is that of its first group found
    in ``categories`` ``{1C group id: category id}``. A characteristic's product stays active when
    the characteristic is deleted (the variant is archived, not the product)."""
    key, characteristic = split_id(product["id"])
    values = {
        "name": product["name"] or product["article"] or key,
        "default_code": product["article"] or False,
        "categ_id": next((categories[g] for g in product["group_ids"] if g in categories), default_category_id),
        "description_sale": product["description"] or False,
        "active": not product["deleted"] or bool(characteristic),
        "ecom_1c_catalog_id": catalog_id,
    }
    if product.get("weight") and product["weight"] > 0:
        # «Вес», in kilograms; none written, or 0 (1C's weight not filled in: 3.1 writes «<Вес>0</Вес>» of every
        # product, tests/data/bitrix6-3.1) leaves Odoo's, which an administrator may have entered
        values["weight"] = float(product["weight"])
    if product["service"]:  # 1C's kind of the product (:func:`.reader.is_service`)
        values["type"] = "service"
    return values


# ------------------------------------------------------------------- offers
# what names a retail price type, and a price type of costs or purchases, lower case
RETAIL_PRICE_WORDS = ("розн", "retail")
# 1C:УТ's «Отпускная цена»: the price it sells at, when no price type is a retail one
SELLING_PRICE_WORDS = ("отпускн", "selling")
COST_PRICE_WORDS = ("себестоим", "закуп", "приобрет", "поставщ", "входящ", "учетн", "cost", "purchase")


def sales_price_type(price_types, code, numbers=None):
    """The index in ``price_types`` (1C's declarations ``{name, currency}``, in its order) of the one
    that is the shop's sales price: among those in the store's currency (ISO letter ``code``; 1C names
    it by its code, its number or «руб», :func:`.currencies.currency_code`, ``numbers`` its numbers
    of Odoo's currencies), else among all, a retail one, else a selling one
    («Отпускная цена»), else the first that is no cost or purchase price, else the first. 1C lists its
    price types as they were made: a classifier of 3.x declares them all, the cost of sales and
    purchase prices often first, 1C:УТ's «Основная цена» before the «Отпускная цена» it sells at."""
    def named(index, words):
        return any(word in (price_types[index].get("name") or "").lower() for word in words)

    indexes = [i for i, price_type in enumerate(price_types)
               if currency_code(price_type.get("currency"), numbers) == code]
    indexes = indexes or list(range(len(price_types)))
    for words in (RETAIL_PRICE_WORDS, SELLING_PRICE_WORDS):
        found = next((i for i in indexes if named(i, words) and not named(i, COST_PRICE_WORDS)), None)
        if found is not None:
            return found
    return next((i for i in indexes if not named(i, COST_PRICE_WORDS)), indexes[0] if indexes else 0)


def unit_price(price):
    """The price of one Odoo unit from an offer's «Цена» (its price is per «Коэффициент» units)."""
    return float(price["price"] / (price["ratio"] or 1))


def price_tiers(prices):
    """An offer's «Цены» ``prices`` (a reader's dicts) by price type, in 1C's order: ``{type id: (base, tiers,
    packages)}``. 1C may write several «Цена» of one price type: a price per package besides the unit's
    («Единица» упак, «Коэффициент» 10) and prices from a quantity on («МинКоличество»). ``base`` is the
    product's price: of its own unit («Коэффициент» 1), else of the unit 1C gives (a laminate priced per
    plank only: divided by its «Коэффициент», :func:`unit_price`), from the lowest quantity; ``tiers``
    ``[(quantity in the product's units, price of a unit)]`` the prices of that unit from a higher quantity,
    lowest first (the last 1C writes of one quantity); ``packages`` how many prices of other units are left out
    (a package's price never overwrites the unit's). A price that is no number (None) is the base's only
    when no price of the type is a number: the importer says so."""
    grouped = {}
    for price in prices:
        grouped.setdefault(price["type_id"], []).append(price)
    result = {}
    for type_id, listed in grouped.items():
        numbers = [p for p in listed if p["price"] is not None] or listed

        def key(price):
            return (price["ratio"] != 1, price["min_qty"] or 0)

        base = min(numbers, key=key)  # the first of equals: min keeps 1C's order
        same_unit = [p for p in numbers if p["ratio"] == base["ratio"]]
        tiers = {}
        for price in same_unit:
            if (price["min_qty"] or 0) > (base["min_qty"] or 0):
                tiers[float(price["min_qty"] * (price["ratio"] or 1))] = unit_price(price)
        result[type_id] = (base, sorted(tiers.items()), len(numbers) - len(same_unit))
    return result


# ---------------------------------------------------------------- documents
def order_document_id(order_id):
    """The Ид the site gives its order ``order_id`` in the documents it writes."""
    return f"{ORDER_ID_PREFIX}{order_id}"


def order_id_of(document_id):
    """The id of the site's order a 1C document names by the Ид the site gave it, else None."""
    tail = document_id.rsplit("-", 1)[-1]
    return int(tail) if document_id.startswith(ORDER_ID_PREFIX) and tail.isdigit() else None


def is_order(document):
    """A 1C document that is an order with goods (1C may create it: a phone order)."""
    return document["operation"] in ORDER_OPERATIONS and bool(document["lines"])


def order_values(document, numbered_by_1c):
    """What 1C says of an order: its number and date, posting, deletion mark, payment, shipping and
    status. An order made in 1C (``numbered_by_1c``) is numbered by 1C; a site's order gets its 1C
    number as a requisite."""
    number_1c = document["number_1c"] or (numbered_by_1c and document["number"])
    return {"ecom_1c_number": number_1c or False, "ecom_1c_date": document["date_1c"] or False,
            "ecom_1c_posted": document["posted"], "ecom_1c_deleted": document["deleted"],
            "ecom_1c_paid": document["paid"], "ecom_1c_shipped": document["shipped"],
            "ecom_1c_status": document["status"] or False}


def status_key(document, table):
    """The status of 1C's document as the status table ``table`` (``{status, lower case: …}``, all its
    rows) knows it, lower case: its id («Статуса заказа ИД», the site's status code 1C's rules chose)
    when the table maps it, else its name («Статус заказа»), else its id, else ''. Both sent, the id
    is the precise one: a name is the configuration's own, and may be written in another language."""
    status_id = (document.get("status_id") or "").strip().lower()
    if status_id and status_id in table:
        return status_id
    return (document["status"] or "").strip().lower()


def order_action(document, actions):
    """What becomes of the order: ``cancel`` (cancelled, deleted, or a status mapped so), ``lock`` or
    ``none``, ``actions`` being the status table ``{status, lower case: action}``."""
    action = actions.get(status_key(document, actions), "none")
    return "cancel" if document["cancelled"] or document["deleted"] else action


# the store statuses 1C's payment and shipping marks may move an order to, from the statuses before them
FLAG_STATUSES = (("shipped", ("confirmed", "paid")), ("paid", ("confirmed",)))


def order_store_status(document, statuses, current, known=None):
    """The store status 1C's document moves the order to, or None: the status table's
    (``{status, lower case: store status}``) first, else its «shipped»/«paid» marks, which only
    move an order forward (a delivered or refused order stays so). ``known``: all the statuses of
    the table (those mapped to no store status too), which tell whether its id is mapped
    (:func:`status_key`); ``statuses`` by default."""
    mapped = statuses.get(status_key(document, statuses if known is None else known))
    if mapped:
        return mapped if mapped != current else None
    if document["cancelled"] or document["deleted"]:
        return None
    for status, before in FLAG_STATUSES:
        if document[status] and current in before:
            return status
    return None


def order_line_values(item, product_id):
    """The sale order line of a document's «Товар» ``item`` for the product ``product_id``; its
    ``name`` is 1C's, False when 1C names none. A price 1C leaves out is its amount per unit."""
    qty = float(item["qty"] or 0)
    price = item["price"] if item["price"] is not None else (item["amount"] or 0) / Decimal(qty or 1)
    return {"product_id": product_id, "product_uom_qty": qty, "price_unit": float(price),
            "name": item["name"] or False}


def line_product_ids(item):
    """The 1C ids a document's line may name its product by: the offer's, then its product's."""
    return item["id"], split_id(item["id"])[0]


def customer_contacts(customer):
    """``(phone, email)`` the customer of a document is found by, None for what 1C does not give."""
    return next(iter(customer["phones"]), None), next(iter(customer["emails"]), None)


def customer_values(customer):
    """A new customer from the «Контрагент» of a document: the name parts 1C sent, else its name."""
    phone, email = customer_contacts(customer)
    values = {"ecom_1c_id": customer["id"] or False, "phone": phone or False, "email": email or False,
              "zip": customer["zip"] or False, "city": customer["city"] or False,
              "street": customer["street"] or customer["address"] or False}
    if customer["lastname"] or customer["firstname"]:
        values.update(lastname=customer["lastname"] or False, firstname=customer["firstname"] or False,
                      patronymic=customer["patronymic"] or False)
    else:
        values["name"] = customer["name"]
    return values


def datetime_from_1c(date, time_of_day, timezone):
    """1C's local «Дата» and «Время» in ``timezone`` as a naive UTC datetime; None without a date."""
    if not date:
        return None
    try:
        local = datetime.strptime(f"{date[:10]} {(time_of_day or '00:00:00')[:8]}", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return pytz.timezone(timezone).localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def datetime_to_1c(value, timezone):
    """A naive UTC datetime as 1C's local time in ``timezone`` (naive): what the site writes in its
    documents' «Дата» and «Время», the converse of :func:`datetime_from_1c`."""
    return pytz.utc.localize(value).astimezone(pytz.timezone(timezone)).replace(tzinfo=None)
