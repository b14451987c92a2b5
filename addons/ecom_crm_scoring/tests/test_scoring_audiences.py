from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestScoringAudiences(TransactionCase):
    """The scoring's groups and segments plug into the CRM's mailing audiences."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.company2 = cls.env["res.company"].create({"name": "Второй магазин"})
        cls.growth = cls.Partner.create({"name": "Рост Руслан", "email": "growth@mail.example"})
        cls.risk = cls.Partner.create({"name": "Риск Римма", "email": "risk@mail.example", "is_company": True})
        cls.risk_contact = cls.Partner.create({"name": "Контакт Кира", "parent_id": cls.risk.id,
                                               "email": "kira@mail.example"})
        cls.champion_dnd = cls.Partner.create({"name": "Чемпион Чак", "ecom_do_not_disturb": True})
        cls.other_company_risk = cls.Partner.create({"name": "Другая Дина"})
        Score = cls.env["ecom.customer.score"].sudo()
        for partner, group, segment, company in (
                (cls.growth, "growth", "champions", cls.env.company),
                (cls.risk, "risk", "at_risk", cls.env.company),
                (cls.champion_dnd, "growth", "champions", cls.env.company),
                (cls.other_company_risk, "risk", "at_risk", cls.company2)):
            Score.create({"partner_id": partner.id, "company_id": company.id, "group": group, "segment": segment,
                          "score": 50})
        cls.marketer = new_test_user(cls.env, login="scoring_marketer",
                                     groups="mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman")

    def audience(self, **vals):
        return self.env["ecom.mailing.audience"].with_user(self.marketer).create({"name": "Аудитория", **vals})

    def test_groups_and_segments(self):
        self.assertEqual(self.audience(kind="score_group", score_group="growth")._ecom_partners(), self.growth)
        self.assertEqual(self.audience(kind="score_group", score_group="risk")._ecom_partners(),
                         self.risk | self.risk_contact, "the company's contacts are its customers too")
        self.assertEqual(self.audience(kind="rfm_segment", rfm_segment="champions")._ecom_partners(), self.growth)
        risk2 = self.env["ecom.mailing.audience"].create({"name": "Риск 2", "kind": "score_group",
                                                          "score_group": "risk", "company_id": self.company2.id})
        self.assertEqual(risk2._ecom_partners(), self.other_company_risk, "each company its scores")

    def test_mailing_to_a_group(self):
        audience = self.audience(kind="score_group", score_group="risk")
        mailing = self.env["mailing.mailing"].with_user(self.marketer).create({
            "subject": "Мы скучаем", "body_html": "<p>Вернитесь</p>", "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"), "ecom_audience_id": audience.id})
        self.assertEqual(set(mailing._get_recipients()), set((self.risk | self.risk_contact).ids))

    def test_mailing_user_without_sales_rights(self):
        """A domain on the scoring group or RFM segment (Email and SMS Marketing's recipients «Contact»)
        reaches the company's customers for a mailing user who is no salesperson, and for one who is
        (whose own scores are only their customers' and the shared ones)."""
        boris = new_test_user(self.env, login="scoring_boris", groups="sales_team.group_sale_salesman")
        self.risk.user_id = boris
        self.risk.sudo().ecom_score_ids.user_id = boris  # Boris's customer: not on the shared list
        marketer = new_test_user(self.env, login="scoring_marketer_only", groups="mass_mailing.group_mass_mailing_user")
        for user in (marketer, self.marketer):
            Partner = self.Partner.with_user(user)
            self.assertEqual(Partner.search([("ecom_group", "=", "risk")]), self.risk | self.risk_contact)
            self.assertEqual(Partner.search([("ecom_segment", "=", "champions")]), self.growth | self.champion_dnd)
            self.assertEqual(self.risk.with_user(user).ecom_group, "risk")
            for domain in ("[('ecom_group', '=', 'risk')]", "[('ecom_segment', '=', 'at_risk')]"):
                mailing = self.env["mailing.mailing"].with_user(user).create({
                    "subject": "Мы скучаем", "body_html": "<p>Вернитесь</p>", "mailing_type": "mail",
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"), "mailing_domain": domain})
                self.assertEqual(set(mailing._get_recipients()), set((self.risk | self.risk_contact).ids))
        arch = self.Partner.with_user(marketer).get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="ecom_risk"', arch, "the Contacts' filters too")
        # a salesperson's own search still sees their customers' scores and the shared ones only
        vera = new_test_user(self.env, login="scoring_vera", groups="sales_team.group_sale_salesman")
        self.assertFalse(self.Partner.with_user(vera).search([("ecom_group", "=", "risk")]))
        self.assertFalse(self.risk.with_user(vera).ecom_group)
        self.assertEqual(self.Partner.with_user(boris).search([("ecom_group", "=", "risk")]),
                         self.risk | self.risk_contact)
