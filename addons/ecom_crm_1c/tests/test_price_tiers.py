"""Several «Цена» of one price type in an offer: 1C's price per package beside the unit's («Единица»,
«Коэффициент», schema 2.04 on) and prices from a quantity on («МинКоличество», the element after
«ДополнительныеДанные» in the schema's type «Цена», 2.05 on). The product's price is its own unit's from the
lowest quantity, whatever 1C's order; the prices from higher quantities are the pricelist's items from those
quantities on; a package's price never overwrites the unit's.

The files are written as 1C writes an offers package (BOM, namespace, «Представление» «… руб. за упак»), with
this test's own ids («pt-…»)."""

import io
from decimal import Decimal

from odoo import Command
from odoo.tests import BaseCase, new_test_user, tagged

from ..commerceml import read_offers
from ..commerceml.mapper import price_tiers
from .common import ImporterCase, sell_in_roubles

RETAIL, WHOLESALE = "pt-retail", "pt-wholesale"


def price(type_id, amount, unit="шт", ratio="1", min_qty=None):
    return ("\t\t\t\t\t<Цена>\n"
            f"\t\t\t\t\t\t<Представление>{amount} руб. за {unit}</Представление>\n"
            f"\t\t\t\t\t\t<ИдТипаЦены>{type_id}</ИдТипаЦены>\n\t\t\t\t\t\t<ЦенаЗаЕдиницу>{amount}</ЦенаЗаЕдиницу>\n"
            f"\t\t\t\t\t\t<Валюта>RUB</Валюта>\n\t\t\t\t\t\t<Единица>{unit}</Единица>\n"
            f"\t\t\t\t\t\t<Коэффициент>{ratio}</Коэффициент>\n"
            + (f"\t\t\t\t\t\t<МинКоличество>{min_qty}</МинКоличество>\n" if min_qty is not None else "")
            + "\t\t\t\t\t</Цена>\n")


def package(offers):
    """An offers package of 2.05 declaring «Розничная» and «Оптовая» in roubles; ``offers`` {id: [«Цена»]}."""
    items = "".join(
        f"\t\t\t<Предложение>\n\t\t\t\t<Ид>{offer_id}</Ид>\n\t\t\t\t<Наименование>{offer_id}</Наименование>\n"
        '\t\t\t\t<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт'
        "</БазоваяЕдиница>\n"
        f"\t\t\t\t<Цены>\n{''.join(prices)}\t\t\t\t</Цены>\n\t\t\t\t<Количество>5</Количество>\n"
        "\t\t\t</Предложение>\n" for offer_id, prices in offers.items())
    return io.BytesIO((
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" '
        'ВерсияСхемы="2.05" ДатаФормирования="2026-12-07T10:00:00">\n\t<ПакетПредложений '
        'СодержитТолькоИзменения="true">\n\t\t<Ид>pt-catalog#</Ид>\n\t\t<ИдКаталога>pt-catalog</ИдКаталога>\n'
        "\t\t<ТипыЦен>\n"
        f"\t\t\t<ТипЦены>\n\t\t\t\t<Ид>{RETAIL}</Ид>\n\t\t\t\t<Наименование>Розничная</Наименование>\n"
        "\t\t\t\t<Валюта>RUB</Валюта>\n\t\t\t</ТипЦены>\n"
        f"\t\t\t<ТипЦены>\n\t\t\t\t<Ид>{WHOLESALE}</Ид>\n\t\t\t\t<Наименование>Оптовая</Наименование>\n"
        "\t\t\t\t<Валюта>RUB</Валюта>\n\t\t\t</ТипЦены>\n\t\t</ТипыЦен>\n"
        f"\t\t<Предложения>\n{items}\t\t</Предложения>\n\t</ПакетПредложений>\n</КоммерческаяИнформация>\n"
    ).encode())


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestPriceTiersMapped(BaseCase):
    def tiers(self, *prices):
        offer = next(v for kind, v in read_offers(package({"pt-x": list(prices)})) if kind == "offer")
        return {type_id: (float(base["price"] / base["ratio"]), tiers, packages)
                for type_id, (base, tiers, packages) in price_tiers(offer["prices"]).items()}

    def test_the_units_price_from_the_lowest_quantity_is_the_products(self):
        """Whatever 1C's order: a package's price first, tiers before the base; each price type its own."""
        self.assertEqual(self.tiers(price(RETAIL, 900, "упак", "10"), price(RETAIL, 95, min_qty=10),
                                    price(RETAIL, 100, min_qty=1), price(RETAIL, 90, min_qty=50),
                                    price(WHOLESALE, 80)),
                         {RETAIL: (100, [(10.0, 95.0), (50.0, 90.0)], 1), WHOLESALE: (80, [], 0)})

    def test_a_price_of_another_unit_alone_is_the_products_per_unit(self):
        """1C:УТ 10.3 prices laminate per plank only (tests/data/ut10-2.04): its price of a square metre."""
        self.assertEqual(self.tiers(price(RETAIL, "701.88", "шт", "0.25")), {RETAIL: (2807.52, [], 0)})
        self.assertEqual(self.tiers(price(RETAIL, 200, "упак", "2", min_qty=5), price(RETAIL, 220, "упак", "2")),
                         {RETAIL: (110, [(10.0, 100.0)], 0)}, "a package's tiers, in the product's units")

    def test_the_reader_gives_the_minimal_quantity(self):
        offer = next(v for kind, v in read_offers(package({"pt-x": [price(RETAIL, 95, min_qty="10,5"),
                                                                    price(RETAIL, 100)]})) if kind == "offer")
        self.assertEqual([(p["price"], p["min_qty"]) for p in offer["prices"]],
                         [(Decimal(95), Decimal("10.5")), (Decimal(100), None)])


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestPriceTiers(ImporterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sell_in_roubles(cls.env)
        cls.nails = cls.env["product.product"].create({"name": "Гвозди", "ecom_1c_id": "pt-nails"})
        cls.screws = cls.env["product.product"].create({"name": "Шурупы", "ecom_1c_id": "pt-screws"})
        cls.pricelist = cls.env["product.pricelist"].create({"name": "Опт", "currency_id": cls.env.ref("base.RUB").id})

    def wholesale_to_pricelist(self):
        self.env["ecom.1c.price.type"].search([("ecom_1c_id", "=", WHOLESALE)]).pricelist_id = self.pricelist

    def test_a_package_price_does_not_overwrite_the_units(self):
        """The sales price is the unit's, 1C writing the package's after it (the last used to win), said."""
        counts = self.importer._import_offers(package({"pt-nails": [price(RETAIL, 12), price(RETAIL, 1000, "упак",
                                                                                             "100")]}))
        self.assertEqual(self.nails.lst_price, 12)
        self.assertTrue(any("per package" in w and "Розничная" in w for w in counts["warnings"]), counts["warnings"])

    def test_quantity_tiers_go_to_the_pricelist(self):
        """The wholesale price type's pricelist gets the base price and its tiers (items from 10 and 50 on);
        the next package changes one, drops one; the store's own item from a quantity stays."""
        self.importer._import_offers(package({"pt-nails": [price(RETAIL, 12)]}))
        self.wholesale_to_pricelist()
        own = self.env["product.pricelist.item"].create({
            "pricelist_id": self.pricelist.id, "applied_on": "1_product", "min_quantity": 1000,
            "product_tmpl_id": self.nails.product_tmpl_id.id, "fixed_price": 5})
        self.importer._import_offers(package({"pt-nails": [
            price(WHOLESALE, 9, min_qty=50), price(WHOLESALE, 11, min_qty=1), price(WHOLESALE, 10, min_qty=10)]}))
        self.assertEqual([self.pricelist._get_product_price(self.nails, qty) for qty in (1, 9, 10, 49, 50, 1000)],
                         [11, 11, 10, 10, 9, 5])
        counts = self.importer._import_offers(package({"pt-nails": [
            price(WHOLESALE, 11, min_qty=1), price(WHOLESALE, 9.5, min_qty=10)]}))
        self.assertEqual([self.pricelist._get_product_price(self.nails, qty) for qty in (1, 10, 50)], [11, 9.5, 9.5])
        self.assertEqual(counts["warnings"], [])
        self.assertTrue(own.exists())
        self.assertEqual(self.nails.lst_price, 12, "the sales price untouched")
        # the same file again changes nothing
        counts = self.importer._import_offers(package({"pt-nails": [
            price(WHOLESALE, 11, min_qty=1), price(WHOLESALE, 9.5, min_qty=10)]}))
        self.assertEqual(counts["updated"], 0)
        # a price without tiers takes them away
        self.importer._import_offers(package({"pt-nails": [price(WHOLESALE, 11)]}))
        self.assertEqual([self.pricelist._get_product_price(self.nails, qty) for qty in (1, 10, 50)], [11, 11, 11])

    def test_a_tier_below_the_units_precision_does_not_overwrite_the_base(self):
        """«МинКоличество» 0.001 of pieces is from 0 once rounded as Odoo keeps quantities: left out, the base
        price stays the pricelist's."""
        self.importer._import_offers(package({"pt-nails": [price(RETAIL, 12)]}))
        self.wholesale_to_pricelist()
        self.importer._import_offers(package({"pt-nails": [price(WHOLESALE, 11),
                                                           price(WHOLESALE, 5, min_qty="0.001")]}))
        self.assertEqual(self.pricelist._get_product_price(self.nails, 1), 11)
        self.assertFalse(self.pricelist.item_ids.filtered("ecom_1c_tier"))

    def test_tiers_of_the_sales_price_are_said(self):
        counts = self.importer._import_offers(package({"pt-screws": [price(RETAIL, 3, min_qty=100),
                                                                     price(RETAIL, 4)]}))
        self.assertEqual(self.screws.lst_price, 4)
        self.assertTrue(any("pt-screws" in w and "МинКоличество" in w for w in counts["warnings"]), counts["warnings"])

    def test_a_quotation_takes_the_tier_of_its_quantity(self):
        """A salesperson's quotation with the price type's pricelist, of another company of the database: 100
        pieces at 1C's price from 50 on, 5 at the base; once 1C stops giving tiers the lines' prices are the base,
        and the store's own item of the pricelist from the same quantity as a 1C tier is still there."""
        other = self.env["res.company"].create({"name": "Склад-магазин", "currency_id": self.env.ref("base.RUB").id})
        self.pricelist.company_id = other
        self.importer._import_offers(package({"pt-nails": [price(RETAIL, 12)]}))  # declares the price types
        self.wholesale_to_pricelist()
        own = self.env["product.pricelist.item"].create({
            "pricelist_id": self.pricelist.id, "applied_on": "1_product", "min_quantity": 50,
            "product_tmpl_id": self.screws.product_tmpl_id.id, "fixed_price": 2})
        self.importer._import_offers(package({"pt-nails": [
            price(WHOLESALE, 11), price(WHOLESALE, 10, min_qty=10), price(WHOLESALE, 9, min_qty=50)],
            "pt-screws": [price(WHOLESALE, 3), price(WHOLESALE, "2.5", min_qty=50)]}))
        self.assertEqual(self.pricelist.item_ids.filtered("ecom_1c_tier").company_id, other)
        user = new_test_user(self.env, "pt-seller", groups="sales_team.group_sale_salesman",
                             company_id=other.id, company_ids=[Command.set(other.ids)])
        customer = self.env["res.partner"].create({"name": "ООО Стройка", "company_id": other.id})
        order = self.env["sale.order"].with_user(user).with_company(other).create({
            "partner_id": customer.id, "pricelist_id": self.pricelist.id, "order_line": [
                Command.create({"product_id": self.nails.id, "product_uom_qty": 100}),
                Command.create({"product_id": self.nails.id, "product_uom_qty": 5}),
                Command.create({"product_id": self.screws.id, "product_uom_qty": 100})]})
        self.assertEqual(order.order_line.mapped("price_unit"), [9, 11, 2.5],
                         "1C's tier is newer than the store's item of the same quantity: Odoo takes it")
        self.importer._import_offers(package({"pt-nails": [price(WHOLESALE, 11)],
                                              "pt-screws": [price(WHOLESALE, 3)]}))
        self.assertTrue(own.exists(), "the store's own item is never the exchange's to remove")
        self.assertFalse(self.pricelist.item_ids.filtered("ecom_1c_tier"))
        order.with_user(user).action_update_prices()
        self.assertEqual(order.order_line.mapped("price_unit"), [11, 11, 2], "the store's own item from 50 now")
