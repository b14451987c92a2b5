from passlib.context import CryptContext

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .ecom_1c_session import KEEP_UPLOADS
from .ir_http import ROUTES

CRYPT = CryptContext(schemes=["pbkdf2_sha512"], deprecated="auto")


ADMINS = "base.group_system"  # the exchange's settings are the administrators' (a login, limits)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ecom_1c_exchange_url = fields.Char(
        "Site address", compute="_compute_ecom_1c_exchange_url",
        help="This database's exchange address: the system parameter web.base.url followed by /1c_exchange.",
        groups=ADMINS)
    ecom_1c_login = fields.Char("1C exchange login", config_parameter="ecom_crm_1c.login", groups=ADMINS)
    ecom_1c_password = fields.Char(
        "1C exchange password", help="Stored only hashed; leave empty to keep the current one.", groups=ADMINS)
    ecom_1c_company_login = fields.Char(
        related="company_id.ecom_1c_login", readonly=False, groups=ADMINS,
        help="Only for a 1C base of this company alone (one 1C per company): it logs in with this login, its "
             "exchanges run in this company and it gets this company's orders only. The login above gets every "
             "company's orders.")
    ecom_1c_company_password = fields.Char(
        "1C exchange password of the company", help="Stored only hashed; leave empty to keep the current one.",
        groups=ADMINS)
    # the passwords are stored only hashed and their fields read empty: these say whether one is set
    ecom_1c_password_set = fields.Boolean(
        "1C exchange password set", compute="_compute_ecom_1c_password_set", groups=ADMINS)
    ecom_1c_company_password_set = fields.Boolean(
        "1C exchange password of the company set", compute="_compute_ecom_1c_password_set", groups=ADMINS)
    # the company's own login is for a store of several companies, each with its own 1C base: one of one
    # company reads two logins and two passwords for one 1C; still shown where a company's login is set
    ecom_1c_company_login_shown = fields.Boolean(
        "Show the company's own 1C login", compute="_compute_ecom_1c_password_set", groups=ADMINS)
    ecom_1c_match_by = fields.Selection(related="company_id.ecom_1c_match_by", readonly=False, groups=ADMINS)
    ecom_1c_file_limit = fields.Integer(
        "Largest request (MB)", config_parameter="ecom_crm_1c.file_limit_mb", default=200,
        help="1C's file_limit: 1C sends a bigger file in parts of at most this size, one request each.",
        groups=ADMINS)
    ecom_1c_whole_file_limit = fields.Integer(
        "Largest file (MB)", config_parameter="ecom_crm_1c.whole_file_limit_mb", default=1024,
        help="A file 1C sends, all its parts together; 1 GB holds twice the catalog of 100,000 products "
             "with properties.", groups=ADMINS)
    ecom_1c_exchange_limit = fields.Integer(
        "Largest exchange (MB)", config_parameter="ecom_crm_1c.exchange_limit_mb", default=8192,
        help="All the files of one exchange together (catalog, offers, images, zip archives once unpacked), "
             "on the server's disk.", groups=ADMINS)
    ecom_1c_keep_uploads_days = fields.Integer(
        "Keep 1C's uploaded files (days)",
        help="What 1C sent (catalog, offers, images) stays on the server's disk this many days after its exchange "
             "session is over, to look at when something went wrong; then it is removed. 0: removed once the "
             "session is over.", groups=ADMINS)  # stored by hand: a parameter field of 0 would store nothing

    ecom_1c_use_zip = fields.Boolean(
        "Accept zip archives from 1C", config_parameter="ecom_crm_1c.use_zip",
        help="1C then sends the catalog, offers and product images packed in one archive.", groups=ADMINS)
    ecom_1c_step_seconds = fields.Integer(
        "Import step (seconds)", config_parameter="ecom_crm_1c.step_seconds", default=25,
        help="A big file is imported in steps of about this long: 1C hears «progress» and calls again, "
             "so that no HTTP request runs into a proxy's or 1C's timeout.", groups=ADMINS)

    ecom_1c_order_direction = fields.Selection(
        [("one_way", "One-way: Odoo owns orders, 1C sends statuses"),
         ("two_way", "Two-way: 1C may also change the lines of the site's orders")],
        string="Order data", config_parameter="ecom_crm_1c.order_direction", default="one_way",
        help="Catalog, prices and stock always come from 1C. Orders created in 1C always become sale orders.",
        groups=ADMINS)

    ecom_1c_schema_version = fields.Selection(
        [("2.05", "2.05 (documents under the root)"), ("3.1", "3.1 (documents in «Контейнер»)")],
        string="Orders schema", config_parameter="ecom_crm_1c.schema_version", default="2.05",
        help="The CommerceML version of the orders sent to 1C when 1C does not ask for one (version=…).", groups=ADMINS)

    @api.depends("company_id")
    def _compute_ecom_1c_exchange_url(self):
        """The address 1C is given: web.base.url (path kept, trailing slash dropped) + /1c_exchange.
        It depends on nothing of the form; ``company_id`` is there because the settings form's first
        onchange computes only the fields that depend on a default value (empty otherwise)."""
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        for settings in self:
            settings.ecom_1c_exchange_url = f"{base}{ROUTES[0]}"

    @api.depends("company_id")
    def _compute_ecom_1c_password_set(self):
        """Whether a password is stored (a hash, never shown), for the form's «Password set» or «No password
        set» under each password field, which reads empty whatever is stored. ``company_id``: see
        _compute_ecom_1c_exchange_url."""
        shared = bool(self.env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.password_hash"))
        several = self.env.user.has_group("base.group_multi_company")
        for settings in self:
            company = settings.company_id.sudo()
            settings.ecom_1c_password_set = shared
            settings.ecom_1c_company_password_set = bool(company.ecom_1c_password_hash)
            settings.ecom_1c_company_login_shown = several or bool(
                company.ecom_1c_login or company.ecom_1c_password_hash)

    @api.model
    def default_get(self, fields_list):
        """Odoo reads settings stored as parameters as the superuser, whoever asks: the exchange's
        login and limits are left out for anybody but an administrator."""
        values = super().default_get(fields_list)
        if not self.env.is_system():
            for name in [name for name in values if name.startswith("ecom_1c_")]:
                del values[name]
        return values

    def get_values(self):
        values = super().get_values()
        values["ecom_1c_keep_uploads_days"] = self.env["ecom.1c.session"]._keep_uploads_days()
        return values

    def set_values(self):
        if self.ecom_1c_login and self.env["res.company"].sudo().search_count(
                [("ecom_1c_login", "=", self.ecom_1c_login)]):  # checked before anything is written
            raise ValidationError(self.env._(
                "The 1C exchange login %s is another exchange's already: each 1C base logs in with a login of "
                "its own", self.ecom_1c_login))
        if self.env.is_system() and self.ecom_1c_keep_uploads_days < 0:
            raise ValidationError(self.env._(
                "1C's uploaded files are kept 0 days or more (0: removed once the exchange session is over)"))
        super().set_values()
        if self.env.is_system():
            self.env["ir.config_parameter"].sudo().set_param(KEEP_UPLOADS, str(self.ecom_1c_keep_uploads_days))
        if self.ecom_1c_password:
            self.env["ir.config_parameter"].sudo().set_param(
                "ecom_crm_1c.password_hash", CRYPT.hash(self.ecom_1c_password))
        if self.ecom_1c_company_password:
            self.company_id.sudo().ecom_1c_password_hash = CRYPT.hash(self.ecom_1c_company_password)
