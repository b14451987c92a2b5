import hashlib
import hmac
import secrets
from collections import namedtuple
from types import MappingProxyType

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import webhook as webhook_tools

KEY_PREFIX = "ecom"
# what the intake API needs of a source on every request, remembered per worker (see _auth_entry)
SourceAuth = namedtuple("SourceAuth", "id key_hash company_id rate_limit")
# what a provider's webhook (controllers/hooks.py) needs of its source, remembered per worker
HookAuth = namedtuple("HookAuth", "id provider company_id rate_limit key secret redirect field_map")
HOOK_PATH = "/ecom_crm/hook"


def hash_key(key):
    """API keys are long random tokens: a SHA-256 digest is enough to store them (no brute force)."""
    return hashlib.sha256(key.encode()).hexdigest()


class EcomIntakeSource(models.Model):
    """Where requests come from through the intake API: the site, a CMS plugin, a landing page, a
    marketplace or a call-tracking service, each with its own API key (stored hashed) and rate."""

    _name = "ecom.intake.source"
    _description = "Request source (API client)"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("website", "Website / CMS plugin"), ("landing", "Landing page form"), ("marketplace", "Marketplace"),
         ("calls", "IP telephony / call tracking"), ("other", "Other")],
        default="website", required=True)
    utm_source_id = fields.Many2one(
        "utm.source", "Channel", domain=[("ecom_store_channel", "=", True)],
        help="Channel of the requests that name none (no UTM tags, no click id): a request naming any of its "
             "channel keeps its own, whole.")
    utm_medium_id = fields.Many2one("utm.medium", "Medium",
                                    help="Medium of the requests that name no channel, with the channel above.")
    team_id = fields.Many2one("crm.team", "Sales team", help="Team receiving this source's requests.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    rate_limit = fields.Integer("Requests per minute", default=300,
                                help="Beyond this the API answers 429 until the minute is over.")
    key_prefix = fields.Char("Key starts with", readonly=True, copy=False, index=True)
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    request_count = fields.Integer(compute="_compute_request_count")

    # --- incoming adapters (issue 21): a provider's own webhook, at the source's own URL ---
    provider = fields.Selection(
        [("api", "Intake API (JSON, API key)"), ("tilda", "Tilda forms"),
         ("form", "Form post (Contact Form 7, Bitrix, HTML)"), ("yandex_forms", "Yandex Forms"),
         ("vk_leads", "VK lead ads"), ("yandex_direct", "Yandex Direct lead forms"),
         ("mango", "Mango Office"), ("zadarma", "Zadarma"), ("uis", "UIS")],
        string="Connection", default="api", required=True,
        help="How this source sends its requests: the intake API with an API key, or a provider's own "
             "webhook posted to the webhook URL below and checked as the provider signs it.")
    hook_token = fields.Char("Webhook token", readonly=True, copy=False, groups="sales_team.group_sale_manager")
    hook_url = fields.Char("Webhook URL", compute="_compute_hook_url",
                           help="Paste it into the provider's webhook or notification settings.")
    provider_key = fields.Char(
        "Provider key", copy=False, groups="sales_team.group_sale_manager",
        help="Mango Office: the VPBX API key (vpbx_api_key). VK: the confirmation string VK shows. Tilda: "
             "the name of the API key's field or header (api_key by default).")
    provider_secret = fields.Char(
        "Provider secret", copy=False, groups="sales_team.group_sale_manager",
        help="Mango Office: the API salt. Zadarma: the API secret. VK: the secret key. Tilda: the API key. UIS, "
             "Yandex Forms, Yandex Direct and form posts: a key of your choice the sender adds (header "
             "X-Api-Key or field ecom_key); empty: the webhook URL alone authenticates them.")
    form_redirect_url = fields.Char(
        "Page after the form", help="Form posts: where the visitor goes once the form is sent (a thank-you "
                                    "page); empty: the answer is JSON.")
    form_field_map = fields.Text(
        "Form field names", help="Form posts and JSON forms: the form's own field names the usual names do "
                                 "not cover, one «field = phone» per line (name, phone, email, message, city, "
                                 "address, zip, product, product_sku, amount, utm_source...).")

    _sql_constraints = [
        ("key_prefix_unique", "UNIQUE(key_prefix)", "Two sources cannot share an API key."),
        ("rate_limit_positive", "CHECK(rate_limit > 0)", "The rate limit must be positive."),
        ("hook_token_unique", "UNIQUE(hook_token)", "Two sources cannot share a webhook URL."),
    ]

    @api.depends("provider", "hook_token")
    def _compute_hook_url(self):
        for source in self:
            token = source.sudo().hook_token
            source.hook_url = f"{source.get_base_url().rstrip('/')}{HOOK_PATH}/{source.provider}/{token}" \
                if source.provider != "api" and token else False

    def action_new_hook_token(self):
        """A new webhook URL: the old one stops working at once."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only sales managers manage API keys."))
        for source in self:
            source.sudo().hook_token = secrets.token_urlsafe(24)

    @api.model
    @tools.ormcache()
    def _hook_entries(self):
        """``{token: HookAuth}`` of every active source, read at once and remembered per worker (any
        change of a source clears it in every worker): a webhook URL is looked up without a query, and
        made-up tokens (a scan, a flood) neither query the database nor fill the cache (one entry per
        token would push everything else Odoo remembers out of it)."""
        self.flush_model()
        self.env.cr.execute("""
            SELECT hook_token, id, provider, company_id, rate_limit, provider_key, provider_secret,
                   form_redirect_url, form_field_map
              FROM ecom_intake_source WHERE hook_token IS NOT NULL AND active
        """)
        return MappingProxyType({row[0]: HookAuth(*row[1:]) for row in self.env.cr.fetchall()})

    @api.model
    def _hook_entry(self, token):
        """``HookAuth`` of the active source of webhook ``token``, or None."""
        return self._hook_entries().get(token)

    @api.model
    def _hook_authenticate(self, provider, token):
        """``(source, HookAuth)`` of a webhook's URL, or ``(empty recordset, None)``."""
        # a NUL character (``%00`` in the URL) is no token, and PostgreSQL refuses it in a query
        auth = self._hook_entry(token) if token and len(token) <= 64 and "\x00" not in token else None
        if not auth or auth.provider != provider:
            return self.browse(), None
        return self.browse(auth.id), auth

    def _fill_hook_tokens(self):
        """Every source has a webhook URL (sources made before the adapters get one here)."""
        self.env.cr.execute("SELECT id FROM ecom_intake_source WHERE hook_token IS NULL")
        for (source_id,) in self.env.cr.fetchall():
            self.env.cr.execute("UPDATE ecom_intake_source SET hook_token = %s WHERE id = %s",
                                [secrets.token_urlsafe(24), source_id])
    # --- end of the incoming adapters' block ---

    def _compute_request_count(self):
        counts = dict(self.env["ecom.intake.request"]._read_group(
            [("source_id", "in", self.ids)], ["source_id"], ["__count"]))
        for source in self:
            source.request_count = counts.get(source, 0)

    def _generate_key(self):
        """Give the source a new API key and return it: it is shown once and stored only hashed."""
        self.ensure_one()
        prefix = secrets.token_hex(4)
        key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        self.sudo().write({"key_prefix": prefix, "key_hash": hash_key(key)})
        return key

    def action_generate_key(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only sales managers manage API keys."))
        key = self._generate_key()
        return {
            "type": "ir.actions.act_window",
            "name": _("New API key"),
            "res_model": "ecom.intake.key.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_source_id": self.id, "default_key": key},
        }

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _auth_entries, _hook_entries
        sources = super().create(vals_list)
        self._create_rate_sequences(sources.ids)
        sources._fill_hook_tokens()
        sources.invalidate_recordset(["hook_token"])
        return sources

    def write(self, vals):
        self.env.registry.clear_cache()  # a new key, deactivation, company or rate: in every worker
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        names = [self._rate_sequence_name(source_id) for source_id in self.ids]
        result = super().unlink()
        for name in names:
            self.env.cr.execute(SQL("DROP SEQUENCE IF EXISTS %s", SQL.identifier(name)))
        return result

    @api.model
    def _rate_sequence_name(self, source_id):
        """The PostgreSQL sequence numbering a source's requests, for its rate limit (a sequence
        is never locked by a transaction: concurrent requests of one source never wait on it)."""
        return f"ecom_intake_rate_{int(source_id)}"

    @api.model
    def _create_rate_sequences(self, source_ids):
        for source_id in source_ids:
            self.env.cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s",
                                    SQL.identifier(self._rate_sequence_name(source_id))))

    def init(self):
        self.env.cr.execute("SELECT id FROM ecom_intake_source")
        self._create_rate_sequences([source_id for (source_id,) in self.env.cr.fetchall()])
        self._fill_hook_tokens()

    @api.model
    @tools.ormcache()
    def _auth_entries(self):
        """``{prefix: SourceAuth}`` of every active source with a key, read at once and remembered per
        worker (any change of a source clears it in every worker): the API answers each request without
        reading the source, and keys made up at random (a scan, a flood) cost neither a query nor a hash
        nor a cache entry each — one per prefix tried would push the real keys' entries, and everything
        else Odoo remembers, out of the cache."""
        self.flush_model()
        self.env.cr.execute("""
            SELECT key_prefix, id, key_hash, company_id, rate_limit FROM ecom_intake_source
             WHERE key_prefix IS NOT NULL AND active AND key_hash IS NOT NULL
        """)
        return MappingProxyType({row[0]: SourceAuth(*row[1:]) for row in self.env.cr.fetchall()})

    @api.model
    def _auth_entry(self, prefix):
        """``SourceAuth`` of the active source whose key starts with ``prefix``, or None."""
        return self._auth_entries().get(prefix)

    @api.model
    def _company_tz(self, company_id):
        """The store's time zone (its company's), for dates a site sends without one. Read by SQL:
        through the ORM the API user's request would load the source, the company and its partner
        (wide records, each field checked against the user's groups): 3 of a request's 4 ms."""
        self.env["res.company"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["tz"])
        self.env.cr.execute("SELECT p.tz FROM res_company c JOIN res_partner p ON p.id = c.partner_id"
                            " WHERE c.id = %s", [company_id])
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _authenticate(self, key):
        """``(source, SourceAuth)`` owning ``key``, or ``(empty recordset, None)`` (constant-time comparison)."""
        parts = (key or "").split("_", 2)
        # a NUL character is in no key
        if len(parts) != 3 or parts[0] != KEY_PREFIX or "\x00" in parts[1]:
            return self.browse(), None
        auth = self._auth_entry(parts[1])
        if auth and hmac.compare_digest(auth.key_hash, hash_key(key)):
            return self.browse(auth.id), auth
        return self.browse(), None

    def action_view_requests(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Requests"),
            "res_model": "ecom.intake.request",
            "view_mode": "list,form",
            "domain": [("source_id", "in", self.ids)],
        }

    # ------------------------------------------------- status webhook to the shop
    webhook_url = fields.Char(
        "Status webhook URL", help="The shop's address receiving status updates of its requests and orders "
                                   "(signed POST requests). Empty: no updates are sent.")
    webhook_secret = fields.Char("Webhook secret", readonly=True, copy=False, groups="base.group_system")
    webhook_secret_set = fields.Boolean("Webhook secret set", compute="_compute_webhook_secret_set")
    webhook_request_stage = fields.Boolean("Request stage changed", default=True)
    webhook_request_lost = fields.Boolean("Request lost", default=True)
    webhook_order_confirmed = fields.Boolean("Order confirmed", default=True)
    webhook_order_paid = fields.Boolean("Order paid", default=True)
    webhook_order_shipped = fields.Boolean("Order shipped", default=True)
    webhook_order_delivered = fields.Boolean("Order delivered", default=True)
    webhook_order_returned = fields.Boolean("Order refused at delivery", default=True)
    webhook_order_cancelled = fields.Boolean("Order cancelled", default=True)
    webhook_delivery_count = fields.Integer("Webhook deliveries", compute="_compute_webhook_delivery_count")

    @api.constrains("webhook_url")
    def _check_webhook_url(self):
        for source in self:
            if source.webhook_url and not source.webhook_url.startswith(("https://", "http://")):
                raise ValidationError(_("The status webhook URL must start with https:// (or http://)."))

    def _compute_webhook_secret_set(self):
        for source in self:
            source.webhook_secret_set = bool(source.sudo().webhook_secret)

    def _compute_webhook_delivery_count(self):
        counts = dict(self.env["ecom.webhook.delivery"]._read_group(
            [("source_id", "in", self.ids)], ["source_id"], ["__count"]))
        for source in self:
            source.webhook_delivery_count = counts.get(source, 0)

    def _webhook_wants(self, event):
        """Whether this source sends ``event`` (an ecom.webhook.delivery event) to its shop."""
        self.ensure_one()
        return bool(self.active and self.webhook_url and self.sudo().webhook_secret
                    and self[webhook_tools.EVENT_FIELDS[event]])

    def action_generate_webhook_secret(self):
        """A new signing secret, shown once in a dialog (the previous one stops being used at once)."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only sales managers manage webhook secrets."))
        secret = webhook_tools.new_secret()
        self.sudo().write({"webhook_secret": secret})
        return {
            "type": "ir.actions.act_window",
            "name": _("New webhook secret"),
            "res_model": "ecom.webhook.secret.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_source_id": self.id, "default_secret": secret},
        }

    def action_view_webhook_deliveries(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Webhook deliveries"),
            "res_model": "ecom.webhook.delivery",
            "view_mode": "list,form",
            "domain": [("source_id", "in", self.ids)],
        }
