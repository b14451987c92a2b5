"""The intake API on a real multi-worker Odoo server (prefork, as deployed), on a copy of the
pristine test database: queued requests become leads without any cron (the HTTP worker that
answered processes the queue once its answer has left); the same idempotency key, or the same new
customer, sent by several clients at the same instant, queued or within the call (?wait=1),
gives one journal entry, one customer and one lead, every client getting a well-formed answer."""

import hashlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

SETUP = """
env.company.country_id = env.ref("base.ru")  # national numbers (8 916 ...) read as Russian
source = env["ecom.intake.source"].create({"name": "E2E site", "rate_limit": 100000})
team = env["crm.team"].create({"name": "By load", "ecom_assign_by_load": True})
for index, maximum in enumerate((8, 10, 12)):
    user = env["res.users"].create({"name": f"Seller {index}", "login": f"seller-{index}",
                                    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])]})
    env["crm.team.member"].create({"crm_team_id": team.id, "user_id": user.id, "ecom_max_open_leads": maximum})
by_load = env["ecom.intake.source"].create({"name": "E2E by load", "rate_limit": 100000, "team_id": team.id})
# two teams sharing a salesperson (multiple memberships allowed)
env["ir.config_parameter"].set_param("sales_team.membership_multi", True)
shared = env["res.users"].create({"name": "Shared seller", "login": "seller-shared",
                                  "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])]})
two_teams = []
for name, own_max in (("Retail", 6), ("Wholesale", 4)):
    own = env["res.users"].create({"name": f"{name} seller", "login": f"seller-{name.lower()}",
                                   "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])]})
    shared_team = env["crm.team"].create({"name": name, "ecom_assign_by_load": True})
    env["crm.team.member"].create([
        {"crm_team_id": shared_team.id, "user_id": shared.id, "ecom_max_open_leads": 6},
        {"crm_team_id": shared_team.id, "user_id": own.id, "ecom_max_open_leads": own_max}])
    two_teams.append(env["ecom.intake.source"].create(
        {"name": f"E2E {name}", "rate_limit": 100000, "team_id": shared_team.id})._generate_key())
print(source._generate_key(), by_load._generate_key(), team.id, *two_teams, shared.id)
env.cr.commit()
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(e2e_db, odoo_cmd, tmp_path_factory):
    name = f"ecom_intake_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", e2e_db, name], check=True)
    log = tmp_path_factory.mktemp("intake_server") / "server.log"
    proc = None
    try:
        shell = subprocess.run(odoo_cmd("shell", "-d", name, "--no-http", "--log-level=warn"), input=SETUP,
                               capture_output=True, text=True, timeout=300)
        assert shell.returncode == 0, shell.stderr[-3000:]
        key, load_key, team_id, retail_key, wholesale_key, shared_id = shell.stdout.strip().splitlines()[-1].split()
        port = free_port()
        with open(log, "w") as out:
            # no cron thread at all: whatever becomes a lead was processed by the HTTP workers
            proc = subprocess.Popen(odoo_cmd(
                "server", "-d", name, "--workers=4", "--max-cron-threads=0", "--http-interface=127.0.0.1",
                f"--http-port={port}", f"--gevent-port={free_port()}", "--log-level=warn"),
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.5)
        yield {"db": name, "port": port, "key": key, "load_key": load_key, "team_id": int(team_id), "log": log,
               "retail_key": retail_key, "wholesale_key": wholesale_key, "shared_id": int(shared_id)}
    finally:
        if proc:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)


def post(server, payload, wait=False, key=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{server['port']}/ecom_crm/api/v1/requests{'?wait=1' if wait else ''}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key or server['key']}"},
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:500]


def query(server, sql):
    return subprocess.run(["psql", "-d", server["db"], "-AtXc", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def in_threads(calls, count):
    """Run ``calls`` (callables) on ``count`` threads; their results in order."""
    results = [None] * len(calls)
    todo = list(enumerate(calls))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not todo:
                    return
                index, call = todo.pop()
            results[index] = call()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_queued_requests_become_leads_without_cron(server):
    phones = [f"+7916555{i:04d}" for i in range(20)]
    # each customer twice, the second time spelled as people type it
    payloads = [{"name": f"Покупатель {i}", "phone": phone, "message": "первая"} for i, phone in enumerate(phones)]
    payloads += [{"phone": f"8 ({phone[2:5]}) {phone[5:8]}-{phone[8:10]}-{phone[10:]}", "message": "вторая"}
                 for phone in phones]
    answers = in_threads([lambda p=p: post(server, p) for p in payloads[:20]], 6)
    answers += in_threads([lambda p=p: post(server, p) for p in payloads[20:]], 6)
    assert [status for status, _answer in answers] == [202] * 40, answers
    ids = ",".join(str(answer["request_id"]) for _status, answer in answers)
    deadline = time.monotonic() + 60
    while True:
        states = query(server, f"SELECT state, count(*) FROM ecom_intake_request WHERE id IN ({ids}) "
                               "GROUP BY state ORDER BY state").split()
        if states == ["done|40"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert states == ["done|40"], (states, server["log"].read_text()[-3000:])
    result = query(server, f"""
        SELECT count(DISTINCT partner_id), count(DISTINCT lead_id), count(*) FILTER (WHERE result = 'updated')
          FROM ecom_intake_request WHERE id IN ({ids})""")
    assert result == "20|20|20", "one customer and one open request each; the second request updates it"


def test_same_key_at_the_same_instant_is_journaled_once(server):
    for round_ in range(8):
        key = f"same-instant-{round_}"
        barrier = threading.Barrier(4)

        def send(key=key, barrier=barrier, phone=f"+79165560{round_:03d}"):
            barrier.wait()
            return post(server, {"phone": phone, "idempotency_key": key})

        answers = in_threads([send] * 4, 4)
        assert {status for status, _answer in answers} <= {200, 202}, answers
        assert len({answer["request_id"] for _status, answer in answers}) == 1, answers
        assert query(server, f"SELECT count(*) FROM ecom_intake_request WHERE idempotency_key = '{key}'") == "1"


def at_once(server, payloads, waits):
    """Each payload posted by its own thread, all released at the same instant."""
    barrier = threading.Barrier(len(payloads))

    def send(payload, wait):
        barrier.wait()
        return post(server, payload, wait=wait)

    return in_threads([lambda p=p, w=w: send(p, w) for p, w in zip(payloads, waits, strict=True)], len(payloads))


def wait_until_processed(server, phone):
    deadline = time.monotonic() + 60
    pending = f"SELECT count(*) FROM ecom_intake_request WHERE phone = '{phone}' AND state = 'pending'"
    while query(server, pending) != "0":
        assert time.monotonic() < deadline, server["log"].read_text()[-3000:]
        time.sleep(0.3)


def customers_and_leads(server, phone):
    return query(server, f"""
        SELECT (SELECT count(*) FROM res_partner WHERE phone = '{phone}'),
               (SELECT count(*) FROM crm_lead WHERE phone = '{phone}')""")


def test_one_new_customer_at_the_same_instant_within_the_call(server):
    for round_, waits in enumerate(([True] * 8, [True, False] * 4)):
        phone = f"+7916557{round_:04d}"
        answers = at_once(server, [{"name": "Одновременная Ольга", "phone": phone}] * 8, waits)
        assert {status for status, _answer in answers} <= {200, 201, 202}, answers
        assert [status for status, _answer in answers].count(201) <= 1, answers
        wait_until_processed(server, phone)
        assert customers_and_leads(server, phone) == "1|1", (waits, answers)


def test_same_new_key_at_the_same_instant_within_the_call(server):
    phone = "+79165580001"
    answers = at_once(server, [{"phone": phone, "idempotency_key": "wait-same-key"}] * 20, [True] * 20)
    assert {status for status, _answer in answers} <= {200, 201, 202}, answers
    assert len({answer["request_id"] for _status, answer in answers}) == 1, answers
    assert len({answer.get("lead_id") for _status, answer in answers if _status != 202}) == 1, answers
    wait_until_processed(server, phone)
    assert customers_and_leads(server, phone) == "1|1"


def test_a_new_channel_named_at_the_same_instant_is_one_channel(server):
    """Different customers' requests naming the same new campaign, source and medium, sent at the same
    instant (within the call, and queued beside them): every one taken, one campaign, one source and one
    medium of that name. Each request would create it in its own transaction, and all but one of them
    failed on its unique name: a 500, the request not journaled."""
    for round_, waits in enumerate(([True] * 10, [True, False] * 5)):
        name = f"e2e-new-channel-{round_}"
        payloads = [{"phone": f"+7916566{round_}{i:03d}", "utm_source": name, "utm_medium": name,
                     "utm_campaign": name} for i in range(10)]
        answers = at_once(server, payloads, waits)
        # each one ?wait=1 processed within its call (a request whose call failed would be queued: 202)
        assert [status for status, _answer in answers] == [201 if wait else 202 for wait in waits], answers
        for payload in payloads:
            wait_until_processed(server, payload["phone"])
        assert query(server, f"""
            SELECT (SELECT count(*) FROM utm_campaign WHERE name = '{name}'),
                   (SELECT count(*) FROM utm_source WHERE name = '{name}'),
                   (SELECT count(*) FROM utm_medium WHERE name = '{name}'),
                   (SELECT count(*) FROM crm_lead l JOIN utm_campaign c ON c.id = l.campaign_id
                     WHERE c.name = '{name}'),
                   (SELECT count(*) FROM ecom_intake_request WHERE phone LIKE '+7916566{round_}%' AND state = 'done')
        """) == "1|1|1|10|10", answers


def test_a_new_campaign_number_named_at_the_same_instant_is_one_campaign(server):
    """Requests of Yandex Direct naming the same new campaign by its number (utm_campaign={campaign_id}), sent
    at the same instant: no campaign has that ID yet, so the number is looked up by name after its ID, and
    made once (the name's lock) whatever the ID lookup before it: one campaign «98765432», every request
    taken under it."""
    number = "98765432"
    payloads = [{"phone": f"+79165669{i:03d}", "utm_source": "yandex", "utm_medium": "cpc",
                 "utm_campaign": number} for i in range(10)]
    waits = [True, False] * 5
    answers = at_once(server, payloads, waits)
    assert [status for status, _answer in answers] == [201 if wait else 202 for wait in waits], answers
    for payload in payloads:
        wait_until_processed(server, payload["phone"])
    assert query(server, f"""
        SELECT (SELECT count(*) FROM utm_campaign WHERE name = '{number}'),
               (SELECT count(*) FROM crm_lead l JOIN utm_campaign c ON c.id = l.campaign_id
                 WHERE c.name = '{number}'),
               (SELECT count(*) FROM ecom_intake_request WHERE phone LIKE '+79165669%' AND state = 'done')
    """) == "1|10|10", answers


def test_assignment_by_load_never_exceeds_a_maximum_under_concurrency(server):
    """50 new customers' requests at once into a team of three with maximums 8/10/12: 30 assigned,
    nobody above their maximum, 20 left for the team leader."""
    payloads = [{"phone": f"+7916559{i:04d}", "name": f"Нагрузка {i}"} for i in range(50)]
    answers = in_threads([lambda p=p: post(server, p, wait=True, key=server["load_key"]) for p in payloads], 8)
    assert {status for status, _answer in answers} <= {201}, answers
    counts = query(server, f"""
        SELECT string_agg(n::text, ',' ORDER BY n) FROM (
            SELECT count(*) n FROM crm_lead WHERE team_id = {server['team_id']} AND user_id IS NOT NULL
             GROUP BY user_id) c""")
    assert counts == "8,10,12", counts
    assert query(server, f"SELECT count(*) FROM crm_lead WHERE team_id = {server['team_id']} "
                         "AND user_id IS NULL") == "20"


def test_a_salesperson_in_two_teams_never_exceeds_their_maximum_under_concurrency(server):
    """40 new customers' requests at once, half into each of two teams that share a salesperson
    (maximum 6 in both) beside one of their own (6 and 4): the shared salesperson holds 6 open
    requests of both teams together, not 6 in each."""
    payloads = [({"phone": f"+7916561{i:04d}", "name": f"Две команды {i}"},
                 server["retail_key" if i % 2 else "wholesale_key"]) for i in range(40)]
    answers = in_threads([lambda p=p, k=k: post(server, p, wait=True, key=k) for p, k in payloads], 8)
    assert {status for status, _answer in answers} <= {201}, answers
    counts = query(server, """
        SELECT string_agg(u.login || '=' || c.n, ',' ORDER BY u.login) FROM (
            SELECT l.user_id, count(*) n FROM crm_lead l JOIN crm_team t ON t.id = l.team_id
             WHERE t.name->>'en_US' IN ('Retail', 'Wholesale') AND l.user_id IS NOT NULL GROUP BY l.user_id) c
          JOIN res_users u ON u.id = c.user_id""")
    assert counts == "seller-retail=6,seller-shared=6,seller-wholesale=4", counts


HOOKS_SETUP = """
sources = env["ecom.intake.source"].create([
    {"name": "E2E Tilda", "provider": "tilda", "rate_limit": 100000},
    {"name": "E2E Mango", "provider": "mango", "kind": "calls", "rate_limit": 100000, "provider_key": "mk",
     "provider_secret": "ms"}])
print(*sources.sudo().mapped("hook_token"))
env.cr.commit()
"""


def test_a_provider_sending_the_same_event_at_the_same_instant_makes_one_record(server, odoo_cmd):
    """The connectors share the intake's guards: Tilda's same submission (tranid) and Mango's same
    call (entry_id), each posted by four workers at the same instant, give one journal entry, one
    lead and one call, every delivery answered as the provider expects."""
    shell = subprocess.run(odoo_cmd("shell", "-d", server["db"], "--no-http", "--log-level=warn"),
                           input=HOOKS_SETUP, capture_output=True, text=True, timeout=300)
    assert shell.returncode == 0, shell.stderr[-3000:]
    tilda, mango = shell.stdout.strip().splitlines()[-1].split()

    def hook(path, fields):
        request = urllib.request.Request(f"http://127.0.0.1:{server['port']}/ecom_crm/hook/{path}",
                                         data=urllib.parse.urlencode(fields).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read()[:500]

    for round_ in range(4):
        phone, entry = f"+7916562{round_:04d}", f"e2e-call-{round_}"
        event = json.dumps({"entry_id": entry, "call_state": "Appeared", "from": {"number": f"7916563{round_:04d}"},
                            "to": {"number": "74951234567", "line_number": "74951234567"}})
        sign = hashlib.sha256(f"mk{event}ms".encode()).hexdigest()
        barrier = threading.Barrier(8)

        def send(path, fields, barrier=barrier):
            barrier.wait()
            return hook(path, fields)

        form = {"Name": "Ольга", "Phone": phone, "tranid": f"e2e:{round_}"}
        signed = {"vpbx_api_key": "mk", "sign": sign, "json": event}
        answers = in_threads([lambda form=form: send(f"tilda/{tilda}", form)] * 4
                             + [lambda signed=signed: send(f"mango/{mango}/events/call", signed)] * 4, 8)
        assert answers == [(200, "ok")] * 4 + [(200, "")] * 4, answers
        assert query(server, f"SELECT count(*) FROM ecom_intake_request WHERE idempotency_key = 'tilda:e2e:{round_}'") \
            == "1"
        assert query(server, f"SELECT count(*) FROM ecom_call WHERE call_id = '{entry}'") == "1"
        wait_until_processed(server, phone)
        assert customers_and_leads(server, phone) == "1|1"
        assert customers_and_leads(server, f"+7916563{round_:04d}") == "1|1"
