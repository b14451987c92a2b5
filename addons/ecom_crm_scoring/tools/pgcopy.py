"""PostgreSQL's binary COPY format read straight into numpy columns (no Python object per row).

The nightly job reads millions of orders and lines; fetching them as tuples through psycopg2 costs
more than the scoring itself.  ``COPY (SELECT ...) TO STDOUT WITH (FORMAT binary)`` of columns that
are never NULL gives rows of one fixed size, which numpy reads as a structured big-endian array
(https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format").  :class:`BinaryCopyReader` is
the file object ``cursor.copy_expert`` writes to: it parses complete rows as the data arrives, so
that at most one block of raw bytes is held besides the columns.

The other way: :func:`copy_in` writes numpy columns by binary COPY, :func:`copy_text` Python
columns in COPY's text form (NULLs, dates, JSON). :func:`local_days` turns the ``timestamp``
columns read (UTC, as Odoo stores them) into the store's days.
"""

import io
from datetime import date, datetime, timedelta

import numpy as np
import pytz

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = len(SIGNATURE) + 8  # signature, flags (int32), header extension length (int32)
# SQL type (as cast in the SELECT) -> numpy dtype of its binary representation
# (timestamp: microseconds since 2000-01-01 00:00, PostgreSQL's integer datetimes)
TYPES = {"int4": ">i4", "int2": ">i2", "int8": ">i8", "float8": ">f8", "float4": ">f4", "bool": "?",
         "timestamp": ">i8"}
EPOCH = datetime(2000, 1, 1)


class CopyFormatError(ValueError):
    """The COPY stream is not what the SELECT promised (a NULL, another type, a truncated row)."""


class BinaryCopyReader:
    """Collects ``COPY ... TO STDOUT WITH (FORMAT binary)`` of ``columns`` [(name, sql type)].

    Every column must be NOT NULL (``COALESCE`` in the SELECT) and of one of :data:`TYPES`
    (cast it: ``x::int4``).  ``reader.columns()`` gives ``{name: numpy array}`` in native byte
    order once the copy is done.
    """

    def __init__(self, columns, chunk_rows=1 << 16):
        self.names = [name for name, _type in columns]
        fields = [("count", ">i2")]
        for name, sql_type in columns:
            dtype = np.dtype(TYPES[sql_type])
            fields += [(f"_len_{name}", ">i4"), (name, dtype)]
        self.row = np.dtype(fields)
        self.sizes = {name: np.dtype(TYPES[t]).itemsize for name, t in columns}
        self.chunk_rows = chunk_rows
        self.block = max(self.row.itemsize * chunk_rows, HEADER)
        self.buffer = bytearray()
        self.header_seen = False
        self.finished = False
        self.parts = []

    def write(self, data):
        # called by psycopg2 once per row (ten million times for the order lines): kept to an
        # append and a length test; the header and the rows are parsed by blocks in _parse
        buffer = self.buffer
        buffer += data
        if len(buffer) >= self.block:
            self._parse()

    def _header(self):
        """Skip the stream's header once it is complete (False while it is not)."""
        if len(self.buffer) < HEADER:
            return False
        if bytes(self.buffer[:len(SIGNATURE)]) != SIGNATURE:
            raise CopyFormatError("not a binary COPY stream")
        extension = int.from_bytes(self.buffer[HEADER - 4:HEADER], "big")
        if len(self.buffer) < HEADER + extension:
            return False
        del self.buffer[:HEADER + extension]
        self.header_seen = True
        return True

    def _parse(self):
        if not self.header_seen and not self._header():
            return
        rows = len(self.buffer) // self.row.itemsize
        if not rows:
            return
        block = np.frombuffer(bytes(self.buffer[:rows * self.row.itemsize]), dtype=self.row)
        # the trailer (two bytes) is shorter than a row: it stays in the buffer for columns()
        if (block["count"] != len(self.names)).any():
            bad = block["count"][block["count"] != len(self.names)][0]
            raise CopyFormatError(f"row with {bad} fields, expected {len(self.names)}")
        for name in self.names:
            if (block[f"_len_{name}"] != self.sizes[name]).any():
                raise CopyFormatError(f"column {name}: NULL or another type than declared")
        self.parts.append({name: block[name].astype(block[name].dtype.newbyteorder("=")) for name in self.names})
        del self.buffer[:rows * self.row.itemsize]

    def columns(self):
        """The columns read, as native numpy arrays (call once the COPY is done)."""
        if not self.finished:
            self._parse()
            if bytes(self.buffer) not in (b"\xff\xff", b""):
                raise CopyFormatError("truncated COPY stream")
            self.finished = True
            if len(self.parts) != 1:
                # column by column, each block's piece let go once copied: the peak is the
                # columns plus one column, not twice the columns (ten million lines: 240 MB less)
                merged = {}
                for name in self.names:
                    pieces = [part.pop(name) for part in self.parts]
                    merged[name] = np.concatenate(pieces) if pieces else np.zeros(0, self.row[name].newbyteorder("="))
                    del pieces
                self.parts = [merged]
        return dict(self.parts[0])


def copy_columns(cr, query, columns):
    """Run ``query`` (a SELECT: a string, or anything with ``cr.mogrify``, such as Odoo's ``SQL``)
    through binary COPY into ``{name: array}``; ``columns``: [(name, sql type)] in its order."""
    if not isinstance(query, str):
        query = cr.mogrify(query).decode()
    reader = BinaryCopyReader(columns)
    cr._obj.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT binary)", reader)
    return reader.columns()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_column(values):
    """One column's values as COPY text: NULL as ``\\N``, dates in ISO form, strings escaped. A
    column of one type besides NULL (the usual case) is converted by one ``map`` or comprehension,
    not a type test per value; dates through a cache of the few distinct ones."""
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if len(kinds) != 1:
        return [_text_value(value) for value in values]
    kind = kinds.pop()
    if kind is int:
        convert = str
    elif kind is float:
        convert = repr
    elif kind is str:
        convert = _escape
    elif kind is date:
        convert = {day: day.isoformat() for day in set(values) if day is not None}.__getitem__
    else:
        return [_text_value(value) for value in values]
    if nulls:
        return ["\\N" if value is None else convert(value) for value in values]
    return list(map(convert, values))


def _escape(text):
    return text.translate(_COPY_ESCAPES)


def _text_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def copy_text(columns, names):
    """``columns`` ({name: list of values}, all of one length) as PostgreSQL's COPY text format,
    the columns ``names`` in order (a name not in ``columns`` is NULL): NULL as ``\\N``, dates in
    ISO form, backslashes, tabs and line breaks escaped (JSON text keeps its own escapes as data).
    Converted column by column: for the 700,000 scores of a night, a type test per value cost
    more than PostgreSQL's upsert of them."""
    length = len(next(iter(columns.values()), ()))
    if not length:
        return ""
    texts = [_text_column(columns[name]) if name in columns else ["\\N"] * length for name in names]
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def copy_in(cr, table, columns):
    """Write ``columns`` ([(name, sql type, array)], arrays of one length, no NULL) into ``table``
    by binary COPY: the rows are built by numpy as one structured array (no Python object per
    row)."""
    fields = [("count", ">i2")]
    for name, sql_type, _values in columns:
        fields += [(f"_len_{name}", ">i4"), (name, TYPES[sql_type])]
    rows = np.zeros(len(columns[0][2]), dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for name, sql_type, values in columns:
        rows[f"_len_{name}"] = np.dtype(TYPES[sql_type]).itemsize
        rows[name] = values
    data = SIGNATURE + b"\0\0\0\0\0\0\0\0" + rows.tobytes() + b"\xff\xff"
    names = ", ".join(f'"{name}"' for name, _type, _values in columns)
    cr._obj.copy_expert(f'COPY "{table}" ({names}) FROM STDIN WITH (FORMAT binary)', io.BytesIO(data))


def local_days(timestamps, tz_name):
    """Day numbers (``date.toordinal()``) in time zone ``tz_name`` of UTC ``timestamps`` read as
    ``timestamp`` (microseconds since 2000-01-01): what ``(ts AT TIME ZONE 'UTC' AT TIME ZONE
    tz)::date`` gives, computed in numpy from the zone's offset changes. PostgreSQL's conversion
    of three million orders' dates cost more than reading them."""
    tz = pytz.timezone(tz_name or "UTC")
    micro = timedelta(microseconds=1)
    changes = getattr(tz, "_utc_transition_times", None)
    timestamps = np.asarray(timestamps, dtype=np.int64)
    if changes:  # a zone with offset changes (pytz's DstTzInfo): the offset in force at each instant
        starts = np.array([(moment - EPOCH) // micro for moment in changes], dtype=np.int64)
        offsets = np.array([info[0] // micro for info in tz._transition_info], dtype=np.int64)
        local = timestamps + offsets[np.maximum(np.searchsorted(starts, timestamps, side="right") - 1, 0)]
    else:  # UTC or a fixed offset
        local = timestamps + tz.utcoffset(EPOCH) // micro
    return (np.floor_divide(local, 86_400_000_000) + EPOCH.toordinal()).astype(np.int32)
