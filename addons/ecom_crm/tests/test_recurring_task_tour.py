from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestManagerTours(HttpCase):
    """In Russian: a sales manager plans a recurring task for a salesperson; an administrator
    sets the reminders in Settings."""

    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("ru_RU")
        self.salesman = new_test_user(self.env, login="ecom_task_salesman", groups="sales_team.group_sale_salesman",
                                      name="Ольга Звонкова", lang="ru_RU")

    def test_manager_plans_a_weekly_task(self):
        manager = new_test_user(self.env, login="ecom_task_manager", groups="sales_team.group_sale_manager",
                                name="Олег Руководов", lang="ru_RU")
        self.start_tour("/odoo/action-ecom_crm.ecom_recurring_task_action", "ecom_crm_recurring_task",
                        login="ecom_task_manager")
        task = self.env["ecom.recurring.task"].search([("name", "=", "Обзвонить отказы недели")])
        self.assertEqual((task.recurrence, task.weekday, task.priority, task.assign_to), ("weekly", "4", "2", "users"))
        self.assertEqual((task.user_ids, task.create_uid), (self.salesman, manager))
        self.assertEqual(task.next_date.weekday(), 4, "a Friday")
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "ecom.recurring.task"), ("res_id", "=", task.id)])
        self.assertEqual(activity.user_id, self.salesman, "given now, for a try")
        self.assertEqual(activity.ecom_priority, "2")
        self.assertIn("Сначала отказы", str(activity.note))

    def test_admin_sets_the_reminders(self):
        self.env.ref("base.user_admin").lang = "ru_RU"
        self.start_tour("/odoo/settings#crm", "ecom_crm_settings", login="admin")
        self.assertEqual(self.env.company.ecom_reminder_days, 3)
