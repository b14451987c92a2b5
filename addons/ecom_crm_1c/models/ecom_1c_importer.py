import base64
import hashlib
import os
import time
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from itertools import islice

import psycopg2
import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL

from ..commerceml import UnsafePath, read_catalog, read_documents, read_offers, read_product_ids, safe_relative_path
from ..commerceml.characteristics import BY_NAME, MISSING, characteristic_label, plan_combinations
from ..commerceml.reader import number
from ..tools.bulk import bulk_create, m2m_ids

BATCH = 500
ORDER_OPERATIONS = {"Заказ товара", ""}
DELIVERY_ID = "ORDER_DELIVERY"  # the delivery line of CommerceML orders
# 1C id of a characteristic's attribute: «characteristic:<name>», or «characteristic» alone for the one
# of characteristics without values, told apart by their offer's name
CHARACTERISTIC = "characteristic"
# what may go wrong with one product's variants: it is skipped with a warning, the file goes on
PRODUCT_ERRORS = (UserError, ValueError, LookupError, psycopg2.IntegrityError, psycopg2.DataError)
ANALYZE_AFTER = 5000  # products created in one step
IMAGE_LIMIT = 20 * 1024 * 1024
EMPTY_REF = "00000000-0000-0000-0000-000000000000"
KIND_REQUISITES = ("ВидНоменклатуры", "ТипНоменклатуры")
SERVICE_KINDS = {"услуга", "работа"}
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
            # written: what the ORM cached of this batch is not needed again, and memory stays flat
            # however many batches a step holds
            self.env.flush_all()
            self.env.invalidate_all()
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
        groups, properties, price_types = [], {}, {}

        def products():
            for kind, values in read_catalog(source):
                if kind == "catalog":
                    catalog["only_changes"] = values["only_changes"]
                elif kind == "catalog_id":
                    catalog["id"] = values["id"]
                elif kind == "group":
                    groups.append(values)
                elif kind == "property":
                    properties[values["id"]] = values
                elif kind == "price_type":  # schema 3 declares them in the classifier
                    price_types[values["id"]] = values
                elif kind == "product":
                    if groups:
                        self._import_groups(groups, counts)
                        groups.clear()
                    yield values

        def apply(chunk):
            self._import_products(chunk, catalog["id"], counts)
            self._import_product_properties(chunk, properties, counts)
            if files_dir:
                self._import_images(chunk, files_dir, counts)

        self._apply_in_steps(products(), counts, apply, deadline)
        if counts["created"] >= ANALYZE_AFTER:
            # the planner's statistics still describe the catalog before this step: the offers'
            # set-based updates would be planned for a table a fraction of its size
            self.env.flush_all()
            self.env.cr.execute("ANALYZE product_template, product_product")
        if not counts["done"]:
            return self._finish(exchange, counts)
        if groups:
            self._import_groups(groups, counts)
        if properties:  # a classifier without products (schema 3 splits them) still brings its properties
            self._property_attributes(properties)
        if price_types:
            self._import_price_types(price_types, counts)
        if catalog["id"] and (catalog["only_changes"] or "").strip().lower() == "false":
            # a full exchange: what this catalog no longer names is archived, never deleted
            if hasattr(source, "seek"):
                source.seek(0)  # a file object: read it again from the start
            seen = set(read_product_ids(source))
            self.env.flush_all()  # the queries below read what this import wrote
            self.env.cr.execute(SQL("""
                SELECT id FROM product_template
                 WHERE ecom_1c_catalog_id = %s AND active AND ecom_1c_id IS NOT NULL
                   AND NOT EXISTS (SELECT FROM unnest(%s::varchar[]) AS seen(id) WHERE seen.id = ecom_1c_id)
            """, catalog["id"], list({product_id.partition("#")[0] for product_id in seen})))
            missing = self.env["product.template"].browse(row[0] for row in self.env.cr.fetchall())
            missing.action_archive()
            # and the characteristics (variants) no longer named, of the products it lists by characteristic
            # (from 2.05 on, 1C lists characteristics in offers only: those are not the catalog's to archive)
            self.env.cr.execute(SQL("""
                SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pt.ecom_1c_catalog_id = %s AND pt.active AND pp.active AND pt.ecom_1c_id = ANY(%s)
                   AND NOT EXISTS (SELECT FROM unnest(%s::varchar[]) AS seen(id) WHERE seen.id = pp.ecom_1c_id)
            """, catalog["id"], list({i.partition("#")[0] for i in seen if "#" in i}), list(seen)))
            gone = self.env["product.product"].browse(row[0] for row in self.env.cr.fetchall())
            gone.action_archive()
            counts["archived"] += len(missing) + len(gone)
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
        """Create or update the templates of a batch of catalog products. A product whose Ид is
        «guid#characteristic» is a variant of the template «guid» (schema 2.04 lists each
        characteristic as a product): the template is made once, the variant by its characteristics."""
        Template = self.env["product.template"].with_context(active_test=False)
        keys = {p["id"].partition("#")[0] for p in chunk if p["id"]}
        existing = {t.ecom_1c_id: t for t in Template.search([("ecom_1c_id", "in", list(keys))])}
        groups = list({group for product in chunk for group in product["group_ids"]})
        categories = {c.ecom_1c_id: c for c in self.env["product.category"].search([("ecom_1c_id", "in", groups)])}
        default_categ = self.env.ref("product.product_category_all")
        to_create, characteristics, done = [], [], set()
        for product in chunk:
            if not product["id"]:
                counts["warnings"].append(_("A product without Ид was skipped: %s", product["name"]))
                continue
            key, _sep, characteristic = product["id"].partition("#")
            if characteristic:
                characteristics.append((product["id"], key, product["characteristics"], product["name"]))
            if key in done:  # the template of another characteristic of this batch
                continue
            done.add(key)
            category = next((categories[g] for g in product["group_ids"] if g in categories), default_categ)
            vals = {
                "name": product["name"] or product["article"] or key,
                "default_code": product["article"] or False,
                "categ_id": category.id,
                "description_sale": product["description"] or False,
                "active": not product["deleted"] or bool(characteristic),
                "ecom_1c_catalog_id": catalog_id,
            }
            if SERVICE_KINDS & {product["requisites"].get(name, "").strip().lower() for name in KIND_REQUISITES}:
                vals["type"] = "service"
            template = existing.get(key)
            if template is None:
                to_create.append(({**product, "id": key}, vals))
                continue
            changed = {k: v for k, v in vals.items() if (template[k].id if k == "categ_id" else template[k]) != v}
            if len(template.product_variant_ids) > 1:  # Odoo keeps the article of each variant, none of the product's
                changed.pop("default_code", None)
            if changed:
                template.write(changed)
                counts["updated"] += 1
        if to_create:
            self._create_products(to_create, counts)
        if characteristics:
            variants = self._ensure_variants(characteristics, counts)
            deleted = {p["id"] for p in chunk if p["deleted"]}
            to_archive = self.env["product.product"].concat(
                *(variant for full_id, variant in variants.items() if full_id in deleted and variant.active))
            to_archive.action_archive()

    def _ensure_variants(self, items, counts):
        """{1C id: variant} for ``items`` ``(«guid#characteristic», «guid», {name: value}, name)``: the
        variant of the template «guid» for each characteristic, made if missing.

        A characteristic is an attribute that makes variants only as they are named (Odoo's «dynamic»
        variants), so 1C's combinations exist and no others. Every variant of a product has a value
        for each of the product's characteristics, «—» for one its offer does not name; a
        characteristic without values is told apart by its offer's ``name``
        (:mod:`..commerceml.characteristics`). A product whose variants cannot be made is skipped
        with a warning naming it, the rest goes on: its characteristics stay without variant, and
        their offers are not applied to anything else."""
        Product = self.env["product.product"].with_context(active_test=False)
        unique = {}
        for item in items:
            unique.setdefault(item[0], item)
        found = {p.ecom_1c_id: p for p in Product.search([("ecom_1c_id", "in", list(unique))])}
        missing = [item for full_id, item in unique.items() if full_id not in found]
        if not missing:
            return found
        templates = {t.ecom_1c_id: t for t in self.env["product.template"].with_context(active_test=False).search(
            [("ecom_1c_id", "in", list({item[1] for item in missing}))])}
        wanted = defaultdict(dict)  # template: {1C id: {characteristic: value}}, in 1C's order
        for full_id, key, values, name in missing:
            template = templates.get(key)
            values = {n: v for n, v in values.items() if n and v}
            if template is None:
                counts["warnings"].append(_("Characteristic %s names no product imported from 1C", full_id))
            elif values:
                wanted[template][full_id] = values
            elif name:  # 1C:УТ names no values when characteristics have no properties: the name tells them apart
                wanted[template][full_id] = {
                    BY_NAME: characteristic_label(name, template.name, full_id.partition("#")[2])}
            else:  # a prices or stock file naming a characteristic no exchange described
                counts["warnings"].append(
                    _("Characteristic %s has neither characteristic values nor a name: skipped", full_id))
        attributes = self._characteristic_attributes(
            {name for per_id in wanted.values() for values in per_id.values() for name in values})
        for template, per_id in wanted.items():
            product = template.name
            try:
                with self.env.cr.savepoint():
                    found.update(self._make_variants(template, per_id, attributes, counts))
            except PRODUCT_ERRORS as error:
                # the savepoint undid this product's lines and variants, not what the caches remember of them
                self.env.invalidate_all()
                self.env.registry.clear_cache()
                counts["warnings"].append(_(
                    "%(product)s (1C id %(id)s) was skipped: its characteristics %(characteristics)s cannot be made "
                    "its variants (%(error)s)", product=product, id=template.ecom_1c_id,
                    characteristics=", ".join(per_id), error=error))
        return found

    def _make_variants(self, template, per_id, attributes, counts):
        """{1C id: variant} for the new characteristics ``per_id`` ``{1C id: {characteristic: value}}`` of
        ``template``: the template's lines of characteristics hold their values, the variant of each
        combination is found or made. ``attributes`` {characteristic: attribute} names those of ``per_id``."""
        lines = template.attribute_line_ids.filtered(lambda ln: self._characteristic_name(ln.attribute_id) is not None)
        by_name = {self._characteristic_name(line.attribute_id): line.attribute_id for line in lines} | {
            name: attributes[name] for values in per_id.values() for name in values}
        names, combinations, duplicates = plan_combinations(
            {name for name, attribute in by_name.items() if attribute in lines.attribute_id}, per_id)
        for full_id, other in duplicates.items():
            counts["warnings"].append(_("Characteristic %(characteristic)s has the same values as %(other)s: skipped",
                                        characteristic=full_id, other=other))
        for name in names:
            attribute = by_name[name]
            if lines and attribute not in lines.attribute_id:
                # a characteristic new to a product with variants: its line first holds «—» only, which
                # Odoo gives every variant (a line's only value), so that the variants made before stay
                self._add_line_values(template, attribute, self._attribute_values(attribute, [MISSING]))
            self._add_line_values(template, attribute, self._attribute_values(
                attribute, list(dict.fromkeys(combination[name] for combination in combinations.values()))))
        ptavs = template.valid_product_template_attribute_line_ids.product_template_value_ids._only_active()
        index = {(ptav.attribute_id, ptav.name): ptav for ptav in ptavs}
        made, to_create = {}, []
        for full_id, combination in combinations.items():
            values = ptavs.browse([index[by_name[name], value].id for name, value in combination.items()])
            variant = template._get_variant_for_combination(values)
            if "#" in (variant.ecom_1c_id or ""):  # another characteristic of the same values, made before
                counts["warnings"].append(_("Characteristic %(characteristic)s has the same values as %(other)s: "
                                            "skipped", characteristic=full_id, other=variant.ecom_1c_id))
            elif variant:  # the product's own variant, which Odoo gave the line's only value
                variant.ecom_1c_id = full_id
                made[full_id] = variant
            else:
                to_create.append({"product_tmpl_id": template.id, "ecom_1c_id": full_id,
                                  "product_template_attribute_value_ids": [Command.set(values.ids)]})
        made.update({variant.ecom_1c_id: variant for variant in self.env["product.product"].create(to_create)})
        counts["created"] += len(made)
        return made

    @staticmethod
    def _characteristic_name(attribute):
        """The 1C name of a characteristic's attribute (``BY_NAME`` for the one of characteristics told
        apart by their offer's name), None for an attribute that is no 1C characteristic."""
        key = attribute.ecom_1c_id or ""
        if key == CHARACTERISTIC:
            return BY_NAME
        return key.removeprefix(f"{CHARACTERISTIC}:") if key.startswith(f"{CHARACTERISTIC}:") else None

    def _characteristic_attributes(self, names):
        """{name: attribute} of 1C characteristics, made on first sight; ``BY_NAME`` is the attribute
        «Characteristic» of characteristics told apart by their offer's name."""
        Attribute = self.env["product.attribute"].with_context(active_test=False)
        keys = {(CHARACTERISTIC if name == BY_NAME else f"{CHARACTERISTIC}:{name}"): name for name in names}
        attributes = {a.ecom_1c_id: a for a in Attribute.search([("ecom_1c_id", "in", list(keys))])}
        new = [key for key in keys if key not in attributes]
        if new:
            for attribute in Attribute.create([{"name": keys[key] or _("Characteristic"), "ecom_1c_id": key,
                                                "create_variant": "dynamic"} for key in new]):
                attributes[attribute.ecom_1c_id] = attribute
                if attribute.ecom_1c_id == CHARACTERISTIC:  # named in each language of the database
                    attribute.update_field_translations("name", {
                        lang: self.with_context(lang=lang).env._("Characteristic")
                        for lang, _label in self.env["res.lang"].get_installed()})
        return {keys[key]: attribute for key, attribute in attributes.items()}

    def _attribute_values(self, attribute, names, ids=None):
        """The values named ``names`` of ``attribute``, made if missing (``ids``: {name: 1C value id})."""
        Value = self.env["product.attribute.value"].with_context(active_test=False)
        existing = {v.name: v for v in attribute.value_ids}
        new = [name for name in names if name not in existing]
        if new:
            for value in Value.create([{"attribute_id": attribute.id, "name": name,
                                        "ecom_1c_id": (ids or {}).get(name) or False} for name in new]):
                existing[value.name] = value
        return Value.concat(*(existing[name] for name in names))

    def _add_line_values(self, template, attribute, values):
        """Make sure ``template`` has a line of ``attribute`` holding ``values`` (adding, never removing)."""
        line = template.attribute_line_ids.filtered(lambda ln: ln.attribute_id == attribute)
        if not line:
            self.env["product.template.attribute.line"].create(
                {"product_tmpl_id": template.id, "attribute_id": attribute.id, "value_ids": [Command.set(values.ids)]})
        elif values - line.value_ids:
            line.value_ids = [Command.link(value.id) for value in values - line.value_ids]

    def _import_product_properties(self, chunk, properties, counts):
        """1C properties («ЗначенияСвойств») as product attributes that make no variants: one line per
        property and product, holding the product's value; a value 1C changed is replaced.

        Schema 3 may describe the properties in one file (the classifier) and name their values in
        another: what the file does not describe is looked up among the properties imported before."""
        wanted = {p["id"].partition("#")[0]: p["properties"] for p in chunk
                  if p["id"] and p["properties"] and "#" not in p["id"]}
        if not wanted:
            return
        attributes = self._property_attributes(properties)
        unknown = {pid for values in wanted.values() for pid in values} - set(attributes)
        if unknown:
            attributes.update({a.ecom_1c_id: a for a in self.env["product.attribute"].with_context(
                active_test=False).search([("ecom_1c_id", "in", list(unknown))])})
        templates = self.env["product.template"].with_context(active_test=False).search(
            [("ecom_1c_id", "in", list(wanted))])
        lines = {(ln.product_tmpl_id.id, ln.attribute_id.id): ln for ln in self.env[
            "product.template.attribute.line"].search([("product_tmpl_id", "in", templates.ids),
                                                       ("attribute_id", "in", [a.id for a in attributes.values()])])}
        pairs = [(template, attributes[property_id], raw) for template in templates
                 for property_id, raw in wanted[template.ecom_1c_id].items()
                 if property_id in attributes and raw and raw != EMPTY_REF]
        values = self._property_values({(attribute, raw) for _template, attribute, raw in pairs}) if pairs else {}
        to_create = []
        for template, attribute, raw in pairs:
            value = values[attribute.id, raw]
            line = lines.get((template.id, attribute.id))
            if not line:
                to_create.append({"product_tmpl_id": template.id, "attribute_id": attribute.id,
                                  "value_ids": [Command.set(value.ids)]})
            elif line.value_ids != value:
                line.value_ids = [Command.set(value.ids)]
        if to_create:
            self.env["product.template.attribute.line"].create(to_create)

    def _property_values(self, pairs):
        """{(attribute id, raw): value} for the ``(attribute, raw)`` a batch names: a reference-list
        value by its 1C id, else the value of that name, made if missing; one search and one create
        per batch (a property such as a marketplace code has a value per product)."""
        Value = self.env["product.attribute.value"].with_context(active_test=False)
        raws = list({raw for _attribute, raw in pairs})
        found = Value.search([("attribute_id", "in", list({a.id for a, _raw in pairs})),
                              "|", ("ecom_1c_id", "in", raws), ("name", "in", raws)])
        by_name = {(v.attribute_id.id, v.name): v for v in found}
        by_ref = {(v.attribute_id.id, v.ecom_1c_id): v for v in found if v.ecom_1c_id}
        missing = {(a.id, raw) for a, raw in pairs if (a.id, raw) not in by_ref and (a.id, raw) not in by_name}
        if missing:
            for value in Value.create([{"attribute_id": a, "name": raw} for a, raw in sorted(missing)]):
                by_name[value.attribute_id.id, value.name] = value
        return {(a.id, raw): by_ref.get((a.id, raw)) or by_name[a.id, raw] for a, raw in pairs}

    def _property_attributes(self, properties):
        """{1C property id: attribute} for the properties a file describes, made or renamed as 1C says,
        with their reference-list values (once per file)."""
        Attribute = self.env["product.attribute"].with_context(active_test=False)
        todo = {pid: prop for pid, prop in properties.items() if not prop.get("_imported")}
        attributes = {a.ecom_1c_id: a for a in Attribute.search([("ecom_1c_id", "in", list(properties))])}
        for property_id, prop in todo.items():
            name = prop["name"] or property_id
            attribute = attributes.get(property_id)
            if attribute is None:
                attribute = attributes[property_id] = Attribute.create(
                    {"name": name, "ecom_1c_id": property_id, "create_variant": "no_variant"})
            elif attribute.name != name:
                attribute.name = name
            reference = {value: value_id for value_id, value in prop["values"].items() if value}
            if reference:
                values = self._attribute_values(attribute, list(reference), reference)
                for value in values.filtered(lambda v: not v.ecom_1c_id):
                    value.ecom_1c_id = reference[value.name]
            prop["_imported"] = True
        return attributes

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
                "type": "consu", **vals, "ecom_1c_id": product["id"], "sale_ok": True,
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
        price_types, warehouses = {}, {}

        def offers():
            for kind, values in read_offers(source):
                if kind == "price_type":
                    price_types[values["id"]] = values
                elif kind == "warehouse":
                    warehouses[values["id"]] = values["name"]
                elif kind == "offer":
                    yield values

        def apply(chunk):
            if price_types:
                self._import_price_types(price_types, counts)
            self._import_offer_chunk(chunk, counts)
            if "stock.quant" in self.env:  # Odoo's inventory is installed: 1C's stock goes there too
                self._import_stock(chunk, warehouses, counts)

        self._apply_in_steps(offers(), counts, apply, deadline)
        if counts["done"] and price_types:
            self._import_price_types(price_types, counts)
        return self._finish(exchange, counts)

    def _import_price_types(self, price_types, counts):
        """The price types 1C declares (2.x offers packages, schema 3's classifier), made on first sight
        for an administrator to map in Price types."""
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

    def _offer_variants(self, chunk, counts):
        """{1C id: variant} for the offers of ``chunk``: an offer «guid#characteristic» is its own
        variant, made now if the catalog did not list it, never the product «guid»'s."""
        Product = self.env["product.product"].with_context(active_test=False)
        ids = list({o["id"] for o in chunk})
        variants = {p.ecom_1c_id: p for p in Product.search([("ecom_1c_id", "in", ids)])}
        characteristics = [(o["id"], o["product_id"], o["characteristics"], o["name"]) for o in chunk
                           if o["characteristic_id"] and o["id"] not in variants]
        if characteristics:
            self._ensure_variants(characteristics, counts)
            # a product's own variant goes when its characteristics become variants: look them up again
            variants = {p.ecom_1c_id: p for p in Product.search([("ecom_1c_id", "in", ids)])}
        return variants

    def _import_offer_chunk(self, chunk, counts):
        variants = self._offer_variants(chunk, counts)
        types = {t.ecom_1c_id: t for t in self.env["ecom.1c.price.type"].search(
            [("ecom_1c_id", "in", list({p["type_id"] for o in chunk for p in o["prices"]}))])}
        quantities, sales_prices, pricelist_prices, changed_ids = {}, {}, {}, set()
        undeclared, unmapped, not_numbers = set(), set(), []
        for offer in chunk:
            variant = variants.get(offer["id"])
            if not variant:
                if not offer["characteristic_id"]:  # a characteristic's reason is given where its variant is made
                    counts["warnings"].append(_("Offer %s names no product imported from 1C", offer["id"]))
                continue
            if offer["quantity"] is not None:
                quantities[variant.id] = float(offer["quantity"])
            for price in offer["prices"]:
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
                amount = float(price["price"] / (price["ratio"] or 1))
                characteristic = "#" in (variant.ecom_1c_id or "")
                if price_type.target == "list_price":
                    sales_prices[variant] = amount
                else:
                    # a characteristic's price is its variant's, a product's its template's
                    target = ("0_product_variant", variant.id) if characteristic else \
                        ("1_product", variant.product_tmpl_id.id)
                    pricelist_prices[price_type.pricelist_id.id, *target] = (amount, variant.id)
        # no price is dropped without a word in the exchange log
        counts["warnings"].extend(_("Prices of 1C price type %s were skipped: no file of 1C declares that price "
                                    "type (ТипыЦен)", type_id) for type_id in sorted(undeclared))
        counts["warnings"].extend(_("Prices of 1C price type «%s» were skipped: choose its pricelist in 1C exchange > "
                                    "Price types", name) for name in sorted(unmapped))
        if not_numbers:
            counts["warnings"].append(_("Offers %s: a price that is not a number was skipped", ", ".join(not_numbers)))
        # stock, sales prices and pricelists' prices of the whole batch set-based, touching only what changed
        self.env.flush_all()
        if quantities:
            changed_ids.update(self._update_changed("product_product", "ecom_1c_qty", "float8", quantities))
        self.env["product.product"].invalidate_model(["ecom_1c_qty"])
        if sales_prices:
            changed_ids.update(self._import_sales_prices(sales_prices, counts))
        if pricelist_prices:
            changed_ids.update(self._import_pricelist_prices(pricelist_prices))
        counts["updated"] += len(changed_ids)

    def _import_stock(self, chunk, warehouses, counts):
        """1C's stock per warehouse as Odoo inventory (when the stock app is installed): each 1C
        warehouse goes to the Odoo warehouse of the same name or code, else to the company's main
        one; a quantity that differs is applied as an inventory adjustment (a stock move with its
        history), an equal one is left alone. Products 1C counts become storable."""
        Product = self.env["product.product"].with_context(active_test=False)
        variants = {p.ecom_1c_id: p for p in Product.search([("ecom_1c_id", "in", list({o["id"] for o in chunk}))])}
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

    def _import_pricelist_prices(self, prices):
        """The prices of 1C's price types mapped to pricelists, ``{(pricelist id, applied_on, product
        or template id): (price, variant id)}``, as the pricelists' fixed prices: the items of a
        batch found in one search, the missing ones created in one ``create``. Returns the ids of
        the variants whose price changed."""
        Item = self.env["product.pricelist.item"]
        items = {}
        for item in Item.search([
            ("pricelist_id", "in", list({key[0] for key in prices})), "|",
            "&", ("applied_on", "=", "0_product_variant"),
            ("product_id", "in", [key[2] for key in prices if key[1] == "0_product_variant"]),
            "&", ("applied_on", "=", "1_product"),
            ("product_tmpl_id", "in", [key[2] for key in prices if key[1] == "1_product"]),
        ]):
            target = item.product_id if item.applied_on == "0_product_variant" else item.product_tmpl_id
            items.setdefault((item.pricelist_id.id, item.applied_on, target.id), item)  # the first, in order
        changed, missing = set(), []
        for (pricelist_id, applied_on, target_id), (amount, variant_id) in prices.items():
            item = items.get((pricelist_id, applied_on, target_id))
            if not item:
                missing.append({"pricelist_id": pricelist_id, "applied_on": applied_on, "fixed_price": amount,
                                "product_id" if applied_on == "0_product_variant" else "product_tmpl_id": target_id})
            elif item.fixed_price != amount:
                item.fixed_price = amount
            else:
                continue
            changed.add(variant_id)
        Item.create(missing)
        return changed

    def _import_sales_prices(self, prices, counts):
        """1C's sales prices ``{variant: price}`` of a batch of offers; returns the ids of the
        variants whose price changed.

        A product sells at the lowest price of its variants that 1C has priced, whichever exchange
        priced them: 1C sends only what changed by default, and a product's characteristics may fall
        in two batches. Each value of a one-characteristic product adds its variant's difference
        (Odoo's «price extra»); with several characteristics the differences cannot be told apart:
        the lowest price is kept, with a warning."""
        Product = self.env["product.product"]
        templates = Product.browse([variant.id for variant in prices]).product_tmpl_id
        # the price of each sold variant of these products: this batch's, else the one 1C gave last
        # (variants priced before 1C's prices were kept: the price they sell at, taken before it moves)
        self.env.cr.execute(SQL(
            "SELECT id, ecom_1c_price FROM product_product"
            " WHERE product_tmpl_id = ANY(%s) AND active AND ecom_1c_id IS NOT NULL", templates.ids))
        stored = dict(self.env.cr.fetchall())
        known = {variant: variant.lst_price if stored[variant.id] is None else float(stored[variant.id])
                 for variant in Product.browse(list(stored)) if variant not in prices} | prices
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
            if len(values) == 1:
                if values.price_extra != extra:
                    values.price_extra = extra
                    changed.add(variant.id)
            elif extra and variant in prices:
                counts["warnings"].append(_("%(variant)s: 1C prices it at %(price)s, but a price per combination of "
                                            "several characteristics is not kept; the product's lowest price is used",
                                            variant=variant.display_name, price=price))
        return changed

    # ---------------------------------------------------------------- documents
    @api.model
    def _import_documents(self, source, exchange=None, start=0, deadline=None):
        """Apply what 1C says of the site's orders: its number and date, posting, deletion mark,
        payment, shipping, cancellation and status (mapped to an action in the status table)."""
        counts = self._counts(start)
        actions = {m.name.strip().lower(): m.action for m in self.env["ecom.1c.status.map"].search([])}
        two_way = self.env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.order_direction") == "two_way"

        def apply(chunk):
            orders = self._match_orders(chunk)
            for document in chunk:
                order = orders.get(document["id"]) or orders.get(document["number"])
                if not order and document["operation"] in ORDER_OPERATIONS and document["lines"]:
                    order = self._order_from_1c(document, counts)
                    if not order:
                        continue
                elif not order:
                    counts["warnings"].append(_("1C document %(number)s matches no order of the site",
                                                number=document["number"] or document["id"]))
                    continue
                elif two_way and document["lines"] and order.state in ("draft", "sent", "sale") and not order.locked:
                    if self._apply_1c_lines(order, document, counts):
                        counts["updated"] += 1
                # an order made in 1C is numbered by 1C; a site's order gets its 1C number as a requisite
                number_1c = document["number_1c"] or (order.ecom_1c_id and document["number"])
                vals = {"ecom_1c_number": number_1c or False, "ecom_1c_date": document["date_1c"] or False,
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

    def _order_from_1c(self, document, counts):
        """A sale order for an order created in 1C (a phone order taken by 1C's operator): the customer
        found by 1C id, phone or email, or made; lines by the products' 1C ids. An order naming a
        product the site does not have is not created (warning): the next exchange tries again."""
        lines, unknown = self._order_lines_from_1c(document["lines"])
        if unknown or not lines:
            counts["warnings"].append(_("1C order %(number)s was not created: unknown products %(products)s",
                                        number=document["number"] or document["id"], products=", ".join(unknown)))
            return None
        partner = self._partner_from_1c(document["customer"])
        if not partner:
            counts["warnings"].append(_("1C order %s was not created: it names no customer",
                                        document["number"] or document["id"]))
            return None
        order = self.env["sale.order"].create({
            "partner_id": partner.id, "ecom_1c_id": document["id"] or False,
            "ecom_1c_number": document["number_1c"] or document["number"] or False,
            "client_order_ref": document["number"] or False, "origin": _("1C"),
            "date_order": self._datetime_from_1c(document["date"], document["time"]) or fields.Datetime.now(),
            "note": document["comment"] or False,
            "order_line": [Command.create(vals) for vals in lines],
        })
        if document["posted"] and not (document["cancelled"] or document["deleted"]):
            date = order.date_order
            order.action_confirm()
            order.date_order = date  # confirming dates an order today; this one was taken when 1C says
        order.message_post(body=_("Created from 1C order %s", document["number"] or document["id"]))
        counts["created"] += 1
        return order

    def _order_lines_from_1c(self, items):
        """``(line values, names of unknown products)`` for the «Товары» of a 1C document."""
        Product = self.env["product.product"].with_context(active_test=False)
        ids = {item["id"] for item in items} | {item["id"].partition("#")[0] for item in items}
        products = {p.ecom_1c_id: p for p in Product.search([("ecom_1c_id", "in", list(ids))])}
        lines, unknown = [], []
        for item in items:
            product = products.get(item["id"]) or products.get(item["id"].partition("#")[0])
            if item["id"] == DELIVERY_ID and not product:
                product = self.env.ref("ecom_crm_1c.product_delivery_1c", raise_if_not_found=False) or Product
            if not product:
                unknown.append(item["name"] or item["id"])
                continue
            qty = float(item["qty"] or 0)
            price = item["price"] if item["price"] is not None else (item["amount"] or 0) / Decimal(qty or 1)
            lines.append({"product_id": product.id, "product_uom_qty": qty, "price_unit": float(price),
                          "name": item["name"] or product.display_name})
        return lines, unknown

    def _apply_1c_lines(self, order, document, counts):
        """Two-way exchange: 1C changed the lines of a site's order; quantities and prices follow 1C,
        lines 1C added are added, lines it dropped go to quantity 0 (never deleted). True if changed."""
        lines, unknown = self._order_lines_from_1c(document["lines"])
        if unknown:
            counts["warnings"].append(_("1C order %(number)s: unknown products %(products)s, lines not applied",
                                        number=order.name, products=", ".join(unknown)))
            return False
        wanted = {vals["product_id"]: vals for vals in lines}
        commands = []
        for line in order.order_line.filtered(lambda ln: not ln.display_type):
            vals = wanted.pop(line.product_id.id, None)
            if vals is None:
                if line.product_uom_qty:
                    commands.append(Command.update(line.id, {"product_uom_qty": 0}))
            elif line.product_uom_qty != vals["product_uom_qty"] or line.price_unit != vals["price_unit"]:
                commands.append(Command.update(line.id, {"product_uom_qty": vals["product_uom_qty"],
                                                         "price_unit": vals["price_unit"]}))
        commands += [Command.create(vals) for vals in wanted.values()]
        if not commands:
            return False
        order.write({"order_line": commands})
        order.message_post(body=_("Lines changed in 1C (document %s)", document["number"] or document["id"]))
        return True

    def _partner_from_1c(self, customer):
        """The customer of a 1C document: by its 1C id, else by phone or email (the CRM's one customer
        base), else a new customer with the name parts 1C sent."""
        if not customer or not (customer.get("id") or customer.get("name")):
            return self.env["res.partner"]
        Partner = self.env["res.partner"].with_context(active_test=False)
        partner = customer["id"] and Partner.search([("ecom_1c_id", "=", customer["id"])], limit=1)
        if not partner:
            partner = Partner._ecom_match_customer(next(iter(customer["phones"]), None),
                                                   next(iter(customer["emails"]), None))
        if partner:
            if customer["id"] and not partner.ecom_1c_id:
                partner.ecom_1c_id = customer["id"]
            return partner
        vals = {"ecom_1c_id": customer["id"] or False, "phone": next(iter(customer["phones"]), False),
                "email": next(iter(customer["emails"]), False), "zip": customer["zip"] or False,
                "city": customer["city"] or False, "street": customer["street"] or customer["address"] or False}
        if customer["lastname"] or customer["firstname"]:
            vals.update(lastname=customer["lastname"] or False, firstname=customer["firstname"] or False,
                        patronymic=customer["patronymic"] or False)
        else:
            vals["name"] = customer["name"]
        return Partner.create(vals)

    def _datetime_from_1c(self, date, time_of_day):
        """1C's local «Дата» and «Время» as a UTC datetime (the exchange user's timezone, else Moscow)."""
        if not date:
            return None
        try:
            local = datetime.strptime(f"{date[:10]} {(time_of_day or '00:00:00')[:8]}", "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None
        zone = pytz.timezone(self.env.user.tz or "Europe/Moscow")
        return zone.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def _match_orders(self, documents):
        """Orders named by documents: our own Ид («odoo-order-<id>»), else the order number."""
        Order = self.env["sale.order"]
        ids = {int(d["id"].rsplit("-", 1)[1]): d["id"] for d in documents
               if d["id"].startswith("odoo-order-") and d["id"].rsplit("-", 1)[1].isdigit()}
        found = {ids[o.id]: o for o in Order.browse(list(ids)).exists()}
        numbers = [d["number"] for d in documents if d["number"]]
        found.update({o.name: o for o in Order.search([("name", "in", numbers)])})
        created_in_1c = [d["id"] for d in documents if d["id"] and d["id"] not in found]
        found.update({o.ecom_1c_id: o for o in Order.search([("ecom_1c_id", "in", created_in_1c)])})
        return found

    def _finish(self, exchange, counts):
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))  # each warning once, in order
        if exchange:
            # and once in the exchange's log, whichever step or file of the exchange said it first
            logged = set((exchange.messages or "").splitlines())
            for warning in counts["warnings"]:
                if warning not in logged:
                    exchange._log(warning)
        return counts
