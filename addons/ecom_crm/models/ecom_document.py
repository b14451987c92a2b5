"""Commercial offer, supply contract and invoice for payment of a request (crm.lead) or a quotation
(sale.order).

The QWeb templates (``report/ecom_document_templates.xml``) print ``_ecom_document_values(kind)``:
one dict of plain values whatever the source, so that an admin editing a template sees the same
names for a lead and an order.  «Send» buttons open the mail composer with the document's mail
template, which attaches the PDF (``report_template_ids``), as sale's «Send by email» does.

The invoice for payment («Счёт на оплату») carries the order's name as its number and the quotation's
date, as the offer and the contract do: one number the customer's payment order quotes and the accountant
finds the order by; the quotation's date is kept when it is confirmed (``ecom_quotation_date``), so the
invoice printed again is the one the customer got.  Its «Основание» is the contract the order names, else
the order itself.  It is printed only of a quotation (a request prints its latest one), and only
when the store's ИНН and bank account are filled in.
"""
import base64
import math
import re

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, html2plaintext
from odoo.tools.image import image_data_uri

from ..tools import ru_requisites, ru_words
from ..tools.russian_names import name_gender

DOCUMENT_KINDS = ("offer", "contract", "invoice")
# what Windows, a browser or a mail client does not take in a file's name (a "/" is a folder)
FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# a file's name at most (its extension aside): 255 bytes is the most a file system or a mail client's saving
# takes, a Cyrillic letter two of them in UTF-8
FILENAME_LENGTH = 120
# the widths of a sum of money in the products' table (DejaVu Sans at the documents' 13px, wkhtmltopdf's A4 at
# 90 dpi less the margins: a table of MONEY_TABLE_PX), to widen its columns for the longest sum of a document
MONEY_CHAR_PX = {**dict.fromkeys("0123456789", 8.27), "-": 10.9}  # a space, a comma: 4.13
MONEY_TABLE_PX = 910
MONEY_CELL_PX = 14  # the cell's padding and borders, and some air
MONEY_COLUMN_PERCENT = 13  # the narrower of the columns as the style sets them (a price's; an amount's: 14)
MONEY_COLUMN_MAX_PERCENT = 25
# units as Russian documents abbreviate them (ОКЕИ), by Odoo's xmlid; others print their (Russian) name
UOM_SHORT_NAMES = {
    "uom.product_uom_unit": "шт", "uom.product_uom_dozen": "дюжина", "uom.product_uom_kgm": "кг",
    "uom.product_uom_gram": "г", "uom.product_uom_ton": "т", "uom.product_uom_meter": "м",
    "uom.product_uom_cm": "см", "uom.product_uom_km": "км", "uom.product_uom_litre": "л",
    "uom.product_uom_hour": "ч", "uom.product_uom_day": "дн",
}

# the words of a contract that agree with the gender of a person, a sole trader or a company's signatory:
# (male, female, unknown); «гражданка Смирнова Ольга Николаевна, именуемая», «в лице … Петровой Анны
# Сергеевны, действующей». A name whose gender is not known (a company's name, «Саша Ким») has both forms
# («гражданин(ка)»), a signatory's then agrees with the position («директора …, действующего»)
GENDERED_WORDS = {
    "citizen": ("гражданин", "гражданка", "гражданин(ка)"),
    "named": ("именуемый", "именуемая", "именуемый(ая)"),
    "acting": ("действующий", "действующая", "действующий(ая)"),
    "signatory_acting": ("действующего", "действующей", "действующего"),
}


def gendered_words(own_gender, signatory_gender):
    """The words of GENDERED_WORDS agreeing with a party's own gender (a person, a sole trader) and its
    signatory's (a company's): {"citizen": "гражданка", "named": "именуемая", …}."""
    def form(forms, gender):
        return forms[{"male": 0, "female": 1}.get(gender, 2)]
    return {key: form(forms, signatory_gender if key == "signatory_acting" else own_gender)
            for key, forms in GENDERED_WORDS.items()}


def party_words(requisites):
    """The gendered words (see ``gendered_words``) of a party of a document, ``requisites`` as
    ``res.partner._ecom_requisites`` makes them (the name of a request without a contact set): a person's or a
    sole trader's gender as the name printed tells it surely, else as their card has it; a company's
    signatory's from the name printed («в лице … Петровой Анны Сергеевны»: declined into the genitive, else as
    typed, in either case: «Иванова И. И.» tells none).

    The name before the card: the card's gender (``ecom_gender``) is one stored column whether the name's rule
    set it or a person did, and nothing tells which (it is not tracked): it is computed when a part of the name
    changes and kept otherwise, so a value typed by hand lasts until the name is edited, and a value the rule
    set with an older reading of the name (before the parts were read by their role: «Анна Петрова» split into
    the surname «Анна»; an import; a slip of the hand) stays wrong. A card's gender that contradicts every
    part of the name that tells one («Петрова Анна Сергеевна» stored male) would print «гражданин Петрова Анна
    Сергеевна, именуемый», which no reading of the name supports: the contract agrees with the name it
    prints, as Russian grammar does. Where the name tells none («Ким Саша», a foreign name) or its parts
    disagree («Мария Иванов»), the card's gender, set by hand or not, is all there is: it is used then."""
    partner = requisites["partner"]
    own = None
    if not requisites["is_company"] or requisites["is_sole_trader"]:
        # a sole trader's name after its title («ИП Петрова Мария Ивановна»), on a person's card or a company's
        # (where a store enters one: its gender is set there by hand, the name after «ИП» not being split)
        own = name_gender(requisites.get("own_name", requisites["name"]) or "") or (partner.ecom_gender or None)
    return gendered_words(own, name_gender(requisites["signatory_name"], either_case=True))


# a tax of 0% that a store named «Без НДС» marks goods exempt from VAT, not the rate of an export («НДС 0%», a
# rate the documents state): 1C's «Без НДС» is imported as no tax at all, a store's own tax may be one. Its name,
# its label on invoices, its legal note (the description: «Освобождено от НДС, ст. 149 НК РФ») or its group's
# name says so, in Russian or in English («VAT Exempt», «No VAT»); «Zero-rated», «Export 0%» are the rate
WITHOUT_VAT_NAME = re.compile(
    r"без\s*(?:ндс|налога)|не\s*облага|освобожд|exempt|\bno\s*vat\b|\bwithout\s*(?:vat|tax)|\b(?:vat|tax)[\s-]*free"
    r"|\bnon[\s-]*vat\b|\bnot\s+subject", re.IGNORECASE)


def _named_without_vat(tax):
    """Whether ``tax`` (of 0%) is named as no VAT: its texts in the user's language and in the Russian the
    documents are printed in (its English name when it has no Russian one)."""
    for lang in dict.fromkeys((tax.env.lang or "en_US", "ru_RU")):
        named = tax.with_context(lang=lang)
        texts = (named.name, named.invoice_label, named.tax_group_id.name, html2plaintext(named.description or ""))
        if any(WITHOUT_VAT_NAME.search(text or "") for text in texts):
            return True
    return False


def vat_key(tax):
    """The key of ``tax`` (an ``account.tax``, empty for a line without tax) in a document's ``tax_by_rate``:
    its rate (20.0, 10.0, 0.0), "none" for no VAT (no tax, or a 0% tax named so), "other" for a tax of a fixed
    amount."""
    if not tax:
        return "none"
    if tax.amount_type not in ("percent", "division"):
        return "other"
    if float_is_zero(tax.amount, precision_digits=4) and _named_without_vat(tax):
        return "none"
    return float(tax.amount)


def _uom_name(uom):
    short = {uom.env.ref(xmlid, raise_if_not_found=False): name for xmlid, name in UOM_SHORT_NAMES.items()}
    return short.get(uom) or uom.name or ""


def _without_code(name, code):
    """A line's description without the «[code] » that sale puts before it (the code has its own column)."""
    prefix = f"[{code}] "
    return name[len(prefix):] if code and name.startswith(prefix) else name


def _tax_inclusion(taxes, price, currency, product, partner):
    """Whether a line's price includes its taxes (all of them), and its unit price without them."""
    included = bool(taxes) and all(tax.price_include for tax in taxes)
    excluded = taxes.compute_all(price, currency, 1.0, product=product, partner=partner)["total_excluded"] \
        if any(tax.price_include for tax in taxes) else price
    rates = taxes.flatten_taxes_hierarchy().filtered(lambda tax: tax.amount_type == "percent").mapped("amount")
    return {"tax_included": included, "price_excluded": excluded, "rates": rates}


def _base_line_amounts(base_line):
    """A line's amounts as the order's totals count them (``_round_base_lines_tax_details``): «subtotal» without
    its taxes, rounded globally with the rounding's kopecks spread over the lines, so that the lines' amounts add
    up to the order's untaxed amount where their own (``price_subtotal``) may miss it by a kopeck; «tax» its
    taxes so rounded; «total» with its taxes as priced (price × quantity less the discount, rounded: see
    ``_spread_kopecks``)."""
    details = base_line["tax_details"]
    return {"subtotal": details["total_excluded_currency"] + details["delta_total_excluded_currency"],
            "tax": sum(tax["tax_amount_currency"] for tax in details["taxes_data"]),
            "total": details["total_included_currency"]}


def _spread_kopecks(rows, key, amount, currency):
    """Make ``rows``' ``key`` add up to ``amount`` (the order's total), a kopeck a row from the largest row with
    tax (where the rounding comes from: a row without VAT stays its price), as Odoo spreads its own rounding's.
    Rounded globally, an order's total is its untaxed amount and its tax each rounded once, which may differ
    from the sum of its lines' prices with VAT by a kopeck or two; the rows with VAT are otherwise the prices'
    (the base's kopeck on one row and the tax's on another printed 2 112,03 for 7 × 301,72 and 102,40 for
    102,39, adding up to the same total)."""
    delta = currency.round(amount - sum(row[key] for row in rows))
    step = math.copysign(currency.rounding, delta)
    for row in sorted(rows, key=lambda row: (currency.is_zero(row["tax"]), -abs(row[key]))):
        if currency.is_zero(delta):
            break
        row[key] = currency.round(row[key] + step)
        delta = currency.round(delta - step)


class EcomDocumentMixin(models.AbstractModel):
    _name = "ecom.document.mixin"
    _description = "Documents: commercial offer, supply contract, invoice for payment"

    def _ecom_document_source(self):
        """dict(partner, company, currency, number, date, validity_date, user, lines, untaxed, tax, total), and
        of a quotation: order, due_date, payment_terms, basis (the invoice's «Основание»), contract_number and
        contract_date (the contract the order is under: the invoice's «Основание», the specification's
        contract); tax_by_rate (as ``SaleOrder._ecom_rates_of``: the VAT by rate, the amount of the lines
        without it); a line: dict(name, code, quantity, uom, price, tax_included, price_excluded, discount,
        subtotal, total), its subtotal and total those the order's totals add up."""
        raise NotImplementedError

    def _ecom_document_check(self, kind):
        """Raise the UserError (in the user's language) that says what to add before printing the document
        ``kind``: products (every document); a quotation, the store's ИНН and bank account (an invoice for
        payment, whose bank block and QR code are the point of it).  Return the document's source."""
        self.ensure_one()
        source = self._ecom_document_source()
        if kind != "invoice":
            return source
        _ = self.env._
        if not source.get("order"):
            raise UserError(_("The request %(name)s has no quotation: an invoice for payment is made out for a "
                              "quotation or an order. Create one before printing the invoice.",
                              name=self.display_name))
        company = source["company"]
        seller = company.partner_id.with_company(company)._ecom_requisites()
        if not seller["inn"]:
            raise UserError(_("The company %(company)s has no INN: fill in its Tax ID in Settings > Companies "
                              "before printing an invoice for payment.", company=company.name))
        if not seller["account"]:
            raise UserError(_("The company %(company)s has no bank account: add one to the company's contact (its "
                              "bank accounts: the account number, the bank with its BIC) before printing an invoice "
                              "for payment.", company=company.name))
        if not (seller["bank"] and seller["bik"]):
            raise UserError(_("The bank account %(account)s of the company %(company)s has no bank or its bank no "
                              "BIC: set both (Contacts > Configuration > Banks) before printing an invoice for "
                              "payment.", account=seller["account"], company=company.name))
        return source

    def _ecom_document_values(self, kind):
        """The values the templates print; read in Russian (units, products' names): a Russian document.
        ``number`` and ``date`` are the order's (its name, the quotation's date); ``contract_number`` and
        ``contract_date`` (the supply contract's only) the contract the order is under, when it names one
        (``ecom_contract_number``, ``ecom_contract_date``): its specification is printed then, not a contract."""
        self.ensure_one()
        if kind not in DOCUMENT_KINDS:
            raise ValueError(kind)
        self._ecom_document_check(kind)  # what to add, in the user's language (the document is read in Russian)
        source = self.with_context(lang="ru_RU")._ecom_document_source()
        company, currency = source["company"], source["currency"]
        partner = source["partner"]
        if partner:
            customer = partner._ecom_requisites()
        else:  # a request without a contact yet: the names it has
            customer = self.env["res.partner"]._ecom_requisites()
            customer_name = source.get("customer_name") or ""
            customer.update(name=customer_name, own_name=customer_name, phone=source.get("customer_phone") or "",
                            email=source.get("customer_email") or "")
            company_name = source.get("customer_company")
            if company_name:  # the request's company name: a company (an ИП) buys, not a citizen
                own_name = ru_requisites.sole_trader_own_name(company_name)
                customer.update(is_company=True, is_sole_trader=bool(own_name))
                if own_name:  # «ИП Петрова Мария Ивановна» however its title was typed
                    customer.update(name=f"ИП {own_name}", own_name=own_name, ogrn_label="ОГРНИП")
            # a person or a sole trader signs for themselves; a company's signatory is a line to fill in
            customer["signatory_short"] = "" if customer["is_company"] and not customer["is_sole_trader"] else \
                customer["partner"]._ecom_signer(customer["partner"], name=customer["name"])
        money = ru_words.format_amount
        # Prices with VAT included (a Russian store's usual prices): a row's price and amount both with VAT
        # and the VAT «в том числе», so that price × quantity less the discount is the amount printed.
        # Otherwise every row is without VAT (a price that includes it is printed without) and the VAT added.
        lines = source["lines"]
        tax_by_rate = source["tax_by_rate"]
        # a line bears VAT when it has a rate, 0% (an export's) too; «none», the lines without VAT
        has_tax = any(key != "none" for key in tax_by_rate)
        tax_included = not currency.is_zero(source["tax"]) and any(line["tax_included"] for line in lines) and all(
            line["tax_included"] or currency.is_zero(line["tax"]) for line in lines)
        # an order under a contract already signed (the invoice's «Основание») is supplied by a specification
        # to it: a new contract of that number would restate its date, sum and terms with this order's
        contract = (kind == "contract" and source.get("contract_number")) or ""
        values = {
            "kind": kind,
            "number": source["number"],
            "date": ru_words.format_date(source["date"]),
            "contract_number": contract,
            "contract_date": ru_words.format_date(source["contract_date"])
            if contract and source.get("contract_date") else "",
            "validity_date": ru_words.format_date(source["validity_date"]) if source["validity_date"] else "",
            "company": company,
            "seller": company.partner_id.with_company(company)._ecom_requisites(),
            "customer": customer,
            "user_name": source["user"].name or "",
            "user_phone": source["user"].phone or source["user"].mobile or "",
            "user_email": source["user"].email or "",
            "currency": currency.name,
            "currency_label": "руб." if currency.name == "RUB" else currency.symbol or currency.name,
            "lines": [{
                "index": index,
                "name": line["name"],
                "code": line.get("code") or "",
                "quantity": ru_words.format_quantity(line["quantity"]),
                "uom": line.get("uom") or "",
                "price": money(line["price"] if tax_included or not line["tax_included"] else line["price_excluded"]),
                "discount": ru_words.format_quantity(line["discount"]) if line.get("discount") else "",
                "subtotal": money(line["total"] if tax_included else line["subtotal"]),
            } for index, line in enumerate(source["lines"], start=1)],
            "has_discount": any(line.get("discount") for line in source["lines"]),
            "money_width": 0,  # below: as wide as the longest sum needs
            "count": len(source["lines"]),
            "untaxed": money(source["untaxed"]),
            "tax": money(source["tax"]),
            "has_tax": has_tax,
            # the lines without VAT beside lines with it: their amount, «В том числе не облагается НДС: 89 990,00»
            # under the «Итого» it is part of (none has VAT: «Без НДС» alone, as ``has_tax`` says)
            "no_vat_amount": money(sum(line["total" if tax_included else "subtotal"]
                                       for line in lines if line["no_vat"]))
            if has_tax and any(line["no_vat"] for line in lines) else "",
            # the rates of the lines' VAT, «10%, 20%» when mixed (the documents print ``vat_rates``: one sum a rate)
            "tax_rate": ", ".join(f"{ru_words.format_quantity(rate)}%" for rate in sorted(
                {rate for line in lines for rate in line.get("rates", ()) if rate})),
            "tax_included": tax_included,
            "total": money(source["total"]),
            "total_in_words": ru_words.capitalize(ru_words.amount_in_words(source["total"], currency.name)),
            "tax_in_words": ru_words.amount_in_words(source["tax"], currency.name),
        }
        for party in (values["seller"], values["customer"]):
            party.update(party_words(party))
        # «В том числе НДС 10%: …», «В том числе НДС 20%: …»: the VAT of each rate, as the invoice and the
        # accountant's books have it (one sum for «10%, 20%» cannot be booked); [(«20%» or "" for a tax of a
        # fixed amount, amount)], the highest rate first
        values["vat_rates"] = [(f"{ru_words.format_quantity(rate)}%" if rate is not None else "", money(amount))
                               for rate, amount in self._ecom_vat_rates(tax_by_rate)
                               ] if values["has_tax"] else []
        values["money_width"] = self._ecom_money_width(
            [line[key] for line in values["lines"] for key in ("price", "subtotal")])
        if kind == "invoice":
            values.update(self._ecom_invoice_values(source, values, tax_by_rate))
        return values

    @staticmethod
    def _ecom_money_width(sums):
        """The width (percent of the table) of the products' table's price and amount columns, so that the
        longest of ``sums`` (as printed: «1 234 567 890,12») fits on one line: a sum never breaks at a
        thousands' space. 0 when the style's widths hold it (up to tens of millions), else at most
        MONEY_COLUMN_MAX_PERCENT (the product's name keeps the rest of the table)."""
        needed = max((sum(MONEY_CHAR_PX.get(char, 4.13) for char in text) for text in sums), default=0)
        percent = math.ceil((needed + MONEY_CELL_PX) * 100 / MONEY_TABLE_PX)
        return min(percent, MONEY_COLUMN_MAX_PERCENT) if percent > MONEY_COLUMN_PERCENT else 0

    def _ecom_invoice_values(self, source, values, tax_by_rate):
        """What the invoice for payment adds: the party lines, the payment term, the payment QR code."""
        seller = values["seller"]
        extra = {
            "date_numeric": source["date"].strftime("%d.%m.%Y"),
            "bank_line": " ".join(part for part in (seller["bank"], ru_requisites.town(seller["bank_city"])) if part),
            "seller_line": self._ecom_party_line(seller),
            "customer_line": self._ecom_party_line(values["customer"]),
            "basis": source.get("basis") or "",
            "due_date": ru_words.format_date(source["due_date"]) if source.get("due_date") else "",
            "payment_terms": source.get("payment_terms") or "",
            "vat_lines": self._ecom_vat_lines(tax_by_rate, values["tax_included"], values["no_vat_amount"]),
            "tax_summary": self._ecom_tax_summary(tax_by_rate, values["currency_label"]),
            "qr_payload": "",
            "qr_image": "",
            "qr_size": "",
        }
        # a bank's app pays roubles into a Russian account (a БИК, 20 digits): no code for dollars or an IBAN
        if source["currency"].name == "RUB" and ru_requisites.is_bik(seller["bik"]) \
                and not ru_requisites.digits_error(seller["account"], 20):
            payload = self._ecom_payment_qr_payload(source, {**values, **extra})
            # printed at 0.5 mm a module whatever its payload (a long one is larger, not denser)
            png, size_mm = ru_requisites.payment_qr_png(payload)
            extra.update(qr_payload=payload, qr_image=image_data_uri(base64.b64encode(png)),
                         qr_size=f"{size_mm * ru_requisites.PAYMENT_QR_CSS_PER_MM:.1f}mm")
        return extra

    def _ecom_party_line(self, requisites):
        """«ООО «Яндекс», ИНН 7736207543, КПП 770401001, 119021, Москва, ул. Льва Толстого, д. 16, тел.: …»."""
        r = requisites
        return ", ".join(part for part in (
            r["name"] or "_______________", f"{r['inn_label']} {r['inn']}" if r["inn"] else "",
            f"КПП {r['kpp']}" if r["kpp"] else "", r["address"], f"тел.: {r['phone']}" if r["phone"] else "",
        ) if part)

    @staticmethod
    def _ecom_vat_rates(tax_by_rate):
        """The VAT rates of ``tax_by_rate`` (see ``SaleOrder._ecom_rates_of``) with their amounts, the
        highest rate first, a tax of no rate (a fixed amount) last: [(rate or None, amount)]."""
        rated = sorted((rate, amount) for rate, amount in tax_by_rate.items() if isinstance(rate, float))
        return [*reversed(rated), *((None, amount) for rate, amount in tax_by_rate.items() if rate == "other")]

    def _ecom_vat_lines(self, tax_by_rate, tax_included, no_vat_amount):
        """The invoice's VAT lines, one per rate as the accountant books them: [(label, amount)],
        «В том числе НДС 20%» (prices with VAT) or «Сумма НДС 20%» (VAT on top), the lines without VAT beside
        them first, as the offer and the contract state them: «В том числе не облагается НДС», their amount
        (part of the «Итого» above); no line with VAT: «Без налога (НДС)», «-», the standard form's line (0% is
        a rate: an export's «НДС 0%», not goods exempt from it)."""
        label = "В том числе НДС" if tax_included else "Сумма НДС"
        lines = [(f"{label} {ru_words.format_quantity(rate)}%" if rate is not None else label,
                  ru_words.format_amount(amount)) for rate, amount in self._ecom_vat_rates(tax_by_rate)]
        if not lines:
            return [("Без налога (НДС)", "-")]
        if no_vat_amount:
            lines.insert(0, ("В том числе не облагается НДС", no_vat_amount))
        return lines

    def _ecom_tax_summary(self, tax_by_rate, currency_label):
        """The VAT as a payment order names it (the Bank of Russia's rules: the VAT or its absence stated
        in the purpose): «В т.ч. НДС (20%) 14 700,30 руб., НДС (10%) 4 454,64 руб.», «Без налога (НДС)»."""
        rates = self._ecom_vat_rates(tax_by_rate)
        if not rates:
            return "Без налога (НДС)"
        return "В т.ч. " + ", ".join(
            f"НДС{f' ({ru_words.format_quantity(rate)}%)' if rate is not None else ''} "
            f"{ru_words.format_amount(amount)} {currency_label}" for rate, amount in rates)

    def _ecom_payment_qr_payload(self, source, values):
        """The ГОСТ Р 56042-2014 text of the invoice's payment QR code: the store's account, the sum in
        kopecks and the purpose the store's accountant matches the payment by."""
        seller = values["seller"]
        kopecks = ru_words.to_hundredths(source["total"])
        return ru_requisites.payment_qr_payload(
            Name=seller["name"], PersonalAcc=ru_requisites.compact(seller["account"]), BankName=seller["bank"],
            BIC=ru_requisites.compact(seller["bik"]), CorrespAcc=ru_requisites.compact(seller["corr_account"]),
            Sum=kopecks if kopecks > 0 else None,
            Purpose=f"Оплата по счёту № {values['number']} от {values['date_numeric']}. {values['tax_summary']}",
            PayeeINN=seller["inn"], KPP=seller["kpp"])

    def _ecom_document_title(self, kind):
        """The document's name in the user's language (the customer's in its e-mail): its PDF's file name, its
        e-mail's subject. The supply contract of an order under a contract is its specification to it: «Спецификация
        № S00042 к договору № 15/2026»."""
        self.ensure_one()
        _ = self.env._
        number = self._ecom_document_source_number()
        contract = kind == "contract" and self._ecom_document_contract()
        if contract:
            return _("Specification %(number)s to contract %(contract)s", number=number, contract=contract)
        if kind == "contract":
            return _("Supply contract %(number)s", number=number)
        if kind == "invoice":
            return _("Invoice for payment %(number)s", number=number)
        return _("Commercial offer %(number)s", number=number)

    def _ecom_document_filename(self, kind):
        """The PDF's name (the report's download, the e-mail's attachment), without its extension: the title with
        a dash for what a file's name may not hold («15-2026»). Odoo passes a contract «15/2026» on as it is (the
        download's header, the attachment's name): browsers replace the slash each their own way, a mail client may
        take «2026.pdf» for the name (the rest a folder) or refuse the file. A name longer than FILENAME_LENGTH (a
        contract's number pasted with its whole title) is cut there, with an ellipsis: whole, it could not be
        saved."""
        name = " ".join(FILENAME_UNSAFE.sub("-", self._ecom_document_title(kind)).split())
        if len(name) > FILENAME_LENGTH:
            name = name[:FILENAME_LENGTH - 1].rstrip(" .-") + "…"
        return name

    def _ecom_document_source_number(self):
        raise NotImplementedError

    def _ecom_document_contract(self):
        """The number of the contract the documents' order is under, "" when none: its supply contract is then the
        specification to that contract (the e-mail's template asks for it to be signed)."""
        raise NotImplementedError

    def _ecom_document_xmlid(self, prefix, kind):
        return f"ecom_crm.{prefix}_{kind}_{self._table}"

    def action_ecom_send_offer(self):
        return self._ecom_action_send("offer")

    def action_ecom_send_contract(self):
        return self._ecom_action_send("contract")

    def action_ecom_send_invoice(self):
        return self._ecom_action_send("invoice")

    def _ecom_action_send(self, kind):
        """The mail composer on this record with the document's template: its PDF attached, ready to send. The
        dialog is titled with the document in the user's language (an action without a name reads «Odoo»)."""
        self.ensure_one()
        self._ecom_document_check(kind)  # a clear error now rather than a failed attachment in the composer
        template = self.env.ref(self._ecom_document_xmlid("mail_template", kind))
        return {
            "type": "ir.actions.act_window",
            "name": self._ecom_document_title(kind),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id,
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "ecom.document.mixin"]

    ecom_quotation_date = fields.Date(
        "Quotation date", copy=False, readonly=True,
        help="The quotation's date, kept when it is confirmed (confirming dates an order that day): the date "
             "of its invoice for payment, printed again after the confirmation.")
    ecom_contract_number = fields.Char(
        "Contract No.", help="The contract with the customer this order is supplied under, «15/2026»: the "
                             "invoice for payment's «Основание» (else the order itself); the supply contract "
                             "printed of the order is then its specification to that contract.")
    ecom_contract_date = fields.Date(
        "Contract date", help="The date of the contract the order is under, printed with its number (the "
                              "invoice's «Основание», the specification's contract).")

    def action_confirm(self):
        # the quotation's date, before confirming sets the order's to today (the day its invoice was printed
        # with); kept through a cancellation and a second confirmation. Only of the quotations sale confirms
        # (it refuses a cancelled one), one write a day whatever the number of orders
        quotations = self.filtered(lambda order: order.state in ("draft", "sent") and not order.ecom_quotation_date)
        for date, orders in quotations.grouped(lambda order: order._ecom_local_date(order.date_order)).items():
            orders.ecom_quotation_date = date
        return super().action_confirm()

    def write(self, vals):
        # a quotation dated again by hand (back to a quotation after a cancellation, sent anew) is of that
        # date: its invoice no longer prints the one kept at its first confirmation (nor its due date)
        redated = self.browse()
        if vals.get("date_order") and not {"state", "ecom_quotation_date"} & vals.keys():
            moment = fields.Datetime.to_datetime(vals["date_order"])
            redated = self.filtered(lambda order: order.state in ("draft", "sent") and order.ecom_quotation_date
                                    and order.date_order != moment)
        result = super().write(vals)
        if redated:
            super(SaleOrder, redated).write({"ecom_quotation_date": False})
        return result

    def _ecom_local_date(self, moment):
        """The day of ``moment`` where the order is worked on: the user's time zone, as Odoo shows them the
        order's date; for whoever has none (the site's payment, an exchange: the public user, the superuser),
        the store's (its company's), not UTC's, where 01:30 in Moscow is the day before."""
        zone = self.env.context.get("tz") or self.env.user.tz or self.company_id.partner_id.tz
        return fields.Date.context_today(self.with_context(tz=zone), moment)

    def _ecom_document_date(self):
        """The documents' date: the quotation's, whether confirmed since or not."""
        return self.ecom_quotation_date or self._ecom_local_date(self.date_order)

    def _ecom_document_basis(self, date):
        """The invoice's «Основание»: the contract the order is under, else the order, with its date (the
        invoice's) and the customer's own reference of it."""
        if self.ecom_contract_number:
            when = f" от {self.ecom_contract_date.strftime('%d.%m.%Y')}" if self.ecom_contract_date else ""
            return f"Договор № {self.ecom_contract_number}{when}"
        basis = f"Заказ № {self.name} от {date.strftime('%d.%m.%Y')}"
        return f"{basis} (заказ покупателя № {self.client_order_ref})" if self.client_order_ref else basis

    def _ecom_document_source_number(self):
        return self.name

    def _ecom_document_contract(self):
        return self.ecom_contract_number or ""

    def _ecom_document_source(self):
        self.ensure_one()
        lines, base_lines = self._ecom_base_lines()
        if not lines:
            raise UserError(self.env._("The quotation %(name)s has no products: add them before printing a "
                                       "document.", name=self.name))
        date = self._ecom_document_date()
        rows = [{
            "name": _without_code(line.name, line.product_id.default_code),
            "code": line.product_id.default_code,
            "quantity": line.product_uom_qty,
            "uom": _uom_name(line.product_uom),
            "price": line.price_unit,
            **_tax_inclusion(line.tax_id, line.price_unit, self.currency_id, line.product_id, self.partner_id),
            "discount": line.discount,
            **_base_line_amounts(base_line),
            "no_vat": all(vat_key(tax) == "none" for tax in line.tax_id),
        } for line, base_line in zip(lines, base_lines, strict=False)]
        # with prices with VAT the rows print their «total»: spread the kopecks of the order's rounding over them
        _spread_kopecks(rows, "total", self.amount_total, self.currency_id)
        return {
            "partner": self.partner_id,
            "company": self.company_id,
            "currency": self.currency_id,
            "number": self.name,
            "date": date,
            "contract_number": self.ecom_contract_number,
            "contract_date": self.ecom_contract_date,
            "basis": self._ecom_document_basis(date),
            "validity_date": self.validity_date,
            "user": self.user_id,
            "lines": rows,
            "untaxed": self.amount_untaxed,
            "tax": self.amount_tax,
            "total": self.amount_total,
            "tax_by_rate": self._ecom_rates_of(base_lines),
            "order": self,
            **self._ecom_payment_due(date),
        }

    def _ecom_document_lines(self):
        """The lines a document prints: products, not sections or notes, nor a line taken back (1C drops a
        line of a confirmed order by setting it to 0: it sold nothing)."""
        return self.order_line.filtered(lambda line: not line.display_type and not float_is_zero(
            line.product_uom_qty, precision_rounding=line.product_uom.rounding or 0.01))

    def _ecom_base_lines(self):
        """(lines, base_lines): the lines a document prints and the base lines sale computes the order's
        amounts with (``_compute_amounts``, ``tax_totals``): one per line, in their order, then those of an
        early payment discount computed «mixed»; their taxes' details rounded as the order's are (per line, or
        globally with the rounding's kopecks spread over the lines), in the order's currency. A line taken back
        is left out: its amounts are 0."""
        self.ensure_one()
        AccountTax = self.env["account.tax"]
        lines = self._ecom_document_lines()
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in lines]
        base_lines += self._add_base_lines_for_early_payment_discount()
        AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
        return lines, base_lines

    def _ecom_rates_of(self, base_lines):
        """The VAT of ``base_lines`` (``_ecom_base_lines``) by rate: {20.0: amount, 10.0: …, 0.0: 0.0, "other": a
        tax of a fixed amount, "none": the amount of the lines without VAT}, in the order's currency.

        Odoo's ``tax_totals`` groups the order's tax by tax group, which may hold several rates (a store
        without a Russian chart of accounts has one group, «Tax 15%», for all its taxes) and leaves out the
        lines without tax: the same aggregation (``_aggregate_base_lines_tax_details``, what
        ``_get_tax_totals_summary`` sums the groups with) by rate instead. The amounts are the order's,
        rounding included: they add up to ``amount_tax`` where the lines' own VAT may not (rounded globally,
        3 × 2,01 is 6,02); "none" is the lines' own amounts (an early payment discount's line without tax
        left out)."""
        self.ensure_one()
        AccountTax = self.env["account.tax"]

        def rate(base_line, tax_data):
            key = vat_key(tax_data and tax_data["tax"])
            if key == "none" and base_line["special_type"]:
                return "discount"  # the base an early payment discount takes off and gives back: no goods
            return key

        values_by_rate = AccountTax._aggregate_base_lines_aggregated_values(
            AccountTax._aggregate_base_lines_tax_details(base_lines, rate))
        # "none": the lines' amounts without VAT as the order's untaxed amount adds them (``total_excluded``,
        # the rounding's kopecks spread over the lines), not the base of their tax (a 0% «Без НДС» tax's, without
        # the kopeck); the documents print the sum of the rows (``no_vat_amount``)
        return {key: self.currency_id.round(values["total_excluded_currency" if key == "none"
                                                   else "tax_amount_currency"])
                for key, values in values_by_rate.items() if key != "discount"}

    def _ecom_payment_due(self, day):
        """When an invoice for payment of this order dated ``day`` is to be paid: dict(due_date, payment_terms).
        The payment terms' due date (paid at once: ``day`` itself); terms paid in parts are named instead
        («30% сейчас, остаток через 30 дней»: no one date); without terms, a quotation's validity date (its
        prices hold till then); else neither."""
        term = self.payment_term_id
        if len(term.line_ids) == 1:
            return {"due_date": term.line_ids._get_due_date(day), "payment_terms": ""}
        if term:
            return {"due_date": False, "payment_terms": term.name}
        if self.state in ("draft", "sent") and self.validity_date:
            return {"due_date": self.validity_date, "payment_terms": ""}
        return {"due_date": False, "payment_terms": ""}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "ecom.document.mixin"]

    def _ecom_document_order(self):
        """The request's latest quotation or order that is not cancelled."""
        return self.order_ids.filtered(lambda order: order.state != "cancel").sorted("id")[-1:]

    def _ecom_document_source_number(self):
        order = self._ecom_document_order()
        return order.name if order else str(self.id)

    def _ecom_document_contract(self):
        return self._ecom_document_order().ecom_contract_number or ""

    def _ecom_document_source(self):
        """The request's latest quotation, else its product of interest (one piece at its sales price)."""
        self.ensure_one()
        order = self._ecom_document_order()
        if order:  # its own customer: the buyer of the lines, number and totals printed
            return order._ecom_document_source()
        product = self.ecom_product_id
        if not product:
            raise UserError(self.env._("The request %(name)s has neither a quotation nor a product of interest: "
                                       "add one before printing a document.", name=self.name))
        company = self.company_id or self.env.company
        currency = company.currency_id
        taxes = product.taxes_id._filter_taxes_by_company(company)
        partner = self.partner_id.with_company(company)  # the request's company's fiscal position and pricelist
        price = product.with_company(company).lst_price
        if partner:
            taxes = partner.property_account_position_id.map_tax(taxes)
            # the customer's price, as their quotation would have it (their pricelist, in its currency)
            pricelist = partner.property_product_pricelist
            if pricelist:
                currency = pricelist.currency_id
                price = pricelist._get_product_price(product.with_company(company), 1.0, currency=currency)
        amounts = taxes.compute_all(price, currency, 1.0, product=product, partner=partner)
        # as ``SaleOrder._ecom_rates_of`` has an order's: {20.0: amount, "other": …, "none": the line's amount}
        tax_by_rate = {} if amounts["taxes"] else {"none": amounts["total_excluded"]}
        for tax_amount in amounts["taxes"]:
            rate = vat_key(self.env["account.tax"].browse(tax_amount["id"]))
            tax_by_rate[rate] = amounts["total_excluded"] if rate == "none" else \
                currency.round(tax_by_rate.get(rate, 0.0) + tax_amount["amount"])
        return {
            "partner": partner,
            "customer_name": self.partner_name or self.contact_name,
            "customer_company": (self.partner_name or "").strip(),
            "customer_phone": self.phone,
            "customer_email": self.email_from,
            "company": company,
            "currency": currency,
            "number": str(self.id),
            "date": fields.Date.context_today(self),
            "validity_date": False,
            "user": self.user_id,
            "lines": [{
                "name": product.with_context(display_default_code=False).display_name,
                "code": product.default_code,
                "quantity": 1.0,
                "uom": _uom_name(product.uom_id),
                "price": price,
                **_tax_inclusion(taxes, price, currency, product, partner),
                "subtotal": amounts["total_excluded"],
                "tax": amounts["total_included"] - amounts["total_excluded"],
                "total": amounts["total_included"],
                "no_vat": all(vat_key(tax) == "none" for tax in taxes),
            }],
            "untaxed": amounts["total_excluded"],
            "tax": amounts["total_included"] - amounts["total_excluded"],
            "tax_by_rate": tax_by_rate,
            "total": amounts["total_included"],
        }
