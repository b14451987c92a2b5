"""Zip archives with images, time-boxed import steps and broken encodings, over HTTP as 1C sends them."""

import base64
import io
import zipfile
from unittest.mock import patch

from PIL import Image

from odoo.tests import BaseCase, tagged

from ..models import ecom_1c_import_catalog, ecom_1c_importer
from .common import ProtocolCase, pictures_in_the_database, read

IMAGES = [f"import_files/9d/9da00149441011e19bb10015174048b8_0e01fd9e204611e8b2a794de807044d{i}.jpg"
          for i in (1, 2, 3)]


def jpeg(color):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), color).save(buffer, "JPEG")
    return buffer.getvalue()


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestImportSteps(ProtocolCase):
    def setUp(self):
        super().setUp()
        self.Template = self.env["product.template"].with_context(active_test=False)

    def test_zip_with_images_like_1c(self):
        pictures_in_the_database(self)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("import.xml", read("demo-2.07", "import.xml"))
            archive.writestr("offers.xml", read("demo-2.07", "offers.xml"))
            for image, color in zip(IMAGES, ("red", "green", "blue"), strict=True):
                archive.writestr(image.replace("/", "\\"), jpeg(color))  # 1C on Windows
        cookie = self.upload({"exchange.zip": buffer.getvalue()})
        self.assertEqual(self.import_until_done(cookie, "import.xml")[0][-1], "success")
        self.assertEqual(self.import_until_done(cookie, "offers.xml")[0][-1], "success")
        self.assertEqual(self.call("success", cookie=cookie), ["success"])
        with_images = self.Template.search([("ecom_1c_id", "!=", False), ("image_1920", "!=", False)])
        self.assertTrue(with_images, "the images sent in import_files/ are the products' images")
        self.assertEqual(Image.open(io.BytesIO(base64.b64decode(with_images[0].image_1920))).size, (32, 32))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "done")
        archive = exchange.file_ids.filtered(lambda f: f.kind == "archive")
        self.assertEqual((archive.name, archive.state, archive.position), ("exchange.zip", "done", 5))
        self.assertIn("715 / пара", exchange.messages or "", "the unit 1C calls «Пара» has no Odoo twin: warned")

        # the same archive again: nothing changes, images are not rewritten
        checksums = with_images.mapped("ecom_1c_image_checksum")
        write_dates = with_images.mapped("write_date")
        cookie = self.upload({"exchange.zip": buffer.getvalue()})
        lines = self.import_until_done(cookie, "import.xml")[1]
        self.assertEqual(lines, ["success", "created=0 updated=0 archived=0"])
        self.assertEqual(with_images.mapped("ecom_1c_image_checksum"), checksums)
        self.assertEqual(with_images.mapped("write_date"), write_dates)

    def test_corrupt_zip_imports_nothing_and_says_so(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("import0_1.xml", read("ut11-2.07", "import0_1.xml"))
        damaged = buffer.getvalue()[: len(buffer.getvalue()) - 200]
        cookie = self.upload({"exchange.zip": damaged})
        lines = self.call("import", cookie=cookie, filename="import0_1.xml")
        self.assertEqual(lines[0], "failure")
        self.assertTrue(any(text in lines[1] for text in ("corrupt zip", "zip-архив повреждён")), lines)
        self.assertFalse(self.Template.search([("ecom_1c_id", "!=", False)]))
        exchange = self.env["ecom.1c.exchange"].search([], limit=1)
        self.assertEqual(exchange.state, "failed")
        self.assertEqual(exchange.file_ids.mapped("state"), ["failed"])

    def test_big_file_goes_in_time_boxed_steps(self):
        cookie = self.upload({"import0_1.xml": read("ut11-2.07", "import0_1.xml"),
                              "offers0_1.xml": read("ut11-2.07", "offers0_1.xml")})
        seen = []
        original = ecom_1c_import_catalog.Ecom1cImportCatalog._import_products

        def spy(importer, chunk, catalog_id, counts, *args, **kwargs):
            seen.append([p["id"] for p in chunk])
            return original(importer, chunk, catalog_id, counts, *args, **kwargs)

        # every step runs out of time after its first batch of 10 products
        with patch.object(ecom_1c_importer, "BATCH", 10), \
                patch.object(ecom_1c_import_catalog.Ecom1cImportCatalog, "_import_products", spy), \
                patch("time.monotonic", side_effect=iter(range(0, 10_000, 100))):
            answers, lines = self.import_until_done(cookie, "import0_1.xml")
        self.assertEqual(answers, ["progress"] * 3 + ["success"], "36 products in batches of 10: four steps")
        self.assertEqual(lines[1], "created=37 updated=0 archived=0", "counts add up over the steps")
        ids = [i for chunk in seen for i in chunk]
        self.assertEqual(len(ids), 36)
        self.assertEqual(len(set(ids)), 36, "each step goes on where the last one stopped")
        record = self.env["ecom.1c.exchange.file"].search([("name", "=", "import0_1.xml")], limit=1)
        self.assertEqual((record.steps, record.position, record.state), (4, 36, "done"))
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 36)
        # 1C asking again for a finished file hears success, nothing is imported twice
        self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "success")
        self.assertEqual(self.import_until_done(cookie, "offers0_1.xml")[0][-1], "success")

    def test_step_killed_midway_is_redone(self):
        cookie = self.upload({"import0_1.xml": read("ut11-2.07", "import0_1.xml")})
        original = ecom_1c_import_catalog.Ecom1cImportCatalog._import_products
        calls = []

        def dies_in_second_step(importer, chunk, catalog_id, counts, *args, **kwargs):
            calls.append(chunk[0]["id"])
            if len(calls) == 2:
                raise MemoryError("killed")
            return original(importer, chunk, catalog_id, counts, *args, **kwargs)

        with patch.object(ecom_1c_importer, "BATCH", 10), \
                patch.object(ecom_1c_import_catalog.Ecom1cImportCatalog, "_import_products", dies_in_second_step), \
                patch("time.monotonic", side_effect=iter(range(0, 10_000, 100))):
            self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "progress")
            self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "failure")
            self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 10,
                             "the first step stays, the killed one left nothing")
            log = self.env["ecom.1c.exchange"].search([], limit=1)
            self.assertIn("import0_1.xml: MemoryError: killed", log.messages,
                          "the failure is in the exchange log for people to see")
            answers = self.import_until_done(cookie, "import0_1.xml")[0]
        self.assertEqual(answers[-1], "success")
        self.assertEqual(calls[2], calls[1], "the killed step starts again from its first product")
        self.assertEqual(self.Template.search_count([("ecom_1c_id", "!=", False)]), 36)

    def test_broken_file_is_refused_before_anything_is_imported(self):
        content = read("ut11-2.07", "import0_1.xml")
        truncated = content[: int(len(content) * 0.9)]  # the end is missing: the start is fine
        cookie = self.upload({"import0_1.xml": truncated})
        lines = self.call("import", cookie=cookie, filename="import0_1.xml")
        self.assertEqual(lines[0], "failure")
        self.assertTrue(any(text in lines[1] for text in ("malformed XML", "ошибка в XML")), lines)
        self.assertFalse(self.Template.search([("ecom_1c_id", "!=", False)]))

    def test_encodings(self):
        utf8 = read("ut11-2.07", "import0_1.xml").decode("utf-8-sig")
        # declared UTF-8, written in windows-1251: refused with the reason, nothing imported
        cookie = self.upload({"import0_1.xml": utf8.encode("cp1251")})
        lines = self.call("import", cookie=cookie, filename="import0_1.xml")
        self.assertEqual(lines[0], "failure")
        self.assertIn("UTF-8", lines[1])
        self.assertFalse(self.Template.search([("ecom_1c_id", "!=", False)]))
        # declared windows-1251 and written so: imported, Cyrillic intact
        cp1251 = utf8.replace('encoding="UTF-8"', 'encoding="windows-1251"').encode("cp1251")
        cookie = self.upload({"import0_1.xml": cp1251})
        self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "success")
        mat = self.Template.search([("ecom_1c_id", "=", "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1")])
        self.assertEqual(mat.categ_id.name, "Коврики для дома")
        # UTF-8 with a BOM
        cookie = self.upload({"import0_1.xml": b"\xef\xbb\xbf" + utf8.encode("utf-8")})
        self.assertEqual(self.call("import", cookie=cookie, filename="import0_1.xml")[0], "success")


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestBatches(BaseCase):
    """The batches items are applied in (:func:`..models.ecom_1c_importer.batched`), without a database."""

    def test_a_key_s_items_stay_in_one_batch(self):
        offers = ["a#1", "a#2", "a#3", "b#1", "c#1", "c#2", "d#1"]

        def batches(items, size, **options):
            return list(ecom_1c_importer.batched(items, size, **options))

        def product(offer):
            return offer.split("#")[0]

        self.assertEqual(batches(offers, 2), [(["a#1", "a#2"], False), (["a#3", "b#1"], False),
                                              (["c#1", "c#2"], False), (["d#1"], True)])
        self.assertEqual(batches(offers, 2, key=product),
                         [(["a#1", "a#2", "a#3"], False), (["b#1", "c#1", "c#2"], False), (["d#1"], True)],
                         "a batch goes on to its last key's end")
        self.assertEqual(batches(["a#1"] * 7, 2, key=product, most=3),
                         [(["a#1"] * 3, False), (["a#1"] * 3, False), (["a#1"], True)], "up to ``most`` items")
        self.assertEqual(batches(offers[:3], 2, key=product), [(offers[:3], True)],
                         "a batch that goes on to the end is the last")
        self.assertEqual(batches(offers[:4], 2), [(offers[:2], False), (offers[2:4], True)],
                         "a full batch that ends the items is the last")
        self.assertEqual(batches([], 2, key=product), [])
        for size in (1, 2, 3, 10):
            self.assertEqual([o for chunk, _last in batches(offers, size, key=product) for o in chunk], offers,
                             "every item once, in order")
