import datetime
import io
import json

import openpyxl

from odoo.addons.web.controllers.export import ExcelExport
from odoo.http import request

# Excel's number format of a date shown as its month, «декабрь 2026»: in Russian for a Russian reader whatever the
# language of their Excel ([$-419], the locale's prefix), else in that language
MONTH_FORMAT = "mmmm yyyy"
MONTH_LOCALES = {"ru": "[$-419]"}


def month_number_format(lang):
    """The number format of a month's cells for a reader of ``lang`` («ru_RU»)."""
    return MONTH_LOCALES.get((lang or "").split("_")[0], "") + MONTH_FORMAT


def format_months(content, columns, number_format):
    """The .xlsx ``content`` with the dates of ``columns`` (1-based) in ``number_format``, below the header; the
    cells stay dates (Excel sorts and filters them as dates), the other cells and the group rows as they were."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    for column in columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, datetime.date):
                cell.number_format = number_format
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class EcomExcelExport(ExcelExport):
    """The reports' months (``_ecom_month_fields``: a date standing for its month, «декабрь 2026» in their lists)
    exported to Excel as their lists show them: Odoo writes a date «2026-12-01», the month's first day read as a
    day. The cell is kept a date, shown as its month, so the sheet sorts and filters it as the list does."""

    def from_data(self, fields, columns_headers, rows):
        return self._ecom_months(fields, super().from_data(fields, columns_headers, rows))

    def from_group_data(self, fields, columns_headers, groups):
        return self._ecom_months(fields, super().from_group_data(fields, columns_headers, groups))

    def _ecom_months(self, fields, content):
        params = json.loads(request.params.get("data") or "{}")
        model = params.get("model")
        months = getattr(request.env[model], "_ecom_month_fields", ()) if model in request.env else ()
        columns = [index for index, field in enumerate(fields, start=1) if field.get("name") in months]
        if not columns:
            return content
        lang = (params.get("context") or {}).get("lang") or request.env.lang
        return format_months(content, columns, month_number_format(lang))
