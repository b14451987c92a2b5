from lxml import etree

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm")
class TestPbxExtensionTour(HttpCase):
    """The day's screens of the telephony walked in Russian by the users who work them, with the lowest
    rights that use them: a sales manager sets the salespeople's extensions, a salesperson finds the calls
    from a hidden number."""

    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("ru_RU")
        self.manager = new_test_user(self.env, login="ecom_ext_boss", groups="sales_team.group_sale_manager",
                                     name="Игорь Руководов", lang="ru_RU")
        self.seller = new_test_user(self.env, login="ecom_ext_seller", groups="sales_team.group_sale_salesman",
                                    name="Ольга Продавцова", lang="ru_RU")
        self.admin = new_test_user(self.env, login="ecom_ext_admin",
                                   groups="base.group_system,sales_team.group_sale_manager",
                                   name="Админ Магазина", lang="ru_RU")
        self.admin.ecom_pbx_extension = "100"

    def test_a_sales_manager_sets_an_extension_in_the_list(self):
        """The list was read-only to a sales manager (Odoo makes a list of a model the user may not write
        read-only): the screen made for them could not be used. They edit a salesperson's row and save it;
        an administrator's row stays read-only."""
        self.start_tour("/odoo/crm", "ecom_crm_pbx_extension", login="ecom_ext_boss")
        self.assertEqual(self.seller.ecom_pbx_extension, "305")
        self.assertEqual(self.admin.ecom_pbx_extension, "100")

    def test_the_list_is_editable_for_whom_it_is_made(self):
        """Odoo sets edit="False" on a list of a model the user may not write: the view keeps it editable, for
        the sales manager (without the right to write users) as for an administrator; each row's extension is
        read-only by ecom_pbx_extension_readonly (a salesperson opening the list by its address edits only
        their own row, as in their preferences)."""
        view = self.env.ref("ecom_crm.res_users_view_list_ecom_pbx_extension")
        for user in (self.manager, self.admin, self.seller):
            with self.subTest(user=user.login):
                arch = etree.fromstring(self.env["res.users"].with_user(user).get_views(
                    [(view.id, "list")])["views"]["list"]["arch"])
                self.assertNotEqual(arch.get("edit", "").lower(), "false")
                self.assertEqual(arch.get("editable"), "bottom")
        users = (self.manager | self.seller | self.admin).with_user(self.seller)
        self.assertEqual(users.filtered(lambda user: not user.ecom_pbx_extension_readonly), self.seller)

    def test_a_salesperson_finds_the_calls_from_a_hidden_number(self):
        calls = self.env["ecom.call"]
        calls.create({"call_id": "tour-1", "caller": "+79161234567", "state": "finished", "direction": "in",
                      "duration": 120, "user_id": self.seller.id})
        calls.create({"call_id": "tour-2", "caller": False, "hidden_caller": True, "state": "missed",
                      "direction": "in"})
        self.start_tour("/odoo/crm", "ecom_crm_hidden_calls", login="ecom_ext_seller")
