"""Top-level tests: cross-addon and end-to-end, on the pristine copy of the test database.

scripts/test installs the addons once, copies that database to $ECOM_E2E_DB before pytest
starts, and exports where Odoo and its configuration are; these tests may commit, run Odoo
commands and serve HTTP on that copy without disturbing the addons' transactional tests.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def e2e_db():
    name = os.environ.get("ECOM_E2E_DB")
    if not name:
        pytest.fail("ECOM_E2E_DB is not set: run the suite with scripts/test")
    return name


@pytest.fixture(scope="session")
def odoo_cmd():
    """Build an odoo-bin command line on the test PostgreSQL, with our addons path first."""
    odoo_bin = Path(os.environ.get("ODOO_PATH", "/opt/odoo-18")) / "odoo-bin"

    def build(subcommand, *args):
        return [
            sys.executable, str(odoo_bin), f"--addons-path={os.environ['ECOM_ADDONS_PATH']}", subcommand,
            # again after the configuration file, whose addons path (the docker image's) would win
            "-c", os.environ["ECOM_ODOO_CONF"], f"--addons-path={os.environ['ECOM_ADDONS_PATH']}",
            f"--db_host={os.environ['PGHOST']}",
            f"--db_port={os.environ.get('PGPORT', '5432')}", f"--db_user={os.environ.get('PGUSER', 'odoo')}",
            f"--db_password={os.environ.get('PGPASSWORD', '')}", *args,
        ]

    return build


@pytest.fixture
def psql(e2e_db):
    def run(query):
        out = subprocess.run(["psql", "-d", e2e_db, "-AtXc", query], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    return run


@pytest.fixture
def psql_on():
    """``psql_on(database, query)``: the query's rows, one per line, columns separated by |."""
    def run(database, query):
        out = subprocess.run(["psql", "-d", database, "-AtXc", query], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    return run
