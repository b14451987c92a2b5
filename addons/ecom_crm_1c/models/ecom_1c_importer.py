from itertools import islice

from odoo import _, api, models
from odoo.tools import SQL

from ..commerceml import read_catalog, read_documents, read_offers

BATCH = 500


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

    # ------------------------------------------------------------------ catalog
    @api.model
    def _import_catalog(self, source, exchange=None):
        """Import groups and products of a catalog file; returns counts."""
        counts = {"created": 0, "updated": 0, "archived": 0, "warnings": []}
        catalog = {"id": None, "only_changes": None}
        groups, seen = [], set()

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

        for chunk in batched(products(), BATCH):
            self._import_products(chunk, catalog["id"], counts)
            seen.update(p["id"] for p in chunk)
        if groups:
            self._import_groups(groups, counts)
        if catalog["id"] and (catalog["only_changes"] or "").strip().lower() == "false":
            missing = self.env["product.template"].search(
                [("ecom_1c_catalog_id", "=", catalog["id"]), ("ecom_1c_id", "not in", list(seen))])
            missing.action_archive()
            counts["archived"] += len(missing)
        return self._finish(exchange, counts)

    def _import_groups(self, groups, counts):
        Category = self.env["product.category"]
        existing = {c.ecom_1c_id: c for c in Category.search([("ecom_1c_id", "in", [g["id"] for g in groups])])}
        for group in groups:  # in document order: a parent comes before its children
            parent = existing.get(group["parent_id"]) or Category.search(
                [("ecom_1c_id", "=", group["parent_id"])], limit=1) if group["parent_id"] else Category
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
                to_create.append({**vals, "ecom_1c_id": product["id"], "type": "consu", "sale_ok": True,
                                  "barcode": product["barcode"] or False})
                continue
            changed = {k: v for k, v in vals.items() if (template[k].id if k == "categ_id" else template[k]) != v}
            if changed:
                template.write(changed)
                counts["updated"] += 1
        if to_create:
            created = Template.create(to_create)
            # the template's single variant answers to the same 1C id in offers: one UPDATE for the batch
            self.env.flush_all()
            self.env.cr.execute(SQL("""
                UPDATE product_product pp SET ecom_1c_id = pt.ecom_1c_id
                  FROM product_template pt
                 WHERE pp.product_tmpl_id = pt.id AND pt.id = ANY(%s)
            """, created.ids))
            self.env["product.product"].invalidate_model(["ecom_1c_id"])
            counts["created"] += len(created)

    # ------------------------------------------------------------------- offers
    @api.model
    def _import_offers(self, source, exchange=None):
        """Import price types, prices and stock of an offers package; returns counts."""
        counts = {"created": 0, "updated": 0, "archived": 0, "warnings": []}
        price_types = {}

        def offers():
            for kind, values in read_offers(source):
                if kind == "price_type":
                    price_types[values["id"]] = values
                elif kind == "offer":
                    yield values

        for chunk in batched(offers(), BATCH):
            if price_types:
                self._import_price_types(price_types, counts)
            self._import_offer_chunk(chunk, counts)
        if price_types:
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
    def _import_documents(self, source, exchange=None):
        """Apply what 1C says of the site's orders: its number and date, posting, deletion mark,
        payment, shipping, cancellation and status (mapped to an action in the status table)."""
        counts = {"created": 0, "updated": 0, "archived": 0, "warnings": []}
        actions = {m.name.strip().lower(): m.action for m in self.env["ecom.1c.status.map"].search([])}
        for chunk in batched((values for _kind, values in read_documents(source)), BATCH):
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
        if exchange:
            for warning in counts["warnings"]:
                exchange._log(warning)
        return counts
