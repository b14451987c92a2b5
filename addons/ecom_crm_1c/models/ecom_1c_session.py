import hashlib
import logging
import os
import re
import secrets
import shutil
from datetime import UTC, timedelta

from odoo import api, fields, models
from odoo.tools import config

from .ecom_1c_exchange import IDLE_MINUTES

_logger = logging.getLogger(__name__)

SESSION_HOURS = 12
# what 1C uploaded stays this many days after its session is over (Settings; 0: removed once it is over)
KEEP_UPLOADS = "ecom_crm_1c.keep_uploads_days"
KEEP_UPLOADS_DEFAULT = 7
# a session's row stays this many days after it expired (the exchange log's link to it), its files' days if more
KEEP_ROWS_DAYS = 30
# a refused request of a session expired this long at most is 1C's own, still sending a run it began: its body is
# read as a live session's (see controllers/exchange.py); later, 1C's next run logs in anew, and a cookie that old
# is a leaked one's, read for a minute as a stranger's
EXPIRED_HOURS = 24
# the upload areas and the rows one run of the cleanup removes (Odoo commits and runs it again for the rest)
CLEANUP_BATCH = 500
UPLOAD_AREA = re.compile(r"session-([1-9][0-9]{0,9})")


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
    cut_file = fields.Char("File cut short", help="The file a request of which came cut short (1C's connection "
                           "closed mid-body), not stored since: the exchange left it unfinished.")
    last_request = fields.Datetime(
        "1C's last request", readonly=True,
        help="When 1C's last request of the session came (answered «progress» or not): an exchange 1C sends none "
             "to for an hour is closed.")
    company_id = fields.Many2one(
        "res.company", ondelete="cascade", readonly=True,
        help="The company whose own 1C base logged in (its login): its exchanges run in that company and it gets "
             "that company's orders only. Empty: Settings' exchange login, every company's orders.")
    login_digest = fields.Char(
        "Login digest", help="A digest of the exchange login and password hash the session logged in with (its "
                             "company's, or Settings'): once they change or are cleared, or its company is "
                             "archived, the session ends.")
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
            "login_digest": self._login_digest(company),
        })
        shutil.rmtree(session._upload_dir(), ignore_errors=True)
        return session, token

    @api.model
    def _login_digest(self, company=None):
        """What the exchange login of ``company``'s own 1C (else Settings' login of every company) is now, as a
        digest of the login and its password's hash; None when nobody may log in with it (no login or no
        password, or the company is archived)."""
        if company:
            company = company.sudo()
            login, password_hash = (company.ecom_1c_login, company.ecom_1c_password_hash) if company.active \
                else (None, None)
        else:
            params = self.env["ir.config_parameter"].sudo()
            login, password_hash = params.get_param("ecom_crm_1c.login"), params.get_param("ecom_crm_1c.password_hash")
        if not (login and password_hash):
            return None
        return hashlib.sha256(f"{login}\x00{password_hash}".encode()).hexdigest()

    @api.model
    def _find(self, token):
        """The live session of ``token`` or an empty recordset (unknown, expired, or its login is no more: its
        company archived, the login or its password changed or cleared since it logged in)."""
        if not token:
            return self.browse()
        session = self.sudo().search([("token_hash", "=", hashlib.sha256(token.encode()).hexdigest()),
                                      ("expires_at", ">", fields.Datetime.now())], limit=1)
        if session and not (session.login_digest and session.login_digest == self._login_digest(session.company_id)):
            return self.browse()
        return session

    @api.model
    def _existed(self, token):
        """Whether ``token`` is that of a session of this database, live or expired for
        :data:`EXPIRED_HOURS` at most: 1C's own, which checkauth gave it, within a run it began."""
        return bool(token) and bool(self.sudo().search_count(
            [("token_hash", "=", hashlib.sha256(token.encode()).hexdigest()),
             ("expires_at", ">", fields.Datetime.now() - timedelta(hours=EXPIRED_HOURS))], limit=1))

    def _upload_dir(self):
        """This session's upload area, outside anything Odoo serves."""
        self.ensure_one()
        path = os.path.join(self._uploads_root(), f"session-{self.id}")
        os.makedirs(path, exist_ok=True)
        return path

    @api.model
    def _uploads_root(self):
        """The folder of this database's upload areas (not made here)."""
        return os.path.join(config["data_dir"], "ecom_crm_1c", self.env.cr.dbname)

    @api.model
    def _cron_remove_old_uploads(self):
        """Scheduled: remove what the sessions that are over left on disk and, later, their rows
        (:meth:`_remove_old_uploads`); a batch a run, Odoo's progress running it again for the rest."""
        done, remaining = self._remove_old_uploads(CLEANUP_BATCH)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _remove_old_uploads(self, batch=CLEANUP_BATCH):
        """Remove the upload areas of the sessions over for the days Settings keeps 1C's files
        (:data:`KEEP_UPLOADS`), and the rows of the sessions expired for :data:`KEEP_ROWS_DAYS` (or
        those days, if more). A session is over once it expired (1C reaches it no more: a request
        finds only a live session) an hour ago (:data:`IDLE_MINUTES`: a request still in flight at its
        end is over) and no exchange of it runs (the closing of abandoned exchanges judges one by its
        upload area); never while a request of another connection holds the lock of one of its files
        (imports it, or stores it again: :meth:`ecom.1c.exchange._importing`). A folder of
        ``session-<id>`` whose session no longer exists (deleted, a database restored from a backup)
        goes too once unchanged for the session's hours and those days (a session just opened, not yet
        seen by this transaction, has a new folder). Only the folders named so directly under this
        database's own (:meth:`_uploads_root`; none when the database's name is no folder of its own
        there), never a symbolic link nor anything else there; a folder that cannot be read or removed
        is logged and left for the next run. The export of orders reads no session of before (1C's
        acknowledged position is kept in the company and the system parameters, the session's own only
        between its query and 1C's success): their rows may go.
        Returns ``(upload areas and rows removed, how many are left for the next run)``."""
        keep = timedelta(days=max(self._keep_uploads_days(), 0))
        now = fields.Datetime.now()
        cutoff = now - max(keep, timedelta(minutes=IDLE_MINUTES))
        areas = self._upload_areas()
        over, held = [], set()
        self.env.flush_all()  # the sessions and exchanges as this transaction wrote them (its tests')
        if areas:
            self.env.cr.execute("""
                SELECT area.id, s.id IS NULL,
                       s.expires_at < %s AND NOT EXISTS (
                           SELECT FROM ecom_1c_exchange e
                            WHERE (e.session_id = s.id OR e.id = s.exchange_id) AND e.state = 'running')
                  FROM unnest(%s::bigint[]) area(id) LEFT JOIN ecom_1c_session s ON s.id = area.id
            """, [cutoff, sorted(areas)])
            stray_before = (now - timedelta(hours=SESSION_HOURS) - keep).replace(tzinfo=UTC).timestamp()
            over = sorted(session_id for session_id, stray, finished in self.env.cr.fetchall()
                          if finished or (stray and areas[session_id][1] < stray_before))
            exchanges = self.env["ecom.1c.exchange"]
            # this run's alone: the lock check reads each one's folder (thousands after an upgrade)
            if over[:batch] and exchanges._importing():  # some request imports: not for these (it needs its row)
                held = {session_id for session_id in over[:batch] if (
                    (session := self.browse(session_id).exists()) and exchanges._importing(session))}
        removed = 0
        for session_id in over[:batch]:
            if session_id in held:
                continue
            try:
                shutil.rmtree(areas[session_id][0])
                removed += 1
            except OSError as error:
                _logger.warning("1C exchange: the upload area %s could not be removed: %s",
                                areas[session_id][0], error)
        self.env.cr.execute("""
            SELECT s.id FROM ecom_1c_session s
             WHERE s.expires_at < %s AND NOT EXISTS (
                   SELECT FROM ecom_1c_exchange e
                    WHERE (e.session_id = s.id OR e.id = s.exchange_id) AND e.state = 'running')
             ORDER BY s.id LIMIT %s
        """, [now - max(keep, timedelta(days=KEEP_ROWS_DAYS)) - timedelta(minutes=IDLE_MINUTES), batch + 1])
        rows = [row[0] for row in self.env.cr.fetchall() if row[0] not in held]
        self.sudo().browse(rows[:batch]).unlink()
        if removed or rows:
            _logger.info("1C exchange: %s upload areas and %s sessions of exchanges over removed",
                         removed, len(rows[:batch]))
        return removed + len(rows[:batch]), max(len(over) - batch, 0) + max(len(rows) - batch, 0)

    @api.model
    def _keep_uploads_days(self):
        """The days 1C's files stay after their session is over (Settings; 7 unless set, 0 kept as 0)."""
        value = self.env["ir.config_parameter"].sudo().get_param(KEEP_UPLOADS, KEEP_UPLOADS_DEFAULT)
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return KEEP_UPLOADS_DEFAULT

    @api.model
    def _upload_areas(self):
        """The upload areas on disk under this database's folder: ``{session id: (path, when last changed)}``,
        the folders named ``session-<id>`` alone, never a symbolic link; none when it cannot be read."""
        root = self._uploads_root()
        base = os.path.join(config["data_dir"], "ecom_crm_1c")
        if os.path.dirname(os.path.normpath(root)) != os.path.normpath(base):
            # a database's name holding a path's separator or «..» (PostgreSQL takes it, Odoo's manager does not)
            _logger.warning("1C exchange: the database's name %r names no folder of its own: no upload area removed",
                            self.env.cr.dbname)
            return {}
        areas = {}
        try:
            with os.scandir(root) as entries:
                for entry in entries:
                    match = UPLOAD_AREA.fullmatch(entry.name)
                    try:
                        if match and entry.is_dir(follow_symlinks=False):
                            areas[int(match[1])] = (entry.path, entry.stat(follow_symlinks=False).st_mtime)
                    except OSError as error:
                        _logger.warning("1C exchange: the upload area %s could not be read: %s", entry.path, error)
        except FileNotFoundError:
            return {}
        except OSError as error:
            _logger.warning("1C exchange: the upload areas of %s could not be read: %s", root, error)
            return {}
        return areas

    def _clear_uploads(self):
        for session in self:
            shutil.rmtree(session._upload_dir(), ignore_errors=True)
        self.write({"upload_size": 0, "last_file": False, "last_part": False, "cut_file": False})
