"""Russian requisites of contacts and companies for the documents: ИНН (``vat``), КПП, ОГРН/ОГРНИП
(``company_registry``), the signatory; bank details live on ``res.partner.bank`` / ``res.bank``."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import ru_requisites
from ..tools.russian_names import genitive_name, is_person_name, short_name

# Russia's Tax ID label, in the languages it has words in (the others read the English one)
RU_VAT_LABELS = {"en_US": "INN", "ru_RU": "ИНН"}
# an organisation's ИНН as the Tax ID's placeholder shows it (Сбербанк's, its check digit right)
RU_INN_EXAMPLE = "7707083893"


def russian_vat_placeholder(env):
    """The Tax ID's placeholder for a Russian partner or company: Odoo's shows base_vat's «RU123456789047», which
    the ИНН check refuses (digits only, 10 or 12 of them)."""
    return env._("%(example)s (10 or 12 digits), or / if not applicable", example=RU_INN_EXAMPLE)


class ResCountry(models.Model):
    _inherit = "res.country"

    @api.model
    def _ecom_label_russian_tax_id(self):
        """Label Russia's Tax ID «ИНН». Odoo labels the Tax ID of a partner, a company and an address
        after the country's translatable ``vat_label`` and gives Russia none (a Russian store read
        «Налоговый ID»). Called at the install and whenever ecom_crm's translations are loaded (every
        upgrade of ecom_crm, right after its migrations; a language loaded after the install); it adds
        the label in each installed language it has words for, only where Russia has no label or has
        this one without that language: a label a store set is never replaced, and a second call
        changes nothing."""
        russia = self.env.ref("base.ru", raise_if_not_found=False)
        if not russia:
            return
        stored = russia._fields["vat_label"]._get_stored_translations(russia) or {}
        if any(stored.values()) and stored.get("en_US") != RU_VAT_LABELS["en_US"]:
            return  # the store's own label
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        missing = {lang: label for lang, label in RU_VAT_LABELS.items()
                   if (lang == "en_US" or lang in installed) and not stored.get(lang)}
        if missing:
            # per language, over nothing else (a plain write in Russian would put «ИНН» over the English
            # one too when English is not active, and the English one is what says the label is
            # ecom_crm's); it writes the country as well, which clears the views labelled after it
            russia.sudo().update_field_translations("vat_label", missing)


class ResPartner(models.Model):
    _inherit = "res.partner"

    ecom_kpp = fields.Char("KPP", size=9, help="КПП: the tax registration reason code of an organisation.")
    ecom_signatory_name = fields.Char(
        "Signatory", help="Who signs contracts for this company, «Иванов Иван Иванович»: the contract declines "
                          "the name («в лице … Иванова Ивана Ивановича») and deciphers the signature «Иванов И. И.». "
                          "A name typed in the genitive is printed as typed.")
    ecom_signatory_title = fields.Char(
        "Signatory's position", help="In the genitive case: «Генерального директора».")
    ecom_signatory_basis = fields.Char(
        "Acting on the basis of", help="In the genitive case: «Устава», «доверенности № 5 от 01.02.2026».")
    ecom_accountant_name = fields.Char(
        "Chief accountant", help="Who signs invoices for payment as the accountant, «Петрова Анна Сергеевна»: "
                                 "printed as «Петрова А. С.»; empty, a line to fill in.")

    ecom_sole_trader = fields.Boolean(
        "Sole trader", compute="_compute_ecom_sole_trader",
        help="A sole trader (ИП): the name starts with «ИП» or «Индивидуальный предприниматель», or a Russian "
             "12-digit INN on a company (on a person, with a 15-digit OGRNIP). A 10-digit INN is an organisation's: "
             "a contact with one is no sole trader, even named «ИП …». The contract is made with the "
             "«Индивидуальный предприниматель», in the words of their gender.")

    @api.depends("name", "vat", "company_registry", "is_company", "country_id")
    def _compute_ecom_sole_trader(self):
        for partner in self:
            partner.ecom_sole_trader = ru_requisites.is_sole_trader(
                partner.name, partner.vat if partner.vat != "/" else "", partner.company_registry,
                partner.is_company, not partner.country_id or partner.country_id.code == "RU")

    @api.depends("country_id")
    def _compute_partner_vat_placeholder(self):
        super()._compute_partner_vat_placeholder()
        for partner in self.filtered(lambda p: p.country_id.code == "RU"):
            partner.partner_vat_placeholder = russian_vat_placeholder(self.env)

    def _get_company_registry_labels(self):
        """Russia's Company ID is the ОГРН (a sole trader's ОГРНИП, of the same field): Odoo's hook l10n
        modules extend; it labels the Company ID in the partner's warning of a duplicate, the forms'
        labels of the field are this module's views."""
        labels = super()._get_company_registry_labels()
        labels["RU"] = self.env._("OGRN")
        return labels

    def _ecom_russian_requisites(self):
        """Whether the Russian checks apply: a Russian contact, or one without a country in a Russian company."""
        self.ensure_one()
        country = self.country_id or (self.company_id or self.env.company).country_id
        return country.code == "RU"

    @api.constrains("vat", "company_registry", "ecom_kpp", "is_company", "country_id", "parent_id")
    def _check_ecom_russian_requisites(self):
        for partner in self:
            # a company's contact person carries the company's ИНН and ОГРН (Odoo copies a commercial
            # entity's requisites to its contacts): they are checked on the company, whose kind they are
            if partner.commercial_partner_id != partner or not partner._ecom_russian_requisites():
                continue
            inn = ru_requisites.compact(partner.vat)
            if inn and inn != "/":
                error = ru_requisites.inn_error(inn, partner.is_company)
                if error:
                    raise ValidationError(partner._ecom_inn_message(error))
            if partner.company_registry:
                error = ru_requisites.ogrn_error(partner.company_registry, inn)
                if error:
                    raise ValidationError(partner._ecom_ogrn_message(error))
            if partner.ecom_kpp:
                error = ru_requisites.kpp_error(partner.ecom_kpp, inn)
                if error:
                    raise ValidationError(partner._ecom_kpp_message(error))

    def _ecom_inn_message(self, error):
        _ = self.env._
        return {
            "format": _("The INN of %(name)s must be made of digits only.", name=self.display_name),
            "length": _("The INN of %(name)s must have 10 digits (an organisation) or 12 digits (a person or a sole "
                        "trader).", name=self.display_name),
            "person_length": _("%(name)s is a person: a person's INN has 12 digits.", name=self.display_name),
            "checksum": _("The INN %(inn)s of %(name)s is not valid: its check digits do not match. Check it for "
                          "a typo.", inn=self.vat, name=self.display_name),
        }[error]

    def _ecom_ogrn_message(self, error):
        _ = self.env._
        return {
            "format": _("The OGRN of %(name)s must be made of digits only.", name=self.display_name),
            "length": _("The OGRN of %(name)s must have 13 digits (OGRN of an organisation) or 15 digits (OGRNIP "
                        "of a sole trader).", name=self.display_name),
            "checksum": _("The OGRN %(ogrn)s of %(name)s is not valid: its check digit does not match. Check it for "
                          "a typo.", ogrn=self.company_registry, name=self.display_name),
            "mismatch": _("The OGRN of %(name)s does not match its INN: an organisation (10-digit INN) has a 13-digit "
                          "OGRN, a sole trader (12-digit INN) a 15-digit OGRNIP.", name=self.display_name),
        }[error]

    def _ecom_kpp_message(self, error):
        _ = self.env._
        return {
            "format": _("The KPP of %(name)s must have 9 characters: 4 digits, 2 digits or capital Latin letters, "
                        "3 digits.", name=self.display_name),
            "not_organisation": _("%(name)s has a 12-digit INN (a person or a sole trader): only an organisation "
                                  "has a KPP.", name=self.display_name),
        }[error]

    @api.model
    def _ecom_signer(self, partner, sole_trader=False, name=None):
        """The signature's decipherment, «Иванов И. И.»: the signatory's, else a person's or a sole trader's
        own name (they sign for themselves), else empty (a line to fill in)."""
        if partner.ecom_signatory_name:
            return short_name(partner.ecom_signatory_name)
        if not partner.is_company or sole_trader:
            name = name if name is not None else partner.name or ""
            own_name = ru_requisites.sole_trader_own_name(name)
            if not own_name and (ru_requisites.SOLE_TRADER_TITLE.fullmatch(name)
                                 or (partner.is_company and not is_person_name(name))):
                return ""  # the title alone, or a sole trader's company card's trade name: no person's name
            return short_name(own_name or name)
        return ""

    def _ecom_requisites(self):
        """The requisites a document prints for this contact's company (its commercial entity); blank ones
        for no contact.  Bank accounts are read as superuser: a salesman prints them without managing them."""
        if self:
            self.ensure_one()
        partner = self.commercial_partner_id
        inn = ru_requisites.compact(partner.vat) if partner.vat != "/" else ""
        # a party of another country (a Kazakh LLP's 12-digit БИН) is no Russian sole trader and has no
        # ИНН, ОГРН; one without a country is taken as Russian (a Russian store's customers)
        russian = not partner.country_id or partner.country_id.code == "RU"
        ogrn = ru_requisites.compact(partner.company_registry)
        # ИП: a name with the title («ИП …», «И.П. …», «Индивидуальный предприниматель …»), a 12-digit ИНН on a
        # company, or on a person with a 15-digit ОГРНИП (see ``ru_requisites.is_sole_trader``)
        name = partner.name or ""
        sole_trader = ru_requisites.is_sole_trader(name, inn, ogrn, partner.is_company, russian)
        own_name = sole_trader and ru_requisites.sole_trader_own_name(name)
        trade_name = ""
        if sole_trader and not own_name and ru_requisites.SOLE_TRADER_TITLE.fullmatch(name):
            # the title alone, «ИП»: the name a line to fill in, not «Индивидуальный предприниматель ИП»
            own_name, name = "", " ".join(name.split())
        elif own_name or (sole_trader and name and (not partner.is_company or is_person_name(name))):
            # the name as the requisites (and the payment QR code) print it, «ИП Петров Пётр Петрович» however
            # the title was typed (a person's name without it, on a person's card or a company's: «ИП» added); the
            # contract puts its own title before the own name («Индивидуальный предприниматель Петров …»)
            own_name = own_name or " ".join(name.split())
            name = f"ИП {own_name}"
        elif sole_trader and partner.is_company:
            # a company's card of a sole trader under a trade name («Цветочная лавка», no person's name): the
            # requisites print it as typed; the contract, made with a person, leaves the name a line to fill in
            # and the trade name after it, not «Индивидуальный предприниматель Цветочная лавка»
            own_name, trade_name = "", name
        else:
            own_name = name
        bank_account = partner.sudo().bank_ids[:1]
        address = ", ".join(part for part in (
            partner.zip, partner.state_id.name, partner.city, partner.street, partner.street2) if part)
        return {
            "partner": partner,
            "name": name,
            "is_company": partner.is_company,
            "is_sole_trader": sole_trader,
            "own_name": own_name,  # a sole trader's name without its title (none under a trade name), else the name
            "trade_name": trade_name,  # a sole trader's company card's name that is no person's
            "inn": inn,
            "inn_label": ru_requisites.tax_id_label(partner.country_id.code, russian),
            "kpp": partner.ecom_kpp or "",
            "ogrn": ogrn,
            "ogrn_label": ("ОГРНИП" if sole_trader else ru_requisites.registration_label(inn)) if russian
            else "Рег. номер",
            "address": address,
            "phone": partner.phone or partner.mobile or "",
            "email": partner.email or "",
            "bank": bank_account.bank_id.name or "",
            "bank_city": bank_account.bank_id.city or "",
            "bik": bank_account.bank_id.bic or "",
            "account": bank_account.acc_number or "",
            "corr_account": bank_account.bank_id.ecom_corr_account or "",
            # «в лице … Иванова Ивана Ивановича»: the genitive whatever the case it was typed in
            "signatory_name": genitive_name(partner.ecom_signatory_name),
            "signatory_short": self._ecom_signer(partner, sole_trader),
            "signatory_title": partner.ecom_signatory_title or "",
            "signatory_basis": partner.ecom_signatory_basis or "",
            "accountant_short": short_name(partner.ecom_accountant_name) if partner.ecom_accountant_name else "",
        }


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.depends("country_id", "account_fiscal_country_id")
    def _compute_company_vat_placeholder(self):
        super()._compute_company_vat_placeholder()
        for company in self.filtered(lambda c: (c.country_id or c.account_fiscal_country_id).code == "RU"):
            company.company_vat_placeholder = russian_vat_placeholder(self.env)
