"""The intake queue's scheduling (tools/intake_queue.py), without a database: a fake queue, a fake
clock, and the decisions a pass takes."""

from odoo.tests import BaseCase, tagged

from ..tools.intake_queue import HAND_OVER_SECONDS, MAX_CONFLICTS, MAX_LOOKS, QueueOps, QueuePass


class Conflict(Exception):
    """A concurrent change, as PostgreSQL's serialization failure."""


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class FakeQueue(QueueOps):
    """A queue of request ids with their arrival times; the lock is free unless ``held`` says so
    (a list of answers consumed one per try, then free). A transaction sees the requests committed
    before it began: ``arrive_while_waiting`` are committed while one runs, seen by the next one.
    ``log`` records each operation, ``holding`` whether this transaction holds the queue."""

    def __init__(self, clock, arrivals=(), held=(), traffic=False, gather_lock_free=True):
        self.clock = clock
        self.pending = dict(arrivals)  # id: arrival time
        self.held = list(held)
        self.traffic = traffic
        self.gather_lock_free = gather_lock_free
        self.batches, self.commits, self.rollbacks, self.woken, self.lock_tries = [], 0, 0, 0, 0
        self.fail = []  # exceptions process() raises, one per call, before succeeding
        self.arrive_while_waiting = {}  # id: arrival time, added at the next commit (requests keep coming)
        self.arrive_during_look = []  # per look that finds nothing: {id: arrival time} committed meanwhile
        self.log, self.holding = [], False

    def lock_queue(self):
        self.lock_tries += 1
        taken = not (self.held and self.held.pop(0))
        self.holding = self.holding or taken
        self.log.append("lock" if taken else "taken")
        return taken

    def fetch(self, size):
        ids = sorted(self.pending)[:size]
        self.log.append("fetch")
        if not ids and self.arrive_during_look:
            self.arrive_while_waiting.update(self.arrive_during_look.pop(0))
        return [(i, self.clock() - self.pending[i]) for i in ids]

    def process(self, ids):
        if self.fail:
            raise self.fail.pop(0)
        self.batches.append(list(ids))
        for i in ids:
            del self.pending[i]

    def commit(self):
        self.commits += 1
        self.pending.update(self.arrive_while_waiting)
        self.arrive_while_waiting = {}
        self.log.append("commit")
        self.holding = False

    def rollback(self):
        self.rollbacks += 1
        self.holding = False

    def waiting(self):
        self.log.append("waiting, queue held" if self.holding else "waiting")
        return bool(self.pending)

    def traffic_ongoing(self):
        return self.traffic

    def try_gather_lock(self):
        return self.gather_lock_free

    def release_gather_lock(self):
        pass

    def wake_processor(self):
        self.woken += 1


class SnapshotQueue(FakeQueue):
    """The queue as PostgreSQL shows it to Odoo's REPEATABLE READ transactions: a transaction sees the
    requests committed before its first statement. After the pass's operation number ``arrive_after``
    a request is committed and its worker tries the queue: held by the pass, it leaves the request to
    it (``left``); free, it takes the queue and the request itself."""

    def __init__(self, clock, arrivals=(), arrive_after=0, **options):
        super().__init__(clock, arrivals, **options)
        self.snapshot = None
        self.operations = 0
        self.arrive_after = arrive_after
        self.left = []

    def operation(self, run, *args):
        if self.snapshot is None:
            self.snapshot = dict(self.pending)
        result = run(*args)
        self.operations += 1
        if self.operations == self.arrive_after:
            if self.holding:
                self.pending[100] = self.clock()
                self.left.append(100)
        return result

    def lock_queue(self):
        return self.operation(super().lock_queue)

    def fetch(self, size):
        ids = sorted(i for i in self.snapshot if i in self.pending)[:size]
        return self.operation(lambda: [(i, self.clock() - self.pending[i]) for i in ids])

    def process(self, ids):
        return self.operation(super().process, ids)

    def waiting(self):
        return self.operation(lambda: bool(self.snapshot))

    def commit(self):
        self.operation(super().commit)
        self.snapshot = None

    def rollback(self):
        self.operation(super().rollback)
        self.snapshot = None


@tagged("post_install", "-at_install", "ecom_crm")
class TestQueuePass(BaseCase):
    def setUp(self):
        super().setUp()
        self.clock = FakeClock()

    def run_pass(self, queue, **options):
        return QueuePass(queue, clock=self.clock, sleep=self.clock.sleep, retryable=(Conflict,), **options).run()

    def test_batches_in_arrival_order_then_one_more_look(self):
        queue = FakeQueue(self.clock, dict.fromkeys(range(1, 251), 0.0))
        self.assertEqual(self.run_pass(queue, batch=200), 250)
        self.assertEqual([len(b) for b in queue.batches], [200, 50])
        self.assertEqual(queue.batches[0][:3], [1, 2, 3])
        self.assertEqual(queue.commits, 3, "each batch committed, and the queue let go before the last look")
        self.assertEqual(queue.log[-3:], ["fetch", "commit", "waiting"], "the last look is taken without the queue")

    def test_a_request_committed_during_the_last_look_is_taken(self):
        """A request committed while the pass looks at the empty queue under its lock (after that
        transaction's snapshot: its worker found the queue taken and left the request to us) is seen
        by the look after the release: the pass takes it, and the next one, before it stops."""
        queue = FakeQueue(self.clock)
        queue.arrive_during_look = [{7: 0.0}, {8: 0.0}]
        self.assertEqual(self.run_pass(queue, wait=False), 2)
        self.assertEqual(queue.batches, [[7], [8]])
        self.assertEqual(queue.pending, {})
        self.assertNotIn("waiting, queue held", queue.log)
        self.assertEqual(queue.log[-2:], ["commit", "waiting"])

    def test_no_request_left_to_nobody_whenever_it_arrives(self):
        """Whatever instant of a pass a request is committed at, it is processed: by the pass when its
        worker found the queue held by it, else by that worker. A look under the lock has the snapshot
        of when the lock was taken: only a look after the release sees a request committed later. So
        for an HTTP worker's pass and for the cron's, which hands the queue over while requests arrive
        (as a pass out of its time does)."""
        passes = {
            "after an answer": ({}, {"wait": False}),
            "the cron while requests arrive": ({"traffic": True}, {"yield_to_traffic": True, "batch": 1}),
        }
        for name, (queue_options, options) in passes.items():
            left = 0
            for after in range(1, 40):
                queue = SnapshotQueue(self.clock, {1: 0.0, 2: 0.0}, arrive_after=after, **queue_options)
                processed = self.run_pass(queue, **options)
                if queue.operations < after:
                    break  # past the pass's last operation
                self.assertEqual(queue.pending, {}, f"{name}: a request committed after operation {after}")
                self.assertEqual(processed, 2 + len(queue.left), f"{name}: after operation {after}")
                left += len(queue.left)
            self.assertGreater(left, 2, f"{name}: requests were left to the pass at several instants")

    def test_a_request_none_of_its_looks_can_fetch_ends_the_pass(self):
        """A request seen waiting that the pass cannot fetch (its row locked by a transaction outside
        the queue) is looked for again a little later each time, MAX_LOOKS times: then the cron's."""
        queue = FakeQueue(self.clock)
        queue.waiting = lambda: True
        self.assertEqual(self.run_pass(queue, wait=False), 0)
        self.assertEqual(queue.lock_tries, MAX_LOOKS + 1)
        self.assertEqual(self.clock.slept, [0.05 * n for n in range(1, MAX_LOOKS)])
        self.assertEqual(queue.woken, 1, "the cron woken: a request committed during the last look is its too")

    def test_a_request_another_processor_holds_is_left_to_it(self):
        """The look after the release counts a request another processor has in hand: the pass then
        finds the queue taken and leaves (that processor looks again before it stops)."""
        queue = FakeQueue(self.clock, held=[False, True])
        queue.arrive_during_look = [{9: 0.0}]
        self.assertEqual(self.run_pass(queue, wait=False), 0)
        self.assertEqual(queue.log, ["lock", "fetch", "commit", "waiting", "commit", "taken"])

    def test_small_young_batch_gathers_then_is_processed(self):
        """Under load a small batch of requests that have just arrived waits for more (a batch costs
        the same reads and searches whatever its size), then goes whole."""
        now = self.clock.now
        queue = FakeQueue(self.clock, {1: now - 0.1, 2: now, 3: now})
        queue.arrive_while_waiting = {4: now + 0.2}
        self.assertEqual(self.run_pass(queue, batch=100, wait=False, gather=0.5), 4)
        self.assertEqual(queue.batches, [[1, 2, 3, 4]])
        self.assertEqual(len(self.clock.slept), 1, "one wait, then the batch")
        self.assertAlmostEqual(self.clock.slept[0], 0.4, 3, "until the oldest request is half a second old")

    def test_no_gathering_for_a_full_or_old_batch_nor_without_gather(self):
        now = self.clock.now
        full = FakeQueue(self.clock, {1: now, 2: now})
        self.assertEqual(self.run_pass(full, batch=4, wait=False, gather=0.5), 2)
        old = FakeQueue(self.clock, {1: now - 0.6})
        self.assertEqual(self.run_pass(old, batch=100, wait=False, gather=0.5), 1)
        cron = FakeQueue(self.clock, {1: self.clock.now})
        self.assertEqual(self.run_pass(cron, batch=100), 1)
        self.assertEqual(self.clock.slept, [], "nothing waited")

    def test_another_worker_gathering_gets_the_batch(self):
        queue = FakeQueue(self.clock, {1: self.clock.now}, gather_lock_free=False)
        self.assertEqual(self.run_pass(queue, batch=100, wait=False, gather=0.5), 0)
        self.assertEqual(queue.pending, {1: 1000.0}, "left to the worker that waits for it")

    def test_after_gathering_the_worker_waits_for_the_queue(self):
        """The others left the batch to the worker that waited for it: finding the queue held for
        an instant (by a worker about to leave) it tries again instead of leaving the batch to
        nobody (the tail of a burst would wait a minute for the cron)."""
        queue = FakeQueue(self.clock, {1: self.clock.now}, held=[False, True, True])
        self.assertEqual(self.run_pass(queue, batch=100, wait=False, gather=0.5), 1)
        self.assertEqual(queue.lock_tries, 5, "taken at the fourth try, then once more after its batch")

    def test_an_http_worker_leaves_a_held_queue_the_cron_waits(self):
        queue = FakeQueue(self.clock, {1: 0.0}, held=[True])
        self.assertEqual(self.run_pass(queue, wait=False), 0)
        self.assertEqual(queue.log, ["taken"])
        cron = FakeQueue(self.clock, {1: 0.0}, held=[True, True])
        self.assertEqual(self.run_pass(cron), 1)
        self.assertEqual(cron.rollbacks, 2, "waited for the holder")

    def test_out_of_time_while_requests_arrive_the_queue_is_handed_over(self):
        """A pass out of its time while requests keep arriving offers the queue to the workers of
        later answers: it leaves if one took it, else (those requests were the last) it goes on."""
        for taken, processed in ((True, 0), (False, 1)):
            queue = FakeQueue(self.clock, {1: 0.0}, traffic=True, held=[taken])
            instants = iter([100.0])  # the pass starts, then it is past its budget of 10 s (not 3 times it)
            slept = []
            handed = QueuePass(queue, budget=10.0, wait=False, retryable=(Conflict,),
                               clock=lambda instants=instants: next(instants, 111.0), sleep=slept.append)
            self.assertEqual(handed.run(), processed, taken)
            self.assertEqual(slept[0], HAND_OVER_SECONDS, "the queue let go for an instant")
            self.assertEqual(bool(queue.pending), taken, "taken by another worker: left to it")

    def test_out_of_three_times_its_time_it_leaves_the_rest_to_the_cron(self):
        queue = FakeQueue(self.clock, dict.fromkeys(range(10), 0.0))

        def slow(ids, original=queue.process):
            self.clock.now += 40
            original(ids)

        queue.process = slow
        self.assertEqual(self.run_pass(queue, batch=2, budget=10.0, wait=True), 2)
        self.assertEqual(queue.woken, 1, "the cron is woken for the rest")

    def test_the_cron_yields_to_the_http_workers_while_requests_arrive(self):
        """While requests arrive the cron hands the queue over after a batch: an HTTP worker that takes
        it goes on; when none does (those requests were the last), the cron finishes the queue."""
        taken = FakeQueue(self.clock, dict.fromkeys(range(10), 0.0), traffic=True, held=[False, False, True])
        self.assertEqual(self.run_pass(taken, batch=2, yield_to_traffic=True), 2)
        gathering = FakeQueue(self.clock, dict.fromkeys(range(10), 0.0), traffic=True, gather_lock_free=False)
        self.assertEqual(self.run_pass(gathering, batch=2, yield_to_traffic=True), 2,
                         "a worker waiting for a batch to gather comes back for the queue: left to it")
        self.clock.slept.clear()
        left = FakeQueue(self.clock, dict.fromkeys(range(10), 0.0), traffic=True)
        self.assertEqual(self.run_pass(left, batch=2, yield_to_traffic=True), 10)
        self.assertEqual(self.clock.slept, [HAND_OVER_SECONDS] * 5, "handed over after each batch")

    def test_conflicts_are_retried_then_raised(self):
        queue = FakeQueue(self.clock, {1: 0.0})
        queue.fail = [Conflict("40001")] * 2
        self.assertEqual(self.run_pass(queue), 1, "retried in a new transaction")
        self.assertEqual(queue.rollbacks, 2)
        stubborn = FakeQueue(self.clock, {1: 0.0})
        stubborn.fail = [Conflict("40001")] * (MAX_CONFLICTS + 1)
        with self.assertRaises(Conflict):
            self.run_pass(stubborn)
        self.assertEqual((stubborn.woken, stubborn.pending), (1, {1: 0.0}), "left to the cron, woken")
        in_a_test = FakeQueue(self.clock, {1: 0.0})
        in_a_test.fail = [Conflict("40001")]
        with self.assertRaises(Conflict):
            self.run_pass(in_a_test, auto_commit=False)
        self.assertEqual(in_a_test.pending, {1: 0.0}, "left waiting, not failed")
