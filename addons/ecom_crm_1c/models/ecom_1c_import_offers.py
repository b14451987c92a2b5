from collections import Counter, defaultdict

from odoo import _, api, models
from odoo.tools import SQL, float_compare, float_round

from ..commerceml import read_catalog_id, read_offer_codes, read_offer_ids, read_offers, sniff
from ..commerceml.currencies import ambiguous_codes, currency_code, currency_key, odoo_numbers, same_currency
from ..commerceml.mapper import price_tiers, sales_price_type, unit_price
from ..commerceml.protocol import parse_version
from ..tools.binder import bound
from .ecom_1c_import_catalog import EMPTY_REF, is_full


def split_by_packages(source):
    """Whether the offers ``source`` (a path or a file object) are of CommerceML 3, which 1C sends in
    packages of their own, each uploaded and imported before the next one is sent."""
    if hasattr(source, "seek"):
        source.seek(0)
    version = parse_version(sniff(source).schema_version)
    if hasattr(source, "seek"):
        source.seek(0)
    return bool(version) and version >= (3,)


class Ecom1cImportOffers(models.AbstractModel):
    """The offers packages (``offers*.xml``; schema 3's ``prices*.xml`` and ``rests*.xml``): price
    types, each mapped to the sales price, a pricelist or nowhere; sales prices, pricelists' prices
    and stock of products and their characteristics; stock into Odoo's inventory when installed."""

    _inherit = "ecom.1c.importer"

    @api.model
    def _import_offers(self, source, exchange=None, start=0, deadline=None, files_dir=None):
        """Import price types, prices and stock of an offers package from offer ``start`` on, until
        done or the ``deadline``; returns counts with the position reached. A whole list of the offers
        (2.x ``offers.xml``, 3.1's ``offers___*.xml``: each offer named) of an exchange that does not
        deactivate archives the characteristics it no longer names once done (:meth:`_archive_unoffered`;
        ``files_dir``: where the other parts of the list would be)."""
        counts = self._counts(start)
        price_types, warehouses, properties = {}, {}, {}
        package = {"full": False, "catalog_id": "", "lists": None}

        def offers():
            for kind, values in read_offers(source):
                if kind == "package":
                    package["full"] = is_full(values["only_changes"])
                elif kind == "price_type":
                    price_types[values["id"]] = values
                elif kind == "warehouse":
                    warehouses[values["id"]] = values["name"]
                elif kind == "catalog_id":
                    package["catalog_id"] = values["id"]
                elif kind == "property":  # 3.1: the characteristics' properties, in an offers file
                    properties[values["id"]] = values
                elif kind == "offer":
                    if package["lists"] is None:  # as the sniffer tells it: the list names its offers
                        package["lists"] = bool(values["name"])
                    yield values

        def file_codes():
            # the codes several characteristics of the whole file name (as a catalog's,
            # :meth:`_import_catalog`), read apart once a step, kept by the worker for the file's next steps
            if "codes" not in package:
                package["codes"] = None
                if isinstance(source, str):
                    package["codes"] = self._file_shared_codes(source, read_offer_codes)
            return package["codes"]

        def apply(chunk, last):
            if price_types:
                self._import_price_types(price_types, counts)
            if properties:
                self._property_attributes(properties, catalog_id=package["catalog_id"])
            # a file of one batch is that batch: what it names twice, the batch knows
            alone = counts["position"] == 0 and last
            variants = self._offer_variants(chunk, counts, None if alone else file_codes)
            # named now: 1C's deactivate keeps them; by a whole list, their products' others go
            self._mark_characteristics([o["id"] for o in chunk if o["characteristic_id"] and not o["deleted"]],
                                       listed=package["full"] and package["lists"])
            # at once, a whole unload of 1C deactivating too: its prices and stock files name a characteristic
            # it marked deleted (without the mark), which would keep it from its deactivate; before the prices,
            # which it then sets none of its product's
            self._archive_deleted_offers(chunk, variants, counts)
            self._import_offer_chunk(chunk, variants, counts)
            self._import_offer_codes(chunk, variants, counts)
            if files_dir:  # the characteristics' own pictures, among the files 1C sent with the catalog
                self._import_variant_images({o["id"]: o["images"][0] for o in chunk
                                             if o["characteristic_id"] and o["images"]}, files_dir, counts)
            if "stock.quant" in self.env:  # Odoo's inventory is installed: 1C's stock goes there too
                self._import_stock(chunk, variants, warehouses, counts)

        # a 1C product's characteristics in one batch: whether the store's product replaces the duplicate
        # the exchange made is decided on all of them
        self._apply_in_steps(offers(), counts, apply, deadline, key=lambda offer: offer["product_id"])
        if counts["done"] and price_types:
            self._import_price_types(price_types, counts)
        if counts["done"] and properties:  # a file of the properties alone (3.1 sends them so)
            self._property_attributes(properties, catalog_id=package["catalog_id"])
        if counts["done"] and package["full"] and package["lists"] and not (exchange and exchange._deactivates()):
            self._archive_unoffered(source, exchange, files_dir, counts)
        if counts["done"]:
            self._give_awaited_barcodes(counts)
        return self._finish(exchange, counts)

    def _archive_unoffered(self, source, exchange, files_dir, counts):
        """A whole list of the offers of its catalog (2.x, or 3.1 without deactivate), imported to its end:
        1C's full unload names every characteristic with its offer, so the characteristics of the
        products it offers by characteristic that it no longer names (or names marked for deletion) are
        archived, never deleted; the product and the other products stay. A list in several files of
        one exchange: the last one imported archives what none of them names (:meth:`_other_parts`)."""
        if hasattr(source, "seek"):
            source.seek(0)
        catalog_id = read_catalog_id(source)
        if not catalog_id:
            return
        if exchange and exchange.session_id and split_by_packages(source):
            # CommerceML 3: 1C sends a big list in packages, each uploaded and imported before the next, in
            # exchanges of their own: a later part may still come. Archived at the session's end
            # (mode=complete, :meth:`ecom.1c.exchange._archive_unoffered`), never by an early part
            exchange._log(_("Offers of catalog %s listed whole: the characteristics no part of the list names are "
                            "archived when 1C ends its session (mode=complete)", catalog_id), warning=False)
            return
        others = self._other_parts(source, catalog_id, exchange, files_dir, kind="offers")
        if others is None:  # another part of the list is still to come: it archives
            return
        if hasattr(source, "seek"):
            source.seek(0)
        offered = set(read_offer_ids(source)) | others
        named = [offer_id for offer_id, deleted in offered if not deleted]
        self.env.flush_all()
        # a product all of whose characteristics are marked deleted is still listed by characteristic
        gone = self._archive_unnamed_characteristics(catalog_id, named,
                                                     listed=[offer_id for offer_id, _deleted in offered])
        counts["archived"] += len(gone)

    def _import_price_types(self, price_types, counts):
        """The price types 1C declares (2.x offers packages, schema 3's classifier), made on first sight
        for an administrator to map in Price types."""
        PriceType = self.env["ecom.1c.price.type"]
        known = bound(PriceType, price_types)
        new = [v for k, v in price_types.items() if k not in known]
        if new:
            # the first retail price type 1C ever sends in the store's currency (else the first that is
            # no cost price) is the sales price; others await a pricelist
            sales = self._sales_price_type(new) if not PriceType.search_count([]) else -1
            PriceType.create([{"name": v["name"] or v["id"], "ecom_1c_id": v["id"], "currency_name": v["currency"],
                               "target": "list_price" if i == sales else "pricelist"}
                              for i, v in enumerate(new)])
        price_types.clear()

    def _sales_price_type(self, price_types):
        """The index in ``price_types`` (1C's declarations, in its order) of the sales price
        (:func:`..commerceml.mapper.sales_price_type`). The standard's own example declares wholesale
        in dollars first and retail in roubles: a dollar price stored as roubles would be the store's."""
        return sales_price_type(price_types, self.env.company.currency_id.name, self._currency_numbers())

    @api.model
    def _currency_numbers(self):
        """{ISO number: letter code} of Odoo's currencies, active or not, the number as 1C's «Валюта» is
        compared (:func:`..commerceml.currencies.odoo_numbers`: «051» is «51», a number two share is the active
        one's, else the current one's, else none)."""
        return odoo_numbers((currency.name, currency.iso_numeric, currency.active) for currency in self.env[
            "res.currency"].with_context(active_test=False).search_fetch(
                [("iso_numeric", "!=", False)], ["name", "iso_numeric", "active"]))

    def _offer_variants(self, chunk, counts, file_codes=None):
        """{1C id: variant} for the offers of ``chunk``: an offer «guid#characteristic» is its own
        variant, made now if the catalog did not list it, never the product «guid»'s. ``file_codes``: see
        :meth:`_bind_store_products` (the codes several characteristics of the whole file name)."""
        Product = self.env["product.product"].with_context(active_test=False)
        ids = list({o["id"] for o in chunk})
        variants = bound(Product, ids)
        # a store's own product bound by its template's 1C id alone: its single variant is the offer's
        own = {o["id"] for o in chunk if not o["characteristic_id"] and o["id"] not in variants}
        if own and self._bind_own_variants(bound(self.env["product.template"].with_context(active_test=False),
                                                 own).values()):
            variants = bound(Product, ids)
        new = [o for o in chunk if o["characteristic_id"] and o["id"] not in variants]
        if new and self.env.company.ecom_1c_match_by != "none":
            # a characteristic the database does not know: the variant of the store's own product of its article
            # or barcode, when there is no doubt (:meth:`_bind_store_products`)
            templates = bound(self.env["product.template"].with_context(active_test=False),
                              {o["product_id"] for o in new})
            if self._bind_store_products([(o["id"], o["article"], o["barcode"]) for o in new if not o["deleted"]],
                                         counts, templates, ids, file_codes):
                variants = bound(Product, ids)
                new = [o for o in new if o["id"] not in variants]
        # 3.1 gives a characteristic's values as its offer's property values, «ХарактеристикиТовара» empty
        by_properties = iter(self._characteristic_values([o["properties"] for o in new if not o["characteristics"]]))
        characteristics = [(o["id"], o["product_id"], o["characteristics"] or next(by_properties), o["name"])
                           for o in new]
        if characteristics:
            self._ensure_variants(characteristics, counts, {o["id"]: o["article"] for o in new})
            # a product's own variant goes when its characteristics become variants: look them up again
            variants = bound(Product, ids)
        # a characteristic 1C's deactivate archived that an offer names again is sold again, its product's
        # others not named stay as they are; not one the offer marks for deletion (1C names it to say so),
        # nor by an offer without its name: 3.1's prices and stock files (1C writes the deletion mark in the
        # offers file alone, and still prices and stocks a characteristic it marked, tests/data/bitrix6-3.1)
        plain = {o["id"] for o in chunk if not o["deleted"] and o["name"]}
        Product.concat(*(
            variant for full_id, variant in variants.items()
            if "#" in full_id and full_id in plain and not variant.active and variant.product_tmpl_id.active
            and variant.product_tmpl_id._is_combination_possible_by_config(
                variant.product_template_attribute_value_ids, ignore_no_variant=True))).action_unarchive()
        return variants

    def _archive_deleted_offers(self, chunk, variants, counts):
        """The characteristics whose offers 1C marks deleted («ПометкаУдаления», «Статус» «Удален»), in
        a package of changes as in a whole list, are archived at once (never deleted): their variants are
        sold no more (one first named so is made archived, its prices and stock kept for the day 1C takes
        the mark back); an offer naming one plainly later, with its name (not a prices or stock file, which
        carry no mark), sells it again (:meth:`_offer_variants`). A product's own offer marked so archives
        nothing: the catalog says whether the product goes."""
        gone = self.env["product.product"].concat(*(
            variants[o["id"]] for o in chunk
            if o["deleted"] and o["characteristic_id"] and o["id"] in variants and variants[o["id"]].active))
        if gone:
            gone.action_archive()
            counts["archived"] += len(gone)

    def _import_offer_codes(self, chunk, variants, counts):
        """The barcode («Штрихкод») and article («Артикул») an offer of a characteristic gives (1C:УНФ,
        1C:УТ 11 and the 1C-Bitrix module write each characteristic's own there, the catalog having the
        product's only) on its variant: a barcode no other product has (else left out, with a warning),
        an article as written (a product of several variants: one variant's is the product's, the catalog's);
        one 1C leaves empty leaves Odoo's as it is. A product's own offer gives
        its barcode only to a variant that has none (its catalog's is the product's)."""
        wanted, articles = [], {}
        for offer in chunk:
            variant = variants.get(offer["id"])
            if not variant:
                continue
            characteristic = "#" in (variant.ecom_1c_id or "")
            if offer["barcode"] and variant.barcode != offer["barcode"] and (characteristic or not variant.barcode):
                wanted.append({"id": offer["id"], "barcode": offer["barcode"], "deleted": offer["deleted"]})
            # a product of one variant: its article is the template's, which the catalog gives
            if characteristic and offer["article"] and variant.default_code != offer["article"] \
                    and len(variant.product_tmpl_id.product_variant_ids) > 1:
                articles[variant] = offer["article"]
        # each set-based (one UPDATE a column), the barcodes checked free of any other product's first
        free = self._free_barcodes(wanted, counts, {offer["id"]: variants[offer["id"]].id for offer in wanted})
        self._write_variant_codes({
            "barcode": {variants[offer_id].id: barcode for offer_id, barcode in free.items()},
            "default_code": {variant.id: article for variant, article in articles.items()}}, counts)

    def _products_of_characteristics(self, ids):
        """The 1C ids among ``ids`` (offers of products themselves that no variant holds) of products
        imported from 1C: their variants are their characteristics (:meth:`_offer_variants`)."""
        if not ids:
            return set()
        templates = self.env["product.template"].with_context(active_test=False).search_fetch(
            [("ecom_1c_id", "in", ids)], ["ecom_1c_id"])
        return set(templates.mapped("ecom_1c_id"))

    def _characteristic_values(self, offers_properties):
        """The characteristics {name: value} of offers whose «ХарактеристикиТовара» are empty, from
        their «ЗначенияСвойств» ``offers_properties`` [{property id: value}] (3.1): each property by the
        name of its attribute (:meth:`_property_attributes`, from the properties file 1C sends before),
        a reference list's value by its name; a property no file declared is left out."""
        wanted = [values for values in offers_properties if values]
        if not wanted:
            return [{} for _values in offers_properties]
        attributes = bound(self.env["product.attribute"].with_context(active_test=False),
                           {property_id for values in wanted for property_id in values})
        names = {}  # (attribute id, 1C value id) -> the value's name
        for value in self.env["product.attribute.value"].with_context(active_test=False).search([
                ("attribute_id", "in", [attribute.id for attribute in attributes.values()]),
                ("ecom_1c_id", "in", list({raw for values in wanted for raw in values.values() if raw}))]):
            names.setdefault((value.attribute_id.id, value.ecom_1c_id), value.name)
        return [{attributes[property_id].name: names.get((attributes[property_id].id, raw), raw)
                 for property_id, raw in values.items()
                 if property_id in attributes and raw and raw != EMPTY_REF} for values in offers_properties]

    def _import_offer_chunk(self, chunk, variants, counts):
        """Stock and prices of a batch of offers, ``variants`` {1C id: variant} being their variants
        (:meth:`_offer_variants`): 1C's stock and sales prices on the variants, the prices of price
        types mapped to pricelists in their items; each set-based, touching only what changed. Of several
        prices of one price type in an offer, the product's unit's from the lowest quantity is its price
        (:func:`..commerceml.mapper.price_tiers`); those from higher quantities are its pricelist's items
        from those quantities on (a sales price has no tiers: said); a package's price is left out, said."""
        types = bound(self.env["ecom.1c.price.type"], {p["type_id"] for o in chunk for p in o["prices"]})
        quantities, sales_prices, pricelist_prices, changed_ids = {}, {}, {}, set()
        undeclared, unmapped, not_numbers, bad_quantities = set(), set(), [], []
        other_currency = defaultdict(list)  # (currency, price type, currency taken) -> offers priced so
        as_declared = Counter()  # (price type's currency, price type, currency taken) -> prices taken as they are
        packages = Counter()  # price type -> prices of another unit than the product's, left out
        untiered = defaultdict(list)  # sales price type -> offers whose prices from a quantity are left out
        pricelist_tiers = {}  # (pricelist id, applied_on, product or template id) -> [(min quantity, price)]
        numbers = None  # Odoo's currencies' numbers, read at the first price in a currency
        with_characteristics = self._products_of_characteristics(
            [o["id"] for o in chunk if not o["characteristic_id"] and o["id"] not in variants])
        for offer in chunk:
            variant = variants.get(offer["id"])
            if not variant:
                if offer["characteristic_id"]:  # a characteristic's reason is given where its variant is made
                    continue
                if offer["id"] not in with_characteristics:
                    counts["warnings"].append(_("Offer %s names no product imported from 1C", offer["id"]))
                elif offer["quantity"]:
                    # 1C:УНФ offers a product with characteristics itself too: its price is theirs, its
                    # stock that of none of them, which no variant can hold
                    counts["warnings"].append(_(
                        "Offer %(offer)s: the product's stock without a characteristic (%(quantity)s) was left out: "
                        "its variants in Odoo are its characteristics", offer=offer["id"],
                        quantity=f"{offer['quantity']:g}"))
                continue
            if offer["quantity_not_a_number"]:
                bad_quantities.append(offer["id"])
            if offer["quantity"] is not None:
                quantities[variant.id] = float(offer["quantity"])
            for price, tiers, other_units in price_tiers(offer["prices"]).values():
                price_type = types.get(price["type_id"])
                if not price_type:
                    undeclared.add(price["type_id"])
                    continue
                if price_type.target == "ignore":  # the administrator's choice, in Price types
                    continue
                if price_type.target == "pricelist" and not price_type.pricelist_id:
                    unmapped.add(price_type.name)
                    continue
                if price["price"] is None:
                    not_numbers.append(offer["id"])
                    continue
                # a price is in its «Валюта»: 1C:УТ's «Отпускная цена» in roubles prices some goods in
                # dollars, the demo base's price type in dollars writes hryvnias. One in neither its price
                # type's currency (when it declares one) nor that of where it goes (the store's, the pricelist's)
                # is not taken: a price type of no currency takes no dollars for roubles. A price of no currency
                # is taken
                written, declared = price["currency"], price_type.currency_name
                if currency_key(written) or currency_key(declared):
                    currency = self.env.company.currency_id if price_type.target == "list_price" else \
                        price_type.pricelist_id.currency_id or self.env.company.currency_id
                    code = ""
                    if currency_key(written):
                        numbers = self._currency_numbers() if numbers is None else numbers
                        code = currency_code(written, numbers)
                        if code != currency.name and not (declared and same_currency(written, declared, numbers)):
                            other_currency[code or written.strip(), price_type.name, currency.name].append(
                                offer["id"])
                            continue
                    elif currency_key(declared).isdigit():
                        numbers = self._currency_numbers() if numbers is None else numbers
                    # taken in its price type's currency (so written, or not written) for a price in another:
                    # the amount as 1C gives it, said in the log (a store left at Odoo's default USD whose
                    # 1C prices in roubles: its prices are right once its currency is)
                    code = code or currency_code(declared, numbers)
                    if code and code != currency.name:
                        as_declared[code, price_type.name, currency.name] += 1
                amount = unit_price(price)
                packages[price_type.name] += other_units
                characteristic = "#" in (variant.ecom_1c_id or "")
                if price_type.target == "list_price":
                    sales_prices[variant] = amount
                    if tiers:
                        untiered[price_type.name].append(offer["id"])
                else:
                    # a characteristic's price is its variant's, a product's its template's
                    target = ("0_product_variant", variant.id) if characteristic else \
                        ("1_product", variant.product_tmpl_id.id)
                    pricelist_prices[price_type.pricelist_id.id, *target] = (amount, variant.id)
                    pricelist_tiers[price_type.pricelist_id.id, *target] = tiers
        # no price is dropped without a word in the exchange log
        # self.env._: in a generator Odoo's _ finds no environment (no language: English in a cron's log)
        counts["warnings"].extend(self.env._("Prices of 1C price type %s were skipped: no file of 1C declares that "
                                             "price type (ТипыЦен)", type_id) for type_id in sorted(undeclared))
        counts["warnings"].extend(self.env._("Prices of 1C price type «%s» were skipped: choose its pricelist in 1C "
                                             "exchange > Price types", name) for name in sorted(unmapped))
        counts["warnings"].extend(self._other_currency_warnings(other_currency))
        counts["warnings"].extend(self.env._(
            "%(count)s prices of 1C price type «%(price_type)s» in %(currency)s were taken as they are for prices "
            "in %(target)s: if the store sells in %(currency)s, make %(currency)s its company's currency (for "
            "the sales price) or choose a pricelist in %(currency)s for this price type",
            count=count, currency=currency, price_type=price_type, target=target)
            for (currency, price_type, target), count in sorted(as_declared.items()))
        counts["warnings"].extend(self.env._(
            "%(count)s prices of 1C price type «%(price_type)s» per package (a unit other than the product's) were "
            "left out: the product's price is that of its own unit", count=count, price_type=name)
            for name, count in sorted(packages.items()) if count)
        counts["warnings"].extend(self.env._(
            "Offers %(offers)s: prices of 1C price type «%(price_type)s» from a quantity on («МинКоличество») were "
            "left out: the sales price has no tiers; send the price type to a pricelist to keep them",
            offers=", ".join(offers), price_type=name) for name, offers in sorted(untiered.items()))
        if not_numbers:
            counts["warnings"].append(_("Offers %s: a price that is not a number (or is over 10^15) was skipped",
                                        ", ".join(not_numbers)))
        if bad_quantities:
            counts["warnings"].append(_("Offers %s: a quantity that is not a number (or is over 10^15) was skipped",
                                        ", ".join(bad_quantities)))
        # stock, sales prices and pricelists' prices of the whole batch set-based, touching only what changed
        self.env.flush_all()
        if quantities:
            changed_ids.update(self._update_changed("product_product", "ecom_1c_qty", "float8", quantities))
        self.env["product.product"].invalidate_model(["ecom_1c_qty"])
        if sales_prices:
            changed_ids.update(self._import_sales_prices(sales_prices, counts))
        if pricelist_prices:
            changed_ids.update(self._import_pricelist_prices(pricelist_prices, pricelist_tiers))
        counts["updated"] += len(changed_ids)

    def _other_currency_warnings(self, other_currency):
        """What the exchange log says of prices skipped for their currency, ``{(currency 1C wrote: its ISO
        code when known, price type, currency of where it goes): offers}``: a currency Odoo has inactive
        is to be activated for a pricelist in it to take them, one Odoo does not know is said so, and a
        name two currencies share («манат») or conventional units («у.е.») are to be named by their code."""
        Currency = self.env["res.currency"].with_context(active_test=False)
        known = {c.name: c for c in Currency.search([("name", "in", list({key[0] for key in other_currency}))])}
        warnings = []
        for (currency, price_type, target), offers in sorted(other_currency.items()):
            values = {"offers": ", ".join(offers), "currency": currency, "price_type": price_type, "target": target}
            codes = ambiguous_codes(currency) if currency not in known else None
            if codes:
                warnings.append(self.env._(
                    "Offers %(offers)s: a price of 1C price type «%(price_type)s» in «%(currency)s» was skipped: "
                    "«%(currency)s» may be %(codes)s, which are not guessed; name the currency in 1C by its ISO "
                    "code; it goes to a price in %(target)s", codes=" / ".join(codes), **values))
            elif codes is not None:
                warnings.append(self.env._(
                    "Offers %(offers)s: a price of 1C price type «%(price_type)s» in «%(currency)s» was skipped: "
                    "conventional units are no currency; name in 1C the currency they are priced in by its ISO "
                    "code; it goes to a price in %(target)s", **values))
            elif currency not in known:
                warnings.append(self.env._(
                    "Offers %(offers)s: a price of 1C price type «%(price_type)s» in «%(currency)s» was skipped: "
                    "Odoo knows no currency 1C names so (neither an ISO 4217 code nor a short name 1C writes); it "
                    "goes to a price in %(target)s", **values))
            elif not known[currency].active:
                warnings.append(self.env._(
                    "Offers %(offers)s: a price of 1C price type «%(price_type)s» in %(currency)s was skipped: it "
                    "goes to a price in %(target)s. %(currency)s is inactive in Odoo: activate it (Currencies) and "
                    "choose a pricelist in %(currency)s for this price type to take these prices", **values))
            else:
                warnings.append(self.env._(
                    "Offers %(offers)s: a price of 1C price type «%(price_type)s» in %(currency)s was skipped: it "
                    "goes to a price in %(target)s", **values))
        return warnings

    def _import_stock(self, chunk, variants, warehouses, counts):
        """1C's stock per warehouse as Odoo inventory (when the stock app is installed): each 1C
        warehouse goes to the Odoo warehouse of the same name or code, else to the company's main
        one; a quantity that differs is applied as an inventory adjustment (a stock move with its
        history), an equal one is left alone. Products 1C counts become storable. ``variants`` {1C id:
        variant} are the batch's (:meth:`_offer_variants`)."""
        Product = self.env["product.product"].with_context(active_test=False)
        locations = self._stock_locations(warehouses)
        wanted = defaultdict(float)  # (variant id, location id) -> quantity
        for offer in chunk:
            variant = variants.get(offer["id"])  # a characteristic's stock is never its product's
            if not variant or variant.type != "consu":
                continue
            per_store = offer["stock"] or ({"": offer["quantity"]} if offer["quantity"] is not None else {})
            for store_id, quantity in per_store.items():
                wanted[variant.id, locations.get(store_id, locations[""]).id] += float(quantity or 0)
        if not wanted:
            return
        products = Product.browse({key[0] for key in wanted})
        products.product_tmpl_id.filtered(lambda t: not t.is_storable).is_storable = True
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        current = defaultdict(float)
        for quant in Quant.search([("product_id", "in", products.ids),
                                   ("location_id", "in", list({key[1] for key in wanted}))]):
            current[quant.product_id.id, quant.location_id.id] += quant.quantity
        changes = [{"product_id": product_id, "location_id": location_id, "inventory_quantity_auto_apply": quantity}
                   for (product_id, location_id), quantity in wanted.items()
                   if abs(current[product_id, location_id] - quantity) > 1e-6]
        if changes:
            Quant.create(changes)

    def _stock_locations(self, warehouses):
        """{1C warehouse id: stock location}; «» is the company's main warehouse."""
        Warehouse = self.env["stock.warehouse"]
        odoo = Warehouse.search([("company_id", "=", self.env.company.id)])
        main = odoo[:1]
        by_name = {w.name.strip().lower(): w for w in odoo} | {w.code.strip().lower(): w for w in odoo if w.code}
        locations = {"": main.lot_stock_id}
        for store_id, name in warehouses.items():
            locations[store_id] = by_name.get((name or "").strip().lower(), main).lot_stock_id
        return locations

    def _update_changed(self, table, column, sql_type, values):
        """``UPDATE table SET column`` from ``{id: value}`` in one statement, only where the value
        differs; returns the ids of the rows it changed."""
        self.env.cr.execute(SQL(
            "UPDATE %(table)s t SET %(column)s = v.value"
            "  FROM unnest(%(ids)s::int[], %(values)s::%(type)s[]) AS v(id, value)"
            " WHERE t.id = v.id AND t.%(column)s IS DISTINCT FROM v.value RETURNING t.id",
            table=SQL.identifier(table), column=SQL.identifier(column), type=SQL(sql_type),
            ids=list(values), values=list(values.values())))
        return {row[0] for row in self.env.cr.fetchall()}

    def _import_pricelist_prices(self, prices, tiers=None):
        """The prices of 1C's price types mapped to pricelists, ``{(pricelist id, applied_on, product
        or template id): (price, variant id)}``, as the pricelists' fixed prices, and ``tiers`` {same key:
        [(min quantity, price)]} as its items from those quantities on (``ecom_1c_tier``: 1C's, those it no
        longer gives removed; the store's own items of a quantity are left alone): the items of a batch found
        in one search, the missing ones created in one ``create``. Returns the ids of the variants whose
        price changed."""
        Item = self.env["product.pricelist.item"]
        precision = self.env["decimal.precision"].precision_get
        # quantities as the items store them: a tier of a package of 0.250571 m² is from 2.51 m² (10 planks) on
        # (one from less than the unit's precision, «МинКоличество» 0.001 of pieces, is from 0: the base's, which
        # it must not overwrite; it is left out)
        tiers = {key: [(rounded, amount) for rounded, amount in (
            (float_round(quantity, precision("Product Unit of Measure")), amount) for quantity, amount in listed)
            if rounded > 0] for key, listed in (tiers or {}).items()}
        items, stale = {}, Item
        for item in Item.search([
            ("pricelist_id", "in", list({key[0] for key in prices})), "|",
            "&", ("applied_on", "=", "0_product_variant"),
            ("product_id", "in", [key[2] for key in prices if key[1] == "0_product_variant"]),
            "&", ("applied_on", "=", "1_product"),
            ("product_tmpl_id", "in", [key[2] for key in prices if key[1] == "1_product"]),
        ]):
            target = item.product_id if item.applied_on == "0_product_variant" else item.product_tmpl_id
            key = (item.pricelist_id.id, item.applied_on, target.id)
            if not item.ecom_1c_tier:
                if item.min_quantity <= 0:  # the store's own items from a quantity are left alone
                    items.setdefault(key, item)  # the first, in order
            elif key in prices and item.min_quantity not in dict(tiers.get(key, ())):
                stale |= item
            else:
                items.setdefault((*key, item.min_quantity), item)
        changed, missing = set(), []
        wanted = [(key, 0, amount, variant_id) for key, (amount, variant_id) in prices.items()]
        wanted += [(key, quantity, amount, prices[key][1]) for key, listed in tiers.items() if key in prices
                   for quantity, amount in listed]
        for (pricelist_id, applied_on, target_id), quantity, amount, variant_id in wanted:
            key = (pricelist_id, applied_on, target_id, *((quantity,) if quantity else ()))
            item = items.get(key)
            if not item:
                missing.append({"pricelist_id": pricelist_id, "applied_on": applied_on, "fixed_price": amount,
                                "product_id" if applied_on == "0_product_variant" else "product_tmpl_id": target_id,
                                **({"min_quantity": quantity, "ecom_1c_tier": True} if quantity else {})})
            elif float_compare(item.fixed_price, amount, precision_digits=precision("Product Price")):
                item.fixed_price = amount
            else:
                continue
            changed.add(variant_id)
        if stale:
            changed.update(prices[(item.pricelist_id.id, item.applied_on, (
                item.product_id if item.applied_on == "0_product_variant" else item.product_tmpl_id).id)][1]
                for item in stale)
            stale.unlink()
        Item.create(missing)
        return changed

    def _import_sales_prices(self, prices, counts):
        """1C's sales prices ``{variant: price}`` of a batch of offers; returns the ids of the
        variants whose price changed.

        A product sells at the lowest price of its variants that 1C has priced, whichever exchange
        priced them: 1C sends only what changed by default, and a product's characteristics may fall
        in two batches. A variant 1C never priced (no price sent, or only prices skipped: another
        currency, no number) takes no part: every variant with a 1C id is made by the exchange, and
        its price in Odoo is the default one (1.0) until 1C prices it; a difference an administrator
        gave its value stays. A variant's difference from that lowest price is the «price extra»
        (Odoo's) of a value of its that no other variant of the product has: the value of a
        one-characteristic product, 3.1's «Артикул» of a characteristic given by its properties;
        the values it shares keep theirs. A variant with none of its own (several characteristics,
        each value shared) sells at the product's lowest price, with a warning."""
        Product = self.env["product.product"]
        templates = Product.browse([variant.id for variant in prices]).product_tmpl_id
        # the price of each sold variant of these products: this batch's, else the one 1C gave last;
        # one 1C never priced is left out (it would sell the product at Odoo's default 1.0)
        self.env.cr.execute(SQL(
            "SELECT id, ecom_1c_price FROM product_product"
            " WHERE product_tmpl_id = ANY(%s) AND active AND ecom_1c_id IS NOT NULL"
            " AND ecom_1c_price IS NOT NULL", templates.ids))
        stored = dict(self.env.cr.fetchall())
        # a characteristic archived on its own (1C marked it deleted: its prices file still prices it) keeps its
        # price for the day it is sold again, but sets no price of its product's
        known = {variant: float(stored[variant.id])
                 for variant in Product.browse(list(stored)) if variant not in prices} | {
            variant: price for variant, price in prices.items() if variant.active or not variant.product_tmpl_id.active}
        lowest = {}
        for variant, price in known.items():
            template_id = variant.product_tmpl_id.id
            lowest[template_id] = min(lowest.get(template_id, price), price)
        changed = self._update_changed("product_product", "ecom_1c_price", "numeric",
                                       {variant.id: price for variant, price in prices.items()})
        changed_templates = self._update_changed("product_template", "list_price", "numeric", lowest)
        Product.invalidate_model(["ecom_1c_price"])
        self.env["product.template"].invalidate_model(["list_price"])
        changed.update(variant.id for variant in known if variant.product_tmpl_id.id in changed_templates)
        for variant, price in known.items():
            if "#" not in variant.ecom_1c_id:
                continue  # the product itself: its price is the template's
            extra = round(price - lowest[variant.product_tmpl_id.id], 2)
            values = variant.product_template_attribute_value_ids
            # its own value (the first, in the attributes' order): no other variant's price moves with it
            own = values[:1] if len(values) == 1 else values.filtered(
                lambda value, variant=variant: value.ptav_product_variant_ids == variant)[:1]
            if own:
                extra = round(extra - sum((values - own).mapped("price_extra")), 2)
                if own.price_extra != extra:
                    own.price_extra = extra
                    changed.add(variant.id)
            elif extra and variant in prices:
                counts["warnings"].append(_("%(variant)s: 1C prices it at %(price)s, but a price per combination of "
                                            "several characteristics is not kept; the product's lowest price is used",
                                            variant=variant.display_name, price=price))
        return changed
