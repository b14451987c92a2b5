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

    def test_name_typed_first_name_first(self):
        """Site forms and callers type «Имя Фамилия» or «Имя Отчество Фамилия» as often as «Фамилия Имя»."""
        partner = self.Partner.create({"name": "Светлана Иванова"})
        self.assertEqual((partner.lastname, partner.firstname, partner.patronymic), ("Иванова", "Светлана", False))
        self.assertEqual(partner.ecom_gender, "female")
        self.assertEqual(partner.name, "Светлана Иванова", "the name stays as typed")
        partner.name = "Александр Сергеевич Пушкин"
        self.assertEqual((partner.lastname, partner.firstname, partner.patronymic),
                         ("Пушкин", "Александр", "Сергеевич"))
        self.assertEqual(partner.ecom_gender, "male")
        self.assertEqual(partner.name, "Александр Сергеевич Пушкин")
        partner.patronymic = False
        self.assertEqual(partner.name, "Пушкин Александр", "composed from the parts again once one changes")

    def test_gender_from_the_last_name(self):
        partner = self.Partner.create({"name": "Женя Смирнова"})
        self.assertEqual((partner.lastname, partner.firstname, partner.ecom_gender), ("Смирнова", "Женя", "female"))
        partner = self.Partner.create({"firstname": "Женя"})
        self.assertFalse(partner.ecom_gender)
        partner.lastname = "Смирнов"
        self.assertEqual(partner.ecom_gender, "male", "the last name is typed after the first name")

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
