"""Odoo's SMS queue sent through a Russian gateway: sending, errors, delivery statuses (HTTP mocked)."""

import threading
from unittest.mock import MagicMock, patch

import requests

from odoo.addons.sms.tools.sms_api import SmsApi
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import EcomCrmCase

REQUEST = "odoo.addons.ecom_crm.tools.sms_gateways.requests.request"


def answer(payload, status=200):
    return MagicMock(status_code=status, **{"json.return_value": payload})


def smsru_sent(number, sms_id):
    return answer({"status": "OK", "status_code": 100,
                   "sms": {number: {"status": "OK", "status_code": 100, "sms_id": sms_id}}})


class SmsGatewayCase(EcomCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"ecom_sms_gateway": "smsru", "ecom_sms_password": "API-ID", "ecom_sms_sender": "Shop"})
        cls.customer = cls.Partner.create({"name": "Мария Покупателева", "mobile": "+79161234567"})

    def _post_sms(self, record, body="Ваш заказ подтверждён"):
        """An SMS notification posted on ``record``'s chatter, queued like Odoo's notifications."""
        message = record._message_sms(body, partner_ids=self.customer.ids, put_in_queue=True)
        sms = self.env["sms.sms"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(sms), 1)
        return message, sms

    def _notification(self, message):
        return message.notification_ids.filtered(lambda n: n.notification_type == "sms")


@tagged("post_install", "-at_install", "ecom_crm", "ecom_sms")
class TestSmsGatewayQueue(SmsGatewayCase):
    def test_queue_goes_through_the_gateway(self):
        lead = self._lead(partner_id=self.customer.id)
        message, sms = self._post_sms(lead)
        self.assertEqual(sms.ecom_company_id, self.company)
        with patch(REQUEST, return_value=smsru_sent("79161234567", "000-1")) as request, \
                patch.object(SmsApi, "_send_sms_batch") as iap:
            self.env["sms.sms"]._process_queue()
        iap.assert_not_called()
        self.assertEqual(request.call_count, 1)
        data = request.call_args.kwargs["data"]
        self.assertEqual((data["to"], data["msg"], data["from"]), ("79161234567", "Ваш заказ подтверждён", "Shop"))
        self.assertRecordValues(sms, [{"state": "pending", "ecom_gateway": "smsru", "ecom_provider_ref": "000-1",
                                       "to_delete": False, "failure_type": False}])
        self.assertEqual(self._notification(message).notification_status, "pending")

    def test_national_number_sent_in_e164(self):
        sms = self.env["sms.sms"].create({"number": "8 (916) 765-43-21", "body": "Привет"})
        with patch(REQUEST, return_value=smsru_sent("79167654321", "000-2")) as request:
            sms.send()
        self.assertEqual(request.call_args.kwargs["data"]["to"], "79167654321")
        self.assertEqual(sms.state, "pending")

    def test_number_with_extension_sent_without_it(self):
        """An office number kept with its extension («доб.») gets its SMS on the number alone: the
        gateway's digits of the whole value were another, longer number."""
        self.customer.mobile = "+7 (916) 765-43-21 доб. 12"
        self.assertEqual(self.customer.mobile, "+79167654321 доб. 12")
        sms = self.env["sms.sms"].create({"number": self.customer.mobile, "body": "Заказ готов"})
        with patch(REQUEST, return_value=smsru_sent("79167654321", "000-3")) as request:
            sms._send()
        self.assertEqual(request.call_args.kwargs["data"]["to"], "79167654321")
        self.assertEqual(sms.state, "pending")
        # Odoo's own recipients (notifications, SMS composer, mass SMS) take the sanitized number
        self.assertEqual(self.customer.phone_sanitized, "+79167654321")

    def test_mailing_test_sms_goes_through_the_gateway(self):
        """The marketer's test SMS of a mailing goes out like the mailing will, through the
        company's gateway (it went to Odoo IAP, where the store has no account)."""
        marketer = self.env["res.users"].create({
            "name": "Мария Маркетолог", "login": "ecom_sms_marketer", "email": "marketer@shop.example",
            "groups_id": [(6, 0, self.env.ref("mass_mailing.group_mass_mailing_user").ids)]})
        mailing = self.env["mailing.mailing"].with_user(marketer).create({
            "subject": "Акция", "mailing_type": "sms", "body_plaintext": "Скидка 10% до пятницы",
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner")})
        wizard = self.env["mailing.sms.test"].with_user(marketer).create({
            "mailing_id": mailing.id, "numbers": "+7 (916) 123-45-67 доб. 5\n12345"})
        with patch(REQUEST, return_value=smsru_sent("79161234567", "000-9")) as request, \
                patch.object(SmsApi, "_send_sms_batch") as iap:
            wizard.action_send_sms()
        iap.assert_not_called()
        self.assertEqual(request.call_count, 1)
        data = request.call_args.kwargs["data"]
        self.assertEqual((data["to"], data["msg"]), ("79161234567", "Скидка 10% до пятницы"))
        sms = self.env["sms.sms"].search([("ecom_provider_ref", "=", "000-9")])
        self.assertRecordValues(sms, [{"state": "pending", "ecom_gateway": "smsru",
                                       "ecom_company_id": self.company.id}])
        log = mailing.sudo().message_ids[0].body
        self.assertIn("+7 (916) 123-45-67 доб. 5", log)
        self.assertIn("12345", log)
        self.assertIn("not a valid phone number", log)
        failed = self.env["sms.sms"].search([("number", "=", "12345")])
        self.assertEqual(failed.mapped("to_delete"), [True], "a failed test is not kept in the SMS queue")
        self.assertFalse(sms.to_delete)

    def test_audience_sms_mailing_goes_through_the_audience_company_s_gateway(self):
        """An SMS mailing to the second shop's audience (or to its audience's list), sent from the first
        shop or by the queue's job, goes through the second shop's gateway and sender, as its test SMS
        does: it went through the sending user's company's, another shop's account and name."""
        other = self.env["res.company"].create({"name": "Второй магазин", "ecom_sms_gateway": "smsc",
                                                "ecom_sms_login": "shop2", "ecom_sms_password": "pw"})
        self.env.user.company_ids |= other
        self.customer.with_company(other).ecom_customer_status = "vip"
        audience = self.env["ecom.mailing.audience"].create({
            "name": "VIP второго магазина", "kind": "status", "customer_status": "vip", "company_id": other.id})
        audience.action_create_list()
        to_audience = self.env["mailing.mailing"].create({
            "subject": "Акция", "mailing_type": "sms", "body_plaintext": "Скидка 10%", "ecom_audience_id": audience.id,
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner")})
        to_list = self.env["mailing.mailing"].create({
            "subject": "Акция", "mailing_type": "sms", "body_plaintext": "Скидка 10%",
            "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [(6, 0, audience.list_id.ids)]})
        for mailing in (to_audience, to_list):
            mailing.action_send_mail()
            sms = self.env["sms.sms"].search([("mailing_id", "=", mailing.id)])
            self.assertEqual(len(sms), 1)
            self.assertEqual(sms.ecom_company_id, other)
        with patch(REQUEST, return_value=answer({"id": 9, "cnt": 1})) as request:
            self.env["sms.sms"]._process_queue()
        self.assertEqual({call.args[1] for call in request.call_args_list}, {"https://smsc.ru/sys/send.php"})
        # its test SMS: the same gateway, for a mailing to the audience's list too
        wizard = self.env["mailing.sms.test"].create({"mailing_id": to_list.id, "numbers": "+79161234567"})
        with patch(REQUEST, return_value=answer({"id": 10, "cnt": 1})) as request:
            wizard.action_send_sms()
        self.assertEqual(request.call_args.args[1], "https://smsc.ru/sys/send.php")

    def test_invalid_number_fails_without_request(self):
        sms = self.env["sms.sms"].create({"number": "12345", "body": "Привет"})
        with patch(REQUEST) as request:
            sms.send()
        request.assert_not_called()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_format"))
        self.assertIn("12345", sms.ecom_failure_reason)

    def test_no_money_fails_the_batch_with_one_request(self):
        records = self.env["sms.sms"].create([{"number": f"+7916123456{i}", "body": "Акция"} for i in range(3)])
        no_money = answer({"status": "ERROR", "status_code": 201, "status_text": "Не хватает средств"})
        with patch(REQUEST, return_value=no_money) as request:
            self.env["sms.sms"]._process_queue(records.ids)
        self.assertEqual(request.call_count, 1)
        self.assertEqual(set(records.mapped("state")), {"error"})
        self.assertEqual(set(records.mapped("failure_type")), {"sms_credit"})
        self.assertEqual(set(records.mapped("ecom_failure_reason")), {"SMS.ru 201: Не хватает средств"})

    def test_gateway_down_leaves_the_rest_queued(self):
        records = self.env["sms.sms"].create([{"number": f"+7916123456{i}", "body": "Акция"} for i in range(3)])
        with patch(REQUEST, side_effect=requests.ConnectTimeout()) as request:
            self.env["sms.sms"]._process_queue(records.ids)
        self.assertEqual(request.call_count, 1)
        self.assertEqual(records.mapped("state"), ["error", "outgoing", "outgoing"])
        self.assertEqual(records[0].failure_type, "sms_server")
        self.assertIn("ConnectTimeout", records[0].ecom_failure_reason)

    def test_queue_commits_each_sms_the_gateway_took(self):
        """The queue's job commits after each SMS a Russian gateway took (one HTTP request each),
        not after a batch of 500: a worker killed at its time limit halfway through a batch would
        leave the SMS sent so far queued, and the next run would send them again."""
        records = self.env["sms.sms"].create([{"number": f"+7916123456{i}", "body": "Акция"} for i in range(3)])
        answers = [smsru_sent(f"7916123456{i}", f"000-{i}") for i in range(3)]
        states_at_commit = []
        with patch(REQUEST, side_effect=answers), \
                patch.object(threading.current_thread(), "testing", False), \
                patch.object(self.env.cr, "commit",
                             side_effect=lambda *a: states_at_commit.append(records.mapped("state"))):
            self.env["sms.sms"]._process_queue(records.ids)
        self.assertEqual(states_at_commit[:3], [["pending", "outgoing", "outgoing"],
                                                ["pending", "pending", "outgoing"],
                                                ["pending", "pending", "pending"]])

    def test_sms_sent_in_a_transaction_are_not_committed(self):
        """An SMS sent at once by a user's action (not the queue) never commits the action's work."""
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST, return_value=smsru_sent("79161234567", "000-9")), \
                patch.object(threading.current_thread(), "testing", False), \
                patch.object(self.env.cr, "commit") as commit:
            sms.send()
        commit.assert_not_called()
        self.assertEqual(sms.state, "pending")

    def test_bad_credentials_reach_the_notification(self):
        lead = self._lead(partner_id=self.customer.id)
        message, sms = self._post_sms(lead)
        bad_key = answer({"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"})
        with patch(REQUEST, return_value=bad_key):
            self.env["sms.sms"]._process_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_acc"))
        notification = self._notification(message)
        self.assertRecordValues(notification, [{"notification_status": "exception", "failure_type": "sms_acc",
                                                "failure_reason": "SMS.ru 200: Неправильный api_id"}])

    def test_crash_in_the_queue_never_raises(self):
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST, side_effect=RuntimeError("library bug")):
            self.env["sms.sms"]._process_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertIn("library bug", sms.ecom_failure_reason)

    def test_missing_credentials(self):
        self.company.ecom_sms_password = False
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST) as request:
            sms.send()
        request.assert_not_called()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_acc"))

    def test_iap_stays_the_default(self):
        self.company.ecom_sms_gateway = "iap"
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST) as request, patch.object(
                SmsApi, "_send_sms_batch", return_value=[{"uuid": sms.uuid, "state": "success"}]) as iap:
            sms.send()
        request.assert_not_called()
        iap.assert_called_once()
        self.assertEqual(sms.state, "pending")

    def test_gateway_of_the_record_company(self):
        other = self.env["res.company"].create({"name": "Второй магазин", "ecom_sms_gateway": "smsc",
                                                "ecom_sms_login": "shop2", "ecom_sms_password": "pw"})
        lead = self._lead(partner_id=self.customer.id, company_id=other.id, user_id=False)
        _message, sms = self._post_sms(lead)
        self.assertEqual(sms.ecom_company_id, other)
        with patch(REQUEST, return_value=answer({"id": 9, "cnt": 1})) as request:
            self.env["sms.sms"]._process_queue()
        self.assertEqual(request.call_args.args[1], "https://smsc.ru/sys/send.php")
        self.assertRecordValues(sms, [{"state": "pending", "ecom_gateway": "smsc", "ecom_provider_ref": "9"}])

    def test_polling_cron_updates_sms_and_notifications(self):
        lead = self._lead(partner_id=self.customer.id)
        message_ok, sms_ok = self._post_sms(lead, "Первое")
        message_ko, sms_ko = self._post_sms(lead, "Второе")
        with patch(REQUEST, side_effect=[smsru_sent("79161234567", "id-ok"), smsru_sent("79161234567", "id-ko")]):
            self.env["sms.sms"]._process_queue()
        statuses = answer({"status": "OK", "status_code": 100, "sms": {
            "id-ok": {"status": "OK", "status_code": 103, "status_text": "Сообщение доставлено"},
            "id-ko": {"status": "OK", "status_code": 150, "status_text": "Нет маршрута для этого номера"}}})
        with patch(REQUEST, return_value=statuses) as request:
            self.env["sms.sms"]._ecom_cron_poll_statuses()
        self.assertEqual(set(request.call_args.kwargs["data"]["sms_id"].split(",")), {"id-ok", "id-ko"})
        self.assertRecordValues(sms_ok, [{"state": "sent", "to_delete": True}])
        self.assertRecordValues(sms_ko, [{"state": "error", "failure_type": "sms_invalid_destination",
                                          "to_delete": True}])
        self.assertEqual(self._notification(message_ok).notification_status, "sent")
        self.assertRecordValues(self._notification(message_ko), [{
            "notification_status": "bounce", "failure_type": "sms_invalid_destination",
            "failure_reason": "SMS.ru 150: Нет маршрута для этого номера"}])
        # nothing left to ask
        with patch(REQUEST) as request:
            self.env["sms.sms"]._ecom_cron_poll_statuses()
        request.assert_not_called()

    def test_salesperson_sends_without_seeing_the_key(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesman).read(["ecom_sms_password"])
        lead = self._lead(partner_id=self.customer.id).with_user(self.salesman)
        with patch(REQUEST, return_value=smsru_sent("79161234567", "000-9")) as request:
            message = lead._message_sms("Перезвоните нам", partner_ids=self.customer.ids)  # sent at once
        self.assertEqual(request.call_args.kwargs["data"]["api_id"], "API-ID")
        self.assertEqual(self._notification(message.sudo()).notification_status, "pending")

    def test_settings_per_company(self):
        self.company.write({"ecom_sms_gateway": "iap", "ecom_sms_password": False, "ecom_sms_callback_token": False})
        settings = Form(self.env["res.config.settings"])
        settings.ecom_sms_gateway = "smsc"
        settings.ecom_sms_login = "shop"
        settings.ecom_sms_password = "secret"
        settings.ecom_sms_sender = "Магазин"
        settings.save().execute()
        self.assertRecordValues(self.company, [{"ecom_sms_gateway": "smsc", "ecom_sms_login": "shop",
                                                "ecom_sms_password": "secret", "ecom_sms_sender": "Магазин"}])
        url = Form(self.env["res.config.settings"]).ecom_sms_callback_url
        self.assertRegex(url, r"/ecom_crm/sms/status/smsc/[\w-]{20,}$")
        self.assertEqual(url, self.company._ecom_sms_callback_url(), "one token per company, kept")
        self.company.ecom_sms_gateway = "smsaero"  # statuses polled: no callback
        self.assertFalse(Form(self.env["res.config.settings"]).ecom_sms_callback_url)

    def test_polling_cron_survives_the_gateway(self):
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST, return_value=smsru_sent("79161234567", "id-1")):
            sms.send()
        with patch(REQUEST, side_effect=RuntimeError("down")):
            self.env["sms.sms"]._ecom_cron_poll_statuses()  # logged, not raised
        self.assertEqual(sms.state, "pending")


@tagged("post_install", "-at_install", "ecom_crm", "ecom_sms")
class TestSmsStatusCallback(HttpCase, SmsGatewayCase):
    def _send(self, ref):
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST, return_value=smsru_sent("79161234567", ref)):
            sms.send()
        return sms

    def test_smsru_callback(self):
        sms = self._send("000000-77")
        url = self.company._ecom_sms_callback_url()
        self.assertIn("/ecom_crm/sms/status/smsru/", url)
        path = url[url.index("/ecom_crm/"):]
        response = self.url_open(path, data={"data[0]": "sms_status\n000000-77\n103\n1700000000"})
        self.assertEqual((response.status_code, response.text), (200, "100"))
        self.assertEqual(sms.state, "sent")

    def test_smsc_callback(self):
        self.company.write({"ecom_sms_gateway": "smsc", "ecom_sms_login": "shop", "ecom_sms_password": "pw"})
        sms = self.env["sms.sms"].create({"number": "+79161234567", "body": "Привет"})
        with patch(REQUEST, return_value=answer({"id": 555, "cnt": 1})):
            sms.send()
        url = self.company._ecom_sms_callback_url()
        path = url[url.index("/ecom_crm/"):]
        response = self.url_open(path, data={"id": "555", "phone": "79161234567", "status": "20", "err": "1"})
        self.assertEqual((response.status_code, response.text), (200, "OK"))
        self.assertRecordValues(sms, [{"state": "error", "failure_type": "sms_not_delivered"}])

    def test_a_bad_item_does_not_hold_back_the_others(self):
        """An item PostgreSQL cannot read (a NUL in its id) is skipped: the others are applied and
        SMS.ru reads 100, else it would post the same statuses again forever."""
        sms = self._send("000000-79")
        url = self.company._ecom_sms_callback_url()
        response = self.url_open(url[url.index("/ecom_crm/"):], data={
            "data[0]": "sms_status\n000000-79\n103\n1700000000", "data[1]": "sms_status\nx\x00y\n103\n1700000000"})
        self.assertEqual((response.status_code, response.text), (200, "100"))
        self.assertEqual(sms.state, "sent")

    def test_a_concurrency_error_is_retried_then_a_plain_503(self):
        """A serialization failure while the statuses are applied is Odoo's to retry (the report is
        applied once it passes); one that outlasts the retries is a plain-text 503 the gateway
        sends again, with nothing of the report written (it was an HTML 500 after a half-done
        transaction)."""
        from odoo.service import model as service_model

        sms = self._send("000000-81")
        url = self.company._ecom_sms_callback_url()
        path, data = url[url.index("/ecom_crm/"):], {"data[0]": "sms_status\n000000-81\n103\n1700000000"}
        Sms = type(self.env["sms.sms"])
        apply_statuses = Sms._ecom_apply_statuses
        conflicts = []

        def conflict(records, company, gateway, statuses, times=1):
            done = apply_statuses(records, company, gateway, statuses)
            if len(conflicts) < times:
                conflicts.append(1)
                records.env.flush_all()
                records.env.cr.execute("DO $$ BEGIN RAISE EXCEPTION 'concurrent update' "
                                       "USING ERRCODE = 'serialization_failure'; END $$", log_exceptions=False)
            return done

        with patch.object(Sms, "_ecom_apply_statuses", conflict):
            response = self.url_open(path, data=data)
        self.assertEqual((response.status_code, response.text), (200, "100"))
        self.assertEqual(sms.state, "sent")
        sms = self._send("000000-82")
        conflicts.clear()
        data = {"data[0]": "sms_status\n000000-82\n103\n1700000000"}
        with patch.object(Sms, "_ecom_apply_statuses", lambda *args: conflict(*args, times=10)), \
                patch.object(service_model, "MAX_TRIES_ON_CONCURRENCY_FAILURE", 1):
            response = self.url_open(path, data=data)
        self.assertEqual(response.status_code, 503, response.text[:200])
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain")
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "pending")
        # any other failure halfway: the gateway's 503 too, and nothing of the report kept

        def failure(records, company, gateway, statuses):
            apply_statuses(records, company, gateway, statuses)
            raise ValueError("halfway")

        with patch.object(Sms, "_ecom_apply_statuses", failure), mute_logger("odoo.addons.ecom_crm.controllers"):
            response = self.url_open(path, data=data)
        self.assertEqual((response.status_code, response.text), (503, "error"))
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "pending")

    def test_odd_urls_and_methods_get_plain_text(self):
        url = self.company._ecom_sms_callback_url()
        path = url[url.index("/ecom_crm/"):]
        for method, target, status in (("GET", "/ecom_crm/sms/status/smsru/ab%00cd", 403),
                                       ("GET", "/ecom_crm/sms/status/sms%00ru/abc", 403),
                                       ("PUT", path, 405), ("DELETE", path, 405),
                                       # no such report URL: its own status, not a 503 to send again forever
                                       ("GET", "/ecom_crm/sms/status/smsru", 404),
                                       # the reports' root, no gateway named (was Odoo's HTML page)
                                       ("GET", "/ecom_crm/sms/status", 404), ("POST", "/ecom_crm/sms/status/", 404),
                                       ("POST", path + "/extra", 404)):
            with self.subTest(method=method, target=target):
                response = self.opener.request(method, self.base_url() + target, timeout=30)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain")

    def test_wrong_token(self):
        sms = self._send("000000-78")
        response = self.url_open("/ecom_crm/sms/status/smsru/not-the-token",
                                 data={"data[0]": "sms_status\n000000-78\n103\n1700000000"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.headers["Content-Type"].split(";")[0], "text/plain")
        self.assertEqual(sms.state, "pending")
