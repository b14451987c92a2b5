"""``odoo-bin ecom_scoring_backtest``: would the scoring have been right?

Usage (the addons path must come first so that Odoo finds this command)::

    odoo-bin --addons-path=addons,... ecom_scoring_backtest -d DB --as-of 2026-06-01 [--horizon-days 90] [--json]

Scores the customers who had at least one confirmed order before ``--as-of`` exactly as the nightly
job would have on that day (data dated before it only; the model learns as of as-of - horizon), then
compares with what happened in the ``--horizon-days`` after. With ``--json`` the last line of standard
output is one JSON object (customers, positives, auc, top_decile_lift, brier, deciles, baseline,
crosssell: see scoring/backtest.py); without, a readable table. Any other option goes to Odoo's
configuration parser (``--db_host``...). Exit status 2 on bad arguments, 1 when the database cannot
be backtested.
"""

import argparse
import dataclasses
import json
import math
import sys
from datetime import date, timedelta

import odoo
import odoo.service.db
from odoo.cli import Command
from odoo.tools import config


def _json_safe(value):
    """NaN and infinities (an empty decile, no buyer at all) are not JSON: null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


class EcomScoringBacktest(Command):
    """Backtest the customer scoring on a database's own history (ecom_crm_scoring)"""

    name = "ecom_scoring_backtest"

    def run(self, cmdargs):
        parser = argparse.ArgumentParser(prog="odoo-bin ecom_scoring_backtest", description=self.__doc__)
        parser.add_argument("--as-of", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD",
                            help="the day the scores are computed for, as the nightly job would have")
        parser.add_argument("--horizon-days", type=int, default=90,
                            help="days after --as-of in which an order counts (default 90)")
        parser.add_argument("--company", type=int, help="company id (default: the first company)")
        parser.add_argument("--crosssell-customers", type=int, default=100_000,
                            help="customers whose cross-sell suggestions are checked (default 100000)")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
        args, odoo_args = parser.parse_known_args(cmdargs)
        if not 1 <= args.horizon_days <= 730:
            parser.error("--horizon-days must be between 1 and 730")
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if not dbname:
            parser.error("give the database with -d")
        if not odoo.service.db.exp_db_exist(dbname):
            sys.exit(f"ecom_scoring_backtest: database {dbname!r} does not exist")
        from ..scoring import backtest

        registry = odoo.modules.registry.Registry(dbname)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            if "ecom.scoring.history" not in env:
                sys.exit(f"ecom_scoring_backtest: ecom_crm_scoring is not installed in database {dbname!r}")
            company = env["res.company"].browse(args.company) if args.company else \
                env["res.company"].search([], limit=1, order="id")
            if not company.exists():
                sys.exit(f"ecom_scoring_backtest: no company {args.company} in database {dbname!r}")
            today = env["ecom.scoring.run"]._store_today(company)
            if args.as_of + timedelta(days=args.horizon_days) > today:
                # the days after it are not all known: its buyers would be counted short
                latest = today - timedelta(days=args.horizon_days)
                parser.error(f"--as-of {args.as_of} with --horizon-days {args.horizon_days} ends after today "
                             f"({today}): what happens then is not known yet; the latest --as-of for "
                             f"{args.horizon_days} days is {latest}")
            history, _partner_ids = env["ecom.scoring.history"]._read(company)
            settings = dataclasses.replace(company._ecom_scoring_settings(), horizon=args.horizon_days)
            cr.rollback()  # read only: the temporary tables go, nothing is written
        before = (history.orders.day < args.as_of.toordinal()) & history.orders.confirmed
        if not before.any():
            sys.exit(f"ecom_scoring_backtest: no customer had a confirmed order before {args.as_of}")
        result = backtest.backtest(history, args.as_of.toordinal(), args.horizon_days, settings=settings,
                                   crosssell_customers=args.crosssell_customers)
        result["as_of"] = args.as_of.isoformat()
        if args.json:
            print(json.dumps(_json_safe(result), ensure_ascii=False))
        else:
            print(backtest.format_table(result))
