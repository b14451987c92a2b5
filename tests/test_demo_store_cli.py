"""The demo store command, end to end: what docker compose and scripts/run execute."""

import json
import subprocess


def run_generator(odoo_cmd, db, *args):
    proc = subprocess.run(odoo_cmd("ecom_demo_store", "-d", db, "--json", "--log-level=warn", *args),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


MANAGERS = "SELECT count(*) FROM res_users WHERE login LIKE 'manager%@demo-store.ru'"
CATALOG = "SELECT count(*) FROM product_template WHERE default_code LIKE 'DEMO-%'"


def test_generator_fills_and_commits(odoo_cmd, e2e_db, psql):
    # the database may hold a store already (a user's has data; the e2e database keeps the runs before):
    # the counts are of what this run adds, its managers only those not there yet
    before = int(psql("SELECT count(*) FROM res_partner"))
    lead0 = int(psql("SELECT coalesce(max(id), 0) FROM crm_lead"))
    new_managers = 4 - int(psql("SELECT count(*) FROM res_users WHERE login IN "
                                "('manager1@demo-store.ru', 'manager2@demo-store.ru', "
                                "'manager3@demo-store.ru', 'manager4@demo-store.ru')"))
    stats = run_generator(odoo_cmd, e2e_db, "--customers", "400", "--products", "57", "--leads", "200",
                          "--managers", "4", "--chunk-size", "150")
    assert stats["customers"] == 400
    assert stats["order_lines"] > 2000 and stats["orders"] > 500 and stats["leads"] > 100
    assert stats["rows_per_second"] > 0 and stats["peak_rss_mb"] > 0
    # committed: another connection sees it (customers + the new managers' partners)
    assert int(psql("SELECT count(*) FROM res_partner")) == before + 400 + new_managers
    assert psql("SELECT count(*) FROM crm_lead WHERE active AND stage_id IS NOT NULL") != "0"
    assert int(psql("SELECT count(DISTINCT to_char(date_order, 'YYYY-MM')) FROM sale_order")) >= 24
    # the forecast groups the requests by their expected closing date, none in «None»; the open ones' over
    # past and coming days
    assert psql(f"SELECT count(*) FROM crm_lead WHERE id > {lead0} AND date_deadline IS NULL") == "0"
    assert psql(f"""SELECT count(*) FILTER (WHERE date_deadline < current_date) > 0
                           AND count(*) FILTER (WHERE date_deadline >= current_date) > 0
                      FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                     WHERE l.id > {lead0} AND l.active AND NOT coalesce(s.is_won, false)""") == "t"
    # admin/admin lands on the CRM pipeline, not on Discuss
    assert psql("""SELECT u.action_id = d.res_id FROM res_users u, ir_model_data d
                    WHERE u.login = 'admin' AND d.module = 'crm' AND d.name = 'crm_lead_action_pipeline'""") == "t"

    # a second run adds customers, reuses the catalog, managers and team
    catalog, managers = int(psql(CATALOG)), int(psql(MANAGERS))
    assert catalog >= 57 and managers >= 4
    run_generator(odoo_cmd, e2e_db, "--customers", "100", "--products", "57", "--leads", "50",
                  "--managers", "4", "--seed", "7")
    assert int(psql(CATALOG)) == catalog
    assert int(psql(MANAGERS)) == managers
    assert psql("SELECT count(*) FROM crm_team WHERE name->>'en_US' = 'Интернет-магазин'") == "1"
    assert psql("SELECT count(*) FROM (SELECT name FROM sale_order GROUP BY name HAVING count(*) > 1) d") == "0"


def test_generator_refuses_a_database_without_ecom_crm(odoo_cmd, e2e_db):
    proc = subprocess.run(odoo_cmd("ecom_demo_store", "-d", "no_such_database_xyz", "--log-level=critical"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "does not exist" in proc.stderr
