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
        self.assertEqual(barcode_key(" 4600 0000 0001 2 "), "4600000000012")
        for empty in (None, "", "   "):
            self.assertIsNone(article_key(empty))
            self.assertIsNone(barcode_key(empty))

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
