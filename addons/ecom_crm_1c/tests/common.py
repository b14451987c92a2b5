from odoo.tests import TransactionCase, new_test_user


class Ecom1cCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="1c_salesman", groups="sales_team.group_sale_salesman")
        cls.exchange_manager = new_test_user(
            cls.env, login="1c_manager", groups="ecom_crm_1c.group_exchange_manager")
