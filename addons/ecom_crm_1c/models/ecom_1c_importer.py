import base64
import hashlib
import os
import time
from itertools import islice

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from ..commerceml import UnsafePath, read_catalog, read_documents, read_offers, read_product_ids, safe_relative_path
from ..commerceml.reader import number
from ..tools.bulk import bulk_create, m2m_ids

BATCH = 500
IMAGE_LIMIT = 20 * 1024 * 1024
SINGLE_VARIANT_FIELDS = ("default_code", "weight", "volume")
VAT_NAMES = {"НДС", "VAT", ""}
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
}


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Ecom1cImporter(models.AbstractModel):
    """Apply CommerceML files to Odoo: the readers stream the file, this layer only looks records
    up by their 1C ids and creates or writes them in batches.

    Importing the same file twice changes nothing and creates nothing. A full exchange
    (СодержитТолькоИзменения="false") archives, never deletes, the products of that catalog it
    does not name; a delta touches only what it names.
    """

    _name = "ecom.1c.importer"
    _description = "CommerceML importer"

    # ------------------------------------------------------------------- steps
    def _counts(self, start):
        return {"created": 0, "updated": 0, "archived": 0, "warnings": [], "position": start, "done": False}

    def _apply_in_steps(self, items, counts, apply, deadline):
        """Apply ``items`` in batches, skipping the ``counts["position"]`` first (a previous step
        applied them), until they run out or ``deadline`` (``time.monotonic()``) passes; a later call
        with the returned position goes on from there. Every batch is idempotent, so a step that
        dies and is rolled back is simply done again."""
        for chunk in batched(islice(items, counts["position"], None), BATCH):
            apply(chunk)
            counts["position"] += len(chunk)
            if len(chunk) < BATCH:
                break  # the last, short batch: done without another call
            if deadline is not None and time.monotonic() >= deadline:
                return counts
        counts["done"] = True
        return counts

    # ------------------------------------------------------------------ catalog
    @api.model
    def _import_catalog(self, source, exchange=None, start=0, deadline=None, files_dir=None):
        """Import groups and products of a catalog file from product ``start`` on, until done or the
        ``deadline``; returns counts with the position reached and whether the file is done.

        ``files_dir`` is where the exchange unpacked the files next to it (images)."""
        counts = self._counts(start)
        catalog = {"id": None, "only_changes": None}
        groups = []

        def products():
            for kind, values in read_catalog(source):
                if kind == "catalog":
                    catalog["only_changes"] = values["only_changes"]
                elif kind == "catalog_id":
                    catalog["id"] = values["id"]
                elif kind == "group":
                    groups.append(values)
                elif kind == "product":
                    if groups:
                        self._import_groups(groups, counts)
                        groups.clear()
                    yield values

        def apply(chunk):
            self._import_products(chunk, catalog["id"], counts)
            if files_dir:
                self._import_images(chunk, files_dir, counts)

        self._apply_in_steps(products(), counts, apply, deadline)
        if not counts["done"]:
            return self._finish(exchange, counts)
        if groups:
            self._import_groups(groups, counts)
        if catalog["id"] and (catalog["only_changes"] or "").strip().lower() == "false":
            # a full exchange: what this catalog no longer names is archived, never deleted
            if hasattr(source, "seek"):
                source.seek(0)  # a file object: read it again from the start
            seen = set(read_product_ids(source))
            self.env.cr.execute(SQL("""
                SELECT id FROM product_template
                 WHERE ecom_1c_catalog_id = %s AND active AND ecom_1c_id IS NOT NULL AND ecom_1c_id != ALL(%s)
            """, catalog["id"], list(seen)))
            missing = self.env["product.template"].browse(row[0] for row in self.env.cr.fetchall())
            missing.action_archive()
            counts["archived"] += len(missing)
        return self._finish(exchange, counts)

    def _import_groups(self, groups, counts):
        """Groups as product categories, parents first (1C writes a group after its subgroups)."""
        Category = self.env["product.category"]
        parents = {g["id"]: g["parent_id"] for g in groups}

        def depth(group_id, seen=()):
            parent = parents.get(group_id)
            return 0 if not parent or parent not in parents or parent in seen else 1 + depth(parent, (*seen, group_id))

        wanted = list(parents) + [p for p in parents.values() if p]
        existing = {c.ecom_1c_id: c for c in Category.search([("ecom_1c_id", "in", wanted)])}
        for group in sorted(groups, key=lambda g: depth(g["id"])):
            parent = existing.get(group["parent_id"], Category)
            vals = {"name": group["name"] or group["id"], "parent_id": parent.id or False}
            category = existing.get(group["id"])
            if not category:
                existing[group["id"]] = Category.create({**vals, "ecom_1c_id": group["id"]})
                counts["created"] += 1
            elif category.name != vals["name"] or category.parent_id.id != vals["parent_id"]:
                category.write(vals)
                counts["updated"] += 1

    def _import_products(self, chunk, catalog_id, counts):
        Template = self.env["product.template"].with_context(active_test=False)
        ids = [p["id"] for p in chunk if p["id"]]
        existing = {t.ecom_1c_id: t for t in Template.search([("ecom_1c_id", "in", ids)])}
        groups = list({group for product in chunk for group in product["group_ids"]})
        categories = {c.ecom_1c_id: c for c in self.env["product.category"].search([("ecom_1c_id", "in", groups)])}
        default_categ = self.env.ref("product.product_category_all")
        to_create = []
        for product in chunk:
            if not product["id"]:
                counts["warnings"].append(_("A product without Ид was skipped: %s", product["name"]))
                continue
            category = next((categories[g] for g in product["group_ids"] if g in categories), default_categ)
            vals = {
                "name": product["name"] or product["article"] or product["id"],
                "default_code": product["article"] or False,
                "categ_id": category.id,
                "description_sale": product["description"] or False,
                "active": not product["deleted"],
                "ecom_1c_catalog_id": catalog_id,
            }
            template = existing.get(product["id"])
            if template is None:
                to_create.append((product, vals))
                continue
            changed = {k: v for k, v in vals.items() if (template[k].id if k == "categ_id" else template[k]) != v}
            if changed:
                template.write(changed)
                counts["updated"] += 1
        if to_create:
            self._create_products(to_create, counts)

    def _create_products(self, to_create, counts):
        """Templates and their single variant for new 1C products, set-based (:func:`bulk_create`):
        no chatter message per product; units and VAT rates mapped; a barcode another product
        already has is left out with a warning instead of failing the batch."""
        Template = self.env["product.template"]
        barcodes = self._free_barcodes([product for product, _vals in to_create], counts)
        uoms, taxes = {}, {}
        default_taxes = self._default_sale_taxes()
        template_vals = []
        for product, vals in to_create:
            unit = tuple(sorted(product["unit"].items()))
            if unit not in uoms:
                uoms[unit] = self._uom_for(product["unit"], counts)
            rate = next((r["rate"] for r in product["taxes"] if r["name"].strip().upper() in VAT_NAMES), None)
            if rate not in taxes:
                taxes[rate] = self._taxes_for(rate, default_taxes, counts)
            template_vals.append({
                **vals, "ecom_1c_id": product["id"], "type": "consu", "sale_ok": True,
                "weight": 0.0, "volume": 0.0, "has_configurable_attributes": False,
                "uom_id": uoms[unit].id, "uom_po_id": uoms[unit].id, "taxes_id": [Command.set(taxes[rate].ids)],
            })
        # a new product has one variant and no attributes: the fields Odoo copies between a template
        # and its single variant are given on both sides instead of being computed back and forth
        templates = bulk_create(Template, template_vals)
        copied = [Template._fields[name] for name in SINGLE_VARIANT_FIELDS]
        with self.env.protecting(copied, templates):
            bulk_create(self.env["product.product"], [
                {"product_tmpl_id": template.id, "ecom_1c_id": product["id"], "active": vals["active"],
                 "default_code": vals["default_code"], "barcode": barcodes.get(product["id"]) or False,
                 "weight": 0.0, "volume": 0.0, "combination_indices": ""}
                for template, (product, vals) in zip(templates, to_create, strict=True)])
        # `_get_variant_id_for_combination` and friends cache the variants of a template
        self.env.registry.clear_cache()
        counts["created"] += len(templates)

    def _import_images(self, chunk, files_dir, counts):
        """The first «Картинка» of each product, read from the files 1C sent with the catalog
        (``import_files/…``), as the product's image; an image that did not change is not written
        again, one that is missing or not an image is a warning."""
        wanted = {p["id"]: p["images"][0] for p in chunk if p["id"] and p["images"]}
        if not wanted:
            return
        templates = self.env["product.template"].with_context(active_test=False).search(
            [("ecom_1c_id", "in", list(wanted))])
        for template in templates:
            name = wanted[template.ecom_1c_id]
            try:
                path = os.path.join(files_dir, safe_relative_path(name))
            except UnsafePath as error:
                counts["warnings"].append(_("Image %(name)s refused: %(error)s", name=name, error=error))
                continue
            if not os.path.isfile(path):
                counts["warnings"].append(_("Image %s was not sent with the catalog", name))
                continue
            if os.path.getsize(path) > IMAGE_LIMIT:
                counts["warnings"].append(_("Image %s is larger than 20 MB: skipped", name))
                continue
            with open(path, "rb") as image:
                data = image.read()
            checksum = hashlib.sha1(data).hexdigest()
            if template.ecom_1c_image_checksum == checksum:
                continue
            try:
                with self.env.cr.savepoint():
                    template.write({"image_1920": base64.b64encode(data), "ecom_1c_image_checksum": checksum})
            except (UserError, ValueError, OSError) as error:
                counts["warnings"].append(_("Image %(name)s is not a usable image: %(error)s", name=name, error=error))

    def _free_barcodes(self, products, counts):
        """{1C id: barcode} for the barcodes no other product uses (Odoo requires them unique)."""
        wanted = {p["id"]: p["barcode"] for p in products if p["barcode"]}
        if not wanted:
            return {}
        self.env["product.product"].flush_model(["barcode"])
        self.env.cr.execute(SQL("SELECT barcode FROM product_product WHERE barcode = ANY(%s)",
                                list(set(wanted.values()))))
        taken = {row[0] for row in self.env.cr.fetchall()}
        free = {}
        for product_id, barcode in wanted.items():
            if barcode in taken:
                counts["warnings"].append(_("Barcode %(barcode)s of 1C product %(product)s is already used by "
                                            "another product: left empty", barcode=barcode, product=product_id))
                continue
            taken.add(barcode)
            free[product_id] = barcode
        return free

    def _uom_for(self, unit, counts):
        """The unit of measure 1C means by «БазоваяЕдиница» (OKEI code, international or Russian short
        name); Odoo's «Units», with a warning, for one we do not know."""
        keys = [key for key in (unit.get("code", "").lstrip("0"), unit.get("short", "").upper(),
                                unit.get("name", "").lower().rstrip(".")) if key]
        for key in keys:
            uom = UOM_BY_1C.get(key) and self.env.ref(UOM_BY_1C[key], raise_if_not_found=False)
            if uom:
                return uom
        if keys:
            counts["warnings"].append(_("Unknown 1C unit %s: Units used instead", " / ".join(keys)))
        return self.env.ref("uom.product_uom_unit")

    def _default_sale_taxes(self):
        value = self.env["product.template"].default_get(["taxes_id"]).get("taxes_id")
        return self.env["account.tax"].browse(m2m_ids(value))

    def _taxes_for(self, rate, default, counts):
        """Sales taxes for 1C's VAT rate («20», «10%», «Без НДС»): the company's percentage sales tax
        of that rate, none for «Без НДС», the default sales tax when 1C gives no rate or Odoo has
        no tax of that rate (with a warning)."""
        if rate is None:
            return default
        if rate.strip().lower().replace(" ", "") in ("безндс", "без", "none"):
            return self.env["account.tax"]
        amount = number(rate.replace("%", ""))
        tax = amount is not None and self.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("amount_type", "=", "percent"), ("amount", "=", float(amount)),
            ("company_id", "=", self.env.company.id)], limit=1)
        if not tax:
            counts["warnings"].append(_("No sales tax in Odoo for 1C's VAT rate %s: the default tax used", rate))
            return default
        return tax

    # ------------------------------------------------------------------- offers
    @api.model
    def _import_offers(self, source, exchange=None, start=0, deadline=None):
        """Import price types, prices and stock of an offers package from offer ``start`` on, until
        done or the ``deadline``; returns counts with the position reached."""
        counts = self._counts(start)
        price_types = {}

        def offers():
            for kind, values in read_offers(source):
                if kind == "price_type":
                    price_types[values["id"]] = values
                elif kind == "offer":
                    yield values

        def apply(chunk):
            if price_types:
                self._import_price_types(price_types, counts)
            self._import_offer_chunk(chunk, counts)

        self._apply_in_steps(offers(), counts, apply, deadline)
        if counts["done"] and price_types:
            self._import_price_types(price_types, counts)
        return self._finish(exchange, counts)

    def _import_price_types(self, price_types, counts):
        PriceType = self.env["ecom.1c.price.type"]
        known = set(PriceType.search([("ecom_1c_id", "in", list(price_types))]).mapped("ecom_1c_id"))
        new = [v for k, v in price_types.items() if k not in known]
        if new:
            # the first price type 1C ever sends is the sales price; others await a pricelist
            first = not PriceType.search_count([])
            PriceType.create([{"name": v["name"] or v["id"], "ecom_1c_id": v["id"], "currency_name": v["currency"],
                               "target": "list_price" if first and i == 0 else "pricelist"}
                              for i, v in enumerate(new)])
        price_types.clear()

    def _import_offer_chunk(self, chunk, counts):
        Product = self.env["product.product"].with_context(active_test=False)
        ids = {o["id"] for o in chunk} | {o["product_id"] for o in chunk}
        variants = {p.ecom_1c_id: p for p in Product.search([("ecom_1c_id", "in", list(ids))])}
        types = {t.ecom_1c_id: t for t in self.env["ecom.1c.price.type"].search(
            [("ecom_1c_id", "in", list({p["type_id"] for o in chunk for p in o["prices"]}))])}
        items = self.env["product.pricelist.item"]
        quantities, list_prices, changed_ids = {}, {}, set()
        for offer in chunk:
            variant = variants.get(offer["id"]) or variants.get(offer["product_id"])
            if not variant:
                counts["warnings"].append(_("Offer %s names no product imported from 1C", offer["id"]))
                continue
            changed = False
            if offer["quantity"] is not None:
                quantities[variant.id] = float(offer["quantity"])
            for price in offer["prices"]:
                price_type = types.get(price["type_id"])
                if price["price"] is None or not price_type or price_type.target == "ignore":
                    continue
                amount = float(price["price"] / (price["ratio"] or 1))
                if price_type.target == "list_price":
                    list_prices[variant.product_tmpl_id.id] = amount
                elif price_type.pricelist_id:
                    item = items.search([("pricelist_id", "=", price_type.pricelist_id.id),
                                         ("product_tmpl_id", "=", variant.product_tmpl_id.id),
                                         ("applied_on", "=", "1_product")], limit=1)
                    if not item:
                        items.create({"pricelist_id": price_type.pricelist_id.id, "applied_on": "1_product",
                                      "product_tmpl_id": variant.product_tmpl_id.id, "fixed_price": amount})
                        changed = True
                    elif item.fixed_price != amount:
                        item.fixed_price = amount
                        changed = True
            if changed:
                changed_ids.add(variant.id)
        # stock and sales prices of the whole batch in two UPDATEs, touching only what changed
        self.env.flush_all()
        if quantities:
            self.env.cr.execute(SQL("""
                UPDATE product_product p SET ecom_1c_qty = v.qty
                  FROM unnest(%s::int[], %s::float8[]) AS v(id, qty)
                 WHERE p.id = v.id AND p.ecom_1c_qty IS DISTINCT FROM v.qty
             RETURNING p.id
            """, list(quantities), list(quantities.values())))
            changed_ids.update(row[0] for row in self.env.cr.fetchall())
        if list_prices:
            self.env.cr.execute(SQL("""
                UPDATE product_template t SET list_price = v.price
                  FROM unnest(%s::int[], %s::numeric[]) AS v(id, price)
                 WHERE t.id = v.id AND t.list_price IS DISTINCT FROM v.price
             RETURNING t.id
            """, list(list_prices), list(list_prices.values())))
            changed_templates = {row[0] for row in self.env.cr.fetchall()}
            changed_ids.update(p.id for p in variants.values() if p.product_tmpl_id.id in changed_templates)
        self.env["product.product"].invalidate_model(["ecom_1c_qty"])
        self.env["product.template"].invalidate_model(["list_price"])
        counts["updated"] += len(changed_ids)

    # ---------------------------------------------------------------- documents
    @api.model
    def _import_documents(self, source, exchange=None, start=0, deadline=None):
        """Apply what 1C says of the site's orders: its number and date, posting, deletion mark,
        payment, shipping, cancellation and status (mapped to an action in the status table)."""
        counts = self._counts(start)
        actions = {m.name.strip().lower(): m.action for m in self.env["ecom.1c.status.map"].search([])}

        def apply(chunk):
            orders = self._match_orders(chunk)
            for document in chunk:
                order = orders.get(document["id"]) or orders.get(document["number"])
                if not order:
                    counts["warnings"].append(_("1C document %(number)s matches no order of the site",
                                                number=document["number"] or document["id"]))
                    continue
                vals = {"ecom_1c_number": document["number_1c"] or False, "ecom_1c_date": document["date_1c"] or False,
                        "ecom_1c_posted": document["posted"], "ecom_1c_deleted": document["deleted"],
                        "ecom_1c_paid": document["paid"], "ecom_1c_shipped": document["shipped"],
                        "ecom_1c_status": document["status"] or False}
                changed = {k: v for k, v in vals.items() if order[k] != v}
                if changed:
                    order.write(changed)
                action = actions.get(document["status"].lower(), "none")
                if (document["cancelled"] or document["deleted"] or action == "cancel") and order.state != "cancel":
                    order._action_cancel()
                    changed = True
                elif action == "lock" and order.state == "sale" and not order.locked:
                    order.action_lock()
                    changed = True
                counts["updated"] += int(bool(changed))

        self._apply_in_steps((values for _kind, values in read_documents(source)), counts, apply, deadline)
        return self._finish(exchange, counts)

    def _match_orders(self, documents):
        """Orders named by documents: our own Ид («odoo-order-<id>»), else the order number."""
        Order = self.env["sale.order"]
        ids = {int(d["id"].rsplit("-", 1)[1]): d["id"] for d in documents
               if d["id"].startswith("odoo-order-") and d["id"].rsplit("-", 1)[1].isdigit()}
        found = {ids[o.id]: o for o in Order.browse(list(ids)).exists()}
        numbers = [d["number"] for d in documents if d["number"]]
        found.update({o.name: o for o in Order.search([("name", "in", numbers)])})
        return found

    def _finish(self, exchange, counts):
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))  # each warning once, in order
        if exchange:
            for warning in counts["warnings"]:
                exchange._log(warning)
        return counts
