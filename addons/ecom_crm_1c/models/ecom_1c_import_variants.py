from collections import defaultdict
from contextlib import contextmanager

import psycopg2

from odoo import _, models
from odoo.exceptions import UserError
from odoo.fields import Command

from ..commerceml.characteristics import (
    BY_NAME,
    CHARACTERISTIC,
    MISSING,
    attribute_key,
    characteristic_label,
    characteristic_name,
    display_names,
    plan_combinations,
    split_id,
)
from ..tools.binder import bound
from ..tools.matching import article_key
from ..tools.savepoint import savepoint

# what may go wrong with one product's variants: it is skipped with a warning, the file goes on
PRODUCT_ERRORS = (UserError, ValueError, LookupError, psycopg2.IntegrityError, psycopg2.DataError)


class Ecom1cImportVariants(models.AbstractModel):
    """1C's characteristics as variants, for catalogs (schema 2.04 lists them as products
    «guid#characteristic») and offers (from 2.05 on, only offers name them): the attributes of
    characteristics, their values and the products' lines, the variant of each characteristic.
    The plan of which variant each characteristic makes is plain Python
    (:mod:`..commerceml.characteristics`)."""

    _inherit = "ecom.1c.importer"

    @contextmanager
    def _archived_kept(self, templates):
        """Archived variants of ``templates`` stay archived through a change of their lines: Odoo makes the
        variants of a template whose lines change again (``_create_variant_ids``) and sells again every archived
        one whose combination is possible (all of a product of dynamic variants), a characteristic 1C marked
        deleted or the variant of a product 1C deleted among them. Selling one again is the exchange's to decide
        (an offer naming it plainly, :meth:`_offer_variants`; a catalog naming it without its mark)."""
        archived = self.env["product.product"].with_context(active_test=False).search(
            [("product_tmpl_id", "in", templates.ids), ("active", "=", False)])
        yield
        revived = archived.filtered("active")
        if revived:
            revived.write({"active": False})

    def _ensure_variants(self, items, counts, articles=None):
        """{1C id: variant} for ``items`` ``(«guid#characteristic», «guid», {name: value}, name)``: the
        variant of the template «guid» for each characteristic, made if missing. ``articles``: {1C id: the
        article 1C gives it}, for the advice of characteristics skipped (:meth:`_own_variants_message`).

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
        found = bound(Product, unique)
        missing = [item for full_id, item in unique.items() if full_id not in found]
        if not missing:
            return found
        templates = bound(self.env["product.template"].with_context(active_test=False), {item[1] for item in missing})
        wanted = defaultdict(dict)  # template: {1C id: {characteristic: value}}, in 1C's order
        shown = self._characteristic_display_names(
            [n for _full_id, _key, values, _name in missing for n, v in values.items() if n and v])
        for full_id, key, values, name in missing:
            template = templates.get(key)
            # «цвет », «ЦВЕТ» and «Цвет» are one characteristic, shown as Odoo has it or as first named
            named = {}
            for n, v in values.items():
                if n and v:
                    named.setdefault(shown[n], v)
            values = named
            if template is None:
                counts["warnings"].append(_("Characteristic %s names no product imported from 1C", full_id))
            elif values:
                wanted[template][full_id] = values
            elif name:  # 1C:УТ names no values when characteristics have no properties: the name tells them apart
                wanted[template][full_id] = {
                    BY_NAME: characteristic_label(name, template.name, split_id(full_id)[1])}
            else:  # a prices or stock file naming a characteristic no exchange described
                counts["warnings"].append(
                    _("Characteristic %s has neither characteristic values nor a name: skipped", full_id))
        attributes = self._characteristic_attributes(
            {name for per_id in wanted.values() for values in per_id.values() for name in values},
            {template.ecom_1c_catalog_id for template in wanted})
        for template, per_id in wanted.items():
            product = template.name
            own = template.attribute_line_ids.filtered(
                lambda line: line.attribute_id.create_variant != "no_variant"
                and self._characteristic_of(line.attribute_id) is None)
            if own:
                # the store's own variants (a product made in Odoo, bound by its template's 1C id): 1C's
                # characteristics would replace them with variants lacking their values; none is guessed
                counts["warnings"].append(
                    self._own_variants_message(template, per_id, own.attribute_id, articles or {}))
                continue
            try:
                with savepoint(self.env.cr):
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

    def _own_variants_message(self, template, per_id, attributes, articles):
        """What the log says of the characteristics ``per_id`` skipped on ``template``, whose variants Odoo makes
        by the store's ``attributes``, and how to have 1C price and stock them: a variant holding its
        characteristic's 1C id is that characteristic; one having its article or barcode is bound to it by the next
        exchange naming it (:meth:`_bind_store_products`) when the company matches by that code (the store makes
        the variants its product lacks by its attributes), else the setting to choose. Characteristics to which
        1C gives all one article (``articles``: {1C id: article}; 1C:УНФ gives each its product's) cannot be told
        apart by it: their barcodes are the codes to give, by a mode matching barcodes."""
        values = {"product": template.name, "id": template.ecom_1c_id, "characteristics": ", ".join(per_id),
                  "attributes": ", ".join(attributes.mapped("name"))}
        mode = self.env.company.ecom_1c_match_by
        shared = {article_key(articles.get(full_id)) for full_id in per_id}
        if len(per_id) > 1 and len(shared) == 1 and None not in shared:
            values["article"] = articles[next(iter(per_id))]
            if mode in ("barcode", "article_barcode"):
                return self.env._(
                    "%(product)s (1C id %(id)s): its characteristics %(characteristics)s were skipped: the product's "
                    "variants are made in Odoo by its attributes %(attributes)s, and no code bound them to its "
                    "variants; 1C gives them all one article, «%(article)s», which tells none apart: to have 1C price "
                    "and stock them, give each variant the barcode its characteristic has in 1C (one no other product "
                    "of the store or of 1C's file has: the next exchange naming the characteristic binds them), "
                    "making by the product's attributes the variants it lacks, or give each variant the 1C id of its "
                    "characteristic («product id#characteristic id»)", **values)
            return self.env._(
                "%(product)s (1C id %(id)s): its characteristics %(characteristics)s were skipped: the product's "
                "variants are made in Odoo by its attributes %(attributes)s; 1C gives them all one article, "
                "«%(article)s», which tells none apart, their barcodes do: to have 1C price and stock them, have the "
                "store's products matched by barcode (Settings, Exchange with 1C: «Match the store's products not yet "
                "bound to 1C by»: «Barcode» or «Article, then barcode») and give each variant the barcode its "
                "characteristic has in 1C (one no other product of the store or of 1C's file has: the next exchange "
                "naming the characteristic binds them), making by the product's attributes the variants it lacks, or "
                "give each variant the 1C id of its characteristic («product id#characteristic id»)", **values)
        if mode == "none":
            return self.env._(
                "%(product)s (1C id %(id)s): its characteristics %(characteristics)s were skipped: the product's "
                "variants are made in Odoo by its attributes %(attributes)s; to have 1C price and stock them, give "
                "each variant the 1C id of its characteristic («product id#characteristic id»), or have the store's "
                "products matched by article or barcode (Settings, Exchange with 1C: «Match the store's products not "
                "yet bound to 1C by») and give each variant the article or barcode its characteristic has in 1C",
                **values)
        codes = {"article": self.env._("the article"), "barcode": self.env._("the barcode")}.get(mode) \
            or self.env._("the article or barcode")
        return self.env._(
            "%(product)s (1C id %(id)s): its characteristics %(characteristics)s were skipped: the product's variants "
            "are made in Odoo by its attributes %(attributes)s, and no code bound them to its variants; to have 1C "
            "price and stock them, give each variant %(codes)s its characteristic has in 1C (one no other product of "
            "the store or of 1C's file has: the next exchange naming the characteristic binds them), making by the "
            "product's attributes the variants it lacks, or give each variant the 1C id of its characteristic "
            "(«product id#characteristic id»)", codes=codes, **values)

    def _characteristic_display_names(self, names):
        """{name: the name it is shown by} of the characteristics ``names`` as 1C spells them
        (:func:`..commerceml.characteristics.display_names`): a spelling of a characteristic or a
        property-made characteristic Odoo has is its name there, first made first; a characteristic's
        («characteristic:<name>», which every catalog shares) before a property's (another catalog's
        property is not shared: :meth:`_characteristic_attributes`, and its spelling would make a new one)."""
        if not names:
            return {}
        known, by_property = [], []
        for attribute in self.env["product.attribute"].with_context(active_test=False).search_fetch(
                [("ecom_1c_id", "!=", False), ("create_variant", "=", "dynamic")], ["name", "ecom_1c_id"], order="id"):
            name = self._characteristic_of(attribute)
            if name:
                (known if characteristic_name(attribute.ecom_1c_id) is not None else by_property).append(name)
        return display_names(known + by_property, names)

    def _make_variants(self, template, per_id, attributes, counts):
        """{1C id: variant} for the new characteristics ``per_id`` ``{1C id: {characteristic: value}}`` of
        ``template``: the template's lines of characteristics hold their values, the variant of each
        combination is found or made. ``attributes`` {characteristic: attribute} names those of ``per_id``."""
        # a new characteristic weighs what 1C's last catalog weighed its product (1C gives the product's «Вес» only,
        # :meth:`_remember_weights`), not what the store weighed one of its sizes; a product of no 1C weight known
        # as its variants do: read before the lines change them (Odoo replaces the product's own variant when its
        # first line comes)
        weight = template.ecom_1c_weight or template.product_variant_ids[:1].weight
        lines = template.attribute_line_ids.filtered(lambda ln: self._characteristic_of(ln.attribute_id) is not None)
        by_name = {self._characteristic_of(line.attribute_id): line.attribute_id for line in lines} | {
            name: attributes[name] for values in per_id.values() for name in values}
        names, combinations, duplicates = plan_combinations(
            {name for name, attribute in by_name.items() if attribute in lines.attribute_id}, per_id)
        for full_id, other in duplicates.items():
            counts["warnings"].append(_("Characteristic %(characteristic)s has the same values as %(other)s: skipped",
                                        characteristic=full_id, other=other))
        with self._archived_kept(template):
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
                to_create.append({"product_tmpl_id": template.id, "ecom_1c_id": full_id, "weight": weight,
                                  "product_template_attribute_value_ids": [Command.set(values.ids)]})
        made.update({variant.ecom_1c_id: variant for variant in self.env["product.product"].create(to_create)})
        counts["created"] += len(made)
        return made

    def _characteristic_of(self, attribute):
        """The 1C characteristic ``attribute`` is, else None (a property, an attribute made in Odoo): the
        name its 1C id holds («characteristic:<name>»), or the name of the attribute of a property
        that makes variants (a characteristic made by name, 1C's property id attached to it since,
        :meth:`_property_attributes`)."""
        name = characteristic_name(attribute.ecom_1c_id)
        if name is None and attribute.ecom_1c_id and attribute.create_variant == "dynamic":
            return attribute.name
        return name

    def _characteristic_attributes(self, names, catalog_ids=()):
        """{name: attribute} of 1C characteristics, made on first sight; ``BY_NAME`` is the attribute
        «Characteristic» of characteristics told apart by their offer's name. A characteristic whose
        property 1C named since (:meth:`_property_attributes`) is found by its name for products of the
        catalogs ``catalog_ids`` when none but theirs have it: the attribute is that 1C's property's,
        which it renames, not another catalog's (another store's) to share."""
        Attribute = self.env["product.attribute"].with_context(active_test=False)
        keys = {attribute_key(name): name for name in names}
        attributes = bound(Attribute, keys)
        unbound = [keys[key] for key in keys if key not in attributes and keys[key] != BY_NAME]
        found = unbound and Attribute.search([("name", "in", unbound), ("create_variant", "=", "dynamic"),
                                              ("ecom_1c_id", "!=", False)], order="id").filtered(
            lambda attribute: characteristic_name(attribute.ecom_1c_id) is None)
        if found:
            others = self.env["product.template.attribute.line"].with_context(active_test=False).search([
                ("attribute_id", "in", found.ids), "|", ("product_tmpl_id.ecom_1c_catalog_id", "=", False),
                ("product_tmpl_id.ecom_1c_catalog_id", "not in", [c for c in catalog_ids if c])]).attribute_id
            for attribute in found - others:
                attributes.setdefault(attribute_key(attribute.name), attribute)
        new = [key for key in keys if key not in attributes]
        if new:
            for attribute in Attribute.create([{"name": keys[key] or self.env._("Characteristic"), "ecom_1c_id": key,
                                                "create_variant": "dynamic"} for key in new]):
                attributes[attribute.ecom_1c_id] = attribute
                if attribute.ecom_1c_id == CHARACTERISTIC:  # named in English and each language of the database
                    attribute.update_field_translations("name", {"en_US": "Characteristic"} | {
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
        line = line.with_context(ecom_1c_keep_used=True)  # Odoo's variants it replaces: archived if used
        if not line:
            line.create(
                {"product_tmpl_id": template.id, "attribute_id": attribute.id, "value_ids": [Command.set(values.ids)]})
        elif values - line.value_ids:
            line.value_ids = [Command.link(value.id) for value in values - line.value_ids]
