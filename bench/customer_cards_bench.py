# Run inside `odoo-bin shell` on a database filled by the demo store (bench/customer_cards.sh): the
# daily refresh of the customer cards (the days since the last order move every night, so nearly
# every card is rewritten) as the scheduled job runs it, in batches of customers (each batch a
# transaction of its own in the job; here all in one, rolled back after each measure so that each
# starts from the same cards), against every card in one UPDATE (the job before it took batches: a
# single customer saved meanwhile failed it as a whole). Alternated, each measured twice: the machine
# is shared. Prints one JSON object (seconds, and the rows changed).
import json
import time

env = env  # noqa: F821 (the shell's env)
Partner = env["res.partner"]
BATCHES = (2000, 5000, 10000)


def timed(call):
    started = time.perf_counter()
    rows = call()
    seconds = round(time.perf_counter() - started, 1)
    env.cr.rollback()
    env.invalidate_all()
    return seconds, rows


def one_statement():
    return Partner._ecom_refresh_customer_card()


def job(batch):
    return lambda: Partner._cron_ecom_refresh_customer_cards(batch=batch, auto_commit=False)


figures = {"customers with a card": len(Partner._ecom_card_holders())}
env.cr.rollback()
for rnd in (1, 2):
    figures[f"one UPDATE, run {rnd}"], figures["rows changed"] = timed(one_statement)
    for batch in BATCHES:
        figures[f"job, batches of {batch}, run {rnd}"], _rows = timed(job(batch))
print(json.dumps(figures), flush=True)
