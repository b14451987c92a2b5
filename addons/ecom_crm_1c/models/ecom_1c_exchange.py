from odoo import _, api, fields, models


class Ecom1cExchange(models.Model):
    """One exchange session with 1C: what came in or went out, what it changed, how long it took."""

    _name = "ecom.1c.exchange"
    _description = "1C exchange"
    _order = "date_start desc, id desc"
    _rec_name = "display_name"

    exchange_type = fields.Selection(
        [("catalog", "Catalog, prices and stock"), ("sale", "Orders")], string="Type", required=True)
    state = fields.Selection(
        [("running", "In progress"), ("done", "Done"), ("failed", "Failed")],
        default="running", required=True, index=True)
    date_start = fields.Datetime("Started", default=fields.Datetime.now, required=True, readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    duration = fields.Float("Duration (s)", compute="_compute_duration", store=True)
    user_id = fields.Many2one("res.users", "Exchange login", default=lambda self: self.env.user, readonly=True)
    remote_addr = fields.Char("From address", readonly=True)
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
    def _compute_display_name(self):
        labels = dict(self._fields["exchange_type"]._description_selection(self.env))
        for exchange in self:
            exchange.display_name = _("%(type)s, %(date)s", type=labels.get(exchange.exchange_type, ""),
                                      date=fields.Datetime.to_string(exchange.date_start) or "")

    def _log(self, message, warning=True):
        """Append a line to the exchange's messages (warnings by default)."""
        for exchange in self:
            exchange.write({
                "messages": "\n".join(filter(None, [exchange.messages, message])),
                "warning_count": exchange.warning_count + (1 if warning else 0),
            })

    def _fail(self, reason, file_name=None, file_values=None):
        """The exchange failed for ``reason``: it is marked so, and with ``file_name`` that file too (recorded
        if it was not yet, with ``file_values``); the log says «file: reason»."""
        self.ensure_one()
        if file_name:
            record = self.file_ids.filtered(lambda f: f.name == file_name)[-1:]
            values = {**(file_values or {}), "state": "failed", "error": reason}
            if record and record.state != "done":
                record.write(values)
            else:
                self.env["ecom.1c.exchange.file"].create({"exchange_id": self.id, "name": file_name, **values})
        self._log(f"{file_name}: {reason}" if file_name else reason)
        self.write({"state": "failed", "date_end": fields.Datetime.now()})

    def _finish(self, state="done", created=0, updated=0, archived=0):
        self.write({
            "state": state, "date_end": fields.Datetime.now(),
            "created_count": created, "updated_count": updated, "archived_count": archived,
        })
