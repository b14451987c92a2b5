"""Streaming readers of CommerceML 2 catalogs and offers packages (plain Python, no ORM).

Both read with ``lxml.etree.iterparse`` and free each element once handled, so memory stays
flat whatever the file size; both refuse DTDs and entities like :func:`sniff`. They yield
``(kind, dict)`` events in document order:

* :func:`read_catalog` (``import*.xml``): ``catalog``, ``group``, ``category`` (1C:УНФ's groups),
  ``property``, ``price_type``, ``warehouse`` and ``unit`` (schema 3 declares them in the
  classifier), ``product``;
* :func:`read_offers` (``offers*.xml``, ``prices*.xml``, ``rests*.xml``): ``package``,
  ``price_type``, ``warehouse``, ``property`` (3.1's characteristics'), ``offer``.

Values are cleaned the way 1C writes them: trailing spaces (``Код="796 "``), decimal commas
(``1,4``), empty dates and elements; namespaces are ignored; encodings come from the XML
declaration (UTF-8 with or without BOM, windows-1251).
"""

import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from .characteristics import split_id
from .sniff import check_encoding, check_first_element, drop_handled, local, malformed, secure_iterparse

KIND_REQUISITES = ("ВидНоменклатуры", "ТипНоменклатуры")
SERVICE_KINDS = {"услуга", "работа"}
# a day with its time (T, a space) or its zone (Z, +03:00) after it
DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T Z+-])")
# 1C's empty date, as XML writes it (0001-01-01) and as its string does (01.01.0001 0:00:00)
EMPTY_DATE = re.compile(r"0001-01-01|\d\d\.\d\d\.0001(?:$|\D)")
# the requisite 1C:УТ 11 gives a site's order status in: the site's status code (Bitrix's «N», «P», «F»)
# its rules chose, without «Статус заказа»; «Статуса» as the exchange spells it, «Статус» read as well
STATUS_CODE_REQUISITES = ("Статуса заказа ИД", "Статус заказа ИД")
# a property of the classifier: «Свойство», or «СвойствоНоменклатуры» as 1C:УТ 10.3 (for Ukraine, 2.3) writes it
PROPERTY_TAGS = ("Свойство", "СвойствоНоменклатуры")
# whether a catalog or an offers package holds changes only: an attribute of «Каталог» or «ПакетПредложений»
# from 2.04 on, an element of theirs in 2.03 (and in some exports of later versions)
ONLY_CHANGES = "СодержитТолькоИзменения"
# the roles («Роль») of a document's counterparty on the buyer's side, the customer's first; those of the
# seller's side (our own company, its agent) never make the customer
BUYER_ROLES = ("покупатель", "плательщик", "получатель", "грузополучатель", "лицензиат")
SELLER_ROLES = {"продавец", "комиссионер", "комитент", "агент", "лицензиар", "грузоотправитель"}


def text(element, name=None):
    """Stripped text of ``element`` (or of its first child named ``name``), '' when absent."""
    if element is None:
        return ""
    if name is not None:
        element = child(element, name)
        if element is None:
            return ""
    return (element.text or "").strip()


def child(element, name):
    if element is None:
        return None
    for sub in element:
        if local(sub.tag) == name:
            return sub
    return None


def children(element, name):
    return [sub for sub in element if local(sub.tag) == name] if element is not None else []


# the largest number 1C's quantities and prices may be: a float holds it to the unit and beyond
NUMBER_LIMIT = Decimal("1e15")


def number(value):
    """A Decimal from 1C's spelling («1 234,50», « 100 », «») or None: for none written, and for
    what is no number, or none a float holds (NaN, Infinity, 1e400) as for «abc»."""
    value = (value or "").replace("\xa0", "").replace(" ", "").replace(",", ".").strip()
    if not value:
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        return None
    return result if result.is_finite() and abs(result) < NUMBER_LIMIT else None


def invalid_number(value):
    """Something is written in ``value`` and it is no number :func:`number` takes."""
    return bool((value or "").strip()) and number(value) is None


def flag(value):
    return (value or "").strip().lower() in ("true", "1", "да")


def status_deleted(element):
    """Whether 1C's «Статус» of a product or an offer says it is deleted: the attribute
    (``<Товар Статус="Удален">``, 1C:УНФ, 1C:УТ) or the element (``<Статус>Удален</Статус>``, as the
    1C exchange modules of WooCommerce read it of products and offers alike), «Удалён» too."""
    value = (element.get("Статус") or "").strip() or text(element, "Статус")
    return value.lower().replace("ё", "е") == "удален"


def deletion_marked(element, requisites=None):
    """Whether 1C marks a product or an offer deleted: its «Статус» (:func:`status_deleted`), its element
    «ПометкаУдаления», or (some 1C configurations) a requisite «ПометкаУдаления» among its
    «ЗначенияРеквизитов»."""
    return status_deleted(element) or flag(text(element, "ПометкаУдаления")) \
        or flag((requisites or {}).get("ПометкаУдаления"))


def dated(value):
    """A date 1C wrote (a payment's, a shipment's): not empty, not 1C's empty date 0001-01-01 and
    not the «T» 1C writes for an empty date with its time («Дата оплаты по 1С» = «T», skipped as no
    payment by itgalaxy's WooCommerce exchange and Inji CMS's; another module compares it with a
    Cyrillic «Т»): a date has digits. 1C's empty date is read in its XML form and as its string
    writes it («01.01.0001 0:00:00»)."""
    value = (value or "").strip()
    return any(c.isdigit() for c in value) and not EMPTY_DATE.match(value)


def day_of(value):
    """The day (``YYYY-MM-DD``) of a date 1C wrote with its time or without: «Дата1С» of 3.1 is a
    day, 1C:УНФ's «Дата по 1С» a moment («2021-02-17T22:51:37»), with a zone or without; what is
    no such date stays as is; an empty one (:func:`dated`: «T», 0001-01-01) is none."""
    value = (value or "").strip()
    if not dated(value):
        return ""
    return value[:10] if DAY.match(value) else value


def _events(source, tags, free):
    """Secure iterparse yielding (event, path, element) for elements named in ``tags``.

    After the consumer handled the end of an element for which ``free(path)`` is true, the
    element and its already handled preceding siblings are dropped from the tree.
    """
    check_encoding(source)
    path = []
    first = True
    try:
        for event, element in secure_iterparse(source, ("start", "end")):
            if first:
                first = False
                check_first_element(element)
            if event == "start":
                path.append(local(element.tag))
                if path[-1] in tags.get("start", ()):
                    yield "start", path, element
                continue
            name = path[-1]
            if name in tags.get("end", ()):
                yield "end", path, element
                if free(path):
                    drop_handled(element)
            path.pop()
    except etree.XMLSyntaxError as error:
        raise malformed(error) from error


def _unit(element):
    unit = child(element, "БазоваяЕдиница")
    if unit is None:
        return {}
    return {"code": (unit.get("Код") or "").strip(), "name": (unit.get("НаименованиеПолное") or "").strip(),
            "short": (unit.get("МеждународноеСокращение") or "").strip() or (unit.text or "").strip()}


def is_service(requisites):
    """1C's kind of an item («ВидНоменклатуры» or «ТипНоменклатуры» in its requisites) is a service
    (Услуга, Работа), not goods."""
    return bool(SERVICE_KINDS & {requisites.get(name, "").strip().lower() for name in KIND_REQUISITES})


def _requisites(element):
    """{name: value} of an element's «ЗначенияРеквизитов»; also of «ЗначениеРеквизита» written without that
    wrapper, right in the product (an older shape the WooCommerce exchange module of itgalaxy reads too)."""
    items = children(child(element, "ЗначенияРеквизитов"), "ЗначениеРеквизита") + children(element, "ЗначениеРеквизита")
    return {text(item, "Наименование"): text(item, "Значение") for item in items}


def read_catalog(source):
    """Groups, properties, price types, warehouses, units and products of a catalog file, streaming; first its
    schema's version («document»: «ВерсияСхемы» of its root)."""
    group_ids = []
    tags = {"start": {"КоммерческаяИнформация", "Каталог", "Группа"},
            "end": {"Группа", "Категория", *PROPERTY_TAGS, "ТипЦены", "Склад", "ЕдиницаИзмерения", "Товар", "Ид",
                    "ИдКлассификатора", ONLY_CHANGES}}
    def free(path):
        return path[-1] in ("Группа", "Товар", "ТипЦены") or (path[-1] in PROPERTY_TAGS and "Свойства" in path[:-1]) \
            or path[-2:] in (["Категории", "Категория"], ["ЕдиницыИзмерения", "ЕдиницаИзмерения"],
                             ["Склады", "Склад"])

    for event, path, element in _events(source, tags, free):
        name = path[-1]
        if event == "start":
            if name == "КоммерческаяИнформация" and len(path) == 1:
                yield "document", {"version": (element.get("ВерсияСхемы") or "").strip()}
            elif name == "Каталог":
                yield "catalog", {"only_changes": element.get("СодержитТолькоИзменения")}
            elif name == "Группа":
                group_ids.append(None)
            continue
        parent = path[-2] if len(path) > 1 else ""
        if name == "Ид":
            if parent == "Группа" and group_ids:
                group_ids[-1] = (element.text or "").strip()
            elif parent == "Каталог":
                yield "catalog_id", {"id": (element.text or "").strip()}
            continue
        if name == "ИдКлассификатора":
            continue
        if name == ONLY_CHANGES:
            if parent == "Каталог":  # schema 2.03 writes it as an element (after the products, some exports)
                yield "catalog", {"only_changes": (element.text or "").strip()}
            continue
        if name == "Группа":
            group_id = group_ids.pop() if group_ids else ""
            parent_id = next((g for g in reversed(group_ids) if g), None)
            yield "group", {"id": group_id, "name": text(element, "Наименование"), "parent_id": parent_id}
        elif name == "Категория" and parent == "Категории":
            # 1C:УНФ groups its items in «Категории» (a product names its own by «Категория»);
            # 1C:УТ 11 writes them too, its kinds of items, beside the groups its products are in
            yield "category", {"id": text(element, "Ид"), "name": text(element, "Наименование"), "parent_id": None}
        elif name in PROPERTY_TAGS and "Свойства" in path[:-1]:
            yield "property", _property(element)
        elif name == "ТипЦены" and parent == "ТипыЦен":
            yield "price_type", _price_type(element)
        elif name == "Склад" and parent == "Склады":
            # schema 3: the warehouses its stock files («Остатки») name by their «Ид» alone
            yield "warehouse", {"id": text(element, "Ид"), "name": text(element, "Наименование")}
        elif name == "ЕдиницаИзмерения" and parent == "ЕдиницыИзмерения":
            # schema 3: the units its products name by this «Ид» alone
            yield "unit", {"id": text(element, "Ид"), "code": text(element, "Код"),
                           "short": text(element, "МеждународноеСокращение"),
                           "name": text(element, "НаименованиеПолное") or text(element, "НаименованиеКраткое")}
        elif name == "Товар" and "Товары" in path[:-1]:
            yield "product", _product(element)


def read_product_ids(source):
    """The Ид of every product of a catalog file, streaming and cheap (what a full exchange keeps)."""
    for product_id, _article, _barcode in read_product_codes(source):
        yield product_id


def read_product_codes(source):
    """``(Ид, Артикул, Штрихкод)`` of every product of a catalog file, streaming and cheap (which 1C products of
    the whole file name an article or a barcode: the store's product of one that several name is no one's)."""
    def free(path):
        return path[-1] == "Товар"

    for _event, path, element in _events(source, {"end": {"Товар"}}, free):
        if "Товары" in path[:-1]:
            product_id = text(element, "Ид")
            if product_id:
                yield product_id, text(element, "Артикул"), text(element, "Штрихкод")


def read_offer_ids(source):
    """``(Ид, marked for deletion)`` of every offer of an offers package, streaming and cheap (what a
    whole offers package keeps of the characteristics)."""
    def free(path):
        return path[-1] == "Предложение"

    for _event, path, element in _events(source, {"end": {"Предложение"}}, free):
        if "Предложения" in path[:-1]:
            offer_id = text(element, "Ид")
            if offer_id:
                yield offer_id, flag(text(element, "ПометкаУдаления"))


def read_offer_codes(source):
    """``(Ид, Артикул, Штрихкод)`` of every characteristic («product#characteristic») an offers package names, but
    those marked deleted, streaming and cheap (which characteristics of the whole file name an article or a
    barcode: the store's variant of one that several name is no one's, as a batch of them judges)."""
    def free(path):
        return path[-1] == "Предложение"

    for _event, path, element in _events(source, {"end": {"Предложение"}}, free):
        if "Предложения" in path[:-1]:
            offer_id = text(element, "Ид")
            if split_id(offer_id)[1] and not deletion_marked(element):
                yield offer_id, text(element, "Артикул"), text(element, "Штрихкод")


def read_catalog_id(source):
    """The Ид of the «Каталог» of a catalog file, or the «ИдКаталога» of an offers package (2.x offers,
    3.1's offers, prices and stock: the catalog whose products they offer); '' for none. Streaming
    no further than that."""
    def free(path):
        return path[-1] in ("Товар", "Предложение")

    packages = ("ПакетПредложений", "ИзмененияПакетаПредложений")
    for _event, path, element in _events(source, {"end": {"Ид", "ИдКаталога", "Товар", "Предложение"}}, free):
        if (path[-1] == "Ид" and path[-2:-1] == ["Каталог"]) or (path[-1] == "ИдКаталога" and path[-2] in packages):
            return (element.text or "").strip()
        if path[-1] in ("Товар", "Предложение"):
            break
    return ""


# units of weight 1C may name (OKEI code, Russian and international short names, lower case, no dots): in kg
WEIGHT_UNITS = {
    "166": Decimal(1), "кг": Decimal(1), "килограмм": Decimal(1), "килограммах": Decimal(1), "kg": Decimal(1),
    "kgm": Decimal(1),
    "163": Decimal("0.001"), "г": Decimal("0.001"), "гр": Decimal("0.001"), "грамм": Decimal("0.001"),
    "граммах": Decimal("0.001"), "g": Decimal("0.001"), "gr": Decimal("0.001"), "grm": Decimal("0.001"),
    "161": Decimal("0.000001"), "мг": Decimal("0.000001"), "mg": Decimal("0.000001"), "mgm": Decimal("0.000001"),
    "168": Decimal(1000), "т": Decimal(1000), "тонна": Decimal(1000), "t": Decimal(1000), "tne": Decimal(1000),
}
# a weight with its unit after it («500 г», «0,5кг», «1 200 гр.»), and a requisite of weight naming its unit
# («Вес», «Вес, г», «Вес (кг)», «Вес в граммах», «Вес нетто, г»)
WEIGHT_VALUE = re.compile(r"^\s*([-+]?[\d\s\xa0.,]*\d[\d\s\xa0.,]*)\s*([^\d\s.,][^\d]*?)?\.?\s*$")
WEIGHT_REQUISITE = re.compile(r"^вес(?:\s*нетто)?\s*(?:[,(]|\bв\b)?\s*([^\d(),]*?)\.?\s*\)?\s*$", re.IGNORECASE)
# a requisite naming the unit of the product's weight (1C:УТ 11's «ЕдиницаИзмеренияВеса», by its name or code)
WEIGHT_UNIT_REQUISITES = ("ЕдиницаИзмеренияВеса", "Единица измерения веса", "ЕдиницаВеса", "Единица веса")


def weight_unit(name):
    """The kilograms of the unit of weight 1C names ``name`` («г», «гр.», «Грамм», «163», «кг»), None for one
    it is not (or none)."""
    return WEIGHT_UNITS.get((name or "").strip().lower().rstrip(".").replace("ё", "е"))


def weight_kg(element, requisites):
    """A product's weight in kilograms (a Decimal), None for none or one not understood: the element «Вес»
    (1C:УНФ, 3.1: kilograms), else the requisite «Вес» (1C:УТ, modules: kilograms), else a requisite of weight
    naming its unit («Вес, г», «Вес (кг)», «Вес в граммах»). A value may say its unit («500 г», «0,5 кг»),
    else the requisite's name does, else a requisite «ЕдиницаИзмеренияВеса» of the product, else kilograms; a
    unit that is none of weight's leaves the weight out; a weight 0 (3.1 writes «<Вес>0</Вес>» of a product
    whose weight is not filled in) gives way to another one written."""
    default = next((requisites[name] for name in WEIGHT_UNIT_REQUISITES if requisites.get(name, "").strip()), "")
    default = weight_unit(default) if default else Decimal(1)
    candidates = [(element, default)] if element else []
    named = [(name, match) for name in requisites
             if (match := WEIGHT_REQUISITE.match(name.strip())) and requisites[name].strip()]
    for name, match in sorted(named, key=lambda item: item[0].strip().lower() != "вес"):
        unit = weight_unit(match.group(1)) if match.group(1) else default
        if match.group(1) and unit is None:
            continue  # «Вес упаковки», «Вес брутто»: not the product's weight in a unit we know
        candidates.append((requisites[name], unit))
    zero = None
    for value, unit in candidates:
        found = WEIGHT_VALUE.match(value or "")
        amount = number(found.group(1)) if found else None
        factor = weight_unit(found.group(2)) if found and found.group(2) else unit
        if amount is None or factor is None or amount < 0:
            return None  # what is written is no weight we read (nor is «-3»): the first one written decides
        if amount:
            return amount * factor
        zero = Decimal(0)  # 3.1's «<Вес>0</Вес>» of a weight not filled in: another may give it
    return zero


def _product(element):
    requisites = _requisites(element)
    taxes = []
    for rate in children(child(element, "СтавкиНалогов"), "СтавкаНалога"):
        taxes.append({"name": text(rate, "Наименование"), "rate": text(rate, "Ставка")})
    return {
        "id": text(element, "Ид"),
        "name": text(element, "Наименование"),
        "article": text(element, "Артикул"),
        "barcode": text(element, "Штрихкод"),
        "description": text(element, "Описание"),
        "unit": _unit(element),
        # its groups, else (1C:УНФ) its category
        "group_ids": [text(g) for g in children(child(element, "Группы"), "Ид") if text(g)]
        or [category for category in [text(element, "Категория")] if category],
        "properties": _property_values(element),
        "property_lists": _property_lists(element),
        # the «Изготовитель» 1C:УТ writes of a product whose manufacturer it knows (a counterparty)
        "manufacturer": text(child(element, "Изготовитель"), "Наименование"),
        "taxes": taxes,
        "images": [text(img) for img in children(element, "Картинка") if text(img)],
        # a product's weight in kilograms (:func:`weight_kg`); None for none
        "weight": weight_kg(text(element, "Вес"), requisites),
        "characteristics": _characteristics(element),
        "requisites": requisites,
        "service": is_service(requisites),
        "deleted": deletion_marked(element, requisites),
    }


def _property(element):
    """A «Свойство» a classifier declares (a catalog's, or 3.1's offers' for their characteristics),
    with its reference list ``values`` {ИдЗначения: Значение}."""
    values = {}
    for option in children(child(element, "ВариантыЗначений"), "Справочник"):
        values[text(option, "ИдЗначения")] = text(option, "Значение")
    for option in children(child(element, "ВариантыЗначений"), "Вариант"):  # 1C-Bitrix's exporter, extended
        values[text(option, "Ид")] = text(option, "Значение")
    return {"id": text(element, "Ид"), "name": text(element, "Наименование"),
            "type": text(element, "ТипЗначений"), "values": values}


def _property_values(element):
    """{property Ид: value} of a product's or an offer's «ЗначенияСвойств»: its «Значение» (a reference list's
    value by its id, or the value itself), else the reference list's value named by an «ИдЗначения» element."""
    return {text(p, "Ид"): text(p, "Значение") or text(p, "ИдЗначения")
            for p in children(child(element, "ЗначенияСвойств"), "ЗначенияСвойства")}


def _property_lists(element):
    """{property Ид: [values]} of the properties a product gives several values of, each its own «Значение»
    (1C-Bitrix's catalog exporter writes a multiple property so); the others are :func:`_property_values`'s."""
    lists = {}
    for p in children(child(element, "ЗначенияСвойств"), "ЗначенияСвойства"):
        values = list(dict.fromkeys(v for v in (text(value) for value in children(p, "Значение")) if v))
        if len(values) > 1:
            lists[text(p, "Ид")] = values
    return lists


def _characteristics(element):
    return {text(c, "Наименование"): text(c, "Значение")
            for c in children(child(element, "ХарактеристикиТовара"), "ХарактеристикаТовара")}


def read_offers(source):
    """Price types, warehouses, properties and offers (prices, stock) of an offers package,
    streaming, and the package's catalog («ИдКаталога», before its offers). 3.1 declares the properties
    of the characteristics in a classifier of an offers file of their own (``offers___*.xml`` without
    offers); its offers give their values in «ЗначенияСвойств», their «ХарактеристикиТовара» empty."""
    packages = ("ПакетПредложений", "ИзмененияПакетаПредложений")
    tags = {"start": set(packages), "end": {"ТипЦены", "Склад", "Свойство", "Предложение", "ИдКаталога", ONLY_CHANGES}}
    def free(path):
        return path[-1] in ("Предложение", "ТипЦены") or path[-2:] in (["Склады", "Склад"], ["Свойства", "Свойство"])

    for event, path, element in _events(source, tags, free):
        name = path[-1]
        if event == "start":
            yield "package", {"only_changes": element.get("СодержитТолькоИзменения")}
            continue
        parent = path[-2] if len(path) > 1 else ""
        if name == "ТипЦены" and parent == "ТипыЦен":
            yield "price_type", _price_type(element)
        elif name == "Склад" and parent == "Склады":
            yield "warehouse", {"id": text(element, "Ид"), "name": text(element, "Наименование")}
        elif name == "Свойство" and parent == "Свойства":
            yield "property", _property(element)
        elif name == ONLY_CHANGES and parent in packages:  # 2.03's element (:data:`ONLY_CHANGES`)
            yield "package", {"only_changes": (element.text or "").strip()}
        elif name == "ИдКаталога" and parent in packages:
            yield "catalog_id", {"id": (element.text or "").strip()}
        elif name == "Предложение":
            yield "offer", _offer(element)


def _price_type(element):
    """A «ТипЦены»: in 2.x offers packages, in schema 3's classifier (``import*.xml``)."""
    return {"id": text(element, "Ид"), "name": text(element, "Наименование"), "currency": text(element, "Валюта")}


def _offer(element):
    offer_id = text(element, "Ид")
    product_id, characteristic = split_id(offer_id)
    prices = []
    for price in children(child(element, "Цены"), "Цена"):
        prices.append({"type_id": text(price, "ИдТипаЦены"), "price": number(text(price, "ЦенаЗаЕдиницу")),
                       "currency": text(price, "Валюта"), "unit": text(price, "Единица"),
                       "ratio": number(text(price, "Коэффициент")) or Decimal(1),
                       # the quantity from which the price holds (1C's tiers of one price type), None for none
                       "min_qty": number(text(price, "МинКоличество"))})
    stock, not_numbers = {}, False  # a quantity that is no number is left out, and said so

    def count(store_id, value):
        nonlocal not_numbers
        if invalid_number(value):
            not_numbers = True
        else:
            stock[store_id] = number(value) or Decimal(0)

    for store in children(element, "Склад"):  # 2.x: attributes; some writers, elements of those names
        quantity = store.get("КоличествоНаСкладе")
        count((store.get("ИдСклада") or "").strip() or text(store, "ИдСклада"),
              text(store, "КоличествоНаСкладе") if quantity is None else quantity)
    for rest in children(child(element, "Остатки"), "Остаток"):  # 3.x: Остатки/Остаток/Склад
        for store in children(rest, "Склад"):
            count(text(store, "Ид"), text(store, "Количество"))
        if child(rest, "Склад") is None and child(rest, "Количество") is not None:
            count("", text(rest, "Количество"))
    not_numbers = not_numbers or invalid_number(text(element, "Количество"))
    quantity = number(text(element, "Количество"))
    if quantity is None and stock and not not_numbers:
        # the warehouses' sum, when each of them is known: without one that is no number it would
        # understate the stock (the offer's total is then left as it was)
        quantity = sum(stock.values(), Decimal(0))
    return {
        "id": offer_id, "product_id": product_id, "characteristic_id": characteristic or None,
        "name": text(element, "Наименование"), "article": text(element, "Артикул"),
        "barcode": text(element, "Штрихкод"), "unit": _unit(element), "prices": prices,
        "quantity": quantity, "stock": stock, "quantity_not_a_number": not_numbers,
        "characteristics": _characteristics(element),
        "properties": _property_values(element),  # 3.1: a characteristic's values, by its properties' ids
        # a characteristic's own pictures (1C:УТ 11 and the 1C-Bitrix module write them in its offer)
        "images": [text(img) for img in children(element, "Картинка") if text(img)],
        "deleted": deletion_marked(element),
    }


def read_documents(source):
    """Order documents (from 1C: numbers, posting, deletion marks, statuses), streaming; in 2.x
    they are children of the root, in 3.x inside «Контейнер». 1C's own number and date are
    requisites in 2.x («Номер по 1С», «Дата по 1С») and elements in 3.1 and 1C:УТ 11's 2.09
    («Номер1С», «Дата1С»); 1C:УТ 11 marks a deleted order by the document's element
    «ПометкаУдаления», others by a requisite of that name."""
    tags = {"end": {"Документ"}}

    def free(path):
        return path[-1] == "Документ"

    for _event, _path, element in _events(source, tags, free):
        requisites = _requisites(element)
        status_id = next((requisites[name].strip() for name in STATUS_CODE_REQUISITES if requisites.get(name)), "")
        yield "document", {
            "id": text(element, "Ид"), "number": text(element, "Номер"), "date": text(element, "Дата"),
            "operation": text(element, "ХозОперация"), "amount": number(text(element, "Сумма")),
            "requisites": requisites,
            "number_1c": text(element, "Номер1С") or requisites.get("Номер по 1С", ""),
            "date_1c": day_of(text(element, "Дата1С") or requisites.get("Дата по 1С", "")),
            "posted": flag(requisites.get("Проведен")),
            "deleted": flag(requisites.get("ПометкаУдаления")) or flag(text(element, "ПометкаУдаления")),
            # the site's own flags, or (1C:УТ) the date of 1C's payment and the number of its shipment
            "paid": flag(requisites.get("Заказ оплачен") or requisites.get("Оплачен"))
            or dated(requisites.get("Дата оплаты по 1С")),
            "shipped": flag(requisites.get("Отгружен") or requisites.get("Доставка разрешена"))
            or bool(requisites.get("Номер отгрузки по 1С", "").strip())
            or dated(requisites.get("Дата отгрузки по 1С")),
            "cancelled": flag(requisites.get("Отменен")),
            # the status's name, else its id; and its id alone (:func:`.mapper.status_key`: the id wins when mapped)
            "status": requisites.get("Статус заказа", "").strip() or status_id,
            "status_id": status_id,
            "time": text(element, "Время"), "currency": text(element, "Валюта"),
            "comment": text(element, "Комментарий"),
            "customer": _contractor(_buyer(child(element, "Контрагенты"))),
            "lines": [_document_line(item) for item in children(child(element, "Товары"), "Товар")],
        }


def _buyer(contractors):
    """The customer among a document's «Контрагенты» (the standard lets a document list its seller, payer
    or consignee beside the buyer, each with its «Роль»): the «Покупатель», else the «Плательщик», else the
    «Получатель»; else the first of no role of the seller's side; none when all are the seller's («Продавец»,
    our own company, never made a customer: the order is not created, said)."""
    listed = children(contractors, "Контрагент")
    roles = [text(c, "Роль").lower().replace("ё", "е") for c in listed]
    for wanted in BUYER_ROLES:
        if wanted in roles:
            return listed[roles.index(wanted)]
    return next((c for c, role in zip(listed, roles, strict=True) if role not in SELLER_ROLES), None)


def _contractor(element):
    if element is None:
        return {}
    address = child(element, "АдресРегистрации")
    if address is None:
        address = child(element, "ЮридическийАдрес")
    fields = {text(f, "Тип"): text(f, "Значение") for f in children(address, "АдресноеПоле")}
    contacts = [(text(c, "Тип").lower(), text(c, "Значение")) for c in children(child(element, "Контакты"), "Контакт")]
    return {
        "id": text(element, "Ид"), "name": text(element, "ПолноеНаименование") or text(element, "Наименование"),
        "lastname": text(element, "Фамилия"), "firstname": text(element, "Имя"),
        "patronymic": text(element, "Отчество"), "inn": text(element, "ИНН"),
        "phones": [v for t, v in contacts if v and ("телефон" in t or "phone" in t)],
        "emails": [v for t, v in contacts if v and ("почта" in t or "mail" in t)],
        "address": text(address, "Представление"), "zip": fields.get("Почтовый индекс", ""),
        "city": fields.get("Город", "") or fields.get("Населенный пункт", ""), "street": fields.get("Улица", ""),
    }


def _document_line(element):
    # the price of a unit: «ЦенаЗаЕдиницу» in 2.x, «Цена» in 3.1's documents
    price_tag = "ЦенаЗаЕдиницу" if child(element, "ЦенаЗаЕдиницу") is not None else "Цена"
    written = {tag: text(element, tag) for tag in (price_tag, "Количество", "Сумма")}
    return {
        "id": text(element, "Ид"), "name": text(element, "Наименование"), "article": text(element, "Артикул"),
        "price": number(written[price_tag]), "qty": number(written["Количество"]),
        "amount": number(written["Сумма"]), "service": is_service(_requisites(element)),
        "discount": number(text(child(child(element, "Скидки"), "Скидка"), "Сумма")),
        # what is written and is no number («abc», NaN, 1e400): the line cannot be taken as it is
        "not_numbers": [tag for tag, value in written.items() if invalid_number(value)],
    }
