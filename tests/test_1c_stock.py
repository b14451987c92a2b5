"""1C's stock into Odoo's inventory when the stock app is installed (ecom_crm_1c detects it at run
time): on a copy of the pristine test database with stock installed, so that the addons' own
tests keep running without it."""

import json
import subprocess
import uuid
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "addons" / "ecom_crm_1c" / "tests" / "data" / "ut11-2.07"
MAT = "bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1"  # 1C: Владивосток 1, Новосибирск 0, Москва 376

SCRIPT = f"""
import io, json
env.company.country_id = env.ref("base.ru")
env["stock.warehouse"].create({{"name": "Владивосток", "code": "VVO", "company_id": env.company.id}})
importer = env["ecom.1c.importer"]
importer._import_catalog("{DATA / 'import0_1.xml'}")
with open("{DATA / 'offers0_1.xml'}", encoding="utf-8-sig") as f:
    offers = f.read()
importer._import_offers(io.BytesIO(offers.encode()))
env.flush_all()
mat = env["product.product"].search([("ecom_1c_id", "=", "{MAT}")])
Quant = env["stock.quant"]
def stock():
    return {{q.location_id.warehouse_id.code: q.quantity for q in Quant.search(
        [("product_id", "=", mat.id), ("location_id.usage", "=", "internal")])}}
moves = env["stock.move"].search_count([("product_id", "=", mat.id), ("is_inventory", "=", True)])
first = stock()
importer._import_offers(io.BytesIO(offers.encode()))
env.flush_all()
again = env["stock.move"].search_count([("product_id", "=", mat.id), ("is_inventory", "=", True)])
print(json.dumps({{"storable": mat.is_storable, "stock": first, "qty_available": mat.qty_available,
                  "ecom_1c_qty": mat.ecom_1c_qty, "moves": moves, "moves_after_same_file": again}}))
env.cr.commit()
"""


@pytest.fixture
def stock_db(e2e_db, odoo_cmd):
    name = f"ecom_stock_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", e2e_db, name], check=True)
    try:
        proc = subprocess.run(odoo_cmd("server", "-d", name, "-i", "stock", "--stop-after-init", "--no-http",
                                       "--log-level=warn"), capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield name
    finally:
        subprocess.run(["dropdb", "--if-exists", name], check=False)


def test_stock_goes_into_odoo_inventory(stock_db, odoo_cmd):
    proc = subprocess.run(odoo_cmd("shell", "-d", stock_db, "--no-http", "--log-level=warn"), input=SCRIPT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["storable"], "a product 1C counts is tracked in inventory"
    assert result["ecom_1c_qty"] == 377, "1C's total is kept on the product as without stock"
    assert result["qty_available"] == 377
    # Владивосток has its Odoo twin; Москва and Новосибирск have none and count in the main warehouse
    assert result["stock"] == {"VVO": 1, "WH": 376}, result
    assert result["moves"] >= 1, "applied as inventory adjustments, with their history"
    assert result["moves_after_same_file"] == result["moves"], "the same quantities again move nothing"
