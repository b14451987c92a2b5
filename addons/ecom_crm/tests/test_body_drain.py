"""The bounds of the reading of a refused request's body after its answer (tools/json_http.drain_after), without a
server: its HTTP side is tested where clients send bodies (test_intake_edges, ecom_crm_1c's test_protocol)."""

import threading
import time
from unittest.mock import patch

from odoo.tests import BaseCase, tagged

from ..tools import json_http


@tagged("post_install", "-at_install", "ecom_crm")
class TestDrainSeconds(BaseCase):
    def test_the_drain_ends_before_odoo_time_limit(self):
        """The drain reads for the seconds it is given at most, less once the request has run so long that it would
        end within :data:`~json_http.DRAIN_MARGIN_SECONDS` of Odoo's ``limit_time_real`` (a worker killed, the
        threaded server reloaded), nothing past it; with no limit, the seconds given."""
        thread = threading.current_thread()
        margin = json_http.DRAIN_MARGIN_SECONDS
        for limit, ran, expected in ((120, 0, 60), (120, 50 - margin, 60), (120, 100 - margin, 20),
                                     (120, 115 - margin, 5), (120, 130, 0), (0, 1000, 60)):
            with self.subTest(limit=limit, ran=ran), \
                    patch.dict(json_http.config.options, {"limit_time_real": limit}), \
                    patch.object(thread, "start_time", None, create=True), \
                    patch.object(thread, "perf_t0", time.time() - ran, create=True):
                self.assertAlmostEqual(json_http._drain_seconds(60), expected, delta=1)

    def test_the_threaded_server_counts_from_the_connection_thread_start(self):
        """Odoo's threaded server starts a thread per connection (its ``start_time``): counted from it rather than
        from the WSGI application's clock (``perf_t0``), which starts later."""
        thread = threading.current_thread()
        with patch.dict(json_http.config.options, {"limit_time_real": 120}), \
                patch.object(thread, "start_time", time.time() - 100, create=True), \
                patch.object(thread, "perf_t0", time.time(), create=True):
            self.assertAlmostEqual(json_http._drain_seconds(30), 120 - 100 - json_http.DRAIN_MARGIN_SECONDS, delta=1)
