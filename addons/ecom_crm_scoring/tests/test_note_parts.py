from odoo.tests import BaseCase, tagged

from ..tools.note_parts import generated_texts, html_parts, html_text, person_parts


@tagged("post_install", "-at_install", "ecom_crm_scoring")
class TestNoteParts(BaseCase):
    """The score's part of a note a salesperson wrote on is told by its words, whatever markup the
    editor sent back: what is left is theirs."""

    SCORE = ("<p><strong>Почему:</strong> давно не заказывала</p><p><strong>Шанс заказа:</strong> 60&nbsp;%</p>"
             "<ul><li>давность: 30 дней</li><li>заказов: 2</li></ul>")

    def test_the_parts_keep_a_text_outside_any_element_and_the_text_after_each(self):
        self.assertEqual(html_parts("перезвонить<p>в пятницу</p> после 18:00"),
                         ["<p>перезвонить</p>", "<p>в пятницу</p> после 18:00"])
        self.assertEqual(html_parts("<p><br></p>"), [])
        self.assertEqual(html_parts(False), [])

    def test_the_text_ignores_markup_and_no_break_spaces(self):
        self.assertEqual(html_text("<p><strong>Шанс заказа:</strong> 60&nbsp;%</p>"), "Шанс заказа: 60 %")
        self.assertEqual(html_text("<p>Шанс   заказа: 60 %</p>"), "Шанс заказа: 60 %")

    def test_the_scores_texts_leave_out_the_persons_words(self):
        note = self.SCORE + "<p><strong>Заметка:</strong></p><p>Размер 38</p>"
        texts = generated_texts(note, "<p>Размер 38</p>")
        self.assertEqual(texts, {"Почему: давно не заказывала", "Шанс заказа: 60 %",
                                 "давность: 30 дней заказов: 2", "давность: 30 дней", "заказов: 2", "Заметка:"})
        # as the editor sends it back, with a line of hers: only hers is not the score's
        edited = self.SCORE.replace("<strong>", "").replace("</strong>", "").replace("&nbsp;", " ")
        edited += "<p>Заметка:</p><p>Размер 38</p><p>Перезвонить в пятницу</p>"
        self.assertEqual([html_text(part) for part in html_parts(edited) if html_text(part) not in texts],
                         ["Размер 38", "Перезвонить в пятницу"])

    def test_a_line_added_inside_the_scores_list_is_the_only_one_a_persons(self):
        texts = generated_texts(self.SCORE)
        note = self.SCORE.replace("</ul>", "<li>просила звонить после 18:00</li></ul>") + "<p>Размер 38</p>"
        self.assertEqual(person_parts(note, texts), ["<ul><li>просила звонить после 18:00</li></ul>",
                                                     "<p>Размер 38</p>"])
        # a line of the score she changed is hers; a list all of her own is kept whole; the score's list alone
        # is nobody's
        changed = self.SCORE.replace("заказов: 2", "заказов: 2 (и один возврат)")
        self.assertEqual(person_parts(changed, texts), ["<ul><li>заказов: 2 (и один возврат)</li></ul>"])
        own = "<ol><li>раз</li><li>два</li></ol>"
        self.assertEqual(person_parts(own, texts), [own])
        self.assertEqual(person_parts(self.SCORE, texts), [])
