"""Offline conversion files for the ad systems, in plain Python.

- Yandex Metrica («Офлайн-конверсии», Settings → Upload data, or the Management API
  ``offline_conversions/upload``): a CSV whose first line names the columns: the visitor's id
  column (``ClientId``, ``Yclid`` or ``UserId``: one kind per file, the upload's
  ``client_id_type``), ``Target`` (the goal's identifier), ``DateTime`` (Unix time, UTC),
  ``Price`` (dot decimal) and ``Currency`` (ISO 4217).
- Google Ads (Goals → Conversions → Uploads, click conversions): a CSV whose first line is
  ``Parameters:TimeZone=<tz>``, then ``Google Click ID,Conversion Name,Conversion Time,Conversion
  Value,Conversion Currency``; the time is ``yyyy-MM-dd HH:mm:ss`` in that time zone.

Each function takes conversions as dicts ``{"id", "time" (naive UTC datetime), "value",
"currency"}`` and returns the file's text (lines end with CRLF, as the csv module writes them).

The ids come from the visitors' browsers through the intake API, whoever sent them: only ids of
their system's own form are written (:func:`valid_ids`), and a goal name that a spreadsheet would
run as a formula is refused (:func:`formula_like`), so that the file is safe to open in Excel.
"""

import csv
import io
import re
from datetime import UTC

import pytz

from .spreadsheet import runs_as_formula

YANDEX_ID_COLUMNS = {"client_id": "ClientId", "yclid": "Yclid", "user_id": "UserId"}
GOOGLE_HEADER = ["Google Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency"]
# what each id is made of: Metrica's ClientID and Direct's yclid are numbers, Google's gclid is
# base64url (letters, digits, «-», «_»)
ID_FORMATS = {"client_id": re.compile(r"[0-9]{1,64}"), "yclid": re.compile(r"[0-9]{1,64}"),
              "gclid": re.compile(r"[A-Za-z0-9_-]{1,512}")}


def valid_ids(conversions, kind):
    """``(kept, skipped)``: the conversions whose id has the form of ``kind``'s ids (ID_FORMATS),
    and how many had another (a formula, a line break, anything a browser was made to send)."""
    pattern = ID_FORMATS[kind]
    kept = [c for c in conversions if isinstance(c["id"], str) and pattern.fullmatch(c["id"])]
    return kept, len(conversions) - len(kept)


def formula_like(text):
    """Whether ``text`` would be run as a formula by a spreadsheet or breaks the file's lines."""
    return runs_as_formula(text) or any(char in str(text or "") for char in "\r\n\x00")


def _amount(value):
    return f"{value:.2f}"


def yandex_metrica_csv(conversions, target, id_type="client_id"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([YANDEX_ID_COLUMNS[id_type], "Target", "DateTime", "Price", "Currency"])
    for conversion in conversions:
        timestamp = int(conversion["time"].replace(tzinfo=UTC).timestamp())
        writer.writerow([conversion["id"], target, timestamp, _amount(conversion["value"]), conversion["currency"]])
    return out.getvalue()


def google_ads_csv(conversions, conversion_name, tz="UTC"):
    zone = pytz.timezone(tz or "UTC")
    out = io.StringIO()
    out.write(f"Parameters:TimeZone={zone.zone}\r\n")
    writer = csv.writer(out)
    writer.writerow(GOOGLE_HEADER)
    for conversion in conversions:
        local = pytz.utc.localize(conversion["time"]).astimezone(zone)
        writer.writerow([conversion["id"], conversion_name, local.strftime("%Y-%m-%d %H:%M:%S"),
                         _amount(conversion["value"]), conversion["currency"]])
    return out.getvalue()
