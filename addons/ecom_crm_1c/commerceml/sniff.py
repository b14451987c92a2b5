"""Tell what a CommerceML file holds from its content, never from its name.

1C names files ``import0_1.xml``, ``offers0_1.xml``, ``prices___<guid>.xml``,
``import___<guid>.xml``... and the same file kind changes names between 1C
configurations and schema versions, so the exchange reads the first elements
instead.  Reading is streaming (a few kilobytes whatever the file size) and
refuses DTDs, entities and network access.
"""

import codecs
import os
import re
import struct
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from .archives import is_zip
from .errors import _lt

ROOT = "КоммерческаяИнформация"
# direct children of the root and what they make of the file
CATALOG_TAGS = {"Классификатор", "Каталог"}
OFFERS_TAGS = {"ПакетПредложений", "ИзмененияПакетаПредложений"}
DOCUMENT_TAGS = {"Документ", "Контейнер"}
# children of an offer that say which data an offers package carries: «names» for the list of the
# offers (2.x offers, 3.1's offers___*.xml name each offer; 3.1's prices and stock files do not)
OFFER_SECTIONS = {"Цены": "prices", "Количество": "stock", "Остатки": "stock", "Склад": "stock",
                  "Наименование": "names"}
# whether the catalog or offers package holds changes only: their attribute, or (schema 2.03) their element
ONLY_CHANGES = "СодержитТолькоИзменения"
ONLY_CHANGES_PARENTS = {"Каталог", *OFFERS_TAGS}
UTF8_BOM = b"\xef\xbb\xbf"
DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
# the root's closing tag (a namespace prefix allowed) and what may follow it, in the encodings 1C writes
ROOT_END = [re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?" + ROOT.encode(encoding) + rb"\s*>\s*$")
            for encoding in ("utf-8", "windows-1251")]
TAIL = 1024
ZIP_END, ZIP_END_SIZE, ZIP64_LOCATOR = b"PK\x05\x06", 22, b"PK\x06\x07"


class UnsafeDocument(ValueError):
    """The file is not a CommerceML document we may read (DTD, entity, not CommerceML)."""


@dataclass
class DocumentInfo:
    kind: str  # catalog | offers | documents | empty
    schema_version: str = ""
    namespace: str = ""
    only_changes: bool | None = None  # СодержитТолькоИзменения of the catalog or offers package
    sections: set = field(default_factory=set)  # for offers: {"names", "prices", "stock"}
    encoding: str = ""


def local(tag):
    """An element's name without its namespace ('' for comments and the like)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def secure_iterparse(source, events):
    """``etree.iterparse`` as every reading of an exchange file does it: no DTD loaded, no entity
    resolved, no network, no huge tree; comments and processing instructions dropped."""
    return etree.iterparse(
        source, events=events, resolve_entities=False, no_network=True, load_dtd=False,
        dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True,
    )


def check_first_element(element, root=True):
    """Raise :class:`UnsafeDocument` when the document of its first ``element`` declares a DTD or, with
    ``root``, when that element is not «КоммерческаяИнформация»; returns the document's docinfo."""
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnsafeDocument(_lt("a DTD is not allowed in an exchange file"))
    if root and local(element.tag) != ROOT:
        raise UnsafeDocument(_lt("not a CommerceML document: root element is <%s>", local(element.tag)))
    return docinfo


def malformed(error):
    """The refusal of a file lxml cannot read (``XMLSyntaxError``), with the line where it broke."""
    return UnsafeDocument(_lt("malformed XML at line %(line)s: %(error)s", line=error.lineno, error=error.msg))


def drop_handled(element):
    """Free ``element`` and its preceding siblings, handled already: memory stays flat however long
    the file."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _bool_text(value):
    return {"true": True, "false": False}.get((value or "").strip().lower())


def _bool_attr(element, name):
    return _bool_text(element.get(name))


def _head(source, size=512):
    """The first ``size`` bytes of ``source`` (a path or a seekable binary file, left where it was)."""
    if isinstance(source, (str, bytes, os.PathLike)):
        with open(source, "rb") as f:
            return f.read(size)
    position = source.tell()
    try:
        return source.read(size)
    finally:
        source.seek(position)


def check_encoding(source):
    """Raise :class:`UnsafeDocument` when the file's byte order mark and its declared encoding
    disagree (a UTF-8 file with its mark that declares ``windows-1251``): libxml2 reads no element
    of such a file, and the reason would otherwise be lost as «empty file». Returns the first bytes."""
    head = _head(source)
    if head.startswith(UTF8_BOM):
        match = DECLARED_ENCODING.match(head[len(UTF8_BOM):].lstrip())
        declared = match and match.group(1).decode("ascii")
        try:
            disagree = declared and codecs.lookup(declared).name != "utf-8"
        except LookupError:
            disagree = False  # an encoding Python does not know: libxml2 says what it makes of it
        if disagree:
            raise UnsafeDocument(_lt(
                'the declared and the detected encoding disagree: the file declares encoding="%(declared)s" '
                "but starts with a UTF-8 byte order mark (save it in %(declared)s without the mark, or declare "
                "UTF-8)", declared=declared))
    return head


def _declared_encoding(head):
    """The encoding the file of ``head`` (its first bytes) declares, XML's UTF-8 when it declares none: what lxml 5
    (Python 3.12's, the odoo:18 image's) does not tell yet at the first element, where lxml 4.9 does."""
    match = DECLARED_ENCODING.match(head.removeprefix(UTF8_BOM).lstrip())
    return match.group(1).decode("ascii") if match else "UTF-8"


def _nothing_read(head):
    if head.strip(b" \t\r\n" + UTF8_BOM):
        return UnsafeDocument(_lt("no XML element could be read: is the declared encoding the file's?"))
    return UnsafeDocument(_lt("empty file"))


def sniff(source, max_events=5000):
    """Return the :class:`DocumentInfo` of ``source`` (a path or a binary file object).

    Raises :class:`UnsafeDocument` for a DTD or entity declaration (XML bombs, external
    entities), for a root that is not «КоммерческаяИнформация», for an encoding declaration its
    byte order mark contradicts, and for XML that is malformed before the kind could be told.
    """
    head = check_encoding(source)
    parser_events = secure_iterparse(source, ("start", "end"))
    info = None
    depth = 0
    offer_depth = None
    try:
        for count, (event, element) in enumerate(parser_events):
            if count == 0:
                docinfo = check_first_element(element)
                info = DocumentInfo(
                    kind="empty", schema_version=(element.get("ВерсияСхемы") or "").strip(),
                    namespace=element.tag[1:].split("}")[0] if element.tag.startswith("{") else "",
                    encoding=docinfo.encoding or _declared_encoding(head))
            if event == "end":
                depth -= 1
                if depth == 2 and info.only_changes is None and local(element.tag) == ONLY_CHANGES \
                        and local(element.getparent().tag) in ONLY_CHANGES_PARENTS:
                    # schema 2.03's element (an attribute from 2.04 on), when it comes before what the sniffer reads
                    info.only_changes = _bool_text(element.text)
                if depth == 1 and info.kind == "documents":
                    break
                if offer_depth is not None and depth == offer_depth:
                    break  # the first offer told us which sections the package carries
                element.clear()
                continue
            depth += 1
            tag = local(element.tag)
            if depth == 2:
                if tag in OFFERS_TAGS:
                    info.kind = "offers"
                    info.only_changes = _bool_attr(element, "СодержитТолькоИзменения")
                elif tag in CATALOG_TAGS and info.kind == "empty":
                    info.kind = "catalog"
                elif tag in DOCUMENT_TAGS:
                    info.kind = "documents"
                if tag == "Каталог":
                    info.only_changes = _bool_attr(element, "СодержитТолькоИзменения")
            elif info.kind == "offers" and tag == "Предложение" and offer_depth is None:
                offer_depth = depth - 1
            elif offer_depth is not None and depth == offer_depth + 2 and tag in OFFER_SECTIONS:
                info.sections.add(OFFER_SECTIONS[tag])
            if count > max_events and info.kind != "empty":
                break
    except etree.XMLSyntaxError as error:
        if info is None or info.kind == "empty":
            raise UnsafeDocument(_lt("malformed XML: %s", error)) from error
        # the kind is known; the import step reports the damage with its position
    if info is None:
        raise _nothing_read(head)
    return info


class _Digesting:
    """A binary file read through: every byte read also goes to ``digest`` (a :mod:`hashlib` object)."""

    def __init__(self, file, digest):
        self.file, self.digest = file, digest

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data

    def read_rest(self):
        """Read what the parser left unread, to the end (its bytes are the file's as well)."""
        while self.read(1 << 20):
            pass


def check_well_formed(source, digest=None):
    """Read the whole of ``source`` once, streaming, and raise :class:`UnsafeDocument` if any of it is
    malformed, truncated, declares a DTD or is not in its declared encoding; returns the number of
    elements. An import in time-boxed steps runs this first, so that a file broken at its end is
    refused before its beginning was imported. ``digest`` (a :mod:`hashlib` object; ``source`` a path):
    updated with every byte of the file as this reading reads it, so that what identifies the bytes
    checked takes no second reading of a large file."""
    if digest is None:
        return _check_well_formed(source, source)
    with open(source, "rb") as f:
        reader = _Digesting(f, digest)
        count = _check_well_formed(source, reader)
        reader.read_rest()
    return count


def _check_well_formed(source, stream):
    """:func:`check_well_formed` of ``source``, its elements read from ``stream`` (``source`` itself, or a
    file object reading it)."""
    head = check_encoding(source)
    count = 0
    try:
        for count, (_event, element) in enumerate(secure_iterparse(stream, ("end",)), 1):
            if count == 1:
                check_first_element(element, root=False)
            drop_handled(element)
    except etree.XMLSyntaxError as error:
        raise malformed(error) from error
    if not count:
        raise _nothing_read(head)
    return count


def _zip_closed(path):
    """Whether the archive at ``path`` ends with its own end of central directory record (written
    last): at the very end of the bytes (after its comment), its central directory right before it.
    ``zipfile.is_zipfile`` takes any such record in the last 64 KB: a first part cut after a zip the
    archive stores uncompressed (a scan's .zip, an .xlsx) would pass for the archive whole."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(max(0, size - ZIP_END_SIZE - 0xFFFF))  # the record and the longest comment
        tail = f.read()
    offset = size - len(tail)
    pos = tail.rfind(ZIP_END)
    while pos >= 0:
        if len(tail) - pos >= ZIP_END_SIZE:
            *_counts, directory_size, directory_offset, comment = struct.unpack("<4H2LH", tail[pos + 4:pos + 22])
            if pos + ZIP_END_SIZE + comment == len(tail):
                if tail[max(0, pos - 20):pos].startswith(ZIP64_LOCATOR) or 0xFFFFFFFF in (
                        directory_size, directory_offset):
                    return zipfile.is_zipfile(path)  # zip64: its own records say where the directory is
                return directory_offset + directory_size == offset + pos
        pos = tail.rfind(ZIP_END, 0, pos)
    return False


def is_whole(path):
    """Whether the bytes stored so far at ``path`` are a whole exchange file rather than its first
    parts: a zip archive with its closing record, or an XML document whose root is closed and which
    is well-formed to its end (a prefix of a longer document cannot be: what follows the root's end
    would not be XML). 1C sends a file bigger than ``file_limit`` in parts of exactly that size and
    says nothing when the last one is as long: this tells a document of n × ``file_limit`` bytes
    from one whose next part is still to come. The whole file is read only when its last bytes close
    the root."""
    if is_zip(path):
        return _zip_closed(path)
    with open(path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - TAIL))
        tail = f.read()
    if not any(pattern.search(tail) for pattern in ROOT_END):
        return False
    try:
        check_well_formed(path)
    except UnsafeDocument:
        return False
    return True


def upload_complete(path, part_size):
    """Whether the bytes stored at ``path`` are a file 1C finished sending, so that one more request of
    its name is the file sent again from its start (1C heard no answer in time, or a new exchange
    without init) rather than its next part: an XML document or a zip archive that is whole
    (:func:`is_whole`: nothing may follow its end), any other file (an image) whose last part was
    shorter than ``part_size`` (1C sends a bigger file in parts of exactly ``file_limit`` bytes)."""
    size = os.path.getsize(path)
    if not size:
        return False
    if is_zip(path) or _head(path, 64).lstrip(UTF8_BOM + b" \t\r\n").startswith(b"<"):
        return is_whole(path)
    return size % part_size != 0


def starts_with(path, data, block=1024 * 1024):
    """Whether the file at ``path`` begins with the bytes ``data`` (read a block at a time: a part of
    ``file_limit`` bytes is not held twice in memory)."""
    view = memoryview(data)
    with open(path, "rb") as f:
        for offset in range(0, len(view), block):
            expected = view[offset:offset + block]
            if f.read(len(expected)) != expected:
                return False
    return True
