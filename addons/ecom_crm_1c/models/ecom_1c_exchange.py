import hashlib
import os
from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import get_lang

from ..commerceml import (
    UnsafeArchive,
    UnsafeDocument,
    UnsafePath,
    check_well_formed,
    errors,
    files_under,
    is_zip,
    read_catalog_id,
    safe_relative_path,
    sniff,
    unpack,
)
from ..commerceml.protocol import announces_deactivate, parse_version
from ..tools.savepoint import savepoint

NAMES_LOGGED = 20  # the products a deactivate logs by name
IMPORT_LOCK = 7_510_001  # advisory lock key: one import at a time per database
# the first key of the advisory lock of one file's import (the second: the hash of its session and name):
# the request importing it holds it, so that 1C asking again meanwhile hears «progress»
FILE_LOCK = 7_510_002
# 1C's requests of an exchange follow each other within seconds (a minute or two when it writes or reads a
# big file between them); an import step holds its request open (its locks tell, whatever its length). An
# exchange with no request for an hour was abandoned by 1C: closed (:meth:`Ecom1cExchange._close_abandoned`)
IDLE_MINUTES = 60


class Ecom1cExchange(models.Model):
    """One exchange session with 1C: what came in or went out, what it changed, how long it took."""

    _name = "ecom.1c.exchange"
    _description = "1C exchange"
    _order = "date_start desc, id desc"
    _rec_name = "display_name"

    exchange_type = fields.Selection(
        [("catalog", "Catalog, prices and stock"), ("sale", "Orders")], string="Type", required=True)
    state = fields.Selection(
        [("running", "In progress"), ("done", "Done"), ("interrupted", "Interrupted"), ("failed", "Failed")],
        default="running", required=True, index=True,
        help="Interrupted: 1C stopped sending requests before the exchange's end (closed, to its last request, an "
             "hour after it).")
    date_start = fields.Datetime("Started", default=fields.Datetime.now, required=True, readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    duration = fields.Float("Duration (s)", compute="_compute_duration", store=True)
    user_id = fields.Many2one("res.users", "Exchange login", default=lambda self: self.env.user, readonly=True)
    remote_addr = fields.Char("From address", readonly=True)
    protocol_version = fields.Char("1C protocol version", readonly=True,
                                   help="The version 1C said it speaks at init (3.1: it deactivates by a request of "
                                        "its own what a full unload did not name).")
    session_id = fields.Many2one("ecom.1c.session", "1C session", readonly=True, ondelete="set null",
                                 index="btree_not_null",
                                 help="The checkauth this exchange came in: 1C's deactivate is its unload's alone.")
    file_ids = fields.One2many("ecom.1c.exchange.file", "exchange_id", "Files")
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    archived_count = fields.Integer("Archived", readonly=True)
    warning_count = fields.Integer("Warnings", readonly=True)
    messages = fields.Text("Warnings and errors", readonly=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True)

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for exchange in self:
            exchange.duration = (exchange.date_end - exchange.date_start).total_seconds() \
                if exchange.date_start and exchange.date_end else 0.0

    @api.depends("exchange_type", "date_start")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        # the start as its fields show it (the reader's time zone and date format), not in UTC: the title of a
        # Moscow exchange said 16:09 above «Начат 19:09»
        labels = dict(self._fields["exchange_type"]._description_selection(self.env))
        lang = get_lang(self.env)
        for exchange in self:
            date = exchange.date_start and fields.Datetime.context_timestamp(exchange, exchange.date_start).strftime(
                f"{lang.date_format} {lang.time_format}")
            exchange.display_name = _("%(type)s, %(date)s", type=labels.get(exchange.exchange_type, ""),
                                      date=date or "")

    def _log(self, message, warning=True):
        """Append a line to the exchange's messages (warnings by default)."""
        message = message and message.replace("\x00", "")  # PostgreSQL stores no NUL
        for exchange in self:
            exchange.write({
                "messages": "\n".join(filter(None, [exchange.messages, message])),
                "warning_count": exchange.warning_count + (1 if warning else 0),
            })

    def _fail(self, reason, file_name=None, file_values=None):
        """The exchange failed for ``reason`` (a text, or the refusal of a file: logged translated):
        it is marked so, and with ``file_name`` that file too (recorded if it was not yet, with
        ``file_values``); the log says «file: reason». Returns the file's record."""
        self.ensure_one()
        if not isinstance(reason, str):
            reason = errors.reason(reason, self.env._)
        # PostgreSQL stores no NUL: a hostile name or reason must not keep the failure from the log
        reason, file_name = reason.replace("\x00", ""), file_name and file_name.replace("\x00", "")
        record = self.env["ecom.1c.exchange.file"]
        if file_name:
            record = self.file_ids.filtered(lambda f: f.name == file_name)[-1:]
            values = {**(file_values or {}), "state": "failed", "error": reason}
            if record and record.state != "done":
                record.write(values)
            else:
                record = self.env["ecom.1c.exchange.file"].create({"exchange_id": self.id, "name": file_name, **values})
        self._log(self.env._("%(file)s: %(reason)s", file=file_name, reason=reason) if file_name else reason)
        self.write({"state": "failed", "date_end": fields.Datetime.now()})
        return record

    def _deactivates(self):
        """Whether 1C said at init it deactivates by a request of its own (mode=deactivate) what its full
        unload did not name: the exchange's full catalogs then archive nothing themselves."""
        return any(announces_deactivate(exchange.protocol_version) for exchange in self)

    def _deactivate(self, since, session=None):
        """1C's ``mode=deactivate&timestamp=``: the catalogs the catalog exchanges of ``session`` (1C's
        checkauth) begun since ``since`` (its timestamp) unloaded whole lose, archived and never
        deleted, the products and characteristics no catalog named since then
        (:meth:`ecom.1c.importer._archive_unnamed`); logged in this exchange (the session's), which
        counts them. Another 1C unloading its own catalog meanwhile (another company, the same
        login) loses nothing: its catalog is its own deactivate's. Nothing is archived when none of
        them held a whole catalog, and a UserError says why nothing is when an exchange since then
        failed, one of ``session``'s was interrupted (:meth:`_unsettled`) or a file of those catalogs is
        not imported to its end. Asked again, it archives nothing more. Returns the number archived."""
        exchanges = self.search([("exchange_type", "=", "catalog"), ("date_start", ">=", since)])
        own = exchanges.filtered(lambda exchange: exchange.session_id == session) if session else exchanges
        whole = own.file_ids.filtered("full_catalog")
        catalogs = sorted(set(whole.filtered(lambda file: file.kind == "catalog").mapped("catalog_id")) - {False})
        # 1C of 3.1 lists characteristics in its offers: those of the catalogs whose offers list it unloaded whole
        offered = sorted(set(whole.filtered(lambda file: file.kind == "offers").mapped("catalog_id")) - {False})
        files = exchanges.file_ids.filtered(
            lambda file: file.full_catalog and file.catalog_id in catalogs + offered)
        failed, unfinished = self._unsettled(exchanges, files, own)
        if failed.state == "interrupted":
            raise UserError(self.env._("the exchange «%s» was interrupted before its end: nothing archived",
                                       failed.display_name))
        if failed:
            raise UserError(_("the exchange «%s» failed: nothing archived", failed.display_name))
        if unfinished:
            raise UserError(_("%s is not imported to its end: nothing archived", unfinished.name))
        start = fields.Datetime.to_string(since)
        if not catalogs and not offered:
            self._log(_("1C's deactivate: no catalog was unloaded whole since %s, nothing archived", start),
                      warning=False)
            return 0
        return self._archive_logged(catalogs, since, offered, lambda templates, variants: self.env._(
            "1C's deactivate (catalog %(catalogs)s unloaded whole since %(start)s): %(products)s products and "
            "%(variants)s characteristics no longer named archived%(names)s",
            catalogs=", ".join(sorted(set(catalogs + offered))), start=start, products=len(templates),
            variants=len(variants), names=self._names(templates | variants.product_tmpl_id)))

    def _archive_unoffered(self, session):
        """1C ends its session (``mode=complete``/``success``) without deactivating (it named no version 3 at
        init): the whole lists of offers of CommerceML 3 its catalog exchanges imported, in as many
        packages and exchanges as 1C sent them, are complete. The characteristics no exchange named since
        the session began, of the products such a list named some of, are archived, never deleted
        (:meth:`ecom.1c.importer._archive_unnamed`); logged in this exchange, which counts them. Nothing
        is archived, with a warning, when one of those exchanges failed or was interrupted or a part of
        such a list is not imported to its end. Asked again, nothing more. Returns the number archived."""
        self.ensure_one()
        exchanges, lists = self._offers_lists(session)
        if not lists:
            return 0
        catalogs = sorted(set(lists.mapped("catalog_id")))
        failed, unfinished = self._unsettled(exchanges, lists)
        if failed.state == "interrupted":
            self._log(self.env._("The exchange «%s» was interrupted before its end: no characteristic archived",
                                 failed.display_name))
            return 0
        if failed:
            self._log(_("The exchange «%s» failed: no characteristic archived", failed.display_name))
            return 0
        if unfinished:
            self._log(_("%s is not imported to its end: no characteristic archived", unfinished.name))
            return 0
        # the marks are to the second (fields.Datetime.now()), as 1C's timestamp of its checkauth
        since = session.create_date.replace(microsecond=0)
        return self._archive_logged([], since, catalogs, lambda _templates, variants: self.env._(
            "Offers of catalog %(catalogs)s listed whole in this session: %(variants)s characteristics no part named "
            "archived%(names)s", catalogs=", ".join(catalogs), variants=len(variants), names=self._names(variants)))

    def _offers_lists(self, session):
        """The catalog exchanges of ``session`` (1C's checkauth) that do not deactivate themselves and the
        whole lists of offers of CommerceML 3 they uploaded (:meth:`_archive_unoffered`): ``(exchanges,
        files)``, no files when the session's end archives nothing."""
        exchanges = self.search([("session_id", "=", session.id), ("exchange_type", "=", "catalog")]).filtered(
            lambda exchange: not exchange._deactivates())
        return exchanges, exchanges.file_ids.filtered(
            lambda file: file.kind == "offers" and file.full_catalog and file.catalog_id
            and (parse_version(file.schema_version) or (0,)) >= (3,))

    @staticmethod
    def _unsettled(exchanges, files, own=None):
        """What keeps the archiving of what ``exchanges`` no longer named from being sure of it: the first of
        them that failed, else the first of ``own`` (the archiving session's among them; all of them by
        default) 1C abandoned before its end (interrupted: what it left unimported, a package whose upload
        area its session's next init emptied, is known no more; another 1C's abandoned exchange tells
        nothing of this one's unload), else the first of their whole catalogs or offers lists ``files`` not
        imported to its end (what they would have named is not known), as ``(exchange, file)``, empty when
        none."""
        own = exchanges if own is None else own
        failed = (exchanges.filtered(lambda exchange: exchange.state == "failed")
                  or own.filtered(lambda exchange: exchange.state == "interrupted"))[:1]
        return failed, files.browse() if failed else files.filtered(lambda file: file.state != "done")[:1]

    def _archive_logged(self, catalogs, since, offered, line):
        """Archive, never delete, what no exchange named since ``since`` of the catalogs ``catalogs`` unloaded
        whole and the characteristics of the catalogs ``offered`` whose offers list was
        (:meth:`ecom.1c.importer._archive_unnamed`); logged in this exchange by the line
        ``line(templates, variants)`` says of them, and counted. Returns the number archived."""
        importer = self.env["ecom.1c.importer"]
        templates, variants = importer._archive_unnamed(catalogs, since, offered)
        self._log(line(templates, variants), warning=False)
        for exchange in self:
            exchange.archived_count += len(templates) + len(variants)
        if templates or variants:
            # the barcodes 1C gave other products while these held them go to those now (said in the log)
            counts = importer._counts(0)
            importer._give_awaited_barcodes(counts)
            importer._finish(self[:1], counts)
        return len(templates) + len(variants)

    def _names(self, records):
        """What the log names of ``records`` archived: «: » and the names of the first NAMES_LOGGED, and how
        many more; nothing for none."""
        if not records:
            return ""
        more = len(records) - NAMES_LOGGED
        return ": " + ", ".join(records[:NAMES_LOGGED].mapped("display_name")) + (
            self.env._(" and %s more", more) if more > 0 else "")

    def _finish(self, state="done", created=0, updated=0, archived=0):
        self.write({
            "state": state, "date_end": fields.Datetime.now(),
            "created_count": created, "updated_count": updated, "archived_count": archived,
        })

    @api.model
    def _cron_close_abandoned(self):
        """Scheduled: close the exchanges 1C abandoned (:meth:`_close_abandoned`); returns them."""
        return self._close_abandoned()

    @api.model
    def _close_abandoned(self, ending=None):
        """Close the exchanges 1C abandoned: running with no request for IDLE_MINUTES, or whose session began
        another exchange since (1C's ``init``: no request reaches them any more). One whose files were all
        imported, none left waiting, is done (1C ends a catalog exchange of the classic protocol with its last
        import, saying nothing more; 1C of 3.1 unloads its packages an ``init`` each); any other is
        interrupted: 1C stopped before its end (closed, the network, its own timeout). Either ends at its
        last request, with a line saying when it came. ``ending``: exchanges closed now if running, whatever
        their last request (their session begins another).

        Nothing is closed while an import runs in some request (:meth:`_importing`): the next time closes what
        is still abandoned then; but ``ending``, judged before its session's ``init`` empties its upload area,
        waits only for a request of its own session importing. An import 1C begins meanwhile writes its
        exchange after this transaction commits (its row is locked till then) and Odoo runs it again: its
        exchange, interrupted, goes on (:meth:`_resume`). The files still in the upload area stay until the
        session's next ``init`` empties it, as always. Returns those closed."""
        ending = (ending or self.browse()).filtered(lambda exchange: exchange.state == "running")
        importing = self._importing()
        if importing and not ending:
            return self.browse()
        cutoff = fields.Datetime.now() - timedelta(minutes=IDLE_MINUTES)
        closed = self.browse()
        for exchange in self.sudo().search([("state", "=", "running")], order="id"):
            if exchange in ending:
                # judged now, before its session's next init empties its upload area (what it left unimported
                # would be known no more: a file uploaded and never imported taken for done), unless a request
                # of its session imports (1C began anew while its last step still ran)
                if importing and self._importing(exchange.session_id):
                    continue
            elif importing or (exchange.session_id.exchange_id == exchange and exchange._last_request() > cutoff):
                continue
            exchange._close_idle(exchange._last_request(), ended=exchange in ending)
            closed |= exchange
        return closed

    @api.model
    def _importing(self, session=None):
        """Whether a request imports, or holds a file to import it (or to store it again, a file already
        uploaded): another connection than this one holds the import lock or a file's (the controller's,
        :data:`IMPORT_LOCK`, :data:`FILE_LOCK`), whatever its import's length; ``session``: a file of that
        session's (its upload area's, its exchange's), which every request importing for it holds. None is
        taken: 1C's import waits for no closing."""
        if session is None:
            self.env.cr.execute("""
                SELECT 1 FROM pg_locks
                 WHERE locktype = 'advisory' AND granted AND pid != pg_backend_pid()
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND ((classid = 0 AND objid = %s AND objsubid = 1) OR (classid = %s AND objsubid = 2))
                 LIMIT 1""", [IMPORT_LOCK, FILE_LOCK])
            return bool(self.env.cr.fetchone())
        names = set(files_under(session._upload_dir())) | set(session.exchange_id.file_ids.mapped("name"))
        if not names:
            return False
        # the key's second half: hashtext of «session id/name», an int4 that pg_locks shows as an oid
        self.env.cr.execute("""
            SELECT 1 FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND pid != pg_backend_pid()
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid = %s AND objsubid = 2
               AND objid = ANY(ARRAY(SELECT (hashtext(name)::bigint & 4294967295)::oid FROM unnest(%s::text[]) name))
             LIMIT 1""", [FILE_LOCK, [f"{session.id}/{name}" for name in sorted(names)]])
        return bool(self.env.cr.fetchone())

    def _last_request(self):
        """When 1C's last request of this exchange came: its session's last request while it is the session's
        exchange (every request of 1C writes it), else (an exchange of before 18.0.1.2.8, or one whose
        session began another since) its last write or its files'."""
        self.ensure_one()
        if self.session_id.exchange_id == self and self.session_id.last_request:
            # never before it began: a request noting when it came leaves the row to another request of the
            # session that holds it (:meth:`ExchangeController._note_request`), the init of this one too
            return max(self.session_id.last_request, self.date_start)
        return max(filter(None, [self.date_start, self.write_date, *self.file_ids.mapped("write_date")]))

    @api.model
    def _store_language(self, company):
        """The language of ``company``'s store (its partner's, else the main company's, else English), whatever
        the environment's: 1C's answers and the exchange log are the store's (1C sends no Accept-Language, and
        the cron's environment names none), for the controller and the closing of abandoned exchanges alike."""
        return get_lang(self.env(context={**self.env.context, "lang": None}), company.partner_id.lang).code

    def _close_idle(self, last, ended=False):
        """Close this running exchange, abandoned by 1C since ``last`` (:meth:`_close_abandoned`); its line in
        the store's language, as the exchange's others (the cron's environment has none: English).
        ``ended``: its session's next ``init`` ends it (the session goes on: see :meth:`_left_unfinished`)."""
        self.ensure_one()
        exchange = self.with_context(lang=self._store_language(self.company_id))
        session = self.session_id if self.session_id.exchange_id == self else self.session_id.browse()
        # the store's time, its zone named (the accountant reads it beside the form's times, which are shown in
        # the reader's zone): the line says when, whoever reads it
        zone = self.company_id.partner_id.tz or "UTC"
        when = f"{pytz.utc.localize(last).astimezone(pytz.timezone(zone)):%Y-%m-%d %H:%M:%S} {zone}"
        if self._left_unfinished(session, ended):
            exchange._log(exchange.env._(
                "1C's last request came at %s and none since: the exchange was interrupted before its end "
                "(1C stopped, or the connection was lost)", when))
            exchange.write({"state": "interrupted", "date_end": last})
        else:
            exchange._log(exchange.env._("1C's last request came at %s and none since, its files all imported: "
                                         "the exchange is closed as done", when), warning=False)
            exchange.write({"state": "done", "date_end": last})

    def _left_unfinished(self, session, ended=False):
        """Whether this exchange left something unfinished: no file, a file not imported to its end, a document
        or an archive waiting in the upload area of ``session`` (its session, while this is its exchange) for
        its import (an archive is unpacked by the next import), a file whose request came cut short and was not
        stored since (:attr:`ecom.1c.session.cut_file`), orders 1C got and never confirmed, or whole
        offers lists whose characteristics no longer offered the session's end archives
        (:meth:`_archive_unoffered`, at ``mode=success``, which never came). Not those lists when the
        session's next ``init`` ends it (``ended``): the session goes on, 1C of CommerceML 3 sending its
        packages an ``init`` each, and its end archives for them all (the session's last exchange is judged
        by them if 1C never ends it)."""
        if not self.file_ids or any(file.state != "done" for file in self.file_ids):
            return True
        if not session:
            return False
        if session.cut_file or session.export_until or (not ended and self._offers_lists(session)[1]):
            return True
        done = set(self.file_ids.filtered(lambda f: f.state == "done").mapped("name"))
        return any(relative.lower().endswith((".xml", ".zip")) and relative not in done
                   and not os.path.basename(relative).startswith(".")
                   for relative in files_under(session._upload_dir()))

    def _resume(self):
        """1C comes back to an exchange closed as interrupted (:meth:`_close_abandoned`): it goes on, running."""
        for exchange in self.filtered(lambda exchange: exchange.state == "interrupted"):
            exchange._log(self.env._("1C came back: the exchange goes on"), warning=False)
            exchange.write({"state": "running", "date_end": False})

    def _unpack_archives(self, folder, max_total, only=None):
        """Unpack the zips 1C uploaded to ``folder`` (once each) next to them, each logged as a file of
        the exchange; all of them together unpack to at most ``max_total`` bytes (what the exchange may
        still hold). A corrupt or hostile one unpacks nothing (and no zip bomb grows past the bound):
        the exchange fails with it. ``only``: the name of the one file of ``folder`` to unpack if it is a
        zip (1C's document, imported alone: another archive of the exchange, corrupt, is not its failure).
        An archive whose copy another request is storing (1C sends it again, its bytes not all in:
        :meth:`_hold_archive`) is left to the next import. Returns ``(None or (its
        name, the refusal), bytes unpacked, {archive's name: the names it unpacked to}, the names of the
        archives left``)."""
        self.ensure_one()
        unpacked, members, left = 0, {}, set()
        # 1C's archives are at the area's root (a zip under a folder is a file of 1C's as any other)
        candidates = sorted(os.listdir(folder)) if only is None else [] if "/" in only or os.sep in only else [only]
        for name in candidates:
            path = os.path.join(folder, name)
            marker = os.path.join(folder, f".unpacked-{name}")
            if not os.path.isfile(path) or name.startswith(".") or os.path.exists(marker) or not is_zip(path):
                continue
            if not self._hold_archive(name):  # 1C sends it again, stored by another request: unpacked once in
                left.add(name)
                continue
            record = self.env["ecom.1c.exchange.file"].create({
                "exchange_id": self.id, "name": name, "size": os.path.getsize(path), "kind": "archive"})
            # the files a member may replace (another archive's, 1C's upload): counted already, their bytes go
            present = {relative: os.lstat(os.path.join(folder, relative)).st_size for relative in files_under(folder)}
            try:
                names = unpack(path, folder, max_total=max(0, max_total - unpacked))
            except UnsafeArchive as error:
                self._fail(error, name)
                return (name, error), unpacked, members, left
            unpacked += sum(os.path.getsize(os.path.join(folder, relative)) - present.get(relative, 0)
                            for relative in names)
            members[name] = names
            # a member of the name of a file this exchange imported (another archive's, or 1C's upload) replaced
            # it: imported anew, not taken for done already; the log names the archive it came in
            for again in sorted(set(self.file_ids.mapped("name")) & set(names)):
                self._forget_import(again, replaced_by=name)
                self._log(self.env._("%(file)s of the archive %(archive)s replaced the file imported under its "
                                     "name: imported anew", file=again, archive=name), warning=False)
            record.write({"state": "done", "position": len(names)})
            with open(marker, "w", encoding="utf-8") as f:  # what it held: imported anew if 1C sends it again
                f.write("\n".join(names))
        return None, unpacked, members, left

    def _hold_archive(self, name):
        """Hold the archive ``name`` of this exchange's session's upload area to the end of the transaction,
        as a request importing it does (the controller's :data:`FILE_LOCK`): 1C sending it again meanwhile
        waits rather than empty it under its unpacking (no record of its import is committed yet for that
        request to see). False when another request holds it: 1C sends it again, its bytes not all in."""
        if not self.session_id:
            return True
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))",
                            [FILE_LOCK, f"{self.session_id.id}/{name}"])
        return self.env.cr.fetchone()[0]

    def _sent_again(self, name, folder):
        """1C sends the file ``name`` of the upload area ``folder`` again, after its import began: what
        its import did stays in the log under a name of its own, no longer this file's (imported
        anew, never «done» already; an import it left unfinished is given up and waits no more); an
        archive is unpacked again and the files it held are imported anew: those its old bytes
        unpacked go (the new archive may hold fewer). Returns the bytes of the files removed."""
        names, freed = {name}, 0
        marker = os.path.join(folder, f".unpacked-{name}")
        if os.path.isfile(marker):
            with open(marker, encoding="utf-8", errors="replace") as f:
                members = set(filter(None, f.read().splitlines()))
            for member in members:
                try:
                    path = os.path.join(folder, safe_relative_path(member))
                    if os.path.isfile(path) and not os.path.islink(path):
                        freed += os.path.getsize(path)
                        os.remove(path)
                except (UnsafePath, OSError):
                    continue
            names |= members
            os.remove(marker)
        self._forget_import(*names)
        self._log(self.env._("%s sent again: imported anew", name), warning=False)
        return freed

    def _forget_import(self, *names, replaced_by=None):
        """The files ``names`` came again (:meth:`_sent_again`, or a member of the archive ``replaced_by``
        replaced one): what their import did stays in the log under a name of its own, no longer theirs
        (imported anew, never «done» already; an import left unfinished is given up and waits no more).
        The record of the import replaced says what replaced it: 1C sending the file again, or the
        archive (1C sent no file again: another archive held one of the same name)."""
        for record in self.file_ids.filtered(lambda f: f.name in names):
            if replaced_by:
                values = {"name": self.env._("%(file)s (replaced by %(archive)s)", file=record.name,
                                             archive=replaced_by)}
                error = self.env._("replaced by %s before its import ended: imported anew", replaced_by)
            else:
                values = {"name": self.env._("%s (sent again)", record.name)}
                error = self.env._("sent again before its import ended: imported anew")
            if record.state != "done":
                values.update(state="failed", full_catalog=False, error=error)
            record.write(values)

    def _import_file(self, name, path, deadline=None, files_dir=None):
        """One time-boxed step of the import of the uploaded file ``name`` (at ``path``), until done or
        the ``deadline`` (``time.monotonic()``), recorded as a file of the exchange.

        Its first step reads the file's kind from its content and the whole file once, to refuse a
        broken one before anything is imported; each step goes on where the last one stopped, in a
        savepoint: a step that fails leaves nothing half-imported, and 1C asking again goes on from
        the last finished step. Every attempt begins so, a file that failed included (1C asks again, or
        sends it again: its bytes may be others): it is checked whole again, the SHA-256 of its bytes taken by
        that reading (:attr:`ecom.1c.exchange.file.digest`), and goes on from where its last attempt stopped
        only when its bytes are those it was imported from (the same digest: 1C re-exporting its catalog with
        one digit changed makes a file of the same kind and size), or when nothing of it was imported yet
        (the same kind and size). Else it starts anew, under a record of its own, the failed one forgotten as
        that of a file sent again (:meth:`_forget_import`); a failure recorded with no digest is taken for
        other bytes: imported whole, which is always safe.
        Returns ``(the file's record, None)``, the record ``done`` or ``running`` (another step needed), or
        for a file refused ``(its failed record, the refusal)``."""
        self.ensure_one()
        record = self.file_ids.filtered(lambda f: f.name == name)[-1:]
        if record.state == "done":  # 1C asks again for a file already imported: nothing more to do
            return record, None
        if not record or record.state == "failed":
            digest = hashlib.sha256()
            try:
                info = sniff(path)
                check_well_formed(path, digest)
            except UnsafeDocument as error:
                return self._fail(error, name, {"size": os.path.getsize(path)}), error
            # the catalog a catalog file holds, or whose products an offers package offers, and whether it is
            # whole: a catalog, or the list of its offers (a whole package of prices or stock alone says
            # nothing of which characteristics exist)
            whole = info.only_changes is False and (info.kind == "catalog" or "names" in info.sections)
            catalog = {"catalog_id": read_catalog_id(path) or False, "full_catalog": whole} \
                if info.kind in ("catalog", "offers") else {}
            values = {"size": os.path.getsize(path), "kind": info.kind, "schema_version": info.schema_version,
                      "digest": digest.hexdigest(), **catalog}
            if record.state == "failed" and record.kind != "unknown":  # it failed past its checks: tried again
                self.write({"state": "running", "date_end": False})
                if (record.kind, record.size) == (values["kind"], values["size"]) and (
                        not record.position or record.digest == values["digest"]):
                    # a step that failed was rolled back: the file goes on from the last finished step, its
                    # bytes those the steps before read (nothing of it imported yet: whatever its bytes)
                    record.write({"state": "running", "error": False, **values})
                else:
                    # other bytes: the file was sent again, and its failed record is forgotten as then (no whole
                    # catalog left unfinished to keep 1C's deactivate from archiving)
                    self._forget_import(name)
                    record = record.create({"exchange_id": self.id, "name": name, **values})
            else:
                record = self.env["ecom.1c.exchange.file"].create({"exchange_id": self.id, "name": name, **values})
        try:
            # a failed step leaves nothing half-imported, nor a callback of it to run after the commit
            with savepoint(self.env.cr):
                counts = self.env["ecom.1c.importer"]._import_file(
                    record.kind, path, self, record.position, deadline, files_dir=files_dir)
        except UnsafeDocument as error:
            return self._fail(error, name), error
        record._add_step(counts)
        return record, None
