"""Upgrading a store that runs the previous release (18.0.1.2.0, commit d2f6bd0): the migrations
turn the customer card into per-company values computed from the orders, move the intake's
scheduled action to its technical user, drop the indexes no query uses (18.0.1.5.0: those of
18.0.1.4.0's refusals view, made here by hand), and add the columns of the later releases (18.0.1.5.9: from
a release whose call backs did not name their call)."""

import os
import subprocess
import tarfile
import uuid

import pytest
from conftest import ROOT

PREVIOUS = "d2f6bd0"  # the last commit of 18.0.1.2.0
ADDONS = "ecom_crm,ecom_crm_1c,ecom_crm_scoring"
HISTORY = """
from odoo import Command
env.company.country_id = env.ref("base.ru")
product = env["product.product"].create({"name": "Пылесос", "list_price": 10000})
customer = env["res.partner"].create({"name": "Давняя Покупательница", "phone": "+79165550101"})
for price in (1000, 2500):
    order = env["sale.order"].create({"partner_id": customer.id, "order_line": [
        Command.create({"product_id": product.id, "price_unit": price})]})
    order.action_confirm()
env["res.partner"]._ecom_refresh_customer_card()
office = env["res.partner"].create({"name": "Офисная Ольга", "mobile": "+74951234567", "phone": "+79161112233"})
env.cr.commit()
print(office.id, customer.id, customer.ecom_order_count)
"""


@pytest.fixture(scope="module")
def previous_addons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("previous")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS, "addons"],
                             capture_output=True)
    if archive.returncode:
        pytest.skip(f"commit {PREVIOUS} is not in this clone's history: {archive.stderr.decode()[-200:]}")
    tar_path = folder / "previous.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(folder, filter="data")
    return folder / "addons"


def test_upgrade_from_the_previous_release(previous_addons, odoo_cmd, psql_on):
    name = f"ecom_upgrade_{uuid.uuid4().hex[:8]}"
    odoo_path = os.environ.get("ODOO_PATH", "/opt/odoo-18")
    old_path = f"{previous_addons},{odoo_path}/addons,{odoo_path}/odoo/addons"

    def odoo(*args, addons_path=None, stdin=None, command="server"):
        cmd = odoo_cmd(command, "-d", name, "--no-http", "--log-level=warn", *args)
        if addons_path:
            cmd = [part.replace(os.environ["ECOM_ADDONS_PATH"], addons_path) for part in cmd]
        proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc.stdout

    try:
        odoo("-i", ADDONS, "--without-demo=all", "--stop-after-init", addons_path=old_path)
        office_id, customer_id, count = odoo(addons_path=old_path, stdin=HISTORY, command="shell").split()[-3:]
        assert count == "2"
        # what 18.0.1.4.0 (commit e725334) left: the indexes of its refusals' view
        psql_on(name, "CREATE INDEX crm_lead_ecom_refusal_date_idx ON crm_lead (date_closed); "
                      "CREATE INDEX sale_order_ecom_returned_date_idx ON sale_order (date_order)")
        # an order quoted three days before its confirmation (which dated it, its quotation's date lost)
        psql_on(name, "UPDATE sale_order SET create_date = create_date - interval '3 days' "
                      "WHERE id = (SELECT min(id) FROM sale_order)")
        odoo("-u", ADDONS, "--stop-after-init")
        company = psql_on(name, "SELECT min(id) FROM res_company")
        card = psql_on(name, f"""SELECT ecom_order_count->>'{company}', ecom_customer_status->>'{company}'
                                   FROM res_partner WHERE id = {customer_id}""")
        assert card == "2|repeat", "the card holds the company's figures, computed from its orders"
        assert psql_on(name, """SELECT u.login FROM ir_cron c JOIN ir_model_data d ON d.res_id = c.id
                                  AND d.model = 'ir.cron' AND d.name = 'ir_cron_process_intake'
                                  JOIN res_users u ON u.id = c.user_id""") == "ecom_crm_intake_api"
        assert psql_on(name, "SELECT count(*) FROM pg_indexes WHERE indexname IN ("
                             "'crm_lead_ecom_open_user_idx', 'ecom_intake_request__state_index', "
                             "'crm_lead_ecom_refusal_date_idx', 'sale_order_ecom_returned_date_idx')") == "0"
        # 18.0.1.5.6: the SMS number filled by the upgrade (the mobile, else the phone, that takes SMS)
        numbers = psql_on(name, f"SELECT id, ecom_sms_number FROM res_partner WHERE id IN ({customer_id}, {office_id}) "
                                "ORDER BY id")
        assert numbers == f"{customer_id}|+79165550101\n{office_id}|+79161112233", numbers
        assert psql_on(name, "SELECT count(*) FROM pg_indexes WHERE tablename = 'res_partner' "
                             "AND indexdef LIKE '%(ecom_sms_number)%'") == "1", "the column's index is made"
        assert psql_on(name, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'res_partner' "
                             "AND column_name LIKE 'ecom_%moved%'") == "0", "no column left behind"
        # 18.0.1.5.9: the quotation's date and the contract, the call backs' own customer, company and time
        # (from a release whose call backs did not name their call); the orders confirmed before have no
        # quotation's date left: 18.0.1.6.0 dates the one confirmed days after it was made by its creation,
        # the one confirmed the day it was made prints the order's date, as it did
        assert psql_on(name, "SELECT count(*) FROM information_schema.columns WHERE (table_name, column_name) IN ("
                             "('sale_order', 'ecom_quotation_date'), ('sale_order', 'ecom_contract_number'), "
                             "('sale_order', 'ecom_contract_date'), ('mail_activity', 'ecom_call_at'), "
                             "('mail_activity', 'ecom_call_partner_id'), ('mail_activity', 'ecom_call_company_id'))"
                       ) == "6"
        assert psql_on(name, "SELECT count(*), count(ecom_quotation_date), count(*) FILTER (WHERE ecom_quotation_date "
                             "<= date_order::date - 2) "
                             "FROM sale_order WHERE state = 'sale'") == "2|1|1"
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)
