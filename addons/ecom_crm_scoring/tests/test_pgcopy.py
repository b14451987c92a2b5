"""The binary COPY of one row of arrays, without a database: values, empty and NULL results, NULL
elements, other types and truncated or foreign streams refused; the COPY text writer: NULLs,
dates, and the characters the format escapes; timestamps to local days."""

import struct
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from unittest.mock import patch

import numpy as np
import pytz

from odoo.tests import BaseCase, tagged

from ..tools import pgcopy
from ..tools.pgcopy import EPOCH, OIDS, SIGNATURE, TYPES, CopyFormatError, copy_text, local_days, parse_arrays

COLUMNS = [("customer", "int4"), ("amount", "float8"), ("confirmed", "bool")]


def array(values, sql_type, oid=None):
    """``values`` as PostgreSQL's array_send writes a one-dimensional array (None: a NULL element)."""
    dtype = np.dtype(TYPES[sql_type])
    body = b"".join(struct.pack(">i", -1) if v is None
                    else struct.pack(">i", dtype.itemsize) + np.array(v, dtype).tobytes() for v in values)
    header = struct.pack(">iii", 1 if values else 0, int(None in values), oid or OIDS[sql_type])
    return header + (struct.pack(">ii", len(values), 1) if values else b"") + body


def stream(fields, extension=b""):
    """A binary COPY stream of one row of ``fields`` (bytes of each, None: a NULL field)."""
    out = SIGNATURE + struct.pack(">iI", 0, len(extension)) + extension + struct.pack(">h", len(fields))
    for field in fields:
        out += struct.pack(">i", -1) if field is None else struct.pack(">i", len(field)) + field
    return out + struct.pack(">h", -1)


def row_of(rows, oids=()):
    oids = dict(oids)
    return stream([array([r[i] for r in rows], sql_type, oids.get(name))
                   for i, (name, sql_type) in enumerate(COLUMNS)], extension=b"xyz")


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestParseArrays(BaseCase):
    def test_columns(self):
        rows = [(i, i * 1.5, i % 3 == 0) for i in range(-3, 40)]
        cols = parse_arrays(row_of(rows), COLUMNS)
        self.assertEqual(cols["customer"].tolist(), [r[0] for r in rows])
        self.assertEqual(cols["amount"].tolist(), [r[1] for r in rows])
        self.assertEqual(cols["confirmed"].tolist(), [r[2] for r in rows])
        self.assertEqual(cols["customer"].dtype, np.dtype("int32"))
        self.assertTrue(cols["amount"].dtype.isnative)

    def test_empty_results(self):
        """array_agg of no rows is NULL; an empty array has no dimension: both empty columns."""
        for data in (stream([None, None, None]), row_of([])):
            cols = parse_arrays(data, COLUMNS)
            self.assertEqual(len(cols["customer"]), 0)
            self.assertEqual(cols["amount"].dtype, np.dtype("float64"))

    def test_null_element_refused(self):
        with self.assertRaisesRegex(CopyFormatError, "amount"):
            parse_arrays(row_of([(1, 2.0, True), (2, None, False), (3, 1.0, True)]), COLUMNS)

    def test_other_type_refused(self):
        """An int8 column declared int4: the element type, then the sizes, give it away."""
        rows = [(1, 2.0, True), (2, 3.0, False)]
        with self.assertRaisesRegex(CopyFormatError, "customer"):
            parse_arrays(row_of(rows, oids=[("customer", OIDS["int8"])]), COLUMNS)
        wide = stream([array([1, 2], "int8", OIDS["int4"]), array([2.0, 3.0], "float8"),
                       array([True, False], "bool")])
        with self.assertRaisesRegex(CopyFormatError, "customer"):
            parse_arrays(wide, COLUMNS)

    def test_truncated_and_foreign_streams_refused(self):
        data = row_of([(1, 2.0, True), (2, 3.0, False)])
        for cut in (5, 30, len(data) - 1):
            with self.subTest(cut=cut), self.assertRaises(CopyFormatError):
                parse_arrays(data[:cut], COLUMNS)
        with self.assertRaises(CopyFormatError):
            parse_arrays(b"id,amount\n1,2\n" + b"x" * 40, COLUMNS)
        with self.assertRaisesRegex(CopyFormatError, "fields"):
            parse_arrays(stream([array([1], "int4")]), COLUMNS)


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

    def test_repeated_values_give_the_text_of_each_value(self):
        """Columns whose values repeat go through a table of their distinct values: the same text,
        NULLs and escapes included, as each value converted on its own."""
        n = 10_000
        columns = {
            "int": [i % 7 - 3 for i in range(n)],
            "float": [round((i % 11) / 8, 3) for i in range(n)],
            "str": [None if i % 5 == 0 else f"метка\t{i % 3}\\" for i in range(n)],
            "date": [date(2026, 1 + i % 12, 1) if i % 4 else None for i in range(n)],
            "json": [None if i % 2 else '{"a": "\\u0410\\n"}' for i in range(n)],
            "distinct": [i * 1.5 for i in range(n)],
            "zeros": [(-0.0, 0.0, 0.5)[i % 3] for i in range(n)],  # -0.0 == 0.0: no table for floats
        }
        names = list(columns)
        expected = "".join("\t".join(pgcopy._text_value(columns[name][i]) for name in names) + "\n" for i in range(n))
        self.assertEqual(copy_text(columns, names), expected)
        self.assertEqual(copy_text({name: values[:3] for name, values in columns.items()}, names),
                         "".join(expected.splitlines(keepends=True)[:3]), "too few values to repeat")


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


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestSharedSlices(BaseCase):
    """Slices of one read taken by several readers: each slice read once, joined in their order."""

    def test_two_readers_share_the_slices_and_the_columns_keep_their_order(self):
        queries = [f"slice {i}" for i in range(40)]
        taken = []

        def fake_copy(cr, query, columns):
            taken.append((cr, query))
            time.sleep(0.002)  # a query's wait, during which the other reader takes the next slice
            i = int(query.split()[1])
            return {"id": np.arange(i * 3, i * 3 + 3, dtype=np.int32), "x": np.full(3, i / 2)}

        shared = pgcopy.SharedSlices(queries, [("id", "int4"), ("x", "float8")])
        with patch.object(pgcopy, "copy_columns", side_effect=fake_copy):
            with self.assertRaisesRegex(RuntimeError, "not read"):
                shared.columns()
            with ThreadPoolExecutor(2) as pool:
                counts = list(pool.map(shared.read, ["first", "second"]))
            self.assertEqual(shared.read("late"), 0, "nothing left to take")
        self.assertEqual(sum(counts), 40)
        self.assertTrue(all(counts), counts)
        self.assertEqual(sorted(query for _cr, query in taken), sorted(queries), "each slice read once")
        joined = shared.columns()
        self.assertEqual(joined["id"].tolist(), list(range(120)))
        self.assertEqual(joined["x"].tolist(), [i / 2 for i in range(40) for _ in range(3)])
