"""Zip archives 1C sends when the site answers ``zip=yes``: unpacked at import time, defensively.

1C packs ``import0_1.xml``, ``offers0_1.xml`` and the ``import_files/`` images into one zip. An
archive is untrusted input like any upload: member names go through :func:`safe_relative_path`
(no ``..``, no absolute paths, Windows separators accepted), sizes are counted while copying
(never trusted from the archive's header), and the whole is bounded in size and member count so
that a zip bomb stops early. Nothing is left half-unpacked: members go to a temporary folder that
replaces nothing until every one is out.
"""

import contextlib
import os
import shutil
import tempfile
import zipfile
import zlib

from .errors import _lt
from .paths import UnsafePath, safe_relative_path

CHUNK = 1024 * 1024


class UnsafeArchive(ValueError):
    """A corrupt, hostile or oversized archive."""


def is_zip(path):
    with open(path, "rb") as f:
        return f.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def _relative(name):
    try:
        return safe_relative_path(name)
    except UnsafePath as error:
        raise UnsafeArchive(_lt("refused member %(member)r: %(error)s", member=name,
                                error=error.args[0])) from error  # translated alike


def _plan(archive, target):
    """The relative names the archive's files unpack to, once all of them are known to go somewhere of their
    own: no two members of one name, no member that is both a file and another's folder, none
    that would replace a folder (or a file by a folder) in ``target``. Else :class:`UnsafeArchive`,
    before anything is unpacked."""
    planned, files, folders = [], {}, {}
    for member in archive.infolist():
        relative = _relative(member.filename)
        parts = relative.split("/")
        for depth in range(1, len(parts) + (1 if member.is_dir() else 0)):
            folders.setdefault("/".join(parts[:depth]), member.filename)
        if member.is_dir():
            continue
        if relative in files:
            raise UnsafeArchive(_lt("member %r is in the archive twice", member.filename))
        files[relative] = member.filename
        planned.append(relative)
    for relative, name in files.items():
        if relative in folders:
            raise UnsafeArchive(_lt("member %(member)r is also the folder of %(other)r", member=name,
                                    other=folders[relative]))
        parts = relative.split("/")
        parents = ("/".join(parts[:depth]) for depth in range(1, len(parts)))
        if os.path.isdir(os.path.join(target, relative)) or any(
                os.path.lexists(os.path.join(target, p)) and not os.path.isdir(os.path.join(target, p))
                for p in parents):
            raise UnsafeArchive(_lt("member %r would replace a file or folder uploaded before", name))
    return planned


def unpack(path, target, max_total, max_members=100_000):
    """Unpack the zip at ``path`` into the folder ``target``; returns the relative names unpacked.

    Raises :class:`UnsafeArchive` for a corrupt archive, a member escaping ``target`` or clashing
    with another (:func:`_plan`), more than
    ``max_members`` members or more than ``max_total`` bytes once unpacked; ``target`` is then
    left as it was.
    """
    staging = tempfile.mkdtemp(prefix=".unpack-", dir=target)
    names = []
    try:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise UnsafeArchive(_lt("corrupt zip archive: %s", error.strerror or error
                                    if isinstance(error, OSError) else error)) from error
        except UnicodeDecodeError as error:  # a member's name flagged UTF-8 that is not
            raise UnsafeArchive(_lt("a member's name is not valid UTF-8")) from error
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > max_members:
                raise UnsafeArchive(_lt("the archive holds more than %s files", max_members))
            planned = _plan(archive, target)
            total = 0
            for member, relative in zip(members, planned, strict=True):
                destination = os.path.join(staging, relative)
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                try:
                    with archive.open(member) as source, open(destination, "wb") as out:
                        while block := source.read(CHUNK):
                            total += len(block)
                            if total > max_total:
                                raise UnsafeArchive(_lt(
                                    "the archive unpacks to more than the %s bytes the exchange may still hold "
                                    "(largest exchange, Settings)", max_total))
                            out.write(block)
                except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
                        RuntimeError, OSError) as error:  # CRC errors, truncation, bad deflate data, encryption
                    raise UnsafeArchive(_lt("corrupt zip archive at %(member)r: %(error)s", member=member.filename,
                                               error=error.strerror if isinstance(error, OSError) and error.strerror
                                               else error)) from error  # no server path told
                names.append(relative)
        for relative in names:
            destination = os.path.join(target, relative)
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            os.replace(os.path.join(staging, relative), destination)
        return names
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# a file the exchange writes before renaming it over one of 1C's (:meth:`ExchangeController._replace`): its name
TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".ecom-1c-", ".part"


def is_temporary(relative):
    """Whether ``relative`` names a file being written by a request, not one of 1C's (:data:`TEMPORARY_PREFIX`)."""
    name = os.path.basename(relative)
    return name.startswith(TEMPORARY_PREFIX) and name.endswith(TEMPORARY_SUFFIX)


def files_under(folder):
    """The relative names of the files under ``folder`` (its subfolders too)."""
    return {os.path.relpath(os.path.join(root, name), folder)
            for root, _dirs, names in os.walk(folder) for name in names}


def remove_added(folder, before):
    """Remove the files under ``folder`` that are not among ``before`` (:func:`files_under`, taken
    earlier), and the folders left empty: what a failed import unpacked (and its marker) goes, so
    that the next attempt unpacks again from the archive, which stays. A file another request is writing
    meanwhile (:func:`is_temporary`, renamed over one of 1C's once written) is its own: left. Returns the
    names removed."""
    added = sorted(relative for relative in files_under(folder) - set(before) if not is_temporary(relative))
    for relative in added:
        with contextlib.suppress(FileNotFoundError):  # gone meanwhile
            os.remove(os.path.join(folder, relative))
    for root, _dirs, _names in sorted(os.walk(folder), key=lambda entry: -len(entry[0])):
        if root != folder and not os.listdir(root):
            os.rmdir(root)
    return added
