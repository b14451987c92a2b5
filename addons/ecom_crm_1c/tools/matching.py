"""Which of the store's own products a 1C product the database does not know by its 1C id is, by article
(1C's «Артикул», Odoo's ``default_code``) or barcode («Штрихкод», ``barcode``): plain Python, no ORM.

A store already on Odoo connects 1C: its catalog is in Odoo, none of its products has a 1C id. Each 1C
product of a catalog (or characteristic of an offers file) Odoo does not know by its 1C id is looked for among
the store's products not yet bound to 1C, by the setting «match by» (:data:`MODES`), and bound only when there
is no doubt: exactly one store product has the code, exactly one 1C product of the batch names it, and no
other 1C product took it in the same batch. Otherwise the product is made as a new one, and why the code did
not bind it is said (:class:`Refusal`).

Codes are compared as people type them: an article without the spaces around it, its inner runs of
spaces one space, letters of either case one (``« арт-001 »`` is ``«АРТ-001»``), a Cyrillic letter that looks
like a Latin one as that Latin letter (``«АВ-100»`` typed in Cyrillic is ``«AB-100»``), any dash as ``-``, and
Unicode's compatibility forms as their plain letters (NFKC: full-width digits, a «й» typed as «и» and a breve);
a barcode without any space, and a GTIN (8, 12, 13 or 14 digits) as its 14 digits (``«012345678905»``, a UPC-A,
is the EAN-13 ``«0012345678905»``). An empty code never matches.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from ..commerceml.characteristics import split_id

NONE, ARTICLE, BARCODE, BOTH = "none", "article", "barcode", "article_barcode"
MODES = (NONE, ARTICLE, BARCODE, BOTH)
DEFAULT_MODE = BOTH

# why a code did not bind a 1C product (:class:`Refusal`'s ``reason``)
SEVERAL_STORE = "several_store"  # several of the store's products have it
SEVERAL_1C = "several_1c"  # several 1C products of the batch name it
BOUND = "bound"  # the store's only product with it is bound to 1C already (another 1C id)
TAKEN = "taken"  # the store's product was bound to another 1C product of the batch
HAS_VARIANTS = "has_variants"  # a 1C product without characteristics, the store's of several variants on sale
NO_VARIANTS = "no_variants"  # a 1C characteristic, the store's product of one variant (none archived)
SPLIT = "split"  # the characteristics of one 1C product match variants of different store products
TEMPLATE_BOUND = "template_bound"  # the store's product is bound to another 1C product
SHARED = "shared"  # variants of one store product matched by characteristics of several 1C products
ELSEWHERE = "elsewhere"  # a characteristic's 1C product is another product in Odoo already
CONFLICT = "conflict"  # the 1C product's other code (article or barcode) is another store product's

# why the duplicate the exchange made of a 1C product did not give way to the store's product (:attr:`Plan.kept`)
UNMATCHED = "unmatched"  # some characteristics of the 1C product (with a code) match no variant of the store's


# every character Python's ``str.split()`` takes for a space (the no-break space 1C and spreadsheets put in codes
# among them): the SQL of the store's codes (:mod:`..models.product_product`) drops the same, whatever the locale
SPACES = "".join(char for char in map(chr, range(0x3001)) if char.isspace())


# the Cyrillic letters 1C users type for the Latin ones they look like (a Russian, Ukrainian, Kazakh or Serbian
# keyboard layout left on: «І» of the Ukrainian, Belarusian and Kazakh ones, «Ј» and «Ѕ» of the Serbian and
# Macedonian ones; Kurdish «Ԛ» and «Ԝ»), in articles the store's site has in Latin, or the reverse: compared as
# that Latin letter, of either case (an article's case does not count). Two Cyrillic articles stay two (no two of
# these fold to one letter): only a Cyrillic and a Latin spelling of one article are one. Not the palochka «Ӏ»
# (Caucasian languages, on no common layout; typed as a Latin «I» or a «1» rather than for one): folded as «i»,
# it would make one of two Cyrillic articles differing by «І» and «Ӏ»
LOOKALIKES = {"А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
              "Х": "x", "У": "y", "І": "i", "Ј": "j", "Ѕ": "s", "Ԛ": "q", "Ԝ": "w"}
# the dashes typed for a hyphen (a word processor's en dash, a spreadsheet's minus sign): compared as «-»; the
# full-width, small, superscript and subscript ones are these or «-» once NFKC-normalized
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# the capitals of Latin-1, the Latin Extended, Greek and Cyrillic letters (an NFKC-normalized text's only: not
# «Ǆ»), the look-alikes apart, and their small letters: folded by a mapping of their own, not by PostgreSQL's
# ``lower()``, whose letters are the database's LC_CTYPE's (A–Z only in LC_CTYPE C; «I» is «ı» in a Turkish one)
CAPITALS = "".join(char for char in map(chr, range(0x00C0, 0x0530))
                   if char.lower() != char and len(char.lower()) == 1 and char not in LOOKALIKES
                   and unicodedata.normalize("NFKC", char) == char)
# what an article's characters are compared as, besides A–Z in small letters and the spaces: one mapping, in
# Python (:func:`article_key`) and in SQL (``translate()``, :func:`..models.product_product.article_sql`)
FOLD_FROM = DASHES + "".join(LOOKALIKES) + "".join(LOOKALIKES).lower() + CAPITALS
FOLD_TO = "-" * len(DASHES) + "".join(LOOKALIKES.values()) * 2 + CAPITALS.lower()
_FOLD = str.maketrans(FOLD_FROM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", FOLD_TO + "abcdefghijklmnopqrstuvwxyz")
# the lengths of the GTINs (EAN-8, UPC-A, EAN-13, GTIN-14): GS1 compares them as 14 digits, zeros on the left
GTIN_LENGTHS = (8, 12, 13, 14)


def article_key(value):
    """The article ``value`` as it is compared: NFKC-normalized, the spaces around it dropped, each inner run of
    spaces one space, its letters folded (:data:`FOLD_FROM`: small letters, a Cyrillic look-alike as its Latin
    letter, a dash as «-»), the same in every database (the store's codes are folded by the database: SQL's
    ``lower()`` folds A–Z alone there); None for an empty one."""
    return " ".join(unicodedata.normalize("NFKC", value or "").split()).translate(_FOLD) or None


def barcode_key(value):
    """The barcode ``value`` as it is compared: without any space, a GTIN (8, 12, 13 or 14 digits) as 14 digits
    (UPC-A «012345678905», EAN-13 «0012345678905» and GTIN-14 «00012345678905» are one); None for an empty one.
    Any other code (letters, other lengths: a store's internal codes, Code 128) as written, spaces apart."""
    code = "".join((value or "").split())
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS:
        return code.zfill(14)
    return code or None


KEYS = {ARTICLE: article_key, BARCODE: barcode_key}


def kinds(mode):
    """The codes a mode matches by, in order: «article, then barcode» tries the article first."""
    return {NONE: (), ARTICLE: (ARTICLE,), BARCODE: (BARCODE,), BOTH: (ARTICLE, BARCODE)}.get(mode or NONE, ())


@dataclass(frozen=True)
class Candidate:
    """A product of the store (active, of the exchange's company or shared) having an article or barcode that a
    1C product names: its variant, its template, the 1C ids they hold (None: the store's own), how many
    variants on sale its template has (``variants``: what the store's form shows) and how many it archived
    (``archived``: sizes the store retired, never bound by a code: the store's product is still a product of
    variants)."""

    variant: int
    template: int
    article: str = None
    barcode: str = None
    variant_1c_id: str = None
    template_1c_id: str = None
    variants: int = 1
    name: str = ""
    archived: int = 0

    @property
    def of_variants(self):
        """Whether its template is a product of variants (its attributes make several, on sale or archived)."""
        return self.variants + self.archived > 1


@dataclass(frozen=True)
class Refusal:
    """A code (``kind``: article or barcode, as 1C wrote it: ``code``) that did not bind the 1C product
    ``product``, and why (``reason``), ``others``: the store's products or 1C ids it is about."""

    product: str
    kind: str
    code: str
    reason: str
    others: tuple = ()


@dataclass
class Plan:
    """What :func:`plan_bindings` decided: ``binds`` {1C id: (candidate, kind)}, ``templates`` {1C product
    id: template id} the templates that take their 1C product's id (a characteristic's product),
    ``refusals`` the codes that bound nothing, for the exchange's log; ``replaced`` {1C product id: template id}
    the duplicates the exchange made of the 1C products whose characteristics bound the store's product instead
    (``templates`` names it), ``kept`` [(1C product id, reason, others)] those that stay, and why."""

    binds: dict = field(default_factory=dict)
    templates: dict = field(default_factory=dict)
    refusals: list = field(default_factory=list)
    replaced: dict = field(default_factory=dict)
    kept: list = field(default_factory=list)


def shared_codes(products, mode):
    """``{kind: {key: [1C ids]}}`` of the codes (by ``mode``'s kinds) that several of ``products`` [(1C id,
    article, barcode)] name: a whole file's, read apart (:func:`..commerceml.reader.read_product_codes`), for a
    batch to know which of its codes another batch of the file names too."""
    named = {kind: defaultdict(list) for kind in kinds(mode)}
    for full_id, article, barcode in products:
        for kind, keys in named.items():
            key = KEYS[kind](article if kind == ARTICLE else barcode)
            if key:
                keys[key].append(full_id)
    return {kind: {key: ids for key, ids in keys.items() if len(ids) > 1} for kind, keys in named.items()}


def plan_bindings(wanted, candidates, mode, known_templates=None, batch_ids=(), file_named=None, replaceable=()):
    """Which store product each of ``wanted`` [(1C id, article, barcode)] is, in 1C's order: the 1C products
    (an id «guid») and characteristics (an id «guid#characteristic») the database does not know by their 1C
    id. ``candidates`` [:class:`Candidate`] are the store's products (active) whose article or barcode one of
    ``wanted`` names; ``known_templates`` {guid: template id} the templates already holding a 1C product's id.

    By each code of ``mode`` in order, a 1C product not bound yet is bound to the one store product having it
    when no other store product has it (bound to 1C or not), no other 1C product of ``wanted`` names it, and no
    other 1C product took that store product before. A 1C product is bound to a product of one variant (its
    template and variant take the 1C id); a characteristic to a variant of a product of several variants whose
    template holds no 1C id (it takes the characteristic's product's, when every characteristic of that
    product bound lands in it and no other template holds that id) or that product's id already. A code that
    binds nothing because of another product is a :class:`Refusal` (one that no store product has is not:
    a new product is simply made; nor one a product holds whose 1C id is among ``batch_ids``, the 1C ids of the
    whole batch: 1C moves the code between two of its products in that very file); a 1C product that another
    code binds has none. ``file_named`` (:func:`shared_codes`): the codes that several 1C products of the whole
    file name, when it holds more than this batch.

    ``replaceable``: the 1C products of ``known_templates`` whose template is a duplicate the exchange made of a
    store's product (from 2.05 on the catalog names a product without its characteristics, nothing to match a
    product of several variants by), unused yet. Its characteristics bind variants of the store's product as a
    product Odoo does not know would, the store's template takes its id instead (``Plan.replaced``), when every
    one of them that has a code in ``wanted`` binds a variant of that one template; else none does, and the
    duplicate stays (``Plan.kept``). Candidates are taken in the order of their variants' ids, whatever order the
    database returned them in: the names a refusal lists come in the order the store made the products."""
    known_templates = known_templates or {}
    candidates = sorted(candidates, key=lambda candidate: candidate.variant)
    plan = Plan()
    refused = defaultdict(list)
    taken = {}  # variant id: the 1C id it was bound to in this batch
    # by each code of the mode, the store's products having it: a 1C product whose article is one store
    # product's and whose barcode another's is neither (which one 1C means is not guessed); a code held by a
    # product of the batch's own 1C ids counts for none (1C moves it between its products in that file)
    holders = {kind: defaultdict(set) for kind in kinds(mode)}
    for candidate in candidates:
        if candidate.variant_1c_id in batch_ids:
            continue
        for kind, keys in holders.items():
            key = KEYS[kind](candidate.article if kind == ARTICLE else candidate.barcode)
            if key:
                keys[key].add(candidate.variant)
    # by each code of the mode, the codes several 1C products (of the batch or the whole file) name: no 1C
    # product's own (1C gives every characteristic its product's article), so no sign of which store product one
    # means, never a conflict with its other code
    repeated = {}
    for kind in holders:
        count = defaultdict(set)
        for full_id, article, barcode in wanted:
            key = KEYS[kind](article if kind == ARTICLE else barcode)
            if key:
                count[key].add(full_id)
        for key, ids in (file_named or {}).get(kind, {}).items():
            count[key].update(ids)
        repeated[kind] = {key for key, ids in count.items() if len(ids) > 1}
    for kind in kinds(mode):
        other_kind = next((k for k in holders if k != kind), None)
        key_of = KEYS[kind]
        named = defaultdict(list)  # key: the 1C ids naming it
        for full_id, article, barcode in wanted:
            key = key_of(article if kind == ARTICLE else barcode)
            if key:
                named[key].append(full_id)
        having = defaultdict(list)  # key: the store's products having it
        for candidate in candidates:
            key = key_of(candidate.article if kind == ARTICLE else candidate.barcode)
            if key in named:
                having[key].append(candidate)
        for full_id, article, barcode in wanted:
            code = article if kind == ARTICLE else barcode
            key = key_of(code)
            if full_id in plan.binds or not key or not having[key]:
                continue
            product, characteristic = split_id(full_id)
            found = having[key]
            naming = list(dict.fromkeys([*named[key], *(file_named or {}).get(kind, {}).get(key, ())]))
            if len(naming) > 1:
                refused[full_id].append(Refusal(full_id, kind, code.strip(), SEVERAL_1C,
                                                tuple(i for i in naming if i != full_id)))
            elif len(found) > 1:
                refused[full_id].append(Refusal(full_id, kind, code.strip(), SEVERAL_STORE,
                                                tuple(c.name for c in found)))
            elif found[0].variant_1c_id in batch_ids:
                continue
            elif found[0].variant_1c_id:
                refused[full_id].append(Refusal(full_id, kind, code.strip(), BOUND,
                                                (found[0].name, found[0].variant_1c_id)))
            elif found[0].variant in taken:
                refused[full_id].append(Refusal(full_id, kind, code.strip(), TAKEN,
                                                (found[0].name, taken[found[0].variant])))
            elif not characteristic and (found[0].variants > 1 or found[0].template_1c_id):
                # a template of several variants, or one bound to 1C while its variant is not (the product's own
                # binding, :meth:`_bind_own_variants`, is its 1C id's)
                refused[full_id].append(Refusal(full_id, kind, code.strip(), HAS_VARIANTS if found[0].variants > 1
                                                else TEMPLATE_BOUND, (found[0].name, found[0].template_1c_id or "")))
            elif characteristic and found[0].template_1c_id not in (None, product):
                refused[full_id].append(Refusal(full_id, kind, code.strip(), TEMPLATE_BOUND,
                                                (found[0].name, found[0].template_1c_id)))
            elif characteristic and known_templates.get(product, found[0].template) != found[0].template \
                    and not (product in replaceable and found[0].of_variants):
                # 1C's product is another product in Odoo already (made by a catalog before its offers)
                refused[full_id].append(Refusal(full_id, kind, code.strip(), ELSEWHERE, (found[0].name, product)))
            elif characteristic and not found[0].of_variants:
                refused[full_id].append(Refusal(full_id, kind, code.strip(), NO_VARIANTS, (found[0].name,)))
            elif other_kind and (other_key := KEYS[other_kind](article if other_kind == ARTICLE else barcode)) \
                    and other_key not in repeated[other_kind] and (other := holders[other_kind].get(other_key, set())) \
                    and len(other) == 1 and found[0].variant not in other:
                refused[full_id].append(Refusal(full_id, kind, code.strip(), CONFLICT, (found[0].name, *sorted(
                    c.name for c in candidates if c.variant in other))))
            else:
                plan.binds[full_id] = (found[0], kind)
                taken[found[0].variant] = full_id
    # the characteristics of one 1C product bind to variants of one store product, or none of them binds
    # (and one store product is no two 1C products: its variants matched by characteristics of two, none binds)
    by_product, by_template = defaultdict(set), defaultdict(set)
    for full_id, (candidate, _kind) in plan.binds.items():
        product, characteristic = split_id(full_id)
        if characteristic:
            by_product[product].add(candidate.template)
            by_template[candidate.template].add(product)
    for product, templates in by_product.items():
        shared = len(templates) == 1 and len(by_template[next(iter(templates))]) > 1
        if len(templates) == 1 and not shared:
            template = next(iter(templates))
            if product in replaceable and known_templates.get(product) != template:
                # all its characteristics of a code, or the duplicate stays: a product half 1C's, half the store's
                # variants, is no product to guess
                unmatched = [full_id for full_id, article, barcode in wanted
                             if split_id(full_id)[0] == product and split_id(full_id)[1]
                             and full_id not in plan.binds
                             and any(KEYS[k](article if k == ARTICLE else barcode) for k in kinds(mode))]
                if unmatched:
                    name = next(c.name for i, (c, _k) in plan.binds.items() if split_id(i)[0] == product)
                    for full_id in [i for i in plan.binds if split_id(i)[0] == product]:
                        del plan.binds[full_id]
                    plan.kept.append((product, UNMATCHED, (name, *unmatched)))
                    continue
                plan.replaced[product] = known_templates[product]
            if known_templates.get(product) != template:
                plan.templates[product] = template
            continue
        for full_id in [i for i in plan.binds if split_id(i)[0] == product and split_id(i)[1]]:
            candidate, kind = plan.binds.pop(full_id)
            wanted_code = next((a if kind == ARTICLE else b) for i, a, b in wanted if i == full_id)
            others = tuple(sorted(by_template[candidate.template] - {product}))
            refused[full_id].append(Refusal(full_id, kind, wanted_code.strip(), SHARED if shared else SPLIT,
                                            (candidate.name, *others)))
    for full_id, _article, _barcode in wanted:
        if full_id not in plan.binds:
            plan.refusals.extend(refused.get(full_id, ()))
            continue
        candidate, _kind = plan.binds[full_id]
        if not split_id(full_id)[1]:
            plan.templates[full_id] = candidate.template
    return plan
