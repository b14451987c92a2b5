from odoo.tests import TransactionCase, new_test_user


class EcomCrmCase(TransactionCase):
    """Base for ecom_crm tests: a salesman and a sales manager with the lowest rights they need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.salesman = new_test_user(
            cls.env, login="ecom_salesman", groups="sales_team.group_sale_salesman", name="Анна Продавцова")
        cls.sales_manager = new_test_user(
            cls.env, login="ecom_manager", groups="sales_team.group_sale_manager", name="Олег Руководов")
        cls.Partner = cls.env["res.partner"]
        cls.Lead = cls.env["crm.lead"]
