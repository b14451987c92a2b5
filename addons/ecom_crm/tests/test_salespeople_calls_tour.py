from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestSalespeopleCallsTour(HttpCase):
    """A salesperson with the lowest rights, in Russian: the salespeople's report's «Звонки» opens the calls
    behind it in the calls journal, a call's row of the report its call, «Обработано заявок» the rows of its requests
    only."""

    def test_the_calls_behind_the_number(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        salesman = new_test_user(self.env, login="ecom_calls_report", groups="sales_team.group_sale_salesman",
                                 name="Ольга Звонкова", lang="ru_RU")
        self.env["ecom.call"].create({"call_id": "tour-1", "caller": "+79161234567", "state": "finished",
                                      "direction": "in", "user_id": salesman.id})
        # «Обработано заявок» opens its request's row, not the call's too
        self.env["crm.lead"].create({"name": "Заявка из тура", "user_id": salesman.id, "type": "opportunity"})
        self.env["ecom.report.funnel"]._cron_ecom_refresh_reports(full=True)
        action = self.env.ref("ecom_crm.ecom_report_manager_action")
        self.start_tour(f"/odoo/action-{action.id}", "ecom_crm_salespeople_calls", login="ecom_calls_report")
