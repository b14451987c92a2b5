import hashlib
import os
import secrets
import shutil
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import config

SESSION_HOURS = 12


class Ecom1cSession(models.Model):
    """An exchange session opened by 1C's checkauth: its cookie (stored hashed) and upload area."""

    _name = "ecom.1c.session"
    _description = "1C exchange session"
    _order = "id desc"

    token_hash = fields.Char(required=True, index=True)
    expires_at = fields.Datetime(required=True)
    exchange_id = fields.Many2one("ecom.1c.exchange", ondelete="set null")
    remote_addr = fields.Char()
    upload_size = fields.Float("Uploaded (bytes)", digits=(16, 0),
                               help="All the files 1C uploaded in this session, against the largest exchange.")
    last_file = fields.Char(help="The file the session's last stored request appended to: 1C sends a file's parts "
                                 "one after another, so a file another request came between is whole, and one "
                                 "more request of its name is the file sent again from its start.")
    last_part = fields.Char(help="The length and SHA-256 of the session's last stored request, with its file's name: "
                                 "the same bytes of the same file again, nothing between, are that part sent again "
                                 "(1C heard no answer in time), not a part to append.")
    last_request = fields.Datetime(
        "1C's last request", readonly=True,
        help="When 1C's last request of the session came (answered «progress» or not): an exchange 1C sends none "
             "to for an hour is closed.")
    company_id = fields.Many2one(
        "res.company", ondelete="cascade", readonly=True,
        help="The company whose own 1C base logged in (its login): its exchanges run in that company and it gets "
             "that company's orders only. Empty: Settings' exchange login, every company's orders.")
    export_until = fields.Char(help="Orders sent by the last query (database clock, to the microsecond), "
                                    "committed when 1C answers success.")
    export_snapshot = fields.Char(help="The database snapshot the last query read the orders in: the next export "
                                       "also sends what was written by transactions it did not see.")
    export_horizon = fields.Char(help="The start of the oldest transaction in progress in the database before the last "
                                      "query's snapshot was taken: what that snapshot did not see is dated no earlier.")

    @api.model
    def _open(self, remote_addr=None, company=None):
        """A new session (of ``company``'s own 1C); returns ``(session, token)``: the token goes to 1C
        once, as its cookie. Its upload area starts empty: one of its name may be on disk already, a
        session's of a database restored under the same name from a backup (its ids given again), whose
        files would be taken for this session's by a client sending no ``init`` (imported, unpacked, or
        keeping 1C's deactivate from archiving as not imported)."""
        token = secrets.token_hex(24)
        session = self.sudo().create({
            "token_hash": hashlib.sha256(token.encode()).hexdigest(),
            "expires_at": fields.Datetime.now() + timedelta(hours=SESSION_HOURS),
            "remote_addr": remote_addr,
            "company_id": company.id if company else False,
        })
        shutil.rmtree(session._upload_dir(), ignore_errors=True)
        return session, token

    @api.model
    def _find(self, token):
        """The live session of ``token`` or an empty recordset (unknown, expired)."""
        if not token:
            return self.browse()
        return self.sudo().search([("token_hash", "=", hashlib.sha256(token.encode()).hexdigest()),
                                   ("expires_at", ">", fields.Datetime.now())], limit=1)

    def _upload_dir(self):
        """This session's upload area, outside anything Odoo serves."""
        self.ensure_one()
        path = os.path.join(config["data_dir"], "ecom_crm_1c", self.env.cr.dbname, f"session-{self.id}")
        os.makedirs(path, exist_ok=True)
        return path

    def _clear_uploads(self):
        for session in self:
            shutil.rmtree(session._upload_dir(), ignore_errors=True)
        self.write({"upload_size": 0, "last_file": False, "last_part": False})
