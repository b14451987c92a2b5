"""Outgoing status webhooks to the shop, in plain Python: the body, its signature, the retry
schedule and which queued deliveries may go now (one record's events in their order).

The shop checks a delivery by recomputing
``HMAC-SHA256(secret, f"{timestamp}.{body}")`` (hex) and comparing it with the ``X-Ecom-Signature``
header (``sha256=<hex>``), ``timestamp`` being the ``X-Ecom-Timestamp`` header (Unix seconds): signing
the timestamp with the body keeps a captured delivery from being replayed later under a new time.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

SIGNATURE_HEADER = "X-Ecom-Signature"
TIMESTAMP_HEADER = "X-Ecom-Timestamp"
DELIVERY_HEADER = "X-Ecom-Delivery"
EVENT_HEADER = "X-Ecom-Event"
USER_AGENT = "ecom_crm-webhook/1"
SECRET_PREFIX = "whsec_"
# the retry schedule: 1 min, 2, 4, 8 ... doubling up to 6 h between attempts; after MAX_ATTEMPTS
# attempts (about 38 hours after the first one) the delivery is failed and waits for a person («Retry now»)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 15
# a shop must connect and answer within this many seconds (a slow shop is retried later)
TIMEOUT = 10
# how much of a shop's answer the log keeps
MAX_ERROR = 500
# how much of a shop's (failed) answer is read, and for how long at most
MAX_ANSWER_BYTES = 4096
# an order's status (sale.order.ecom_status) -> the event the shop receives (a quotation is no event)
ORDER_STATUS_EVENTS = {
    "confirmed": "order.confirmed", "paid": "order.paid", "shipped": "order.shipped",
    "delivered": "order.delivered", "returned": "order.returned", "cancelled": "order.cancelled",
}
# an event -> the ecom.intake.source field switching it on
EVENT_FIELDS = {
    "request.stage": "webhook_request_stage", "request.lost": "webhook_request_lost",
    "order.confirmed": "webhook_order_confirmed", "order.paid": "webhook_order_paid",
    "order.shipped": "webhook_order_shipped", "order.delivered": "webhook_order_delivered",
    "order.returned": "webhook_order_returned", "order.cancelled": "webhook_order_cancelled",
}
# a receiver should refuse deliveries whose timestamp is further than this from its clock
TOLERANCE_SECONDS = 300


def new_secret():
    """A new signing secret for a source (shown once to the person who generated it)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encode_body(payload):
    """The exact bytes sent: the same for every attempt of a delivery (sorted keys, UTF-8)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret, timestamp, body):
    """The signature header's value of ``body`` (bytes) sent at ``timestamp`` (Unix seconds)."""
    message = f"{int(timestamp)}.".encode() + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret, timestamp, body, signature, now=None, tolerance=TOLERANCE_SECONDS):
    """What the shop does with a delivery: True when ``signature`` is ours for ``body`` and
    ``timestamp`` (and, given ``now``, the timestamp is within ``tolerance`` seconds of it)."""
    try:
        timestamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if now is not None and abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def headers(secret, timestamp, body, delivery_uuid, event):
    """The HTTP headers of one attempt."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        TIMESTAMP_HEADER: str(int(timestamp)),
        DELIVERY_HEADER: delivery_uuid,
        EVENT_HEADER: event,
    }


def retry_delay(attempts, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """How long to wait after the ``attempts``-th failed attempt (1, 2, ...): ``base`` doubled
    each time, at most ``cap``."""
    if attempts < 1:
        return timedelta(0)
    # past 2**30 the doubling is beyond any cap: no need to compute huge numbers
    return min(base * (2 ** min(attempts - 1, 30)), cap)


def after_failure(attempts, now, max_attempts=MAX_ATTEMPTS, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """``(state, next_attempt)`` of a delivery whose ``attempts``-th attempt just failed at ``now``."""
    if attempts >= max_attempts:
        return "failed", None
    return "pending", now + retry_delay(attempts, base, cap)


def schedule(max_attempts=MAX_ATTEMPTS, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """The delays between the attempts of a delivery that always fails (for the documentation)."""
    return [retry_delay(attempt, base, cap) for attempt in range(1, max_attempts)]


def due_in_order(pending, now, limit=None):
    """Ids of the queued deliveries that may be sent now, in id order.

    ``pending``: ``(id, key, next_attempt)`` of every pending delivery, ``key`` naming its record
    (source, model, id). Only the oldest pending delivery of a record may go, and only once its
    ``next_attempt`` (None: at once) has come: a later event of a record never overtakes an
    earlier one that is waiting for a retry."""
    heads = {}
    for delivery_id, key, next_attempt in pending:
        head = heads.get(key)
        if head is None or delivery_id < head[0]:
            heads[key] = (delivery_id, next_attempt)
    due = sorted(delivery_id for delivery_id, next_attempt in heads.values()
                 if next_attempt is None or next_attempt <= now)
    return due[:limit] if limit is not None else due


def read_answer(response, limit=MAX_ANSWER_BYTES, seconds=TIMEOUT):
    """The beginning of a streamed ``requests`` answer's body, as text: at most ``limit`` bytes and
    ``seconds`` of reading, so that a shop sending an endless or huge body does not hold or fill
    the sender."""
    deadline = time.monotonic() + seconds
    chunks, size = [], 0
    # byte by byte (from the connection's buffer, not a call each): a read of more waits until that
    # much has come, and a shop dripping a byte every few seconds would hold the sender for hours
    for chunk in response.iter_content(chunk_size=1):
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit or time.monotonic() >= deadline:
            break
    return b"".join(chunks)[:limit].decode(response.encoding or "utf-8", errors="replace")


# IPv6 addresses carrying an IPv4 one in their last 32 bits, reached through it: NAT64's prefix (an
# IPv6-only host's gateway connects to that IPv4 address, a private one too) and the old
# IPv4-compatible addresses (the IPv4-mapped ones and 6to4's are read by ``ipaddress``)
CARRYING_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))


def is_public(address):
    """Whether ``address`` (an IP address as text, an IPv6 zone allowed) is on the public internet;
    an IPv6 address carrying an IPv4 one (mapped, NAT64, 6to4) is what that IPv4 address is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        carried = ip.ipv4_mapped or ip.sixtofour or next(
            (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) for network in CARRYING_IPV4 if ip in network), None)
        if carried is not None:
            return carried.is_global
    return ip.is_global


def private_target(url):
    """The address of ``url``'s host that is not on the public internet (loopback, private
    network, link-local such as a cloud's metadata service...), or None when all are public.

    A status webhook URL is set by a sales manager, not by an administrator: it must not make the
    server post to (and log the answers of) services only reachable from inside its network.
    A host that does not resolve is left to the request (a network error, retried). This check
    gives the log a clear reason; :func:`public_session` is what holds when the host's address
    changes between this check and the call."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return url
    if not host:
        return url
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        if not is_public(info[4][0]):
            return info[4][0].split("%", 1)[0]
    return None


class PrivateTarget(OSError):
    """A connection refused: the host resolved to ``address``, not a public one."""

    def __init__(self, address):
        super().__init__(f"not a public address: {address}")
        self.address = address


def refused_address(exc):
    """The address of the :class:`PrivateTarget` behind a ``requests`` error (urllib3 wraps it), or None."""
    seen, todo = set(), [exc]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, PrivateTarget):
            return error.address
        todo += [arg for arg in (*error.args, error.__cause__, error.__context__) if isinstance(arg, BaseException)]
    return None


class _PublicOnly:
    """A connection made only to a public address of its host, the one checked: a host whose DNS
    answer changes between :func:`private_target` and the call (DNS rebinding) cannot lead the
    request into the server's own network."""

    def _new_conn(self):
        host = self._dns_host
        try:
            infos = socket.getaddrinfo(host, self.port, proto=socket.IPPROTO_TCP)
        except OSError as exc:  # as urllib3 reports a host that does not resolve
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc
        for info in infos:
            if not is_public(info[4][0]):
                raise PrivateTarget(info[4][0].split("%", 1)[0])
        self._dns_host = infos[0][4][0]  # connected to by address; TLS still checks the host's name
        try:
            return super()._new_conn()
        finally:
            self._dns_host = host


class _PublicHTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}


def public_session():
    """A ``requests`` session that connects to public addresses only (:class:`PrivateTarget`,
    wrapped in a ``requests.ConnectionError``, otherwise: see :func:`refused_address`)."""
    session = requests.Session()
    adapter = _PublicOnlyAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def is_success(status_code):
    return 200 <= status_code < 300


def shorten(text, limit=MAX_ERROR):
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"
