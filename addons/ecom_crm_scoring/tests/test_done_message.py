from odoo.tests import BaseCase, tagged

from ..tools.done_message import without_scoring_note

# a «done» message of a scheduled contact as Odoo 18 stored it before 18.0.2.3.16 (Anna's Russian)
DONE = (
    '\n    <p>\n        <span class="fa fa-phone fa-fw"></span><span>Запланированный контакт</span> выполнено\n'
    '        (изначально назначено <span>Анна Звонарёва</span>)\n'
    '        <span>: </span><span>Точка роста: скорее всего закажет и может покупать больше</span>\n    </p>\n'
    '    \n        <div class="o_mail_note_title fw-bold">Исходная заметка:</div>\n'
    '        <div><p><strong>Почему:</strong> точка роста: скорее всего закажет</p>\n'
    '        <p><strong>Шанс заказа:</strong> 60&nbsp;%</p>\n'
    '            <ul><li>30 дн. с последнего заказа</li></ul></div>\n'
    '    <div>\n        <div class="fw-bold">Обратная связь:</div>\n'
    '            Отказ: Дорого, купила в <b>другом</b> магазине\n    </div>\n')


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestDoneMessage(BaseCase):
    """The scheduled contacts' «done» messages posted before keep their outcome and feedback, not
    what told the customer's score (the upgrade rewrites them)."""

    def test_the_note_and_the_summary_go_the_outcome_and_feedback_stay(self):
        body = without_scoring_note(DONE)
        for gone in ("Исходная заметка", "Почему", "Шанс заказа", "60", "30 дн.", "Точка роста", "<span>: </span>"):
            self.assertNotIn(gone, body)
        for kept in ('<span class="fa fa-phone fa-fw"></span><span>Запланированный контакт</span> выполнено',
                     "(изначально назначено <span>Анна Звонарёва</span>)", "Обратная связь:",
                     "Отказ: Дорого, купила в <b>другом</b> магазине"):
            self.assertIn(kept, body)
        self.assertIsNone(without_scoring_note(body), "rewritten once: nothing left to take out")

    def test_a_message_without_note_nor_summary_is_left_as_it_is(self):
        self.assertIsNone(without_scoring_note(
            '<p><span class="fa fa-phone fa-fw"></span><span>Запланированный контакт</span> выполнено</p>'
            '<div><div class="fw-bold">Обратная связь:</div>Не дозвонились</div>'))
        self.assertIsNone(without_scoring_note(""))
        # what is not Odoo's message (typed in, another template's, half a tag) is left as it is
        for other in ("<p>Перезвонить: <span>завтра</span></p>", "<table><tr><td>1</td></tr></table>", "<p",
                      "<?xml version='1.0' encoding='utf-8'?><p>a</p>", "<!-- a comment -->", "&", "Просто текст"):
            self.assertIsNone(without_scoring_note(other), other)
        self.assertIsNone(without_scoring_note(False))

    def test_only_the_note_or_only_the_summary(self):
        only_summary = ('<p><span>Запланированный контакт</span> выполнено<span>: </span>'
                        '<span>Группа риска: ценный клиент уходит</span></p><div>Отказ</div>')
        self.assertEqual(without_scoring_note(only_summary),
                         "<p><span>Запланированный контакт</span> выполнено</p><div>Отказ</div>")
        only_note = ('<p><span>Запланированный контакт</span> выполнено</p>'
                     '<div class="o_mail_note_title fw-bold">Исходная заметка:</div><div><p>Шанс заказа: 64 %</p></div>'
                     '<div>Достигнут</div>')
        self.assertEqual(without_scoring_note(only_note),
                         "<p><span>Запланированный контакт</span> выполнено</p><div>Достигнут</div>")
