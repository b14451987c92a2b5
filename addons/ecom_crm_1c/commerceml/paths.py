"""Where an uploaded exchange file may go: 1C sends Windows paths, attackers send ``..``."""

import posixpath

from .errors import _lt


class UnsafePath(ValueError):
    pass


def safe_relative_path(filename):
    """The relative POSIX path to store ``filename`` under, or :class:`UnsafePath`.

    Backslashes (``import_files\\9d\\a.jpg``) become slashes; absolute paths, drive letters,
    ``..`` segments, empty names and control characters are refused.
    """
    name = (filename or "").replace("\\", "/").strip()
    if not name or any(ord(ch) < 32 for ch in name):
        raise UnsafePath(_lt("empty or control characters"))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafePath(_lt("absolute path"))
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise UnsafePath(_lt("path escapes the upload area"))
    return posixpath.join(*parts)
