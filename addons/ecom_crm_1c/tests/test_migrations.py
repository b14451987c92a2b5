"""The addon's upgrades, run on this database as Odoo runs them (the columns of the release before
dropped first, in the test's transaction)."""

import importlib.util
import os
import shutil
import tempfile

from odoo.tests import tagged
from odoo.tools.misc import file_path

from ..models.sale_order import COMMITTED_HORIZON, EXPORT_INDEX
from .common import ImporterCase, big_catalog, big_catalog_id, path


def migration(version, name="pre-migrate"):
    spec = importlib.util.spec_from_file_location(
        f"ecom_crm_1c_{name.replace('-', '_')}_{version.replace('.', '_')}",
        file_path(f"ecom_crm_1c/migrations/{version}/{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMigrations(ImporterCase):
    def columns(self):
        self.env.cr.execute("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
             WHERE (table_name, column_name) IN (('ecom_1c_session', 'last_file'),
                                                 ('product_product', 'ecom_1c_listed_at'))
             ORDER BY 1""")
        return self.env.cr.fetchall()

    def test_upgrade_to_1_2_4(self):
        """From 18.0.1.2.3: the session's last file and the characteristics' whole-list mark are made
        empty (as many times as the upgrade runs); then a whole offers list marks what it names, and a
        session stores its files' parts."""
        self.importer._import_catalog(path("handmade", "characteristics-import.xml"))
        self.env.flush_all()
        self.env.cr.execute('ALTER TABLE ecom_1c_session DROP COLUMN last_file')
        self.env.cr.execute('ALTER TABLE product_product DROP COLUMN ecom_1c_listed_at')
        self.assertEqual(self.columns(), [])
        upgrade = migration("18.0.1.2.4")
        upgrade.migrate(self.env.cr, None)  # an installation: the ORM makes them
        self.assertEqual(self.columns(), [])
        for _run in range(2):
            upgrade.migrate(self.env.cr, "18.0.1.2.3")
        self.assertEqual(self.columns(), [("ecom_1c_session", "last_file", "character varying"),
                                          ("product_product", "ecom_1c_listed_at",
                                           "timestamp without time zone")])
        self.env.invalidate_all()
        self.importer._import_offers(path("handmade", "characteristics-with-property-offers.xml"))
        boots = self.Product.search([("ecom_1c_id", "=like", "hm-boots#%")])
        self.assertEqual(len(boots), 2)
        self.assertTrue(all(boots.mapped("ecom_1c_listed_at")), "a whole list marks what it names")
        session, _token = self.env["ecom.1c.session"]._open()
        session.last_file = "import.xml"
        session._clear_uploads()
        self.assertFalse(session.last_file)

    def test_upgrade_to_1_2_5(self):
        """From 18.0.1.2.4: the companies' own 1C logins and positions are made empty (as many times as
        the upgrade runs); Settings' exchange login keeps its position and every company's orders."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ecom_crm_1c.orders_committed_until", "2026-01-02 03:04:05.000006")
        self.env.flush_all()
        made = [("ecom_1c_session", "company_id"), ("res_company", "ecom_1c_login"),
                ("res_company", "ecom_1c_orders_committed_until"), ("res_company", "ecom_1c_password_hash")]
        for table, column in made:
            self.env.cr.execute(f'ALTER TABLE {table} DROP COLUMN {column}')

        def columns():
            self.env.cr.execute("""
                SELECT table_name, column_name FROM information_schema.columns
                 WHERE (table_name, column_name) IN %s ORDER BY 1, 2""", [tuple(made)])
            return self.env.cr.fetchall()

        upgrade = migration("18.0.1.2.5")
        upgrade.migrate(self.env.cr, None)
        self.assertEqual(columns(), [])
        for _run in range(2):
            upgrade.migrate(self.env.cr, "18.0.1.2.4")
        self.assertEqual(columns(), made)
        self.env.invalidate_all()
        self.assertFalse(self.env.company.sudo().ecom_1c_orders_committed_until)
        self.assertEqual(self.env["sale.order"]._ecom_1c_committed_until(), "2026-01-02 03:04:05.000006")

    def test_upgrade_to_1_2_6(self):
        """From 18.0.1.2.5: the session's last part and export snapshot are made empty (as many times as the
        upgrade runs); a session then remembers its last part and forgets it at init."""
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE ecom_1c_session DROP COLUMN last_part, DROP COLUMN export_snapshot")

        def columns():
            self.env.cr.execute("""SELECT count(*) FROM information_schema.columns
                                    WHERE table_name = 'ecom_1c_session'
                                      AND column_name IN ('last_part', 'export_snapshot')""")
            return self.env.cr.fetchone()[0]

        upgrade = migration("18.0.1.2.6")
        upgrade.migrate(self.env.cr, None)
        self.assertEqual(columns(), 0)
        for _run in range(2):
            upgrade.migrate(self.env.cr, "18.0.1.2.5")
        self.assertEqual(columns(), 2)
        self.env.invalidate_all()
        session, _token = self.env["ecom.1c.session"]._open()
        session.write({"last_file": "import.xml", "last_part": "5:abc"})
        session._clear_uploads()
        self.assertFalse(session.last_part)

    def test_upgrade_to_1_2_7(self):
        """From 18.0.1.2.6: the session's export horizon is made empty and the export's index built (as many
        times as the upgrade runs); an export then acknowledged keeps its horizon."""
        self.env.flush_all()
        self.env.cr.execute(f"ALTER TABLE ecom_1c_session DROP COLUMN export_horizon; DROP INDEX {EXPORT_INDEX}")

        def schema():
            self.env.cr.execute("""SELECT (SELECT count(*) FROM information_schema.columns
                                            WHERE table_name = 'ecom_1c_session' AND column_name = 'export_horizon'),
                                          (SELECT count(*) FROM pg_indexes
                                            WHERE tablename = 'sale_order' AND indexname = %s)""", [EXPORT_INDEX])
            return self.env.cr.fetchone()

        upgrade = migration("18.0.1.2.7")
        upgrade.migrate(self.env.cr, None)
        self.assertEqual(schema(), (0, 0))
        for _run in range(2):
            upgrade.migrate(self.env.cr, "18.0.1.2.6")
        self.assertEqual(schema(), (1, 1))
        self.env.invalidate_all()
        orders = self.env["sale.order"]
        orders._ecom_1c_commit_export("2026-12-06 10:00:00", snapshot="10:10:", horizon="2026-12-06 09:00:00")
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(COMMITTED_HORIZON), "2026-12-06 09:00:00")

    def test_upgrade_to_1_2_8(self):
        """From 18.0.1.2.7: the sessions get the last write of what 1C's requests wrote as their last request:
        the session's (its uploads), its exchange's, its files' (an import step writes its file alone); as many
        times as the upgrade runs. The exchanges left running for ever before are closed at it."""
        sessions = self.env["ecom.1c.session"]
        uploading, importing, idle = (sessions._open("10.0.0.1")[0] for _i in range(3))
        for session in (uploading, importing):
            exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog", "session_id": session.id})
            exchange.file_ids = [(0, 0, {"name": "import.xml", "kind": "catalog", "state": "running"})]
            session.exchange_id = exchange
        self.env.flush_all()
        self.env.cr.execute("UPDATE ecom_1c_session SET write_date = '2026-11-20 10:00:00' WHERE id IN %s",
                            [(uploading.id, importing.id, idle.id)])
        self.env.cr.execute("UPDATE ecom_1c_exchange SET write_date = '2026-11-20 09:00:00' WHERE id IN %s",
                            [(uploading.exchange_id.id, importing.exchange_id.id)])
        self.env.cr.execute("UPDATE ecom_1c_exchange_file SET write_date = CASE exchange_id WHEN %s THEN "
                            "timestamp '2026-11-20 09:30:00' ELSE timestamp '2026-11-20 10:40:00' END "
                            "WHERE exchange_id IN %s",
                            [uploading.exchange_id.id, (uploading.exchange_id.id, importing.exchange_id.id)])
        self.env.cr.execute("ALTER TABLE ecom_1c_session DROP COLUMN last_request")
        upgrade = migration("18.0.1.2.8")
        for _run in range(2):
            upgrade.migrate(self.env.cr, "18.0.1.2.7")
            self.env.cr.execute("SELECT id, last_request::text FROM ecom_1c_session WHERE id IN %s",
                                [(uploading.id, importing.id, idle.id)])
            self.assertEqual(dict(self.env.cr.fetchall()), {
                uploading.id: "2026-11-20 10:00:00", importing.id: "2026-11-20 10:40:00",
                idle.id: "2026-11-20 10:00:00"})

    def test_upgrade_to_1_2_9(self):
        """From 18.0.1.2.8: the attribute of characteristics without properties a Russian store's exchange named
        «Характеристика» in English too is «Characteristic» in English; a name the store gave it is kept."""
        self.env["res.lang"]._activate_lang("ru_RU")
        attribute = self.env["product.attribute"].with_context(active_test=False).search(
            [("ecom_1c_id", "=", "characteristic")]) or self.env["product.attribute"].create(
            {"name": "Characteristic", "ecom_1c_id": "characteristic", "create_variant": "dynamic"})
        upgrade = migration("18.0.1.2.9", "post-migrate")
        for before, after in (("Характеристика", "Characteristic"), ("Вариант", "Вариант")):
            attribute.update_field_translations("name", {"en_US": before, "ru_RU": before})
            self.env.flush_all()
            upgrade.migrate(self.env.cr, "18.0.1.2.8")
            self.env.invalidate_all()
            self.assertEqual((attribute.with_context(lang="en_US").name, attribute.with_context(lang="ru_RU").name),
                             (after, before))

    def test_upgrade_to_1_2_11(self):
        """From 18.0.1.2.10: the attributes exchanges made of one characteristic spelled differently («Цвет»,
        «цвет », «ЦВЕТ») are merged into the first, unless a product has lines of both (its variants would have
        to be recombined: left, as the exchange goes on with the first): the double's values go to the first
        (one of the same name there takes its place), its product's line with them; the variants keep their
        values' records, and so their combinations."""
        Attribute = self.env["product.attribute"].with_context(active_test=False)

        def characteristic(name, *values):
            return Attribute.create({"name": name.strip(), "ecom_1c_id": f"characteristic:{name}",
                                     "create_variant": "dynamic", "value_ids": [(0, 0, {"name": v}) for v in values]})

        def product(name, *attributes):
            template = self.env["product.template"].create({"name": name, "attribute_line_ids": [
                (0, 0, {"attribute_id": a.id, "value_ids": [(6, 0, a.value_ids.ids)]}) for a in attributes]})
            lines = template.attribute_line_ids
            for ptav in lines[:1].product_template_value_ids:
                template._create_product_variant(ptav + lines[1:].product_template_value_ids[:1])
            return template

        first = characteristic("Цвет", "Белый", "Чёрный")
        double = characteristic("цвет ", "Белый", "Красный")
        both = characteristic("ЦВЕТ", "Синий")
        twice = characteristic("Цвет  ", "Зелёный")  # two values of one name on a line: left
        twice.value_ids = [(0, 0, {"name": "Зелёный"})]
        product("Кеды", first)
        dress = product("Платье", double)
        product("Шарф", first, both)
        product("Шапка", twice)
        self.assertEqual(len(twice.attribute_line_ids.value_ids), 2)
        # the first's «Белый» archived, a second one of the name active: the double's goes to the active one
        archived_white = first.value_ids.filtered(lambda v: v.name == "Белый")
        archived_white.active = False
        white = self.env["product.attribute.value"].create({"attribute_id": first.id, "name": "Белый"})
        self.env.flush_all()
        # a stored relation left stale (the first attribute listed as the dress's already): no duplicate row
        self.env.cr.execute("INSERT INTO product_attribute_product_template_rel VALUES (%s, %s)",
                            [first.id, dress.id])
        variants = dress.product_variant_ids
        combinations = {v.id: (v.combination_indices, v.product_template_attribute_value_ids.ids) for v in variants}
        self.assertEqual(len(variants), 2)
        self.env.flush_all()
        upgrade = migration("18.0.1.2.11", "post-migrate")
        self.assertEqual(upgrade.merge_spelled_twice(self.env.cr), (1, 2))
        self.env.invalidate_all()
        self.assertFalse(double.exists())
        self.assertTrue(both.exists(), "a product has both: left")
        self.assertTrue(twice.exists(), "two values of one name on a line: left")
        self.assertEqual(dress.attribute_line_ids.attribute_id, first)
        self.assertEqual(first.product_tmpl_ids, dress | self.env["product.template"].search(
            [("name", "in", ["Кеды", "Шарф"])]))
        self.assertEqual(dress.attribute_line_ids.value_ids.filtered(lambda v: v.name == "Белый"), white,
                         "the active one of the name")
        self.assertFalse(archived_white.active)
        self.assertEqual(sorted(first.value_ids.filtered("active").mapped("name")), ["Белый", "Красный", "Чёрный"])
        self.assertEqual(sorted(variants.product_template_attribute_value_ids.product_attribute_value_id.mapped(
            "name")), ["Белый", "Красный"])
        self.assertEqual(variants.product_template_attribute_value_ids.attribute_id, first)
        self.assertEqual(variants.product_template_attribute_value_ids.product_attribute_value_id.attribute_id, first)
        self.assertEqual({v.id: (v.combination_indices, v.product_template_attribute_value_ids.ids)
                          for v in variants}, combinations)
        self.assertEqual(dress.attribute_line_ids.value_ids,
                         white | first.value_ids.filtered(lambda v: v.name == "Красный"))
        self.assertEqual(upgrade.merge_spelled_twice(self.env.cr), (0, 2), "run again: nothing more")

    def test_upgrade_to_1_2_15(self):
        """From 18.0.1.2.14: a file's digest is made empty (as many times as the upgrade runs); a failure
        recorded before, past its first step, knows no digest: the next attempt at its file, of the same kind
        and size, imports it whole under a record of its own rather than go on from where it stopped."""
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE ecom_1c_exchange_file DROP COLUMN digest")

        def columns():
            self.env.cr.execute("""SELECT count(*) FROM information_schema.columns
                                    WHERE table_name = 'ecom_1c_exchange_file' AND column_name = 'digest'""")
            return self.env.cr.fetchone()[0]

        upgrade = migration("18.0.1.2.15")
        upgrade.migrate(self.env.cr, None)
        self.assertEqual(columns(), 0)
        for _run in range(2):
            upgrade.migrate(self.env.cr, "18.0.1.2.14")
        self.assertEqual(columns(), 1)
        self.env.invalidate_all()
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        target = os.path.join(folder, "import.xml")
        with open(target, "wb") as f:
            f.write(big_catalog(3))
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})
        old = exchange._fail("the server failed", "import.xml", {
            **self.env["ecom.1c.exchange.file"]._file_values(target), "position": 2})
        self.assertFalse(old.digest)
        record, refusal = exchange._import_file("import.xml", target)
        self.assertFalse(refusal)
        self.assertEqual((record.name, record.state, record.position), ("import.xml", "done", 3))
        self.assertEqual(len(self.Template.search([("ecom_1c_id", "in", [big_catalog_id(i) for i in range(3)])])), 3,
                         "imported whole: the products before the position too")
        self.assertEqual((old.name, old.state), ("import.xml (sent again)", "failed"))
