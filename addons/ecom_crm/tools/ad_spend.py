"""Ad spend files of the advertising cabinets, read in plain Python.

``parse(content, filename)`` recognises the cabinet by the file's column headers, reads every row
and returns ``(cabinet, rows)``; each row is a dict ``{"date", "campaign", "campaign_ref", "cost",
"currency", "impressions", "clicks", "source", "medium"}`` (``source``/``medium`` only in the generic
format; ``currency`` None when the file does not say; ``campaign_ref`` the campaign's id in the ad system
when the file has that column — Direct's «№ Кампании» / «ID кампании» / CampaignId, Google's «Campaign
ID», VK's «ID кампании», the generic file's «campaign id» — else None; a row with an id and no title is
named by its id). Rows of the same day and campaign are summed (an
export by ad group or by ad has several). Anything it cannot read raises :class:`AdSpendError`
naming the row and the column, before anything is stored.

The layouts (see ``tests/data/README.md`` for the samples):

- Yandex Direct: the Reports API (TSV; a title line, the header ``Date CampaignName Impressions
  Clicks Cost``, a ``Total rows`` line; money in currency units, i.e. ``returnMoneyInMicros:
  false``) and the web «Мастер отчётов» export (CSV/XLSX with «День», «Кампания», «Показы»,
  «Клики», «Расход (руб.)»).
- Google Ads: a report downloaded from the web interface (CSV/XLSX; two title lines, then
  ``Day, Campaign, Currency code, Impr., Clicks, Cost``, «Total: …» lines at the end), English or
  Russian headers («День», «Кампания», «Код валюты», «Показы», «Клики», «Стоимость»).
- VK Ads (ads.vk.com): statistics export with «Дата», «Кампания», «Показы», «Клики», «Потрачено».
- Avito: promotion statistics with «Дата», «Расходы на продвижение» (campaign optional: Avito
  spends per listing, the import puts the day's spend on one campaign).
- Generic: ``date;source;medium;campaign;cost`` (+ optional ``currency;impressions;clicks``).
"""

import csv
import io
import re
from datetime import date, datetime

from odoo.tools import LazyTranslate

from .campaign_ref import campaign_ref
from .spreadsheet import runs_as_formula

_lt = LazyTranslate(__name__)

CABINETS = ("yandex_direct", "google_ads", "vk", "avito", "generic")
# the cabinets' channels: (utm.source xmlid, utm.medium xmlid)
CABINET_CHANNELS = {
    "yandex_direct": ("ecom_crm.utm_source_yandex_direct", "ecom_crm.utm_medium_cpc"),
    "google_ads": ("ecom_crm.utm_source_google_ads", "ecom_crm.utm_medium_cpc"),
    "vk": ("ecom_crm.utm_source_vk", "ecom_crm.utm_medium_social"),
    "avito": ("ecom_crm.utm_source_avito", "ecom_crm.utm_medium_classifieds"),
}
MAX_HEADER_ROW = 15  # title lines a cabinet puts above the header
MAX_COST = 1_000_000_000_000
MAX_COUNT = 2_147_483_647  # impressions and clicks are integer columns
FIRST_YEAR = 2000  # dates of spend: from 2000 to next year

# each cabinet: its columns, each a tuple of accepted headers (lower case; a header ending with
# "*" matches any header starting so); the columns of REQUIRED must all be found
LAYOUTS = {
    "generic": {
        "date": ("date", "дата"), "source": ("source", "источник"), "medium": ("medium", "канал"),
        "campaign": ("campaign", "кампания"), "cost": ("cost", "расход"), "currency": ("currency", "валюта"),
        "impressions": ("impressions", "показы"), "clicks": ("clicks", "клики"),
        "campaign_ref": ("campaign id", "campaign_id", "id кампании"),
    },
    "yandex_direct": {
        "date": ("date", "день", "дата"), "campaign": ("campaignname", "кампания", "название кампании"),
        "cost": ("cost", "расход*"), "impressions": ("impressions", "показы"), "clicks": ("clicks", "клики"),
        "campaign_ref": ("campaignid", "campaign id", "№ кампании", "id кампании", "номер кампании"),
    },
    "google_ads": {
        "date": ("day", "день"), "campaign": ("campaign", "кампания"), "cost": ("cost", "стоимость", "расходы"),
        "campaign_ref": ("campaign id", "id кампании", "идентификатор кампании"),
        "currency": ("currency code", "currency", "код валюты", "валюта"),
        "impressions": ("impr.", "impressions", "показы"), "clicks": ("clicks", "клики"),
    },
    "vk": {
        "date": ("дата", "date", "день"), "campaign": ("кампания", "название кампании", "campaign"),
        "cost": ("потрачено*", "списано*", "spent*"), "impressions": ("показы", "impressions"),
        "clicks": ("клики", "clicks"), "campaign_ref": ("id кампании", "campaign id", "campaign_id"),
    },
    "avito": {
        "date": ("дата", "date"), "campaign": ("кампания", "campaign"),
        "cost": ("расходы на продвижение*", "расход на продвижение*", "потрачено на продвижение*"),
        "impressions": ("просмотры", "показы"), "clicks": ("контакты", "клики"),
    },
}
REQUIRED = {
    "generic": ("date", "source", "cost"),
    "yandex_direct": ("date", "campaign", "cost"),
    "google_ads": ("date", "campaign", "cost"),
    "vk": ("date", "campaign", "cost"),
    "avito": ("date", "cost"),
}
# the order of recognition: the most specific layouts first (Google's «Day»/«Стоимость» and
# Yandex's «CampaignName»/«Расход» do not overlap; Avito's cost header is its own)
RECOGNITION_ORDER = ("generic", "avito", "google_ads", "yandex_direct", "vk")
CURRENCY_SIGNS = {"₽": "RUB", "руб": "RUB", "руб.": "RUB", "р.": "RUB", "$": "USD", "€": "EUR", "₸": "KZT",
                  "br": "BYN"}
# a currency named in the cost header: «Расход (руб.)», «Потрачено, ₽»
HEADER_CURRENCY = re.compile(r"(руб|₽|rub|\busd\b|\$|eur|€|kzt|₸|byn)", re.I)
HEADER_CURRENCY_CODES = {"руб": "RUB", "₽": "RUB", "rub": "RUB", "usd": "USD", "$": "USD", "eur": "EUR",
                         "€": "EUR", "kzt": "KZT", "₸": "KZT", "byn": "BYN"}
TOTAL_MARKERS = ("total", "итого", "всего")
# a campaign ID cell that names no campaign: empty, or the dash the exports put for «none» (Google's «--»,
# a spreadsheet's typographic dashes): the row is taken by its title
NO_REF = ("", "-", "--", "\u2013", "\u2014", "\u2212")
# a cell that says «total»: the word itself, not a word it begins («Итоговая распродажа», «Totally new»)
TOTAL_WORD = re.compile(rf"(?:{'|'.join(TOTAL_MARKERS)})\b")
MAX_BYTES = 20 * 1024 * 1024  # files larger are refused before they are read
MAX_ROWS = 100_000  # rows of a file (a year of 270 campaigns a day)
MAX_EMPTY_ROWS = 10_000  # an XLSX sheet's empty rows after which it is taken as ended
# a character of two to four bytes as UTF-8 writes it
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class AdSpendError(ValueError):
    """A file the import cannot read; ``message`` is a lazy translation naming the row and column."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _norm(value):
    return re.sub(r"\s+", " ", str(value or "").replace("\ufeff", "").replace("\u00a0", " ")).strip().lower()


def _matches(header, accepted):
    for name in accepted:
        if name.endswith("*") and header.startswith(name[:-1]):
            return True
        if header == name:
            return True
    return False


def _columns(header, cabinet):
    """{column: index} of ``cabinet``'s columns found in ``header`` (normalised cells)."""
    found = {}
    for column, accepted in LAYOUTS[cabinet].items():
        for index, cell in enumerate(header):
            if cell and _matches(cell, accepted):
                found.setdefault(column, index)
                break
    return found


def recognise(table):
    """``(cabinet, header row index, {column: index})`` of the first row that is a known header."""
    for row_index, (_line, row) in enumerate(table[:MAX_HEADER_ROW]):
        header = [_norm(cell) for cell in row]
        for cabinet in RECOGNITION_ORDER:
            columns = _columns(header, cabinet)
            if all(column in columns for column in REQUIRED[cabinet]):
                return cabinet, row_index, columns
    raise AdSpendError(_lt(
        "The file's columns are not those of a known ad cabinet export (Yandex Direct, Google Ads, VK Ads, "
        "Avito) nor of the generic format (date;source;medium;campaign;cost)."))


def _too_long():
    return AdSpendError(_lt(
        "The file has more than %(limit)s rows: import it in parts (a month at a time, for instance).",
        limit=MAX_ROWS))


def read_table(content, filename=""):
    """The non-empty rows of the file as ``[(line, cells)]``; see :func:`_read`."""
    return _read(content, filename)[0]


def _read(content, filename=""):
    """``(table, delimiter)``: the non-empty rows of a CSV/TSV (UTF-8, UTF-16 with a BOM or
    Windows-1251; tab, semicolon or comma) or XLSX file (delimiter None) as ``[(line, cells)]``:
    ``line`` is the file's own line (the row number a spreadsheet shows), blank lines counted."""
    if len(content) > MAX_BYTES:
        raise AdSpendError(_lt("The file is larger than %(limit)s MB: import it in parts (a month at a time, "
                               "for instance).", limit=MAX_BYTES // (1024 * 1024)))
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or filename.lower().endswith(".xls"):
        raise AdSpendError(_lt("Old Excel files (.xls) are not supported: save the file as .xlsx or CSV."))
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content), None
    text = _decode(content)
    if "\x00" in text:
        raise AdSpendError(_lt("Line %(line)s: the file holds a NUL character; it is not a text (CSV) file.",
                               line=text[:text.index("\x00")].count("\n") + 1))
    delimiter = _delimiter(text)
    return _read_csv(text, delimiter), delimiter


def _line_of(content, offset):
    return content[:offset].count(b"\n") + 1 if b"\n" in content else content[:offset].count(b"\r") + 1


def _decode(content):
    """The text of a CSV file: UTF-16 with its BOM, UTF-8, or else Windows-1251. A file mostly in UTF-8
    with a few bad bytes is refused naming the line, not read whole as Windows-1251 (mojibake)."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise AdSpendError(_lt("The file starts as UTF-16 text but is not valid UTF-16.")) from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        first_bad = error.start
    # Russian text in Windows-1251 is almost never valid UTF-8: its letters (0xC0-0xFF) are followed by
    # other letters, not by the bytes 0x80-0xBF that continue a UTF-8 character
    valid = len(UTF8_MULTIBYTE.findall(content))
    invalid = content.decode("utf-8", "replace").count("\ufffd")
    if valid and valid >= invalid:
        raise AdSpendError(_lt("Line %(line)s: the file is UTF-8 text with a byte that is not UTF-8 (a damaged "
                               "file?): fix or remove the character on that line.",
                               line=_line_of(content, first_bad)))
    return content.decode("cp1251", "replace")


def _csv_rows(text, delimiter):
    """(line, cells) of every record, blank ones included; a newline only ends a line as \\r\\n, \\n or
    \\r (not U+2028 and the like), and a record may not span lines (a quote left open)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger" in str(error):
                raise AdSpendError(_lt("Line %(line)s: a cell is longer than %(limit)s characters.",
                                       line=line + 1, limit=csv.field_size_limit())) from None
            raise AdSpendError(_lt("Line %(line)s: a quote is not closed, or text follows a closing quote.",
                                   line=line + 1)) from None
        if reader.line_num > line + 1:
            raise AdSpendError(_lt("Line %(line)s: a quote is not closed (a cell runs over several lines).",
                                   line=line + 1))
        line = reader.line_num
        yield line, cells


def _delimiter(text):
    """The separator that makes one of the first lines a known header (commas in campaign names do
    not outvote the semicolons); if none does, the most frequent one."""
    for delimiter in ("\t", ";", ","):
        head = []
        try:
            for line, cells in _csv_rows(text, delimiter):
                if any(cell.strip() for cell in cells):
                    head.append((line, cells))
                if len(head) >= MAX_HEADER_ROW:
                    break
            recognise(head)
        except AdSpendError:
            continue
        return delimiter
    sample = "\n".join(text.splitlines()[:MAX_HEADER_ROW + 5])
    counts = {sep: sample.count(sep) for sep in ("\t", ";", ",")}
    return max(counts, key=counts.get)


def _read_csv(text, delimiter):
    table = []
    for line, cells in _csv_rows(text, delimiter):
        if any(cell.strip() for cell in cells):
            if len(table) > MAX_ROWS:
                raise _too_long()
            table.append((line, cells))
    return table


def _read_xlsx(content):
    import openpyxl  # only XLSX files need it
    from openpyxl.utils import get_column_letter

    try:
        values = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet, sheet_formulas = values.worksheets[0], formulas.worksheets[0]
        table, empty_run = [], 0
        # the sheet is read here, lazily: a damaged sheet's XML raises only now. The workbook read for
        # its formulas tells a formula without a stored value (None with data_only) from an empty cell
        rows = zip(sheet.iter_rows(values_only=True), sheet_formulas.iter_rows(values_only=True), strict=False)
        for line, (row, row_formulas) in enumerate(rows, start=1):
            if not any(cell not in (None, "") for cell in row + row_formulas):
                empty_run += 1
                if empty_run > MAX_EMPTY_ROWS:
                    break  # formatted but empty rows to the sheet's end
                continue
            empty_run = 0
            for column, (cell, formula) in enumerate(zip(row, row_formulas, strict=False), start=1):
                if cell is None and isinstance(formula, str) and formula.startswith("="):
                    raise AdSpendError(_lt(
                        "Row %(row)s, column %(column)s: a formula whose value is not stored in the file. Open "
                        "the file in Excel or LibreOffice and save it, so that the values are stored.",
                        row=line, column=get_column_letter(column)))
            if len(table) > MAX_ROWS:
                raise _too_long()
            table.append((line, ["" if cell is None else cell for cell in row]))
    except AdSpendError:
        raise
    except Exception as error:  # openpyxl and its XML parser raise many kinds on a broken file
        raise AdSpendError(_lt("The file is not a readable XLSX workbook: %(error)s", error=str(error))) from None
    if not table and any(other.max_row for other in values.worksheets[1:]):
        raise AdSpendError(_lt("The workbook's first sheet («%(sheet)s») is empty: put the report on the first "
                               "sheet.", sheet=sheet.title))
    return table


def parse_number(value, comma_decimal=True):
    """A number from a cell: 1234.5, «1 234,50», «1,234.50», «1234,5 ₽», «--» (none: 0)."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):  # an XLSX numeric cell: the same bounds as a text
        number = float(value)
        if number != number or abs(number) > MAX_COST:
            raise ValueError
        return number
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
    text = re.sub(r"(₽|руб\.?|р\.|rub|usd|eur|\$|€|%)$", "", text, flags=re.I)
    if text in ("", "-", "--"):
        return 0.0
    if not re.fullmatch(r"-?[\d,.]*", text):
        raise ValueError
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in text and comma_decimal:
        text = text.replace(",", ".")
    elif "," in text:  # under an English header a comma groups thousands: «1,234», never «1,5»
        if not re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            raise ValueError
        text = text.replace(",", "")
    number = float(text)
    if number != number or abs(number) > MAX_COST:
        raise ValueError
    return number


def parse_count(value, comma_decimal=True):
    """A count of impressions or clicks: a whole number from 0 to MAX_COUNT (the column's integer)."""
    number = parse_number(value, comma_decimal)
    if number < 0 or number > MAX_COUNT or number != int(number):
        raise ValueError
    return int(number)


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y/%m/%d", "%b %d, %Y", "%d %b %Y")


def parse_date(value):
    """A date written whole (an ISO date may carry a time: «2026-11-01 00:00:00», nothing else)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text):
        text = text[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _is_total(row, columns):
    """A totals line: its date cell says so («Итого», «Total: Account», «Total rows: 3»), or it has no
    date and another cell says so. A campaign «Итоговая распродажа» is a campaign."""
    date_cell = _norm(row[columns["date"]]) if len(row) > columns["date"] else ""
    if date_cell:
        return bool(TOTAL_WORD.match(date_cell))
    return any(TOTAL_WORD.match(_norm(cell)) for cell in row)


def parse(content, filename=""):
    """``(cabinet, rows)`` of an ad spend file; see the module's docstring."""
    table, delimiter = _read(content, filename)
    if not table:
        raise AdSpendError(_lt("The file is empty."))
    cabinet, header_index, columns = recognise(table)
    header = table[header_index][1]
    english = all(re.fullmatch(r"[\x00-\x7f]*", str(cell)) for cell in header)
    # an English header writes «1,234.50» (a lone comma groups thousands: «1,234», «1,5» is refused), a
    # Russian one «1 234,50»; so does a file of a Russian Excel, separated by «;» (or a generic one by tabs)
    comma_decimal = not english or delimiter == ";" or (delimiter == "\t" and cabinet == "generic")
    cost_header = _norm(header[columns["cost"]])
    match = HEADER_CURRENCY.search(cost_header)
    header_currency = HEADER_CURRENCY_CODES[match.group(1).lower()] if match else None
    if cabinet == "yandex_direct" and not header_currency and not english:
        header_currency = "RUB"  # «Расход» without a unit: the Russian interface shows roubles

    def label(column):
        return str(header[columns[column]]).strip()

    last_year = date.today().year + 1
    summed, costs = {}, []
    for line, row in table[header_index + 1:]:
        row = list(row)
        if _is_total(row, columns):
            continue
        row += [""] * (len(header) - len(row))
        values = {}
        try:
            values["date"] = parse_date(row[columns["date"]])
        except (TypeError, ValueError):
            raise AdSpendError(_lt("Row %(row)s, column «%(column)s»: «%(value)s» is not a date.",
                                   row=line, column=label("date"), value=row[columns["date"]])) from None
        if not FIRST_YEAR <= values["date"].year <= last_year:
            raise AdSpendError(_lt(
                "Row %(row)s, column «%(column)s»: %(value)s is not a date of spend (years %(first)s to %(last)s).",
                row=line, column=label("date"), value=values["date"].isoformat(), first=FIRST_YEAR, last=last_year))
        try:
            values["cost"] = parse_number(row[columns["cost"]], comma_decimal)
        except (TypeError, ValueError):
            raise AdSpendError(_lt("Row %(row)s, column «%(column)s»: «%(value)s» is not an amount.",
                                   row=line, column=label("cost"), value=row[columns["cost"]])) from None
        if values["cost"] < 0:
            raise AdSpendError(_lt("Row %(row)s, column «%(column)s»: a spend cannot be negative.",
                                   row=line, column=label("cost")))
        for column in ("impressions", "clicks"):
            if column in columns:
                try:
                    values[column] = parse_count(row[columns[column]], comma_decimal)
                except (TypeError, ValueError, OverflowError):
                    raise AdSpendError(_lt(
                        "Row %(row)s, column «%(column)s»: «%(value)s» is not a whole number from 0 to %(max)s.",
                        row=line, column=label(column), value=row[columns[column]], max=MAX_COUNT)) from None
        currency = str(row[columns["currency"]]).strip().upper() if "currency" in columns else ""
        currency = CURRENCY_SIGNS.get(currency.lower(), currency) or header_currency
        if currency and not re.fullmatch(r"[A-Z]{3}", currency):
            raise AdSpendError(_lt("Row %(row)s, column «%(column)s»: «%(value)s» is not a currency code.",
                                   row=line, column=label("currency"), value=currency))
        source = str(row[columns["source"]]).strip() if "source" in columns else None
        if cabinet == "generic" and not source:
            raise AdSpendError(_lt("Row %(row)s, column «%(column)s»: the source is missing.",
                                   row=line, column=label("source")))
        medium = str(row[columns["medium"]]).strip() if "medium" in columns else None
        campaign = str(row[columns["campaign"]]).strip() if "campaign" in columns else ""
        ref = None
        if "campaign_ref" in columns and str(row[columns["campaign_ref"]]).strip() not in NO_REF:
            ref = campaign_ref(row[columns["campaign_ref"]])
            if not ref:
                raise AdSpendError(_lt("Row %(row)s, column «%(column)s»: «%(value)s» is not a campaign ID (a number).",
                                       row=line, column=label("campaign_ref"), value=row[columns["campaign_ref"]]))
            campaign = campaign or ref
        for column, name in (("source", source), ("medium", medium), ("campaign", campaign)):
            if name and runs_as_formula(name):  # Odoo's XLSX export would write a formula
                raise AdSpendError(_lt(
                    "Row %(row)s, column «%(column)s»: «%(value)s» starts with «%(sign)s», which a spreadsheet "
                    "takes for a formula: rename it in the file.",
                    row=line, column=label(column), value=name, sign=name[0]))
        if values["cost"]:
            costs.append(values["cost"])
        key = (values["date"], source, medium or None, campaign or None, ref, currency)
        entry = summed.setdefault(key, {"date": values["date"], "source": source, "medium": medium or None,
                                        "campaign": campaign or None, "campaign_ref": ref,
                                        "currency": currency, "cost": 0.0,
                                        "impressions": None, "clicks": None})
        entry["cost"] = round(entry["cost"] + values["cost"], 2)
        for column in ("impressions", "clicks"):
            if column in values:
                entry[column] = (entry[column] or 0) + values[column]
    if not summed:
        raise AdSpendError(_lt("The file has a header but no rows of spend."))
    if cabinet == "yandex_direct" and costs and all(cost >= 1_000_000 and cost % 10_000 == 0 for cost in costs):
        # the Reports API's default, returnMoneyInMicros: true — 1500500000 for 1,500.50
        raise AdSpendError(_lt(
            "The costs look like millionths of the currency (1500500000 for 1,500.50): download the report with "
            "the header returnMoneyInMicros: false, then import it."))
    return cabinet, list(summed.values())
