"""Where an uploaded exchange file may go: 1C sends Windows paths, attackers send ``..``."""

import posixpath

from .errors import _lt

# the most a stored name may be: what every file system takes (255 bytes a name), and far below PATH_MAX
MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_DEPTH = 255, 1024, 32


class UnsafePath(ValueError):
    pass


def printable(filename, limit=200):
    """``filename`` as it may be shown and logged: control characters (NUL included) as «?», cut to
    ``limit`` characters."""
    name = "".join("?" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in str(filename or ""))
    return name if len(name) <= limit else name[:limit] + "…"


def safe_relative_path(filename):
    """The relative POSIX path to store ``filename`` under, or :class:`UnsafePath`.

    Backslashes (``import_files\\9d\\a.jpg``) become slashes; absolute paths, drive letters,
    ``..`` segments, empty names, control characters and names too long or too deep for a file
    system are refused.
    """
    name = (filename or "").replace("\\", "/").strip()
    if not name or any(ord(ch) < 32 for ch in name):
        raise UnsafePath(_lt("empty or control characters"))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafePath(_lt("absolute path"))
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise UnsafePath(_lt("path escapes the upload area"))
    if len(parts) > MAX_DEPTH:
        raise UnsafePath(_lt("folders nested deeper than %s levels", MAX_DEPTH))
    if any(len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for p in parts) \
            or len(name.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise UnsafePath(_lt("name longer than %(name)s bytes or path longer than %(path)s bytes",
                             name=MAX_NAME_BYTES, path=MAX_PATH_BYTES))
    return posixpath.join(*parts)
