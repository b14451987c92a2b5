"""Run inside `odoo-bin shell` by bench/commerceml.sh: the same products through a bare parse, our
CommerceML import and Odoo's own CSV import (load), each from the same empty state, in one run.

Besides wall-clock seconds, the parse and our import report CPU seconds: of this process (Python)
and of its PostgreSQL backend (when the server runs on this machine), steadier than wall time on a
machine other work shares."""

import csv
import json
import os
import resource
import time
import tracemalloc

from odoo.addons.ecom_crm_1c.commerceml import read_catalog, read_offers


def backend_cpu():
    """CPU seconds this session's PostgreSQL backend has used so far (None if it runs elsewhere)."""
    env.cr.execute("SELECT pg_backend_pid()")  # noqa: F821
    try:
        with open(f"/proc/{env.cr.fetchone()[0]}/stat") as f:  # noqa: F821
            stat = f.read().rsplit(")", 1)[1].split()  # fields 3 onwards: utime and stime are 14 and 15
    except OSError:
        return None
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def cpu_since(process, backend):
    """CPU seconds of this process and of the PostgreSQL backend since ``(process, backend)``."""
    now = backend_cpu()
    return {"python_cpu_seconds": round(time.process_time() - process, 1),
            "postgres_cpu_seconds": None if now is None or backend is None else round(now - backend, 1)}


folder = os.environ["BENCH_DIR"]
count = int(os.environ["BENCH_COUNT"])
results = {"products": count, "files_mb": round(sum(os.path.getsize(f"{folder}/{f}") for f in
                                                     ("import.xml", "offers.xml")) / 1e6, 1)}

started, parse_cpu = time.perf_counter(), time.process_time()
items = sum(1 for _ in read_catalog(f"{folder}/import.xml")) + sum(1 for _ in read_offers(f"{folder}/offers.xml"))
parse_s, parse_cpu = time.perf_counter() - started, time.process_time() - parse_cpu
tracemalloc.start()  # a second pass, traced: what the streaming readers hold at most
sum(1 for _ in read_catalog(f"{folder}/import.xml"))
results["bare_parse"] = {"seconds": round(parse_s, 2), "cpu_seconds": round(parse_cpu, 2),
                         "items_per_s": round(2 * count / parse_s),
                         "catalog_peak_traced_mb": round(tracemalloc.get_traced_memory()[1] / 1e6, 1)}
tracemalloc.stop()

importer = env["ecom.1c.importer"]  # noqa: F821 (odoo shell)
if os.environ.get("BENCH_WHOLESALE") == "1":  # the wholesale price type goes to a pricelist, as a store maps it
    pricelist = env["product.pricelist"].create({"name": "Опт"})  # noqa: F821
    env["ecom.1c.price.type"].create([  # noqa: F821
        {"name": "Розничная", "ecom_1c_id": "retail", "target": "list_price"},
        {"name": "Оптовая", "ecom_1c_id": "wholesale", "target": "pricelist", "pricelist_id": pricelist.id}])
cpu = (time.process_time(), backend_cpu())
started = time.perf_counter()
catalog = importer._import_catalog(f"{folder}/import.xml")
env.flush_all()  # noqa: F821
offers_started = time.perf_counter()
offers = importer._import_offers(f"{folder}/offers.xml")
env.flush_all()  # noqa: F821
ours_s = time.perf_counter() - started
offers_s = time.perf_counter() - offers_started
ours_cpu = cpu_since(*cpu)
started = time.perf_counter()  # the same offers again: what an unchanged package costs
importer._import_offers(f"{folder}/offers.xml")
env.flush_all()  # noqa: F821
results["commerceml_import"] = {"seconds": round(ours_s, 1), **ours_cpu, "items_per_s": round(2 * count / ours_s),
                                "offers_seconds": round(offers_s, 1),
                                "offers_again_seconds": round(time.perf_counter() - started, 1),
                                "created": catalog["created"], "offers_updated": offers["updated"],
                                "pricelist_items": env["product.pricelist.item"].search_count([]),  # noqa: F821
                                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
env.cr.rollback()  # noqa: F821
env.invalidate_all()  # noqa: F821
print(json.dumps(results, ensure_ascii=False), flush=True)  # what is known so far

with open(f"{folder}/products.csv", encoding="utf-8") as f:
    rows = list(csv.reader(f))
# Odoo's CSV import slows down as the catalog grows; past BENCH_CSV_LIMIT seconds (default 900) it
# is stopped and its rate so far is what we compare with (the most favourable part of its run)
limit = float(os.environ.get("BENCH_CSV_LIMIT", 900))
started = time.perf_counter()
Template = env["product.template"]  # noqa: F821
loaded = 0
for start in range(1, len(rows), 1000):  # the import wizard's batches
    result = Template.load(rows[0], rows[start:start + 1000])
    assert not result["messages"], result["messages"][:3]
    loaded += len(rows[start:start + 1000])
    env.flush_all()  # noqa: F821
    if time.perf_counter() - started > limit:
        break
csv_s = time.perf_counter() - started
results["odoo_csv_import"] = {"seconds": round(csv_s, 1), "products": loaded, "complete": loaded == count,
                              "products_per_s": round(loaded / csv_s, 1),
                              "note": "catalog fields only: no categories, prices or stock"}
env.cr.rollback()  # noqa: F821
results["speedup_vs_csv_per_product"] = round((count / ours_s) / (loaded / csv_s), 1)
print(json.dumps(results, ensure_ascii=False))
