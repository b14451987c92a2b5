"""The Russian SMS gateways' clients in plain Python (no database), HTTP mocked."""

from unittest.mock import MagicMock, patch

import requests

from odoo.tests import BaseCase, tagged

from ..tools import sms_gateways
from ..tools.sms_gateways import SmsAero, Smsc, SmsRu

REQUEST = "odoo.addons.ecom_crm.tools.sms_gateways.requests.request"


def answer(payload, status=200):
    response = MagicMock(status_code=status)
    if isinstance(payload, Exception):
        response.json.side_effect = payload
    else:
        response.json.return_value = payload
    return response


@tagged("post_install", "-at_install", "ecom_crm", "ecom_sms")
class TestSmsRu(BaseCase):
    def setUp(self):
        super().setUp()
        self.client = SmsRu(password="API-ID", sender="Shop")

    def test_send_ok(self):
        payload = {"status": "OK", "status_code": 100, "balance": 40.5,
                   "sms": {"79161234567": {"status": "OK", "status_code": 100, "sms_id": "000000-10000001"}}}
        with patch(REQUEST, return_value=answer(payload)) as request:
            result = self.client.send("+79161234567", "Ваш заказ подтверждён")
        self.assertTrue(result.ok)
        self.assertEqual(result.provider_ref, "000000-10000001")
        method, url = request.call_args.args
        self.assertEqual((method, url), ("POST", "https://sms.ru/sms/send"))
        self.assertEqual(request.call_args.kwargs["data"], {
            "api_id": "API-ID", "to": "79161234567", "msg": "Ваш заказ подтверждён", "json": 1, "from": "Shop"})
        self.assertEqual(request.call_args.kwargs["timeout"], sms_gateways.TIMEOUT)

    def test_send_errors(self):
        cases = [
            # (answer, failure type, fatal)
            ({"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}, "sms_acc", True),
            ({"status": "ERROR", "status_code": 301, "status_text": "Неправильный пароль"}, "sms_acc", True),
            ({"status": "ERROR", "status_code": 201, "status_text": "Не хватает средств на лицевом счету"},
             "sms_credit", True),
            ({"status": "OK", "status_code": 100, "sms": {"79161234567": {
                "status": "ERROR", "status_code": 202, "status_text": "Неправильно указан номер"}}},
             "sms_number_format", False),
            ({"status": "OK", "status_code": 100, "sms": {"79161234567": {
                "status": "ERROR", "status_code": 207, "status_text": "На этот номер нельзя отправлять"}}},
             "sms_not_allowed", False),
            ({"status": "ERROR", "status_code": 220, "status_text": "Сервис временно недоступен"}, "sms_server", False),
            ({"status": "ERROR", "status_code": 231, "status_text": "Превышен лимит"}, "unknown", False),
        ]
        for payload, failure_type, fatal in cases:
            with self.subTest(payload=payload), patch(REQUEST, return_value=answer(payload)):
                result = self.client.send("+79161234567", "text")
                self.assertFalse(result.ok)
                self.assertEqual((result.failure_type, result.fatal), (failure_type, fatal))
                text = payload.get("status_text") or payload["sms"]["79161234567"]["status_text"]
                self.assertIn(text, result.reason)

    def test_network_and_garbage(self):
        with patch(REQUEST, side_effect=requests.ConnectTimeout("boom")):
            result = self.client.send("+79161234567", "text")
        self.assertEqual((result.ok, result.failure_type, result.fatal, result.unreachable),
                         (False, "sms_server", False, True))
        with patch(REQUEST, return_value=answer(ValueError("not json"), status=502)):
            result = self.client.send("+79161234567", "text")
        self.assertEqual((result.ok, result.failure_type), (False, "sms_server"))
        with patch(REQUEST, return_value=answer({"status": "OK", "sms": {}})):
            result = self.client.send("+79161234567", "text")
        self.assertEqual((result.ok, result.failure_type), (False, "unknown"))

    def test_no_credentials_no_request(self):
        with patch(REQUEST) as request:
            result = SmsRu().send("+79161234567", "text")
        request.assert_not_called()
        self.assertEqual((result.failure_type, result.fatal), ("sms_acc", True))

    def test_statuses(self):
        payload = {"status": "OK", "status_code": 100, "sms": {
            "a-1": {"status": "OK", "status_code": 103, "status_text": "Сообщение доставлено"},
            "a-2": {"status": "OK", "status_code": 102, "status_text": "Сообщение отправлено"},
            "a-3": {"status": "OK", "status_code": 104, "status_text": "Истекло время жизни"},
            "a-4": {"status": "OK", "status_code": 150, "status_text": "Нет маршрута"},
        }}
        with patch(REQUEST, return_value=answer(payload)) as request:
            statuses = self.client.statuses([("a-1", "+7916"), ("a-2", "+7916"), ("a-3", "+7916"), ("a-4", "+7")])
        self.assertEqual(request.call_args.kwargs["data"]["sms_id"], "a-1,a-2,a-3,a-4")
        self.assertEqual({s.provider_ref: (s.state, s.failure) for s in statuses}, {
            "a-1": ("sent", None), "a-2": ("pending", None), "a-3": ("error", "expired"),
            "a-4": ("error", "invalid_destination")})
        self.assertIn("Истекло время жизни", next(s.reason for s in statuses if s.provider_ref == "a-3"))

    def test_statuses_batches_of_100_and_unreachable(self):
        refs = [(f"id-{i}", "+79161234567") for i in range(150)]
        with patch(REQUEST, return_value=answer({"status": "OK", "sms": {}})) as request:
            self.client.statuses(refs)
        self.assertEqual(request.call_count, 2)
        self.assertEqual(len(request.call_args_list[1].kwargs["data"]["sms_id"].split(",")), 50)
        with patch(REQUEST, side_effect=requests.ConnectionError()) as request:
            self.assertEqual(self.client.statuses(refs), [])
        self.assertEqual(request.call_count, 1, "down: not one timeout per batch")

    def test_callback(self):
        params = {"data[0]": "sms_status\n000000-1\n103\n1700000000",
                  "data[1]": "sms_status\n000000-2\n106\n1700000001",
                  "data[2]": "callback_check\n1700000002",
                  "other": "x"}
        statuses = self.client.parse_callback(params)
        self.assertEqual([(s.provider_ref, s.state, s.failure) for s in statuses],
                         [("000000-1", "sent", None), ("000000-2", "error", "not_delivered")])
        self.assertEqual(self.client.callback_answer, "100")


@tagged("post_install", "-at_install", "ecom_crm", "ecom_sms")
class TestSmsc(BaseCase):
    def setUp(self):
        super().setUp()
        self.client = Smsc(login="shop", password="secret", sender="Shop")

    def test_send_ok(self):
        with patch(REQUEST, return_value=answer({"id": 1234, "cnt": 1})) as request:
            result = self.client.send("+7 916 123-45-67", "Заказ отправлен")
        self.assertEqual((result.ok, result.provider_ref), (True, "1234"))
        self.assertEqual(request.call_args.args, ("POST", "https://smsc.ru/sys/send.php"))
        self.assertEqual(request.call_args.kwargs["data"], {
            "login": "shop", "psw": "secret", "fmt": 3, "charset": "utf-8", "phones": "79161234567",
            "mes": "Заказ отправлен", "sender": "Shop"})

    def test_send_errors(self):
        cases = [
            ({"error": "authorise error", "error_code": 2}, "sms_acc", True),
            ({"error": "no money", "error_code": 3}, "sms_credit", True),
            ({"error": "invalid phone", "error_code": 7}, "sms_number_format", False),
            ({"error": "message is denied", "error_code": 6}, "sms_not_allowed", False),
            ({"error": "duplicate request", "error_code": 9}, "sms_server", False),
        ]
        for payload, failure_type, fatal in cases:
            with self.subTest(payload=payload), patch(REQUEST, return_value=answer(payload)):
                result = self.client.send("+79161234567", "text")
                self.assertEqual((result.ok, result.failure_type, result.fatal), (False, failure_type, fatal))
                self.assertIn(payload["error"], result.reason)

    def test_login_required(self):
        with patch(REQUEST) as request:
            result = Smsc(password="secret").send("+79161234567", "text")
        request.assert_not_called()
        self.assertEqual(result.failure_type, "sms_acc")

    def test_statuses_and_callback(self):
        answers = [answer({"status": 1, "last_timestamp": 1700000000, "err": 0}),
                   answer({"status": 22, "err": 1}),
                   answer({"status": 0})]
        with patch(REQUEST, side_effect=answers) as request:
            statuses = self.client.statuses([("1", "+79160000001"), ("2", "+79160000002"), ("3", "+79160000003")])
        self.assertEqual(request.call_count, 3)
        self.assertEqual(request.call_args_list[1].kwargs["data"]["phone"], "79160000002")
        self.assertEqual([(s.provider_ref, s.state, s.failure) for s in statuses],
                         [("1", "sent", None), ("2", "error", "invalid_destination"), ("3", "pending", None)])
        callback = self.client.parse_callback({"id": "77", "phone": "79161234567", "status": "3", "err": "0"})
        self.assertEqual([(s.provider_ref, s.state, s.failure) for s in callback], [("77", "error", "expired")])
        self.assertEqual(self.client.parse_callback({"foo": "bar"}), [])


@tagged("post_install", "-at_install", "ecom_crm", "ecom_sms")
class TestSmsAero(BaseCase):
    def setUp(self):
        super().setUp()
        self.client = SmsAero(login="shop@example.ru", password="KEY", sender="Shop")

    def test_send_ok(self):
        payload = {"success": True, "data": {"id": 42, "number": "79161234567", "status": 8,
                                             "extendStatus": "moderation"}, "message": None}
        with patch(REQUEST, return_value=answer(payload)) as request:
            result = self.client.send("+79161234567", "Заказ доставлен")
        self.assertEqual((result.ok, result.provider_ref), (True, "42"))
        self.assertEqual(request.call_args.args, ("POST", "https://gate.smsaero.ru/v2/sms/send"))
        self.assertEqual(request.call_args.kwargs["auth"], ("shop@example.ru", "KEY"))
        self.assertEqual(request.call_args.kwargs["data"],
                         {"number": "79161234567", "text": "Заказ доставлен", "sign": "Shop"})

    def test_send_errors(self):
        cases = [
            (answer({"success": False, "data": None, "message": "Unauthorized"}, 401), "sms_acc", True),
            (answer({"success": False, "data": None, "message": "Insufficient funds on balance"}, 400),
             "sms_credit", True),
            (answer({"success": False, "data": {"number": ["Invalid number"]}, "message": "Validation error."},
                    400), "sms_number_format", False),
            (answer(ValueError(), 503), "sms_server", False),
            (answer({"success": False, "data": None, "message": "Sign not approved"}, 400), "unknown", False),
        ]
        for response, failure_type, fatal in cases:
            with self.subTest(failure_type=failure_type), patch(REQUEST, return_value=response):
                result = self.client.send("+79161234567", "text")
                self.assertEqual((result.ok, result.failure_type, result.fatal), (False, failure_type, fatal))

    def test_statuses(self):
        answers = [answer({"success": True, "data": {"id": 42, "status": 1, "extendStatus": "delivery"}}),
                   answer({"success": True, "data": {"id": 43, "status": 6, "extendStatus": "rejected"}}),
                   answer({"success": False, "message": "Not found"}, 404)]
        with patch(REQUEST, side_effect=answers):
            statuses = self.client.statuses([("42", "+7916"), ("43", "+7916"), ("44", "+7916")])
        self.assertEqual([(s.provider_ref, s.state, s.failure) for s in statuses],
                         [("42", "sent", None), ("43", "error", "rejected")])
        self.assertIsNone(self.client.parse_callback({"id": "42"}))

    def test_registry(self):
        self.assertIsNone(sms_gateways.get_gateway("iap"))
        self.assertIsInstance(sms_gateways.get_gateway("smsaero", login="a", password="b"), SmsAero)
        self.assertEqual(sms_gateways.digits("+7 (916) 123-45-67"), "79161234567")
