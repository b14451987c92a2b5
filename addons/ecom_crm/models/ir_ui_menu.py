from odoo import api, models, tools

DASHBOARDS_APP = "spreadsheet_dashboard.spreadsheet_dashboard_menu_root"
# Odoo's «Dashboard: Admin», who configure the dashboards (the app's Configuration menu), as administrators do
DASHBOARD_MANAGERS = "spreadsheet_dashboard.group_dashboard_manager"


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    # Odoo's key (the user's groups), and their companies: a dashboard of a company not theirs is not
    # theirs (Odoo's multi-company rule on the dashboards)
    @tools.ormcache("frozenset(self.env.user.groups_id.ids)", "frozenset(self.env.user.company_ids.ids)", "debug")
    def _visible_menu_ids(self, debug=False):
        """Odoo's «Dashboards» app (which ecom_crm installs for the owner's dashboard) is left out of the
        apps of a user none of its published dashboards is given to: a salesperson opened an empty app
        («Нет доступной приборной панели»), their own figures being in CRM › Reporting. It shows again as
        soon as a dashboard of one of their companies (or of none) is given to one of their groups (see
        spreadsheet_dashboard.py); an administrator or a dashboards' manager, who configure the
        dashboards, always has it."""
        visible = super()._visible_menu_ids(debug)
        app = self.env.ref(DASHBOARDS_APP, raise_if_not_found=False)
        if not app or app.id not in visible or self.env.user._is_system():
            return visible
        groups = self.env.user._get_group_ids()
        managers = self.env.ref(DASHBOARD_MANAGERS, raise_if_not_found=False)
        if managers and managers.id in groups:
            return visible
        if self.env["spreadsheet.dashboard"].sudo().search_count(
                [("is_published", "=", True), ("group_ids", "in", groups),
                 ("company_id", "in", [*self.env.user.company_ids.ids, False])], limit=1):
            return visible
        menus = self.sudo().with_context(**{"ir.ui.menu.full_list": True}).search([("id", "child_of", app.id)])
        return visible - set(menus.ids)
