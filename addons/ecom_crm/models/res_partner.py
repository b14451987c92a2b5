from odoo import api, fields, models

from ..tools.russian_names import compose_name, split_russian_name

NAME_PARTS = ("lastname", "firstname", "patronymic")


class ResPartner(models.Model):
    _inherit = "res.partner"

    lastname = fields.Char("Last name", index="btree_not_null")
    firstname = fields.Char("First name", index="btree_not_null")
    patronymic = fields.Char("Patronymic", help="Отчество: the father's name form used in Russian names.")
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
        return super().create(vals_list)
