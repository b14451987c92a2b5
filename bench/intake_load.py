"""Load client for bench/intake.sh: posts the same requests to the intake API and, for comparison,
through Odoo's JSON-RPC the way an integrator without our endpoint would (find the customer by
phone, create them if missing, create the lead), and prints requests/s and latency percentiles.

Only talks to 127.0.0.1; bounded in requests and time.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time


def cpu_seconds():
    """CPU seconds used so far by each process of this machine (Linux /proc), by its role here:
    Odoo's workers, its cron worker (the one Odoo runs niced), PostgreSQL, this client."""
    ticks = os.sysconf("SC_CLK_TCK")
    usage = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmdline.read()
        except OSError:  # gone meanwhile
            continue
        if int(pid) == os.getpid():
            role = "client"
        elif b"odoo-bin" in command:
            role = "odoo_cron" if int(fields[16]) > 0 else "odoo"
        elif b"postgres" in command:
            role = "postgres"
        else:
            continue
        usage[pid, role] = (int(fields[11]) + int(fields[12])) / ticks
    return usage


def cpu_ms_per_request(before, after, requests):
    """Milliseconds of CPU per request of each role between two cpu_seconds() snapshots."""
    roles = {}
    for (pid, role), seconds in after.items():
        roles[role] = roles.get(role, 0.0) + seconds - before.get((pid, role), 0.0)
    return {role: round(seconds * 1000 / requests, 2) for role, seconds in sorted(roles.items())}


def percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path, payload, headers):
        body = json.dumps(payload).encode()
        self.conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data


def make_requests(count, phones, seed):
    rng = random.Random(seed)
    out = []
    for i in range(count):
        known = rng.random() < 0.5  # half from existing customers, half new ones
        phone = rng.choice(phones) if known else f"+7999{seed % 10}{i:06d}"
        out.append({"name": f"Покупатель {i}", "phone": phone, "message": "Хочу заказать",
                    "utm_source": rng.choice(["yandex", "google", "avito", "vk", "site"]),
                    "lines": [{"sku": "DEMO-00-0001", "qty": 1, "price": 12990}],
                    "idempotency_key": f"bench-{seed}-{i}"})
    return out


def run(worker, requests, concurrency, deadline, rate=None):
    """Send ``requests`` from ``concurrency`` threads. Closed loop (each thread sends its next
    request when the previous one is answered), or with ``rate`` open loop: request ``i`` is due at
    ``start + i / rate`` whatever the answers before it (how a site's visitors arrive), and its
    latency counts from that moment, so that a server falling behind shows in it."""
    latencies, errors = [], []
    lock = threading.Lock()
    position = [0]
    start = time.perf_counter()

    def loop():
        client = None
        while True:
            with lock:
                index = position[0]
                if index >= len(requests) or time.monotonic() > deadline:
                    return
                position[0] += 1
            if rate:
                due = start + index / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            client = client or worker.client()
            sent = due if rate else time.perf_counter()
            try:
                ok = worker.send(client, requests[index])
            except Exception as exc:
                ok, client = str(exc), None
            elapsed = time.perf_counter() - sent
            with lock:
                latencies.append(elapsed)
                if ok is not True:
                    errors.append(ok)

    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {**({"offered_per_s": rate} if rate else {}),
            "requests": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else None,
            "wall_s": round(wall, 2), "req_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(percentile(latencies, 95) * 1000, 1)}


class Intake:
    """The intake API: ``wait`` processes each request within the call, else it is queued (202)."""

    def __init__(self, port, key, wait=False):
        self.port, self.key, self.wait = port, key, wait
        self.last_id = 0

    def client(self):
        return Client(self.port)

    def send(self, client, item):
        path = "/ecom_crm/api/v1/requests" + ("?wait=1" if self.wait else "")
        status, data = client.post(path, item, {"Authorization": f"Bearer {self.key}"})
        if status in (200, 201, 202):
            self.last_id = max(self.last_id, json.loads(data)["request_id"])
            return True
        return f"{status} {data[:200]!r}"

    def drained(self, started, deadline):
        """Seconds from ``started`` until the last queued request is a lead (polling its status)."""
        client = Client(self.port)
        while time.monotonic() < deadline:
            client.conn.request("GET", f"/ecom_crm/api/v1/requests/{self.last_id}",
                                headers={"Authorization": f"Bearer {self.key}"})
            answer = json.loads(client.conn.getresponse().read())
            if answer.get("status") != "pending":
                return time.perf_counter() - started, answer.get("status")
            time.sleep(0.2)
        return None, "timeout"


class JsonRpc:
    """What an integrator does without the intake API: three calls, dedup by phone on their side."""

    def __init__(self, port, db, login, password):
        self.port, self.db, self.login, self.password = port, db, login, password
        self.uid = None

    def client(self):
        return Client(self.port)

    def call(self, client, model, method, args, kwargs=None):
        status, data = client.post("/jsonrpc", {"jsonrpc": "2.0", "method": "call", "params": {
            "service": "object", "method": "execute_kw",
            "args": [self.db, self.uid, self.password, model, method, args, kwargs or {}]}}, {})
        answer = json.loads(data)
        if status != 200 or "error" in answer:
            raise RuntimeError(str(answer.get("error", status))[:200])
        return answer["result"]

    def send(self, client, item):
        if self.uid is None:
            _status, data = client.post("/jsonrpc", {"jsonrpc": "2.0", "method": "call", "params": {
                "service": "common", "method": "login", "args": [self.db, self.login, self.password]}}, {})
            self.uid = json.loads(data)["result"]
        found = self.call(client, "res.partner", "search", [[["phone", "=", item["phone"]]]], {"limit": 1})
        partner_id = found[0] if found else self.call(
            client, "res.partner", "create", [{"name": item["name"], "phone": item["phone"]}])
        self.call(client, "crm.lead", "create", [{
            "name": f"Заявка {item['idempotency_key']}", "type": "opportunity", "partner_id": partner_id,
            "phone": item["phone"], "description": item["message"], "expected_revenue": 12990}])
        return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--phones", required=True, help="file with existing customers' phones")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--rate", type=float, default=200, help="requests/s of the sustained phase")
    parser.add_argument("--seconds", type=float, default=20, help="length of the sustained phase")
    args = parser.parse_args()
    phones = [line.strip() for line in open(args.phones) if line.strip()]
    results = {}
    # warm every path (registry, caches, connections), then measure each on its own fresh requests
    warm = Intake(args.port, args.key)
    run(warm, make_requests(100, phones, 1), args.concurrency, time.monotonic() + 60)
    warm.drained(time.perf_counter(), time.monotonic() + 120)
    run(Intake(args.port, args.key, wait=True), make_requests(50, phones, 5), args.concurrency, time.monotonic() + 60)
    run(JsonRpc(args.port, args.db, "admin", "admin"), make_requests(100, phones, 2), args.concurrency,
        time.monotonic() + 60)
    queued = Intake(args.port, args.key)
    cpu = cpu_seconds()
    started = time.perf_counter()
    results["intake_api"] = run(queued, make_requests(args.requests, phones, 3), args.concurrency,
                                time.monotonic() + args.max_seconds)
    drain_s, status = queued.drained(started, time.monotonic() + args.max_seconds)
    results["intake_api"].update({"all_processed_s": round(drain_s, 1) if drain_s else None, "last_status": status,
                                  "processed_per_s": round(args.requests / drain_s, 1) if drain_s else None})
    results["intake_api"]["cpu_ms_per_request"] = cpu_ms_per_request(cpu, cpu_seconds(), args.requests)
    # sustained: requests arrive at --rate per second for --seconds; does processing keep up?
    paced = Intake(args.port, args.key)
    cpu = cpu_seconds()
    started = time.perf_counter()
    results["intake_api_sustained"] = run(paced, make_requests(int(args.rate * args.seconds), phones, 7), 32,
                                          time.monotonic() + args.seconds * 3 + 60, rate=args.rate)
    drain_s, status = paced.drained(started, time.monotonic() + args.max_seconds)
    if drain_s:
        results["intake_api_sustained"].update({
            "all_processed_s": round(drain_s, 1), "last_status": status,
            "processed_after_last_answer_s": round(drain_s - results["intake_api_sustained"]["wall_s"], 1),
            "processed_per_s": round(results["intake_api_sustained"]["requests"] / drain_s, 1)})
    results["intake_api_sustained"]["cpu_ms_per_request"] = cpu_ms_per_request(
        cpu, cpu_seconds(), results["intake_api_sustained"]["requests"])
    results["intake_api_wait"] = run(Intake(args.port, args.key, wait=True), make_requests(args.requests // 4,
                                     phones, 6), args.concurrency, time.monotonic() + args.max_seconds)
    cpu = cpu_seconds()
    results["json_rpc"] = run(JsonRpc(args.port, args.db, "admin", "admin"), make_requests(args.requests // 4,
                              phones, 4), args.concurrency, time.monotonic() + args.max_seconds)
    results["json_rpc"]["cpu_ms_per_request"] = cpu_ms_per_request(cpu, cpu_seconds(), args.requests // 4)
    results["accept_speedup_vs_json_rpc"] = round(
        results["intake_api"]["req_per_s"] / max(results["json_rpc"]["req_per_s"], 0.1), 2)
    if results["intake_api"]["processed_per_s"]:
        results["end_to_end_speedup_vs_json_rpc"] = round(
            results["intake_api"]["processed_per_s"] / max(results["json_rpc"]["req_per_s"], 0.1), 2)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
