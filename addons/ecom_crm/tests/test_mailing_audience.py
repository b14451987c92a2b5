import importlib.util
from ast import literal_eval
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users
from odoo.tools import SQL
from odoo.tools.misc import file_path

from ..tools.phones import takes_sms
from .common import EcomCrmCase


class AudienceCase(EcomCrmCase):
    """A hand-built set of customers: statuses, refusals, blacklists, do-not-disturb."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a store of its own: a database's store (its customers, their statuses and refusals) is in none
        # of these audiences, as a fresh test database would have it
        cls.store = cls.env["res.company"].create({"name": "Магазин аудиторий",
                                                   "country_id": cls.env.ref("base.ru").id})
        cls.env.user.company_ids |= cls.store
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.store.ids))
        (cls.salesman | cls.sales_manager).write({"company_ids": [(4, cls.store.id)], "company_id": cls.store.id})
        cls.Partner, cls.Lead = cls.env["res.partner"], cls.env["crm.lead"]
        cls.marketer = cls.env["res.users"].create({
            "company_id": cls.store.id, "company_ids": [(6, 0, cls.store.ids)],
            "name": "Мария Маркетолог", "login": "ecom_marketer", "email": "marketer@shop.example",
            "groups_id": [(6, 0, [cls.env.ref("mass_mailing.group_mass_mailing_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])]})
        cls.Audience = cls.env["ecom.mailing.audience"]
        cls.reason_stock = cls.env.ref("ecom_crm.lost_reason_out_of_stock")
        cls.reason_delivery = cls.env.ref("ecom_crm.lost_reason_delivery")

        numbers = iter(range(1000, 2000))

        def customer(name, status=None, email=True, mobile=True, **vals):
            number = next(numbers)
            partner = cls.Partner.create({
                "name": name, "email": f"c{number}@mail.example" if email else False,
                "mobile": f"+7916123{number:04d}" if mobile else False, **vals})
            if status:
                partner.ecom_customer_status = status
            return partner

        cls.vip = customer("Волкова Анна", "vip")
        cls.vip_bl_email = customer("Зайцев Пётр", "vip")
        cls.vip_bl_phone = customer("Лисина Ольга", "vip")
        cls.vip_dnd = customer("Медведев Иван", "vip", ecom_do_not_disturb=True)
        cls.vip_no_email = customer("Соколова Дарья", "vip", email=False)
        cls.repeat = customer("Орлов Семён", "repeat")
        cls.refused_recent = customer("Белова Нина")
        cls.refused_old = customer("Чернов Глеб")
        cls.refused_delivery = customer("Рыжова Вера")
        cls.company = cls.Partner.create({"name": "ООО «Ромашка»", "is_company": True})
        cls.company_contact = customer("Кравцов Олег", parent_id=cls.company.id)
        cls.env["mail.blacklist"]._add(cls.vip_bl_email.email)
        cls.env["phone.blacklist"]._add([cls.vip_bl_phone.mobile])
        now = fields.Datetime.now()
        for partner, reason, days in ((cls.refused_recent, cls.reason_expensive, 10),
                                      (cls.refused_old, cls.reason_expensive, 100),
                                      (cls.refused_delivery, cls.reason_delivery, 5),
                                      (cls.company_contact, cls.reason_expensive, 3)):
            lead = cls._lead(partner_id=partner.id)
            lead.action_set_lost(lost_reason_id=reason.id)
            lead.date_closed = now - timedelta(days=days)

    def setUp(self):
        super().setUp()
        # no mail server in tests: the emails stay queued (or cancelled, for opt-outs and blacklists);
        # a connection attempt would mark a whole batch failed, the cancelled ones included
        self.patch(type(self.env["mail.mail"]), "send", lambda mails, *args, **kwargs: True)

    def audience(self, **vals):
        return self.Audience.create({"name": "Аудитория", **vals})


@tagged("post_install", "-at_install", "ecom_crm")
class TestAudienceDomains(AudienceCase):
    def test_status(self):
        vip = self.audience(kind="status", customer_status="vip")
        # do-not-disturb left out of every audience; the channels leave out their blacklists
        self.assertEqual(vip._ecom_partners(), self.vip | self.vip_bl_email | self.vip_bl_phone | self.vip_no_email)
        self.assertEqual(vip._ecom_partners("mail"), self.vip | self.vip_bl_phone)
        self.assertEqual(vip._ecom_partners("sms"), self.vip | self.vip_bl_email | self.vip_no_email)
        self.assertEqual(vip.partner_count, 4)
        with Form(self.Audience) as form:  # counted as the form is filled in, not 0 until saved
            form.name = "VIP"
            form.kind = "status"
            form.customer_status = "vip"
            self.assertEqual(form.partner_count, 4)
        self.assertEqual(self.audience(kind="status", customer_status="repeat")._ecom_partners(), self.repeat)

    def test_refusal_reason_and_period(self):
        expensive = self.audience(kind="refusal", lost_reason_ids=[(6, 0, self.reason_expensive.ids)])
        # any time; a company's contact who refused brings the company's other members too
        self.assertEqual(expensive._ecom_partners(),
                         self.refused_recent | self.refused_old | self.company | self.company_contact)
        expensive.period_days = 30
        self.assertEqual(expensive._ecom_partners(), self.refused_recent | self.company | self.company_contact)
        expensive.write({"period_days": 0, "date_from": fields.Date.today() - timedelta(days=120),
                         "date_to": fields.Date.today() - timedelta(days=50)})
        self.assertEqual(expensive._ecom_partners(), self.refused_old)
        both = self.audience(kind="refusal", period_days=30,
                             lost_reason_ids=[(6, 0, (self.reason_expensive | self.reason_delivery).ids)])
        self.assertEqual(both._ecom_partners(),
                         self.refused_recent | self.refused_delivery | self.company | self.company_contact)

    def test_contacts_of_another_company_left_out(self):
        """A contact restricted to another company is that company's customer: a status left from
        before they moved there does not put them in this company's audience."""
        other_company = self.env["res.company"].create({"name": "Другой магазин"})
        theirs = self.Partner.create({"name": "Гусев Лев", "email": "gusev@mail.example", "mobile": "+79161239999"})
        theirs.ecom_customer_status = "vip"  # a VIP here, then moved to the other company
        theirs.company_id = other_company
        vip = self.audience(kind="status", customer_status="vip")
        for channel in (None, "mail", "sms"):
            self.assertNotIn(theirs, vip._ecom_partners(channel))
        self.assertIn(self.vip, vip._ecom_partners())  # contacts of no company stay

    def test_parameters_required(self):
        with self.assertRaises(UserError):
            self.audience(kind="refusal")


@tagged("post_install", "-at_install", "ecom_crm")
class TestAudienceMailings(AudienceCase):
    def mailing(self, mailing_type="mail", **vals):
        values = {"subject": "Скидка для вас", "mailing_type": mailing_type,
                  "body_html": "<p>Здравствуйте!</p>", "body_plaintext": "Здравствуйте!",
                  "mailing_model_id": self.env["ir.model"]._get_id("res.partner"), **vals}
        return self.env["mailing.mailing"].with_user(self.marketer).create(values)

    def sent_to(self, mailing):
        """The partners or contacts a sending really reached (not cancelled for a blacklist or an opt-out)."""
        traces = mailing.mailing_trace_ids.filtered(lambda t: t.trace_status != "cancel")
        return self.env[mailing.mailing_model_real].browse(traces.mapped("res_id"))

    @users("ecom_marketer")
    def test_partner_mailing_follows_the_audience_at_sending(self):
        vip = self.audience(kind="status", customer_status="vip")
        mailing = self.mailing(ecom_audience_id=vip.id, mailing_domain="[('id', '=', 0)]")
        self.assertEqual(set(mailing._get_recipients()), set((self.vip | self.vip_bl_phone).ids))
        # a customer who became VIP after the mailing was written gets it
        self.repeat.sudo().ecom_customer_status = "vip"
        mailing.action_send_mail()
        self.assertEqual(self.sent_to(mailing), self.vip | self.vip_bl_phone | self.repeat)
        self.assertIn("ecom_customer_status", mailing.mailing_domain)  # written back for the record

    def test_count_before_sending_is_the_audience_company_s(self):
        """The recipients count the mailing shows is the one it sends to, when the audience is
        another company's than the one the marketer works in (statuses are per company)."""
        other_company = self.env["res.company"].create({"name": "Второй магазин"})
        self.env.user.company_ids |= other_company
        theirs = self.Partner.create({"name": "Гусев Лев", "email": "gusev@mail.example"})
        theirs.with_company(other_company).ecom_customer_status = "vip"
        their_vip = self.audience(kind="status", customer_status="vip", company_id=other_company.id)
        mailing = self.env["mailing.mailing"].create({
            "subject": "Для VIP", "body_html": "<p>VIP</p>", "mailing_type": "mail", "ecom_audience_id": their_vip.id,
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner")})
        self.assertEqual(mailing._get_recipients(), theirs.ids)
        self.assertEqual(mailing.total, 1)
        mine = self.mailing(ecom_audience_id=self.audience(kind="status", customer_status="vip").id)
        self.assertEqual(mine.total, 2)  # this company's VIPs the email reaches

    @users("ecom_marketer")
    def test_audience_picked_in_the_mailing_form(self):
        vip = self.audience(kind="status", customer_status="vip")
        with Form(self.env["mailing.mailing"].with_context(default_mailing_type="mail")) as form:
            form.subject = "Для VIP"
            form.ecom_audience_id = vip
            self.assertEqual(form.mailing_model_id, self.env["ir.model"]._get("res.partner"))
            self.assertEqual(literal_eval(form.mailing_domain), vip._ecom_domain("mail"))
        self.assertEqual(set(form.record._get_recipients()), set((self.vip | self.vip_bl_phone).ids))

    @users("ecom_marketer")
    def test_sms_mailing_leaves_out_blacklisted_phones_and_do_not_disturb(self):
        vip = self.audience(kind="status", customer_status="vip")
        sms = self.mailing("sms", ecom_audience_id=vip.id)
        sms.action_send_mail()
        self.assertEqual(self.sent_to(sms), self.vip | self.vip_bl_email | self.vip_no_email)

    @users("ecom_marketer")
    def test_do_not_disturb_and_blacklist_without_audience(self):
        """A mailing to contacts written by hand respects them as well."""
        everyone = [("id", "in", (self.vip | self.vip_dnd | self.vip_bl_email | self.vip_bl_phone).ids)]
        mailing = self.mailing(mailing_domain=repr(everyone))
        self.assertEqual(set(mailing._get_recipients()), set((self.vip | self.vip_bl_phone).ids))
        sms = self.mailing("sms", mailing_domain=repr(everyone))
        self.assertEqual(set(sms._get_recipients()), set((self.vip | self.vip_bl_email).ids))

    def test_list_refreshes_itself_and_never_re_adds_an_opt_out(self):
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        mlist = vip.list_id
        subscribed = mlist.subscription_ids.filtered(lambda s: not s.opt_out).contact_id.ecom_partner_id
        self.assertEqual(subscribed, self.vip | self.vip_bl_email | self.vip_bl_phone | self.vip_no_email)
        # the customer unsubscribes from the list; another leaves the audience, one enters it
        mlist.subscription_ids.filtered(lambda s: s.contact_id.ecom_partner_id == self.vip).opt_out = True
        self.vip_no_email.ecom_customer_status = "sleeping"
        self.repeat.ecom_customer_status = "vip"
        twin = self.Partner.create({"name": "Волкова Анна (дубль)", "email": self.vip.email})
        twin.ecom_customer_status = "vip"
        mailing = self.env["mailing.mailing"].create({
            "subject": "Для VIP", "body_html": "<p>VIP</p>", "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [(6, 0, mlist.ids)]})
        mailing.action_launch()  # refreshed when put in the queue
        active = mlist.subscription_ids.filtered(lambda s: not s.opt_out).contact_id.ecom_partner_id
        self.assertEqual(active, self.vip_bl_email | self.vip_bl_phone | self.repeat)
        opted_out = mlist.subscription_ids.filtered("opt_out")
        self.assertEqual(opted_out.contact_id.ecom_partner_id, self.vip, "the opt-out is kept as it was")
        # refreshed again by the sending job: still not re-added, nor is a twin with the same email
        self.env["mailing.mailing"]._process_mass_mailing_queue()
        self.assertEqual(mailing.state, "done")
        self.assertTrue(mlist.subscription_ids.filtered(
            lambda s: s.contact_id.ecom_partner_id == self.vip).opt_out)
        self.assertNotIn(twin, mlist.subscription_ids.contact_id.ecom_partner_id)
        # sent to the subscribed contacts but the blacklisted email
        self.assertEqual(self.sent_to(mailing).ecom_partner_id, self.vip_bl_phone | self.repeat)

    def test_sms_goes_to_no_landline(self):
        """A customer whose only number is an office's landline (+7 495…) takes no SMS: left out of
        the SMS audience and of the list contact's mobile; a mobile typed in «Phone» takes them."""
        office = self.Partner.create({"name": "Офисный клиент", "phone": "+7 495 123-45-67 доб. 12",
                                      "email": "office@mail.example"})
        mobile_as_phone = self.Partner.create({"name": "Мобильный в поле телефона", "phone": "8 916 555-44-33"})
        (office | mobile_as_phone).ecom_customer_status = "vip"
        vip = self.audience(kind="status", customer_status="vip")
        sms = vip._ecom_partners("sms")
        self.assertNotIn(office, sms)
        self.assertIn(mobile_as_phone, sms)
        self.assertIn(office, vip._ecom_partners("mail"))
        vip.action_create_list()
        contacts = {c.ecom_partner_id: c for c in vip.list_id.subscription_ids.contact_id}
        self.assertFalse(contacts[office].mobile)
        self.assertEqual(contacts[mobile_as_phone].mobile, "+79165554433")

    def test_sms_numbers_of_other_ranges(self):
        """Landlines (Russia's +7 3xx, 4xx, 8xx: a city's number, a toll-free 8 800; a foreign office's)
        are left out of SMS: a Russian mobile (+7 9xx), a Kazakh one (+7 7xx) and a foreign mobile take
        them (libphonenumber's number type)."""
        numbers = {"+7 800 555-35-35": False, "8 (812) 123-45-67": False, "+7 (3452) 12-34-56": False,
                   "+7 916 123-45-67": True, "+7 701 123 45 67": True, "+375 29 123-45-67": True,
                   "+44 20 7946 0958": False, "+44 7911 123456": True}
        partners = self.Partner.create([{"name": f"Номер {number}", "mobile": number} for number in numbers])
        partners.ecom_customer_status = "vip"
        self.assertTrue(all(partners.mapped("phone_sanitized")), "valid numbers all")
        self.assertEqual([takes_sms(partner.mobile) for partner in partners], list(numbers.values()))
        vip = self.audience(kind="status", customer_status="vip")
        self.assertEqual(vip._ecom_partners("sms") & partners,
                         partners.filtered(lambda partner: numbers[partner.name.removeprefix("Номер ")]))

    def test_a_landline_in_mobile_and_a_mobile_in_phone(self):
        """A customer whose «Mobile» holds an office's landline and «Phone» a mobile: the SMS audience,
        its count, a mailing to it and the audience's list all take the mobile (Odoo alone would pick
        the landline, first in «Mobile»); its blacklisting holds, the landline's does not matter."""
        both = self.Partner.create({"name": "Телефоны наоборот", "mobile": "+7 495 123-45-67",
                                    "phone": "8 916 555-00-11"})
        both.ecom_customer_status = "vip"
        vip = self.audience(kind="status", customer_status="vip")
        self.assertIn(both, vip._ecom_partners("sms"))
        self.assertEqual(both.ecom_sms_number, "+79165550011")
        self.assertEqual(vip.sms_count, 4)  # Анна, Пётр, Дарья and this customer
        sms = self.mailing("sms", ecom_audience_id=vip.id)
        self.assertEqual(sms.total, 4)
        sms.action_send_mail()
        self.assertIn(both, self.sent_to(sms))
        trace = sms.mailing_trace_ids.filtered(lambda t: t.res_id == both.id)
        self.assertEqual(trace.sms_number, "+79165550011")
        vip.action_create_list()
        contact = vip.list_id.subscription_ids.contact_id.filtered(lambda c: c.ecom_partner_id == both)
        self.assertEqual(contact.mobile, "+79165550011")
        # the landline blacklisted: still reached at the mobile; the mobile blacklisted: left out
        self.env["phone.blacklist"]._add(["+74951234567"])
        vip.invalidate_recordset()
        self.assertIn(both, vip._ecom_partners("sms"))
        self.assertEqual(vip.sms_count, 4)
        self.env["phone.blacklist"]._add(["+79165550011"])
        vip.invalidate_recordset()
        self.assertNotIn(both, vip._ecom_partners("sms"))
        self.assertEqual(vip.sms_count, 3)
        self.assertTrue(both.ecom_sms_blacklisted)
        self.assertEqual(self.Partner.search([("id", "=", both.id), ("ecom_sms_blacklisted", "=", True)]), both)

    def test_an_sms_number_not_found_in_the_phones_leaves_odoo_s_choice(self):
        """A stored SMS number that none of the phones gives any more (written in SQL, not yet
        recomputed): the composer and the mailings keep Odoo's number instead of failing."""
        partner = self.Partner.create({"name": "Устаревший номер", "mobile": "+79165550022"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET ecom_sms_number = '+79165550033' WHERE id = %s", [partner.id])
        partner.invalidate_recordset()
        info = partner._sms_get_recipients_info()[partner.id]
        self.assertEqual((info["sanitized"], info["field_store"]), ("+79165550022", "mobile"))

    def test_the_list_of_audiences_counts_them_all_at_once(self):
        """The audiences' list view reads every audience's counts: a constant number of queries, not
        some per audience."""
        kinds = [{"kind": "status", "customer_status": status} for status in ("vip", "repeat", "new")] + [
            {"kind": "refusal", "lost_reason_ids": [(6, 0, reason.ids)], "period_days": days}
            for reason, days in ((self.reason_expensive, 30), (self.reason_delivery, 0), (self.reason_expensive, 0))]
        audiences = self.Audience.create([{"name": f"Аудитория {i}", **vals} for i, vals in enumerate(kinds)])
        self.env.flush_all()
        expected = {}
        for audience in audiences:
            audience.invalidate_recordset()
            expected[audience.id] = (audience.partner_count, audience.mail_count, audience.sms_count)
        self.assertEqual(expected[audiences[0].id], (4, 2, 3))
        fields_read = ["name", "partner_count", "mail_count", "sms_count"]
        for some in (audiences[:2], audiences):
            some.invalidate_recordset()
            with self.assertQueryCount(3):  # the audiences, what their filters read, then all their counts
                rows = some.read(fields_read)
            self.assertEqual({row["id"]: (row["partner_count"], row["mail_count"], row["sms_count"]) for row in rows},
                             {audience.id: expected[audience.id] for audience in some})

    def test_sms_to_a_phone_with_extension_goes_to_the_number(self):
        """A mobile kept with an extension («доб.»): the list's contact and the SMS take the number
        alone, and the number's blacklisting still holds."""
        self.vip.mobile = "+7 (916) 765-00-00 доб. 5"
        self.vip_bl_phone.mobile = f"{self.vip_bl_phone.mobile} доб. 3"
        self.assertEqual(self.vip.mobile, "+79167650000 доб. 5")
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        contact = vip.list_id.subscription_ids.contact_id.filtered(lambda c: c.ecom_partner_id == self.vip)
        self.assertEqual((contact.mobile, contact.phone_sanitized), ("+79167650000 доб. 5", "+79167650000"))
        sms = self.env["mailing.mailing"].create({
            "subject": "SMS VIP", "body_plaintext": "Скидка 10%", "mailing_type": "sms",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [(6, 0, vip.list_id.ids)]})
        sms.action_send_mail()
        self.assertEqual(self.sent_to(sms).ecom_partner_id, self.vip | self.vip_bl_email | self.vip_no_email)
        trace = sms.mailing_trace_ids.filtered(lambda t: t.res_id == contact.id)
        self.assertEqual(trace.sms_number, "+79167650000")

    def test_list_contacts_follow_their_customer(self):
        """A customer who changed their email or removed their mobile is mailed at their address of
        today, not the one the list's contact was made with; a new address blacklisted is left out."""
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        self.vip.write({"email": "anna.new@mail.example", "mobile": False})
        self.vip_bl_phone.email = "olga.new@mail.example"
        self.env["mail.blacklist"]._add("olga.new@mail.example")
        mailing = self.env["mailing.mailing"].create({
            "subject": "Для VIP", "body_html": "<p>VIP</p>", "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [(6, 0, vip.list_id.ids)]})
        mailing.action_send_mail()  # the list refreshed at the sending
        contact = vip.list_id.subscription_ids.contact_id.filtered(lambda c: c.ecom_partner_id == self.vip)
        self.assertRecordValues(contact, [{"email": "anna.new@mail.example", "mobile": False}])
        self.assertEqual(self.sent_to(mailing).ecom_partner_id, self.vip)
        self.assertEqual(mailing.mailing_trace_ids.filtered(lambda t: t.res_id == contact.id).email,
                         "anna.new@mail.example")

    def test_sms_to_list_leaves_out_blacklisted_phone(self):
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        sms = self.env["mailing.mailing"].create({
            "subject": "SMS VIP", "body_plaintext": "Скидка 10%", "mailing_type": "sms",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [(6, 0, vip.list_id.ids)]})
        self.vip_dnd.ecom_do_not_disturb = False  # now reachable: the refresh at sending adds them
        sms.action_send_mail()
        self.assertEqual(self.sent_to(sms).ecom_partner_id, self.vip | self.vip_bl_email | self.vip_no_email
                         | self.vip_dnd)

    def test_do_not_disturb_of_a_company_and_lists_of_other_contacts(self):
        self.company.ecom_do_not_disturb = True
        expensive = self.audience(kind="refusal", lost_reason_ids=[(6, 0, self.reason_expensive.ids)])
        self.assertEqual(expensive._ecom_partners(), self.refused_recent | self.refused_old,
                         "the company asked for its contacts too")
        # a list of contacts typed by hand (no customer behind them) is mailed as before
        plain = self.env["mailing.list"].create({"name": "Подписчики блога", "contact_ids": [
            (0, 0, {"name": "Читатель", "email": "reader@blog.example"}),
            (0, 0, {"name": "Клиент", "email": "client@blog.example", "ecom_partner_id": self.company_contact.id})]})
        mailing = self.env["mailing.mailing"].create({
            "subject": "Блог", "body_html": "<p>Новое в блоге</p>", "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"), "contact_list_ids": [(6, 0, plain.ids)]})
        self.assertEqual(self.env["mailing.contact"].browse(mailing._get_recipients()).mapped("email"),
                         ["reader@blog.example"])

    def test_do_not_disturb_leaves_the_list(self):
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        self.vip.ecom_do_not_disturb = True
        vip._ecom_refresh_list()
        self.assertNotIn(self.vip, vip.list_id.subscription_ids.contact_id.ecom_partner_id)


@tagged("post_install", "-at_install", "ecom_crm")
class TestAudienceCounts(AudienceCase):
    """The recipients count a marketer sees before sending is the number of emails or SMS the
    sending makes: one per address (Odoo cancels a second email to the same address, a second SMS
    to the same number as duplicates), without opt-outs and blacklists, and a list mailing counts
    the list as its refresh at the sending will make it."""

    def list_mailing(self, mlist, mailing_type="mail"):
        return self.env["mailing.mailing"].create({
            "subject": "Для VIP", "body_html": "<p>VIP</p>", "body_plaintext": "VIP", "mailing_type": mailing_type,
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"), "contact_list_ids": [(6, 0, mlist.ids)]})

    def sent_count(self, mailing):
        return len(mailing.mailing_trace_ids.filtered(lambda t: t.trace_status != "cancel"))

    def twins(self):
        """A VIP's duplicate with the same email and mobile (the customer counted twice)."""
        twin = self.Partner.create({"name": "Волкова Анна (дубль)", "email": self.vip.email, "mobile": self.vip.mobile})
        twin.ecom_customer_status = "vip"
        return twin

    def test_audience_counts_addresses_not_customers(self):
        self.twins()
        vip = self.audience(kind="status", customer_status="vip")
        self.assertEqual(vip.partner_count, 5)
        # emails: Анна (twice, one address), Ольга; SMS: Анна (one number), Пётр, Дарья
        self.assertEqual((vip.mail_count, vip.sms_count), (2, 3))

    def test_audience_mailing_count_is_what_is_sent(self):
        self.twins()
        vip = self.audience(kind="status", customer_status="vip")
        for mailing_type, expected in (("mail", 2), ("sms", 3)):
            mailing = self.env["mailing.mailing"].create({
                "subject": "Для VIP", "body_html": "<p>VIP</p>", "body_plaintext": "VIP", "mailing_type": mailing_type,
                "ecom_audience_id": vip.id, "mailing_model_id": self.env["ir.model"]._get_id("res.partner")})
            self.assertEqual(mailing.total, expected, mailing_type)
            mailing.action_send_mail()
            self.assertEqual(self.sent_count(mailing), expected, mailing_type)

    def test_list_mailing_counts_the_list_as_its_refresh_makes_it(self):
        """Customers entered or left the audience since the list was refreshed: the count is the
        list after the refresh the sending will do (the list itself is not changed by looking)."""
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        mlist = vip.list_id
        # Анна unsubscribes; Дарья leaves the audience, Семён and a duplicate of Ольга enter it
        mlist.subscription_ids.filtered(lambda s: s.contact_id.ecom_partner_id == self.vip).opt_out = True
        self.vip_no_email.ecom_customer_status = "sleeping"
        self.repeat.ecom_customer_status = "vip"
        olga_twin = self.Partner.create({"name": "Лисина Ольга (дубль)", "email": self.vip_bl_phone.email})
        olga_twin.ecom_customer_status = "vip"
        before = mlist.subscription_ids
        mail, sms = self.list_mailing(mlist), self.list_mailing(mlist, "sms")
        # emails: Ольга (twice, one address), Семён (Пётр's is blacklisted, Анна opted out)
        self.assertEqual(mail.total, 2)
        # SMS: Пётр, Семён (Ольга's number is blacklisted, Анна opted out, Дарья left)
        self.assertEqual(sms.total, 2)
        self.assertEqual(mlist.subscription_ids, before, "counting does not refresh the list")
        mail.action_send_mail()
        self.assertEqual(self.sent_count(mail), 2)
        sms.action_send_mail()
        self.assertEqual(self.sent_count(sms), 2)

    def test_a_list_mailing_counts_a_customer_s_new_address_once(self):
        """A customer who changed their email or mobile since the list's refresh is mailed at the new
        one only (the refresh at the sending brings the contact up to date): counted once."""
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        mlist = vip.list_id
        self.vip.write({"email": "anna.new@mail.example", "mobile": "+79167770011"})
        mail, sms = self.list_mailing(mlist), self.list_mailing(mlist, "sms")
        # emails: Анна (her new address), Ольга; SMS: Анна (her new number), Пётр, Дарья
        self.assertEqual((mail.total, sms.total), (2, 3))
        mail.action_send_mail()
        self.assertEqual(self.sent_count(mail), 2)
        self.assertIn("anna.new@mail.example", mail.mailing_trace_ids.mapped("email"))
        sms.action_send_mail()
        self.assertEqual(self.sent_count(sms), 3)

    def test_contacts_added_by_hand_stay_in_an_audience_list(self):
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        mlist = vip.list_id
        self.assertTrue(all(mlist.subscription_ids.mapped("ecom_audience_managed")), "the refresh's own")
        hand = self.env["mailing.contact"].create({"name": "Гость выставки", "email": "guest@expo.example",
                                                   "list_ids": [(4, mlist.id)]})
        hand_sub = mlist.subscription_ids.filtered(lambda s: s.contact_id == hand)
        self.assertFalse(hand_sub.ecom_audience_managed)
        mailing = self.list_mailing(mlist)
        self.assertEqual(mailing.total, 3)  # Анна, Ольга and the guest
        vip._ecom_refresh_list()
        self.assertIn(hand, mlist.subscription_ids.contact_id, "kept by the refresh")
        # a customer leaving the audience leaves the list; one added by hand stays
        self.repeat.ecom_customer_status = "vip"
        self.vip.ecom_customer_status = "sleeping"
        self.env["mailing.subscription"].create({"list_id": mlist.id, "contact_id": self.env["mailing.contact"].create(
            {"name": "Семён (вручную)", "email": "semyon@hand.example"}).id})
        vip._ecom_refresh_list()
        partners = mlist.subscription_ids.contact_id.ecom_partner_id
        self.assertNotIn(self.vip, partners)
        self.assertIn(self.repeat, partners)
        self.assertIn("semyon@hand.example", mlist.subscription_ids.contact_id.mapped("email"))
        mailing.invalidate_recordset(["total"])
        # Ольга, Семён, the guest and the one added with a subscription (Пётр's is blacklisted)
        self.assertEqual(mailing.total, 4)
        mailing.action_send_mail()
        self.assertEqual(self.sent_count(mailing), 4)
        self.assertIn("guest@expo.example", mailing.mailing_trace_ids.mapped("email"))

    def test_the_customers_a_list_wants_are_found_by_hashed_anti_joins(self):
        """The customers an audience list is to have leave out those its opted-out contacts name by
        id, email or phone: three conditions PostgreSQL hashes, not one with ORs it compares row by
        row (a list of 100,000 customers with 5,000 opt-outs took 15 s, and a list mailing's form
        counts it). Without nested loops allowed, none is left in the plan."""
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        vip.list_id.subscription_ids.filtered(lambda s: s.contact_id.ecom_partner_id == self.vip).opt_out = True
        wanted = vip._ecom_wanted_sql()
        self.assertEqual({row[0] for row in self.env.execute_query(wanted)},
                         set((self.vip_bl_email | self.vip_bl_phone | self.vip_no_email).ids))
        self.env.cr.execute("SET enable_nestloop = off")
        try:
            plan = "\n".join(row[0] for row in self.env.execute_query(SQL("EXPLAIN %s", wanted)))
        finally:
            self.env.cr.execute("RESET enable_nestloop")
        self.assertNotIn("Nested Loop", plan)
        self.assertEqual(plan.count("Anti Join"), 3, plan)

    def test_upgrade_marks_the_refresh_s_subscriptions(self):
        """The 18.0.1.5.5 upgrade: an audience list's subscriptions of customers' contacts are the
        refresh's; one added by hand since (a contact of no customer) is not, nor a plain list's."""
        spec = importlib.util.spec_from_file_location(
            "ecom_crm_pre_migrate_1_5_5", file_path("ecom_crm/migrations/18.0.1.5.5/pre-migrate.py"))
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        hand = self.env["mailing.contact"].create({"name": "Гость", "email": "guest@expo.example",
                                                   "list_ids": [(4, vip.list_id.id)]})
        plain = self.env["mailing.list"].create({"name": "Блог", "contact_ids": [
            (0, 0, {"name": "Клиент", "email": "client@blog.example", "ecom_partner_id": self.vip.id})]})
        self.env.flush_all()
        self.env.cr.execute("UPDATE mailing_subscription SET ecom_audience_managed = NULL WHERE list_id IN %s",
                            [(vip.list_id.id, plain.id)])
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.5.4")
        self.env.invalidate_all()
        managed = vip.list_id.subscription_ids.filtered("ecom_audience_managed")
        self.assertEqual(managed.contact_id.ecom_partner_id,
                         self.vip | self.vip_bl_email | self.vip_bl_phone | self.vip_no_email)
        self.assertNotIn(hand, managed.contact_id)
        self.assertFalse(plain.subscription_ids.filtered("ecom_audience_managed"))
        vip._ecom_refresh_list()
        self.assertIn(hand, vip.list_id.subscription_ids.contact_id, "kept by the next refresh")

    def test_a_marketer_sees_which_subscriptions_the_refresh_made(self):
        """The contact's subscriptions and the subscriptions' list show whether the audience's refresh
        made one (it leaves with the customer) or it was added by hand (it stays); a filter finds them."""
        vip = self.audience(kind="status", customer_status="vip")
        vip.action_create_list()
        hand = self.env["mailing.contact"].create({"name": "Гость", "email": "guest@expo.example",
                                                   "list_ids": [(4, vip.list_id.id)]})
        shadow = vip.list_id.subscription_ids.filtered(lambda s: s.contact_id.ecom_partner_id == self.vip).contact_id
        for contact, managed in ((shadow, True), (hand, False)):
            form = Form(contact.with_user(self.marketer))
            with form.subscription_ids.edit(0) as line:
                self.assertEqual(line.ecom_audience_managed, managed)
        Subscription = self.env["mailing.subscription"].with_user(self.marketer)
        listed = Subscription.get_views([(False, "list"), (False, "search")])["views"]
        self.assertIn('name="ecom_audience_managed"', listed["list"]["arch"])
        search = listed["search"]["arch"]
        self.assertIn('name="ecom_audience_managed"', search)
        by_hand = Subscription.search([("list_id", "=", vip.list_id.id), ("ecom_audience_managed", "!=", True),
                                       ("list_id.ecom_audience_id", "!=", False)])
        self.assertEqual(by_hand.contact_id, hand)
        ru = Subscription.with_context(lang="ru_RU").get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn("Добавлен вручную", ru)
