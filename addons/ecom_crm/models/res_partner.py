from odoo import api, fields, models

from ..tools.phones import normalize_phone, normalize_phone_vals
from ..tools.russian_names import compose_name, gender_from_name, split_russian_name

NAME_PARTS = ("lastname", "firstname", "patronymic")
PHONE_FIELDS = ("phone", "mobile")


class ResPartner(models.Model):
    _inherit = "res.partner"

    lastname = fields.Char("Last name", index="btree_not_null")
    firstname = fields.Char("First name", index="btree_not_null")
    patronymic = fields.Char("Patronymic", help="Отчество: the father's name form used in Russian names.")
    ecom_gender = fields.Selection(
        [("male", "Male"), ("female", "Female")], string="Gender",
        compute="_compute_ecom_gender", store=True, readonly=False,
        help="Set from the first name (Russian names dictionary); can be changed by hand.")
    ecom_phone_invalid = fields.Boolean(
        "Invalid phone", compute="_compute_ecom_phone_invalid", store=True,
        help="The phone or mobile could not be read as a valid number; it is kept as typed.")
    # The display name is composed from the parts for persons; companies keep a free name.
    name = fields.Char(
        compute="_compute_name",
        inverse="_inverse_name",
        store=True,
        readonly=False,
        index=True,
        default_export_compatible=True,
    )

    @api.depends("lastname", "firstname", "patronymic", "is_company")
    def _compute_name(self):
        for partner in self:
            composed = not partner.is_company and compose_name(*(partner[f] for f in NAME_PARTS))
            partner.name = composed or partner.name

    @api.depends("firstname", "patronymic", "is_company")
    def _compute_ecom_gender(self):
        for partner in self:
            if partner.is_company:
                partner.ecom_gender = False
            else:
                partner.ecom_gender = gender_from_name(partner.firstname, partner.patronymic) or partner.ecom_gender

    @api.depends("phone", "mobile", "country_id")
    def _compute_ecom_phone_invalid(self):
        for partner in self:
            partner.ecom_phone_invalid = any(
                not normalize_phone(partner[f], *partner._ecom_phone_country())[1] for f in PHONE_FIELDS)

    def _ecom_phone_country(self):
        country = self.country_id or self.env.company.country_id or self.env.ref("base.ru")
        return country.code, country.phone_code

    def _inverse_name(self):
        for partner in self:
            if partner.is_company:
                continue
            values = dict(zip(NAME_PARTS, split_russian_name(partner.name), strict=False))
            if any(partner[f] != values[f] for f in NAME_PARTS):
                partner.write(values)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Explicit parts win over a name given at the same time; the name is composed
            # here already because the database refuses a contact without a name.
            if not vals.get("is_company") and any(vals.get(f) for f in NAME_PARTS):
                vals["name"] = compose_name(*(vals.get(f) for f in NAME_PARTS))
            normalize_phone_vals(self.env, vals)
        return super().create(vals_list)

    def write(self, vals):
        if any(f in vals for f in PHONE_FIELDS):
            vals = dict(vals)
            normalize_phone_vals(self.env, vals, self)
        return super().write(vals)
