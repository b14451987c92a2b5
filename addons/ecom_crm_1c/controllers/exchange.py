"""The HTTP side of 1C's «обмен с сайтом» (CommerceML 2): 1C is the client, Odoo the site.

Every answer is plain text whose first line is exactly ``success``, ``progress`` or ``failure``:
no HTML error page ever reaches 1C, whatever goes wrong.
"""

import base64
import binascii
import contextlib
import errno
import hashlib
import logging
import os
import secrets
import time
import zipfile
from datetime import timedelta

from passlib.exc import PasswordSizeError
from psycopg2 import errors as pg_errors
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import SUPERUSER_ID, api, fields, http
from odoo.addons.ecom_crm.tools.json_http import BrokenBody, drain_after, read_body
from odoo.exceptions import UserError
from odoo.http import request
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..commerceml import (
    TEMPORARY_PREFIX,
    TEMPORARY_SUFFIX,
    UnsafeDocument,
    UnsafePath,
    errors,
    files_under,
    is_whole,
    is_zip,
    printable,
    remove_added,
    safe_relative_path,
    sniff,
    starts_with,
    upload_complete,
)
from ..commerceml.mapper import DELIVERY_ID
from ..commerceml.protocol import answered_version, parse_timestamp
from ..commerceml.writer import write_reference_lists
from ..models.ecom_1c_exchange import FILE_LOCK, IMPORT_LOCK
from ..models.ecom_1c_session import SESSION_HOURS
from ..models.ir_http import ROUTES
from ..models.res_config_settings import CRYPT
from ..tools.savepoint import savepoint

_logger = logging.getLogger(__name__)
COOKIE = "ecom_1c_session"
MB = 1024 * 1024
# megabytes by default: 1C's file_limit (one request), one whole file, all the files of an exchange
FILE_LIMIT_MB, WHOLE_FILE_LIMIT_MB, EXCHANGE_LIMIT_MB = 200, 1024, 8192
# the rest of a request's body its answer left unread (ecom_crm's tools/json_http.drain_after): read and dropped
# once the answer is sent, up to so many bytes (no request 1C sends is bigger), so long in all, so long without a
# byte (and never closer than json_http.DRAIN_MARGIN_SECONDS to Odoo's limit_time_real)
DRAIN_MAX_BYTES, DRAIN_SECONDS, DRAIN_IDLE_SECONDS = 1024 * MB, 60, 10
# 1C's own requests (of a session it opened, live or expired since): as long as Odoo lets a request run
# (limit_time_real, less the margin: as long as a part of file_limit gets to come when it is stored), an hour at
# most (limit_time_real off), so long without a byte (a slow link's stalls; a worker of the multi-process server
# waits its socket's time-out at most, ODOO_HTTP_SOCKET_TIMEOUT: 2 s by default)
SESSION_DRAIN_SECONDS, SESSION_DRAIN_IDLE_SECONDS = 3600, 30
# the documents of an archive whose import init looks for (:meth:`ExchangeController._held_files`)
MAX_HELD_DOCUMENTS = 100
# The order of the locks of 1C's requests: a request waits for a lock only while it holds none later in this
# list (try-locks wait for nothing), so that no two of them wait for each other:
#   1. a file's (FILE_LOCK, the session and the name: :meth:`ExchangeController._hold_file`): waited for by
#      mode=file of a file stored already or of a document (type=sale); tried by mode=import and init;
#   2. the import lock (IMPORT_LOCK): tried by an import step; waited for by a document's import at mode=file
#      (once the bytes are committed: the session's row let go), by mode=file of a file whose import began
#      (before the row is locked) and by deactivate (:meth:`ExchangeController._wait_for_imports`);
#   3. the session's row: mode=file locks it once the body is read and holds it while the file's bytes are
#      written, to its commit; deactivate waits for it holding the import lock
#      (:meth:`ExchangeController._files_stored`); an import step writes it holding the import lock; the time
#      of the last request is written only when the row is free (SKIP LOCKED), and the ORM's own writes of a
#      request (its last file forgotten) go to the database after its waits.
# The cleanup of old uploads and the closing of abandoned exchanges wait for none of these: they read which
# advisory locks other connections hold, and leave alone the sessions held (their session rows are of
# sessions no request finds any more).


def part_digest(relative, body):
    """What identifies a stored request of the file ``relative``: its length and the SHA-256 of its bytes
    with the file's name (:attr:`ecom.1c.session.last_part`)."""
    digest = hashlib.sha256(relative.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(body)
    return f"{len(body)}:{digest.hexdigest()}"


def answer(*lines):
    return request.make_response("\n".join(lines) + "\n",
                                 headers=[("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")])


def failure(reason):
    """«failure» and ``reason`` on its one line: 1C reads the answer's second line as the reason, and an
    XML parser's or PostgreSQL's message may hold line breaks."""
    return answer("failure", " ".join(str(reason).split()))


class MemberFailed(Exception):
    """The document ``member`` of 1C's archive of documents failed to import, for ``reason`` (in the store's
    language): raised so that what the archive's import applied before it is rolled back
    (:meth:`ExchangeController._import_stored`)."""

    def __init__(self, member, reason):
        super().__init__(member, reason)
        self.member, self.reason = member, reason


class ExchangeController(http.Controller):
    # any method is routed here (not only 1C's GET and POST): another one is answered in the protocol's
    # words rather than by Odoo's «405» HTML page
    @http.route(ROUTES, type="http", auth="none", csrf=False, save_session=False, readonly=False)
    def exchange(self, type=None, mode=None, filename=None, **_kwargs):
        """1C's request: answered (:meth:`_answer`), then what its body holds unread read (ecom_crm's
        ``drain_after``: 1C sends a request's body whole before it reads the answer; a request refused for its size
        before its body is read, or once its bytes past the room are (:meth:`_mode_file`), a copy refused busy, or
        a request of a mode that reads none, leaves it unread), within the exchange's own bounds. A refused body is
        read there alone, once: after the answer is sent and the request's transaction is over (no lock held
        while a slow client sends it), never before the answer. A request of a session 1C opened is read as long
        as Odoo lets a request run (:data:`SESSION_DRAIN_SECONDS`, less near ``limit_time_real``): as long as the
        same body would take to come stored, over a slow link too; so is one of a session of 1C's that expired
        since (its cookie names a session this database had: 1C hears why, log in anew, not a reset); any other
        (no session, or one no checkauth of this database gave: no 1C of this store) for a minute at most. Both
        within the request: a thread reading on past it would die with a recycled worker."""
        response = self._answer(type, mode, filename)
        if request.httprequest.environ.get("ecom_1c.session"):
            return drain_after(response, DRAIN_MAX_BYTES, SESSION_DRAIN_SECONDS, SESSION_DRAIN_IDLE_SECONDS)
        return drain_after(response, DRAIN_MAX_BYTES, DRAIN_SECONDS, DRAIN_IDLE_SECONDS)

    def _answer(self, type, mode, filename):
        env = self._in_store_language(request.env(user=SUPERUSER_ID, su=True))
        environ = request.httprequest.environ  # the same for each time Odoo runs the request again
        environ["ecom_1c.tries"] = environ.get("ecom_1c.tries", 0) + 1
        try:
            method = request.httprequest.method
            if method not in ("GET", "POST", "HEAD"):
                return failure(env._("method %s is not part of 1C's exchange: GET or POST", method))
            if mode == "checkauth":
                return self._checkauth(env)
            session = env["ecom.1c.session"]._find(self._token())
            if not session:
                # 1C's own session expired (an exchange past SESSION_HOURS, or 1C coming back to it later): 1C sends
                # the body whole before it reads this answer, and its body is read as a live session's, or a part
                # of file_limit over a slow link is cut mid-body and 1C sees a reset rather than why
                environ["ecom_1c.session"] = env["ecom.1c.session"]._existed(self._token())
                return failure(env._("unknown or expired session: call mode=checkauth first"))
            environ["ecom_1c.session"] = True  # 1C's own: a body its answer leaves unread is read as long as Odoo lets
            if session.company_id:  # a company's own 1C: its exchange runs in that company
                env = self._in_store_language(env(context={**env.context,
                                                           "allowed_company_ids": session.company_id.ids}))
                session = session.with_env(env)
            if type not in ("catalog", "sale"):
                return self._fail(session.exchange_id, None, env._("unknown type %r", type))
            handler = getattr(self, f"_mode_{mode}", None)
            if handler is None:
                return self._fail(session.exchange_id, None, env._("unknown mode %r", mode))
            if mode == "import" and filename and not self._hold_file(env, session, filename):
                # 1C's timeout fired while the file's import runs in another request, and it asks again:
                # that request applies it; 1C hears «progress» and asks again until it is over
                return answer("progress", env._("%s: its import is running in another request", printable(filename)))
            if mode != "file" and (session.last_file or session.last_part):
                # 1C sends the next file or asks for something else once a file's parts are all sent
                session.write({"last_file": False, "last_part": False})
            if mode != "init" and session.exchange_id.state == "interrupted":
                session.exchange_id._resume()  # closed for 1C's silence, and 1C comes back to it
            response = handler(env, session, type, filename)
            if mode != "file":
                # when 1C's last request came (mode=file's is written with its bytes): an exchange 1C sends none
                # to for an hour is closed. Written last, once any wait is over, by a request that reached its
                # mode: 1C asking again for a file another request imports writes nothing (that request does)
                self._note_request(env, session)
            return response
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            # another request of the session was first (mode=file: its row lock), or a transaction holds a
            # product the import locks: Odoo runs this one again from the start, in a transaction of its own; the
            # last time, 1C hears «failure» and why
            if self._may_run_again():
                raise
            return self._failed(env, type, mode, filename, self._concurrency_message(env, error))
        except Exception as error:  # never an HTML page for 1C
            _logger.exception("1C exchange failed (mode=%s)", mode)
            # an OSError's text names the server's paths: 1C and the log hear its reason alone
            return self._failed(env, type, mode, filename, errors.described(error))

    @staticmethod
    def _concurrency_message(env, error):
        """What 1C hears of the failure to serialise or lock ``error`` once Odoo's tries are spent: the products
        the exchange made that another transaction held locked when the store's product was to replace them
        (:meth:`ecom.1c.importer._lock_unused`), else another request of the session stored meanwhile."""
        locked = getattr(error, "ecom_1c_locked", None)
        if locked:
            return env._(
                "the product %(products)s the exchange made is locked in Odoo (it, or a document of it, is being "
                "saved), so the store's product cannot replace it: nothing of this step was applied, send the file "
                "again", products=", ".join(env._("«%(name)s» (1C id %(id)s)", name=name, id=key)
                                            for name, key in locked))
        return env._("another request of this exchange session was being stored: send this one again")

    @staticmethod
    def _note_request(env, session):
        """Write when 1C's request of ``session`` came (:attr:`ecom.1c.session.last_request`), unless another
        request of the session wrote its row meanwhile (locked, or committed since this transaction began):
        that one came as late, to the minute. Written anyway, the two failed to serialise, and Odoo ran one
        of them again from its start: an import step of the session undone and run again (or, once past
        Odoo's tries, failed) for the sake of a timestamp."""
        env.flush_all()  # the request's own writes fail or pass as they would at its commit
        try:
            with env.cr.savepoint(flush=False):
                env.cr.execute("SELECT id FROM ecom_1c_session WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                               [session.id])
                if env.cr.fetchone():
                    env.cr.execute("UPDATE ecom_1c_session SET last_request = %s WHERE id = %s",
                                   [fields.Datetime.now(), session.id])
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            pass  # rolled back to the savepoint: the request's transaction goes on
        session.invalidate_recordset(["last_request"])

    @staticmethod
    def _in_store_language(env):
        """``env`` in the store's language: its company's (a company's own 1C: that company's), else the
        main company's, whatever the request's Accept-Language says (1C sends none: Odoo would take
        English). 1C shows its answers to the accountant, and the exchange log is the store's."""
        return env(context={**env.context, "lang": env["ecom.1c.exchange"]._store_language(env.company)})

    def _failed(self, env, type_, mode, filename, message):
        """1C hears «failure» and ``message``; the request's transaction is rolled back and the log
        told in one of its own (:meth:`_log_failure`)."""
        env.cr.rollback()  # the failed step leaves nothing half done
        self._log_failure(env, type_, mode, filename, message)
        return failure(message)

    def _log_failure(self, env, type_, mode, filename, reason):
        """The exchange failed: the log says so, with the file and the reason, in a transaction of its own
        (the request's was rolled back with the failed step). The file's import goes on from its last
        finished step if 1C asks again."""
        try:
            with env.registry.cursor() as cr:
                own = api.Environment(cr, SUPERUSER_ID, {"lang": env.lang})  # the store's, as the answers
                session = own["ecom.1c.session"]._find(self._token())
                if not session:
                    return
                if session.company_id:
                    # a company's own 1C: its exchange is that company's (seen by its users), in its store's
                    # language, as those its init begins (the request may have failed before it ran there)
                    own = self._in_store_language(own(context={**own.context,
                                                               "allowed_company_ids": session.company_id.ids}))
                    session = session.with_env(own)
                if not session.exchange_id:
                    session.exchange_id = own["ecom.1c.exchange"].create({
                        "exchange_type": "sale" if type_ == "sale" else "catalog", "company_id": own.company.id,
                        "remote_addr": request.httprequest.remote_addr, "session_id": session.id})
                relative, values = None, {}
                if filename and mode in ("file", "import"):
                    try:
                        relative, path = self._upload_path(session, filename)
                        values = own["ecom.1c.exchange.file"]._file_values(path)
                    except (UnsafePath, OSError):
                        relative = relative or printable(filename)
                session.exchange_id._fail(reason, relative, values)
        except Exception:
            _logger.exception("could not log the 1C exchange failure")

    def _token(self):
        """The session's token the request carries: its cookie, else 1C's ``sessid`` (1C of protocol
        3.x and 1C-Bitrix clients pass the sessid checkauth and init answered)."""
        return request.httprequest.cookies.get(COOKIE) or request.httprequest.args.get("sessid")

    # ----------------------------------------------------------------- modes
    def _checkauth(self, env):
        params = env["ir.config_parameter"].sudo()
        login, password_hash = params.get_param("ecom_crm_1c.login"), params.get_param("ecom_crm_1c.password_hash")
        given_login, given_password = self._basic_auth()
        # a hash is verified even without a login configured, so that timing tells nothing
        company = env["res.company"]
        if given_login and given_login != login:  # a company's own 1C base: its login, its password
            company = company.search([("ecom_1c_login", "=", given_login)], limit=1)
            login, password_hash = company.ecom_1c_login, company.ecom_1c_password_hash
        try:
            valid = CRYPT.verify(given_password or "", password_hash or CRYPT.hash("-"))
        except PasswordSizeError:  # over 4096 bytes: no password the Settings take
            valid = False
        except ValueError:  # the hash stored is none passlib reads: the caller hears no more than «wrong»
            _logger.error("1C checkauth: the exchange password's stored hash (%s) is unreadable: set the password "
                          "again in Settings", f"company {company.id}" if company else "main")
            valid = False
        if not (login and password_hash and valid and given_login == login):
            return failure(env._("wrong exchange login or password"))
        _session, token = env["ecom.1c.session"]._open(request.httprequest.remote_addr, company)
        return answer("success", COOKIE, token, f"sessid={token}", f"timestamp={int(time.time())}")

    def _basic_auth(self):
        header = request.httprequest.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None, None
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        login, _sep, password = decoded.partition(":")
        if "\x00" in login:  # no login has one, and PostgreSQL refuses it in a query
            return None, None
        return login, password

    def _mode_init(self, env, session, type_, _filename):
        """A new exchange: the session's upload area emptied; answered as 1C-Bitrix answers, a line each:
        ``zip=``, ``file_limit=`` and, to 1C that says which version of the protocol it speaks
        (``version=3.1``), ``sessid=`` (the session's, which 1C of protocol 3.x passes on in the next
        requests) and the version the site speaks with it: 1C of 3.x then sends ``mode=deactivate``
        after a full unload. Older 1C, which names no version, hears the two lines it always heard."""
        held = self._held_files(env, session)
        if held:
            # 1C starts anew while a file of its last exchange is imported in another request (1C heard no
            # answer in time): its upload area is not emptied under that import, nor the import's failure
            # written to the exchange begun here. Nothing failed: nothing is written (the import writes its
            # exchange at its end); 1C hears «failure» and why, and starts its exchange again later
            _logger.info("1C exchange: init while %s of session %s is imported in another request: answered "
                         "«failure»", ", ".join(held), session.id)
            return failure(env._("%s: its import is running in another request: the exchange was not started "
                                 "anew, start it again once the import is over", ", ".join(held)))
        # the exchanges 1C abandoned close: the session's last one at once (1C starts anew; what its upload
        # area holds still tells what it left unimported), and any other 1C sent nothing to for an hour
        env["ecom.1c.exchange"]._close_abandoned(ending=session.exchange_id)
        session._clear_uploads()
        spoken = answered_version(request.httprequest.args.get("version")) or False
        exchange = env["ecom.1c.exchange"].create({
            "exchange_type": type_, "remote_addr": request.httprequest.remote_addr, "protocol_version": spoken,
            "session_id": session.id})
        session.exchange_id = exchange
        use_zip = bool(env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.use_zip"))
        return answer(f"zip={'yes' if use_zip else 'no'}", f"file_limit={self._file_limit(env)}",
                      *([f"sessid={self._token()}", f"version={spoken}"] if spoken else []))

    def _held_files(self, env, session):
        """The files of ``session``'s upload area that another request imports (held: :meth:`_hold_file`):
        its documents and archives, and the documents those archives hold (1C may ask for one before its
        archive is unpacked). The others are held by this request's transaction to its end (try-locks:
        nothing waited for, whatever this request locked already): no import of them begins while init
        empties the area under it."""
        folder = session._upload_dir()
        names = set()
        for relative in files_under(folder):
            if not relative.lower().endswith((".xml", ".zip")):
                continue  # images and other files 1C imports none of
            names.add(relative)
            if relative.lower().endswith(".zip"):
                try:  # 1C's documents are at an archive's root (its images under folders of their own)
                    with zipfile.ZipFile(os.path.join(folder, relative)) as archive:
                        documents = [name for name in archive.namelist()
                                     if name.lower().endswith(".xml") and "/" not in name and "\\" not in name]
                except (OSError, ValueError, zipfile.BadZipFile):  # broken: its import refuses it
                    documents = []
                names.update(documents[:MAX_HELD_DOCUMENTS])  # a hostile archive's thousands: no lock for each
        held = []
        for name in sorted(names):
            key = self._file_key(session, name)
            if key is None:
                continue
            env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", key)
            if not env.cr.fetchone()[0]:
                held.append(printable(name))
        return held

    def _upload_path(self, session, filename):
        """``(relative name, path in the session's upload area)``; UnsafePath for names that escape it."""
        relative = safe_relative_path(filename)
        return relative, os.path.join(session._upload_dir(), relative)

    def _mode_file(self, env, session, type_, filename):
        """Append one request's body to the named file. 1C sends a file bigger than ``file_limit`` in
        parts of at most that size, one request each, in order; the whole file and all the files of
        the exchange have bounds of their own (Settings). The body is read raw whatever the request's
        content type says (1C sends the file's bytes); a request refused or cut short appends nothing.

        1C's documents (``type=sale``) are imported as soon as their last part is stored: the
        protocol's classic version asks for no ``mode=import`` of them (1C-Bitrix imports them
        here too); a later ``mode=import`` of the same file finds it imported."""
        try:
            relative, target = self._upload_path(session, filename)
        except UnsafePath as error:
            return self._fail(session.exchange_id, printable(filename), env._("refused file name: %s",
                                                                             errors.reason(error, env._)))
        if os.path.isdir(target):
            return self._fail(session.exchange_id, relative, env._("refused file name: %s",
                                                                  env._("a folder of the upload area")))
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
        except OSError as error:  # a folder of the name is a file already: said without the server's paths
            return self._fail(session.exchange_id, relative, env._("refused file name: %s", error.strerror))
        held = type_ == "sale" or os.path.isfile(target)
        if held and not self._hold_file(env, session, relative, wait=True):
            # 1C's document is imported by this request once stored: held from now on (1C asking for its
            # import meanwhile hears «progress»). A file already stored (a catalog's, sent again or its next
            # part) is held too: a request importing it holds it from its start, before anything of its
            # first step is committed (its record, which the wait below looks for, not seen yet), and reads
            # it; its bytes are not emptied under that reading. Sent again while its import runs in another
            # request, the file waits for that request; past twice a step the copy is refused, nothing of it
            # stored (:meth:`_busy`), its body unread: it is read once the answer is sent (:meth:`exchange`'s
            # drain, bounded, no lock held), so that 1C hears the answer rather than a reset
            return self._busy(env, session, relative)
        if session.exchange_id.file_ids.filtered(lambda f: f.name == relative):
            # 1C sends again a file whose import began in this exchange (or the next part of one that failed:
            # waited for all the same): a step of its import may be running in another request (1C heard no
            # answer in time), and its bytes are not replaced under that step's reading: the step is waited
            # for. Waited for before the session's row is locked, in the importer's order (the import lock,
            # then the session's row, which the step writes at its end): the row locked first, the step and
            # this request each waited for the other (a deadlock, one of them undone and run again). Past
            # twice a step, busy as a document sent again (:meth:`_busy`): nothing of this copy stored, the
            # exchange not failed (its import may still end well), 1C hears why and sends the file again.
            # 1C's bytes are read first (kept for the read below and for Odoo running the request again; no
            # more than one request may carry): the import lock, once waited for, is held to the request's
            # end, and while a slow upload came no exchange of the database could import. The file is held by
            # this request meanwhile (above): no import of it begins, its bytes stay until these are in
            try:
                read_body(self._file_limit(env))
            except BrokenBody as error:
                # nothing of it stored, nor written: the exchange's import may be running (its step writes the
                # exchange's row at its end, and a line committed meanwhile would undo it: :meth:`_busy`)
                return self._cut_short(env, session, relative, error, logged=False)
            try:
                self._wait_for_imports(env)
            except UserError as error:
                env.cr.rollback()  # the wait's time-out broke the transaction, which holds nothing else yet
                env.invalidate_all()
                # what of the body read_body left unread (none, unless it is over file_limit) is drained after the
                # answer (:meth:`exchange`)
                _logger.info("1C exchange: %s sent again while an import step runs (session %s), for longer "
                             "than the wait: not stored, answered «failure»", relative, session.id)
                return failure(env._("%(file)s: %(reason)s: this copy was not stored, send the file again",
                                     file=relative, reason=error.args[0]))
        request_limit, file_limit = self._file_limit(env), self._whole_file_limit(env)
        exchange_limit = self._exchange_limit(env)
        length = request.httprequest.content_length
        too_big = env._("a request of %(size)s bytes is over file_limit=%(limit)s: 1C sends a bigger file in parts")
        if length is not None and length > request_limit:  # refused before its body is read
            return self._fail(session.exchange_id, relative, too_big % {"size": length, "limit": request_limit})

        def measured(lock):
            """What the session and the file hold: ``(uploaded, last_part, size)``; ``lock``: the session's row
            locked first. Requests of one session are stored one at a time: the row lock is taken before the
            file's size is read and held until the request's bytes and count are committed."""
            env.cr.execute("SELECT upload_size, last_part FROM ecom_1c_session WHERE id = %s"
                           + (" FOR UPDATE" if lock else ""), [session.id])
            uploaded, last_part = env.cr.fetchone()
            # bytes as an int (upload_size is a Float field): they bound what is read, and werkzeug 3's streams
            # (Python 3.12) take no float for a size
            return int(uploaded or 0), last_part, os.path.getsize(target) if os.path.exists(target) else 0

        def rooms(uploaded, size):
            """``(again, uploaded, size, file_room, exchange_room)``: 1C sending the file again from its start,
            its old bytes go once this request's are read (a request refused leaves them), and no longer count."""
            again = bool(size) and self._sent_again(session, relative, target, request_limit)
            if again:
                uploaded, size = max(uploaded - size, 0), 0
            return again, uploaded, size, max(file_limit - size, 0), max(exchange_limit - uploaded, 0)

        # one request is at most file_limit bytes: held once in memory, kept for the request's retries (read
        # again when run again). No more of a body is read than could be stored (the file's room, the
        # exchange's): a body sent without a length (chunked) too. Read before the session's row is locked:
        # a slow upload held the row while its bytes came, and every other request of the session writing it
        # waited as long; the row is locked once the body is in, briefly. What it holds then is what was read
        # before (another request that changed it since this one began makes the lock fail to serialise: Odoo
        # runs this one again, its body kept), the file's size but for a writer outside the session's requests.
        before = measured(lock=False)
        again, uploaded, size, file_room, exchange_room = rooms(before[0], before[2])
        try:
            body = read_body(min(request_limit, file_room, exchange_room))
        except BrokenBody as error:  # fewer bytes than its Content-Length, or its chunks broken: nothing of it stored
            return self._cut_short(env, session, relative, error)
        locked = measured(lock=True)
        last_part = locked[1]
        stored = (locked[0], locked[2])
        if locked != before:
            again, uploaded, size, file_room, exchange_room = rooms(locked[0], locked[2])
            if body is not None and len(body) > min(file_room, exchange_room):
                body = None
        if body is None:
            if file_room < request_limit and file_room <= exchange_room:
                response = self._fail(session.exchange_id, relative, env._(
                    "the file would be over the largest file, %s bytes (Settings)", file_limit))
            elif exchange_room < request_limit:
                response = self._fail(session.exchange_id, relative, env._(
                    "the exchange's files would be over the largest exchange, %s bytes (Settings)",
                    exchange_limit))
            else:
                response = self._fail(session.exchange_id, relative, too_big % {"size": f"> {request_limit}",
                                                                               "limit": request_limit})
            # the refusal's writes fail to serialise here, not at Odoo's commit after the request: Odoo runs the
            # request again, whose run reads the body (there may be room by then: :func:`read_body`), and its
            # last run answers «failure» (:meth:`_answer`), never an error page. The body is not read here: the
            # session's row is locked to the commit, and a slow client trickling its bytes held it all along. It
            # is read once the answer is sent, the transaction over (:meth:`exchange`'s drain, bounded), so that
            # 1C hears the answer rather than a connection reset
            env.flush_all()
            return response
        if length is not None and len(body) != length:
            return self._cut_short(env, session, relative, f"{len(body)} of {length} bytes")
        part = part_digest(relative, body)
        if last_part == part and os.path.exists(target):
            # the part stored last, again, nothing between: 1C heard no answer to it in time and sends it
            # again. It was stored: appended twice it would corrupt the file (a middle part), or start it
            # anew with its last part alone (the last one). 1C's next part is never the same bytes as the
            # last (an XML document's text moves on; two identical parts of file_limit bytes in a row, at
            # least 1 MB each, only in a file of one byte pattern repeated): answered as the first time
            _logger.info("1C exchange: %s, the part of %s bytes stored last sent again: not appended",
                         relative, len(body))
            if type_ == "sale" and (len(body) < request_limit or is_whole(target)):
                return self._import_stored(env, session, relative, filename)  # as it answered the first time
            return answer("success")
        if not again and size and len(body) == request_limit and starts_with(target, body):
            # a part of file_limit bytes the stored file begins with: 1C sends the file again from its start
            # (1C's next part never repeats its first: an XML declaration, a zip's first entry, an image's
            # header), without another request between (it heard no answer to the last part in time)
            again, uploaded, size = True, max(uploaded - size, 0), 0
        if again and not body.strip(b" \t\r\n"):
            # the line break after a document's root that 1C's last part of file_limit bytes left over: its tail
            again, (uploaded, size) = False, stored
            if size + len(body) > file_limit or uploaded + len(body) > exchange_limit:
                return self._fail(session.exchange_id, relative, env._(
                    "the file would be over the largest file, %s bytes (Settings)", file_limit))
        # an image (or any file not a document of 1C) is read by catalog import steps holding no lock of it:
        # its first part (or the file sent again) replaces it whole, never emptied in place (:meth:`_replace`).
        # Its next parts are appended (copied whole each, a file of n parts would cost n²/2 of its parts in
        # writes): until its last part is in it is whole neither way
        whole = not relative.lower().endswith((".xml", ".zip"))
        if again:  # what its archive unpacked goes with it, and no longer counts
            uploaded = max(uploaded - self._start_anew(session, relative, target, empty=not whole), 0)
        # the body fits the file's and the exchange's room (it was read no further); the count first:
        # once the bytes are appended nothing is left to fail
        session.write({"upload_size": uploaded + len(body), "last_file": relative, "last_part": part,
                       "last_request": fields.Datetime.now(),
                       **({"cut_file": False} if session.cut_file == relative else {})})
        env.flush_all()
        if whole and not size:
            self._replace(env, target, body)
        else:
            with open(target, "ab") as out:  # several requests of the same name append
                try:
                    out.write(body)
                    out.flush()
                except OSError:
                    out.truncate(size)  # nothing of a request half written stays
                    raise
        if os.path.getsize(target) != size + len(body):  # never «success» for bytes not stored
            with open(target, "ab") as out:
                out.truncate(size)
            raise OSError(errno.EIO, env._("%s bytes received but not stored", len(body)))  # the count undone
        # a part shorter than file_limit is the file's last: 1C sends a bigger one in parts of file_limit.
        # A document of exactly n × file_limit bytes ends with a part as long as the others and 1C sends
        # nothing more: the bytes stored tell it (a closed root, well-formed; a zip's closing record)
        if type_ == "sale" and (len(body) < request_limit or is_whole(target)):
            # its upload is over, whatever its import makes of it: 1C sending it again starts it anew
            session.last_file = False
            return self._import_stored(env, session, relative, filename)
        return answer("success")

    @staticmethod
    def _broken_body(env):
        """Why a request's body was refused unread (:class:`BrokenBody`), in the store's language."""
        return env._("the request's body could not be read (cut short, or its chunked encoding broken): nothing stored")

    def _cut_short(self, env, session, relative, why, logged=True):
        """1C's request whose body did not arrive whole (:class:`BrokenBody`: the connection closed or
        broke before its Content-Length, or its chunked encoding is broken): nothing of it is stored nor
        counted, 1C hears «failure» if it still listens, the server's log one warning line (no traceback).
        The transport's failure is no failure of 1C's file: the exchange is not failed, nor the file
        recorded (1C sends it again, in this exchange or the next; a failed exchange would keep its
        deactivate from archiving anything); but until a request of the file is stored, the exchange is
        unfinished (:attr:`ecom.1c.session.cut_file`). ``logged``: the exchange's messages say so too, and the
        session keeps the file's name (not while an import step of the exchange may run, a file of it sent
        again: :meth:`_mode_file`; its import tells whether it is unfinished)."""
        _logger.warning("1C exchange: session %s, %s: the request's body was cut short (%s): nothing stored, "
                        "answered «failure»", session.id, relative, why)
        reason = self._broken_body(env)
        if logged and session.exchange_id:
            session.exchange_id._log(env._("%(file)s: %(reason)s", file=relative, reason=reason))
            # the session's row is locked (:meth:`_mode_file`): till the file is stored, its exchange is
            # unfinished (1C ending it here, it is closed as interrupted, not done)
            session.cut_file = relative
        return failure(f"{relative}: {reason}")

    def _sent_again(self, session, relative, target, request_limit):
        """Whether the request of ``relative``, stored at ``target`` already, is 1C sending the file again
        from its start rather than its next part. 1C sends a bigger file in parts of ``file_limit`` bytes
        that append, one after another, then the next file or ``mode=import``; a new exchange begins
        with ``init``, which empties the upload area; yet 1C sends a file again under its name without
        init after a request it heard no answer to, and in a new exchange of configurations that send
        none. So a file starts anew when the session's last stored request was not its part (another
        file, or any other request came between: its parts were all sent), when its import began in
        this exchange (the file's, or its archive's: done or in progress), and when it is stored whole
        (:func:`..commerceml.upload_complete`: a last part shorter than ``file_limit``, a whole document
        or archive); :meth:`_mode_file` also takes a part of ``file_limit`` bytes the stored file
        begins with for the file again. A file only failed in the log is not taken for sent again by
        that alone: a part refused, or that 1C was told to send again, records its file failed with
        the parts stored before, and the next part appends to them."""
        if session.last_file != relative:
            return True
        exchange = session.exchange_id
        began = exchange and exchange.file_ids.filtered(lambda f: f.name == relative and f.state != "failed")
        return bool(began) or upload_complete(target, request_limit)

    def _start_anew(self, session, relative, target, empty=True):
        """The file ``relative`` sent again (:meth:`_sent_again`): its old bytes go (``empty``; else they stay
        until the new ones replace them whole: :meth:`_replace`), and what its import began is no longer
        taken for this file's (:meth:`ecom.1c.exchange._sent_again`); an archive's, the files it unpacked go
        too. Returns the bytes of those files (counted in the session's upload size)."""
        exchange = session.exchange_id
        freed = 0
        if exchange and exchange.file_ids.filtered(lambda f: f.name == relative):
            freed = exchange._sent_again(relative, session._upload_dir())
        if empty:
            with open(target, "wb"):
                pass
        return freed

    @staticmethod
    def _replace(env, target, body):
        """Store ``body`` as the whole new file ``target``, replacing the old one (if any) at once: written to
        a temporary file of the same folder (the same file system), then renamed over it. Whoever opens it
        meanwhile (a catalog import step reading a product's image, holding no lock of it) reads the old file
        or the new one whole, never one emptied or half written. A failure leaves the old file as it was.
        The temporary file's name is its own (random, created exclusively: two requests storing the same name
        never share one), its permissions a file ``open`` creates (the process's umask); one a crash left
        goes with the upload area (the session's next ``init``, the cleanup of old uploads), and no import
        nor :func:`remove_added` takes it for a file of 1C's."""
        folder = os.path.dirname(target)
        while True:
            temporary = os.path.join(folder, f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}{TEMPORARY_SUFFIX}")
            try:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
                break
            except FileExistsError:
                continue
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(body)
                out.flush()
            if os.path.getsize(temporary) != len(body):
                raise OSError(errno.EIO, env._("%s bytes received but not stored", len(body)))
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise

    def _import_stored(self, env, session, relative, filename, asked=False):
        """Import 1C's document ``filename`` (a zip: the documents it holds), stored whole, in one go, all or
        nothing: one savepoint holds everything the upload imports, so that a failure (a broken document of a
        file, a broken file of an archive: :meth:`_archive_failed`) leaves none of its documents applied, and
        the failure is recorded after the rollback (the exchange, its log, the file's records), 1C hearing
        which file or document broke it and why. The bytes are on disk and counted, committed before the
        import: whatever becomes of the import, rolled back to its savepoint alone, they stay so. A failure to serialise
        or a deadlock is Odoo's to run the request again (which finds its bytes stored last, and imports
        them: :meth:`_mode_file`), and past its tries 1C hears «failure». What a failed import unpacked
        goes: the next attempt (1C's ``mode=import`` of the file) unpacks the archive again, and no
        document it held is taken as done when none was applied."""
        folder = session._upload_dir()
        if not asked:
            # at mode=file, the bytes 1C sent were just stored: committed before the import (the file held
            # across the commit), so that Odoo may run the request again when the import fails to serialise
            # (a customer written meanwhile): run again, it finds its part stored last and imports it, rather
            # than append it a second time to the bytes a rolled back count no longer knows
            key = self._file_key(session, relative)
            env.cr.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", key)
            self._commit_holding(env, key)
            env.invalidate_all()
        try:
            env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
            if not env.cr.fetchone()[0]:
                if asked:  # 1C's mode=import: it asks again while it hears «progress»
                    return answer("progress", env._("another exchange is importing; waiting for it"))
                # at mode=file 1C asks for them no more: this request waits for the import in progress (one
                # time-boxed step) rather than leave them stored and never applied, and reads the orders
                # and products as that step left them. The file stays held across the wait's commits: 1C
                # sending it again meanwhile would otherwise start it anew under the import to come
                self._wait_for_imports(env, anew=True, keep=self._file_key(session, relative))
        except UserError as error:
            return self._fail(session.exchange_id, relative, error.args[0])
        before, size = files_under(folder), session.upload_size
        try:
            # rolled back, with what the documents applied before the failure registered to run after the commit
            # (their customers' notifications): none runs after the failure's commit
            with savepoint(env.cr):
                response = self._mode_import(env, session, "sale", filename, time_boxed=False)
        except MemberFailed as failed:
            # a document of the archive failed: the savepoint undid everything the archive's import did (the
            # documents before it applied, their records, the archive's), and what it unpacked goes; the failure
            # is recorded after, in the request's transaction, which commits it
            member = os.path.join(folder, failed.member)
            values = env["ecom.1c.exchange.file"]._file_values(member) if os.path.isfile(member) else {}
            remove_added(folder, before)
            session.upload_size = size
            return self._archive_failed(env, session, relative, failed, values)
        except Exception as error:
            remove_added(folder, before)
            if isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                # another transaction wrote the same orders or customers (a job, another exchange): Odoo runs
                # the request again from its start (its bytes committed above, or none sent: mode=import);
                # past its tries, 1C hears why and sends the file again
                if self._may_run_again():
                    raise
                _logger.info("1C exchange: the import of %s failed to serialise %s times (%s): answered «failure»",
                             relative, MAX_TRIES_ON_CONCURRENCY_FAILURE, error.__class__.__name__)
                session.upload_size = size  # what it unpacked is gone: it no longer counts
                return self._fail(session.exchange_id, relative, env._(
                    "someone changed the same orders meanwhile: nothing applied, send the file again"))
            _logger.exception("1C exchange: the import of %s failed", relative)
            session.upload_size = size
            return self._fail(session.exchange_id, relative, errors.described(error))
        if response.get_data().startswith(b"failure"):  # refused: what it unpacked goes too
            remove_added(folder, before)
            session.upload_size = size
        return response

    def _archive_failed(self, env, session, relative, failed, values):
        """1C's archive of documents ``relative`` imported at ``mode=file`` (or asked for at ``mode=import``), of
        which the document ``failed`` (:class:`MemberFailed`) failed: nothing of the archive was applied (the
        caller rolled it back). 1C hears «failure» naming the archive, the document and why, and that nothing of
        the archive was applied; the exchange is marked failed and its log says so, the archive and the document
        recorded failed (the document's record with its reason, ``values`` what it records of it: its record of
        an earlier attempt of this exchange, failed, is the one written, as :meth:`ecom.1c.exchange._fail` does).
        Flushed here: a failure to serialise of these writes reaches :meth:`_answer` (Odoo runs the request
        again; past its tries 1C hears «failure»), not Odoo's commit, which would answer an error page."""
        reason = env._("%(member)s: %(reason)s; nothing of the archive was applied", member=failed.member,
                       reason=failed.reason)
        exchange = session.exchange_id
        if not exchange:  # 1C sent no init: the one the import made was rolled back with it
            exchange = session.exchange_id = env["ecom.1c.exchange"].create({
                "exchange_type": "sale", "remote_addr": request.httprequest.remote_addr, "session_id": session.id})
        archive = os.path.join(session._upload_dir(), relative)
        exchange._fail(reason, relative, {"kind": "archive", "size": os.path.getsize(archive)}
                       if os.path.isfile(archive) else None)
        values = {**values, "state": "failed", "error": failed.reason.replace("\x00", "")}
        record = exchange.file_ids.filtered(lambda f: f.name == failed.member)[-1:]
        if record and record.state != "done":
            record.write(values)
        else:
            env["ecom.1c.exchange.file"].create({"exchange_id": exchange.id, "name": failed.member, **values})
        env.flush_all()
        return failure(f"{relative}: {reason}")

    @staticmethod
    def _may_run_again():
        """Whether Odoo runs the request again on a failure to serialise or a deadlock (its tries not all
        spent: :meth:`exchange` counts them in the request's environ, the same each time it runs)."""
        environ = getattr(request.httprequest, "environ", None) or {}
        return environ.get("ecom_1c.tries", 1) < MAX_TRIES_ON_CONCURRENCY_FAILURE

    def _mode_import(self, env, session, type_, filename, time_boxed=True):
        """Import one uploaded file in a time-boxed step: «progress» until it is done, then «success».

        The first call unpacks the session's zip archives; the exchange then imports the file
        (:meth:`ecom.1c.exchange._import_file`: its kind read from its content, the whole file checked
        before anything is imported, one step per call, each recording how far it got); not
        ``time_boxed``, the whole file in this call (1C's documents, at ``mode=file``; an archive of them:
        the documents it held). 1C's documents asked for at ``mode=import`` are imported so too
        (:meth:`_import_stored`)."""
        try:
            relative, path = self._upload_path(session, filename)
        except UnsafePath as error:
            return self._fail(session.exchange_id, printable(filename), env._("refused file name: %s",
                                                                             errors.reason(error, env._)))
        if type_ == "sale" and time_boxed:
            return self._import_stored(env, session, relative, filename, asked=True)
        # two exchanges at once are serialised: the second is told «progress» and 1C calls again
        env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        if not env.cr.fetchone()[0]:
            if time_boxed:
                return answer("progress", env._("another exchange is importing; waiting for it"))
            # 1C's documents: :meth:`_import_stored` waited for the import in progress already
            self._wait_for_imports(env)
        exchange = session.exchange_id or env["ecom.1c.exchange"].create({"exchange_type": "catalog",
                                                                          "session_id": session.id})
        session.exchange_id = exchange
        folder = session._upload_dir()
        # what the archives unpack to counts against the largest exchange with what 1C uploaded. 1C's document
        # (not time-boxed) stored under its name is imported alone: only it is unpacked, if an archive, so that
        # another archive of the exchange, corrupt (refused at its own import, and left in the upload area),
        # fails no later document. One asked for by a name no file has may be in any archive: all are unpacked
        only = relative if not time_boxed and os.path.isfile(path) else None
        failed, unpacked, members, left = exchange._unpack_archives(
            folder, max_total=self._exchange_limit(env) - int(session.upload_size), only=only)
        session.upload_size += unpacked
        if failed:  # a corrupt or hostile archive: nothing of it was unpacked, the log says why
            return self._refused(env, *failed)
        if time_boxed and left and not os.path.isfile(path):
            # the file 1C asks for may be in an archive another request stores again (1C sent it again): left
            # to the next step, whole by then. Not «not uploaded in this session» (the exchange failed): 1C
            # hears «progress» and asks again (the archive itself asked for is held: «progress» already)
            return answer("progress", env._("%(file)s: the archive %(archive)s is being stored by another "
                                            "request; waiting for it", file=relative,
                                            archive=", ".join(sorted(left))))
        if not os.path.isfile(path):
            return self._fail(exchange, relative, env._("not uploaded in this session"))
        if is_zip(path):  # some 1C versions name the archive itself: it is unpacked above
            if "/" in relative:  # unpacked are the archives at the area's root alone: «success» would say so wrongly
                return self._fail(exchange, relative, env._(
                    "a zip archive in a folder is not unpacked: 1C sends its archives to the upload area's root"))
            if time_boxed:  # 1C asks for each file it held next
                return answer("success", f"{relative} unpacked")
            # 1C's documents zipped (zip=yes), at mode=file: the documents the archive held, now, all or none: the
            # first that fails stops the import, and the caller (:meth:`_import_stored`) undoes what the ones
            # before it applied (1C hears «failure» and sends the whole archive again)
            records = exchange.file_ids.browse()
            for inner in sorted(members.get(os.path.basename(path), ())):
                if not inner.lower().endswith(".xml"):
                    continue
                try:
                    record, refusal = exchange._import_file(inner, os.path.join(folder, inner), files_dir=folder)
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception as error:
                    _logger.exception("1C exchange: the import of %s of the archive %s failed", inner, relative)
                    raise MemberFailed(inner, errors.described(error)) from error
                if refusal:
                    raise MemberFailed(inner, errors.reason(refusal, env._))
                records |= record
            return self._file_done(records)
        deadline = time.monotonic() + self._step_seconds(env) if time_boxed else None
        record, refusal = exchange._import_file(relative, path, deadline, files_dir=folder)
        if refusal:  # not a file to import: the log says why
            return self._refused(env, relative, refusal)
        if record.state == "running":
            return answer("progress", env._("%(file)s: %(count)s items imported, continuing", file=relative,
                                            count=record.position))
        return self._file_done(record)

    def _hold_file(self, env, session, filename, wait=False):
        """Hold the lock of the import of ``filename`` in ``session`` (1C's same file asked for again by the
        same cookie) to the end of the request's transaction, which then reads the database as it is
        once another request importing that file ended: what it committed (the file's import done, or
        failed and why) is seen, not imported twice over it. False when another request holds it
        (``wait``: waited for, up to twice an import step; then False, the request's transaction rolled
        back; a deadlock or a failure to serialise is raised, for Odoo to run the request again). A name
        refused here is refused by the mode itself: True.

        Nothing is written yet when it is called: the request's transaction, begun before the other
        request ended, is committed with nothing in it, the lock held by the connection across that
        commit, and the request goes on in a transaction begun after (as :meth:`_wait_for_imports`)."""
        key = self._file_key(session, filename)
        if key is None:
            return True
        if wait:
            env.cr.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                           [f"{2 * self._step_seconds(env) + 5}s"])
            previous = env.cr.fetchone()[0]
            try:
                env.cr.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", key)
            except pg_errors.LockNotAvailable:  # its time-out (the time limit goes with the rollback); a deadlock
                # or a failure to serialise is Odoo's to run the request again (:meth:`_wait_for_imports`)
                env.cr.rollback()
                env.invalidate_all()
                return False
            env.cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        else:
            env.cr.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", key)
            if not env.cr.fetchone()[0]:
                return False
        self._commit_holding(env, key)  # the next query's snapshot sees what the other request committed
        env.invalidate_all()
        return True

    def _commit_holding(self, env, key):
        """Commit what the request did so far while its connection holds the advisory lock ``key`` (taken by
        the caller as the connection's own: :meth:`_file_key`, or ``[IMPORT_LOCK]``), then hold it by the
        transaction begun after, to its end: no other request takes it between the two, and the next
        query's snapshot sees what was committed meanwhile. The connection's own lock is released
        whatever happens (:meth:`_unlock`)."""
        try:
            env.flush_all()
            env.cr.commit()
            if len(key) == 1:
                env.cr.execute("SELECT pg_advisory_xact_lock(%s)", key)  # to the transaction's end
            else:
                env.cr.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", key)
        finally:
            self._unlock(env, key)

    @staticmethod
    def _unlock(env, key):
        """Release the connection's own advisory lock ``key`` (``[IMPORT_LOCK]``, or a file's: :meth:`_file_key`),
        also when an error broke the transaction (rolled back first: the request fails or runs again): a
        connection goes back to Odoo's pool holding none, which no request would ever release."""
        if env.cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
            env.cr.rollback()
        if len(key) == 1:
            env.cr.execute("SELECT pg_advisory_unlock(%s)", key)
        else:
            env.cr.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)

    @staticmethod
    def _file_key(session, filename):
        """The advisory lock of the import of ``filename`` in ``session`` (:meth:`_hold_file`): ``[key, text]``,
        the text hashed by ``hashtext``; None for a name refused."""
        try:
            return [FILE_LOCK, f"{session.id}/{safe_relative_path(filename)}"]
        except UnsafePath:
            return None

    def _wait_for_imports(self, env, anew=False, keep=None):
        """Wait for the import step in progress (another exchange's) and hold the import lock to the end
        of the request's transaction; past twice a step, a UserError (the caller's savepoint or
        rollback takes the time limit back with it).

        The request's transaction reads the database as it was at its first query, before the wait:
        what the step committed meanwhile (the products 1C's new orders name) it does not see, and
        only what it writes again fails to serialise. ``anew``: what the request did so far is
        committed (1C's bytes stored and counted), the wait holds a lock of the connection's own
        across the commit that ends it, and the request goes on in a transaction begun after the step
        ended; on a UserError, the wait's transaction is rolled back alone. ``keep``: the lock of the
        file the request imports (:meth:`_file_key`, held by its transaction: :meth:`_hold_file`) stays
        held throughout, across those commits, and to the end of the transaction after: the file's
        bytes are not replaced by 1C sending it again, nor imported by another request, before this
        request imported them."""
        timeout = f"{2 * self._step_seconds(env) + 5}s"
        if anew:
            if keep:  # held by the transaction already: the connection's own at once, until the last commit
                env.cr.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", keep)
            try:
                env.flush_all()
                env.cr.commit()
                env.cr.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
                try:
                    env.cr.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
                except pg_errors.LockNotAvailable as error:  # its time-out; a deadlock: run again
                    env.cr.rollback()
                    raise UserError(env._("another exchange is importing; it did not finish in time")) from error
                self._commit_holding(env, [IMPORT_LOCK])  # the next query's snapshot sees the step's work
            finally:
                if keep:  # the transaction's again (its failure logged and answered holding it too)
                    if env.cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
                        env.cr.rollback()  # an error broke it (its request fails or runs again): never left held
                    env.cr.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", keep)
                    self._unlock(env, keep)
            env.invalidate_all()
            return
        env.cr.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)", [timeout])
        previous = env.cr.fetchone()[0]
        try:
            env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        except pg_errors.LockNotAvailable as error:  # its time-out; a deadlock: run again
            raise UserError(env._("another exchange is importing; it did not finish in time")) from error
        env.cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])

    def _file_done(self, records):
        """«success» with what the imported file (or the documents of an archive) made."""
        return answer("success", f"created={sum(records.mapped('created_count'))} "
                                 f"updated={sum(records.mapped('updated_count'))} "
                                 f"archived={sum(records.mapped('archived_count'))}")

    def _refused(self, env, relative, refusal):
        """1C hears why its file or archive ``relative`` was refused, in the store's language as its other
        answers (1C shows it to the accountant); the log has it as it writes its lines
        (:meth:`ecom.1c.exchange._fail`)."""
        return failure(f"{relative}: {errors.reason(refusal, env._)}")

    def _fail(self, exchange, relative, reason, values=None):
        """Refuse bad input: 1C hears «failure» with the reason, and the exchange log marks the exchange
        and its file failed with it (in the request's transaction: nothing of the refused input was
        written)."""
        if exchange:
            exchange._fail(reason, relative, values)
        return failure(f"{relative}: {reason}" if relative else reason)

    def _busy(self, env, session, relative):
        """1C sent its document or catalog file ``relative`` again (``mode=file``) while another request
        imports it, for longer than the wait (:meth:`_hold_file`): nothing of this copy is stored, and 1C
        hears «failure» with why, the answer the protocol has for a file not taken (its «progress» is
        ``mode=import``'s): 1C stops and sends its file again, never takes it for delivered while the
        import of the bytes it sent first runs and may still fail. Nothing failed here: the exchange is not
        marked failed, and nothing of it is written: the importing request, begun before, writes its
        exchange's row at its end, and a line committed meanwhile would make that write fail to serialise
        (the import undone and run again). The server's log has the line."""
        _logger.info("1C exchange: %s sent again while its import runs in another request (session %s): "
                     "not stored, answered «failure»", relative, session.id)
        return failure(env._("%s: its import is running in another request: this copy was not stored, "
                             "send the file again", relative))

    def _mode_query(self, env, session, type_, _filename):
        """Orders changed since the last export 1C acknowledged: sent again until it says success."""
        if type_ != "sale":
            return failure(env._("mode=query is for type=sale"))
        # the oldest transaction in progress in the database, then the orders in a snapshot begun after: any
        # transaction that snapshot does not see began no earlier (the next export looks back so far)
        horizon = env["sale.order"]._ecom_1c_export_horizon(session.company_id)
        env.cr.commit()
        until = env["sale.order"]._ecom_1c_export_clock()
        orders = env["sale.order"]._ecom_1c_orders_to_export(until, session.company_id)
        session.write({"export_until": until, "export_snapshot": env["sale.order"]._ecom_1c_export_snapshot(),
                       "export_horizon": horizon})
        if session.exchange_id:
            session.exchange_id.updated_count = len(orders)
        # 1C of schema 3 asks with version=3.1 (or Settings say so): documents go inside «Контейнер»
        version = request.httprequest.args.get("version") or None
        return request.make_response(orders._ecom_1c_xml(version), headers=[
            ("Content-Type", "application/xml; charset=utf-8"), ("Cache-Control", "no-store")])

    def _mode_info(self, env, _session, type_, _filename):
        """The site's reference lists 1C maps its own to (1C-Bitrix's «info»): order statuses (the
        sale order states and the 1C status names of the status table), payment methods (payment
        terms) and delivery services (the delivery product)."""
        if type_ != "sale":
            return failure(env._("mode=info is for type=sale"))
        states = env["sale.order"]._fields["state"]._description_selection(env)
        statuses = [(code, label) for code, label in states] + [
            (f"1c-{m.id}", m.name) for m in env["ecom.1c.status.map"].search([])]
        payments = [(str(t.id), t.name) for t in env["account.payment.term"].search([])]
        delivery = env.ref("ecom_crm_1c.product_delivery_1c", raise_if_not_found=False)
        return request.make_response(write_reference_lists(
            statuses, payments, [(DELIVERY_ID, delivery.name)] if delivery else []), headers=[
            ("Content-Type", "application/xml; charset=utf-8"), ("Cache-Control", "no-store")])

    def _mode_success(self, env, session, type_, _filename):
        """1C's end of its exchange: the orders it got committed (``type=sale``); the whole offers lists of
        CommerceML 3 that came in packages are complete (``type=catalog``,
        :meth:`ecom.1c.exchange._archive_unoffered`). Archiving, it waits for an import step of another
        exchange in progress (which may name the characteristics it would archive), and past twice a step
        1C hears «failure»; with no such list (most exchanges) it archives nothing and waits for none:
        another exchange's slow step made 1C hear «failure» at the end of an exchange that was fine."""
        if session.cut_file:  # nothing is committed nor closed: 1C sends the file again, and ends again
            return self._unfinished(env, session, env._("the exchange is not over"))
        if type_ == "catalog" and session.exchange_id and session.exchange_id._offers_lists(session)[1]:
            try:
                self._wait_for_imports(env)  # no import step of another exchange runs meanwhile
            except UserError as error:
                env.cr.rollback()  # the wait's time-out broke the transaction: nothing of it left to commit
                return failure(error.args[0])
            session.exchange_id._archive_unoffered(session)
        if type_ == "sale" and session.export_until:
            env["sale.order"]._ecom_1c_commit_export(session.export_until, session.company_id,
                                                     session.export_snapshot, session.export_horizon)
            session.write({"export_until": False, "export_snapshot": False, "export_horizon": False})
        if session.exchange_id and session.exchange_id.state == "running":
            exchange = session.exchange_id
            exchange._finish(created=exchange.created_count, updated=exchange.updated_count,
                             archived=exchange.archived_count)
        return answer("success")

    _mode_complete = _mode_success

    def _unfinished(self, env, session, outcome):
        """1C ends its exchange (``success``, ``complete``, ``deactivate``) while a file of it came cut short and
        was not stored since (:attr:`ecom.1c.session.cut_file`): 1C hears «failure» and why, ``outcome`` (what
        was not done) with it, and the exchange log says so. The exchange is not marked failed, as at the cut
        (:meth:`_cut_short`): 1C sending the file again and ending again finishes it."""
        reason = env._("%(file)s: its upload was cut short and the file was not sent again since: %(outcome)s, "
                       "send the file again", file=session.cut_file, outcome=outcome)
        if session.exchange_id:
            session.exchange_id._log(reason)
        return failure(reason)

    def _mode_deactivate(self, env, session, type_, _filename):
        """1C's ``type=catalog&mode=deactivate&timestamp=<its checkauth's timestamp>`` after the last file of a
        full unload (protocol 3.1): the products of the catalogs unloaded whole since then that no
        full catalog named are archived, never deleted (:meth:`ecom.1c.exchange._deactivate`), and
        the exchange log says which. «failure» and why, nothing archived, for a timestamp that is no
        start of this exchange, a failed exchange, a full catalog uploaded but not imported to its
        end; «success» archiving nothing when no catalog was unloaded whole. Asked again, nothing
        more is archived. Another exchange's import step running past twice a step: «failure» and why,
        nothing archived and the exchange not marked failed (nothing of it failed)."""
        exchange = session.exchange_id
        if type_ != "catalog":
            return self._fail(exchange, None, env._("mode=deactivate is for type=catalog"))
        raw = request.httprequest.args.get("timestamp")
        since = parse_timestamp(raw)
        now = fields.Datetime.now()
        if since is None:
            return self._fail(exchange, None, env._(
                "mode=deactivate needs the Unix time the exchange began at (timestamp=…): nothing archived"))
        if not now - timedelta(hours=SESSION_HOURS) <= since <= now + timedelta(minutes=5):
            return self._fail(exchange, None, env._(
                "timestamp=%s is not the start of a current exchange: nothing archived", printable(raw)))
        try:
            self._wait_for_imports(env)  # no import step of another exchange runs meanwhile
        except UserError as error:
            # busy, not failed (as the end of a session archiving): 1C hears why and asks again later;
            # the wait's time-out broke the transaction, which holds nothing else yet
            env.cr.rollback()
            return failure(error.args[0])
        if not self._files_stored(env, session):
            # busy, not failed, as the wait above: 1C hears «failure» and why. Not «progress»: 1C-Bitrix answers
            # deactivate «success» or «failure» alone, and what 1C makes of «progress» there is documented
            # nowhere (taken for done, nothing archived and nobody told): the accountant sees why, unloads again
            return failure(env._("a file of this exchange is being stored by another request: nothing "
                                 "archived, send the exchange again"))
        if exchange.state == "failed":  # the session's exchange; the others since then are checked below
            return self._fail(exchange, None, env._("the exchange «%s» failed: nothing archived",
                                                    exchange.display_name))
        if session.cut_file:
            return self._unfinished(env, session, env._("nothing archived"))
        if exchange:
            unimported = self._unimported_full_catalogs(session, exchange)
            if unimported:
                return self._fail(exchange, unimported, env._("uploaded but not imported: nothing archived"))
        try:
            with savepoint(env.cr):
                archived = (exchange or env["ecom.1c.exchange"])._deactivate(since, session)
        except UserError as error:
            return self._fail(exchange, None, error.args[0])
        return answer("success", f"archived={archived}")

    def _files_stored(self, env, session):
        """Wait for the requests of ``session`` storing a file meanwhile (each holds the session's row locked
        while it empties, appends or replaces the file's bytes: :meth:`_mode_file`), so that the upload area is
        read as they left it, not a copy emptied or half written. False when one still holds it after twice an
        import step (1C hears «failure» and why, nothing archived, the exchange not marked failed). One that
        stored its file since this request began makes the lock fail to serialise: Odoo runs the request again,
        and the run reads the file whole. Taken holding the import lock, as every request takes the two (the
        order: the module's head)."""
        env.cr.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                       [f"{2 * self._step_seconds(env) + 5}s"])
        previous = env.cr.fetchone()[0]
        try:
            with env.cr.savepoint(flush=False):
                env.cr.execute("SELECT id FROM ecom_1c_session WHERE id = %s FOR SHARE", [session.id])
        except pg_errors.LockNotAvailable:  # its time-out (a deadlock or a failure to serialise: run again)
            return False
        finally:
            env.cr.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        return True

    def _unimported_full_catalogs(self, session, exchange):
        """The first file of the session's upload area holding a whole catalog or list of offers that was
        not imported to its end (1C never asked, or it is still in progress), or None: its products
        or characteristics would be taken as no longer named."""
        folder = session._upload_dir()
        done = set(exchange.file_ids.filtered(lambda f: f.state == "done").mapped("name"))
        for relative in sorted(files_under(folder)):
            if relative in done or not relative.lower().endswith(".xml"):
                continue
            try:
                info = sniff(os.path.join(folder, relative))
            except UnsafeDocument:
                continue
            if info.only_changes is False and (info.kind == "catalog" or (
                    info.kind == "offers" and "names" in info.sections)):  # not prices or stock alone
                return relative
        return None

    def _step_seconds(self, env):
        return max(1, int(env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.step_seconds", 25) or 25))

    def _megabytes(self, env, key, default):
        try:
            return max(1, int(env["ir.config_parameter"].sudo().get_param(key, default) or default)) * MB
        except ValueError:
            return default * MB

    def _file_limit(self, env):
        """1C's ``file_limit``: the most one request may carry (1C sends a bigger file in parts)."""
        return self._megabytes(env, "ecom_crm_1c.file_limit_mb", FILE_LIMIT_MB)

    def _whole_file_limit(self, env):
        """The most one file may hold, all its parts together."""
        return self._megabytes(env, "ecom_crm_1c.whole_file_limit_mb", WHOLE_FILE_LIMIT_MB)

    def _exchange_limit(self, env):
        """The most all the files of one exchange may hold together (and its archives once unpacked)."""
        return self._megabytes(env, "ecom_crm_1c.exchange_limit_mb", EXCHANGE_LIMIT_MB)
