import time
from itertools import islice

from odoo import api, models
from odoo.tools import SQL

from ..commerceml.characteristics import split_id

BATCH = 500


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Ecom1cImporter(models.AbstractModel):
    """Apply CommerceML files to Odoo: the readers stream the file, the importer only looks records
    up by their 1C ids (:func:`..tools.binder.bound`) and creates or writes them in batches, with
    the values :mod:`..commerceml.mapper` maps 1C's data to.

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
        them. A variant of no 1C id is the store's own (made in Odoo, 1C never named it): never archived."""
        listed = named if listed is None else listed
        self.env.cr.execute(SQL("""
            SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE pt.ecom_1c_catalog_id = %s AND pt.active AND pp.active AND pt.ecom_1c_id = ANY(%s)
               AND pp.ecom_1c_id IS NOT NULL
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

    def _finish(self, exchange, counts):
        counts["warnings"] = list(dict.fromkeys(counts["warnings"]))  # each warning once, in order
        if exchange:
            # and once in the exchange's log, whichever step or file of the exchange said it first
            logged = set((exchange.messages or "").splitlines())
            for warning in counts["warnings"]:
                if warning not in logged:
                    exchange._log(warning)
        return counts
