"""``odoo-bin ecom_scoring_backtest`` end to end, with the interface other tools call: a database with
a demo store's history, scored as of a past day and compared with what happened after."""

import json
import subprocess
import uuid
from datetime import date, timedelta

import pytest


@pytest.fixture(scope="module")
def demo_db(odoo_cmd, e2e_db):
    name = f"ecom_backtest_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", e2e_db, name], check=True)
    try:
        proc = subprocess.run(odoo_cmd("ecom_demo_store", "-d", name, "--customers", "600", "--products", "60",
                                       "--leads", "150", "--managers", "3", "--log-level=warn"),
                              capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield name
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)


def backtest(odoo_cmd, db, *args):
    return subprocess.run(odoo_cmd("ecom_scoring_backtest", "-d", db, "--log-level=warn", *args),
                          capture_output=True, text=True, timeout=900)


def test_json_interface(odoo_cmd, demo_db):
    as_of = date.today() - timedelta(days=120)
    proc = backtest(odoo_cmd, demo_db, "--as-of", as_of.isoformat(), "--horizon-days", "90", "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["customers"] > 100
    assert 0 < result["positives"] < result["customers"]
    assert 0 <= result["auc"] <= 1 and result["top_decile_lift"] >= 0 and 0 <= result["brier"] <= 1
    assert len(result["deciles"]) == 10
    assert sum(d["n"] for d in result["deciles"]) == result["customers"]
    predicted = [d["predicted"] for d in result["deciles"]]
    assert predicted == sorted(predicted), "customers sorted by predicted probability"
    assert sum(d["observed"] * d["n"] for d in result["deciles"]) == pytest.approx(result["positives"])
    assert {"auc", "top_decile_lift"} <= set(result["baseline"]), "recency alone"
    assert {"brier", "deciles"} <= set(result["crosssell"])
    assert result["as_of"] == as_of.isoformat()


def test_readable_table_and_horizon(odoo_cmd, demo_db):
    as_of = date.today() - timedelta(days=60)
    proc = backtest(odoo_cmd, demo_db, "--as-of", as_of.isoformat(), "--horizon-days", "30")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "horizon 30 days" in proc.stdout
    assert "recency:" in proc.stdout and "order probability by decile" in proc.stdout


def test_bad_arguments_are_refused_clearly(odoo_cmd, demo_db):
    proc = backtest(odoo_cmd, demo_db, "--as-of", "01.06.2026")
    assert proc.returncode == 2 and "--as-of" in proc.stderr
    proc = backtest(odoo_cmd, demo_db, "--as-of", "2026-06-01", "--horizon-days", "0")
    assert proc.returncode == 2 and "--horizon-days" in proc.stderr
    proc = backtest(odoo_cmd, "no_such_database_xyz", "--as-of", "2026-06-01")
    assert proc.returncode != 0 and "does not exist" in proc.stderr
    proc = backtest(odoo_cmd, demo_db, "--as-of", "1990-01-01", "--json")
    assert proc.returncode != 0 and "no customer had a confirmed order before" in proc.stderr
    # a horizon that is not over yet would count its buyers short: refused, with the latest day that works
    late = date.today() - timedelta(days=30)
    proc = backtest(odoo_cmd, demo_db, "--as-of", late.isoformat(), "--horizon-days", "90", "--json")
    assert proc.returncode == 2 and "ends after today" in proc.stderr and not proc.stdout.strip()
    assert "the latest --as-of for 90 days is" in proc.stderr
