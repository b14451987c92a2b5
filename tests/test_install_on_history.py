"""Installing the addons on a store that already sells: customer cards and scores are computed at
installation from the orders already there, not at the first nightly run."""

import json
import subprocess
import uuid

import pytest

HISTORY = """
import json
from datetime import datetime, timedelta
from odoo import Command
env.company.country_id = env.ref("base.ru")
product = env["product.product"].create({"name": "Пылесос", "list_price": 10000})
firm = env["res.partner"].create({"name": "ООО Покупатель", "is_company": True})
buyers = [env["res.partner"].create({"name": f"Покупатель {i}"}) for i in range(12)]
buyers.append(env["res.partner"].create({"name": "Закупщик", "parent_id": firm.id}))
expected = {}
for index, buyer in enumerate(buyers):
    for n in range(1 + index % 4):
        order = env["sale.order"].create({"partner_id": buyer.id, "order_line": [
            Command.create({"product_id": product.id, "price_unit": 1000 * (n + 1)})]})
        order.action_confirm()
        order.date_order = datetime.now() - timedelta(days=30 * index + n)
    expected[buyer.commercial_partner_id.id] = expected.get(buyer.commercial_partner_id.id, 0) + 1 + index % 4
cancelled = env["sale.order"].create({"partner_id": buyers[0].id, "order_line": [
    Command.create({"product_id": product.id})]})
cancelled.action_confirm()
cancelled._action_cancel()
env.cr.commit()
print(json.dumps(expected))
"""


@pytest.fixture(scope="module")
def store_db(odoo_cmd):
    name = f"ecom_history_{uuid.uuid4().hex[:8]}"
    try:
        proc = subprocess.run(odoo_cmd("server", "-d", name, "-i", "sale_crm", "--without-demo=all",
                                       "--stop-after-init", "--no-http", "--log-level=warn"),
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        shell = subprocess.run(odoo_cmd("shell", "-d", name, "--no-http", "--log-level=warn"), input=HISTORY,
                               capture_output=True, text=True, timeout=600)
        assert shell.returncode == 0, shell.stderr[-3000:]
        expected = {int(k): v for k, v in json.loads(shell.stdout.strip().splitlines()[-1]).items()}
        proc = subprocess.run(odoo_cmd("server", "-d", name, "-i", "ecom_crm,ecom_crm_scoring", "--without-demo=all",
                                       "--stop-after-init", "--no-http", "--log-level=warn"),
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield name, expected
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)


def test_cards_and_scores_are_computed_at_installation(store_db, psql_on):
    name, expected = store_db
    rows = psql_on(name, """
        SELECT p.id, (p.ecom_order_count->>c.id::text)::int, p.ecom_customer_status->>c.id::text,
               EXISTS (SELECT 1 FROM ecom_customer_score s WHERE s.partner_id = p.id AND s.company_id = c.id)
          FROM res_partner p, res_company c
         WHERE c.id = (SELECT min(id) FROM res_company) AND p.ecom_order_count IS NOT NULL""")
    cards = {int(pid): (int(count), status, scored == "t")
             for pid, count, status, scored in (row.split("|") for row in rows.splitlines())}
    assert {pid: card[0] for pid, card in cards.items()} == expected, "each customer's confirmed orders"
    assert all(card[1] in ("first_purchase", "repeat", "vip", "sleeping", "lost") for card in cards.values())
    assert all(card[2] for card in cards.values()), "every buyer is scored"
