"""bulk_create gives the records create() would, field for field, without running create() overrides."""

from odoo.fields import Command
from odoo.tests import TransactionCase, tagged

from ..tools.bulk import bulk_create

SKIP = {"id", "create_date", "write_date", "create_uid", "write_uid", "display_name", "ecom_1c_id",
        "product_tmpl_id", "product_variant_ids", "product_variant_id", "message_ids", "message_follower_ids",
        "message_partner_ids", "activity_ids", "website_message_ids", "rating_ids"}


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestBulkCreate(TransactionCase):
    def stored_values(self, record):
        record.invalidate_recordset()
        values = {}
        for name, field in record._fields.items():
            if name in SKIP or not field.store or field.type in ("one2many",):
                continue
            value = record[name]
            values[name] = value.ids if hasattr(value, "ids") else value
        return values

    def test_same_stored_values_as_create(self):
        Template = self.env["product.template"]
        category = self.env["product.category"].create({"name": "Коврики"})
        tax = self.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "type_tax_use": "sale"})
        vals = {"name": "Коврик", "default_code": "PM-1", "categ_id": category.id, "list_price": 2490.5,
                "description_sale": "Мягкий", "sale_ok": True, "type": "consu",
                "uom_id": self.env.ref("uom.product_uom_unit").id, "uom_po_id": self.env.ref("uom.product_uom_unit").id,
                "taxes_id": [Command.set(tax.ids)]}
        by_orm = Template.create(vals)
        [by_bulk] = bulk_create(Template, [vals])
        bulk_create(self.env["product.product"], [{"product_tmpl_id": by_bulk.id, "default_code": "PM-1",
                                                   "barcode": False, "active": True}])
        self.env.flush_all()
        expected, got = self.stored_values(by_orm), self.stored_values(by_bulk)
        self.assertEqual({k: v for k, v in got.items() if v != expected[k]}, {},
                         "every stored field as create() makes it")
        self.assertEqual(by_bulk.taxes_id, tax, "many2many values go into the relation table")
        self.assertEqual(by_bulk.product_variant_id.default_code, "PM-1")
        self.assertEqual(by_bulk.with_context(lang="en_US").name, "Коврик")
        self.assertFalse(by_bulk.message_ids, "no chatter message: create() overrides do not run")

    def test_refuses_unknown_fields(self):
        with self.assertRaises(ValueError):
            bulk_create(self.env["product.template"], [{"name": "x", "no_such_field": 1}])
