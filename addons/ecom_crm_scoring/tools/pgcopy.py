"""PostgreSQL's binary COPY format read straight into numpy columns (no Python object per row).

The nightly job reads millions of orders and lines; fetching them as tuples through psycopg2 costs
more than the scoring itself.  ``COPY (SELECT ...) TO STDOUT WITH (FORMAT binary)`` of columns that
are never NULL gives rows of one fixed size, which numpy reads as a structured big-endian array
(https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format").  :class:`BinaryCopyReader` is
the file object ``cursor.copy_expert`` writes to: it parses complete rows as the data arrives, so
that at most one network buffer of raw bytes is held besides the columns.
"""

import numpy as np

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = len(SIGNATURE) + 8  # signature, flags (int32), header extension length (int32)
# SQL type (as cast in the SELECT) -> numpy dtype of its binary representation
TYPES = {"int4": ">i4", "int2": ">i2", "int8": ">i8", "float8": ">f8", "float4": ">f4", "bool": "?"}


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
        self.buffer = bytearray()
        self.header_seen = False
        self.finished = False
        self.parts = []

    def write(self, data):
        self.buffer += data
        if not self.header_seen:
            if len(self.buffer) < HEADER:
                return len(data)
            if bytes(self.buffer[:len(SIGNATURE)]) != SIGNATURE:
                raise CopyFormatError("not a binary COPY stream")
            extension = int.from_bytes(self.buffer[HEADER - 4:HEADER], "big")
            if len(self.buffer) < HEADER + extension:
                return len(data)
            del self.buffer[:HEADER + extension]
            self.header_seen = True
        if len(self.buffer) >= self.row.itemsize * self.chunk_rows:
            self._parse()
        return len(data)

    def _parse(self):
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
                merged = {name: np.concatenate([p[name] for p in self.parts]) if self.parts else
                          np.zeros(0, self.row[name].newbyteorder("="))
                          for name in self.names}
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


def copy_text(rows, columns):
    """``rows`` (dicts) as PostgreSQL's COPY text format, the values of ``columns`` in order: NULL
    as ``\\N``, dates in ISO form, backslashes, tabs and line breaks escaped (JSON text keeps its
    own escapes as data)."""
    out = []
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column)
            if value is None:
                values.append("\\N")
            elif isinstance(value, str):
                values.append(value.translate(_COPY_ESCAPES))
            elif isinstance(value, bool):
                values.append("t" if value else "f")
            elif hasattr(value, "isoformat"):
                values.append(value.isoformat())
            else:
                values.append(repr(value) if isinstance(value, float) else str(value))
        out.append("\t".join(values))
    return "\n".join(out) + "\n" if out else ""
