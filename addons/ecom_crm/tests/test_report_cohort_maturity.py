"""A cohort's repeat share counts the customers whose window has passed, in its numerator as in its
denominator: a share is never over 100 % (the young cohorts' were: 133 %, 5,200 %)."""

from datetime import datetime, timedelta

from odoo.tests import tagged

from .test_reports_channels import ReportCase


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestCohortMaturity(ReportCase):
    def test_young_repeat_buyers_wait_for_their_window(self):
        # noon (UTC): the orders' days are the same in the store's time zone (Moscow), whose month the cohort is
        now = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0)
        young, old, old_once = (self.Partner.create({"name": name}) for name in ("Юная", "Давняя", "Разовая"))
        self._order(young, 1000, now - timedelta(days=30))
        self._order(young, 1000, now - timedelta(days=20))  # again within 3 months, but 3 months have not passed
        for partner in (old, old_once):
            self._order(partner, 1000, now - timedelta(days=200))
        self._order(old, 1000, now - timedelta(days=180))
        self.refresh()
        fields = ["customer_count", "repeat_3m", "matured_3m", "repeat_3m_share", "repeat_12m", "repeat_12m_share"]
        total = self.groups("ecom.report.cohort", None, fields)[None]
        self.assertEqual((total["customer_count"], total["repeat_3m"], total["matured_3m"], total["repeat_12m"]),
                         (3, 1, 2, 0))
        self.assertAlmostEqual(total["repeat_3m_share"], 50)  # 2 of 2 before: the young buyer counted
        self.assertFalse(total["repeat_12m_share"], "nobody has had 12 months yet")
        month = (now - timedelta(days=30)).replace(day=1).date()
        young_month = self.groups("ecom.report.cohort", "date:month", ["repeat_3m", "matured_3m"],
                                  [("date", "=", month)])
        self.assertEqual(list(young_month.values()), [{"repeat_3m": 0, "matured_3m": 0}])
