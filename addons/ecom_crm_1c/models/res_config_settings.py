from passlib.context import CryptContext

from odoo import fields, models

CRYPT = CryptContext(schemes=["pbkdf2_sha512"], deprecated="auto")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ecom_1c_login = fields.Char("1C exchange login", config_parameter="ecom_crm_1c.login")
    ecom_1c_password = fields.Char(
        "1C exchange password", help="Stored only hashed; leave empty to keep the current one.")
    ecom_1c_file_limit = fields.Integer(
        "Largest upload (MB)", config_parameter="ecom_crm_1c.file_limit_mb", default=200)

    def set_values(self):
        super().set_values()
        if self.ecom_1c_password:
            self.env["ir.config_parameter"].sudo().set_param(
                "ecom_crm_1c.password_hash", CRYPT.hash(self.ecom_1c_password))
