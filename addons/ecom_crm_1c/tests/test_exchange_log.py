from datetime import datetime

from freezegun import freeze_time
from lxml import etree
from PIL import ImageFont

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import Ecom1cCase


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestExchangeLog(Ecom1cCase):
    def test_log_an_exchange(self):
        with freeze_time("2026-11-20 10:00:00"):
            exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "catalog"})
            exchange.file_ids = [(0, 0, {"name": "import0_1.xml", "size": 1024, "kind": "catalog"})]
        with freeze_time("2026-11-20 10:00:42"):
            exchange._log("Товар без наименования пропущен")
            exchange._finish(created=3, updated=2, archived=1)
        self.assertEqual(exchange.state, "done")
        self.assertEqual(exchange.date_end, datetime(2026, 11, 20, 10, 0, 42))
        self.assertEqual(exchange.duration, 42.0)
        self.assertEqual((exchange.created_count, exchange.updated_count, exchange.archived_count), (3, 2, 1))
        self.assertEqual(exchange.warning_count, 1)
        self.assertIn("Catalog", exchange.display_name)

    def test_log_access(self):
        exchange = self.env["ecom.1c.exchange"].create({"exchange_type": "sale"})
        self.assertEqual(exchange.with_user(self.exchange_manager).read(["state"])[0]["state"], "running")
        with self.assertRaises(AccessError):
            exchange.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            exchange.with_user(self.exchange_manager).write({"state": "done"})

    def test_the_log_reads_whole_in_russian(self):
        """Walked in Russian by an exchange manager: the form named the superuser the exchange runs as
        («Логин обмена: OdooBot», whatever login 1C used), and the lists cut their counts' headers at a
        number's 71 px («Обновл…», «Архивир…», «Предупр…»). Each header shows whole, measured in the list's
        header font (Roboto, bold, 14 px)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["ecom_crm_1c"], ["ru_RU"], overwrite=True)
        font = ImageFont.truetype(file_path("web/static/fonts/google/Roboto/Roboto-Bold.ttf"), 14)
        Exchange = self.env["ecom.1c.exchange"].with_user(self.exchange_manager).with_context(lang="ru_RU")
        views = Exchange.get_views([(False, "list"), (False, "form")])
        form = etree.fromstring(views["views"]["form"]["arch"])
        self.assertFalse(form.xpath("//field[@name='user_id']"), "no «Exchange login» naming OdooBot")
        fields_ = {model: views["models"][model]["fields"] for model in ("ecom.1c.exchange", "ecom.1c.exchange.file")}
        lists = {"ecom.1c.exchange": etree.fromstring(views["views"]["list"]["arch"]),
                 "ecom.1c.exchange.file": form.xpath("//field[@name='file_ids']/list")[0]}
        for model, arch in lists.items():
            for node in arch.xpath("./field[@name]"):
                field = fields_[model][node.get("name")]
                if field["type"] not in ("integer", "float") or node.get("column_invisible"):
                    continue
                label = node.get("string") or field["string"]
                width = int(node.get("width", "71px").removesuffix("px"))
                with self.subTest(model=model, field=node.get("name")):
                    self.assertLessEqual(font.getlength(label), width, f"«{label}» fits {width} px")
