from odoo import models
from odoo.exceptions import AccessError


class SpreadsheetDashboard(models.Model):
    _inherit = "spreadsheet.dashboard"

    def get_readonly_dashboard(self):
        """A dashboard of other groups opened by its link (``/odoo/store-dashboard``, ``/odoo/action-…``
        typed or sent to a salesperson) says whose it is and where the user's own figures are: without the
        check the record rule hid its data and the web client showed a traceback (``json.loads(False)``),
        with Odoo's check alone a dialog of «top-secret records» and cookies for the administrator. Its
        figures are the store's, not scoped to the user: shown to managers only."""
        try:
            self.check_access("read")
        except AccessError as error:
            dashboard = self.sudo()
            groups = ", ".join(dashboard.group_ids.mapped("full_name"))
            raise AccessError(self.env._(
                "«%(dashboard)s» shows the whole store's figures and is open to %(groups)s only. Your own "
                "figures are in CRM › Reporting: «Sales funnel», «Salespeople», «Refusals». To see this "
                "dashboard, ask your administrator for access.",
                dashboard=dashboard.display_name, groups=groups or self.env._("its users"))) from error
        return super().get_readonly_dashboard()
