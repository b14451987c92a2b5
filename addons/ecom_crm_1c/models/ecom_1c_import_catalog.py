import base64
import hashlib
import os
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL, float_compare, float_round

from ..commerceml import (
    UnsafeDocument,
    UnsafePath,
    read_catalog,
    read_catalog_id,
    read_offer_ids,
    read_product_codes,
    read_product_ids,
    safe_relative_path,
    sniff,
)
from ..commerceml.characteristics import attribute_key, split_id
from ..commerceml.errors import reason
from ..commerceml.mapper import (
    MANUFACTURER_ID,
    add_manufacturers,
    is_without_vat,
    referenced_unit,
    template_values,
    unit_keys,
    uom_xmlids,
    vat_percent,
    vat_rate,
)
from ..commerceml.protocol import parse_version
from ..tools.binder import bound
from ..tools.bulk import bulk_create, m2m_ids
from ..tools.matching import shared_codes
from ..tools.savepoint import savepoint
from ..tools.weights import weight_takers

ANALYZE_AFTER = 5000  # products created in one step
IMAGE_LIMIT = 20 * 1024 * 1024
# the mark of a product's image lent by its first characteristic's picture (:meth:`_lend_variant_images`)
LENT = "variant:"
EMPTY_REF = "00000000-0000-0000-0000-000000000000"
SINGLE_VARIANT_FIELDS = ("default_code", "weight", "volume")
# the codes several products of a catalog file name (:func:`..tools.matching.shared_codes`), by (path, size,
# modification time, «match by»): reading a file of 100,000 products apart for them takes some 11 s, nearly half
# a 25-second step, and each step of the file's first catalog needs them; the worker that ran the step before keeps
# them for the next (another worker reads them again). The few last files only: a code named twice is rare
SHARED_CODES = {}
SHARED_CODES_KEPT = 4


def is_full(only_changes):
    """Whether the catalog's «СодержитТолькоИзменения» says it is whole («false»)."""
    return (only_changes or "").strip().lower() == "false"


class Ecom1cImportCatalog(models.AbstractModel):
    """The catalog (``import*.xml``): groups as categories, products and their characteristics,
    properties as attributes, images; a full exchange archives what it no longer names."""

    _inherit = "ecom.1c.importer"

    @api.model
    def _import_catalog(self, source, exchange=None, start=0, deadline=None, files_dir=None):
        """Import groups and products of a catalog file from product ``start`` on, until done or the
        ``deadline``; returns counts with the position reached and whether the file is done.

        ``files_dir`` is where the exchange unpacked the files next to it (images)."""
        counts = self._counts(start)
        catalog = {"id": None, "only_changes": None}
        groups, properties, price_types, categories, units = [], {}, {}, {}, {}

        def products():
            for kind, values in read_catalog(source):
                if kind == "document":
                    # up to 2.04, 1C lists a product's characteristics in its catalog («product#characteristic»);
                    # from 2.05 on, in its offers only
                    version = parse_version(values["version"])
                    catalog["lists_characteristics"] = bool(version) and version < (2, 5)
                elif kind == "catalog":
                    catalog["only_changes"] = values["only_changes"]
                elif kind == "catalog_id":
                    catalog["id"] = values["id"]
                elif kind == "group":
                    groups.append(values)
                elif kind == "category":
                    categories[values["id"]] = values
                elif kind == "property":
                    properties[values["id"]] = values
                elif kind == "price_type":  # schema 3 declares them in the classifier
                    price_types[values["id"]] = values
                elif kind == "unit":  # schema 3 too
                    units[values["id"]] = values
                elif kind == "product":
                    if units:
                        self._import_units(units)
                    if groups:
                        self._import_groups(groups, counts)
                        groups.clear()
                    yield values

        def file_codes():
            # the codes several products of the whole file name, read apart once a step (a path: read again beside
            # the products being read), when a batch of a file of several has the store's products to bind
            if "codes" not in catalog:
                catalog["codes"] = None
                if isinstance(source, str):
                    catalog["codes"] = self._file_shared_codes(source, read_product_codes)
            return catalog["codes"]

        def apply(chunk, last):
            # 1C's «Категории» are made categories for the products in no group that name them only
            # (1C:УТ 11's, kinds of items beside the products' groups, are no categories of the shop)
            needed = {p["group_ids"][0] for p in chunk if len(p["group_ids"]) == 1} & set(categories)
            if needed:
                self._import_groups([categories.pop(category_id) for category_id in sorted(needed)], counts)
            # a file of one batch is that batch: what it names twice, the batch knows
            alone = counts["position"] == 0 and last
            self._import_products(chunk, catalog["id"], counts, None if alone else file_codes,
                                  lists_characteristics=catalog.get("lists_characteristics", False))
            self._mark_named(chunk, listed=is_full(catalog["only_changes"]))
            if any(p["manufacturer"] for p in chunk):  # the name is translated once a batch, when needed
                if MANUFACTURER_ID not in properties:  # once a file
                    self._manufacturer_attribute()
                add_manufacturers(chunk, properties, _("Manufacturer"))
            self._import_product_properties(chunk, properties, counts)
            if files_dir:
                self._import_images(chunk, files_dir, counts)

        # a 1C product's characteristics, which a catalog up to 2.04 lists as products «product#characteristic», in
        # one batch: whether they bind one store product of variants is decided on all of them
        self._apply_in_steps(products(), counts, apply, deadline, key=lambda product: split_id(product["id"] or "")[0])
        if counts["created"] >= ANALYZE_AFTER:
            # the planner's statistics still describe the catalog before this step: the offers'
            # set-based updates would be planned for a table a fraction of its size
            self.env.flush_all()
            self.env.cr.execute("ANALYZE product_template, product_product")
        if not counts["done"]:
            return self._finish(exchange, counts)
        if groups:
            self._import_groups(groups, counts)
        if units:
            self._import_units(units)
        if properties:  # a classifier without products (schema 3 splits them) still brings its properties
            self._property_attributes(properties)
        if price_types:
            self._import_price_types(price_types, counts)
        if catalog["id"] and is_full(catalog["only_changes"]) and exchange and exchange._deactivates():
            # 1C deactivates by a request of its own after the last file of its unload (which may come
            # in several files and exchanges): nothing is archived before it asks
            exchange._log(_("Catalog %s unloaded whole: what it no longer names is archived when 1C asks "
                            "(mode=deactivate)", catalog["id"]), warning=False)
        elif catalog["id"] and is_full(catalog["only_changes"]):
            # a full exchange: what this catalog no longer names is archived, never deleted
            others = self._other_parts(source, catalog["id"], exchange, files_dir)
            if others is not None:  # else another part of the catalog is still to come: it archives
                if hasattr(source, "seek"):
                    source.seek(0)  # a file object: read it again from the start
                self._archive_missing(catalog["id"], set(read_product_ids(source)) | others, counts)
        self._give_awaited_barcodes(counts)
        return self._finish(exchange, counts)

    def _file_shared_codes(self, path, read_codes):
        """The codes several 1C products (or characteristics) of the file at ``path`` name, by the company's «match
        by» (:func:`..tools.matching.shared_codes` of ``read_codes(path)``, a reader of :mod:`..commerceml`): kept by
        the worker for the file's next steps (:data:`SHARED_CODES`), by the reader, the file's size and modification
        time and the setting. The value is kept in hand: another thread's import may drop it from the shared cache
        meanwhile."""
        mode, stat = self.env.company.ecom_1c_match_by, os.stat(path)
        key = (read_codes, path, stat.st_size, stat.st_mtime_ns, mode)
        codes = SHARED_CODES.get(key)
        if codes is None:
            codes = SHARED_CODES[key] = shared_codes(read_codes(path), mode)
            for old in list(SHARED_CODES)[:-SHARED_CODES_KEPT]:
                SHARED_CODES.pop(old, None)
        return codes

    def _mark_named(self, chunk, listed=False):
        """The products and characteristics a batch of a catalog names were named now: what 1C's
        deactivate archives is what no catalog named since its unload began (1C-Bitrix: not updated
        since then). A catalog of changes names them too: a product another exchange brought while
        1C unloaded its catalog whole is in 1C, made after the unload read it. A whole catalog
        (``listed``) also lists its products' characteristics (:meth:`_mark_characteristics`). One
        UPDATE a table."""
        ids = [p["id"] for p in chunk if p["id"]]
        if not ids:
            return
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE product_template SET ecom_1c_seen_at = %s WHERE ecom_1c_id = ANY(%s)",
                                fields.Datetime.now(), list({split_id(i)[0] for i in ids})))
        self.env["product.template"].invalidate_model(["ecom_1c_seen_at"])
        self._mark_characteristics([i for i in ids if "#" in i], listed)

    def _mark_characteristics(self, ids, listed=False):
        """The characteristics ``ids`` were named now (``ecom_1c_seen_at``): 1C's deactivate keeps them,
        whatever named them (a package of changes of another exchange: made in 1C after the unload read
        it). With ``listed``, by a whole list of the catalog's offers (or a whole catalog): their products'
        characteristics are that list's to decide, and those it did not name go at deactivate
        (``ecom_1c_listed_at``); a package of changes naming some characteristics of a product says
        nothing of the others. One UPDATE."""
        if not ids:
            return
        self.env.flush_all()
        columns = SQL("ecom_1c_seen_at = %(now)s, ecom_1c_listed_at = %(now)s" if listed else
                      "ecom_1c_seen_at = %(now)s", now=fields.Datetime.now())
        self.env.cr.execute(SQL("UPDATE product_product SET %s WHERE ecom_1c_id = ANY(%s)", columns, list(ids)))
        self.env["product.product"].invalidate_model(["ecom_1c_seen_at", "ecom_1c_listed_at"])

    @api.model
    def _archive_unnamed(self, catalog_ids, since, offered_ids=()):
        """1C's deactivate: the products of the catalogs ``catalog_ids`` (unloaded whole since ``since``)
        that no exchange named since then are archived, never deleted, and the characteristics no
        longer named of the products it lists by characteristic; of the catalogs ``offered_ids``
        (their offers list unloaded whole since then: from 2.05 on 1C lists characteristics in offers
        only), the characteristics no exchange named since then, of the products a whole list named
        some of (``ecom_1c_listed_at``: a package of changes, or of prices or stock, names what it
        names and says nothing of the others); a variant of no 1C id, the store's own, is never one of them.
        Returns ``(templates, variants)`` archived."""
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            SELECT id FROM product_template
             WHERE ecom_1c_catalog_id = ANY(%s) AND active AND ecom_1c_id IS NOT NULL
               AND (ecom_1c_seen_at IS NULL OR ecom_1c_seen_at < %s)
             ORDER BY id
        """, list(catalog_ids), since))
        templates = self.env["product.template"].browse(row[0] for row in self.env.cr.fetchall())
        templates.action_archive()
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pt.ecom_1c_catalog_id = ANY(%s) AND pt.active AND pp.active AND pp.ecom_1c_id IS NOT NULL
               AND (pp.ecom_1c_seen_at IS NULL OR pp.ecom_1c_seen_at < %s)
               AND EXISTS (SELECT FROM product_product named
                            WHERE named.product_tmpl_id = pt.id AND named.ecom_1c_listed_at >= %s)
             ORDER BY pp.id
        """, sorted(set(catalog_ids) | set(offered_ids)), since, since))
        variants = self.env["product.product"].browse(row[0] for row in self.env.cr.fetchall())
        variants.action_archive()
        return templates, variants

    def _other_parts(self, source, catalog_id, exchange, files_dir, kind="catalog"):
        """The ids the other files of this exchange holding the full catalog ``catalog_id`` name (1C may
        send a big catalog as several files, each «СодержитТолькоИзменения=false» with a part of the
        products), or None while one of them is still to be imported: the last one imported archives
        what none of them names. ``kind="offers"``: the whole lists of its offers, their offers'
        ``(id, marked for deletion)``."""
        if not (exchange and files_dir and isinstance(source, str)):
            return set()
        done = set(exchange.file_ids.filtered(lambda f: f.state == "done").mapped("name"))
        parts = []
        for name in sorted(os.listdir(files_dir)):
            path = os.path.join(files_dir, name)
            if not name.lower().endswith(".xml") or not os.path.isfile(path) or os.path.samefile(path, source):
                continue
            try:
                info = sniff(path)
                if info.kind != kind or info.only_changes is not False or read_catalog_id(path) != catalog_id \
                        or (kind == "offers" and "names" not in info.sections):
                    continue
            except UnsafeDocument:
                continue
            if name not in done:
                return None
            parts.append(path)
        # the parts' ids are read (each whole file) only once every part is imported
        read = read_offer_ids if kind == "offers" else read_product_ids
        return {item for path in parts for item in read(path)}

    def _archive_missing(self, catalog_id, seen, counts):
        """A full exchange of the catalog ``catalog_id`` named the products and characteristics
        ``seen``: the others of that catalog are archived, never deleted."""
        self.env.flush_all()  # the queries below read what this import wrote
        self.env.cr.execute(SQL("""
            SELECT id FROM product_template
             WHERE ecom_1c_catalog_id = %s AND active AND ecom_1c_id IS NOT NULL
               AND NOT EXISTS (SELECT FROM unnest(%s::varchar[]) AS seen(id) WHERE seen.id = ecom_1c_id)
        """, catalog_id, list({split_id(product_id)[0] for product_id in seen})))
        missing = self.env["product.template"].browse(row[0] for row in self.env.cr.fetchall())
        missing.action_archive()
        # and the characteristics (variants) no longer named, of the products it lists by characteristic
        # (from 2.05 on, 1C lists characteristics in offers only: those are not the catalog's to archive)
        gone = self._archive_unnamed_characteristics(catalog_id, seen)
        counts["archived"] += len(missing) + len(gone)

    def _import_groups(self, groups, counts):
        """Groups as product categories, parents first (1C writes a group after its subgroups)."""
        Category = self.env["product.category"]
        parents = {g["id"]: g["parent_id"] for g in groups}

        def depth(group_id, seen=()):
            parent = parents.get(group_id)
            return 0 if not parent or parent not in parents or parent in seen else 1 + depth(parent, (*seen, group_id))

        existing = bound(Category, list(parents) + [p for p in parents.values() if p])
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

    def _import_units(self, units):
        """The units a classifier declares, kept for the products naming them by «Ид» (in this file or
        the goods files after it); ``units`` is emptied."""
        Unit = self.env["ecom.1c.unit"]
        existing = bound(Unit, units)
        for unit_id, unit in units.items():
            vals = {"code": unit["code"], "short": unit["short"], "name": unit["name"]}
            if unit_id not in existing:
                Unit.create({**vals, "ecom_1c_id": unit_id})
            elif existing[unit_id]._as_1c_unit() != vals:
                existing[unit_id].write(vals)
        units.clear()

    def _import_products(self, chunk, catalog_id, counts, file_codes=None, lists_characteristics=False):
        """Create or update the templates of a batch of catalog products. A product whose Ид is
        «guid#characteristic» is a variant of the template «guid» (schema 2.04 lists each
        characteristic as a product): the template is made once, the variant by its characteristics.
        ``file_codes``, ``lists_characteristics``: see :meth:`_bind_store_products`."""
        Template = self.env["product.template"].with_context(active_test=False)
        existing = bound(Template, {split_id(p["id"])[0] for p in chunk if p["id"]})
        if self._bind_catalog_store_products(chunk, existing, counts, file_codes, lists_characteristics):
            existing = bound(Template, {split_id(p["id"])[0] for p in chunk if p["id"]})
        # a store's own product bound by its template's 1C id: its variant is the product 1C lists
        plain = {p["id"] for p in chunk if p["id"] and not split_id(p["id"])[1]}
        self._bind_own_variants([template for key, template in existing.items() if key in plain])
        categories = {group_id: category.id for group_id, category in bound(
            self.env["product.category"], {group for product in chunk for group in product["group_ids"]}).items()}
        default_categ = self.env.ref("product.product_category_all").id
        to_create, characteristics, done, revived = [], [], set(), Template
        weight = self._odoo_weight() if any(product.get("weight") for product in chunk) else None
        weights, written = {}, set()  # {template of several variants: 1C's weight}, the templates written
        remembered = {}  # {template: 1C's weight of it}, when it changed (:meth:`_remember_weights`)
        for product in chunk:
            if not product["id"]:
                counts["warnings"].append(_("A product without Ид was skipped: %s", product["name"]))
                continue
            key, characteristic = split_id(product["id"])
            if characteristic:
                characteristics.append((product["id"], key, product["characteristics"], product["name"]))
            if key in done:  # the template of another characteristic of this batch
                continue
            done.add(key)
            vals = template_values(product, catalog_id, categories, default_categ)
            if "weight" in vals:
                vals["weight"] = weight(vals["weight"])
            template = existing.get(key)
            if template is None:
                to_create.append(({**product, "id": key}, vals))
                continue
            changed = {k: v for k, v in vals.items() if (template[k].id if k == "categ_id" else template[k]) != v}
            if len(template.product_variant_ids) > 1:  # Odoo keeps the article of each variant, none of the product's
                changed.pop("default_code", None)
                # and the weight of each: 1C's is the product's, which its variants of no weight or of 1C's weight
                # before take (:meth:`_weigh_variants`)
                weighs = changed.pop("weight", vals.get("weight"))
                if weighs is not None:
                    weights[template] = weighs
            if "weight" in vals:
                remembered[template] = vals["weight"]
            if changed:
                if changed.get("active") and not template.active:
                    revived |= template
                template.write(changed)
                counts["updated"] += 1
                written.add(template)
        counts["updated"] += len(self._weigh_variants(weights) - written)
        # after the variants are weighed (by 1C's weight before), before new characteristics' variants are made
        self._remember_weights(remembered)
        self._revive_variants(revived)
        self._update_barcodes([p for p in chunk if p["barcode"] and split_id(p["id"])[0] in existing
                               and not split_id(p["id"])[1]], counts)
        if to_create:
            self._create_products(to_create, counts)
        if characteristics:
            variants = self._ensure_variants(characteristics, counts, {p["id"]: p["article"] for p in chunk})
            # 2.04 lists each characteristic as a product, with its own barcode: its variant's
            coded = [p for p in chunk
                     if p["barcode"] and p["id"] in variants and variants[p["id"]].barcode != p["barcode"]]
            free = self._free_barcodes(coded, counts, {p["id"]: variants[p["id"]].id for p in coded})
            self._write_variant_codes({"barcode": {variants[product_id].id: barcode
                                                   for product_id, barcode in free.items()}}, counts)
            deleted = {p["id"] for p in chunk if p["deleted"]}
            to_archive = self.env["product.product"].concat(
                *(variant for full_id, variant in variants.items() if full_id in deleted and variant.active))
            to_archive.action_archive()
            # one 1C names again without its mark (it took the mark back, or named again what it had dropped)
            # is sold again, as by its offer (:meth:`_offer_variants`)
            self._revive_variants(self.env["product.product"].concat(
                *(variant for full_id, variant in variants.items() if full_id not in deleted and not variant.active)))

    def _bind_catalog_store_products(self, chunk, existing, counts, file_codes=None, lists_characteristics=False):
        """The products of a batch of a catalog that the database does not know by their 1C ids (a product
        whose template ``existing`` {1C product id: template} does not hold, a characteristic of 2.04 whose
        variant none holds; not one 1C marks deleted) bound to the store's own products by article or barcode
        (:meth:`_bind_store_products`), to be updated as 1C's from then on. Returns the 1C ids bound."""
        characteristics = [p["id"] for p in chunk if p["id"] and split_id(p["id"])[1]]
        # nothing read (the setting neither) for a batch of products all known, as 1C's next catalogs are
        if not characteristics and all(p["id"] in existing for p in chunk if p["id"]):
            return set()
        if self.env.company.ecom_1c_match_by == "none":
            return set()
        known = set(bound(self.env["product.product"].with_context(active_test=False), characteristics)) \
            if characteristics else set()
        # not one 1C marks deleted: it would archive the store's product it bound
        wanted = [(p["id"], p["article"], p["barcode"]) for p in chunk if p["id"] and not p["deleted"] and (
            p["id"] not in known if split_id(p["id"])[1] else p["id"] not in existing)]
        return self._bind_store_products(wanted, counts, existing, [p["id"] for p in chunk if p["id"]], file_codes,
                                         lists_characteristics=lists_characteristics)

    def _bind_own_variants(self, templates):
        """The variant of each of ``templates`` (found by their 1C id, which 1C names as a product, not a
        characteristic) that has no 1C id gets its template's, when it is the template's only variant, archived
        ones counted, and no other variant holds that id: a product the store made itself and bound to 1C by
        its template's 1C id alone is then priced, stocked and given its barcode as a product 1C made. A
        template of several variants is left as it is: 1C names each by its characteristic's id
        («товар#характеристика»), never by the product's, and which one the product's id means is not guessed.
        Returns the variants bound. A product 1C made has its variant bound: nothing is read for it but its
        variant (read by the catalog anyway)."""
        Product = self.env["product.product"]
        alone = Product.concat(*(
            variants for variants in (template.with_context(active_test=False).product_variant_ids
                                      for template in templates)
            if len(variants) == 1 and not variants.ecom_1c_id))
        if not alone:
            return alone
        holders = set(bound(Product.with_context(active_test=False), alone.product_tmpl_id.mapped("ecom_1c_id")))
        alone = alone.filtered(lambda variant: variant.product_tmpl_id.ecom_1c_id not in holders)
        for variant in alone:
            variant.ecom_1c_id = variant.product_tmpl_id.ecom_1c_id
        return alone

    def _weigh_variants(self, weights):
        """The weight 1C gives a product, ``weights`` {template of several variants: weight in Odoo's unit}, on its
        variants (on sale): 1C's «Вес» is the product's, never a characteristic's. A variant weighing 1C's weight
        of the product before (``ecom_1c_weight``), or nothing, takes it; one the store weighed otherwise keeps its
        own. A product whose 1C weight is not known yet (made before the database remembered it, the store's
        product 1C just bound) is judged by its variants: of one weight or of none they all take it, of weights
        that differ among themselves (the store's sizes weighed each) only those of no weight
        (:func:`..tools.weights.weight_takers`). Returns the templates whose variants were written. Set-based: the
        variants read at once, one write a weight."""
        if not weights:
            return set()
        self.env["product.template"].concat(*weights).product_variant_ids.mapped("weight")  # read at once
        digits = self._weight_digits()
        to_write = defaultdict(list)  # weight: variant ids
        touched = set()
        for template, weight in weights.items():
            takers = weight_takers({variant.id: variant.weight for variant in template.product_variant_ids}, weight,
                                   template.ecom_1c_weight, digits)
            if takers:
                to_write[weight].extend(takers)
                touched.add(template)
        for weight, ids in to_write.items():
            self.env["product.product"].browse(ids).weight = weight
        return touched

    def _remember_weights(self, weights):
        """1C's weight of each product, ``weights`` {template: weight in Odoo's unit}, kept on it
        (``ecom_1c_weight``) where it changed: the next catalog tells the variants weighing it (1C's) from those the
        store weighed (:meth:`_weigh_variants`), a new characteristic's variant takes it. Not a change of the
        product the log counts. Set-based: one write a weight."""
        digits = self._weight_digits()
        to_write = defaultdict(list)  # weight: template ids
        for template, weight in weights.items():
            if float_compare(template.ecom_1c_weight, weight, precision_digits=digits) if digits is not None \
                    else template.ecom_1c_weight != weight:
                to_write[weight].append(template.id)
        for weight, ids in to_write.items():
            self.env["product.template"].browse(ids).ecom_1c_weight = weight

    def _weight_digits(self):
        """The decimal places Odoo keeps a weight to (None: as given)."""
        digits = self.env["product.template"]._fields["weight"].get_digits(self.env)
        return digits[1] if digits else None

    def _odoo_weight(self):
        """The function of 1C's «Вес» (kilograms: 1C-Bitrix's own exchange reads it so, ×1000 into its grams)
        to Odoo's weight: in the database's unit of weight (kilograms, pounds with «product.weight_in_lbs»),
        rounded as the field keeps it (0.125 kg kept as 0.13 would be changed again by the same file)."""
        Template = self.env["product.template"]
        unit, kg = Template._get_weight_uom_id_from_ir_config_parameter(), self.env.ref("uom.product_uom_kgm")
        digits = Template._fields["weight"].get_digits(self.env)

        def weight(kilograms):
            value = kilograms if unit == kg else kg._compute_quantity(kilograms, unit, round=False)
            return float_round(value, precision_digits=digits[1]) if digits else value
        return weight

    def _revive_variants(self, templates):
        """1C names again products that were archived (a full exchange no longer named them, or 1C
        marked them «Удален»): their 1C variants, archived with them, are sold again; Odoo's own
        unarchiving revives none of a template read with archived variants, nor a characteristic's.
        A characteristic 1C dropped meanwhile is archived again by the exchange that names the rest.
        ``templates`` may be variants too (characteristics 1C names again): those, of an active product."""
        variants = templates if templates._name == "product.product" else templates.product_variant_ids
        variants = variants.filtered(
            lambda v: not v.active and v.ecom_1c_id and v.product_tmpl_id.active
            and v.product_tmpl_id._is_combination_possible_by_config(
                v.product_template_attribute_value_ids, ignore_no_variant=True))
        variants.action_unarchive()

    def _create_products(self, to_create, counts):
        """Templates and their single variant for new 1C products, set-based (:func:`bulk_create`):
        no chatter message per product; units and VAT rates mapped; a barcode another product
        already has is left out with a warning instead of failing the batch."""
        Template = self.env["product.template"]
        barcodes = self._free_barcodes([product for product, _vals in to_create], counts)
        uoms, taxes = {}, {}
        default_taxes = self._default_sale_taxes()
        declared = {unit_id: unit._as_1c_unit() for unit_id, unit in bound(
            self.env["ecom.1c.unit"], {product["unit"].get("short") for product, _vals in to_create} - {""}).items()}
        template_vals = []
        for product, vals in to_create:
            product_unit = referenced_unit(product["unit"], declared)
            unit = tuple(sorted(product_unit.items()))
            if unit not in uoms:
                uoms[unit] = self._uom_for(product_unit, counts)
            rate = vat_rate(product["taxes"])
            if rate not in taxes:
                taxes[rate] = self._taxes_for(rate, default_taxes, counts)
            template_vals.append({
                # unpriced until 1C prices it: Odoo's default 1.00 would be quoted as a price nobody gave,
                # 0.00 on a quotation line is visibly one to ask for
                "type": "consu", "list_price": 0.0, **vals, "ecom_1c_id": product["id"], "sale_ok": True,
                "ecom_1c_made": True,  # a duplicate of a store's product gives way to it (_replace_duplicates)
                "weight": vals.get("weight", 0.0), "volume": 0.0, "has_configurable_attributes": False,
                "ecom_1c_weight": vals.get("weight", 0.0),  # 1C's weight of it (:meth:`_remember_weights`)
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
                 # one another product on sale holds: taken once that one is archived (_give_awaited_barcodes)
                 "ecom_1c_barcode_wanted": (product["id"] not in barcodes and product["barcode"]) or False,
                 "weight": vals.get("weight", 0.0), "volume": 0.0, "combination_indices": ""}
                for template, (product, vals) in zip(templates, to_create, strict=True)])
        # `_get_variant_id_for_combination` and friends cache the variants of a template
        self.env.registry.clear_cache()
        counts["created"] += len(templates)

    def _update_barcodes(self, products, counts):
        """The barcode 1C gives a product it made before (none then, or another one) on its variant,
        when no other product has it (nor gives it up in the same batch); a barcode 1C leaves empty leaves
        Odoo's as it is. Set-based (:meth:`_write_variant_codes`)."""
        variants = bound(self.env["product.product"].with_context(active_test=False), {p["id"] for p in products})
        changed = [p for p in products if p["id"] in variants and variants[p["id"]].barcode != p["barcode"]]
        free = self._free_barcodes(changed, counts, {p["id"]: variants[p["id"]].id for p in changed})
        self._write_variant_codes({"barcode": {variants[product_id].id: barcode
                                               for product_id, barcode in free.items()}}, counts)

    def _free_barcodes(self, products, counts, holders=None):
        """{1C id: barcode} for the barcodes no other product nor packaging uses (Odoo requires them unique
        among both: the products are written set-based, past the ORM's check); of two products of the batch
        wanting one barcode, the first, one 1C marks deleted after those it does not. ``holders`` {1C id:
        variant id} of ``products`` whose barcodes are written in one statement (:meth:`_write_variant_codes`):
        a barcode one of them holds and gives up for another in the same batch (1C moving it between
        characteristics, or swapping two) is free for the other, when that one gets its new one.

        1C is the master of barcodes: one an archived product holds (archived in Odoo, or by 1C's mark, in
        this batch or an exchange before) is free, the archived product gives it up (emptied, said in the
        exchange's log), so that no two products, archived ones included, hold one barcode; one an active
        product or a packaging holds is left out, with a warning."""
        wanted = {p["id"]: p["barcode"] for p in sorted(products, key=lambda p: bool(p.get("deleted")))
                  if p["barcode"]}
        if not wanted:
            return {}
        self.env.flush_all()  # the barcodes and what this batch archived, read below
        self.env.cr.execute(SQL(
            "SELECT pp.barcode, pp.id, pp.active AND pt.active FROM product_product pp"
            "  JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.barcode = ANY(%(codes)s)"
            " UNION ALL SELECT barcode, 0, TRUE FROM product_packaging WHERE barcode = ANY(%(codes)s)",
            codes=list(set(wanted.values()))))
        held = defaultdict(set)  # barcode: the ids of the variants holding it (0: a packaging)
        archived = set()  # the archived ones among them
        for barcode, variant_id, active in self.env.cr.fetchall():
            held[barcode].add(variant_id)
            if not active:
                archived.add(variant_id)
        holders = holders or {}
        moving = {holders[product_id]: product_id for product_id in wanted if product_id in holders}
        granted = dict(wanted)
        while True:  # what cannot be given is taken away until what remains is consistent (it only shrinks)
            refused, given = set(), set()
            for product_id, barcode in granted.items():
                own = holders.get(product_id)
                blocked = barcode in given or any(
                    holder != own and holder not in archived
                    and (holder not in moving or moving[holder] not in granted or granted[moving[holder]] == barcode)
                    for holder in held[barcode])
                if blocked:
                    refused.add(product_id)
                else:
                    given.add(barcode)
            if not refused:
                break
            granted = {product_id: barcode for product_id, barcode in granted.items() if product_id not in refused}
        for product_id, barcode in wanted.items():
            if product_id not in granted:
                counts["warnings"].append(_("Barcode %(barcode)s of 1C product %(product)s is already used by "
                                            "another product: left empty", barcode=barcode, product=product_id))
        # awaited by the variants refused it (given once its holder is archived: _give_awaited_barcodes), no more
        # by those given the barcode 1C gives them now (read from the variants as fetched: no query for none)
        Variant = self.env["product.product"]
        awaited = {holders[product_id]: barcode for product_id, barcode in wanted.items()
                   if product_id not in granted and product_id in holders}
        given_to = Variant.browse(holders[product_id] for product_id in granted if product_id in holders)
        awaited.update(dict.fromkeys(given_to.filtered("ecom_1c_barcode_wanted").ids))
        if awaited:
            self.env.flush_all()
            self.env.cr.execute(SQL(
                "UPDATE product_product t SET ecom_1c_barcode_wanted = v.barcode"
                "  FROM unnest(%(ids)s::int[], %(codes)s::varchar[]) AS v(id, barcode)"
                " WHERE t.id = v.id AND t.ecom_1c_barcode_wanted IS DISTINCT FROM v.barcode",
                ids=list(awaited), codes=list(awaited.values())))
            Variant.invalidate_model(["ecom_1c_barcode_wanted"])
        # the archived holders of the barcodes given give them up, unless they get another one in this batch
        yielding = {holder: (barcode, product_id) for product_id, barcode in granted.items()
                    for holder in held[barcode] - {holders.get(product_id)}
                    if holder in archived and not (holder in moving and moving[holder] in granted)}
        if yielding:
            Product = self.env["product.product"].with_context(active_test=False)
            for holder, (barcode, product_id) in sorted(yielding.items()):
                counts["warnings"].append(_(
                    "Barcode %(barcode)s goes to 1C product %(product)s: the archived product «%(holder)s» held it "
                    "and gives it up", barcode=barcode, product=product_id, holder=Product.browse(holder).display_name))
            self._write_variant_codes({"barcode": dict.fromkeys(yielding)}, counts)
        return granted

    def _give_awaited_barcodes(self, counts):
        """The barcodes 1C gave products on sale while another product on sale held them (left empty then, said;
        :meth:`_free_barcodes` keeps them awaited) whose holders are archived since (1C's deletion mark later in
        the file or an exchange after, a full catalog no longer naming them, 1C's deactivate, the store): each
        goes to the product awaiting it, the archived one giving it up, said, as :meth:`_free_barcodes` gives a
        barcode an archived product holds. Called once a file is imported to its end and after 1C's deactivate
        or a session's end archived: one query when none is awaited (an index of the awaited ones alone)."""
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            SELECT pp.ecom_1c_id, pp.ecom_1c_barcode_wanted, pp.id
              FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pp.ecom_1c_barcode_wanted IS NOT NULL AND pp.ecom_1c_id IS NOT NULL AND pp.active AND pt.active
               AND NOT EXISTS (SELECT FROM product_product holder
                                 JOIN product_template ht ON ht.id = holder.product_tmpl_id
                                WHERE holder.barcode = pp.ecom_1c_barcode_wanted AND holder.active AND ht.active)
               AND NOT EXISTS (SELECT FROM product_packaging pk WHERE pk.barcode = pp.ecom_1c_barcode_wanted)
             ORDER BY pp.id
        """))
        rows = self.env.cr.fetchall()
        if not rows:
            return
        holders = {product_id: variant_id for product_id, _barcode, variant_id in rows}
        free = self._free_barcodes([{"id": product_id, "barcode": barcode} for product_id, barcode, _v in rows],
                                   counts, holders)
        self._write_variant_codes({"barcode": {holders[product_id]: barcode for product_id, barcode in free.items()}},
                                  counts)

    def _write_variant_codes(self, columns, counts):
        """``columns`` {column: {variant id: value}} of ``product_product`` (barcode, default_code) written
        set-based, one UPDATE a column, only where they differ, with the write's date and author; what the
        ORM cached of them dropped and what depends on them recomputed. Counts each variant changed once."""
        columns = {column: values for column, values in columns.items() if values}
        if not columns:
            return
        self.env.flush_all()
        changed = set()
        for column, values in columns.items():
            self.env.cr.execute(SQL(
                "UPDATE product_product t SET %(column)s = v.value, write_date = %(now)s, write_uid = %(uid)s"
                "  FROM unnest(%(ids)s::int[], %(values)s::varchar[]) AS v(id, value)"
                " WHERE t.id = v.id AND t.%(column)s IS DISTINCT FROM v.value RETURNING t.id",
                column=SQL.identifier(column), now=self.env.cr.now(), uid=self.env.uid,
                ids=list(values), values=list(values.values())))
            changed.update(row[0] for row in self.env.cr.fetchall())
        variants = self.env["product.product"].browse(sorted(changed))
        fnames = [*columns, "write_date", "write_uid"]
        self.env["product.product"].invalidate_model(fnames)
        variants.modified(list(columns))  # the product's stored article (a single variant's), its barcode
        counts["updated"] += len(changed)

    def _uom_for(self, unit, counts):
        """The unit of measure 1C means by «БазоваяЕдиница» (OKEI code, international or Russian short
        name); Odoo's «Units», with a warning, for one we do not know."""
        for xmlid in uom_xmlids(unit):
            uom = self.env.ref(xmlid, raise_if_not_found=False)
            if uom:
                return uom
        if keys := unit_keys(unit):
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
        if is_without_vat(rate):
            return self.env["account.tax"]
        percent = vat_percent(rate)
        tax = percent is not None and self.env["account.tax"].search([
            ("type_tax_use", "=", "sale"), ("amount_type", "=", "percent"), ("amount", "=", percent),
            ("company_id", "=", self.env.company.id)], limit=1)
        if not tax:
            counts["warnings"].append(_("No sales tax in Odoo for 1C's VAT rate %s: the default tax used", rate))
            return default
        return tax

    # ------------------------------------------------------------ properties
    def _import_product_properties(self, chunk, properties, counts):
        """1C properties («ЗначенияСвойств») as product attributes that make no variants: one line per
        property and product, holding the product's value; a value 1C changed is replaced.

        Schema 3 may describe the properties in one file (the classifier) and name their values in
        another: what the file does not describe is looked up among the properties imported before."""
        wanted = {p["id"]: p["properties"] for p in chunk if p["id"] and p["properties"] and "#" not in p["id"]}
        if not wanted:
            return
        attributes = self._property_attributes(properties)
        unknown = {pid for values in wanted.values() for pid in values} - set(attributes)
        if unknown:
            attributes.update(bound(self.env["product.attribute"].with_context(active_test=False), unknown))
        # a characteristic's property (its attribute makes variants, :meth:`_property_attributes`) is no
        # property of a product, declared in this file or not: a line of it would make the product's variants
        variant_making = {pid: a for pid, a in attributes.items() if a.create_variant != "no_variant"}
        named = sorted({variant_making[pid].name for values in wanted.values() for pid in values
                        if pid in variant_making})
        if named:
            counts["warnings"].append(_(
                "1C properties %s are characteristics (their attributes make variants): not set as the properties "
                "of products", ", ".join(f"«{name}»" for name in named)))
        attributes = {pid: a for pid, a in attributes.items() if pid not in variant_making}
        templates = self.env["product.template"].with_context(active_test=False).search(
            [("ecom_1c_id", "in", list(wanted))])
        lines = {(ln.product_tmpl_id.id, ln.attribute_id.id): ln for ln in self.env[
            "product.template.attribute.line"].search([("product_tmpl_id", "in", templates.ids),
                                                       ("attribute_id", "in", [a.id for a in attributes.values()])])}
        # a property of several values (1C-Bitrix's exporter writes each of a multiple property's): all of them
        lists = {p["id"]: p.get("property_lists") or {} for p in chunk if p["id"] in wanted}
        pairs = [(template, attributes[property_id], raw) for template in templates
                 for property_id, first in wanted[template.ecom_1c_id].items() if property_id in attributes
                 for raw in lists[template.ecom_1c_id].get(property_id, [first]) if raw and raw != EMPTY_REF]
        values = self._property_values({(attribute, raw) for _template, attribute, raw in pairs}) if pairs else {}
        per_line = {}  # (template, attribute): its values, in 1C's order
        for template, attribute, raw in pairs:
            per_line.setdefault((template, attribute), self.env["product.attribute.value"])
            per_line[template, attribute] |= values[attribute.id, raw]
        to_create, changed = [], []
        for (template, attribute), value in per_line.items():
            line = lines.get((template.id, attribute.id))
            if not line:
                to_create.append({"product_tmpl_id": template.id, "attribute_id": attribute.id,
                                  "value_ids": [Command.set(value.ids)]})
            elif line.value_ids != value:
                changed.append((line, value))
        if not to_create and not changed:
            return
        # a product 1C deleted stays archived, its variant too (:meth:`_archived_kept`)
        Template = self.env["product.template"]
        touched = Template.browse({vals["product_tmpl_id"] for vals in to_create}) | Template.concat(
            *(line.product_tmpl_id for line, _value in changed))
        with self._archived_kept(touched):
            for line, value in changed:
                line.value_ids = [Command.set(value.ids)]
            if to_create:
                self.env["product.template.attribute.line"].create(to_create)

    def _manufacturer_attribute(self):
        """The attribute of the manufacturers 1C:УТ names (:func:`..commerceml.mapper.add_manufacturers`),
        made on first sight named in English and in each language of the database, as «Characteristic» is:
        one attribute of every catalog and store, found by its 1C id whatever the exchange's language, its
        English name «Manufacturer» even when a Russian store's exchange made it."""
        Attribute = self.env["product.attribute"].with_context(active_test=False)
        if Attribute.search_count([("ecom_1c_id", "=", MANUFACTURER_ID)], limit=1):
            return
        attribute = Attribute.create({"name": "Manufacturer", "ecom_1c_id": MANUFACTURER_ID,
                                      "create_variant": "no_variant"})
        languages = [lang for lang, _label in self.env["res.lang"].get_installed()]
        attribute.update_field_translations("name", {"en_US": "Manufacturer"} | {
            lang: self.with_context(lang=lang).env._("Manufacturer") for lang in languages})

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

    def _property_attributes(self, properties, catalog_id=None):
        """{1C property id: attribute} for the properties a file describes, made or renamed as 1C says,
        with their reference-list values (once per file). The properties of characteristics (3.1
        declares them in an offers file of the catalog ``catalog_id``) whose characteristic an exchange
        made by name before («ХарактеристикиТовара»: «Размер» = 42) are that characteristic's attribute,
        the property's 1C id attached to it: no attribute beside it, a product's one set of attributes.
        Not one that products of another catalog (another 1C base's, another store's) or made in Odoo
        have too: it stays theirs, renamed by no other 1C."""
        Attribute = self.env["product.attribute"].with_context(active_test=False)
        todo = {pid: prop for pid, prop in properties.items() if not prop.get("_imported")}
        attributes = bound(Attribute, properties)
        # «Размер » or «размер» is the characteristic «Размер» made before
        # (one spelling: :func:`..commerceml.characteristics.name_key`)
        unbound = [prop["name"] for pid, prop in todo.items() if prop["name"] and pid not in attributes]
        shown = self._characteristic_display_names(unbound) if catalog_id else {}
        by_name = bound(Attribute, {attribute_key(shown[name]): name for name in unbound}) if catalog_id else {}
        if by_name:
            others = self.env["product.template.attribute.line"].with_context(active_test=False).search([
                ("attribute_id", "in", [attribute.id for attribute in by_name.values()]),
                "|", ("product_tmpl_id.ecom_1c_catalog_id", "=", False),
                ("product_tmpl_id.ecom_1c_catalog_id", "!=", catalog_id)]).attribute_id
            by_name = {key: attribute for key, attribute in by_name.items() if attribute not in others}
        for property_id, prop in todo.items():
            name = prop["name"] or property_id
            attribute = attributes.get(property_id)
            key = attribute_key(shown.get(name, name))
            if attribute is None and by_name.get(key):
                attribute = attributes[property_id] = by_name.pop(key)
                attribute.ecom_1c_id = property_id
            elif attribute is None:
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

    # ---------------------------------------------------------------- images
    def _import_images(self, chunk, files_dir, counts):
        """The first «Картинка» of each product, read from the files 1C sent with the catalog
        (``import_files/…``), as the product's image; of a characteristic («guid#characteristic», which a
        catalog of 2.04 lists as a product), its variant's own (:meth:`_import_variant_images`). An image
        that did not change is not written again, one that is missing or not an image is a warning."""
        wanted = {p["id"]: p["images"][0] for p in chunk if p["id"] and p["images"]}
        if not wanted:
            return
        # the products' first: a characteristic's picture is compared with its product's, as 1C gives it now
        templates = self.env["product.template"].with_context(active_test=False).search(
            [("ecom_1c_id", "in", [full_id for full_id in wanted if "#" not in full_id])])
        for template in templates:
            name = wanted[template.ecom_1c_id]
            image = self._read_image(name, files_dir, counts)
            if image is None or template.ecom_1c_image_checksum == image[1]:
                continue
            self._write_image(template, {"image_1920": base64.b64encode(image[0]),
                                         "ecom_1c_image_checksum": image[1]}, name, counts)
        self._import_variant_images({full_id: name for full_id, name in wanted.items() if "#" in full_id},
                                    files_dir, counts)

    def _import_variant_images(self, wanted, files_dir, counts):
        """The pictures of characteristics ``wanted`` {«guid#characteristic»: the first «Картинка» of its
        offer, or of its product in a 2.04 catalog} as their variants' own images (``image_variant_1920``:
        the product's image stays the product's), read as the products' are (:meth:`_read_image`); one that
        did not change is not written again. The picture of its product (1C:УТ 11 may repeat it in each
        characteristic's offer, a product of one characteristic especially) is no image of the variant's own:
        the variant shows its product's, as Odoo shows it for a variant without one, not a copy the product's
        next picture would not replace (one it had before is removed). A characteristic without a variant
        (none made) is passed over: why it has none is said where its variant is made."""
        if not wanted:
            return
        variants = self.env["product.product"].with_context(active_test=False).search(
            [("ecom_1c_id", "in", list(wanted))])
        for variant in variants:
            name = wanted[variant.ecom_1c_id]
            image = self._read_image(name, files_dir, counts)
            if image is None:
                continue
            if image[1] == variant.product_tmpl_id.ecom_1c_image_checksum:
                if variant.ecom_1c_variant_image_checksum:
                    self._write_image(variant, {"image_variant_1920": False, "ecom_1c_variant_image_checksum": False},
                                      name, counts)
                continue
            if variant.ecom_1c_variant_image_checksum == image[1]:
                continue
            self._write_image(variant, {"image_variant_1920": base64.b64encode(image[0]),
                                        "ecom_1c_variant_image_checksum": image[1]}, name, counts)
        self._lend_variant_images(variants.product_tmpl_id, counts)

    def _lend_variant_images(self, templates, counts):
        """A product 1C gives no picture of its own whose characteristics on sale all have theirs shows its
        first variant's (the lowest id, active) in the shop's lists and kanban, which
        show the product's: the template's image is that picture, marked lent (``ecom_1c_image_checksum``
        «variant:<SHA-1>»), the same bytes the filestore keeps once. The product's own picture from 1C
        replaces it (its checksum differs), a picture the store gave the product is left alone; a lent one
        follows its variant's picture, and goes with it."""
        lent = templates.filtered(lambda t: (t.ecom_1c_image_checksum or "").startswith(LENT))
        own = set(self.env["ir.attachment"].sudo().search([
            ("res_model", "=", "product.template"), ("res_field", "=", "image_1920"),
            ("res_id", "in", (templates - lent).ids)]).mapped("res_id"))
        for template in templates:
            if template.id in own and template not in lent:
                continue
            # only when every variant on sale has its own: Odoo shows the product's image for a variant without
            # one, a blue size's order line would show the red one's picture
            variants = template.product_variant_ids
            lender = variants.sorted("id")[:1] if all(variants.mapped("ecom_1c_variant_image_checksum")) else \
                variants.browse()
            checksum = f"{LENT}{lender.ecom_1c_variant_image_checksum}" if lender else False
            if checksum == (template.ecom_1c_image_checksum or False) or (not lender and template not in lent):
                continue
            self._write_image(template, {"image_1920": lender.image_variant_1920 if lender else False,
                                         "ecom_1c_image_checksum": checksum}, lender.ecom_1c_id or "", counts)

    def _read_image(self, name, files_dir, counts):
        """``(bytes, SHA-1)`` of the image file ``name`` 1C sent with the catalog (a path relative to the
        exchange's files, no way out of them: :func:`..commerceml.safe_relative_path`), or None with a
        warning: a path refused, a file not sent, one larger than 20 MB."""
        try:
            path = os.path.join(files_dir, safe_relative_path(name))
        except UnsafePath as error:
            counts["warnings"].append(_("Image %(name)s refused: %(error)s", name=name,
                                        error=reason(error, self.env._)))
            return None
        if not os.path.isfile(path):
            counts["warnings"].append(_("Image %s was not sent with the catalog", name))
            return None
        if os.path.getsize(path) > IMAGE_LIMIT:
            counts["warnings"].append(_("Image %s is larger than 20 MB: skipped", name))
            return None
        with open(path, "rb") as image:
            data = image.read()
        return data, hashlib.sha1(data).hexdigest()

    def _write_image(self, record, vals, name, counts):
        """Write an image's ``vals`` on ``record``; a file that is no image Odoo reads is a warning, the
        rest goes on."""
        try:
            with savepoint(self.env.cr):
                record.write(vals)
        except (UserError, ValueError, OSError) as error:
            counts["warnings"].append(_("Image %(name)s is not a usable image: %(error)s", name=name, error=error))
