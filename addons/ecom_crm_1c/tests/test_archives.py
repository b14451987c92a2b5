"""Zip archives from 1C, unpacked defensively. No database."""

import io
import os
import tempfile
import warnings
import zipfile

from odoo.tests import BaseCase, tagged

from ..commerceml import UnsafeArchive, files_under, is_zip, remove_added, unpack


def make_zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestArchives(BaseCase):
    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp()
        self.addCleanup(lambda: __import__("shutil").rmtree(self.folder, ignore_errors=True))

    def write(self, name, data):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def listing(self):
        return sorted(os.path.relpath(os.path.join(root, name), self.folder)
                      for root, _dirs, names in os.walk(self.folder) for name in names)

    def test_unpacks_what_1c_packs(self):
        path = self.write("exchange.zip", make_zip({
            "import0_1.xml": b"<a/>", "offers0_1.xml": b"<b/>", "import_files\\9d\\img.jpg": b"jpg"}))
        self.assertTrue(is_zip(path))
        names = unpack(path, self.folder, max_total=10_000)
        self.assertEqual(sorted(names), ["import0_1.xml", "import_files/9d/img.jpg", "offers0_1.xml"])
        with open(os.path.join(self.folder, "import_files", "9d", "img.jpg"), "rb") as f:
            self.assertEqual(f.read(), b"jpg", "Windows separators inside the archive are folders")

    def test_escaping_members_are_refused_and_nothing_is_unpacked(self):
        for evil in ("../outside.xml", "/etc/passwd", "C:/x.xml", "a/../../b.xml"):
            path = self.write("evil.zip", make_zip({"import0_1.xml": b"<a/>", evil: b"x"}))
            with self.assertRaises(UnsafeArchive, msg=evil):
                unpack(path, self.folder, max_total=10_000)
            self.assertEqual(self.listing(), ["evil.zip"], f"{evil}: nothing unpacked, not even the good member")

    def test_members_that_clash_are_refused_and_nothing_is_unpacked(self):
        os.makedirs(os.path.join(self.folder, "import_files"))  # uploaded before, as 1C uploads images
        cases = {
            "twice.zip": [("import.xml", b"<a/>"), ("import.xml", b"<b/>")],
            "twice-windows.zip": [("d/import.xml", b"<a/>"), ("d\\import.xml", b"<b/>")],
            "file-then-folder.zip": [("a", b"x"), ("a/b.xml", b"<a/>")],
            "folder-then-file.zip": [("import.xml", b"<a/>"), ("a/b.xml", b"<a/>"), ("a", b"x")],
            "replaces-a-folder.zip": [("import.xml", b"<a/>"), ("import_files", b"x")],
            "deep.zip": [("/".join(["d"] * 2000) + "/x.xml", b"x")],
        }
        for name, members in cases.items():
            buffer = io.BytesIO()
            with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
                warnings.simplefilter("ignore")  # «Duplicate name»
                for member, data in members:
                    archive.writestr(member, data)
            path = self.write(name, buffer.getvalue())
            with self.assertRaises(UnsafeArchive, msg=name) as refused:
                unpack(path, self.folder, max_total=10_000)
            self.assertNotIn(self.folder, str(refused.exception))
            self.assertEqual(self.listing(), [name], f"{name}: nothing unpacked")
            os.remove(path)

    def test_member_name_not_utf8_under_the_utf8_flag(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("ж.xml", b"<a/>")  # a name not ASCII: flagged UTF-8
        path = self.write("names.zip", buffer.getvalue().replace("ж.xml".encode(), b"\xff\xfe.xml"))
        with self.assertRaises(UnsafeArchive):
            unpack(path, self.folder, max_total=10_000)
        self.assertEqual(self.listing(), ["names.zip"])

    def test_corrupt_and_truncated_archives(self):
        good = make_zip({"import0_1.xml": b"<a>" + b"x" * 5000 + b"</a>"})
        for name, data in (("garbage.zip", b"PK\x03\x04not really a zip"), ("truncated.zip", good[: len(good) // 2]),
                           ("flipped.zip", good[:60] + bytes([good[60] ^ 0xFF]) + good[61:])):
            path = self.write(name, data)
            with self.assertRaises(UnsafeArchive, msg=name):
                unpack(path, self.folder, max_total=10_000_000)
        self.assertNotIn("import0_1.xml", self.listing())

    def test_zip_bomb_stops_at_the_limit(self):
        # 50 MB of zeros compress to about 50 KB; the header's sizes are not trusted, bytes are counted
        path = self.write("bomb.zip", make_zip({"import0_1.xml": b"\0" * 50_000_000}))
        self.assertLess(os.path.getsize(path), 200_000)
        with self.assertRaises(UnsafeArchive):
            unpack(path, self.folder, max_total=1_000_000)
        self.assertEqual(self.listing(), ["bomb.zip"])

    def test_too_many_members(self):
        path = self.write("many.zip", make_zip({f"f{i}.xml": b"" for i in range(20)}))
        with self.assertRaises(UnsafeArchive):
            unpack(path, self.folder, max_total=10_000, max_members=10)

    def test_not_a_zip(self):
        self.assertFalse(is_zip(self.write("import.xml", b"<?xml version='1.0'?><a/>")))


    def test_what_a_failed_import_unpacked_is_removed_and_nothing_else(self):
        """The exchange's folder before an import, and after it unpacked an archive (members in a
        folder of their own and a marker): what was added goes, folders it made too; what was there
        stays, the archive first."""
        archive = self.write("documents.zip", make_zip({"documents.xml": b"<a/>", "more/b.xml": b"<b/>"}))
        os.makedirs(os.path.join(self.folder, "import_files"))
        self.write("import_files/a.jpg", b"jpg")
        before = files_under(self.folder)
        self.assertEqual(before, {"documents.zip", "import_files/a.jpg"})
        unpack(archive, self.folder, max_total=10_000)
        self.write(".unpacked-documents.zip", b"")
        self.assertEqual(sorted(remove_added(self.folder, before)),
                         [".unpacked-documents.zip", "documents.xml", "more/b.xml"])
        self.assertEqual(self.listing(), ["documents.zip", "import_files/a.jpg"])
        self.assertFalse(os.path.exists(os.path.join(self.folder, "more")), "the folder it made goes too")
        self.assertEqual(remove_added(self.folder, before), [], "again: nothing more to remove")
