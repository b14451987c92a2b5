"""Scheduling of the intake queue's processing, in plain Python: no ORM, no database.

A pass over the queue decides when to take it, how big a batch is, when to wait for a batch to
gather, when to hand the queue over and when to stop; what it does to the database comes from an
``ops`` object (see :class:`QueueOps`), and time from the ``clock`` and ``sleep`` it is given, so
that the decisions are tested without a database (tests/test_intake_queue.py). The ORM side is
``ecom.intake.request._process_queue``.
"""

import logging
import random
import time

_logger = logging.getLogger(__name__)

# a batch that keeps conflicting with concurrent changes is left pending for a later pass
MAX_CONFLICTS = 5
# a pass that saw a request waiting after letting the queue go, and then fetched none, looks again
# (a little later each time) up to this many times in a row: a request none of its looks can fetch
# is locked by a transaction outside the queue, and looking on would spin
MAX_LOOKS = 5
# a pass out of its time while requests keep arriving lets the queue go for this long, for the worker
# of a later answer to take it (see QueuePass.hand_over)
HAND_OVER_SECONDS = 0.1
# a batch of fewer than half the batch size taken by a worker after its answer waits until its
# oldest request is this old (one worker waits; a lone request waits too): a batch's fixed cost
# (the ORM's reads, the customers' and open leads' searches, the commit) is then shared by more
# requests under load
GATHER_SECONDS = 0.5
# the largest batch of a pass after an answer: per request, a batch of 200 costs ≈ 15% less CPU
# than one of 100 (1.30–1.45 against 1.53–1.75 ms) and one of 400 no less than 200; under steady
# load batches gather to about half of it, a backlog (a burst's tail) is taken 200 at a time
AFTER_ANSWER_BATCH = 200


class QueueOps:
    """What a pass does to the database; the ORM side implements each method.

    ``lock_queue()``: take the queue for the current transaction if free (True) or not (False);
    ``fetch(size)``: up to ``size`` waiting requests in arrival order, as ``(id, age in seconds)``,
    locked for this transaction; ``process(ids)``: turn them into leads (may raise a retryable
    error, see QueuePass); ``commit()`` / ``rollback()``: end the transaction, which releases the
    queue; ``traffic_ongoing()``: whether a request arrived within the last second and waits;
    ``try_gather_lock()`` / ``release_gather_lock()``: the lock of the one worker that waits for a
    batch to gather (held across transactions); ``wake_processor()``: have the cron look at the
    queue soon; ``waiting()``: whether a request waits, seen as of now (the first statement of a
    transaction begun after the queue was let go).
    """

    def lock_queue(self):
        raise NotImplementedError

    def fetch(self, size):
        raise NotImplementedError

    def process(self, ids):
        raise NotImplementedError

    def commit(self):
        raise NotImplementedError

    def rollback(self):
        raise NotImplementedError

    def traffic_ongoing(self):
        raise NotImplementedError

    def try_gather_lock(self):
        raise NotImplementedError

    def release_gather_lock(self):
        raise NotImplementedError

    def wake_processor(self):
        raise NotImplementedError

    def waiting(self):
        raise NotImplementedError


class QueuePass:
    """One pass over the queue: batches processed and committed one after another until the queue
    is empty or the ``budget`` (seconds) is spent; :meth:`run` returns how many were processed.

    - ``wait``: when another processor holds the queue, wait for it (the cron) or give up at once
      (an HTTP worker after its answer: the holder sees its request before it stops, as a pass
      ends only once a look taken after it let the queue go finds nothing waiting);
    - out of time while requests keep arriving, a pass that does not wait hands the queue over to a
      later answer's worker (:meth:`hand_over`), and when they stopped arriving, or nobody took it,
      finishes the queue (up to three times its time) since nobody else would;
    - ``yield_to_traffic``: the cron, whose worker runs at a lower CPU priority, hands the queue
      over to the HTTP workers while requests arrive (:meth:`hand_over`): holding it starved would
      stall them;
    - ``gather``: a batch of fewer than half ``batch`` requests whose oldest arrived less than
      ``gather`` seconds ago waits for more (:meth:`gather_more`);
    - ``auto_commit=False`` (tests): one transaction, errors propagate;
    - ``retryable``: the exception classes of a concurrent change (the batch is retried in a new
      transaction, up to MAX_CONFLICTS times in a row).
    """

    def __init__(self, ops, *, batch=200, budget=50.0, auto_commit=True, wait=True,
                 yield_to_traffic=False, gather=0.0, retryable=(), clock=time.monotonic, sleep=time.sleep):
        self.ops = ops
        self.batch = batch
        self.budget = budget
        self.auto_commit = auto_commit
        self.wait = wait
        self.yield_to_traffic = yield_to_traffic
        self.gather = gather
        self.retryable = tuple(retryable)
        self.clock = clock
        self.sleep = sleep

    def run(self):
        ops = self.ops
        started = self.clock()
        processed = 0
        handed_over = False  # out of time while requests arrive, the queue was offered to the others
        gathered = False  # this worker waited for a batch: the others left it to us, we must take it
        conflicts = 0
        looks = 0  # looks after a release that saw a request waiting and then fetched none, in a row
        while True:
            elapsed = self.clock() - started
            if elapsed >= self.budget and self.auto_commit:
                if self.wait or elapsed >= 3 * self.budget:
                    ops.wake_processor()  # what is left: the cron
                    break
                if not handed_over and ops.traffic_ongoing():
                    handed_over = True
                    if self.hand_over():
                        break  # the worker of a later answer goes on
                    # nobody took it (the traffic ended): finish it, as when traffic has ended
            if not ops.lock_queue():
                if gathered:  # a worker that is leaving holds the queue for an instant
                    if self.auto_commit:
                        ops.commit()  # a fresh snapshot for the next try
                    self.sleep(0.05)
                    continue
                if not self.wait or not self.auto_commit or self.yield_to_traffic:
                    break  # the processor holding the queue sees our requests: it looks again before it stops
                ops.rollback()
                self.sleep(0.2)
                continue
            if self.yield_to_traffic and processed and self.auto_commit and ops.traffic_ongoing() \
                    and self.hand_over():
                break  # an HTTP worker took the queue; nobody did (the traffic ended): we go on
            try:
                rows = ops.fetch(self.batch)
            except self.retryable as error:
                # a request changed between this transaction's snapshot and its lock
                conflicts = self.conflicted(error, conflicts)
                continue
            ids = [row[0] for row in rows]
            if ids and self.gather and len(ids) < self.batch // 2 and rows[0][1] < self.gather:
                if self.gather_more(self.gather - float(rows[0][1])):
                    gathered = True
                    continue
                if self.auto_commit:
                    ops.commit()
                break  # another worker is gathering this batch
            if not ids:
                if not self.auto_commit:
                    break
                # The queue is let go, then looked at once more. A request committed while we held
                # it, whose worker found it taken and left it to us, may be after this transaction's
                # snapshot (taken with the lock: Odoo's transactions are REPEATABLE READ), so a look
                # under the lock cannot promise to see it; a look begun after the release does.
                ops.commit()
                if looks >= MAX_LOOKS:
                    # a request seen waiting that no look can fetch is locked by a transaction outside
                    # the queue: the cron takes it later, and one committed during our last look with it
                    ops.wake_processor()
                    break
                if not ops.waiting():
                    break
                ops.commit()  # the queue is taken again in a transaction of its own
                if looks:
                    self.sleep(0.05 * looks)
                looks += 1
                continue
            gathered = False
            looks = 0
            try:
                ops.process(ids)
            except self.retryable as error:
                # a concurrent change: the whole batch again in a new transaction, as Odoo retries requests
                conflicts = self.conflicted(error, conflicts)
                continue
            conflicts = 0
            processed += len(ids)
            if self.auto_commit:
                ops.commit()
        return processed

    def conflicted(self, error, conflicts):
        """After a concurrent change (``error``), the transaction rolled back for a new try: how many
        conflicts in a row now. Past MAX_CONFLICTS the error is raised, the cron woken for the
        requests left (nobody else may be about to look); in a test (no ``auto_commit``) at once."""
        if not self.auto_commit:
            raise error
        self.ops.rollback()
        if conflicts >= MAX_CONFLICTS:
            self.ops.wake_processor()
            self.ops.commit()
            raise error
        _logger.info("intake batch conflicted with a concurrent change (%s), retrying",
                     getattr(error, "pgcode", error))
        conflicts += 1
        self.sleep(random.uniform(0.05, 0.2) * conflicts)
        return conflicts

    def hand_over(self):
        """Let the queue go to the workers answering requests, and whether one of them took it.

        A worker answering within HAND_OVER_SECONDS takes it; a worker waiting for a batch to gather
        (:meth:`gather_more`) comes back for it, trying until it has it: we leave it the queue (True),
        which this transaction's end lets go. If the requests answered meanwhile were the last ones,
        nobody took it nor waits for it, and we keep it (False): otherwise they would wait for the
        cron's next minute."""
        self.ops.commit()
        self.sleep(HAND_OVER_SECONDS)
        if not self.ops.lock_queue():
            return True
        if not self.ops.try_gather_lock():
            return True
        self.ops.release_gather_lock()
        return False

    def gather_more(self, seconds):
        """Let requests gather for ``seconds`` (at most GATHER_SECONDS), the queue free meanwhile,
        unless another worker already waits for the same (False then, and it takes the batch).

        Under load a batch taken as soon as a request is answered holds a few requests and each
        batch costs the same reads, searches and commit whatever its size: a batch of 100 costs
        about half as much per request as one of 20. One worker waits, holding the gather lock."""
        if not self.ops.try_gather_lock():
            return False
        try:
            self.ops.commit()  # the queue and the batch's rows are free while we wait
            self.sleep(min(seconds, GATHER_SECONDS))
        finally:
            self.ops.release_gather_lock()
        return True
