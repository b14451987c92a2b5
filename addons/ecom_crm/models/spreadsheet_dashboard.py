from odoo import api, models
from odoo.exceptions import AccessError


class SpreadsheetDashboard(models.Model):
    _inherit = "spreadsheet.dashboard"

    # the «Dashboards» app shows to the users a published dashboard is given to (ir_ui_menu.py): the
    # menus Odoo keeps in its cache are dropped when that changes
    @api.model_create_multi
    def create(self, vals_list):
        dashboards = super().create(vals_list)
        self.env.registry.clear_cache()
        return dashboards

    def write(self, vals):
        result = super().write(vals)
        if {"group_ids", "is_published", "company_id"}.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def get_readonly_dashboard(self):
        """The owner's dashboard opened by its link (``/odoo/store-dashboard``, ``/odoo/action-…`` typed or
        sent to a salesperson) says whose it is and where the user's own figures are: without the check the
        record rule hid its data and the web client showed a traceback (``json.loads(False)``), with Odoo's
        check alone a dialog of «top-secret records» and cookies for the administrator. Its figures are the
        store's, not scoped to the user: shown to managers only. Only the message changes (the access is
        refused as before), and only for our dashboard: Odoo's others keep Odoo's message."""
        try:
            self.check_access("read")
        except AccessError as error:
            ours = self.env.ref("ecom_crm.ecom_owner_dashboard", raise_if_not_found=False)
            dashboard = self.sudo()
            # refused for its groups: those are named; refused otherwise (another company's), Odoo says so
            if not ours or self != ours or not dashboard.group_ids:
                raise
            groups = ", ".join(f"«{name}»" for name in dashboard.group_ids.mapped("full_name"))
            if self.env.user.has_group("sales_team.group_sale_salesman"):
                message = self.env._(
                    "«%(dashboard)s» shows the whole store's figures and is open only to users with the rights "
                    "%(groups)s. Your own figures are in CRM › Reporting: «Funnel by stage», «Salespeople», "
                    "«Refusals». To see this dashboard, ask your administrator for access.",
                    dashboard=dashboard.display_name, groups=groups)
            else:  # a user of no sales group has no CRM reports to be sent to
                message = self.env._(
                    "«%(dashboard)s» shows the whole store's figures and is open only to users with the rights "
                    "%(groups)s. To see this dashboard, ask your administrator for access.",
                    dashboard=dashboard.display_name, groups=groups)
            raise AccessError(message) from error
        return super().get_readonly_dashboard()
