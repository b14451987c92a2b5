"""Outgoing status webhooks to the shop, in plain Python: the body, its signature, the retry
schedule and which queued deliveries may go now (one record's events in their order).

The shop checks a delivery by recomputing
``HMAC-SHA256(secret, f"{timestamp}.{body}")`` (hex) and comparing it with the ``X-Ecom-Signature``
header (``sha256=<hex>``), ``timestamp`` being the ``X-Ecom-Timestamp`` header (Unix seconds): signing
the timestamp with the body keeps a captured delivery from being replayed later under a new time.
"""

import hashlib
import hmac
import io
import ipaddress
import json
import secrets
import socket
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

try:  # urllib3 1.26 (Odoo 18's pin on Python 3.11)
    from urllib3.util.proxy import create_proxy_ssl_context
except ImportError:  # urllib3 2 (Python 3.12: the odoo:18 image's), whose proxy TLS checks an address's certificate
    create_proxy_ssl_context = None

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
# a shop must connect and answer within this many seconds, all told: the connection, the TLS
# handshake, the request, the status line and headers, and what is read of the answer (a slow shop
# is retried later)
TIMEOUT = 10
# at most this many DNS lookups of the shops' hosts hang at a time in a process (each in a thread of
# its own, waited for until the attempt's deadline only): a resolver that never answers holds these
# threads, not the sender, and no more of them pile up
MAX_HANGING_LOOKUPS = 8
# the system parameter naming the proxy deliveries go through (the environment's are never used)
PROXY_PARAM = "ecom_crm.webhook_proxy"
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
    try:
        for chunk in response.iter_content(chunk_size=1):
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit or time.monotonic() >= deadline:
                break
    except requests.RequestException:
        pass  # the attempt's deadline came (see post()), or the shop hung up: what came is kept
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


def private_target(url, deadline=None):
    """The address of ``url``'s host that is not on the public internet (loopback, private
    network, link-local such as a cloud's metadata service...), or None when all are public.

    A status webhook URL is set by a sales manager, not by an administrator: it must not make the
    server post to (and log the answers of) services only reachable from inside its network.
    A host that does not resolve is left to the request (a network error, retried). This check
    gives the log a clear reason; :func:`session` (public only) is what holds when the host's address
    changes between this check and the call. ``deadline``: the lookup waits at most until then
    (:class:`ResolveTimeout` past it, see :func:`resolve`)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return url
    if not host:
        return url
    try:
        infos = resolve(host, port or 443, deadline)
    except ResolveTimeout:
        raise
    except (OSError, UnicodeError):
        return None
    for info in infos:
        if not is_public(info[4][0]):
            return info[4][0].split("%", 1)[0]
    return None


class ResolveTimeout(ConnectTimeoutError):
    """The DNS lookup of ``host`` had not answered by the attempt's deadline (``requests`` reports it
    as a ``ConnectTimeout``, or a ``ProxyError`` for the proxy's host: see :func:`unresolved_host`)."""

    def __init__(self, host):
        super().__init__(f"DNS lookup of {host} timed out (the attempt's deadline has passed)")
        self.host = host


_hanging_lookups = threading.BoundedSemaphore(MAX_HANGING_LOOKUPS)


def resolve(host, port, deadline=None, family=socket.AF_UNSPEC):
    """``socket.getaddrinfo(host, port)`` (TCP) waiting at most until ``deadline``
    (``time.monotonic()``; None: as long as the system's resolver takes).

    ``getaddrinfo`` cannot be interrupted and a resolver may keep it for minutes: a name is looked up
    in a daemon thread, waited for until the deadline, then left to finish on its own
    (:data:`MAX_HANGING_LOOKUPS` at most at a time); an address is read without a lookup."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        numeric = True
    except ValueError:
        numeric = False
    if deadline is None or numeric:
        return socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if not _hanging_lookups.acquire(timeout=max(deadline - time.monotonic(), 0)):
        raise ResolveTimeout(host)
    outcome, done = {}, threading.Event()

    def lookup():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        except BaseException as exc:  # handed to the waiting attempt
            outcome["error"] = exc
        finally:
            _hanging_lookups.release()
            done.set()

    try:
        threading.Thread(target=lookup, name=f"webhook-dns-{host}", daemon=True).start()
    except BaseException:  # no thread to spare: its place is not lost for the life of the process
        _hanging_lookups.release()
        raise
    if not done.wait(max(deadline - time.monotonic(), 0)):
        raise ResolveTimeout(host)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["infos"]


def unresolved_host(exc):
    """The host of the :class:`ResolveTimeout` behind a ``requests`` error, or None."""
    found = _cause(exc, ResolveTimeout)
    return found.host if found is not None else None


class PrivateTarget(OSError):
    """A connection refused: the host resolved to ``address``, not a public one."""

    def __init__(self, address):
        super().__init__(f"not a public address: {address}")
        self.address = address


def _cause(exc, cls):
    """The ``cls`` error behind ``exc`` (urllib3 and ``requests`` wrap errors in their arguments), or None."""
    seen, todo = set(), [exc]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, cls):
            return error
        todo += [arg for arg in (*error.args, error.__cause__, error.__context__) if isinstance(arg, BaseException)]
    return None


def timed_out(exc):
    """Whether a ``requests`` error is a timeout: the shop's, or its proxy's, or the deadline of the
    attempt (urllib3 reports some, through a proxy, as a ``ProxyError`` that only wraps one)."""
    return isinstance(exc, requests.Timeout) or _cause(exc, TimeoutError) is not None


def refused_address(exc):
    """The address of the :class:`PrivateTarget` behind a ``requests`` error (urllib3 wraps it), or None."""
    found = _cause(exc, PrivateTarget)
    return found.address if found is not None else None


class DeadlineSocket:
    """A connected socket (plain or TLS) whose every read and write waits at most until
    ``deadline`` (``time.monotonic()``): its timeout is set to the time left before each call, so a
    peer sending a byte every few seconds (each read well within any per-read timeout) is given up
    at the deadline all the same. Past it, a call raises ``TimeoutError`` (``socket.timeout``),
    which urllib3 and ``requests`` report as a read timeout.

    ``http.client`` reads through ``makefile("rb")``: the file made here reads through this object
    (not the socket), and it keeps the socket open until both are closed, as a socket's does."""

    def __init__(self, sock, deadline):
        self._sock, self._deadline = sock, deadline
        self._io_refs, self._closed = 0, False

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def _wait_at_most_the_time_left(self):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out (the attempt's deadline has passed)")
        self._sock.settimeout(left)

    def settimeout(self, value):
        pass  # the deadline decides (urllib3 sets the read timeout before reading the answer)

    def recv_into(self, buffer, nbytes=0, flags=0):
        self._wait_at_most_the_time_left()
        return self._sock.recv_into(buffer, nbytes, flags) if nbytes or flags else self._sock.recv_into(buffer)

    def recv(self, bufsize, flags=0):
        self._wait_at_most_the_time_left()
        return self._sock.recv(bufsize, flags) if flags else self._sock.recv(bufsize)

    def send(self, data, flags=0):
        self._wait_at_most_the_time_left()
        return self._sock.send(data, flags) if flags else self._sock.send(data)

    def sendall(self, data, flags=0):
        view = memoryview(data).cast("B")
        while view:
            view = view[self.send(view, flags):]

    def makefile(self, mode="rb", buffering=None, **_kwargs):
        if mode not in ("r", "rb"):
            raise ValueError(f"DeadlineSocket files are read-only (mode {mode!r})")
        self._io_refs += 1
        raw = socket.SocketIO(self, "rb")
        return io.BufferedReader(raw, buffering if buffering and buffering > 0 else io.DEFAULT_BUFFER_SIZE)

    def _decref_socketios(self):
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close()

    def close(self):
        self._closed = True
        if self._io_refs <= 0:
            self._sock.close()


class _WithDeadline:
    """A connection bounded by its pool's ``deadline`` as a whole: the DNS lookup of its host (the
    shop's, or the proxy's), the connection to each of its addresses in turn and the TLS handshake
    share the time left, then every read and write waits at most what remains
    (:class:`DeadlineSocket`).

    ``public_only``: made only to a public address of its host, the one checked: a host whose DNS
    answer changes between :func:`private_target` and the call (DNS rebinding) cannot lead the
    request into the server's own network (TLS still checks the host's name)."""

    deadline = None
    public_only = False

    def _time_left(self):
        left = self.deadline - time.monotonic() if self.deadline is not None else None
        if left is not None and left <= 0:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out (the attempt's deadline has passed)")
        return left

    def _new_conn(self):
        host = self._dns_host
        if host.startswith("["):
            host = host.strip("[]")
        try:
            infos = resolve(host, self.port, self.deadline, allowed_gai_family())
        except ResolveTimeout:
            raise
        except (OSError, UnicodeError) as exc:  # as urllib3 reports a host that does not resolve
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc
        if self.public_only:
            for info in infos:
                if not is_public(info[4][0]):
                    raise PrivateTarget(info[4][0].split("%", 1)[0])
        error = OSError("getaddrinfo returns an empty list")
        for index, (family, socktype, proto, _name, address) in enumerate(infos):
            # each address gets an equal share of what the ones before it left: one that drops the
            # connection (an IPv6 route going nowhere) does not take the time of those after it
            left = self._time_left()
            if left is None:
                left = self.timeout if isinstance(self.timeout, (int, float)) else None
            elif index < len(infos) - 1:
                left /= len(infos) - index
            sock = socket.socket(family, socktype, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(left)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(address)
            except OSError as exc:  # a timeout (TimeoutError) too: the next address gets what is left
                sock.close()
                error = exc
            except BaseException:
                sock.close()
                raise
            else:
                try:
                    sock.settimeout(self._time_left())  # the TLS handshake (bounded as a whole by Python's ssl)
                except BaseException:  # the deadline passed while connecting: the socket is not left open
                    sock.close()
                    raise
                if self.deadline is not None and self._tunnel_host:
                    # the proxy's answer to CONNECT is read through it: bounded by the deadline as
                    # a whole, not per read (TLS takes the socket over after it, see _tunnel)
                    return DeadlineSocket(sock, self.deadline)
                return sock
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out (the attempt's deadline has passed)")
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")

    def _connect_tls_proxy(self, hostname, conn):
        """TLS with an https:// proxy, before CONNECT is sent in it: its answer to CONNECT and the
        TLS with the shop inside the tunnel are read through a :class:`DeadlineSocket` too (urllib3
        gives the tunnel a plain TLS socket, each read waiting its own timeout). The proxy's
        certificate is checked as urllib3 does, its name or address given to TLS: urllib3 1.26.5
        gives none for an address (``ValueError: check_hostname requires server_hostname``)."""
        if self.proxy_config.ssl_context is not None or create_proxy_ssl_context is None:
            tls = super()._connect_tls_proxy(hostname, conn)
        else:
            try:
                context = create_proxy_ssl_context(self.ssl_version, self.cert_reqs, self.ca_certs,
                                                   self.ca_cert_dir, self.ca_cert_data)
                context.check_hostname = True
                if self.ca_certs or self.ca_cert_dir or self.ca_cert_data:
                    context.load_verify_locations(self.ca_certs, self.ca_cert_dir, self.ca_cert_data)
                tls = context.wrap_socket(conn, server_hostname=hostname)
            except BaseException:
                conn.close()  # TLS closes what it took over; what it did not is not left open
                raise
        return DeadlineSocket(tls, self.deadline) if self.deadline is not None else tls

    def _tunnel(self):
        super()._tunnel()
        if isinstance(self.sock, DeadlineSocket):
            # the TLS handshake with the shop, through the tunnel, waits at most the time left
            self.sock._wait_at_most_the_time_left()

    def connect(self):
        super().connect()
        if self.deadline is not None and not isinstance(self.sock, DeadlineSocket):
            self.sock = DeadlineSocket(self.sock, self.deadline)


class _DeadlineHTTPConnection(_WithDeadline, HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_WithDeadline, HTTPSConnection):
    pass


class _PublicHTTPConnection(_WithDeadline, HTTPConnection):
    public_only = True


class _PublicHTTPSConnection(_WithDeadline, HTTPSConnection):
    public_only = True


class _PoolWithDeadline:
    deadline = None

    def _new_conn(self):
        conn = super()._new_conn()
        conn.deadline = self.deadline
        return conn


class _DeadlineHTTPPool(_PoolWithDeadline, HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(_PoolWithDeadline, HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class _PublicHTTPPool(_PoolWithDeadline, HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(_PoolWithDeadline, HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _DeliveryAdapter(requests.adapters.HTTPAdapter):
    """Connections to public addresses only (``public_only``) and bounded by ``deadline``; through
    a proxy, the proxy is connected to (it resolves the shop's host: no public-only pinning)."""

    def __init__(self, deadline=None, public_only=True):
        self._deadline, self._public_only = deadline, public_only
        super().__init__()

    def _pools(self, public_only):
        def pool(cls):
            def make(host, port=None, **kwargs):
                made = cls(host, port, **kwargs)
                made.deadline = self._deadline
                return made
            return make
        if public_only:
            return {"http": pool(_PublicHTTPPool), "https": pool(_PublicHTTPSPool)}
        return {"http": pool(_DeadlineHTTPPool), "https": pool(_DeadlineHTTPSPool)}

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools(self._public_only)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = self._pools(False)
        return manager


def session(public_only=True, proxy=None, deadline=None):
    """The ``requests`` session of one attempt. The environment is not trusted: its proxies
    (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY), whose proxy would resolve and call the shop's host itself
    past the private-address refusal, are ignored (so are .netrc and the CA bundle variables).
    ``proxy``: the one an administrator set, or None (direct). ``public_only``: connect to public
    addresses only (:class:`PrivateTarget`, wrapped in a ``requests.ConnectionError``, otherwise: see
    :func:`refused_address`); it cannot hold through a proxy. ``deadline``: see :func:`post`."""
    made = requests.Session()
    made.trust_env = False
    adapter = _DeliveryAdapter(deadline, public_only and not proxy)
    made.mount("http://", adapter)
    made.mount("https://", adapter)
    if proxy:
        made.proxies = {"http": proxy, "https": proxy}
    return made


def valid_proxy(proxy):
    """Whether ``proxy`` (the administrator's setting) is an http(s) URL with a host."""
    try:
        parts = urlsplit(proxy)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def post(url, body, sent_headers, public_only=True, proxy=None, seconds=None):
    """One attempt of a delivery: ``(status code, the beginning of the answer's body when it is no
    success, else None)``; ``requests`` errors are raised (a timeout, a refused address...).

    The attempt as a whole (the DNS lookups, connection, TLS, request, status line, headers, the
    answer read) ends within ``seconds`` (default :data:`TIMEOUT`): a resolver that does not answer,
    a host whose addresses do not take the connection one after the other, a shop answering a byte
    every few seconds (each read well within a read timeout) are given up at the deadline (each
    step waits at most the time left). ``public_only``: the host's addresses are checked first
    (:func:`private_target`; the proxy, when there is one, is not asked for a private one)."""
    seconds = TIMEOUT if seconds is None else seconds
    deadline = time.monotonic() + seconds
    if public_only:
        try:
            address = private_target(url, deadline)
        except ResolveTimeout as exc:
            raise requests.ConnectTimeout(exc) from exc
        if address:
            raise requests.ConnectionError(PrivateTarget(address))
    with session(public_only, proxy, deadline) as attempt, attempt.post(
            url, data=body, headers=sent_headers, timeout=seconds, allow_redirects=False, stream=True) as response:
        code = response.status_code
        if is_success(code):
            return code, None
        return code, read_answer(response, seconds=max(deadline - time.monotonic(), 0))


def is_success(status_code):
    return 200 <= status_code < 300


def shorten(text, limit=MAX_ERROR):
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"
