from odoo import models


class SpreadsheetDashboard(models.Model):
    _inherit = "spreadsheet.dashboard"

    def get_readonly_dashboard(self):
        """A dashboard of other groups opened by its link (``/odoo/store-dashboard`` sent to a
        salesperson) gets Odoo's access error: without the check the record rule hid its data and
        the web client showed a traceback (``json.loads(False)``)."""
        self.check_access("read")
        return super().get_readonly_dashboard()
