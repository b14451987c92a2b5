"""Two phone numbers in one field, as forms and imports of Russian stores carry them: «+7 916 123-45-67,
8 (495) 765-43-21», «89161234567 / 89031112233», «тел. 8916…, доб. 12; моб. 8903…». The first valid
number is the phone, the second the mobile (else a line of the notes), and the customer known by
either number is found."""

from odoo.modules.module import get_manifest
from odoo.tests import BaseCase, Form, tagged
from odoo.tools import SQL

from ..tools.phones import first_phone, normalize_phone_pair, split_phones
from .common import EcomCrmCase, IntakeCase, load_migration, upgrade_from

MOBILE = "+79161234567"
OFFICE = "+74957654321"
OTHER = "+79031112233"
SECOND = "+79037654321"


@tagged("post_install", "-at_install", "ecom_crm")
class TestSplitPhones(BaseCase):
    """tools.phones.split_phones and first_phone, without a database."""

    def test_two_numbers_in_one_field(self):
        for typed, expected in [
            ("+7 916 123-45-67, 8 (495) 765-43-21", [MOBILE, OFFICE]),
            ("89161234567 / 89031112233", [MOBILE, OTHER]),
            ("89161234567;89031112233", [MOBILE, OTHER]),  # was one number whose extension was the second
            ("89161234567\n89031112233", [MOBILE, OTHER]),
            ("8 916 123-45-67 или 8 903 111-22-33", [MOBILE, OTHER]),
            ("89161234567 | 8 (495) 765 43 21", [MOBILE, OFFICE]),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [(number, True) for number in expected])

    def test_the_extension_stays_with_its_number(self):
        self.assertEqual(split_phones("тел. 8916 123-45-67, доб. 12; моб. 8903 111-22-33"),
                         [(f"{MOBILE} доб. 12", True), (OTHER, True)])
        self.assertEqual(split_phones("тел. 8 (495) 765-43-21, вн. 123 / моб. 8-903-111-22-33"),
                         [(f"{OFFICE} доб. 123", True), (OTHER, True)])
        self.assertEqual(split_phones("89031112233, 8 (495) 765-43-21, 45"),
                         [(OTHER, True), (f"{OFFICE} доб. 45", True)])
        self.assertEqual(split_phones("89031112233, 8 (495) 765-43-21, 456"),
                         [(OTHER, True), (f"{OFFICE} доб. 456", True)])

    def test_one_number_is_read_as_before(self):
        for typed, expected in [
            ("+7 495 765-43-21, 12", (f"{OFFICE} доб. 12", True)),  # a comma before an office's extension
            ("+7 495 765-43-21, 123", (f"{OFFICE} доб. 123", True)),
            ("+74957654321,12", (f"{OFFICE} доб. 12", True)),  # as a phone's contacts export it (a pause)
            ("+7 495 765-43-21, доб. 12", (f"{OFFICE} доб. 12", True)),
            ("8 (916) 123-45-67", (MOBILE, True)),
            ("тел. 89161234567", (MOBILE, True)),
            (MOBILE, (MOBILE, True)),
            ("89161234567, мама", ("89161234567, мама", False)),  # a word is no number: kept as typed
            ("123", ("123", False)),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [expected])

    def test_first_valid_number_and_the_others(self):
        self.assertEqual(first_phone("+7 916 123-45-67, 8 (495) 765-43-21"), (MOBILE, True, [OFFICE]))
        # an invalid piece first: the valid number is the phone, the piece kept among the others
        self.assertEqual(first_phone("12-34-56, 8 916 123 45 67"), (MOBILE, True, ["12-34-56"]))
        # the same number twice is one
        self.assertEqual(first_phone("89161234567, +7 916 123-45-67"), (MOBILE, True, []))
        # no valid number: the field as typed, flagged
        self.assertEqual(first_phone("12-34, 56-78-90-12"), ("12-34, 56-78-90-12", False, []))
        self.assertEqual(first_phone("8 916 123-45-67"), (MOBILE, True, []))


    def test_a_field_of_many_pieces_is_read_so_far(self):
        numbers = [f"8916{index:07d}" for index in range(1000)]
        found = split_phones(", ".join(numbers))
        self.assertEqual(len(found), 9)
        self.assertEqual(found[0], ("+79160000000", True))
        self.assertEqual(found[-1], (", ".join(numbers[8:]), False), "the rest kept as typed")

    def test_a_stored_pair(self):
        """What the pass over the numbers stored as typed makes of a record's phone and mobile."""
        self.assertEqual(normalize_phone_pair("8916 123-45-67, 8 (495) 765-43-21", None), (MOBILE, OFFICE))
        self.assertEqual(normalize_phone_pair(None, "89161234567 / 89031112233"), (OTHER, MOBILE))
        # the mobile taken: nowhere for the second number, the field stays as typed (no note written)
        self.assertEqual(normalize_phone_pair(" 89161234567 / 89031112233 ", "8 495 765 43 21"),
                         ("89161234567 / 89031112233", OFFICE))
        # the second number is the mobile already: nothing to keep
        self.assertEqual(normalize_phone_pair("89161234567 / 89031112233", "+7 903 111-22-33"), (MOBILE, OTHER))
        self.assertEqual(normalize_phone_pair("8 (916) 123-45-67", False), (MOBILE, False))

    def test_what_russian_stores_type(self):
        """Real fields: a field of one number is never cut into garbage; a second line written as the
        first's last digits («…67/68») is that number; a date is no number."""
        for typed, expected in [
            ("8 (495) 123-45-67 доб. 123", [("+74951234567 доб. 123", True)]),
            ("+7 916 123 45 67 (Мария)", [("+7 916 123 45 67 (Мария)", False)]),  # kept as typed, not cut
            ("8-800-555-35-35", [("+78005553535", True)]),
            ("+7(916)1234567, +7(903)1112233", [(MOBILE, True), (OTHER, True)]),
            ("т. 8 916 123 45 67 или 8 495 7654321", [(MOBILE, True), (OFFICE, True)]),
            ("+375 29 123-45-67; +7 916 123-45-67", [("+375291234567", True), (MOBILE, True)]),
            ("8 916 123-45-67 и 8 916 123-45-68", [(MOBILE, True), ("+79161234568", True)]),
            ("12/05/2024", [("12/05/2024", False)]),
            ("89161234567/8", [(MOBILE, True), ("+79161234568", True)]),
            ("8-916-123-45-67/68", [(MOBILE, True), ("+79161234568", True)]),
            ("8 (495) 765-43-21 / 22 / 23", [(OFFICE, True), ("+74957654322", True), ("+74957654323", True)]),
            # three or four digits after a slash: an extension, as after a comma
            ("8 (495) 765-43-21/123", [(f"{OFFICE} доб. 123", True)]),
            # a local number after a number is no valid number: kept as typed, for the notes
            ("8 (916) 123-45-67, 765-43-21", [(MOBILE, True), ("765-43-21", False)]),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), expected)

    def test_numbers_typed_with_spaces_between_them(self):
        """A field of two (or more) numbers with spaces alone between them: each a number, when its words
        make valid numbers in one way only."""
        for typed, expected in [
            ("+7 916 123-45-67 +7 903 765-43-21", [MOBILE, SECOND]),
            ("89161234567 89037654321", [MOBILE, SECOND]),
            ("8 (916) 123 45 67  8 (903) 765 43 21", [MOBILE, SECOND]),
            ("8-916-123-45-67 8-495-765-43-21", [MOBILE, OFFICE]),
            ("+7(916)1234567 +7(903)7654321", [MOBILE, SECOND]),
            ("89161234567\t89037654321", [MOBILE, SECOND]),
            ("+79161234567 +79037654321", [MOBILE, SECOND]),  # two stored values pasted together
            ("8 916 123 45 67 903 765 43 21", [MOBILE, SECOND]),  # the second without its 8
            ("тел. 89161234567 моб. 89037654321", [MOBILE, SECOND]),
            ("моб.89161234567 раб.84957654321", [MOBILE, OFFICE]),
            ("+375 29 123-45-67 +7 916 123-45-67", ["+375291234567", MOBILE]),
            ("+44 20 7946 0958 +44 20 7946 0959", ["+442079460958", "+442079460959"]),
            ("8 (495) 765-43-21 доб. 12 8 916 123-45-67", [f"{OFFICE} доб. 12", MOBILE]),
            ("89161234567 89037654321 84957654321", [MOBILE, SECOND, OFFICE]),  # three
            # cut at a separator too: each piece's numbers, a shorthand after the last of them
            ("89161234567 89037654321, 8 (495) 765-43-21", [MOBILE, SECOND, OFFICE]),
            ("8 916 123 45 67 8 903 765 43 21/22", [MOBILE, SECOND, "+79037654322"]),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [(number, True) for number in expected])
        self.assertEqual(first_phone("89161234567 89037654321"), (MOBILE, True, [SECOND]))
        self.assertEqual(first_phone("89161234567 +7 916 123-45-67"), (MOBILE, True, []), "the same number twice")
        self.assertEqual(normalize_phone_pair("8 916 123 45 67 8 903 765 43 21", None), (MOBILE, SECOND))

    def test_a_number_typed_with_spaces_is_one_number(self):
        """A number written with spaces is valid whole and never cut; a field whose words make no valid
        numbers, or different numbers depending on where they are cut, is kept whole as typed."""
        for typed, expected in [
            ("8 916 123 45 67", MOBILE),
            ("8 9 1 6 1 2 3 4 5 6 7", MOBILE),
            ("+7 (495) 765 43 21 доб. 123", f"{OFFICE} доб. 123"),
            ("8 495 765 43 21 ext 45", f"{OFFICE} доб. 45"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+375 29 123 45 67", "+375291234567"),
            ("+49 30 1234567", "+49301234567"),
            ("+7 916 123 45 67 #68", f"{MOBILE} доб. 68"),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [(expected, True)])
        for typed in [
            "8 916 123 45 67 89",  # a digit too many: no second number
            "8 916 123 45 67 1234",  # an extension without its word: kept as typed, as before
            "+7 916 123 45 67 (Мария)",
            "8 916 123 45 67 765 43 21",  # a local number is no valid number
            "12 34 56 78 90 12 34 56 78 90",
            # «7» the first number's last digit or the second's prefix: +49 30 123456 and +7 916…, or
            # +49 30 1234567 and +7 916… (Berlin's numbers have six or seven digits): nothing guessed
            "+49 30 123456 7 916 123 45 67",
            "ул. Ленина 12 кв 34 8 916 123 45 67",  # letters between the digits: no number
            "8916123456789037654321",  # no space: no cut is made inside digits
            "8" * 200,
            " ".join(["89161234567"] * 30),  # more words than a field of numbers has: kept as typed
            "1 " * 40,
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [(typed.strip(), False)])
                self.assertEqual(first_phone(typed), (typed.strip(), False, []))
        # ten numbers with spaces between them: the first eight read, the rest kept as typed
        found = split_phones(" ".join(f"8916{index:07d}" for index in range(10)))
        self.assertEqual(found[:2], [("+79160000000", True), ("+79160000001", True)])
        self.assertEqual(found[8:], [("89160000008 89160000009", False)])

    def test_a_shorthand_after_a_comma(self):
        """«8 916 123-45-67, 68» is …67 and …68 as «…67/68» is (after «;», «или», a line break too): one or
        two digits after a mobile, three or four after a slash or «или». After another number (a landline,
        the USA's), one or two after a slash, «или» or a line break; after a comma or «;» digits stay its
        extension (an extension read as a line would be lost). An extension named so stays one."""
        for typed, expected in [
            ("8 916 123-45-67, 68", [MOBILE, "+79161234568"]),
            ("8-916-123-45-67,68", [MOBILE, "+79161234568"]),
            ("89161234567; 8", [MOBILE, "+79161234568"]),
            ("8 916 123-45-67 или 68", [MOBILE, "+79161234568"]),
            ("8 916 123-45-67\n68", [MOBILE, "+79161234568"]),
            ("8 916 123-45-67/4568", [MOBILE, "+79161234568"]),
            ("+375 29 123-45-67, 68", ["+375291234567", "+375291234568"]),  # a mobile of Belarus
            ("+7 701 123-45-67, 68", ["+77011234567", "+77011234568"]),  # of Kazakhstan
            ("8 (495) 765-43-21/22", [OFFICE, "+74957654322"]),
            ("8 (495) 765-43-21 или 22", [OFFICE, "+74957654322"]),
            ("8 (495) 765-43-21 или 123", [f"{OFFICE} доб. 123"]),
            ("8 (495) 765-43-21, 22", [f"{OFFICE} доб. 22"]),
            ("8 (495) 765-43-21; 22", [f"{OFFICE} доб. 22"]),
            ("8 (495) 765-43-21\n22", [OFFICE, "+74957654322"]),  # a line break starts another value
            ("+1 650 253-00-00\n12", ["+16502530000", "+16502530012"]),
            ("8 800 555-35-35, 36", ["+78005553535 доб. 36"]),
            ("+1 650 253-00-00, 12", ["+16502530000 доб. 12"]),  # the USA's: a mobile or a landline
            ("+44 20 7946 0958, 59", ["+442079460958 доб. 59"]),
            ("8 (495) 765-43-21, 123", [f"{OFFICE} доб. 123"]),
            ("8 (495) 765-43-21/1234", [f"{OFFICE} доб. 1234"]),
            # the same digits as the number's last ones: no second line, its extension (not lost)
            ("8 (495) 765-43-21/1", [f"{OFFICE} доб. 1"]),
            ("8 916 123-45-67, доб. 68", [f"{MOBILE} доб. 68"]),
            ("8 916 123-45-67, ext 68", [f"{MOBILE} доб. 68"]),
            ("8 916 123-45-67, #68", [f"{MOBILE} доб. 68"]),
            ("8 916 123-45-67, д.68", [f"{MOBILE} доб. 68"]),
            ("8 916 123-45-67 доб. 68", [f"{MOBILE} доб. 68"]),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [(number, True) for number in expected])
        # after a number with its extension, digits alone make no line: two extensions, no valid number,
        # kept as typed; so is a date, digits that are no number's
        for typed in ("8 (495) 765-43-21 доб. 12, 13", "8 (495) 765-43-21, 22, 23", "12, 05, 2024",
                      "8 916 123-45-67, 6 8"):
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), [(typed, False)])
        self.assertEqual(first_phone("8 916 123-45-67, 68"), (MOBILE, True, ["+79161234568"]))

    def test_digits_after_a_mobile_or_a_line_break_are_no_number(self):
        """«89161234567, 1234»: four digits are no number, and a mobile has no extension; read as the shorthand
        of a line they were a second number nobody gave (…67 with its last four digits replaced), the mobile of
        the customer found by it. After a mobile, digits that make no line (three or four after a comma, «;»
        or a line break, the number's own last digits), and after a line break those that are no line of
        any number, are kept apart as typed: neither a number nor an extension, the request's notes keep
        them. A landline's «, 123» and «/123» stay its extension; an extension named so stays one."""
        for typed, expected in [
            ("89161234567, 1234", [(MOBILE, True), ("1234", False)]),
            ("8 916 123-45-67, 4568", [(MOBILE, True), ("4568", False)]),
            ("8 916 123-45-67; 567", [(MOBILE, True), ("567", False)]),
            ("8 916 123-45-67\n4568", [(MOBILE, True), ("4568", False)]),
            ("8 916 123-45-67/67", [(MOBILE, True), ("67", False)]),  # its own last digits: no line
            ("8 (495) 765-43-21\n123", [(OFFICE, True), ("123", False)]),
            ("8 (495) 765-43-21\r\n1234", [(OFFICE, True), ("1234", False)]),
            ("8 (495) 765-43-21\n21", [(OFFICE, True), ("21", False)]),
            ("8 (495) 765-43-21, 1234", [(f"{OFFICE} доб. 1234", True)]),
            ("8 916 123-45-67, доб. 1234", [(f"{MOBILE} доб. 1234", True)]),
            ("8 916 123-45-67\nдоб. 12", [(f"{MOBILE} доб. 12", True)]),
            # more digits after those kept apart stay with them as typed (no «доб.» made up), a number is one
            ("89161234567, 1234, 5", [(MOBILE, True), ("1234, 5", False)]),
            ("8 (495) 765-43-21\n123\n45", [(OFFICE, True), ("123 45", False)]),
            ("89161234567\n1234\n89031112233", [(MOBILE, True), ("1234", False), (OTHER, True)]),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(split_phones(typed), expected)
        self.assertEqual(first_phone("89161234567, 1234"), (MOBILE, True, ["1234"]))
        # the pass over the stored phones has no notes: the field stays as typed rather than a mobile «1234»
        self.assertEqual(normalize_phone_pair("89161234567, 1234", None), ("89161234567, 1234", None))
        self.assertEqual(normalize_phone_pair("89161234567, 1234", OTHER), ("89161234567, 1234", OTHER))
        self.assertEqual(normalize_phone_pair("89161234567, 1234, 5", None), ("89161234567, 1234, 5", None))

    def test_a_second_number_read_as_an_extension_is_a_number(self):
        """«8916…;8903…» read as one number made the second its extension, and so does Odoo's formatting
        in the form («+7 916 123-45-67 ext. 89031112233»): an «extension» that is a valid number is one.
        A long extension that is no number stays one."""
        self.assertEqual(split_phones(f"{MOBILE} доб. 89031112233"), [(MOBILE, True), (OTHER, True)])
        self.assertEqual(split_phones("+7 916 123-45-67 ext. 89031112233"), [(MOBILE, True), (OTHER, True)])
        self.assertEqual(split_phones(f"{OFFICE} доб. 1234567"), [(f"{OFFICE} доб. 1234567", True)])
        self.assertEqual(normalize_phone_pair(f"{MOBILE} доб. 89031112233", None), (MOBILE, OTHER))


@tagged("post_install", "-at_install", "ecom_crm")
class TestPhoneFieldsOfContacts(EcomCrmCase):
    """res.partner and crm.lead create/write (normalize_phone_vals)."""

    def setUp(self):
        super().setUp()
        self.env.company.country_id = self.env.ref("base.ru")
        self.Partner = self.env["res.partner"]

    def test_a_customer_typed_with_two_numbers_has_a_phone_and_a_mobile(self):
        partner = self.Partner.create({"name": "Соколова Анна", "phone": "+7 916 123-45-67, 8 (495) 765-43-21"})
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OFFICE))
        self.assertFalse(partner.ecom_phone_invalid)
        self.assertEqual((partner.ecom_phone_number, partner.ecom_mobile_number), (MOBILE, OFFICE))
        self.assertFalse(partner.comment)

    def test_two_numbers_typed_with_spaces_or_a_shorthand(self):
        """Two numbers with spaces alone between them, and «…67, 68», are the phone and the mobile too."""
        partner = self.Partner.create({"name": "Пробелова Полина", "phone": "+7 916 123-45-67 +7 903 111-22-33"})
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OTHER))
        self.assertFalse(partner.ecom_phone_invalid)
        one = self.Partner.create({"name": "Одинокий Олег", "phone": "8 916 123 45 67", "mobile": "+44 20 7946 0958"})
        self.assertEqual((one.phone, one.mobile), (MOBILE, "+442079460958"), "a number with spaces is one")
        lead = self.env["crm.lead"].create({"name": "Заявка", "phone": "8 916 123-45-67, 68"})
        self.assertEqual((lead.phone, lead.mobile), (MOBILE, "+79161234568"))
        lead.write({"phone": "8 (495) 765-43-21, 123"})
        self.assertEqual(lead.phone, f"{OFFICE} доб. 123", "an office's extension stays one")
        self.assertFalse(lead.description)

    def test_digits_that_are_no_number_go_to_the_notes_not_the_mobile(self):
        """«89161234567, 1234» saved on a contact or a request: the phone, and the four digits in the notes
        as typed; the empty mobile takes no «1234» (nor a bogus …1234 line)."""
        partner = self.Partner.create({"name": "Цифрова Зоя", "phone": "89161234567, 1234"})
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, False))
        self.assertFalse(partner.ecom_phone_invalid)
        self.assertIn("Other phones: 1234", partner.comment)
        partner = self.Partner.create({"name": "Цифрова Ада", "phone": "89161234567, 1234, 5"})
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, False), "«1234, 5» is no mobile either")
        self.assertIn("Other phones: 1234, 5", partner.comment)
        lead = self.env["crm.lead"].create({"name": "Заявка", "phone": "8 (495) 765-43-21\n123"})
        self.assertEqual((lead.phone, lead.mobile), (OFFICE, False))
        self.assertIn("Other phones: 123", lead.description)

    def test_the_mobile_given_the_second_number_goes_to_the_notes(self):
        partner = self.Partner.create({"name": "Соколова Анна", "phone": "89161234567 / 89031112233",
                                       "mobile": "8 (495) 765-43-21", "comment": "<p>VIP</p>"})
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OFFICE))
        self.assertIn("VIP", partner.comment)
        self.assertIn(f"Other phones: {OTHER}", partner.comment)
        russian = self.Partner.with_context(lang="ru_RU").create({
            "name": "Соколов Пётр", "phone": "89161234567 / 89031112233", "mobile": "8 (495) 765-43-21"})
        self.assertIn(f"Другие телефоны: {OTHER}", russian.comment)

    def test_write_fills_an_empty_mobile_else_the_notes(self):
        empty = self.Partner.create({"name": "Пустой Павел"})
        empty.write({"phone": "тел. 8916 123-45-67, доб. 12; моб. 8903 111-22-33"})
        self.assertEqual((empty.phone, empty.mobile), (f"{MOBILE} доб. 12", OTHER))
        taken = self.Partner.create({"name": "Занятый Захар", "mobile": "8 (495) 765-43-21"})
        taken.write({"phone": "89161234567 / 89031112233"})
        self.assertEqual((taken.phone, taken.mobile), (MOBILE, OFFICE))
        self.assertIn(OTHER, taken.comment)

    def test_a_request_typed_with_two_numbers(self):
        lead = self.env["crm.lead"].create({"name": "Заявка", "phone": "89161234567; 8 495 765 43 21"})
        self.assertEqual((lead.phone, lead.mobile), (MOBILE, OFFICE))
        lead.write({"phone": "8 903 111-22-33, 8 916 123-45-67"})
        self.assertEqual(lead.phone, OTHER)
        self.assertEqual(lead.mobile, OFFICE, "the mobile kept")
        self.assertIn(MOBILE, lead.description, "the second number in the notes")

    def test_two_numbers_stored_as_typed_are_split_by_the_upgrade(self):
        """Customers typed with two numbers before this version kept the field as typed (invalid, found
        by nobody): the upgrade's pass over the stored phones gives them their phone and mobile."""
        partners = self.Partner.create([{"name": "Давняя Дарья"}, {"name": "Давний Денис"}])
        for partner, (phone, mobile) in zip(partners, [("8916 123-45-67, 8 (495) 765-43-21", None),
                                                       ("89161234567 / 89031112233", "8 495 765 43 21")],
                                            strict=True):
            self.env.cr.execute(SQL("UPDATE res_partner SET phone = %s, mobile = %s WHERE id = %s",
                                    phone, mobile, partner.id))
        self.env.invalidate_all()
        self.assertEqual(self.Partner._ecom_normalize_stored_phones(), 2)
        self.assertEqual((partners[0].phone, partners[0].mobile), (MOBILE, OFFICE))
        self.assertEqual((partners[0].ecom_phone_number, partners[0].ecom_mobile_number), (MOBILE, OFFICE))
        self.assertEqual((partners[1].phone, partners[1].mobile), ("89161234567 / 89031112233", OFFICE))
        self.assertEqual(self.Partner._ecom_match_customer(phone="8 (495) 765-43-21"), partners[0])

    def test_two_numbers_typed_in_the_form(self):
        """Odoo formats a phone as it is typed in the form, and read «A;B» as A with the extension B: a field
        of several numbers stays as typed there, and saved it is the phone and the mobile."""
        with Form(self.Partner) as form:
            form.name = "Форменная Фаина"
            form.phone = "89161234567;89031112233"
            self.assertEqual(form.phone, "89161234567;89031112233", "not «+7 916 123-45-67 ext. 89031112233»")
        partner = form.save()
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OTHER))
        self.assertFalse(partner.comment)
        with Form(partner) as form:
            form.phone = "8 916 123 45 67"  # one number: formatted as Odoo does
            self.assertEqual(form.phone, "+7 916 123-45-67")
        with Form(partner) as form:
            form.phone = "89161234567 89031112233"  # two numbers with a space between them: as typed too
            self.assertEqual(form.phone, "89161234567 89031112233")
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OTHER))
        with Form(self.env["crm.lead"]) as form:
            form.name = "Заявка из формы"
            form.phone = "89161234567 / 8 (495) 765-43-21"
            self.assertEqual(form.phone, "89161234567 / 8 (495) 765-43-21")
        lead = form.save()
        self.assertEqual((lead.phone, lead.mobile), (MOBILE, OFFICE))
        with Form(self.env["crm.lead"]) as form:
            form.name = "Заявка с двумя линиями"
            form.phone = "8 916 123-45-67, 68"  # a mobile's shorthand: two numbers, not formatted as one
            self.assertEqual(form.phone, "8 916 123-45-67, 68")
        self.assertEqual((form.record.phone, form.record.mobile), (MOBILE, "+79161234568"))
        with Form(self.env["crm.lead"]) as form:
            form.name = "Заявка офиса"
            form.phone = "+7 495 765-43-21, 12"  # an office's extension: one number
        self.assertEqual((form.record.phone, form.record.mobile), (f"{OFFICE} доб. 12", False))

    def test_the_same_numbers_saved_again_add_no_note(self):
        """The form saved again, a contacts import run again: the note keeps the other numbers once, and
        never lists the numbers the contact has."""
        partner = self.Partner.create({"name": "Повторная Полина", "mobile": "8 (495) 765-43-21",
                                       "comment": "<p>Звонить после 18:00</p>"})
        for _run in range(2):
            partner.write({"phone": "89161234567 / 89031112233"})
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OFFICE))
        self.assertIn("Звонить после 18:00", partner.comment, "the note appended to, not overwritten")
        self.assertEqual(partner.comment.count(OTHER), 1)
        # the field's second number is the mobile already: nothing for the notes
        partner.write({"phone": "89031112233, 8 495 765 43 21"})
        self.assertEqual((partner.phone, partner.mobile), (OTHER, OFFICE))
        self.assertEqual(partner.comment.count("Other phones"), 1)
        lead = self.env["crm.lead"].create({"name": "Заявка", "mobile": "8 (495) 765-43-21"})
        for _run in range(2):
            lead.write({"phone": "89161234567 / 89031112233"})
        self.assertEqual(lead.description.count(OTHER), 1)
        lead.write({"phone": "89031112233 / 89161234567"})
        self.assertEqual(lead.description.count("Other phones"), 2, "the new one only")
        self.assertEqual(lead.description.count(OTHER), 1)

    def test_the_upgrade_reads_only_fields_of_several_numbers(self):
        """The upgrade's pass reads the rows whose phone may carry several numbers (a separator, an
        «extension» as long as a number), not every number kept as typed; run again it changes nothing."""
        partners = self.Partner.create([{"name": name} for name in ("Раз", "Два", "Три", "Четыре", "Пять", "Шесть",
                                                                    "Семь")])
        for partner, (phone, mobile) in zip(partners, [
                (f"{MOBILE} доб. 89031112233", None),  # what «8916…;8903…» became
                ("8-916-123-45-67/68", None),
                ("8 (916) 123-45-67", None),  # one number as typed: not this pass's
                ("+7 916 123 45 67 (Мария)", None),
                ("89161234567 OR 89031112233", None),  # the word in capitals too
                (None, "8 (916) 123 45 67  8 (903) 111 22 33"),  # spaces alone between two numbers
                ("+7 (495) 765 43 21 доб. 123", None)], strict=True):  # one number, its extension: not read
            self.env.cr.execute(SQL("UPDATE res_partner SET phone = %s, mobile = %s WHERE id = %s",
                                    phone, mobile, partner.id))
        self.env.invalidate_all()
        self.assertEqual(self.Partner._ecom_normalize_stored_phones(several_only=True), 4)
        self.assertEqual([(partner.phone, partner.mobile) for partner in partners], [
            (MOBILE, OTHER), (MOBILE, "+79161234568"), ("8 (916) 123-45-67", False),
            ("+7 916 123 45 67 (Мария)", False), (MOBILE, OTHER), (OTHER, MOBILE),
            ("+7 (495) 765 43 21 доб. 123", False)])
        self.assertEqual(self.Partner._ecom_normalize_stored_phones(several_only=True), 0)

    def test_the_upgrade_from_the_last_release_reads_spaced_numbers(self):
        """A database at 18.0.1.6.22 ran 18.0.1.6.17's pass, which did not read two numbers with a space
        between them: 18.0.1.6.24's reads them, customers' and requests'; a mobile's extension stored
        from «…67, 68» and a number with its extension stay; from the new version, nothing runs."""
        partners = self.Partner.create([{"name": name} for name in ("Раз", "Два", "Три")])
        lead = self.env["crm.lead"].create({"name": "Заявка с двумя номерами"})
        for table, record, phone, mobile in [
                ("res_partner", partners[0], "89161234567 89031112233", None),
                ("res_partner", partners[1], f"{MOBILE} доб. 68", "+7 (495) 765 43 21 доб. 123"),
                ("res_partner", partners[2], "8 916 123 45 67 765 43 21", None),  # no valid numbers
                ("crm_lead", lead, None, "8 (916) 123 45 67  8 (903) 111 22 33")]:
            self.env.cr.execute(SQL("UPDATE %s SET phone = %s, mobile = %s WHERE id = %s",
                                    SQL.identifier(table), phone, mobile, record.id))
        self.env.invalidate_all()
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.22", stage="post")
        self.assertEqual([(partner.phone, partner.mobile) for partner in partners], [
            (MOBILE, OTHER), (f"{MOBILE} доб. 68", "+7 (495) 765 43 21 доб. 123"),
            ("8 916 123 45 67 765 43 21", False)])
        self.assertEqual((partners[0].ecom_phone_number, partners[0].ecom_mobile_number), (MOBILE, OTHER))
        self.assertEqual((lead.phone, lead.mobile), (OTHER, MOBILE))
        self.env.cr.execute(SQL("UPDATE res_partner SET phone = %s WHERE id = %s", "89161234567 89031112233",
                                partners[2].id))
        self.env.invalidate_all()
        upgrade_from(self.env, "ecom_crm", get_manifest("ecom_crm")["version"], stage="post")  # no pass
        self.assertEqual(partners[2].phone, "89161234567 89031112233")
        # from before 18.0.1.6.17, that release's pass reads them, and this one's does not read them again
        load_migration("18.0.1.6.24", "post-migrate").migrate(self.env.cr, "18.0.1.6.16")
        self.env.invalidate_all()
        self.assertEqual(partners[2].phone, "89161234567 89031112233")
        upgrade_from(self.env, "ecom_crm", "18.0.1.6.16", stage="post")
        self.assertEqual((partners[2].phone, partners[2].mobile), (MOBILE, OTHER))

    def test_the_customer_is_found_by_either_number(self):
        known = self.Partner.create({"name": "Известная Ирина", "phone": "8 903 111-22-33"})
        self.assertEqual(self.Partner._ecom_match_customer(phone="+7 916 123-45-67, 8 903 111-22-33"), known)
        self.assertEqual(self.Partner._ecom_match_customer(phone="89031112233 / 89161234567"), known)


@tagged("post_install", "-at_install", "ecom_crm")
class TestTwoNumbersAtIntake(IntakeCase):
    """A request whose phone field carries two numbers finds the customer known by either."""

    def test_the_customer_known_by_the_second_number_is_found(self):
        known = self.env["res.partner"].create({"name": "Смирнова Ольга", "phone": "8 (495) 765-43-21"})
        count = self.env["res.partner"].search_count([])
        answer = self.post({"name": "Смирнова Ольга", "phone": "+7 916 123-45-67, 8 (495) 765-43-21",
                            "message": "Перезвоните"})
        self.assertEqual(answer.status_code, 201, answer.text)
        answer = answer.json()
        self.assertEqual(answer["partner_id"], known.id)
        self.assertFalse(answer["new_customer"])
        self.assertEqual(self.env["res.partner"].search_count([]), count, "no second customer")
        # what the customer lacked: the field's other number, as the mobile
        self.assertEqual((known.phone, known.mobile), (OFFICE, MOBILE))
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(lead.partner_id, known)

    def test_two_numbers_with_a_space_between_them_find_the_customer(self):
        known = self.env["res.partner"].create({"name": "Смирнова Ольга", "phone": "8 (495) 765-43-21"})
        answer = self.post({"name": "Смирнова Ольга", "phone": "+7 916 123-45-67 +7 495 765-43-21"}).json()
        self.assertEqual(answer["partner_id"], known.id)
        self.assertEqual((known.phone, known.mobile), (OFFICE, MOBILE))
        # «…67, 68»: the second line is the customer's too, no extension of the first
        answer = self.post({"name": "Лебедев Юрий", "phone": "8 903 111-22-33, 34"}).json()
        partner = self.env["res.partner"].browse(answer["partner_id"])
        self.assertTrue(answer["new_customer"])
        self.assertEqual((partner.phone, partner.mobile), (OTHER, "+79031112234"))

    def test_a_new_customer_of_two_numbers_is_one_customer(self):
        answer = self.post({"name": "Новикова Вера", "phone": "89161234567 / 89031112233"}).json()
        partner = self.env["res.partner"].browse(answer["partner_id"])
        self.assertTrue(answer["new_customer"])
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OTHER))
        # a later request by the second number alone is hers
        again = self.post({"name": "Новикова Вера", "phone": "8 903 111 22 33"}).json()
        self.assertEqual(again["partner_id"], partner.id)
        self.assertFalse(again["new_customer"])

    def test_a_batch_sharing_a_number_makes_one_customer(self):
        Request = self.env["ecom.intake.request"]
        entries = Request._journal({"name": "Орлова Нина", "phone": "+7 916 123-45-67, 8 903 111-22-33"},
                                   self.source, "api")
        entries |= Request._journal({"name": "Орлова Нина", "phone": "8 903 111-22-33"}, self.source, "api")
        self.env["ecom.intake.processor"]._process_entries(entries)
        self.assertEqual(len(entries.partner_id), 1)
        self.assertEqual(entries.mapped("new_customer"), [True, True])
        self.assertEqual(len(entries.lead_id), 1, "the second joins the first's request")

    def test_a_third_number_stays_in_the_requests_note(self):
        answer = self.post({"name": "Волкова Дарья",
                            "phone": "8 916 123-45-67; 8 903 111-22-33; 8 495 765-43-21"}).json()
        partner = self.env["res.partner"].browse(answer["partner_id"])
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, OTHER))
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertIn(f"Другие телефоны: {OFFICE}", lead.description, "in the store's language")
        self.assertEqual(lead.phone, MOBILE)

    def test_four_digits_after_a_mobile_stay_in_the_note_as_typed(self):
        """«89161234567, 1234» was read as two numbers, …67 and …1234 (a line's shorthand): a customer known
        by +79161231234 got the request, or a new customer that mobile. The digits are no number: the
        customer is found by the mobile alone, and the note keeps them as typed."""
        stranger = self.env["res.partner"].create({"name": "Посторонний Пётр", "phone": "+7 916 123-12-34"})
        answer = self.post({"name": "Зайцева Инна", "phone": "89161234567, 1234"})
        self.assertEqual(answer.status_code, 201, answer.text)
        answer = answer.json()
        self.assertNotEqual(answer["partner_id"], stranger.id)
        partner = self.env["res.partner"].browse(answer["partner_id"])
        self.assertTrue(answer["new_customer"])
        self.assertEqual((partner.phone, partner.mobile), (MOBILE, False))
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(lead.phone, MOBILE)
        self.assertIn("Другие телефоны: 1234", lead.description)
        # a landline's line break: the next line, a customer's number
        answer = self.post({"name": "Офисов Олег", "phone": "8 (495) 765-43-21\n22"}).json()
        partner = self.env["res.partner"].browse(answer["partner_id"])
        self.assertEqual((partner.phone, partner.mobile), (OFFICE, "+74957654322"))

    def test_an_extension_stays_with_its_number(self):
        known = self.env["res.partner"].create({"name": "ООО «Вектор»", "is_company": True,
                                                "phone": "+7 495 765-43-21 доб. 12"})
        answer = self.post({"name": "Иванов Иван",
                            "phone": "моб. 8 916 123-45-67; тел. 8 (495) 765-43-21, доб. 12"}).json()
        self.assertEqual(answer["partner_id"], known.id)
        self.assertEqual(known.phone, f"{OFFICE} доб. 12")
        self.assertEqual(known.mobile, MOBILE)
