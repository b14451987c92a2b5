"""Base classes and helpers of the 1C exchange tests.

- :func:`path`, :func:`read`: the fixture files of tests/data/ (sources in tests/data/SOURCES.md);
- :func:`big_catalog`, :func:`offers_package`: generated files, as big as a test needs;
- :func:`sell_in_roubles`: the store in roubles, as the real files' shops;
- :func:`held_by_another_request`: an import lock of the controller held by another connection;
- :class:`Ecom1cCase`: a salesperson and a 1C exchange manager;
- :class:`ImporterCase`: the importer and the products it makes, without HTTP;
- :class:`ProtocolCase`: /1c_exchange driven the way 1C drives it.
"""

import base64
import contextlib
import io
import os

from odoo import sql_db
from odoo.tests import HttpCase, TransactionCase, new_test_user

DATA = os.path.join(os.path.dirname(__file__), "data")


def path(*parts):
    """A fixture file under tests/data/ (sources in tests/data/SOURCES.md)."""
    return os.path.join(DATA, *parts)


def read(*parts):
    with open(path(*parts), "rb") as f:
        return f.read()


def big_catalog(products, start=0, only_changes=False, description="Описание. " * 20, details=False,
                properties=False):
    """A generated catalog with ``products`` products numbered from ``start``, as bytes (no file on
    disk), in the group «g1» of catalog «c»; a full exchange unless ``only_changes``. With
    ``details`` each product also has a barcode, a unit and a VAT rate, with ``properties`` a value
    of its own of the property «Код маркетплейса»."""
    head = ('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.10">'
            '<Классификатор><Ид>c</Ид><Группы><Группа><Ид>g1</Ид><Наименование>Всё</Наименование></Группа>'
            '</Группы>'
            + ('<Свойства><Свойство><Ид>code</Ид><Наименование>Код маркетплейса</Наименование>'
               '<ТипЗначений>Строка</ТипЗначений></Свойство></Свойства>' if properties else "")
            + f'</Классификатор><Каталог СодержитТолькоИзменения="{str(only_changes).lower()}"><Ид>c</Ид><Товары>')
    item = ('<Товар><Ид>{i:08d}-0000-0000-0000-000000000000</Ид><Артикул>A-{i}</Артикул>'
            '<Наименование>Товар номер {i} с длинным описанием для объёма</Наименование>'
            + ('<Штрихкод>46{i:011d}</Штрихкод><БазоваяЕдиница Код="796"/><СтавкиНалогов><СтавкаНалога>'
               '<Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>'
               if details else "")
            + ('<ЗначенияСвойств><ЗначенияСвойства><Ид>code</Ид><Значение>M-{i}</Значение></ЗначенияСвойства>'
               '</ЗначенияСвойств>' if properties else "")
            + '<Группы><Ид>g1</Ид></Группы>'
            + (f'<Описание>{description}</Описание>' if description else "") + '</Товар>')
    tail = "</Товары></Каталог></КоммерческаяИнформация>"
    return (head + "".join(item.format(i=i) for i in range(start, start + products)) + tail).encode()


def big_catalog_id(i):
    """The 1C id of product ``i`` of :func:`big_catalog`."""
    return f"{i:08d}-0000-0000-0000-000000000000"


def sell_in_roubles(env):
    """The store of ``env``'s company sells in roubles (the test database's sells in dollars), as the
    shops of the real files do: the rouble."""
    rub = env.ref("base.RUB")
    rub.active = True
    env.company.currency_id = rub
    return rub


def pictures_in_the_database(case):
    """The attachments (the pictures written) kept in the database for the test ``case``, not in the filestore:
    each test class of Odoo ends by removing every file of the database's filestore that no committed attachment
    names (``TransactionCase._gc_filestore``, without the lock of the scheduled one), so another test run on the
    same database at the same time removed this test's pictures, written by its transaction, before they were
    read back (an image missing, or read empty). Where Odoo keeps a picture is Odoo's, not the import's."""
    case.patch(type(case.env["ir.attachment"]), "_storage", lambda attachment: "db")


def offers_package(price_type_id, prices, only_changes=True, quantities=None):
    """An offers package giving ``[(offer id, price)]`` in the price type ``price_type_id`` and
    ``{offer id: quantity}``, as a file object."""
    quantities = quantities or {}
    offers = "".join(
        f"<Предложение><Ид>{offer_id}</Ид><Цены><Цена><ИдТипаЦены>{price_type_id}</ИдТипаЦены>"
        f"<ЦенаЗаЕдиницу>{price}</ЦенаЗаЕдиницу><Коэффициент>1</Коэффициент></Цена></Цены>"
        + (f"<Количество>{quantities[offer_id]}</Количество>" if offer_id in quantities else "")
        + "</Предложение>"
        for offer_id, price in prices)
    return io.BytesIO(
        f'<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.04">'
        f'<ПакетПредложений СодержитТолькоИзменения="{str(only_changes).lower()}"><Ид>p</Ид>'
        f"<Предложения>{offers}</Предложения></ПакетПредложений></КоммерческаяИнформация>".encode())


def priced_offers_package(types, prices):
    """An offers package (2.05) declaring the price types ``types`` [(id, name, currency)] and giving
    ``prices`` [(offer id, price type id, price, currency)], as a file object; a currency None is not written."""

    def currency(name):
        return f"<Валюта>{name}</Валюта>" if name is not None else ""

    declared = "".join(f"<ТипЦены><Ид>{type_id}</Ид><Наименование>{name}</Наименование>{currency(written)}"
                       "</ТипЦены>" for type_id, name, written in types)
    given = "".join(
        f"<Предложение><Ид>{offer_id}</Ид><Цены><Цена><ИдТипаЦены>{type_id}</ИдТипаЦены>"
        f"<ЦенаЗаЕдиницу>{amount}</ЦенаЗаЕдиницу>{currency(written)}<Коэффициент>1</Коэффициент>"
        "</Цена></Цены></Предложение>" for offer_id, type_id, amount, written in prices)
    return io.BytesIO(('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.05">'
                       '<ПакетПредложений СодержитТолькоИзменения="true"><Ид>p</Ид>'
                       f"<ТипыЦен>{declared}</ТипыЦен><Предложения>{given}</Предложения>"
                       "</ПакетПредложений></КоммерческаяИнформация>").encode())


@contextlib.contextmanager
def held_by_another_request(env, key):
    """The controller's advisory lock ``key`` (``[IMPORT_LOCK]``, or a file's ``[FILE_LOCK, text]``) held by a
    request importing, on a connection of its own, while the block runs."""
    other = sql_db.db_connect(env.cr.dbname).cursor()
    try:
        if len(key) == 1:
            other.execute("SELECT pg_advisory_xact_lock(%s)", key)
        else:
            other.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", key)
        yield
    finally:
        other.rollback()
        other.close()


class Ecom1cCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="1c_salesman", groups="sales_team.group_sale_salesman")
        cls.exchange_manager = new_test_user(
            cls.env, login="1c_manager", groups="ecom_crm_1c.group_exchange_manager")


class ImporterCase(TransactionCase):
    """The importer called directly, as the exchange calls it for each file; templates and variants
    searched archived ones included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.importer = cls.env["ecom.1c.importer"]
        cls.Template = cls.env["product.template"].with_context(active_test=False)
        cls.Product = cls.env["product.product"].with_context(active_test=False)


class ProtocolCase(HttpCase):
    """Drives /1c_exchange the way 1C does; the exchange login is set in Settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        settings = cls.env["res.config.settings"].create({
            "ecom_1c_login": "exchange", "ecom_1c_password": "s3cret-1C", "ecom_1c_file_limit": 5})
        settings.execute()

    def call(self, mode, type_="catalog", data=None, cookie=None, auth=None, filename=None, route="/1c_exchange",
             extra="", headers=None):
        url = f"{route}?type={type_}&mode={mode}" + (f"&filename={filename}" if filename else "") + extra
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        if cookie:
            headers["Cookie"] = f"{cookie[0]}={cookie[1]}"
        response = self.url_open(url, data=data, headers=headers) if data is not None else \
            self.url_open(url, headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        return response.text.splitlines()

    def login(self, route="/1c_exchange"):
        lines = self.call("checkauth", auth=("exchange", "s3cret-1C"), route=route)
        self.assertEqual(lines[0], "success")
        self.assertTrue(lines[3].startswith("sessid=") and lines[4].startswith("timestamp="))
        return lines[1], lines[2]

    def upload(self, files, cookie=None):
        """A new exchange (``init``) uploading ``files`` {name: bytes}, each in one request; returns the cookie."""
        cookie = cookie or self.login()
        self.call("init", cookie=cookie)
        for name, data in files.items():
            self.assertEqual(self.call("file", data=data, cookie=cookie, filename=name), ["success"])
        return cookie

    def import_until_done(self, cookie, filename, limit=100):
        """Call ``import`` the way 1C does, again while it answers «progress»: ``(first lines of the
        answers, last answer)``."""
        answers = []
        for _i in range(limit):
            lines = self.call("import", cookie=cookie, filename=filename)
            answers.append(lines[0])
            if lines[0] != "progress":
                return answers, lines
        self.fail(f"{filename}: still in progress after {limit} calls")

    def exchange_files(self, folder, names):
        """1C's whole exchange of the fixture files ``names`` of ``folder``: uploaded, each imported
        until «success», ended by its «success»; the exchange, done."""
        cookie = self.upload({name: read(folder, name) for name in names})
        for name in names:
            answers, last = self.import_until_done(cookie, name)
            self.assertEqual(answers[-1], "success", (name, last))
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "done")
        return exchange
