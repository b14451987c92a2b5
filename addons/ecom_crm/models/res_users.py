import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"

    # the telephony's events name the salesperson who took or made a call by it (see ecom.call)
    ecom_pbx_extension = fields.Char(
        "PBX extension", index="btree_not_null", copy=False,
        help="The salesperson's internal number in the company's telephony (e.g. 101): the calls they "
             "answer or make are theirs, and a request such a call brings is theirs too.")
    # CRM > Configuration > Salespeople's extensions: the rows whose extension the current user cannot set (a
    # sales manager: an administrator's, the superuser's), read-only there rather than refused on save
    ecom_pbx_extension_readonly = fields.Boolean(
        "PBX extension read-only", compute="_compute_ecom_pbx_extension_readonly")

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "ecom_pbx_extension"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        # a salesperson types theirs in their preferences; a portal user has no phone on the PBX
        if self.env.user.share:
            return super().SELF_WRITEABLE_FIELDS
        return [*super().SELF_WRITEABLE_FIELDS, "ecom_pbx_extension"]

    @api.depends_context("uid")
    @api.depends("share", "company_ids", "groups_id")
    def _compute_ecom_pbx_extension_readonly(self):
        if self.env.su or self.env["res.users"].has_access("write"):
            self.ecom_pbx_extension_readonly = False  # an administrator of users sets everybody's
            return
        manager = self._ecom_is_extensions_manager()
        for user in self:
            own = user == self.env.user and not user.share  # their preferences
            user.ecom_pbx_extension_readonly = not (own or (manager and user._ecom_extension_settable()))

    def write(self, vals):
        """A sales manager sets the salespeople's PBX extensions (CRM > Configuration > Salespeople's
        extensions) without the right to write users: that one field, of internal users of their own
        companies, is written as the superuser would (the check of the extensions runs all the same).
        Anything else, or anybody else, goes through Odoo's rights as before; an administrator's extension
        (the list shows it read-only) is refused with why, not with Odoo's message about users' rights."""
        if set(vals) == {"ecom_pbx_extension"} and self._ecom_is_extensions_manager():
            refused = self.filtered(lambda user: user != self.env.user and not user._ecom_extension_settable())
            if refused:
                raise AccessError(self.env._(
                    "You cannot set the PBX extension of %(users)s: a sales manager sets those of the internal "
                    "users of their companies who are not administrators. An administrator sets theirs in "
                    "their preferences (or another administrator does it in Settings > Users).",
                    users=", ".join(refused.sudo().mapped("name"))))
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(vals)

    def _ecom_is_extensions_manager(self):
        """Whether the current user sets the salespeople's PBX extensions as a sales manager: they are one
        and could not write the users otherwise (an administrator of users: Odoo's own rights apply)."""
        if self.env.su or self.env.user.share:
            return False
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            return False
        return not self.env["res.users"].has_access("write")

    def _ecom_extension_settable(self):
        """Whether a sales manager (see _ecom_is_extensions_manager) may set this user's PBX extension: an
        internal user of one of their companies who is no administrator (the superuser, an administrator of
        users or of settings: their record is theirs and their administrators', they set their own
        extension in their preferences)."""
        self.ensure_one()
        user = self.sudo()
        # _is_admin: the superuser, or an administrator of access rights (settings' administrators are)
        return bool(not user.share and user.company_ids & self.env.user.company_ids and not user._is_admin())

    @api.model_create_multi
    def create(self, vals_list):
        """A new salesperson lands on their pipeline, not on Discuss (Odoo's first app), unless a home
        action is given; existing users keep theirs."""
        users = super().create(vals_list)
        pipeline = self.env.ref("crm.crm_lead_action_pipeline", raise_if_not_found=False)
        if pipeline:
            sellers = users.filtered(lambda user: not user.action_id and not user.share
                                     and user.has_group("sales_team.group_sale_salesman"))
            if sellers:
                sellers.sudo().action_id = pipeline.id
        return users

    @api.constrains("ecom_pbx_extension", "company_ids", "active")
    def _check_ecom_pbx_extension(self):
        """Digits, as the PBX numbers its phones; one salesperson's in each of their companies (a call
        names one person)."""
        for user in self.filtered("ecom_pbx_extension"):
            extension = user.ecom_pbx_extension
            if not re.fullmatch(r"\d{1,16}", extension):
                raise ValidationError(self.env._(
                    "A PBX extension is digits only, as the telephony numbers its phones (e.g. 101): "
                    "«%(extension)s» of %(user)s is not one.", extension=extension, user=user.name))
            if not user.active or user.share:
                continue
            other = self.sudo().search([
                ("ecom_pbx_extension", "=", extension), ("id", "!=", user.id), ("share", "=", False),
                ("company_ids", "in", user.company_ids.ids)], limit=1)
            if other and other._ecom_visible_to(self.env.user):
                raise ValidationError(self.env._(
                    "The PBX extension %(extension)s is already %(other)s's: two salespeople of one company "
                    "cannot share it (a call names who took it). Give %(user)s another one.",
                    extension=extension, other=other.name, user=user.name))
            if other:  # a salesperson of a company the current user is not in: not named
                raise ValidationError(self.env._(
                    "The PBX extension %(extension)s is already another salesperson's in %(company)s: two "
                    "salespeople of one company cannot share it (a call names who took it). Give %(user)s "
                    "another one.", extension=extension, user=user.name,
                    company=(other.company_ids & user.company_ids)[:1].name))

    def _ecom_visible_to(self, viewer):
        """Whether ``viewer`` may be told who this user is: they can read them and share a company with them.
        Odoo lets every internal user read every internal user, of any company: reading alone would name a
        salesperson of a company ``viewer`` has nothing to do with."""
        self.ensure_one()
        if viewer._is_superuser():
            return True
        return bool(self.with_user(viewer).has_access("read")
                    and self.sudo().company_ids & viewer.sudo().company_ids)

    @api.model
    def _ecom_by_pbx_extension(self, extension, company):
        """The active internal user of ``company`` whose PBX extension is ``extension``, or nobody (also
        when two have it: two administrators gave it at the same instant, which the check cannot see)."""
        if not extension or not company:
            return self.browse()
        users = self.sudo().search([("ecom_pbx_extension", "=", extension), ("share", "=", False),
                                    ("company_ids", "in", company.ids)], limit=2)
        return users.sudo(False) if len(users) == 1 else self.browse()
