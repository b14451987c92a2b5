"""File kinds are read from content: real 1C / 1C-Bitrix files, plus hostile ones. No database needed."""

import hashlib
import io
import os
import shutil
import tempfile
import zipfile

from odoo.tests import BaseCase, tagged

from ..commerceml import UnsafeDocument, check_well_formed, is_whole, sniff, upload_complete
from .common import path, read


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestSniff(BaseCase):
    """Plain Python: BaseCase only so that Odoo's own runner (--test-tags) finds it too; no database."""

    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def stored(self, data, name="stored"):
        """``data`` as an upload stored in a file of the exchange's folder: its path."""
        target = os.path.join(self.folder, name)
        with open(target, "wb") as f:
            f.write(data)
        return target

    def test_real_files(self):
        expected = {
            ("ut11-2.07", "import0_1.xml"): ("catalog", "2.07", "urn:1C.ru:commerceml_2", set()),
            ("ut11-2.07", "offers0_1.xml"): ("offers", "2.07", "urn:1C.ru:commerceml_2", {"names", "prices", "stock"}),
            ("demo-2.07", "import.xml"): ("catalog", "2.07", "urn:1C.ru:commerceml_2", set()),
            ("demo-2.07", "offers.xml"): ("offers", "2.07", "urn:1C.ru:commerceml_2", {"names", "prices", "stock"}),
            ("demo-2.07", "orders.xml"): ("documents", "2.03", "", set()),
            ("official-2.04", "import.xml"): ("catalog", "2.04", "", set()),
            ("official-2.04", "offers.xml"): ("offers", "2.04", "", {"names", "prices", "stock"}),
            # 3.1 in files of their own: the offers list names its offers, prices and stock do not
            ("demo-3.1", "offers.xml"): ("offers", "3.1", "urn:1C.ru:commerceml_3", {"names"}),
            ("demo-3.1", "prices.xml"): ("offers", "3.1", "urn:1C.ru:commerceml_3", {"prices"}),
            ("demo-3.1", "rests.xml"): ("offers", "3.1", "urn:1C.ru:commerceml_3", {"stock"}),
            ("official-2.04", "orders.xml"): ("documents", "2.03", "", set()),
            ("bitrix-query", "orders-full-2.05.xml"): ("documents", "2.05", "", set()),
            ("bitrix-query", "orders-empty-2.05.xml"): ("empty", "2.05", "", set()),
        }
        for (folder, name), (kind, version, namespace, sections) in expected.items():
            with self.subTest(file=f"{folder}/{name}"):
                info = sniff(path(folder, name))
                self.assertEqual((info.kind, info.schema_version, info.namespace), (kind, version, namespace))
                if kind == "offers":
                    self.assertEqual(info.sections, sections)

    def test_full_or_changes_only(self):
        self.assertIs(sniff(path("official-2.04", "offers.xml")).only_changes, False)

    def test_name_does_not_matter(self):
        with open(path("demo-2.07", "offers.xml"), "rb") as f:
            self.assertEqual(sniff(io.BytesIO(f.read())).kind, "offers")

    def test_windows_1251(self):
        info = sniff(path("demo-2.07", "orders.xml"))
        self.assertEqual(info.encoding.lower(), "windows-1251")

    def test_the_encoding_is_told_by_any_lxml(self):
        """lxml 5 (Python 3.12's) does not tell a document's encoding yet at its first element, lxml 4.9 does: the
        declared one, XML's UTF-8 without a declaration."""
        root = "<КоммерческаяИнформация ВерсияСхемы=\"2.07\"/>"
        for label, payload, expected in (
                ("declared", b'<?xml version="1.0" encoding="windows-1251"?>' + root.encode("cp1251"), "windows-1251"),
                ("with its mark", b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + root.encode(), "utf-8"),
                ("none", root.encode(), "utf-8")):
            with self.subTest(label):
                self.assertEqual(sniff(io.BytesIO(payload)).encoding.lower(), expected)

    def test_hostile_files_refused(self):
        bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                + "<КоммерческаяИнформация>&lol2;</КоммерческаяИнформация>".encode())
        external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                    + "<КоммерческаяИнформация>&xxe;</КоммерческаяИнформация>".encode())
        cases = {
            "xml bomb": bomb,
            "external entity": external,
            "not commerceml": b"<html><body>hello</body></html>",
            "malformed": b"<\xd0\x9a\xd0\xbe<<",
            "empty": b"",
        }
        for label, payload in cases.items():
            with self.subTest(label), self.assertRaises(UnsafeDocument):
                sniff(io.BytesIO(payload))

    def test_truncated_after_header_still_tells_kind(self):
        with open(path("ut11-2.07", "import0_1.xml"), "rb") as f:
            head = f.read(4000)
        self.assertEqual(sniff(io.BytesIO(head)).kind, "catalog")

    def test_byte_order_mark_contradicting_the_declared_encoding(self):
        """A UTF-8 file with its byte order mark that declares windows-1251 (hand-made): libxml2 reads
        nothing of it; the refusal says why instead of «empty file»."""
        for check in (sniff, check_well_formed):
            with self.subTest(check.__name__), self.assertRaises(UnsafeDocument) as refused:
                check(path("handmade", "bom-utf8-declares-windows-1251.xml"))
            reason = str(refused.exception)
            self.assertIn("disagree", reason)
            self.assertIn("windows-1251", reason)
            self.assertIn("UTF-8", reason)


    def test_the_check_takes_the_digest_of_every_byte_it_reads(self):
        """:func:`check_well_formed` given a digest reads the file as without one (the same elements, the same
        refusals) and gives it every byte of the file, those after the root's end included: the SHA-256 of the
        file, taken by the one reading the check makes (real files of 1C: UTF-8 with its mark, windows-1251)."""
        for folder, name in (("ut11-2.07", "import0_1.xml"), ("demo-2.07", "orders.xml")):
            with self.subTest(name=f"{folder}/{name}"):
                data = read(folder, name) + b"\r\n\r\n  \n"
                target = self.stored(data)
                digest = hashlib.sha256()
                self.assertEqual(check_well_formed(target, digest), check_well_formed(target))
                self.assertEqual(digest.hexdigest(), hashlib.sha256(data).hexdigest())
        broken = self.stored(read("ut11-2.07", "import0_1.xml")[:-200])
        refusals = []
        for digest in (None, hashlib.sha256()):
            with self.assertRaises(UnsafeDocument) as refused:
                check_well_formed(broken, digest)
            refusals.append(str(refused.exception))
        self.assertEqual(refusals[0], refusals[1])
        self.assertIn("malformed XML at line", refusals[0])

    def test_a_whole_file_is_told_from_its_first_parts(self):
        """1C sends a file in parts of exactly file_limit bytes and a shorter last one, or none when
        the file is n × file_limit bytes: the bytes stored tell a whole document (its root closed,
        well-formed to its end; a zip with its closing record) from its first parts, cut anywhere."""
        stored = self.stored
        document = read("official-2.04", "orders.xml")
        windows = ('<?xml version="1.0" encoding="windows-1251"?>\r\n<КоммерческаяИнформация ВерсияСхемы="2.03">'
                   "<Документ><Ид>1</Ид><Номер>Заказ</Номер></Документ></КоммерческаяИнформация>\r\n"
                   ).encode("cp1251")
        prefixed = ('<?xml version="1.0" encoding="UTF-8"?><c:КоммерческаяИнформация xmlns:c="urn:1C.ru:commerceml_2">'
                    "<c:Документ/></c:КоммерческаяИнформация>").encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("documents.xml", document)
        archive = buffer.getvalue()
        for label, data in {"utf-8": document, "windows-1251": windows, "prefixed root": prefixed,
                            "zip": archive}.items():
            with self.subTest(label):
                self.assertTrue(is_whole(stored(data)))
                end = len(data.rstrip())  # the whitespace after the root is no part of the document
                self.assertTrue(is_whole(stored(data[:end])))
                for cut in (end // 3, end // 2, end - 30, end - 1):
                    self.assertFalse(is_whole(stored(data[:cut])), f"{label} cut at {cut} of {len(data)}")
        # a first part that happens to end with the root's closing tag (in a comment) is no document
        self.assertFalse(is_whole(stored(document[:1000] + "<!-- </КоммерческаяИнформация>".encode())))

    def test_a_zip_cut_after_a_zip_it_stores_is_no_whole_archive(self):
        """An archive storing another one uncompressed (a scan's .zip, an .xlsx beside the documents)
        holds that one's closing record in its body: a first part cut after it is not the archive
        whole (its own closing record, at its very end, is still to come)."""
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("scan.txt", "скан " * 100)
        inner = inner.getvalue()
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("scan.zip", inner)
            archive.writestr("documents.xml", read("official-2.04", "orders.xml"))
        outer = outer.getvalue()
        inner_end = outer.index(inner) + len(inner)
        for cut, whole in ((inner_end, False), (inner_end + 100, False), (len(outer) - 1, False),
                           (len(outer), True)):
            self.assertEqual(is_whole(self.stored(outer[:cut], "documents.zip")), whole,
                             f"cut at {cut} of {len(outer)}")

    def test_an_upload_complete_is_told_from_one_whose_parts_are_still_coming(self):
        """One more request of a file's name is the file sent again once what is stored is whole (XML,
        zip: nothing may follow it) or, for any other file, once its last part was shorter than
        file_limit (1C's parts are all of that size but the last); else the next part, which appends."""
        stored = self.stored
        document = read("ut11-2.07", "offers0_1.xml")  # UTF-8 with its byte order mark
        windows = ('<?xml version="1.0" encoding="windows-1251"?>\r\n<КоммерческаяИнформация ВерсияСхемы="2.03">'
                   "<Каталог><Ид>c</Ид></Каталог></КоммерческаяИнформация>").encode("cp1251")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("import.xml", document)
            archive.writestr("import_files/9d/a.jpg", b"\xff\xd8" + os.urandom(3000))
        archive = buffer.getvalue()
        for label, data in {"utf-8 with BOM": document, "windows-1251": windows, "zip": archive}.items():
            with self.subTest(label):
                self.assertTrue(upload_complete(stored(data), part_size=1024))
                self.assertTrue(upload_complete(stored(data), part_size=len(data)), "n × file_limit, whole")
                self.assertFalse(upload_complete(stored(data[:len(data) // 2]), part_size=len(data) // 2))
                self.assertFalse(upload_complete(stored(data[:100]), part_size=100), "a first part")
        image = b"\xff\xd8" + os.urandom(2046)
        self.assertTrue(upload_complete(stored(image[:1500]), part_size=1024), "its last part was short")
        self.assertFalse(upload_complete(stored(image), part_size=1024), "2 × file_limit: more may come")
        self.assertFalse(upload_complete(stored(b""), part_size=1024))
