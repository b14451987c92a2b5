"""The words of 1C's «обмен с сайтом» protocol that are no file: its version and its timestamps.

1C of the protocol's version 3 (CommerceML 2.10: 1C:УТ 11, the 1C-Bitrix module) says so at
``mode=init`` (``version=3.1``) and, after the last file of a full unload of its catalog, sends
``type=catalog&mode=deactivate&timestamp=<the checkauth's timestamp>``: the site deactivates the
products of the catalogs unloaded whole that this exchange did not name (1C-Bitrix: the elements of
those information blocks not updated since that time), then ``mode=complete``.
"""

import re
from datetime import UTC, datetime

VERSION = re.compile(r"^\s*(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?\s*$")
LATEST = (3, 1)  # the latest version the site speaks: 2.x files, 3.1's split files and deactivate
DEACTIVATES_FROM = (3,)  # 1C of this version on sends mode=deactivate after a full unload


def parse_version(raw):
    """``(major, minor…)`` of the ``version`` 1C sends at ``init`` («3.1», «2.08»), or None for none or
    one that is no version."""
    match = VERSION.match(raw or "")
    return tuple(int(part) for part in match.groups() if part is not None) if match else None


def answered_version(raw):
    """The version the site answers 1C's ``raw`` with at ``init``: 1C's own as 1C spells it («2.08»,
    never «2.8»: 1C takes the answer for its schema's version), or the latest the site speaks when
    1C's is newer; None for none or one that is no version."""
    version = parse_version(raw)
    if version is None:
        return None
    return raw.strip() if version <= LATEST else ".".join(str(part) for part in LATEST)


def announces_deactivate(raw):
    """Whether 1C speaking the protocol's version ``raw`` deactivates by ``mode=deactivate`` what a full
    unload did not name: the site then archives nothing before that request."""
    version = parse_version(raw)
    return bool(version) and version >= DEACTIVATES_FROM


def parse_timestamp(raw):
    """The naive UTC datetime (as Odoo stores them) of ``mode=deactivate``'s ``timestamp`` (Unix time,
    in seconds), or None for none, zero, a negative or no number."""
    try:
        value = int((raw or "").strip())
    except ValueError:
        return None
    if value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
