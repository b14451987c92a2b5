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
    for chunk in response.iter_content(chunk_size=1024):
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit or time.monotonic() >= deadline:
            break
    return b"".join(chunks)[:limit].decode(response.encoding or "utf-8", errors="replace")


def private_target(url):
    """The address of ``url``'s host that is not on the public internet (loopback, private
    network, link-local such as a cloud's metadata service...), or None when all are public.

    A status webhook URL is set by a sales manager, not by an administrator: it must not make the
    server post to (and log the answers of) services only reachable from inside its network.
    A host that does not resolve is left to the request (a network error, retried)."""
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
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            return str(address)
    return None


def is_success(status_code):
    return 200 <= status_code < 300


def shorten(text, limit=MAX_ERROR):
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"
