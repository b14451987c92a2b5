"""The binary COPY reader without a database: streams cut anywhere, NULLs and wrong types refused;
the COPY text writer: NULLs, dates, and the characters the format escapes; timestamps to local days."""

import struct
from datetime import date, datetime, timedelta

import numpy as np
import pytz

from odoo.tests import BaseCase, tagged

from ..tools.pgcopy import EPOCH, SIGNATURE, BinaryCopyReader, CopyFormatError, copy_text, local_days

COLUMNS = [("customer", "int4"), ("amount", "float8"), ("confirmed", "bool")]


def stream(rows, extension=b""):
    """A binary COPY stream of ``rows`` as PostgreSQL writes it (COLUMNS' types; None is NULL)."""
    out = SIGNATURE + struct.pack(">iI", 0, len(extension)) + extension
    for customer, amount, confirmed in rows:
        out += struct.pack(">h", 3)
        out += struct.pack(">ii", 4, customer)
        out += struct.pack(">i", -1) if amount is None else struct.pack(">id", 8, amount)
        out += struct.pack(">i?", 1, confirmed)
    return out + struct.pack(">h", -1)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestBinaryCopyReader(BaseCase):
    def read(self, data, piece, chunk_rows=2):
        reader = BinaryCopyReader(COLUMNS, chunk_rows=chunk_rows)
        for start in range(0, len(data), piece):
            reader.write(data[start:start + piece])
        return reader.columns()

    def test_columns_whatever_the_pieces(self):
        rows = [(i, i * 1.5, i % 3 == 0) for i in range(-3, 40)]
        data = stream(rows, extension=b"xyz")
        for piece in (1, 7, 19, 64, len(data)):
            with self.subTest(piece=piece):
                cols = self.read(data, piece)
                self.assertEqual(cols["customer"].tolist(), [r[0] for r in rows])
                self.assertEqual(cols["amount"].tolist(), [r[1] for r in rows])
                self.assertEqual(cols["confirmed"].tolist(), [r[2] for r in rows])
                self.assertEqual(cols["customer"].dtype, np.dtype("int32"))
                self.assertTrue(cols["amount"].dtype.isnative)

    def test_empty_result(self):
        cols = self.read(stream([]), 5)
        self.assertEqual(len(cols["customer"]), 0)
        self.assertEqual(cols["amount"].dtype, np.dtype("float64"))

    def test_null_refused(self):
        with self.assertRaisesRegex(CopyFormatError, "amount"):
            self.read(stream([(1, 2.0, True), (2, None, False), (3, 1.0, True)]), 1000)

    def test_truncated_and_foreign_streams_refused(self):
        data = stream([(1, 2.0, True), (2, 3.0, False)])
        with self.assertRaises(CopyFormatError):
            self.read(data[:-5], 1000)
        with self.assertRaises(CopyFormatError):
            self.read(b"id,amount\n1,2\n" + b"x" * 40, 1000)


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestCopyText(BaseCase):
    def test_values_nulls_and_escapes(self):
        rows = {"id": [1, 2], "p": [0.25, None], "day": [date(2026, 12, 2), None], "ok": [True, False],
                "text": ['say "hi"\tthen\nbye \\u0410', None]}
        self.assertEqual(copy_text(rows, ["id", "p", "day", "ok", "text"]),
                         '1\t0.25\t2026-12-02\tt\tsay "hi"\\tthen\\nbye \\\\u0410\n'
                         "2\t\\N\t\\N\tf\t\\N\n")
        self.assertEqual(copy_text({"id": []}, ["id"]), "")
        self.assertEqual(copy_text({"x": [1]}, ["x", "missing"]), "1\t\\N\n", "a missing column is NULL")
        # columns of one type take the fast paths; their text is the same as value by value
        self.assertEqual(copy_text({"i": [3, -1], "f": [0.1, 2.5], "s": ["a\\b", "c"]}, ["i", "f", "s"]),
                         "3\t0.1\ta\\\\b\n-1\t2.5\tc\n")


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestLocalDays(BaseCase):
    def test_days_in_the_stores_zone_as_postgresql_gives_them(self):
        """UTC timestamps (microseconds since 2000-01-01) to the local day, each zone's offset
        changes included: around the clock changes, before and after Russia's 2011-2014 zones."""
        moments = [datetime(2010, 3, 27, 22, 59), datetime(2010, 3, 27, 23, 1), datetime(2010, 10, 30, 20, 30),
                   datetime(2013, 6, 1, 20, 30), datetime(2015, 6, 1, 20, 30), datetime(2026, 12, 31, 21, 0),
                   datetime(2026, 12, 31, 20, 59, 59), datetime(1999, 12, 31, 23, 0), datetime(2026, 3, 29, 0, 59),
                   datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 0, 30)]
        micro = timedelta(microseconds=1)
        stamps = np.array([(moment - EPOCH) // micro for moment in moments], dtype=np.int64)
        for zone in ("Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad", "Europe/Berlin", "America/New_York",
                     "Asia/Kolkata", "Australia/Adelaide", "UTC", "Etc/GMT-3"):
            expected = [pytz.utc.localize(moment).astimezone(pytz.timezone(zone)).date().toordinal()
                        for moment in moments]
            self.assertEqual(local_days(stamps, zone).tolist(), expected, zone)
        self.assertEqual(local_days(stamps[:1], None).tolist(), [date(2010, 3, 27).toordinal()], "no zone: UTC")
