from odoo import api, fields, models
from odoo.addons.ecom_crm.tools import ru_requisites
from odoo.tools import SQL, html2plaintext, is_html_empty

from ..commerceml.mapper import datetime_to_1c, order_document_id
from ..commerceml.writer import write_orders

COMMITTED = "ecom_crm_1c.orders_committed_until"
# the snapshot of the last export 1C acknowledged (PostgreSQL's pg_snapshot, as text); a company's own 1C:
# this key and «.<company id>»
COMMITTED_SNAPSHOT = "ecom_crm_1c.orders_committed_snapshot"
# the start of the oldest transaction in progress in the database before that export's snapshot was taken
# (the database's clock, UTC, as text): no order that snapshot missed is dated before it; the same keys
COMMITTED_HORIZON = "ecom_crm_1c.orders_committed_horizon"
# the export reads the confirmed and cancelled orders by their write date (1C polls every few minutes)
EXPORT_INDEX = "sale_order_ecom_1c_export_idx"
OVERLAP = "ecom_crm_1c.orders_overlap_seconds"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecom_1c_number = fields.Char("1C number", readonly=True, copy=False, index="btree_not_null")
    ecom_1c_date = fields.Char("1C date", readonly=True, copy=False)
    ecom_1c_posted = fields.Boolean("Posted in 1C", readonly=True, copy=False)
    ecom_1c_deleted = fields.Boolean("Marked for deletion in 1C", readonly=True, copy=False)
    ecom_1c_paid = fields.Boolean("Paid (1C)", readonly=True, copy=False)
    ecom_1c_shipped = fields.Boolean("Shipped (1C)", readonly=True, copy=False)
    ecom_1c_status = fields.Char("1C status", readonly=True, copy=False)
    ecom_1c_id = fields.Char("1C id", readonly=True, copy=False, index="btree_not_null",
                             help="Ид of an order created in 1C: later exchanges find it by this id.")

    def init(self):
        super().init()
        # the export reads a few minutes of write dates among millions of orders, every few minutes
        self.env.cr.execute(f"""
            CREATE INDEX IF NOT EXISTS {EXPORT_INDEX}
                ON sale_order (write_date) WHERE state IN ('sale', 'cancel')
        """)

    @api.model
    def _ecom_1c_export_horizon(self, company=None):
        """The start of the oldest transaction in progress in this database (the start of the request's own
        transaction when none is older), UTC, to the microsecond, as text. Odoo dates what a transaction
        writes by its start: no transaction in progress now, nor one begun later, writes an order dated
        before it. Measured before the export's snapshot is taken (the exchange commits in between): the
        orders that snapshot does not see are dated no earlier, and the next export looks back no further
        (:meth:`_ecom_1c_orders_to_export`). Transactions of other databases of the server write no order
        of this one: they hold nothing back.

        ``pg_stat_activity`` tells the start of the transactions of Odoo's own role (its workers) and, to a
        superuser or a member of ``pg_read_all_stats``, of every role. Of another role's (a script run as
        ``postgres``, a second application writing the orders) a role without that privilege sees no
        start: ``pg_locks``, which any role reads, still tells such a transaction is in progress. When one
        is, and its role may write the orders, the horizon is no later than the last acknowledged export's
        of the same 1C (``company``'s, else Settings' login): that transaction began after that export
        measured it, or was in progress then and held it back the same way, so no order it writes is dated
        before it. It then stays until such transactions are over (as an old transaction of Odoo's holds
        it); with no horizon acknowledged yet, the next export looks back over every order.

        Only a role that may write the orders holds the horizon back, seen or not (a read-only report's, a
        backup's as a role granted no more, autovacuum's: nothing), and of the backends whose start is
        hidden, not a logical replication's sender (``pg_stat_replication``: it decodes, in transactions of
        its own, what others wrote). A prepared transaction (two-phase commit) is no backend, and the start
        of what it wrote is hidden to all: while one that wrote orders (its lock on them stays until it is
        committed) waits, the horizon is held as for a hidden one; one that wrote none writes none any more
        (a forgotten one, of another application, holds nothing back). ``pg_locks`` is read
        only when a backend hides its start or a transaction is prepared: each export (every few minutes)
        on a cluster with no other role in the database reads no lock table."""
        previous = self.env["ir.config_parameter"].sudo().get_param(
            self._ecom_1c_snapshot_key(company, COMMITTED_HORIZON))
        self.env.cr.execute("""
            WITH activity AS MATERIALIZED (
                SELECT pid, backend_type, xact_start FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND has_table_privilege(usesysid, 'sale_order', 'INSERT, UPDATE')
            )
            SELECT (LEAST(transaction_timestamp() AT TIME ZONE 'UTC',
                          (SELECT min(xact_start) FROM activity WHERE backend_type = 'client backend')
                           AT TIME ZONE 'UTC',
                          CASE WHEN (
                              -- a prepared transaction of the database that wrote orders
                              EXISTS (SELECT FROM pg_prepared_xacts WHERE database = current_database())
                              AND EXISTS (
                                  SELECT FROM pg_locks lock
                                   WHERE lock.pid IS NULL AND lock.locktype = 'relation'
                                     AND lock.mode = 'RowExclusiveLock' AND lock.relation = 'sale_order'::regclass
                                     AND lock.database = (SELECT oid FROM pg_database
                                                           WHERE datname = current_database()))
                          ) OR (
                              -- a transaction whose start this role may not read (its backend_type hidden too)
                              EXISTS (SELECT FROM activity
                                       WHERE backend_type IS NULL AND NOT EXISTS (
                                             SELECT FROM pg_stat_replication sender WHERE sender.pid = activity.pid))
                              AND EXISTS (
                                  SELECT FROM activity JOIN pg_locks lock ON lock.pid = activity.pid
                                   WHERE activity.backend_type IS NULL AND lock.locktype = 'virtualxid'
                                     AND lock.granted AND NOT EXISTS (
                                         SELECT FROM pg_stat_replication sender WHERE sender.pid = activity.pid))
                          ) THEN COALESCE(%s::timestamp, '-infinity') END))::text
        """, [previous or None])
        return self.env.cr.fetchone()[0]

    @api.model
    def _ecom_1c_export_clock(self):
        """The bound of an export, to the microsecond, as text: the database's clock, or just before the
        start of the oldest transaction in progress that read or wrote orders. Odoo dates what a
        transaction writes by its start: an order such a transaction writes and commits after 1C asks is
        dated before the clock, where the next export (which begins at this bound, and reaches back
        only a few minutes) would not look again; it is the next export's to send. That transaction
        may write its orders only at its end (a job that looks for the orders it made before, fetches
        for minutes, then makes the new ones; the ORM flushes late): having read orders is enough.
        Such a transaction holds the exports back until it ends (they send again what was written after
        its start), never makes them lose an order; one that touched no order yet and then writes
        orders for longer than the window reaching back is not seen. ``pg_locks`` (any role may read it)
        names the transactions, ``pg_stat_activity`` their start: of the database's own role (Odoo's
        workers) to a role that is no superuser; another role's transaction holds nothing back here (its
        orders go in the next export by the snapshot and the horizon: :meth:`_ecom_1c_export_horizon`).
        The query runs on the primary (the exchange's route is not read-only)."""
        self.env.cr.execute("""
            SELECT (LEAST(clock_timestamp(), (
                        SELECT min(activity.xact_start) - interval '1 microsecond'
                          FROM pg_locks lock JOIN pg_stat_activity activity ON activity.pid = lock.pid
                         WHERE lock.locktype = 'relation' AND lock.relation = 'sale_order'::regclass
                           AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                           AND lock.pid <> pg_backend_pid()))
                    AT TIME ZONE 'UTC')::text
        """)
        return self.env.cr.fetchone()[0]

    @api.model
    def _ecom_1c_export_snapshot(self):
        """The snapshot the export reads the orders in (the request's transaction's, PostgreSQL's
        ``pg_snapshot`` as text): which transactions' writes it saw. 1C acknowledging the export keeps
        it (:meth:`_ecom_1c_commit_export`) for the next export to catch what it did not see."""
        self.env.cr.execute("SELECT pg_current_snapshot()::text")
        return self.env.cr.fetchone()[0]

    @api.model
    def _ecom_1c_orders_to_export(self, until, company=None):
        """Confirmed and cancelled orders changed after the last export 1C acknowledged, up to ``until``:
        of ``company`` alone for the 1C base of that company (its own login), from its own position;
        else every company's, from the position of Settings' exchange login.

        A transaction that started before the last export but committed after it wrote an older
        write_date (Odoo dates what a transaction writes by its start). The window reaches back a few
        minutes (setting, 300 s); and an order written by a transaction the last acknowledged export may
        not have seen (its row's ``xmin`` no older than the oldest transaction in progress in that
        export's snapshot) is sent now when it is dated after the start of the oldest transaction then in
        progress in the database (:meth:`_ecom_1c_export_horizon`), however long ago: a transaction
        that touched no order before the export and wrote orders for longer than the window loses none.
        The orders are read by their write date (an index): a few minutes' orders, not the whole table.
        Only while a transaction older than the window runs in this database and a transaction older
        than the last export (one that took a transaction id: in any database of the server) also runs,
        orders written since go again (1C updates a document by its Ид); no longer once they are over.
        """
        return self.browse([row[0] for row in self._ecom_1c_export_rows(until, company)])

    @api.model
    def _ecom_1c_export_query(self, until, company=None):
        """The query of :meth:`_ecom_1c_orders_to_export` (``SQL``)."""
        params = self.env["ir.config_parameter"].sudo()
        since = self._ecom_1c_committed_until(company) or "1970-01-01 00:00:00"
        seen = horizon = None
        if since != "1970-01-01 00:00:00":
            seen = params.get_param(self._ecom_1c_snapshot_key(company))
            horizon = params.get_param(self._ecom_1c_snapshot_key(company, COMMITTED_HORIZON))
        overlap = int(params.get_param(OVERLAP, 300))
        window = SQL("so.write_date > %s::timestamp - make_interval(secs => %s)", since, overlap)
        if seen and horizon:
            # a row's xmin (32 bits) as the 64-bit transaction id a pg_snapshot names: the epoch of the
            # snapshot's newest transaction, one less (more) for an id more than 2^31 above (below) its low
            # 32 bits (a row dated after the horizon is recent: far from 2^31 transactions old).
            # A snapshot names its transactions in progress, not their savepoints' (Odoo writes in
            # savepoints): what a transaction in progress wrote has an id at least the snapshot's oldest in
            # progress, so every such row is sent again (some committed then go twice). Not the rows the
            # reading transaction wrote itself (in progress: the only writer in progress whose rows it sees)
            dates = SQL("""so.write_date >= LEAST(%s::timestamp, %s::timestamp - make_interval(secs => %s))
                           AND (%s OR CASE
                               WHEN writer.xid >= pg_snapshot_xmin(%s::pg_snapshot)
                               THEN pg_xact_status(writer.xid) IS DISTINCT FROM 'in progress' END)""",
                        horizon, since, overlap, window, seen)
        else:
            dates = window
        # the index's condition (state) and a range of its column: an index range scan, whatever the table's
        # size (the window, or back to the horizon while a transaction older than the window runs)
        return SQL("""
            SELECT so.id FROM sale_order so,
                   (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid) top,
                   LATERAL (SELECT ((((top.xid >> 32) - CASE
                                WHEN so.xmin::text::bigint > (top.xid & 4294967295) + 2147483648 THEN 1
                                WHEN so.xmin::text::bigint + 2147483648 < (top.xid & 4294967295) THEN -1
                                ELSE 0 END) << 32) | so.xmin::text::bigint)::text::xid8 AS xid) writer
             WHERE so.state IN ('sale', 'cancel') AND so.write_date <= %s::timestamp AND %s AND %s
          ORDER BY so.id
        """, until, dates, SQL("so.company_id = %s", company.id) if company else SQL("TRUE"))

    @api.model
    def _ecom_1c_export_rows(self, until, company=None):
        self.flush_model(["state", "write_date", "company_id"])
        self.env.cr.execute(self._ecom_1c_export_query(until, company))
        return self.env.cr.fetchall()

    @api.model
    def _ecom_1c_snapshot_key(self, company=None, key=COMMITTED_SNAPSHOT):
        return f"{key}.{company.id}" if company else key

    @api.model
    def _ecom_1c_committed_until(self, company=None):
        """How far the 1C of ``company`` (else of Settings' exchange login) acknowledged the orders."""
        if company:
            return company.sudo().ecom_1c_orders_committed_until
        return self.env["ir.config_parameter"].sudo().get_param(COMMITTED)

    @api.model
    def _ecom_1c_commit_export(self, until, company=None, snapshot=None, horizon=None):
        """1C acknowledged the orders up to ``until``, read in ``snapshot``
        (:meth:`_ecom_1c_export_snapshot`) taken after ``horizon`` (:meth:`_ecom_1c_export_horizon`): the
        position of its exchange login alone moves (another company's 1C goes on from its own)."""
        params = self.env["ir.config_parameter"].sudo()
        if company:
            company.sudo().ecom_1c_orders_committed_until = until
        else:
            params.set_param(COMMITTED, until)
        params.set_param(self._ecom_1c_snapshot_key(company), snapshot or False)
        params.set_param(self._ecom_1c_snapshot_key(company, COMMITTED_HORIZON), horizon or False)

    @api.model
    def _ecom_1c_tz(self, company=None):
        """The zone 1C's «Дата» and «Время» are its local time in: the store's, its company's (the
        exchange runs as the superuser, whose zone nobody sets); else the user's, else Moscow."""
        return (company or self.env.company).partner_id.tz or self.env.user.tz or "Europe/Moscow"

    def _ecom_1c_xml(self, version=None):
        version = version or self.env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.schema_version", "2.05")
        now = datetime_to_1c(fields.Datetime.now(), self._ecom_1c_tz())
        return write_orders([order._ecom_1c_document() for order in self], generated_at=now, version=version)

    def _ecom_1c_document(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        # «/» is Odoo's «no ИНН»; spaces and dashes typed in it are no part of it
        inn = ru_requisites.compact(customer.vat) or None
        shipping = self.partner_shipping_id
        states = dict(self._fields["state"]._description_selection(self.env))
        lines = []
        for line in self.order_line.filtered(lambda ln: not ln.display_type and ln.product_id):
            product = line.product_id
            # 1C takes price × quantity = amount: the price after the discount, VAT included like the
            # amount; the VAT and the discount as amounts that amount includes
            undiscounted = line.tax_id.compute_all(
                line.price_unit, self.currency_id, line.product_uom_qty, product, self.partner_shipping_id,
            )["total_included"] if line.discount else line.price_total
            lines.append({
                "id": product.ecom_1c_id or product.product_tmpl_id.ecom_1c_id or f"odoo-product-{product.id}",
                "article": product.default_code, "name": line.name.split("\n")[0][:250],
                "price": line.price_reduce_taxinc, "qty": line.product_uom_qty, "amount": line.price_total,
                "service": product.type == "service", "tax": line.price_tax,
                "rates": [tax.amount for tax in line.tax_id if tax.amount_type == "percent"],
                "discount": self.currency_id.round(undiscounted - line.price_total),
            })
        # 1C reads the date as its local time: the same zone 1C's own orders are read in
        date = datetime_to_1c(self.date_order, self._ecom_1c_tz(self.company_id))
        return {
            "id": self.ecom_1c_id or order_document_id(self.id), "number": self.name, "date": date,
            "currency": self.currency_id.name, "amount": self.amount_total, "tax": self.amount_tax,
            "comment": None if is_html_empty(self.note) else html2plaintext(self.note),
            "customer": {
                "id": f"odoo-partner-{customer.id}", "name": customer.name, "lastname": customer.lastname,
                "firstname": customer.firstname, "patronymic": customer.patronymic,
                "company": customer.is_company, "inn": inn if inn != "/" else None, "kpp": customer.ecom_kpp,
                "phones": [customer.phone, customer.mobile], "email": customer.email,
                "zip": shipping.zip or customer.zip, "city": shipping.city or customer.city,
                "address": ", ".join(filter(None, (shipping.street, shipping.street2))) or customer.street,
            },
            "lines": lines,
            "delivery": None,  # delivery is a service line of the order (ORDER_DELIVERY), written as such
            "requisites": [
                ("Статус заказа", states.get(self.state)),
                ("Отменен", "true" if self.state == "cancel" else "false"),
                ("Заказ оплачен", "true" if self.invoice_status == "invoiced" else "false"),
                ("Адрес доставки", shipping._display_address(without_company=True).replace("\n", ", ")),
                ("Метод оплаты", self.payment_term_id.name),
                ("Дата изменения", fields.Datetime.to_string(self.write_date)),
                ("Сайт", "Odoo"),
            ],
        }
