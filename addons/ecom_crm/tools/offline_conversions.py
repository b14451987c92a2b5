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
"""

import csv
import io
from datetime import UTC

import pytz

YANDEX_ID_COLUMNS = {"client_id": "ClientId", "yclid": "Yclid", "user_id": "UserId"}
GOOGLE_HEADER = ["Google Click ID", "Conversion Name", "Conversion Time", "Conversion Value", "Conversion Currency"]


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
