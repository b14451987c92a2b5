import importlib.util
import io
import json
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import polib
from freezegun import freeze_time
from lxml import etree
from PIL import ImageFont

from odoo import sql_db
from odoo.modules.graph import Graph, Node
from odoo.modules.migration import MigrationManager
from odoo.modules.module import get_manifest
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export

URL = "/ecom_crm/api/v1/requests"


def invoice_order(order):
    """``order``'s invoice, posted (its products invoiced on order)."""
    order.order_line.product_id.invoice_policy = "order"
    invoice = order._create_invoices()
    invoice.action_post()
    return invoice


def credit_note(invoice, price=None, quantity=None, post=True):
    """A credit note of ``invoice`` through Odoo's reversal wizard (all of it; its first line's
    ``price`` or ``quantity`` when given: a partial return), posted unless ``post`` is False."""
    wizard = invoice.env["account.move.reversal"].with_context(
        active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
    note = invoice.env["account.move"].browse(wizard.refund_moves()["res_id"])
    if price is not None:
        note.invoice_line_ids[0].price_unit = price
    if quantity is not None:
        note.invoice_line_ids[0].quantity = quantity
    if post:
        note.action_post()
    return note


def raw_post(base_url, path, headers, body, read_all=False, cut=False):
    """The server's answer (text) to a raw HTTP POST of ``path`` (``body``: bytes sent as they are, whatever
    the ``headers`` announce; ``cut``: the client then closes its side, sending nothing more; not
    ``read_all``: the answer's first bytes only)."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items())
        sock.sendall(head.encode() + b"\r\n" + body)
        if cut:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if not read_all:
                break
    return received.decode("utf-8", "replace")


def read_answer(sock):
    """``(status line, answer)`` (bytes) of the HTTP answer arriving on ``sock``, read as far as its
    Content-Length and no further: the connection stays open (its client may still be sending a body
    the server answered before reading)."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _sep, answer = received.partition(b"\r\n\r\n")
    length = int(next(line for line in head.decode("latin1").lower().split("\r\n")
                      if line.startswith("content-length:")).split(":")[1])
    while len(answer) < length:
        answer += sock.recv(65536)
    return head.split(b"\r\n")[0], answer


def send_whole(base_url, path, headers, body, chunked=True, block=64 * 1024):
    """What the server answers to a POST of ``path`` whose ``body`` is sent whole before the answer is read, as 1C
    sends its files and a site or a provider its requests: chunked (no Content-Length), else with its
    Content-Length. ``(status line, headers {lower-case name: value}, the answer's bytes)``; a connection reset
    while the body is sent or the answer read is raised (ConnectionError)."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=60) as sock:
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\n".encode() + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()).encode() + f"{framing}\r\n\r\n".encode())
        for start in range(0, len(body), block):
            part = body[start:start + block]
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        received = b""
        while data := sock.recv(65536):
            received += data
    head, _sep, answer = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _sep, value in (line.partition(":") for line in lines)}
    return status, headers, answer


# Odoo 18's list header: 14 px, weight 500 ($font-weight-bold is $o-font-weight-medium) in the system's sans-serif
# (Segoe UI, SF Pro, Roboto...: Roboto's measured here), cut with «…» at its column's width (the cell's padding is
# outside it). The column the list is sorted by shows its caret over the last 16 px of that width: not measured.
HEADER_FONT = "web/static/fonts/google/Roboto/Roboto-{}.ttf"
# the widths web/static/src/views/list/column_width_hook.js (FIELD_WIDTHS) fixes per widget or field type; a
# column of another type (char, many2one, selection...) or widget has a minimum and grows with the table
FIXED_WIDTHS = {"integer": 71, "float": 93, "monetary": 105, "boolean": 100}


def header_length(label, bold=True):
    """How wide ``label`` is drawn in a list's header (or, not ``bold``, in its cells), in px."""
    return ImageFont.truetype(file_path(HEADER_FONT.format("Medium" if bold else "Regular")), 14).getlength(label)


def column_width(node, field, lang_date_format="%d.%m.%Y", lang_time_format="%H:%M:%S"):
    """The width Odoo 18's list gives the column of ``node`` (a ``<field>`` of a list's arch, ``field`` its
    description): its ``width``, else the one its widget or type fixes (a date's or datetime's: as wide as a
    date written in the language's format, plus 5 %), else None: the column takes the room it needs."""
    if node.get("width"):
        return int(node.get("width").removesuffix("px"))
    kind = node.get("widget") or field["type"]
    if kind in ("date", "datetime") and (node.get("widget") in (None, "date", "datetime")):
        show_time = kind == "datetime" and "'show_time': False" not in (node.get("options") or "")
        sample = datetime(2017, 1, 1, 8).strftime(
            f"{lang_date_format} {lang_time_format}" if show_time else lang_date_format)
        return -(-header_length(sample, bold=False) * 105 // 100)
    return FIXED_WIDTHS.get(kind)


def cut_list_headers(env, view, lang="ru_RU"):
    """The headers ``view`` (a list ir.ui.view, or a form's: the lists of its one2many and many2many fields)
    cuts in ``lang``: (field, label, its length, its column's width) of each column shown or optional whose label
    is longer than the width its type or ``width`` fixes. A view that extends another is read whole, but only
    for the columns it names (in a form: those of the lists of the fields it names, too)."""
    root = view
    while root.inherit_id and root.mode == "extension":
        root = root.inherit_id
    result = env[view.model].with_context(lang=lang).get_views([(root.id, view.type)])
    arch = etree.fromstring(result["views"][view.type]["arch"])
    language = env["res.lang"]._lang_get(lang)
    own = None if root == view else {node.get("name") for node in etree.fromstring(view.arch).iter("field")
                                     if not node.get("position")}  # a field it places its own after is not its
    if view.type == "list":
        lists = [(arch, view.model, own)]
    else:  # a form's lists: (the list, its records' model, the columns to measure)
        lists = [(x2m.find("list"), result["models"][view.model]["fields"][x2m.get("name")]["relation"],
                  None if own is None or x2m.get("name") in own else own)
                 for x2m in arch.xpath("//field[list][not(ancestor::field)]")]  # not those of a line's own form
    cut = []
    for table, model, names in lists:
        fields = result["models"][model]["fields"]
        for node in table.xpath("./field"):  # a hidden column, a handle's or one without label shows no header
            name = node.get("name")
            if node.get("column_invisible") in ("1", "True", "true") or node.get("nolabel") == "1" \
                    or node.get("widget") == "handle" \
                    or (names is not None and name not in names):
                continue
            width = column_width(node, fields[name], language.date_format, language.time_format)
            label = node.get("string") or fields[name]["string"]
            if width is not None and header_length(label) > width:
                cut.append((name, label, round(header_length(label)), width))
    return cut


class EcomCrmCase(TransactionCase):
    """Base for ecom_crm tests: a salesman and a sales manager with the lowest rights they need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, lang="en_US"))
        cls.env.company.country_id = cls.env.ref("base.ru")  # a Russian store, writing in Russian
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env.company.partner_id.lang = "ru_RU"
        cls.salesman = new_test_user(
            cls.env, login="ecom_salesman", groups="sales_team.group_sale_salesman", name="Анна Продавцова",
            lang="en_US")
        cls.sales_manager = new_test_user(
            cls.env, login="ecom_manager", groups="sales_team.group_sale_manager", name="Олег Руководов",
            lang="en_US")
        cls.Partner = cls.env["res.partner"]
        cls.Lead = cls.env["crm.lead"]
        cls.stage_new = cls.env.ref("ecom_crm.crm_stage_new_request")
        cls.stage_contact = cls.env.ref("ecom_crm.crm_stage_first_contact")
        cls.stage_deciding = cls.env.ref("ecom_crm.crm_stage_deciding")
        cls.stage_payment = cls.env.ref("ecom_crm.crm_stage_awaiting_payment")
        cls.stage_sold = cls.env.ref("ecom_crm.crm_stage_sold")
        cls.stage_refused = cls.env["crm.stage"].create({"name": "Refused", "sequence": 90, "ecom_is_refusal": True})
        cls.reason_expensive = cls.env.ref("ecom_crm.lost_reason_too_expensive")
        cls.reason_delivery_refused = cls.env.ref("ecom_crm.lost_reason_refused_at_delivery")
        cls.product = cls.env["product.product"].create(
            {"name": "Коляска Cybex Priam", "list_price": 89990, "taxes_id": [(5, 0, 0)]})

    @classmethod
    def _lead(cls, **vals):
        """An opportunity of the salesman in «New request», or as ``vals`` say."""
        return cls.Lead.create({"name": "Заявка", "type": "opportunity", "user_id": cls.salesman.id,
                                "stage_id": cls.stage_new.id, **vals})

    @classmethod
    def _ready_for_payment(cls):
        """Values the «Awaiting payment» stage requires."""
        return {"phone": "+79161234567", "ecom_delivery_street": "ул. Ленина, д. 1, кв. 2",
                "ecom_delivery_zip": "101000", "ecom_delivery_date": "2026-12-01 10:00:00"}

    @classmethod
    def _vat(cls):
        """«НДС 20%» added to the price (a price without VAT, as a store's B2B price list has it)."""
        return cls.env["account.tax"].create({"name": "НДС 20%", "amount": 20, "amount_type": "percent",
                                              "type_tax_use": "sale", "price_include_override": "tax_excluded"})


class IntakeCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ru")
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env.company.partner_id.lang = "ru_RU"
        cls.team = cls.env["crm.team"].create({"name": "Интернет-магазин"})
        cls.source = cls.env["ecom.intake.source"].create({
            "name": "Сайт магазина", "kind": "website", "team_id": cls.team.id, "rate_limit": 1000,
            "utm_source_id": cls.env.ref("ecom_crm.utm_source_website").id})
        cls.key = cls.source._generate_key()
        cls.product = cls.env["product.product"].create({"name": "Пылесос Dreame L10", "default_code": "DR-L10",
                                                         "list_price": 24990})

    def post(self, payload, key=None, raw=None, headers=None, wait=True):
        """POST a request; ``wait``: processed within the call (?wait=1), else queued (202)."""
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json",
                       "Authorization": f"Bearer {self.key if key is None else key}", **(headers or {})}
        return self.url_open(URL + ("?wait=1" if wait else ""), data=body, headers=all_headers)

    def process_queue(self):
        return self.env["ecom.intake.request"]._cron_process_pending(auto_commit=False)

    @contextmanager
    def another_worker(self):
        """A second connection to the test database, as another worker's: its locks are real."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            yield other
        finally:
            other.close()


def load_migration(version, script="pre-migrate"):
    """The module of ecom_crm's migration script of ``version`` (``pre-migrate`` or ``post-migrate``)."""
    spec = importlib.util.spec_from_file_location(
        f"ecom_crm_{script.replace('-', '_')}_{version.replace('.', '_')}",
        file_path(f"ecom_crm/migrations/{version}/{script}.py"))
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def upgrade_from(env, module, version, state="to upgrade", stage="end"):
    """Run ``module``'s migration scripts of ``stage`` as Odoo's upgrade of a database at ``version`` to
    the manifest's version runs them (``odoo.modules.migration.MigrationManager``: those of the
    versions between and, on any version change, of ``migrations/0.0.0``); ``state`` ``to install``
    is a new installation's."""
    graph = Graph()
    package = Node(module, graph, get_manifest(module))
    package.state = package.load_state = state
    package.installed_version = package.load_version = version
    env.flush_all()
    MigrationManager(env.cr, graph).migrate_module(package, stage)
    env.invalidate_all()


def untranslated_terms(env, module, lang="ru_RU"):
    """Terms of ``module`` that its shipped i18n/<lang>.po leaves untranslated (or misses), and
    the records' own texts (``model:`` references: a selection's label, a constraint's message;
    ``model_terms:``: a view's texts) that it translates under another reference only. Odoo loads
    those by the record's XML id, not by the text: a label shared by two fields is translated only
    on the field the file names."""
    buffer = io.BytesIO()
    trans_export(lang, [module], buffer, "po", env.cr)
    path = file_path(f"{module}/i18n/{lang.split('_')[0]}.po")
    shipped = {(e.msgctxt, e.msgid): e for e in polib.pofile(path)}
    missing = []
    for e in polib.pofile(buffer.getvalue().decode()):
        ours = shipped.get((e.msgctxt, e.msgid))
        named = {where for where, _line in ours.occurrences} if ours else set()
        if not (ours and ours.msgstr):
            missing.append(e.msgid)
        else:
            missing.extend(f"{e.msgid} ({where})" for where, _line in e.occurrences
                           if where.startswith(("model:", "model_terms:")) and where not in named)
    return sorted(missing)


def store_with_ad_sources(cls):
    """The store in Moscow's time (the reports' days), the two ad systems' sources as ``cls.yandex``
    and ``cls.vk`` and their media as ``cls.cpc`` and ``cls.social``: the channels' reports' test stores."""
    cls.env.company.partner_id.tz = "Europe/Moscow"
    cls.yandex = cls.env.ref("ecom_crm.utm_source_yandex_direct")
    cls.vk = cls.env.ref("ecom_crm.utm_source_vk")
    cls.cpc = cls.env.ref("ecom_crm.utm_medium_cpc")
    cls.social = cls.env.ref("ecom_crm.utm_medium_social")


class ReportCase(EcomCrmCase):
    """Base for the store reports' tests: requests moved through the pipeline at known times."""

    T0 = datetime(2026, 11, 2, 9, 0, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["ecom.lead.stage.history"]
        cls.Funnel = cls.env["ecom.report.funnel"]
        cls.Refusal = cls.env["ecom.report.refusal"]
        cls.Manager = cls.env["ecom.report.manager"]
        cls.reason_no_answer = cls.env.ref("ecom_crm.lost_reason_no_answer")
        cls.customer = cls.Partner.create({"name": "Мария Покупкина", "phone": "+79161234568"})

    @classmethod
    def at(cls, hours):
        """``freeze_time`` at ``hours`` after T0."""
        return freeze_time(cls.T0 + timedelta(hours=hours))

    @classmethod
    def _set_created(cls, leads, when):
        """Requests come in at ``when`` (the ORM writes the transaction's time)."""
        leads.flush_recordset()
        cls.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)", [when, leads.ids])
        leads.invalidate_recordset(["create_date"])

    @classmethod
    def _order(cls, lead, amount, confirm=True):
        order = cls.env["sale.order"].create({
            "partner_id": lead.partner_id.id or cls.customer.id, "opportunity_id": lead.id,
            "user_id": lead.user_id.id, "team_id": lead.team_id.id,
            "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount,
                                   "tax_id": [(5, 0, 0)]})]})
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _refresh(cls):
        cls.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)

    def group(self, model, domain, groupby, aggregates):
        """``{group value: {aggregate: value}}`` of ``model._read_group``."""
        rows = model._read_group(domain, groupby, aggregates)
        return {row[0] if len(groupby) == 1 else row[:len(groupby)]:
                dict(zip(aggregates, row[len(groupby):], strict=True)) for row in rows}

    @contextmanager
    def read_only(self):
        """A read-only transaction, as Odoo 18's read-only requests (and a streaming replica) give."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SAVEPOINT ecom_read_only")
        cr.execute("SET TRANSACTION READ ONLY")
        try:
            yield
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT ecom_read_only")
            self.env.invalidate_all()
