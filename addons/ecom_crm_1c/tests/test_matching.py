"""Which store product a 1C product the database does not know is, by article or barcode, decided in plain
Python (:mod:`..tools.matching`). No database."""

from odoo.tests import BaseCase, tagged

from ..tools.matching import (
    ARTICLE,
    BARCODE,
    BOTH,
    BOUND,
    CONFLICT,
    ELSEWHERE,
    HAS_VARIANTS,
    NO_VARIANTS,
    NONE,
    SEVERAL_1C,
    SEVERAL_STORE,
    SHARED,
    SPLIT,
    TAKEN,
    TEMPLATE_BOUND,
    UNMATCHED,
    Candidate,
    article_key,
    barcode_key,
    kinds,
    plan_bindings,
    shared_codes,
)


def store(variant, article=None, barcode=None, template=None, variants=1, variant_1c_id=None, template_1c_id=None,
          archived=0):
    return Candidate(variant=variant, template=template or variant * 10, article=article, barcode=barcode,
                     variants=variants, variant_1c_id=variant_1c_id, template_1c_id=template_1c_id,
                     name=f"Товар {variant}", archived=archived)


def bound_to(plan):
    """{1C id: (store variant, code kind)} of a plan."""
    return {full_id: (candidate.variant, kind) for full_id, (candidate, kind) in plan.binds.items()}


def reasons(plan):
    return [(r.product, r.kind, r.code, r.reason) for r in plan.refusals]


@tagged("post_install", "-at_install", "ecom_crm_1c")
class TestMatching(BaseCase):
    def test_codes_compared_as_people_type_them(self):
        """An article's case and the spaces around it or doubled inside do not count; a barcode's spaces none."""
        self.assertEqual(article_key("  Арт-001 "), article_key("АРТ-001"))
        self.assertEqual(article_key("AB  12\t"), "ab 12")
        self.assertNotEqual(article_key("AB 12"), article_key("AB12"))  # a space inside stays one
        self.assertEqual(barcode_key(" 4600 0000 0001 2 "), "04600000000012")
        for empty in (None, "", "   "):
            self.assertIsNone(article_key(empty))
            self.assertIsNone(barcode_key(empty))

    def test_a_gtin_compared_as_its_14_digits(self):
        """A barcode of 8, 12, 13 or 14 digits is a GTIN, compared as GS1 does: left-padded with zeros to 14 (one
        system's UPC-A is the other's EAN-13 with a leading 0, or a GTIN-14); any other code as written."""
        self.assertEqual({barcode_key(code) for code in ("012345678905", "0012345678905", "00012345678905",
                                                         "0 12345 67890 5")}, {"00012345678905"})
        self.assertEqual(barcode_key("46000012"), "00000046000012")  # an EAN-8
        self.assertEqual(barcode_key("14600000000019"), "14600000000019")
        for other in ("12345", "0012345", "46000000000123456", "ABC-0012345678905", "4600-0000-0001-2"):
            self.assertEqual(barcode_key(other), other, "not a GTIN: as written")
        self.assertNotEqual(barcode_key("12345"), barcode_key("0012345"))
        self.assertEqual(barcode_key("\uff14\uff16\uff10\uff10\uff10\uff10\uff10\uff11"),
                         "\uff14\uff16\uff10\uff10\uff10\uff10\uff10\uff11", "full-width digits are no GTIN")

    def test_an_article_s_look_alikes_dashes_and_compatibility_forms(self):
        """1C users type Cyrillic letters that look Latin (a Russian layout left on), dashes for hyphens, full-width
        characters and a «й» as «и» and a breve: compared as the Latin letter, «-», and NFKC's plain form."""
        latin = article_key("AB-100")
        for typed in ("АВ-100", "ав-100", "Аb-100", "AB\u2013100", "АВ\u2212100", "AB\u2011100", "AB\u2014100",
                      "\uff21\uff22\uff0d\uff11\uff10\uff10", "AB\ufe63100", "\u00a0АВ-100 "):
            self.assertEqual(article_key(typed), latin, typed)
        self.assertEqual(article_key("АВЕКМНОРСТХУ"), article_key("abekmhopctxy"))
        self.assertEqual(article_key("авекмнорстху"), "abekmhopctxy")
        # Ukrainian, Belarusian and Kazakh «І», Serbian «Ј» and «Ѕ», Kurdish «Ԛ» and «Ԝ», of either case
        self.assertEqual(article_key("ІЈЅԚԜ-іјѕԛԝ"), article_key("IJSQW-ijsqw"))
        self.assertEqual(article_key("ІР-100"), article_key("IP-100"))
        # the palochka is no look-alike: folded as «i», two Cyrillic articles («І-1», «Ӏ-1») would be one
        self.assertNotEqual(article_key("Ӏ-1"), article_key("I-1"))
        self.assertNotEqual(article_key("Ӏ-1"), article_key("І-1"))
        self.assertEqual(article_key("Чаи\u0306-1"), article_key("ЧАЙ-1"))
        self.assertEqual(article_key("ЁЖ-1"), "ёж-1")
        # two Cyrillic articles stay two, two Latin ones too: only a Cyrillic and a Latin spelling are one
        cyrillic = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐЈЅЉЊЋЂЏҚҢӘӨҮҰҺӀԚԜ"
        self.assertEqual(len({article_key(letter) for letter in cyrillic}), len(cyrillic))
        self.assertEqual(len({article_key(chr(letter)) for letter in range(ord("A"), ord("Z") + 1)}), 26)
        self.assertNotEqual(article_key("AB 100"), article_key("AB-100"))
        self.assertNotEqual(article_key("АВ-100"), article_key("АВ_100"))

    def test_a_look_alike_article_and_a_upc_a_bind(self):
        """The store's Latin «AB-100» is 1C's Cyrillic «АВ–100» (en dash); its UPC-A barcode is 1C's EAN-13."""
        candidates = [store(1, article="AB-100"), store(2, barcode="012345678905")]
        plan = plan_bindings([("g1", "АВ\u2013100", None), ("g2", None, "0012345678905")], candidates, BOTH)
        self.assertEqual(bound_to(plan), {"g1": (1, ARTICLE), "g2": (2, BARCODE)})

    def test_two_store_articles_of_one_look_are_two_store_products(self):
        """The store's «AB-100» in Latin and «АВ-100» in Cyrillic are two products of one article: neither is
        guessed, as for two of one case; the log shows the code as 1C wrote it."""
        candidates = [store(1, article="AB-100"), store(2, article="АВ-100"), store(3, barcode="012345678905"),
                      store(4, barcode="0012345678905")]
        plan = plan_bindings([("g1", "АВ-100", "00012345678905")], candidates, BOTH)
        self.assertEqual(bound_to(plan), {})
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "АВ-100", SEVERAL_STORE),
                                         ("g1", BARCODE, "00012345678905", SEVERAL_STORE)])

    def test_the_store_products_of_one_code_named_in_the_order_the_store_made_them(self):
        """The names a refusal lists come in the order of the store's variants, whatever order the database
        returned the candidates in (its order is no order: the exchange's log would differ from run to run)."""
        for candidates in ([store(1, article="PC-1"), store(2, article="РС-1")],
                           [store(2, article="РС-1"), store(1, article="PC-1")]):
            plan = plan_bindings([("g1", "PC-1", None)], candidates, ARTICLE)
            self.assertEqual([(r.reason, r.others) for r in plan.refusals],
                             [(SEVERAL_STORE, ("Товар 1", "Товар 2"))])

    def test_a_file_s_codes_named_twice_in_two_spellings(self):
        """The codes several 1C products of a file name are compared by the same keys."""
        products = [("g1", "АВ-1", "012345678905"), ("g2", "AB\u20131", "0012345678905"), ("g3", "AB-2", None)]
        self.assertEqual(shared_codes(products, BOTH), {ARTICLE: {"ab-1": ["g1", "g2"]},
                                                        BARCODE: {"00012345678905": ["g1", "g2"]}})

    def test_modes(self):
        self.assertEqual(kinds(NONE), ())
        self.assertEqual(kinds(BOTH), (ARTICLE, BARCODE))
        self.assertEqual(kinds(None), ())

    def test_by_article(self):
        plan = plan_bindings([("g1", " арт-1", "111")], [store(1, article="АРТ-1 ", barcode="999")], ARTICLE)
        self.assertEqual(bound_to(plan), {"g1": (1, ARTICLE)})
        self.assertEqual(plan.templates, {"g1": 10})
        self.assertEqual(plan.refusals, [])

    def test_by_barcode_alone_ignores_the_article(self):
        candidates = [store(1, article="A-1"), store(2, barcode="4600000000012")]
        plan = plan_bindings([("g1", "A-1", "4600 0000 0001 2")], candidates, BARCODE)
        self.assertEqual(bound_to(plan), {"g1": (2, BARCODE)})

    def test_article_then_barcode(self):
        """The article first; a 1C product whose article binds nothing (none has it, or several) tries its barcode."""
        candidates = [store(1, article="A-1", barcode="111"), store(2, barcode="222"), store(3, article="DUP"),
                      store(4, article="dup"), store(5, barcode="555")]
        plan = plan_bindings([("g1", "A-1", "111"), ("g2", "", "222x"), ("g3", "Dup", "555"), ("g4", None, "222")],
                             candidates, BOTH)
        self.assertEqual(bound_to(plan), {"g1": (1, ARTICLE), "g3": (5, BARCODE), "g4": (2, BARCODE)})
        self.assertEqual(plan.refusals, [], "a product its barcode bound says nothing of its article")

    def test_article_and_barcode_of_two_store_products(self):
        """A 1C product whose article is one store product's and whose barcode another's binds neither: which one
        1C means is not guessed (a store's articles repeat suppliers' codes, a barcode is an item's), said by each
        code; by one code alone (its mode), it binds."""
        candidates = [store(1, article="A-1"), store(2, article="B-2", barcode="222")]
        plan = plan_bindings([("g1", "A-1", "222")], candidates, BOTH)
        self.assertEqual(plan.binds, {})
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", CONFLICT), ("g1", BARCODE, "222", CONFLICT)])
        self.assertEqual([r.others for r in plan.refusals], [("Товар 1", "Товар 2"), ("Товар 2", "Товар 1")])
        self.assertEqual(bound_to(plan_bindings([("g1", "A-1", "222")], candidates, ARTICLE)), {"g1": (1, ARTICLE)})
        self.assertEqual(bound_to(plan_bindings([("g1", "A-1", "222")], candidates, BARCODE)), {"g1": (2, BARCODE)})
        # the barcode held by a product 1C names in the same batch (it moves the code): the article binds
        moved = [store(1, article="A-1"), store(2, barcode="222", variant_1c_id="g0", template_1c_id="g0")]
        plan = plan_bindings([("g1", "A-1", "222")], moved, BOTH, batch_ids={"g0", "g1"})
        self.assertEqual((bound_to(plan), plan.refusals), ({"g1": (1, ARTICLE)}, []))

    def test_a_code_1c_repeats_is_no_conflict(self):
        """1C:УНФ's offers give each characteristic its product's article, each its own barcode; the store's first
        size has the product's article (typed on it, imported so). The article several characteristics name is
        none's own: each binds its size by its barcode, none refused as a conflict of its two codes. An article
        1C names once still tells a conflict."""
        candidates = [store(v, article="TR-1" if v == 1 else None, barcode=f"46000000000{v}0", template=7, variants=3)
                      for v in (1, 2, 3)]
        wanted = [(f"g#{v}", " tr-1", f"46000000000{v}0") for v in (1, 2, 3)]
        plan = plan_bindings(wanted, candidates, BOTH)
        self.assertEqual((bound_to(plan), plan.refusals), ({f"g#{v}": (v, BARCODE) for v in (1, 2, 3)}, []))
        # named twice in the whole file, once in this batch: as repeated
        plan = plan_bindings(wanted[1:2], candidates, BOTH, file_named={ARTICLE: {"tr-1": ["g#1", "g#2"]}})
        self.assertEqual((bound_to(plan), plan.refusals), ({"g#2": (2, BARCODE)}, []))
        plan = plan_bindings(wanted[1:2], candidates, BOTH)
        self.assertEqual(reasons(plan), [("g#2", ARTICLE, "tr-1", CONFLICT),
                                         ("g#2", BARCODE, "4600000000020", CONFLICT)], "named once: its own")

    def test_no_match(self):
        plan = plan_bindings([("g1", "A-1", "111")], [store(1, article="A-2", barcode="112")], BOTH)
        self.assertEqual((plan.binds, plan.refusals), ({}, []))
        self.assertEqual(plan_bindings([("g1", "A-1", None)], [store(1, article="A-1")], NONE).binds, {})

    def test_two_store_products_with_the_article(self):
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1"), store(2, article=" a-1")], ARTICLE)
        self.assertEqual(plan.binds, {})
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", SEVERAL_STORE)])
        self.assertEqual(plan.refusals[0].others, ("Товар 1", "Товар 2"))

    def test_two_1c_products_with_the_article(self):
        plan = plan_bindings([("g1", "A-1", None), ("g2", "a-1 ", None)], [store(1, article="A-1")], ARTICLE)
        self.assertEqual(plan.binds, {})
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", SEVERAL_1C), ("g2", ARTICLE, "a-1", SEVERAL_1C)])
        self.assertEqual(plan.refusals[0].others, ("g2",))

    def test_the_store_product_bound_already(self):
        """One bound to 1C (another 1C id) having the code: not bound, said; beside a free one: ambiguous."""
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1", variant_1c_id="g0", template_1c_id="g0")],
                             ARTICLE)
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", BOUND)])
        self.assertEqual(plan.refusals[0].others, ("Товар 1", "g0"))
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1", variant_1c_id="g0"),
                                                     store(2, article="A-1")], ARTICLE)
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", SEVERAL_STORE)])

    def test_one_store_product_taken_by_two_codes(self):
        """g1 takes the product by its article; g2's barcode names the same product: not bound to it twice."""
        plan = plan_bindings([("g1", "A-1", None), ("g2", None, "222")], [store(1, article="A-1", barcode="222")], BOTH)
        self.assertEqual(bound_to(plan), {"g1": (1, ARTICLE)})
        self.assertEqual(reasons(plan), [("g2", BARCODE, "222", TAKEN)])

    def test_a_product_and_a_store_product_of_variants(self):
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1", template=7, variants=3)], ARTICLE)
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", HAS_VARIANTS)])
        # a template the store bound by its 1C id (its variant not yet): that id's to bind
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1", template_1c_id="g9")], ARTICLE)
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", TEMPLATE_BOUND)])

    def test_archived_variants_are_not_the_store_s_variants(self):
        """The store's product shows one variant, its other sizes archived: a 1C product without characteristics
        is it (no «several variants»); a characteristic binds its variant on sale (a product of variants still), as
        its characteristics replace a duplicate; a product of one variant, none archived, takes no characteristic."""
        one_shown = store(1, article="A-1", template=7, variants=1, archived=2)
        plan = plan_bindings([("g1", "A-1", None)], [one_shown], ARTICLE)
        self.assertEqual((bound_to(plan), plan.templates, plan.refusals), ({"g1": (1, ARTICLE)}, {"g1": 7}, []))
        plan = plan_bindings([("g#s", "A-1", None)], [one_shown], ARTICLE)
        self.assertEqual((bound_to(plan), plan.templates, plan.refusals), ({"g#s": (1, ARTICLE)}, {"g": 7}, []))
        plan = plan_bindings([("g#s", "A-1", None)], [one_shown], ARTICLE, {"g": 99}, replaceable={"g"})
        self.assertEqual((bound_to(plan), plan.replaced), ({"g#s": (1, ARTICLE)}, {"g": 99}))
        plan = plan_bindings([("g#s", "A-1", None)], [store(1, article="A-1", template=7)], ARTICLE)
        self.assertEqual(reasons(plan), [("g#s", ARTICLE, "A-1", NO_VARIANTS)])
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1", template=7, variants=2, archived=1)],
                             ARTICLE)
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", HAS_VARIANTS)], "two on sale")

    def test_characteristics_to_variants(self):
        """Characteristics of «g» matched to variants of one store product: the variants and the template bound."""
        candidates = [store(1, article="R", template=7, variants=2), store(2, barcode="222", template=7, variants=2)]
        plan = plan_bindings([("g#red", "R", None), ("g#blue", None, "222"), ("g#green", "G", None)], candidates, BOTH)
        self.assertEqual(bound_to(plan), {"g#red": (1, ARTICLE), "g#blue": (2, BARCODE)})
        self.assertEqual(plan.templates, {"g": 7})
        # the template bound to «g» already (a batch before): the variants alone
        bound_template = [store(1, article="R", template=7, variants=2, template_1c_id="g")]
        plan = plan_bindings([("g#red", "R", None)], bound_template, ARTICLE, {"g": 7})
        self.assertEqual((bound_to(plan), plan.templates), ({"g#red": (1, ARTICLE)}, {}))

    def test_characteristics_split_between_store_products(self):
        candidates = [store(1, article="R", template=7, variants=2), store(2, article="B", template=8, variants=2)]
        plan = plan_bindings([("g#red", "R", None), ("g#blue", "B", None)], candidates, ARTICLE)
        self.assertEqual((plan.binds, plan.templates), ({}, {}))
        self.assertEqual([r.reason for r in plan.refusals], [SPLIT, SPLIT])

    def test_a_duplicate_replaced(self):
        """«g» is a duplicate the exchange made (replaceable): its characteristics of a code all binding variants of
        one store product, that product takes «g»'s id and the duplicate is replaced; one without a code does not
        count. One with a code binding nothing, or a product not replaceable: nothing is bound."""
        shirt = [store(1, article="S", template=7, variants=3), store(2, article="M", template=7, variants=3),
                 store(3, article="L", template=7, variants=3)]
        wanted = [("g#s", "S", None), ("g#m", "m ", None), ("g#x", None, None)]
        plan = plan_bindings(wanted, shirt, ARTICLE, {"g": 99}, replaceable={"g"})
        self.assertEqual((bound_to(plan), plan.templates, plan.replaced, plan.kept, plan.refusals),
                         ({"g#s": (1, ARTICLE), "g#m": (2, ARTICLE)}, {"g": 7}, {"g": 99}, [], []))
        plan = plan_bindings([*wanted, ("g#xl", "XL", None)], shirt, ARTICLE, {"g": 99}, replaceable={"g"})
        self.assertEqual((plan.binds, plan.templates, plan.replaced, plan.refusals), ({}, {}, {}, []))
        self.assertEqual(plan.kept, [("g", UNMATCHED, ("Товар 1", "g#xl"))])
        plan = plan_bindings(wanted, shirt, ARTICLE, {"g": 99})
        self.assertEqual((plan.binds, plan.replaced), ({}, {}))
        self.assertEqual([r.reason for r in plan.refusals], [ELSEWHERE, ELSEWHERE])

    def test_characteristic_of_another_product(self):
        """The store's template is another 1C product's, or «g» is another template's: not bound."""
        plan = plan_bindings([("g#red", "R", None)], [store(1, article="R", template=7, variants=2,
                                                            template_1c_id="h")], ARTICLE)
        self.assertEqual(reasons(plan), [("g#red", ARTICLE, "R", TEMPLATE_BOUND)])
        plan = plan_bindings([("g#red", "R", None)], [store(1, article="R", template=7, variants=2)], ARTICLE,
                             {"g": 99})
        self.assertEqual(reasons(plan), [("g#red", ARTICLE, "R", ELSEWHERE)])
        plan = plan_bindings([("g#red", "R", None)], [store(1, article="R", template=7)], ARTICLE, {"g": 99})
        self.assertEqual(reasons(plan), [("g#red", ARTICLE, "R", ELSEWHERE)], "whatever the store's variants")
        plan = plan_bindings([("g#red", "R", None)], [store(1, article="R", template=7)], ARTICLE)
        self.assertEqual(reasons(plan), [("g#red", ARTICLE, "R", NO_VARIANTS)])

    def test_a_code_1c_moves_between_its_products_in_the_batch(self):
        """The product holding the code is 1C's, named in the same batch (1C gives its barcode to a new product):
        nothing bound, nothing said here (the barcode's own lines say what becomes of it)."""
        held = [store(1, barcode="200", variant_1c_id="old", template_1c_id="old")]
        plan = plan_bindings([("new", None, "200")], held, BARCODE, batch_ids={"new", "old"})
        self.assertEqual((plan.binds, plan.refusals), ({}, []))
        plan = plan_bindings([("new", None, "200")], held, BARCODE, batch_ids={"new"})
        self.assertEqual(reasons(plan), [("new", BARCODE, "200", BOUND)])

    def test_one_store_product_is_not_two_1c_products(self):
        """Variants of one store product matched by characteristics of «g» and «h»: the template cannot be both."""
        candidates = [store(1, article="R", template=7, variants=2), store(2, article="B", template=7, variants=2)]
        plan = plan_bindings([("g#red", "R", None), ("h#blue", "B", None)], candidates, ARTICLE)
        self.assertEqual((plan.binds, plan.templates), ({}, {}))
        self.assertEqual(reasons(plan), [("g#red", ARTICLE, "R", SHARED), ("h#blue", ARTICLE, "B", SHARED)])
        self.assertEqual(plan.refusals[0].others, ("Товар 1", "h"))

    def test_codes_another_batch_of_the_file_names(self):
        """The codes several products of the whole file name, by the mode's kinds: a batch's product naming one
        is not bound, whichever batch the other is in."""
        products = [("g1", "A-1", "111"), ("g2", " a-1", "222"), ("g3", "B-1", "111"), ("g4", "", "")]
        self.assertEqual(shared_codes(products, BOTH), {ARTICLE: {"a-1": ["g1", "g2"]}, BARCODE: {"111": ["g1", "g3"]}})
        self.assertEqual(shared_codes(products, ARTICLE), {ARTICLE: {"a-1": ["g1", "g2"]}})
        plan = plan_bindings([("g1", "A-1", None)], [store(1, article="A-1")], ARTICLE,
                             file_named=shared_codes(products, ARTICLE))
        self.assertEqual(reasons(plan), [("g1", ARTICLE, "A-1", SEVERAL_1C)])
        self.assertEqual(plan.refusals[0].others, ("g2",))
