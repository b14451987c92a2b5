"""``odoo-bin ecom_demo_store``: fill a database with the demo online store.

Usage (the addons path must come first so that Odoo finds this command)::

    odoo-bin --addons-path=addons,... ecom_demo_store -c odoo.conf -d DB --scale small
    odoo-bin --addons-path=addons,... ecom_demo_store -d DB --customers 1000000 --json

The database must have ``ecom_crm`` installed.  Any other option is passed to
Odoo's configuration parser (``--db_host``, ``--db_user``...).
"""

import argparse
import json
import logging
import sys

import odoo
import odoo.service.db
from odoo.cli import Command
from odoo.tools import config

_logger = logging.getLogger(__name__)


class EcomDemoStore(Command):
    """Fill a database with a realistic Russian online store (ecom_crm)"""

    name = "ecom_demo_store"

    def run(self, cmdargs):
        from ..demo_store import SCALES, DemoStoreGenerator

        parser = argparse.ArgumentParser(prog="odoo-bin ecom_demo_store", description=self.__doc__)
        parser.add_argument("--scale", choices=sorted(SCALES), default="small",
                            help="preset sizes (default: small, what docker compose and scripts/run load)")
        parser.add_argument("--customers", type=int, help="number of customers (overrides the scale)")
        parser.add_argument("--products", type=int)
        parser.add_argument("--leads", type=int)
        parser.add_argument("--managers", type=int)
        parser.add_argument("--lines-per-customer", type=float, default=10.0,
                            help="average sale order lines per customer (default 10)")
        parser.add_argument("--months", type=int, default=24, help="history length in months (default 24)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--chunk-size", type=int, default=50_000)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        args, odoo_args = parser.parse_known_args(cmdargs)
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if not dbname:
            sys.exit("ecom_demo_store: give the database with -d")

        size = dict(SCALES[args.scale])
        if args.customers is not None and args.leads is None:
            # keep the preset's share of customers who sent a request
            size["leads"] = round(args.customers * size["leads"] / size["customers"])
        for key in ("customers", "products", "leads", "managers"):
            if getattr(args, key) is not None:
                size[key] = getattr(args, key)

        if not odoo.service.db.exp_db_exist(dbname):
            sys.exit(f"ecom_demo_store: database {dbname!r} does not exist; create it with "
                     f"odoo-bin -d {dbname} -i ecom_crm first")
        registry = odoo.modules.registry.Registry(dbname)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if "ecom_crm" not in env.registry._init_modules:
                sys.exit(f"ecom_demo_store: ecom_crm is not installed in database {dbname!r}")
            stats = DemoStoreGenerator(
                env, lines_per_customer=args.lines_per_customer, months=args.months, seed=args.seed,
                chunk_size=args.chunk_size, commit=True, **size,
            ).run()
        if args.json:
            print(json.dumps(stats))
        else:
            print("demo store: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
