"""Columns read from PostgreSQL straight into numpy (no Python object per row), and written back.

The nightly job reads millions of orders and lines. Fetched as tuples through psycopg2 they cost
more than the scoring itself; even by binary COPY, psycopg2 calls Python once per row (ten million
calls for the lines, each giving the interpreter's lock away and back). :func:`copy_columns`
asks PostgreSQL instead for one row holding one array per column (``array_agg``), sent by
``COPY ... TO STDOUT WITH (FORMAT binary)``: one Python call per query, and numpy reads each
array's elements (length, value pairs of one fixed size: columns that are never NULL, of one of
:data:`TYPES`) as a structured big-endian array (https://www.postgresql.org/docs/15/sql-copy.html,
"Binary Format"; the array's layout is PostgreSQL's ``array_send``). :func:`table_slices` cuts a
big table's scan into slices of about a million rows (TID range scans), so that no array grows
past a few tens of megabytes; :class:`SharedSlices` lets two connections of one snapshot read them,
each the next slice not taken.

The other way: :func:`copy_in` writes numpy columns by binary COPY, :func:`copy_text` Python
columns in COPY's text form (NULLs, dates, JSON). :func:`local_days` turns the ``timestamp``
columns read (UTC, as Odoo stores them) into the store's days.
"""

import io
import struct
import threading
from datetime import date, datetime, timedelta

import numpy as np
import pytz

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = len(SIGNATURE) + 8  # signature, flags (int32), header extension length (int32)
# SQL type (as cast in the SELECT) -> numpy dtype of its binary representation
# (timestamp: microseconds since 2000-01-01 00:00, PostgreSQL's integer datetimes)
TYPES = {"int4": ">i4", "int2": ">i2", "int8": ">i8", "float8": ">f8", "float4": ">f4", "bool": "?",
         "timestamp": ">i8"}
# the element type's oid that array_send writes, checked against the declared type
OIDS = {"int4": 23, "int2": 21, "int8": 20, "float8": 701, "float4": 700, "bool": 16, "timestamp": 1114}
EPOCH = datetime(2000, 1, 1)
SLICE_ROWS = 1_000_000


class CopyFormatError(ValueError):
    """The COPY stream is not what the SELECT promised (a NULL, another type, a truncated row)."""


def parse_arrays(data, columns):
    """``{name: native numpy array}`` from a binary COPY stream ``data`` holding one row of one
    array per column of ``columns`` [(name, sql type)] (see the module docstring). A NULL row
    value (``array_agg`` of no rows) is an empty column; a NULL element or another type than
    declared is refused."""
    view = memoryview(data)
    if bytes(view[:len(SIGNATURE)]) != SIGNATURE:
        raise CopyFormatError("not a binary COPY stream")
    try:
        pos = HEADER + struct.unpack_from(">I", data, HEADER - 4)[0]
        (count,) = struct.unpack_from(">h", data, pos)
        pos += 2
        if count != len(columns):
            raise CopyFormatError(f"row with {count} fields, expected {len(columns)}")
        out = {}
        for name, sql_type in columns:
            dtype = np.dtype(TYPES[sql_type])
            (length,) = struct.unpack_from(">i", data, pos)
            pos += 4
            if length < 0:  # array_agg of no rows
                out[name] = np.zeros(0, dtype.newbyteorder("="))
                continue
            if pos + length > len(data):
                raise CopyFormatError("truncated COPY stream")
            out[name] = _array(data, pos, length, name, sql_type, dtype)
            pos += length
        if bytes(view[pos:]) != b"\xff\xff":
            raise CopyFormatError("truncated COPY stream or more than one row")
    except struct.error as exc:
        raise CopyFormatError("truncated COPY stream") from exc
    return out


def _array(data, pos, length, name, sql_type, dtype):
    ndim, has_nulls, oid = struct.unpack_from(">iii", data, pos)
    if ndim == 0:
        return np.zeros(0, dtype.newbyteorder("="))
    if ndim != 1:
        raise CopyFormatError(f"column {name}: an array of {ndim} dimensions")
    if oid != OIDS[sql_type]:
        raise CopyFormatError(f"column {name}: another type than declared ({sql_type})")
    if has_nulls:
        raise CopyFormatError(f"column {name}: NULL")
    (n,) = struct.unpack_from(">i", data, pos + 12)
    items = np.dtype([("length", ">i4"), ("value", dtype)])
    if 20 + n * items.itemsize != length:
        raise CopyFormatError(f"column {name}: another type than declared ({sql_type})")
    elements = np.frombuffer(data, dtype=items, count=n, offset=pos + 20)
    if (elements["length"] != dtype.itemsize).any():
        raise CopyFormatError(f"column {name}: NULL or another type than declared")
    return elements["value"].astype(dtype.newbyteorder("="))


def copy_columns(cr, query, columns):
    """Run ``query`` (a SELECT: a string, or anything with ``cr.mogrify``, such as Odoo's ``SQL``;
    or a list of them, whose rows are concatenated: :func:`table_slices`) into ``{name: array}``;
    ``columns``: [(name, sql type)] in its order, never NULL (``COALESCE`` and cast them)."""
    if isinstance(query, (list, tuple)):
        return _joined([copy_columns(cr, one, columns) for one in query], columns)
    if not isinstance(query, str):
        query = cr.mogrify(query).decode()
    aliases = ", ".join(f"c{i}" for i in range(len(columns)))
    arrays = ", ".join(f"array_agg(c{i})" for i in range(len(columns)))
    received = []
    sink = type("Sink", (), {"write": staticmethod(received.append)})  # a C method: no Python per message
    cr._obj.copy_expert(f"COPY (SELECT {arrays} FROM ({query}) AS q({aliases})) TO STDOUT WITH (FORMAT binary)",
                        sink)
    data = b"".join(received)
    del received[:]
    return parse_arrays(data, columns)


def _joined(parts, columns):
    """The slices' ``{name: array}`` joined in their order, column by column, each slice's piece let
    go once copied: the peak is the columns plus one column, not twice the columns."""
    if len(parts) == 1:
        return parts[0]
    merged = {}
    for name, _type in columns:
        pieces = [part.pop(name) for part in parts]
        merged[name] = np.concatenate(pieces)
        del pieces
    return merged


class SharedSlices:
    """The slices of one read (queries of :func:`table_slices`, as :func:`copy_columns` takes
    them) shared by several connections: each reads the next slice nobody took yet
    (:meth:`read`), so that a connection done with its own reads takes over what another has not
    begun; :meth:`columns` joins them in the slices' order, the arrays one connection reading
    them all would give. The connections must see the same data (one snapshot)."""

    def __init__(self, queries, columns):
        self.queries, self.column_types = list(queries), columns
        self._lock = threading.Lock()
        self._next = 0
        self._parts = [None] * len(self.queries)

    def _take(self):
        with self._lock:
            if self._next >= len(self.queries):
                return None
            self._next += 1
            return self._next - 1

    def read(self, cr):
        """Read the slices nobody took yet on ``cr``, one at a time, until none is left; returns
        how many it read."""
        count = 0
        while (i := self._take()) is not None:
            self._parts[i] = copy_columns(cr, self.queries[i], self.column_types)
            count += 1
        return count

    def columns(self):
        """``{name: array}`` of every slice in their order, once every reader is done."""
        if any(part is None for part in self._parts):
            raise RuntimeError("a slice was not read")
        parts, self._parts = self._parts, []
        return _joined(parts, self.column_types)


def table_slices(cr, table, alias=None, rows=SLICE_ROWS):
    """Conditions on the ``ctid`` of ``table`` (named ``alias`` in the query) that cut its scan
    into slices of about ``rows`` rows, each read by a TID range scan (PostgreSQL 14 and later;
    before, one slice: ``TRUE``). The last slice is open-ended: no row of a page added since
    the table's size was read is lost."""
    cr.execute("SELECT current_setting('server_version_num')::int, reltuples, relpages,"
               "       pg_relation_size(oid) / current_setting('block_size')::int"
               "  FROM pg_class WHERE oid = %s::regclass", [table])
    version, tuples, stat_pages, pages = cr.fetchone()
    if version < 140000 or not pages:
        return ["TRUE"]
    per_page = tuples / stat_pages if tuples and tuples > 0 and stat_pages else 100.0
    step = max(int(rows / max(per_page, 1.0)), 1)
    column = f'"{alias or table}".ctid'
    return [f"{column} >= '({start},0)'::tid"
            + (f" AND {column} < '({start + step},0)'::tid" if start + step < pages else "")
            for start in range(0, pages, step)]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_column(values):
    """One column's values as COPY text: NULL as ``\\N``, dates in ISO form, strings escaped. A
    column of one type besides NULL (the usual case) is converted without a type test per value:
    through a table of its distinct values when they repeat (at most one distinct in two in a
    sample: labels, codes, the schedule's few sentences, dates, scores; for the 700,000 scores of
    a night the COPY text 3.8-4.3 s -> 1.8-1.9 s), else by one ``map`` or comprehension."""
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if len(kinds) != 1:
        return [_text_value(value) for value in values]
    kind = kinds.pop()
    convert = _CONVERT.get(kind)
    if convert is None:
        return [_text_value(value) for value in values]
    # whether they repeat, from a sample (a set of 700,000 distinct amounts costs more than it
    # saves); not floats: -0.0 and 0.0 would be one key of the table
    sample = values[::max(1, len(values) // 4000)] if kind is not float else ()
    if sample and len(set(sample)) * 2 <= len(sample):
        table = {value: convert(value) for value in set(values) if value is not None}
        table[None] = "\\N"
        return list(map(table.__getitem__, values))
    if nulls:
        return ["\\N" if value is None else convert(value) for value in values]
    return list(map(convert, values))


def _escape(text):
    return text.translate(_COPY_ESCAPES)


_CONVERT = {int: str, float: repr, str: _escape, date: date.isoformat}


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


def no_jit(cr):
    """Turn PostgreSQL's JIT compilation off for the rest of ``cr``'s transaction. The reads
    scan millions of rows, so their cost passes ``jit_above_cost`` and PostgreSQL (JIT on by
    default since version 12) compiles their expressions first: for the orders' read, whose
    rate is a CASE with correlated subqueries, that compiling took 0.45 s of each slice's
    0.82 s on the 1M demo store, the same slice reading in 0.42 s without it."""
    cr.execute("SET LOCAL jit = off")
