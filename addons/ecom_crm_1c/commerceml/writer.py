"""Orders as CommerceML 2 documents, the way 1C reads a site's orders (plain Python, no ORM).

``write_orders(orders)`` takes plain dicts (see :func:`_document`) and returns UTF-8 bytes of a
«КоммерческаяИнформация» holding one «Документ» per order: customer with name parts, phones,
email and address; lines with their 1C ids; delivery as a service line; payment, delivery and
status details as «ЗначенияРеквизитов». lxml does the escaping.
"""

from datetime import datetime
from decimal import Decimal

from lxml import etree

from .mapper import DELIVERY_ID, ORDER_OPERATION

SCHEMA_VERSION = "2.05"
VAT = "НДС"  # the name 1C knows its VAT by


def _money(value):
    return f"{Decimal(str(value or 0)).quantize(Decimal('0.01'))}"


def _qty(value):
    return f"{Decimal(str(value or 0)).normalize():f}"


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items() if v not in (None, "")})
    if text not in (None, ""):
        element.text = str(text)
    return element


def _requisites(parent, values):
    container = _sub(parent, "ЗначенияРеквизитов")
    for name, value in values:
        if value in (None, ""):
            continue
        item = _sub(container, "ЗначениеРеквизита")
        _sub(item, "Наименование", name)
        _sub(item, "Значение", value)
    return container


def _customer(parent, customer):
    """A person (``company`` false) with its full name and name parts, or a legal entity with its
    official name, ИНН and КПП (1C tells them apart by «ОфициальноеНаименование» and finds the
    entity by ИНН and КПП)."""
    counterparts = _sub(parent, "Контрагенты")
    node = _sub(counterparts, "Контрагент")
    _sub(node, "Ид", customer["id"])
    _sub(node, "Наименование", customer["name"])
    _sub(node, "Роль", "Покупатель")
    if customer.get("company"):
        _sub(node, "ОфициальноеНаименование", customer["name"])
    else:
        _sub(node, "ПолноеНаименование", customer["name"])
        for tag, key in (("Фамилия", "lastname"), ("Имя", "firstname"), ("Отчество", "patronymic")):
            _sub(node, tag, customer.get(key))
    _sub(node, "ИНН", customer.get("inn"))
    if customer.get("company"):
        _sub(node, "КПП", customer.get("kpp"))
    if customer.get("address") or customer.get("zip") or customer.get("city"):
        address = _sub(node, "ЮридическийАдрес" if customer.get("company") else "АдресРегистрации")
        _sub(address, "Представление", ", ".join(filter(None, (customer.get("zip"), customer.get("city"),
                                                                customer.get("address")))))
        for kind, key in (("Почтовый индекс", "zip"), ("Город", "city"), ("Улица", "address")):
            if customer.get(key):
                field = _sub(address, "АдресноеПоле")
                _sub(field, "Тип", kind)
                _sub(field, "Значение", customer[key])
    contacts = [("Телефон рабочий", p) for p in customer.get("phones", ()) if p]
    if customer.get("email"):
        contacts.append(("Почта", customer["email"]))
    if contacts:
        container = _sub(node, "Контакты")
        for kind, value in contacts:
            contact = _sub(container, "Контакт")
            _sub(contact, "Тип", kind)
            _sub(contact, "Значение", value)


def _taxes(parent, amount):
    """The VAT ``amount`` a price or an amount of ``parent`` includes (none written for none)."""
    if not amount:
        return
    tax = _sub(_sub(parent, "Налоги"), "Налог")
    _sub(tax, "Наименование", VAT)
    _sub(tax, "УчтеноВСумме", "true")
    _sub(tax, "Сумма", _money(amount))


def _line(parent, line):
    """``line``: id, article, name, price (per unit, after its discount, VAT included), qty, amount
    (price × qty), service; rates (its VAT rates), tax (the VAT its amount includes) and discount
    (the amount its discount took off) when it has them."""
    item = _sub(parent, "Товар")
    _sub(item, "Ид", line["id"])
    _sub(item, "Артикул", line.get("article"))
    _sub(item, "Наименование", line["name"])
    _sub(item, "БазоваяЕдиница", "шт", Код="796", НаименованиеПолное="Штука", МеждународноеСокращение="PCE")
    _sub(item, "ЦенаЗаЕдиницу", _money(line["price"]))
    _sub(item, "Количество", _qty(line["qty"]))
    _sub(item, "Сумма", _money(line["amount"]))
    if line.get("rates"):
        rates = _sub(item, "СтавкиНалогов")
        for rate in line["rates"]:
            rate_node = _sub(rates, "СтавкаНалога")
            _sub(rate_node, "Наименование", VAT)
            _sub(rate_node, "Ставка", _qty(rate))
    _taxes(item, line.get("tax"))
    if line.get("discount"):
        discount = _sub(_sub(item, "Скидки"), "Скидка")
        _sub(discount, "Наименование", "Скидка")
        _sub(discount, "Сумма", _money(line["discount"]))
        _sub(discount, "УчтеноВСумме", "true")
    kind = "Услуга" if line.get("service") else "Товар"
    _requisites(item, [("ВидНоменклатуры", kind), ("ТипНоменклатуры", kind)])


def _document(root, order):
    """``order``: id, number, date (datetime), currency, amount, customer{...}, lines[...],
    delivery {name, amount} or None, requisites [(name, value)...]."""
    document = _sub(root, "Документ")
    _sub(document, "Ид", order["id"])
    _sub(document, "Номер", order["number"])
    _sub(document, "Дата", order["date"].strftime("%Y-%m-%d"))
    _sub(document, "Время", order["date"].strftime("%H:%M:%S"))
    _sub(document, "ХозОперация", ORDER_OPERATION)
    _sub(document, "Роль", "Продавец")
    _sub(document, "Валюта", order.get("currency") or "руб")
    _sub(document, "Курс", "1")
    _sub(document, "Сумма", _money(order["amount"]))
    _customer(document, order["customer"])
    _sub(document, "Комментарий", order.get("comment"))
    _taxes(document, order.get("tax"))
    goods = _sub(document, "Товары")
    for line in order["lines"]:
        _line(goods, line)
    if order.get("delivery"):
        _line(goods, {"id": DELIVERY_ID, "name": order["delivery"]["name"], "price": order["delivery"]["amount"],
                      "qty": 1, "amount": order["delivery"]["amount"], "service": True})
    _requisites(document, order.get("requisites", []))


def write_orders(orders, generated_at=None, version=SCHEMA_VERSION):
    """``version`` «2.05» (documents under the root) or «3.1» (each document in its «Контейнер»,
    as 1C's exchange of schema 3 expects)."""
    three = str(version).startswith("3")
    root = etree.Element("КоммерческаяИнформация", {
        "ВерсияСхемы": "3.1" if three else SCHEMA_VERSION,
        "ДатаФормирования": (generated_at or datetime.now()).strftime("%Y-%m-%dT%H:%M:%S"),
    })
    for order in orders:
        _document(_sub(root, "Контейнер") if three else root, order)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def write_reference_lists(statuses, payments, deliveries):
    """The answer to ``type=sale&mode=info``: «Справочник» with the site's order statuses, payment
    systems and delivery services, each a list of ``(id, name)``."""
    root = etree.Element("Справочник")
    for tag, items in (("Статусы", statuses), ("ПлатежныеСистемы", payments), ("СлужбыДоставки", deliveries)):
        container = _sub(root, tag)
        for item_id, name in items:
            element = _sub(container, "Элемент")
            _sub(element, "Ид", item_id)
            _sub(element, "Название", name)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
