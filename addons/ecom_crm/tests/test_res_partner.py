from odoo.tests import Form, tagged

from ..tools.russian_names import split_russian_name
from .common import EcomCrmCase


@tagged("post_install", "-at_install", "ecom_crm")
class TestPartnerName(EcomCrmCase):
    def test_split_russian_name(self):
        cases = {
            "Иванова Светлана Петровна": ("Иванова", "Светлана", "Петровна"),
            "  Петров   Иван  ": ("Петров", "Иван", False),
            "Иван Сергеевич": (False, "Иван", "Сергеевич"),
            "Римский-Корсаков Николай Андреевич": ("Римский-Корсаков", "Николай", "Андреевич"),
            "Мамедов Рашид Али оглы": ("Мамедов", "Рашид", "Али оглы"),
            "Ильхам Гейдар оглы": (False, "Ильхам", "Гейдар оглы"),
            "Светлана": (False, "Светлана", False),
            "": (False, False, False),
        }
        for name, parts in cases.items():
            with self.subTest(name=name):
                self.assertEqual(split_russian_name(name), parts)

    def test_name_composed_from_parts(self):
        partner = self.Partner.create({"lastname": "Смирнова", "firstname": "Ольга", "patronymic": "Игоревна"})
        self.assertEqual(partner.name, "Смирнова Ольга Игоревна")
        self.assertEqual(partner.display_name, "Смирнова Ольга Игоревна")
        partner.firstname = "Анна"
        self.assertEqual(partner.name, "Смирнова Анна Игоревна")

    def test_parts_split_from_name(self):
        partner = self.Partner.create({"name": "Кузнецов Андрей Викторович"})
        self.assertEqual((partner.lastname, partner.firstname, partner.patronymic),
                         ("Кузнецов", "Андрей", "Викторович"))
        partner.name = "Кузнецов Андрей"
        self.assertEqual((partner.lastname, partner.firstname, partner.patronymic), ("Кузнецов", "Андрей", False))

    def test_company_name_untouched(self):
        company = self.Partner.create({"name": "ООО Ромашка и партнёры", "is_company": True})
        self.assertEqual(company.name, "ООО Ромашка и партнёры")
        self.assertFalse(company.lastname or company.firstname or company.patronymic)

    def test_form_composes_name(self):
        with Form(self.Partner.with_user(self.salesman)) as form:
            form.lastname = "Морозова"
            form.firstname = "Дарья"
            form.patronymic = "Алексеевна"
            self.assertEqual(form.name, "Морозова Дарья Алексеевна")
        partner = form.save()
        self.assertEqual(partner.name, "Морозова Дарья Алексеевна")
