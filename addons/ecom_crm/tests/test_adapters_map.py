"""The incoming adapters' mappers and signatures, in plain Python (no database), on hand-made
fixtures built from each provider's published format (tests/data/adapters/*.json say which)."""

import json
from datetime import date

from odoo.tests import BaseCase, tagged
from odoo.tools.misc import file_path

from ..tools import adapters
from ..tools.intake import validate_call, validate_request
from ..tools.phones import normalize_phone


def fixture(name):
    with open(file_path(f"ecom_crm/tests/data/adapters/{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)


@tagged("post_install", "-at_install", "ecom_crm")
class TestFieldNames(BaseCase):
    def test_usual_names_in_russian_and_english(self):
        for name, target in (("Your-Phone*", "phone"), ("Ваш номер телефона", "phone"), ("E-mail", "email"),
                             ("your-email", "email"), ("Имя", "name"), ("ФИО", "name"), ("Фамилия", "last_name"),
                             ("Комментарий к заказу", "message"), ("Textarea", "message"), ("Город", "city"),
                             ("utm_source", "utm_source"), ("formid", None), ("_wpcf7_unit_tag", None),
                             ("Какой цвет?", None), ("utm_term", None)):
            self.assertEqual(adapters.field_target(name), target, name)
        extra = adapters.parse_field_map("form_text_7 = phone\nbad line\nform_text_8: Имя\nx = nothing")
        self.assertEqual(extra, {"text_7": "phone", "text_8": "name"}, "«form_» is a prefix like «your_»")
        self.assertEqual(adapters.field_target("form_text_7", extra), "phone")

    def test_unknown_fields_are_kept_in_the_message(self):
        data = adapters.map_named_fields([("Имя", "Анна"), ("Телефон", "+79160000001"), ("Телефон 2", "+79160000002"),
                                          ("Размер", "M"), ("sessid", "x")])
        self.assertEqual(data, {"name": "Анна", "phone": "+79160000001",
                                "message": "Телефон 2: +79160000002\nРазмер: M"})

    def test_an_extension_asked_apart_joins_the_phone(self):
        """A form asking an office's extension in its own field: kept with the phone, read by the
        phone's normalisation as «доб.»; without a phone it stays in the message."""
        for name in ("Добавочный", "доб", "ext", "Extension", "your-phone-ext", "Добавочный номер"):
            with self.subTest(name=name):
                data = adapters.map_named_fields([("Телефон", "+7 495 123-45-67"), (name, "123"),
                                                  ("Имя", "Анна")])
                self.assertEqual(data, {"phone": "+7 495 123-45-67 доб. 123", "name": "Анна"})
                self.assertEqual(validate_request(data)[1], {})
        data = adapters.map_named_fields([("email", "anna@mail.example"), ("Добавочный", "12")])
        self.assertEqual(data, {"email": "anna@mail.example", "message": "Добавочный: 12"})
        # what is no extension («-», «нет», «12-34») does not spoil the phone: it stays in the message
        for value, phone, message in (("-", "+7 916 123-45-67", "Добавочный: -"),
                                      ("нет", "+7 916 123-45-67", "Добавочный: нет"),
                                      ("12-34", "+7 916 123-45-67", "Добавочный: 12-34"),
                                      ("доб. 12", "+7 916 123-45-67 доб. 12", None),
                                      ("#7", "+7 916 123-45-67 доб. 7", None)):
            with self.subTest(value=value):
                data = adapters.map_named_fields([("Телефон", "+7 916 123-45-67"), ("Добавочный", value)])
                self.assertEqual((data["phone"], data.get("message")), (phone, message))
                self.assertTrue(normalize_phone(data["phone"])[1], "the phone stays valid")
        extra = adapters.parse_field_map("form_text_3 = phone_extension")
        self.assertEqual(adapters.map_named_fields([("form_text_3", "7"), ("phone", "84951234567")], extra),
                         {"phone": "84951234567 доб. 7"})

    def test_a_nested_list_value_is_read_once_per_item(self):
        """A field whose value is a list of lists (a form builder's multiple choice, or a hostile body) is its
        texts joined; each item was read twice, so a value nested 60 levels deep took 2**60 reads (a worker
        stuck for ever) and one of 12 levels around 3000 answers held it seconds per request."""
        value = ["красный", ""]
        for _level in range(60):
            value = [value, "синий"]
        data = adapters.map_named_fields([("phone", "+79161234567"), ("Цвет", value)])
        self.assertEqual(data["message"], "Цвет: " + "красный" + ", синий" * 60)
        wide = [[f"вариант {index}" for index in range(3000)]]
        for _level in range(12):
            wide = [wide]
        data = adapters.map_named_fields([("phone", "+79161234567"), ("Цвет", wide)])
        self.assertEqual(data["message"], "Цвет: " + ", ".join(f"вариант {index}" for index in range(3000)))


@tagged("post_install", "-at_install", "ecom_crm")
class TestFormMappers(BaseCase):
    def test_tilda_form(self):
        data = adapters.map_tilda(fixture("tilda")["form"])
        self.assertEqual(data, {
            "name": "Смирнова Ольга Петровна", "phone": "+7 (916) 555-12-34", "email": "olga@mail.ru",
            "message": "Перезвоните после 18:00\nКакой цвет?: Серый\nTilda form: Заявка на консультацию",
            "utm_source": "yandex", "utm_medium": "cpc", "utm_campaign": "Коляски",
            "yandex_client_id": "1700000000123456789", "idempotency_key": "tilda:5107323:3216857641"})
        self.assertFalse(validate_request(data)[1])

    def test_tilda_cart_and_its_utm_cookie(self):
        data = adapters.map_tilda(fixture("tilda")["cart"])
        clean, errors = validate_request(data)
        self.assertFalse(errors)
        self.assertEqual((clean["utm_source"], clean["utm_medium"], clean["utm_campaign"]), ("vk", "social", "spring"))
        self.assertEqual(clean["lines"], [{"sku": "CYB-PRIAM", "name": "Коляска Cybex Priam", "qty": 1, "price": 39990},
                                          {"sku": "", "name": "Дождевик", "qty": 2, "price": 4995}])
        self.assertEqual(clean["amount"], 49980)
        self.assertIn("Tilda order 1598337541", clean["message"])
        with self.assertRaises(adapters.Malformed):
            adapters.map_tilda({"Phone": "1", "payment": "{not json"})
        # a product that is null, or whose name or SKU is an object: no line named «None», no «{'a': 1}» SKU (the
        # order refused for it), read as the form's values are; a products list that is one string is one line
        data = adapters.map_tilda({"Phone": "+79160001234", "payment": json.dumps({"products": [
            None, {"name": {"a": 1}, "sku": {"a": 1}, "quantity": 1, "price": 10},
            {"name": "Дождевик", "sku": 123, "quantity": 2, "price": 4995}]})})
        clean, errors = validate_request(data)
        self.assertFalse(errors)
        self.assertEqual(clean["lines"], [{"sku": "", "name": "", "qty": 1, "price": 10},
                                          {"sku": "123", "name": "Дождевик", "qty": 2, "price": 4995}])
        data = adapters.map_tilda({"Phone": "+79160001234", "payment": json.dumps({"products": "Дождевик"})})
        self.assertEqual([line["name"] for line in data["lines"]], ["Дождевик"])

    def test_contact_form_7(self):
        fields = fixture("form")["cf7"]
        data = adapters.map_form(fields, today=date(2026, 12, 2))
        key = data.pop("idempotency_key")
        self.assertEqual(data, {"name": "Зайцева Дарья", "email": "darya@yandex.ru", "phone": "+7 903 777-88-99",
                                "message": "Есть ли в наличии кофемашина?", "utm_source": "google",
                                "utm_medium": "cpc"})
        self.assertEqual(adapters.map_form(dict(fields), today=date(2026, 12, 2))["idempotency_key"], key,
                         "the same form sent twice the same day: one request")
        self.assertNotEqual(adapters.map_form(fields, today=date(2026, 12, 3))["idempotency_key"], key)
        self.assertNotEqual(adapters.map_form(dict(fields, **{"your-message": "Другое"}),
                                              today=date(2026, 12, 2))["idempotency_key"], key)

    def test_analytics_ids_from_hidden_fields_and_cookies(self):
        """The visitor's Metrica ClientID and GA client id reach the request whatever the page calls
        them, the _ga cookie's form reduced to the client id the ad systems import."""
        data = adapters.map_form({"your-phone": "+7 903 777-88-99", "_ym_uid": "1699999999111222333",
                                  "_ga": "GA1.1.1234567890.1700000000"}, today=date(2026, 12, 2))
        self.assertEqual((data["yandex_client_id"], data["google_client_id"]),
                         ("1699999999111222333", "1234567890.1700000000"))
        self.assertNotIn("message", data, "ids are fields, not lines of the message")
        clean, errors = validate_request(data)
        self.assertFalse(errors)
        self.assertEqual(clean["google_client_id"], "1234567890.1700000000")
        data = adapters.map_json_form({"answers": [{"name": "phone", "value": "+79161234567"},
                                                   {"name": "ga_client_id", "value": "987654321.1700000001"},
                                                   {"name": "metrika_client_id", "value": "17000000005555"}],
                                       "answer_id": 7})
        self.assertEqual((data["yandex_client_id"], data["google_client_id"]),
                         ("17000000005555", "987654321.1700000001"))
        data = adapters.map_tilda({"Phone": "+79161234567", "tranid": "1:2",
                                   "COOKIES": "_ga=GA1.2.555.1700000002; _ym_uid=42; tildauid=1"})
        self.assertEqual((data["yandex_client_id"], data["google_client_id"]), ("42", "555.1700000002"))
        data = adapters.map_tilda({"Phone": "+79161234567", "tranid": "1:3", "ym_client_id": "7",
                                   "COOKIES": "_ym_uid=42"})
        self.assertEqual(data["yandex_client_id"], "7", "a field the page filled wins over the cookie")
        self.assertEqual(adapters.ga_client_id("GA1.1.12.34"), "12.34")
        self.assertEqual(adapters.ga_client_id("12.34"), "12.34")

    def test_bitrix_form_with_its_field_names(self):
        sample = fixture("form")
        data = adapters.map_form(sample["bitrix"], adapters.parse_field_map(sample["bitrix_map"]))
        self.assertEqual((data["name"], data["phone"], data["email"], data["message"]),
                         ("Кузнецов Андрей", "8 (912) 345-67-89", "andrey@mail.ru", "Нужна доставка в Пермь"))
        self.assertNotIn("sessid", data["message"])

    def test_yandex_forms(self):
        sample = fixture("yandex_forms")
        data = adapters.map_json_form(sample["jsonrpc"])
        self.assertEqual(data, {"name": "Павел Соколов", "phone": "+7 921 000-11-22", "email": "pavel@yandex.ru",
                                "message": "Что вас интересует?: Робот-пылесос",
                                "idempotency_key": "yandex_forms:1846279305"})
        data = adapters.map_json_form(sample["body"])
        self.assertEqual((data["name"], data["phone"], data["idempotency_key"]),
                         ("Елена", "+79160001122", "yandex_forms:1846279306"))
        self.assertEqual(data["message"], "Позвоните утром\nForm: Подбор пылесоса")
        for bad in ([], {"answers": ["x"]}, {"id": 5}):
            with self.assertRaises(adapters.Malformed, msg=bad):
                adapters.map_json_form(bad)

    def test_yandex_direct_lead(self):
        data = adapters.map_json_form(fixture("yandex_direct")["lead"], prefix="yandex_direct")
        self.assertEqual(data, {"name": "Олег", "phone": "+7 999 123-45-67", "city": "Казань",
                                "message": "Form: Расчёт стоимости", "utm_campaign": "91234567",
                                "idempotency_key": "yandex_direct:dl-90017731"})

    def test_vk_lead(self):
        data = adapters.map_vk_lead(fixture("vk_leads")["lead"])
        self.assertEqual(data, {
            "name": "Орлова Светлана", "phone": "+7 (925) 444-55-66", "utm_source": "vk",
            "utm_campaign": "vk ad 16049221",
            "message": "Какая модель интересует?: Dreame L10\nКогда удобно позвонить?: Утром, Вечером\n"
                       "VK lead form: Скидка 10% на первый заказ",
            "idempotency_key": "vk:218765432:4411"})
        self.assertFalse(validate_request(data)[1])
        with self.assertRaises(adapters.Malformed):
            adapters.map_vk_lead({"type": "lead_forms_new", "object": {"answers": []}})


@tagged("post_install", "-at_install", "ecom_crm")
class TestTelephonyMappers(BaseCase):
    def test_signatures_known_answers(self):
        # computed independently: printf '%s' 'mango-key{"entry_id":"e1"}mango-salt' | sha256sum
        self.assertEqual(adapters.mango_sign("mango-key", '{"entry_id":"e1"}', "mango-salt"),
                         "4cce79153ad7bc4327c367e9f770c8e8ea4119454242f607e149a77cd6a83508")
        # printf '%s' '<caller_id><called_did><call_start>' | openssl dgst -sha1 -hmac zd-secret, hex, base64
        self.assertEqual(adapters.zadarma_signature(fixture("zadarma")["start"], "zd-secret"),
                         "ZWMwZGVjODcwYmQzOTVlOTI4ZTllMmExNjlkODg1MGEzOTAwMDgwNQ==")
        self.assertIsNone(adapters.zadarma_signature({"event": "NOTIFY_IVR"}, "zd-secret"))
        self.assertTrue(adapters.same("a", "a"))
        self.assertFalse(adapters.same("", ""), "an empty secret never matches")

    def test_mango(self):
        sample = fixture("mango")
        self.assertEqual(adapters.map_mango("events/call", sample["appeared"]), {
            "event": "incoming", "call_id": "MjQ1NjM4OTE2Mzo0NjU=", "caller": "79165551234",
            "called": "74951234567", "direction": "in"})
        self.assertEqual(adapters.map_mango("/events/call", sample["connected"])["event"], "answered")
        self.assertIsNone(adapters.map_mango("events/call", sample["disconnected"]), "the summary follows")
        finished = adapters.map_mango("events/summary", sample["summary"])
        self.assertEqual((finished["event"], finished["duration"], finished["called"]),
                         ("finished", 185, "74951234567"))
        self.assertEqual(adapters.map_mango("events/summary", sample["missed_summary"])["event"], "missed")
        self.assertIsNone(adapters.map_mango("events/recording", {"recording_id": "x"}))
        internal = dict(sample["appeared"], **{"from": {"extension": "101"}, "to": {"extension": "102"}})
        self.assertIsNone(adapters.map_mango("events/call", internal))
        with self.assertRaises(adapters.Malformed):
            adapters.map_mango("events/call", {"call_state": "Appeared"})
        for event in (finished, adapters.map_mango("events/call", sample["appeared"])):
            self.assertFalse(validate_call(event)[1])

    def test_zadarma(self):
        sample = fixture("zadarma")
        self.assertEqual(adapters.map_zadarma(sample["start"]), {
            "event": "incoming", "call_id": "in_7f1c2e9a0b3d4c5e", "caller": "79031112233",
            "called": "74951234567", "direction": "in"})
        self.assertEqual(adapters.map_zadarma(sample["answer"])["event"], "answered")
        end = adapters.map_zadarma(sample["end"])
        self.assertEqual((end["event"], end["duration"]), ("finished", 185))
        out = adapters.map_zadarma(sample["out_end"])
        self.assertEqual((out["event"], out["caller"], out["called"], out["direction"]),
                         ("missed", "79261230000", "74951234567", "out"), "called: the store's line, not extension 101")
        self.assertIsNone(adapters.map_zadarma({"event": "NOTIFY_RECORD", "pbx_call_id": "x"}))
        with self.assertRaises(adapters.Malformed):
            adapters.map_zadarma({"event": "NOTIFY_WHATEVER"})
        self.assertFalse(validate_call(end)[1])

    def test_uis(self):
        sample = fixture("uis")
        finished = adapters.map_uis(sample["finished"])
        self.assertEqual(finished, {
            "event": "finished", "call_id": "3829104471", "caller": "79161230011", "called": "74951112233",
            "direction": "in", "duration": 74,
            "recording_url": "https://app.uiscom.ru/system/media/talk/3829104471/abc123/"})
        self.assertEqual(adapters.map_uis(sample["lost"])["event"], "missed")
        self.assertEqual(adapters.map_uis({"notification_mnemonic": "lost_call", "call_session_id": 1,
                                           "contact_phone_number": "1"})["event"], "missed")
        with self.assertRaises(adapters.Malformed):
            adapters.map_uis({"event": "sms", "call_session_id": 1, "contact_phone_number": "1"})
        self.assertFalse(validate_call(finished)[1])
        # a notification of an outgoing call, by its name, is the store's call without a direction
        # in its body: read as incoming, it made the customer a request
        for name in ("outgoing", "outgoing_call"):
            out = adapters.map_uis({"notification_mnemonic": name, "call_session_id": 2,
                                    "contact_phone_number": "79161230013"})
            self.assertEqual((out["event"], out["direction"]), ("incoming", "out"), name)

    def test_the_salesperson_extension(self):
        """Who took or made the call, as each provider names them: passed on as ``extension``, only
        for whoever talked (not an incoming call's phone that only rang)."""
        mango, zadarma, uis = fixture("mango"), fixture("zadarma"), fixture("uis")
        self.assertNotIn("extension", adapters.map_mango("events/call", mango["appeared"]), "ringing: nobody yet")
        self.assertEqual(adapters.map_mango("events/call", mango["connected"])["extension"], "101")
        self.assertEqual(adapters.map_mango("events/summary", mango["summary"])["extension"], "101")
        self.assertNotIn("extension", adapters.map_mango("events/summary", mango["missed_summary"]))
        out = adapters.map_mango("events/call", mango["out_appeared"])
        self.assertEqual((out["direction"], out["caller"], out["extension"]), ("out", "79261230000", "102"))
        self.assertEqual(out["called"], "74951234567", "the line the salesperson calls from")
        # the store's line as Mango names it (``line_number``), not the salesperson's SIP address
        softphone = dict(mango["out_appeared"], **{"from": {"extension": "102", "number": "sip:olga@vpbx.mangosip.ru"},
                                                   "to": {"number": "79261230000", "line_number": "74957654321"}})
        self.assertEqual(adapters.map_mango("events/call", softphone)["called"], "74957654321")
        softphone["to"] = {"number": "79261230000"}
        self.assertNotIn("called", adapters.map_mango("events/call", softphone), "no line named: none made up")
        connected = dict(mango["connected"], to={"extension": "101", "number": "sip:anna@vpbx.mangosip.ru"})
        self.assertNotIn("called", adapters.map_mango("events/call", connected), "an employee's address is no line")
        self.assertNotIn("extension", adapters.map_zadarma(zadarma["start"]))
        self.assertEqual(adapters.map_zadarma(zadarma["answer"])["extension"], "100")
        self.assertEqual(adapters.map_zadarma(zadarma["end"])["extension"], "100")
        for name in ("out_start", "out_end"):  # the salesperson's call, answered or not
            self.assertEqual(adapters.map_zadarma(zadarma[name])["extension"], "101", name)
        unanswered = dict(zadarma["end"], disposition="no answer")
        self.assertNotIn("extension", adapters.map_zadarma(unanswered), "the phone that rang took nothing")
        self.assertEqual(adapters.map_uis(uis["answered"])["extension"], "103")
        self.assertEqual(adapters.map_uis(dict(uis["answered"], employee_extension=None, extension=104))["extension"],
                         "104", "the shorter name, a JSON number as the template may give it")
        self.assertNotIn("extension", adapters.map_uis(uis["finished"]))
        for event in (out, adapters.map_zadarma(zadarma["answer"]), adapters.map_uis(uis["answered"])):
            self.assertFalse(validate_call(event)[1])

    def test_an_extension_that_is_no_text_is_malformed(self):
        """An object or a list where the extension goes would become a salesperson's number as its
        Python text: refused, as the other fields are."""
        mango, uis = fixture("mango"), fixture("uis")
        for bad in ({"id": 101}, ["101"], True):
            connected = dict(mango["connected"], to=dict(mango["connected"]["to"], extension=bad))
            with self.assertRaises(adapters.Malformed, msg=repr(bad)):
                adapters.map_mango("events/call", connected)
            with self.assertRaises(adapters.Malformed, msg=repr(bad)):
                adapters.map_uis(dict(uis["answered"], employee_extension=bad))
        for bad in ({"id": 101}, ["101"]):
            self.assertIn("extension", validate_call({"event": "answered", "call_id": "c", "caller": "+79161230011",
                                                      "extension": bad})[1])
