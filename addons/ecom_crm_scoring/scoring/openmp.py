"""OpenMP's waiting policy for scikit-learn's threads, set before scikit-learn loads its OpenMP
runtime (libgomp reads it once, as it loads): imported by the modules that import scikit-learn,
before they do, and by the Odoo job before it imports the engine in a thread (the process's
environment is written before that thread runs beside the job's: ``setenv`` is not thread-safe).
The variable stays in the worker's environment (its child processes inherit it).

By default a thread of an OpenMP loop that has finished its share spins, on a core, waiting for the
others (``OMP_WAIT_POLICY=ACTIVE``-like, for a while); on a server whose other cores are busy (Odoo's
workers, PostgreSQL) the thread it waits for does not run meanwhile. Predicting the order chance of
700,000 customers on two threads took 5.4 s with another process holding one of the two cores
(1.8 s on a quiet machine), 3.0-3.1 s with the threads waiting passively (asleep); the first run
as a whole 32.2 s against 27.8-29.9 s, and on the quiet machine 22.3 s against 21.4-22.2 s (the 1M
demo store; one run with the default policy, several with the passive one: CHANGELOG).
``setdefault``: a server that sets the variable keeps its own."""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
