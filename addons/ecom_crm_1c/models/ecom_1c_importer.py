import time
from collections import defaultdict
from contextlib import closing
from itertools import islice

from psycopg2 import errors as pg_errors
from psycopg2.pool import PoolError

from odoo import _, api, models, sql_db, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..commerceml.characteristics import split_id
from ..tools import matching
from .product_product import article_sql, barcode_sql, normalizes_unicode

BATCH = 500

# The foreign keys to product_product / product_template that are no use of the product: its own parts, which go
# with it and which the exchange or Odoo gives every product it makes ({table: columns}). Any other foreign key,
# of any module (an OCA one's too), is a use (:func:`product_references`).
OWN_PARTS = {
    "product_product": ("product_tmpl_id",),  # its variant: a template of several is no duplicate anyway
    # its attributes (1C's properties the catalog writes), their values, the variant's combination of them, and
    # the attributes' list of the templates having them (stored, the lines seen from the attribute)
    "product_template_attribute_line": ("product_tmpl_id",),
    "product_template_attribute_value": ("product_tmpl_id",),
    "product_template_attribute_exclusion": ("product_tmpl_id",),
    "product_variant_combination": ("product_product_id",),
    "product_attribute_product_template_rel": ("product_template_id",),
    # its taxes (every product made gets the company's defaults), tax grid tags and tags
    "product_taxes_rel": ("prod_id",),
    "product_supplier_taxes_rel": ("prod_id",),
    "account_account_tag_product_template_rel": ("product_template_id",),
    "product_tag_product_template_rel": ("product_template_id",),
    "product_tag_product_product_rel": ("product_product_id",),
    # a combo product's choices; the optional, alternative and accessory products *it* offers (sale, website_sale):
    # src_id; another product offering it (dest_id) uses it
    "product_combo_product_template_rel": ("product_template_id",),
    "product_optional_rel": ("src_id",),
    "product_alternative_rel": ("src_id",),
    "product_accessory_rel": ("src_id",),
    # website_sale's extra pictures of it and its eCommerce categories
    "product_image": ("product_tmpl_id", "product_variant_id"),
    "product_public_category_product_template_rel": ("product_template_id",),
    # website_sale's visitors' views of its page (a manager's preview too): history, deleted with the product
    "website_track": ("product_id",),
}
# Not foreign keys, so not read: what refers to a record by model and id (ir_attachment: its pictures and files,
# mail_message / mail_followers / mail_activity: its chatter, ir_model_data: an XML id, a Reference field of any
# model): the product's own attachments and history, kept on the archived duplicate, or references that Odoo
# itself leaves dangling when a record goes; none makes the duplicate the store's product. The exchange keeps no
# table of its own referring to products: their 1C ids are on the products, 1C's pictures their image fields (in
# ir_attachment), 1C's properties their attribute lines (above).


def product_references(cr, registry):
    """Every foreign key of the database to ``product_product(id)`` or ``product_template(id)``, as
    ((table, column, referenced table), ...) sorted, read from PostgreSQL's catalog: a module's table Odoo's
    registry knows nothing of (made by SQL) included. Left out: the product's own parts (:data:`OWN_PARTS`), and
    the tables of transient models (wizards: label printing...) and of their many2many fields, rows that Odoo
    removes itself after an hour."""
    wizards = set()
    for model in registry.values():
        if model._transient:
            wizards.add(model._table)
            wizards.update(field.relation for field in model._fields.values()
                           if field.type == "many2many" and field.store)
    cr.execute("""
        SELECT DISTINCT r.relname, a.attname, t.relname
          FROM pg_constraint c
          JOIN pg_class r ON r.oid = c.conrelid
          JOIN pg_class t ON t.oid = c.confrelid
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
           AND t.relname IN ('product_product', 'product_template')
           AND t.relnamespace = current_schema()::regnamespace AND r.relnamespace = t.relnamespace
         ORDER BY 1, 2, 3
    """)
    return tuple((table, column, target) for table, column, target in cr.fetchall()
                 if column not in OWN_PARTS.get(table, ()) and table not in wizards)


def batched(iterable, size, key=None, most=None):
    """``(list, last)`` of ``size`` items of ``iterable`` at a time (the last list shorter), ``last`` telling the
    last list (one item is read ahead to know it). With ``key``, a list goes on past ``size`` while the next
    items have its last item's key, up to ``most`` items (``4 × size`` by default): the offers of one 1C product,
    listed one after another as 1C writes them, fall in one batch, which decides what the product is
    (:meth:`Ecom1cImporter._replace_duplicates`) and says its refusals once."""
    iterator = iter(iterable)
    most = most or 4 * size
    carried = []
    while chunk := carried + list(islice(iterator, size - len(carried))):
        carried = []
        if key is not None and len(chunk) == size:
            last = key(chunk[-1])
            for item in iterator:
                if len(chunk) >= most or key(item) != last:
                    carried = [item]
                    break
                chunk.append(item)
        if not carried and len(chunk) >= size:
            carried = list(islice(iterator, 1))
        yield chunk, not carried


class Ecom1cImporter(models.AbstractModel):
    """Apply CommerceML files to Odoo: the readers stream the file, the importer only looks records
    up by their 1C ids (:func:`..tools.binder.bound`) and creates or writes them in batches, with
    the values :mod:`..commerceml.mapper` maps 1C's data to; a product the database does not know by its
    1C id is first looked for among the store's own products by article or barcode, a batch at once
    (:meth:`_bind_store_products`).

    This is the importers' base: which importer a file's kind goes to, the steps a file is imported
    in and the counts they return. Each kind of file has its importer, a file of its own extending
    this model: ``ecom_1c_import_catalog.py`` (groups, products, properties, images),
    ``ecom_1c_import_offers.py`` (price types, prices, stock), ``ecom_1c_import_documents.py``
    (orders from 1C, statuses back), and ``ecom_1c_import_variants.py`` for the characteristics
    both catalogs and offers make variants of.

    Importing the same file twice changes nothing and creates nothing. A full exchange
    (СодержитТолькоИзменения="false") archives, never deletes, the products of that catalog it
    does not name; a delta touches only what it names.
    """

    _name = "ecom.1c.importer"
    _description = "CommerceML importer"

    def _archive_unnamed_characteristics(self, catalog_id, named, listed=None):
        """Archive (never delete) the characteristics (variants) of the catalog ``catalog_id``'s
        products that a whole list names by characteristic (``listed``, default ``named``: the 1C ids
        it lists, «product» or «product#characteristic») but that ``named`` does not name; returns
        them. A variant of no 1C id is the store's own (made in Odoo, 1C never named it): never archived; nor
        a product's own variant (its 1C id the product's) unless its product has an active variant of a
        characteristic: the store's product of one variant bound to a 1C product that 1C offers by characteristic
        (:meth:`_ensure_variants` leaves the store's variants alone) would be archived with it."""
        listed = named if listed is None else listed
        self.env.cr.execute(SQL("""
            SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pt.ecom_1c_catalog_id = %s AND pt.active AND pp.active AND pt.ecom_1c_id = ANY(%s)
               AND pp.ecom_1c_id IS NOT NULL
               AND (strpos(pp.ecom_1c_id, '#') > 0
                    OR EXISTS (SELECT FROM product_product c WHERE c.product_tmpl_id = pt.id AND c.active
                                                              AND strpos(c.ecom_1c_id, '#') > 0))
               AND NOT EXISTS (SELECT FROM unnest(%s::varchar[]) AS named(id) WHERE named.id = pp.ecom_1c_id)
        """, catalog_id, list({split_id(i)[0] for i in listed if "#" in i}), list(named)))
        gone = self.env["product.product"].browse(row[0] for row in self.env.cr.fetchall())
        gone.action_archive()
        return gone

    @api.model
    def _import_file(self, kind, source, exchange=None, start=0, deadline=None, files_dir=None):
        """Import a file of ``kind`` (:func:`..commerceml.sniff`'s) from item ``start`` on, until done
        or the ``deadline``: the importer of that kind; a file of no kind to import is done at once."""
        if kind == "catalog":
            return self._import_catalog(source, exchange, start, deadline, files_dir=files_dir)
        if kind == "offers":
            return self._import_offers(source, exchange, start, deadline, files_dir=files_dir)
        if kind == "documents":
            return self._import_documents(source, exchange, start, deadline)
        return {**self._counts(0), "done": True}

    def _counts(self, start):
        return {"created": 0, "updated": 0, "archived": 0, "warnings": [], "position": start, "done": False,
                "bound_article": 0, "bound_barcode": 0, "notes": []}

    def _bind_store_products(self, wanted, counts, known_templates=None, named=(), file_codes=None,
                             lists_characteristics=False):
        """The store's own products (made in Odoo, no 1C id) that the 1C products and characteristics
        ``wanted`` [(1C id, article, barcode)], which the database does not know by their 1C ids, are: bound
        (the 1C id written on the variant, and on its template for a product or the characteristics' product)
        by the company's «match by» setting, only when there is no doubt (:func:`..tools.matching.plan_bindings`);
        why a code bound nothing is said in the exchange's log. ``known_templates`` {1C product id: template}:
        those of ``wanted``'s products the database has already; ``named``: the 1C ids of the whole batch;
        ``file_codes``: a function returning the codes several 1C products of the whole file name
        (:func:`..tools.matching.shared_codes`), for a batch of a file of several, called once candidates are found;
        ``lists_characteristics``: a catalog up to 2.04, which lists the characteristics of 1C's products (a product
        it names alone has none). One query finds the candidates of a batch, one UPDATE a table binds them. The
        refusals of a 1C product's characteristics for one reason about one store product are said once, their
        codes together (:meth:`_characteristics_refusal_message`). Returns the 1C ids bound."""
        mode = self.env.company.ecom_1c_match_by
        kinds = matching.kinds(mode)
        if not wanted or not kinds:
            return set()
        articles = sorted({matching.article_key(a) for _i, a, _b in wanted} - {None}) if matching.ARTICLE in kinds \
            else []
        barcodes = sorted({matching.barcode_key(b) for _i, _a, b in wanted} - {None}) if matching.BARCODE in kinds \
            else []
        if not articles and not barcodes:
            return set()
        self.env.flush_all()
        # the store's active products of the exchange's company (or shared) having one of the codes, bound to 1C or
        # not (another product bound having the code makes it ambiguous); compared as :mod:`..tools.matching` does,
        # whatever the database's LC_CTYPE, by the expressions product_product's indexes are on
        self.env.cr.execute(SQL(r"""
            SELECT pp.id, pt.id, pp.default_code, pp.barcode, pp.ecom_1c_id, pt.ecom_1c_id,
                   siblings.shown, COALESCE(pt.name->>%(lang)s, pt.name->>'en_US'), siblings.retired
              FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
              -- its variants on sale and archived, counted in one pass over the template's
              CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE sibling.active) AS shown,
                                         count(*) FILTER (WHERE NOT sibling.active) AS retired
                                    FROM product_product sibling WHERE sibling.product_tmpl_id = pt.id) siblings
             WHERE pp.active AND pt.active AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
               AND (%(article)s = ANY(%(articles)s::text[]) OR %(barcode)s = ANY(%(barcodes)s::text[]))
        """, lang=self.env.lang or "en_US", company=self.env.company.id, articles=articles, barcodes=barcodes,
            article=article_sql(SQL("pp.default_code"), normalizes_unicode(self.env.cr)),
            barcode=barcode_sql(SQL("pp.barcode"))))
        candidates = [matching.Candidate(variant=row[0], template=row[1], article=row[2], barcode=row[3],
                                         variant_1c_id=row[4], template_1c_id=row[5], variants=row[6], name=row[7],
                                         archived=row[8])
                      for row in self.env.cr.fetchall()]
        if not candidates:
            return set()
        known = {key: template.id for key, template in (known_templates or {}).items()}
        # a characteristic of a 1C product Odoo has, a variant of another product of the store having its code: is
        # that product a duplicate the exchange made (2.05 on), which the store's product may replace?
        elsewhere = {split_id(full_id)[0] for full_id, _a, _b in wanted if split_id(full_id)[1]} & set(known)
        if elsewhere and any(c.template != known[product] for c in candidates for product in elsewhere):
            made = self._replaceable_templates([known[product] for product in elsewhere])
        else:
            made = {}
        plan = matching.plan_bindings(wanted, candidates, mode, known, set(named),
                                      file_codes() if file_codes else None,
                                      replaceable={product for product in elsewhere
                                                   if known[product] in made and not made[known[product]]})
        said = []  # a message, or the key of the refusals said together, in the plan's order
        together = defaultdict(list)  # (1C product, reason, others, what uses it): its characteristics' refusals
        for refusal in plan.refusals:
            product, characteristic = split_id(refusal.product)
            if characteristic and refusal.reason in (matching.ELSEWHERE, matching.TEMPLATE_BOUND):
                key = (product, refusal.reason, refusal.others, made.get(known.get(product)))
                if key not in together:
                    said.append(key)
                together[key].append(refusal)
            else:
                said.append(self._refusal_message(refusal, lists_characteristics))
        counts["warnings"].extend(self._characteristics_refusal_message(together[item], in_use=item[3])
                                  if isinstance(item, tuple) else item for item in said)
        for product, _reason, others in plan.kept:
            counts["warnings"].append(self.env._(
                "1C product %(product)s was not bound to the store's product «%(name)s» by the codes of its "
                "characteristics: %(unmatched)s match none of its variants on sale (an archived one binds no "
                "characteristic); the product the exchange made stays",
                product=product, name=others[0], unmatched=", ".join(others[1:6])))
        if not plan.binds:
            return set()
        if plan.replaced:
            self._replace_duplicates(plan, counts)
        for table, values in (("product_template", {template: key for key, template in plan.templates.items()}),
                              ("product_product", {c.variant: full_id for full_id, (c, _k) in plan.binds.items()})):
            if values:
                self.env.cr.execute(SQL(
                    "UPDATE %(table)s t SET ecom_1c_id = v.value, write_date = %(now)s, write_uid = %(uid)s"
                    "  FROM unnest(%(ids)s::int[], %(values)s::varchar[]) AS v(id, value) WHERE t.id = v.id",
                    table=SQL.identifier(table), now=self.env.cr.now(), uid=self.env.uid,
                    ids=list(values), values=list(values.values())))
        self.env["product.template"].invalidate_model(["ecom_1c_id", "write_date", "write_uid"])
        self.env["product.product"].invalidate_model(["ecom_1c_id", "write_date", "write_uid"])
        for _candidate, kind in plan.binds.values():
            counts["bound_article" if kind == matching.ARTICLE else "bound_barcode"] += 1
        return set(plan.binds)

    def _replaceable_templates(self, template_ids):
        """{template id: what uses it (:meth:`_reference_label`'s, the first found), or None for nothing} of
        ``template_ids`` that the exchange made (``ecom_1c_made``), on sale, of one variant holding the product's own
        1C id (no characteristic made a variant of it yet). Used is a template or variant that a row of any table
        refers to by a foreign key (:meth:`_product_references`: a sale, invoice, stock, purchase or point of sale
        line, a pricelist rule, a vendor price, a packaging, a lead, a suggestion, a quotation template, a bill of
        materials, any module's own table...), save the product's own parts. One query, then for the ones unused
        the lock and the look at what was committed meanwhile (:meth:`_lock_unused`), which may raise a concurrency
        error that the exchange runs again."""
        self.env.cr.execute(SQL("""
            WITH made AS MATERIALIZED (
                SELECT pt.id AS template, pp.id AS variant
                  FROM product_template pt JOIN product_product pp ON pp.product_tmpl_id = pt.id
                 WHERE pt.id = ANY(%(ids)s) AND pt.ecom_1c_made AND pt.active AND pp.ecom_1c_id = pt.ecom_1c_id
                   AND NOT EXISTS (SELECT FROM product_product other WHERE other.product_tmpl_id = pt.id
                                                                       AND other.id != pp.id))
            SELECT made.template, made.variant, uses.use FROM made LEFT JOIN (%(uses)s) uses USING (template)
        """, ids=list(template_ids), uses=self._product_uses_sql(
            SQL("ARRAY(SELECT template FROM made ORDER BY template)"),
            SQL("ARRAY(SELECT variant FROM made ORDER BY template)"))))
        rows = self.env.cr.fetchall()
        made = {template: used for template, _variant, used in rows}
        made.update(self._lock_unused({template: variant for template, variant, used in rows if used is None}))
        return {template: None if used is None else self._reference_label(*self._product_references()[used])
                for template, used in made.items()}

    def _lock_unused(self, unused):
        """Of the duplicates ``unused`` {template: variant} that this transaction sees unused, those that a
        transaction committed since its snapshot uses ({template: the index of the reference found}), having
        locked them all against any new use.

        Odoo runs REPEATABLE READ: the check above sees what was committed when the request's transaction took
        its snapshot (its first query), and a salesperson may add the duplicate to a quotation meanwhile. A row
        referring to a product takes a FOR KEY SHARE lock of the product's row (PostgreSQL's foreign key check),
        held until its transaction ends. So:

        1. the templates and variants are locked FOR UPDATE NOWAIT (FOR UPDATE conflicts with KEY SHARE, FOR NO KEY
           UPDATE does not): a transaction that refers to one and is still running makes it fail at once
           (LockNotAvailable, which the exchange's controller has Odoo run again from its start; a step of a file
           is rolled back whole, never half-applied), and none can refer to one until this transaction ends: its
           foreign key check waits for the lock, then, since this transaction holding FOR UPDATE changed the rows
           (the archive), fails to serialise and Odoo runs that request again, when the product is archived;
        2. a transaction that referred to one and committed after this one's snapshot is invisible here, and
           took no lock that is still held (PostgreSQL raises no serialisation failure for a row only locked by a
           transaction since committed): what was committed up to the lock is looked for on a connection of its
           own, whose snapshot is taken now, after the lock: it sees every use there can be, and this
           transaction's own rows are the check above's.

        The rows stay locked until the exchange's step commits: the duplicates replaced are archived by then.

        A duplicate locked by a transaction that goes on (someone saving the product, a long job writing it) fails
        Odoo's every try: the error names the duplicates (``ecom_1c_locked``: [(name, 1C id)]), so that 1C hears
        that product is locked in Odoo and to send the file again
        (:meth:`..controllers.exchange.ExchangeController._concurrency_message`), not that another request of
        its session was stored. The swap is not skipped instead: its duplicate would take 1C's characteristics
        as its variants in this very step (:meth:`_ensure_variants`), never to give way to the store's product."""
        if not unused:
            return {}
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL("""
                    SELECT pt.id FROM product_template pt JOIN product_product pp ON pp.product_tmpl_id = pt.id
                     WHERE pt.id = ANY(%s) ORDER BY pt.id FOR UPDATE OF pt, pp NOWAIT
                """, list(unused)))
        except pg_errors.LockNotAvailable as error:
            # rolled back to the savepoint: the transaction reads on (the retry rolls it back whole)
            error.ecom_1c_locked = [(template.name, template.ecom_1c_id) for template in self.env[
                "product.template"].with_context(active_test=False).browse(sorted(unused))]
            raise
        try:
            fresh = sql_db.db_connect(self.env.cr.dbname).cursor()
        except PoolError as error:  # the worker's connections all busy (db_maxconn): nothing applied, 1C is told
            raise UserError(self.env._(
                "The database has no free connection to check that the product the exchange made is unused before "
                "replacing it; this step of the file is not applied: send the file again")) from error
        with closing(fresh):
            fresh.execute(self._product_uses_sql(SQL("%s::int[]", list(unused)),
                                                 SQL("%s::int[]", list(unused.values()))))
            return dict(fresh.fetchall())

    def _product_uses_sql(self, templates, variants):
        """SQL of the rows (template, use) of the templates ``templates`` whose template or variant ``variants``
        (SQL int[] of the same length, a template's variant at its index) a row of a table of
        :meth:`_product_references` refers to: ``use`` the index of the first such reference. A semi-join a foreign
        key, so that PostgreSQL reads a table once for them all (its index, or one scan hashed), never once a
        product: some foreign keys have no index (analytic lines, packagings, suggestions), and an EXISTS a product
        read a table of a million analytic lines once a product, 0.13 s each (12.6 s for 100 products; 0.3 s
        once)."""
        references = self._product_references()
        if not references:
            return SQL("SELECT NULL::int AS template, NULL::int AS use WHERE false")
        return SQL("""
            WITH candidate AS (SELECT * FROM unnest(%(templates)s, %(variants)s) AS c(template, variant))
            SELECT template, min(use) AS use FROM (%(found)s) found GROUP BY template""",
                   templates=templates, variants=variants, found=SQL(" UNION ALL ").join(
            SQL("SELECT %s AS use, c.template FROM candidate c WHERE EXISTS (SELECT FROM %s r WHERE r.%s = c.%s)",
                index, SQL.identifier(table), SQL.identifier(column),
                SQL("variant" if target == "product_product" else "template"))
            for index, (table, column, target) in enumerate(references)))

    def _used_variants(self, variant_ids):
        """Of ``variant_ids``, those a row of a table of :meth:`_product_references` refers to (the variant's
        own foreign keys: its template's references stay with the template). One query, a semi-join a table."""
        found = [SQL("SELECT c.variant FROM candidate c WHERE EXISTS (SELECT FROM %s r WHERE r.%s = c.variant)",
                     SQL.identifier(table), SQL.identifier(column))
                 for table, column, target in self._product_references() if target == "product_product"]
        if not found:
            return []
        self.env.cr.execute(SQL("WITH candidate AS (SELECT * FROM unnest(%s::int[]) AS c(variant)) %s",
                                list(variant_ids), SQL(" UNION ").join(found)))
        return [variant for variant, in self.env.cr.fetchall()]

    def _reference_label(self, table, column, _target):
        """What the exchange's log calls the rows of ``table`` referring to a product by ``column``: the name of
        the model of that table (in the log's language), of a many2many field «model: field»; else the table's."""
        for model in self.env.registry.values():
            if model._table == table and not model._abstract:
                return self.env["ir.model"]._get(model._name).name or model._description
            for field in model._fields.values():
                if field.type == "many2many" and field.store and field.relation == table:
                    label = self.env["ir.model.fields"]._get(model._name, field.name).field_description
                    return f"{self.env['ir.model']._get(model._name).name or model._description}: " \
                           f"{label or field.string}"
        return table

    @tools.ormcache()
    def _product_references(self):
        """The foreign keys to a product that make it used (:func:`product_references`), read once per registry:
        they change only with a module's installation or removal, which loads a registry anew."""
        return product_references(self.env.cr, self.env.registry)

    def _replace_duplicates(self, plan, counts):
        """The duplicates ``plan.replaced`` {1C product id: template} the exchange made of the store's products that
        their characteristics bound (:func:`..tools.matching.plan_bindings`) give way: the store's template takes
        what the catalog wrote on the duplicate as it writes a product's (its name and sales description in the
        languages the catalog writes, its translations into others kept: :meth:`_merged_translations`; category,
        1C catalog, when a catalog last named it, which 1C's deactivate reads, and 1C's weight of it, by which the
        next catalog tells the store's sizes weighing 1C's weight from those it weighed itself: the sizes' weights
        stay the store's until then, :meth:`_weigh_variants`), the duplicate gives up its 1C ids and barcode and is
        archived, never deleted (the store may delete it); said in the exchange's log. Its picture and properties
        come to the store's product from the next catalog naming the product. Set-based: one UPDATE a table, the
        archive of all at once."""
        Template = self.env["product.template"].with_context(active_test=False)
        pairs = {plan.templates[product]: template for product, template in plan.replaced.items()}
        self.env.cr.execute(SQL("""
            UPDATE product_template t
               SET name = %(name)s, description_sale = %(description)s, categ_id = d.categ_id,
                   ecom_1c_catalog_id = d.ecom_1c_catalog_id, ecom_1c_seen_at = d.ecom_1c_seen_at,
                   ecom_1c_weight = d.ecom_1c_weight, write_date = %(now)s, write_uid = %(uid)s
              FROM unnest(%(stores)s::int[], %(dupes)s::int[]) AS v(store, dupe)
              JOIN product_template d ON d.id = v.dupe
             WHERE t.id = v.store
        """, name=self._merged_translations("name"), description=self._merged_translations("description_sale"),
            now=self.env.cr.now(), uid=self.env.uid, stores=list(pairs), dupes=list(pairs.values())))
        self.env.cr.execute(SQL("UPDATE product_template SET ecom_1c_id = NULL WHERE id = ANY(%s)",
                                list(pairs.values())))
        self.env.cr.execute(SQL("UPDATE product_product SET ecom_1c_id = NULL, barcode = NULL, "
                                "ecom_1c_barcode_wanted = NULL WHERE product_tmpl_id = ANY(%s)", list(pairs.values())))
        self.env.invalidate_all()
        stores = Template.browse(list(pairs))
        stores.modified(["name", "description_sale", "categ_id"])
        duplicates = Template.browse(list(pairs.values()))
        duplicates.action_archive()
        counts["archived"] += len(duplicates)
        self.env.flush_all()  # archived before the store's template takes the 1C id, written in SQL
        bound_by = defaultdict(dict)  # 1C product: {kind: the store's product's name}
        for full_id, (candidate, kind) in plan.binds.items():
            bound_by[split_id(full_id)[0]][kind] = candidate.name
        for product in plan.replaced:
            kinds = set(bound_by[product])
            by = self.env._("by the articles of its characteristics") if kinds == {matching.ARTICLE} else \
                self.env._("by the barcodes of its characteristics") if kinds == {matching.BARCODE} else \
                self.env._("by the articles and barcodes of its characteristics")
            name = next(iter(bound_by[product].values()))
            counts["notes"].append(self.env._(
                "1C product %(product)s bound to the store's product «%(name)s» %(by)s; the duplicate the exchange "
                "made is archived", product=product, name=name, by=by))

    def _written_languages(self):
        """The languages the catalog writes a product's name and description in: the exchange's (the store's,
        :meth:`ecom.1c.exchange._store_language`), and English beside it when English is not active (Odoo's ORM
        then writes it too, the value every other language falls back to)."""
        lang = self.env.lang or "en_US"
        return [lang] if lang == "en_US" or self.env["res.lang"]._get_data(code="en_US") else [lang, "en_US"]

    def _merged_translations(self, column):
        """SQL of the translated ``column`` of the store's template ``t`` taking the duplicate ``d``'s: its value in
        the languages the catalog wrote it in (:meth:`_written_languages`; the duplicate's English where it has none
        of that language, as Odoo reads it) over the store's, whose other languages stay (its English name beside
        1C's Russian one, a Ukrainian one). The duplicate's empty value (1C's empty description: NULL, as the ORM writes
        an empty value in any language) empties the store's in every language, as the catalog's next write would:
        without the exchange's language, its readers would read the store's English one as 1C's. A store's value
        without English gets 1C's as its English (Odoo's readers of a language the value lacks read English: an
        English user then reads 1C's name, never an empty one); nothing left is NULL (Odoo's empty), never a JSON
        null."""
        store, duplicate = SQL("t.%s", SQL.identifier(column)), SQL("d.%s", SQL.identifier(column))
        langs = self._written_languages()
        read = {lang: SQL("COALESCE(%s->%s, %s->'en_US')", duplicate, lang, duplicate) for lang in langs}
        ours = SQL("(COALESCE(%s, '{}'::jsonb) - %s::text[])", store, langs)
        theirs = SQL(" || ").join(SQL("jsonb_build_object(%s::text, %s)", lang, value) for lang, value in read.items())
        return SQL("""CASE WHEN %(duplicate)s IS NOT NULL THEN NULLIF(jsonb_strip_nulls(
                        CASE WHEN %(ours)s ? 'en_US' THEN '{}'::jsonb ELSE jsonb_build_object('en_US', %(first)s) END
                        || %(ours)s || %(theirs)s), '{}'::jsonb) END""",
                   duplicate=duplicate, ours=ours, first=read[langs[0]], theirs=theirs)

    def _characteristics_refusal_message(self, refusals, in_use=False):
        """What the exchange's log says, once, of the codes of a 1C product's characteristics ``refusals`` that
        bound nothing for one reason about one store product (:data:`..tools.matching.ELSEWHERE`: the 1C product is
        another product in Odoo, ``in_use``: one the exchange made that something uses, what
        (:meth:`_reference_label`); or
        :data:`..tools.matching.TEMPLATE_BOUND`: the store's product is another 1C product's): the reason is the
        1C product's, not each characteristic's."""
        first = refusals[0]
        product, name = split_id(first.product)[0], first.others[0]
        codes = [self.env._("article «%s»", r.code) if r.kind == matching.ARTICLE else
                 self.env._("barcode «%s»", r.code) for r in refusals]
        codes = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        if first.reason == matching.TEMPLATE_BOUND:
            return self.env._(
                "1C product %(product)s was not bound to the store's product «%(name)s» by the codes of its "
                "characteristics (%(codes)s): that product is bound to 1C product %(other)s",
                product=product, name=name, codes=codes, other=first.others[1])
        if in_use:
            return self.env._(
                "1C product %(product)s was not bound to the store's product «%(name)s» by the codes of its "
                "characteristics (%(codes)s): it is a product the exchange made that is in use already (a record of "
                "«%(use)s» refers to it), not replaced", product=product, name=name, codes=codes, use=in_use)
        return self.env._(
            "1C product %(product)s was not bound to the store's product «%(name)s» by the codes of its "
            "characteristics (%(codes)s): it is another product in Odoo already", product=product, name=name,
            codes=codes)

    def _refusal_message(self, refusal, lists_characteristics=False):
        """What the exchange's log says of a code that bound no store product (:class:`..tools.matching.Refusal`;
        a characteristic's refused as ``ELSEWHERE`` or ``TEMPLATE_BOUND``: :meth:`_characteristics_refusal_message`);
        ``lists_characteristics``: the catalog lists 1C's characteristics (up to 2.04), so a product it names
        alone, refused as ``HAS_VARIANTS``, has none."""
        names = refusal.others
        reasons = {
            matching.SEVERAL_STORE: lambda: self.env._(
                "several products of the store have it (%s)", ", ".join(f"«{name}»" for name in names[:5])),
            matching.SEVERAL_1C: lambda: self.env._(
                "other 1C products of the file name it too (%s)", ", ".join(names[:5])),
            matching.BOUND: lambda: self.env._(
                "the store's product «%(name)s» having it is bound to 1C product %(other)s already",
                name=names[0], other=names[1]),
            matching.TAKEN: lambda: self.env._(
                "the store's product «%(name)s» having it was bound to 1C product %(other)s of the same file",
                name=names[0], other=names[1]),
            matching.HAS_VARIANTS: lambda: self.env._(
                "the store's product «%s» having it has several variants, and 1C's product has no characteristics "
                "(this catalog would list them): they are not one product", names[0]) if lists_characteristics
            else self.env._(
                "the store's product «%s» having it has several variants: if 1C sells the product by "
                "characteristics, its offers bind them to the variants of their articles or barcodes (the product "
                "made now then gives way to the store's); without characteristics it is not that product",
                names[0]),
            matching.NO_VARIANTS: lambda: self.env._(
                "the store's product «%s» having it has no variants, and 1C names a characteristic", names[0]),
            matching.SPLIT: lambda: self.env._(
                "the other characteristics of the 1C product are variants of another product of the store (here "
                "«%s»)", names[0]),
            matching.TEMPLATE_BOUND: lambda: self.env._(
                "the store's product «%(name)s» having it is bound to 1C product %(other)s",
                name=names[0], other=names[1]),
            matching.SHARED: lambda: self.env._(
                "other variants of the store's product «%(name)s» are characteristics of other 1C products "
                "(%(others)s)",
                name=names[0], others=", ".join(names[1:6])),
            matching.CONFLICT: lambda: self.env._(
                "the store's product «%(name)s» has it, but its other code is another product's of the store "
                "(%(others)s): which one 1C means is not guessed",
                name=names[0], others=", ".join(f"«{name}»" for name in names[1:6])),
        }
        by = self.env._("by article «%s»", refusal.code) if refusal.kind == matching.ARTICLE else \
            self.env._("by barcode «%s»", refusal.code)
        return self.env._("1C product %(product)s was not bound to a product of the store %(by)s: %(reason)s",
                          product=refusal.product, by=by, reason=reasons[refusal.reason]())

    def _apply_in_steps(self, items, counts, apply, deadline, key=None):
        """Apply ``items`` in batches (``apply(batch, last)``, ``last`` telling the file's last batch),
        skipping the ``counts["position"]`` first (a previous step applied them), until they run out or
        ``deadline`` (``time.monotonic()``) passes; a later call with the returned position goes on from
        there. Every batch is idempotent, so a step that dies and is rolled back is simply done again.
        ``key``: items of one key one after another stay in one batch (:func:`batched`), and a step ends
        between two keys."""
        for chunk, last in batched(islice(items, counts["position"], None), BATCH, key=key):
            apply(chunk, last)
            counts["position"] += len(chunk)
            # written: what the ORM cached of this batch is not needed again, and memory stays flat
            # however many batches a step holds
            self.env.flush_all()
            self.env.invalidate_all()
            if last:
                break  # done without another call
            if deadline is not None and time.monotonic() >= deadline:
                return counts
        counts["done"] = True
        return counts

    def _finish(self, exchange, counts):
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))  # each warning once, in order
        if exchange and (counts["bound_article"] or counts["bound_barcode"]):
            # the summary of what this step bound of the store's own products (:meth:`_bind_store_products`)
            exchange._log(_("Bound to the store's products by article: %(article)s, by barcode: %(barcode)s",
                            article=counts["bound_article"], barcode=counts["bound_barcode"]), warning=False)
        if exchange:
            # the duplicates replaced by the store's products (:meth:`_replace_duplicates`), as the summary: no warning
            for note in counts.get("notes", ()):
                exchange._log(note, warning=False)
            # and once in the exchange's log, whichever step or file of the exchange said it first
            logged = set((exchange.messages or "").splitlines())
            for warning in counts["warnings"]:
                if warning not in logged:
                    exchange._log(warning)
        return counts
