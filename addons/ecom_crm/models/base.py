from odoo import models

from ..tools.phones import formatted_phone, several_phones


class Base(models.AbstractModel):
    _inherit = "base"

    def _phone_format(self, fname=False, number=False, country=False, force_format="E164", raise_exception=False):
        """Odoo's phone fields read a national number with the record's country, else the company's
        country; the store's setting (the company's country of national numbers) comes in before."""
        if not country and len(self) == 1:
            country = self._phone_get_country().get(self.id)
        if not country:
            country = self.env.company._ecom_phone_country()
        return super()._phone_format(fname=fname, number=number, country=country, force_format=force_format,
                                     raise_exception=raise_exception)

    def _phone_format_number(self, number, country, force_format="E164", raise_exception=False):
        """phone_validation's formatting, each number read once per process (see formatted_phone):
        the computed phone fields of a lead and of its customer format the same number again."""
        if number and country:
            formatted = formatted_phone(number, country.code, country.phone_code, force_format)
            if formatted:
                return formatted
        return super()._phone_format_number(number, country, force_format=force_format,
                                            raise_exception=raise_exception)

    def _ecom_several_phones(self, fname):
        """Whether the phone field ``fname`` of this record (a form's) carries several numbers: Odoo's
        formatting as it is typed reads the second one as the first's extension («89161234567;89031112233»
        → «+7 916 123-45-67 ext. 89031112233»); left as typed, it is split when saved
        (``tools.phones.normalize_phone_vals``: the phone, the mobile, the notes)."""
        country = self.country_id if "country_id" in self._fields and self.country_id else None
        country = country or self.env.company._ecom_phone_country()
        return several_phones(self[fname], country.code, country.phone_code)
