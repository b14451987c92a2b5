"""Russian personal names: «Фамилия Имя Отчество», «Имя Фамилия», «Имя Отчество Фамилия»…

Site forms, marketplaces and callers write a name in any of the usual orders; each word's role
(surname, first name, patronymic) is read from pymorphy3's dictionary tags (``Surn``, ``Name``,
``Patr``) rather than from its position, which only decides when the dictionary cannot tell.
"""

import re
from functools import lru_cache

PATRONYMIC_ENDINGS = ("вич", "вна", "чна", "ична")
TURKIC_PATRONYMIC = ("оглы", "кызы")  # «Али оглы»: a two-word patronymic

SURNAME, FIRST, PATRONYMIC = "Surn", "Name", "Patr"
ROLES = (SURNAME, FIRST, PATRONYMIC)

TIE_BREAK = 0.01  # an order less usual than another must fit better by this much
CACHE_SIZE = 20_000  # words analysed, per cache: a dictionary look-up costs 0.1-1 ms, a cached one 1 µs

# Words that the dictionary does not know as part of a name
SURNAME_ENDINGS = ("ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына",
                   "ский", "цкий", "ской", "цкой", "ская", "цкая")
FEMALE_SURNAME_ENDINGS = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая")
MALE_SURNAME_ENDINGS = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ской", "цкой")
UNKNOWN_WORD = {SURNAME: 0.3, FIRST: 0.0, PATRONYMIC: 0.0}  # dictionaries know first names better
NO_EVIDENCE = dict.fromkeys(ROLES, 0.0)

FEMALE_PATRONYMIC_ENDINGS = ("вна", "чна", "ична", "кызы")
MALE_PATRONYMIC_ENDINGS = ("вич", "ич", "оглы")
_morph = None


def _analyzer():
    """pymorphy3's analyzer with its Russian dictionary, loaded once (it takes half a second)."""
    global _morph
    if _morph is None:
        import pymorphy3

        _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def compose_name(lastname, firstname, patronymic):
    """«Фамилия Имя Отчество» from the parts that are set."""
    return " ".join(p.strip() for p in (lastname, firstname, patronymic) if p and p.strip())


def _is_cyrillic(word):
    return any("а" <= c <= "я" or c == "ё" for c in word)


def _nominative_parses(word):
    """The dictionary's readings of a word as it is typed in a name: nominative, singular."""
    return [p for p in _analyzer().parse(word) if p.tag.case == "nomn" and p.tag.number != "plur"]


@lru_cache(maxsize=CACHE_SIZE)
def _word_roles(word):
    """How much a lower-case word looks like a surname, a first name and a patronymic: shares adding
    up to 1 by the dictionary's scores, else by its ending; None when nothing tells."""
    weights = dict.fromkeys(ROLES, 0.0)
    for parse in _nominative_parses(word):
        for role in ROLES:
            if role in parse.tag:
                weights[role] += parse.score
    total = sum(weights.values())
    if not total and "-" in word.strip("-"):  # a double name the dictionary does not know as a whole
        parts = [roles for roles in map(_word_roles, filter(None, word.split("-"))) if roles]
        weights = {role: max((roles[role] for roles in parts), default=0.0) for role in ROLES}
        total = sum(weights.values())
    if total:
        return {role: weight / total for role, weight in weights.items()}
    if word.endswith(PATRONYMIC_ENDINGS):
        return {SURNAME: 0.1, FIRST: 0.0, PATRONYMIC: 0.9}
    if word.endswith("ич"):  # «Ильич», but also Serbian or Belarusian surnames
        return {SURNAME: 0.5, FIRST: 0.0, PATRONYMIC: 0.5}
    if word.endswith(SURNAME_ENDINGS):
        return {SURNAME: 1.0, FIRST: 0.0, PATRONYMIC: 0.0}
    return None


@lru_cache(maxsize=CACHE_SIZE)
def _roles(token):
    """_word_roles() of a word as typed, with what to assume when the dictionary cannot tell."""
    word = token.lower()
    if " " in word:  # a Turkic patronymic joined by _tokens()
        return {SURNAME: 0.0, FIRST: 0.0, PATRONYMIC: 1.0}
    return _word_roles(word) or (UNKNOWN_WORD if _is_cyrillic(word) else NO_EVIDENCE)


def _tokens(name):
    """The name's words, a Turkic patronymic («Гейдар оглы») as one, after at least one other word."""
    name = name or ""
    words = name.split()
    lowered = name.lower()
    if not any(particle in lowered for particle in TURKIC_PATRONYMIC):
        return words
    for i, word in enumerate(words):
        if i >= 2 and word.lower() in TURKIC_PATRONYMIC:
            return [*words[:i - 1], f"{words[i - 1]} {word}", *words[i + 1:]]
    return words


def split_russian_name(name):
    """Split a person's full name into (last name, first name, patronymic), each as typed or False.

    Understood orders: «Фамилия Имя Отчество», «Имя Отчество Фамилия», «Фамилия Имя», «Имя Фамилия»
    and «Имя Отчество». Each order is scored by how well its words fit their roles in pymorphy3's
    dictionary (first names, surnames and patronymics are tagged, with their likelihood); words it
    does not know count by their ending (-ович, -овна: patronymic; -ов, -ова, -ский: surname), other
    unknown words lean to the surname. Ties go to «Фамилия Имя Отчество», «Фамилия Имя», then «Имя
    Отчество», so Latin names and words nobody knows are read by position as today. A single word is a first name
    unless it reads as a surname rather than a first name («Смирнова», «Шнуров»). Turkic patronymics
    («Али оглы», «Гейдар кызы») count as one part. Four words or more are read as «Фамилия Имя
    Отчество» or «Имя Отчество Фамилия», the surname taking the extra words.
    """
    tokens = _tokens(name)
    if not tokens:
        return False, False, False
    if len(tokens) == 1:
        roles = _word_roles(tokens[0].lower())
        if roles and roles[SURNAME] > 0.5:
            return tokens[0], False, False
        return False, tokens[0], False
    roles = [_roles(token) for token in tokens]
    if len(tokens) == 2:
        (one, two), (one_is, two_is) = tokens, roles
        fits = [  # each order's fit, the earlier ones winning ties
            one_is[SURNAME] + two_is[FIRST],  # «Фамилия Имя»
            one_is[FIRST] + two_is[PATRONYMIC] - TIE_BREAK,  # «Имя Отчество»
            one_is[FIRST] + two_is[SURNAME] - 2 * TIE_BREAK,  # «Имя Фамилия»
        ]
        return ((one, two, False), (False, one, two), (two, one, False))[fits.index(max(fits))]
    # «Фамилия Имя Отчество» or «Имя Отчество Фамилия», the surname taking any extra words
    surname_first = max(r[SURNAME] for r in roles[:-2]) + roles[-2][FIRST] + roles[-1][PATRONYMIC]
    surname_last = roles[0][FIRST] + roles[1][PATRONYMIC] + max(r[SURNAME] for r in roles[2:])
    if surname_last - TIE_BREAK > surname_first:
        return " ".join(tokens[2:]), tokens[0], tokens[1]
    return " ".join(tokens[:-2]), tokens[-2], tokens[-1]


# first names the dictionary genders otherwise than they are borne: «Никола» (Никола Тесла, Никола Угодник) is
# a man's name it tags a woman's; «Андреа» an Italian man's (Андреа Бочелли) as well as a German woman's. Since
# the name printed decides a contract's words over the card's gender, a misread name would override a card
# corrected by hand
FIRST_NAME_GENDERS = {"никола": "male", "андреа": None}


@lru_cache(maxsize=CACHE_SIZE)
def _first_name_gender(word):
    """By the dictionary's first names («Светлана» femn, «Игорь» masc); «Саша», «Женя»: None."""
    if word in FIRST_NAME_GENDERS:
        return FIRST_NAME_GENDERS[word]
    genders = {p.tag.gender for p in _nominative_parses(word) if FIRST in p.tag}
    if genders in ({"masc"}, {"femn"}):
        return "male" if genders == {"masc"} else "female"
    return None


@lru_cache(maxsize=CACHE_SIZE)
def _surname_gender(word):
    """«Смирнова» female, «Смирнов» male: surnames that have a form for each gender. Surnames the
    same for both («Ким», «Цой», «Шостакович») or not surnames («Кузнец») tell nothing."""
    parses = [p for p in _nominative_parses(word) if SURNAME in p.tag]
    if parses:
        genders = {p.tag.gender for p in parses}
        if genders in ({"masc"}, {"femn"}) and any(
                {"masc", "femn"} <= {form.tag.gender for form in p.lexeme} for p in parses):
            return "male" if genders == {"masc"} else "female"
        return None
    if "-" in word.strip("-"):
        genders = {_surname_gender(part) for part in word.split("-") if part} - {None}
        return genders.pop() if len(genders) == 1 else None
    if word.endswith(FEMALE_SURNAME_ENDINGS):
        return "female"
    if word.endswith(MALE_SURNAME_ENDINGS):
        return "male"
    return None


def gender_from_name(firstname, patronymic=None, lastname=None):
    """'male', 'female' or None: from the first name (pymorphy3's dictionary of names), else the
    patronymic («Петровна», «Гейдар кызы»), else the surname («Смирнова» is feminine).

    Names used for both («Саша», «Женя») are so decided by the patronymic or the surname.
    """
    gender = None
    word = (firstname or "").strip().split(" ")[0].lower()
    if word:
        gender = _first_name_gender(word)
    if gender is None and patronymic:
        ending = patronymic.strip().lower()
        if ending.endswith(FEMALE_PATRONYMIC_ENDINGS):
            gender = "female"
        elif ending.endswith(MALE_PATRONYMIC_ENDINGS):
            gender = "male"
    if gender is None and lastname and lastname.strip():
        gender = _surname_gender(lastname.split()[-1].lower())
    return gender


# The signatory of a contract: «в лице генерального директора Иванова Ивана Ивановича» (genitive),
# signed «/ Иванов И. И. /» (nominative, initials).  The name may be typed in either case.
GENITIVE_PATRONYMIC_ENDINGS = ("вича", "ича", "вны", "чны")
NOMINATIVE_PATRONYMIC_ENDINGS = ("вич", "ич", "вна", "чна")
_GRAMMEME = {"male": "masc", "female": "femn"}
# surnames the dictionary does not know: (nominative ending, genitive ending) by gender
SURNAME_CASE_ENDINGS = {
    "male": (("ский", "ского"), ("цкий", "цкого"), ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина"),
             ("ын", "ына"), ("кий", "кого"), ("гий", "гого"), ("хий", "хого"), ("ый", "ого"), ("ой", "ого")),
    "female": (("ская", "ской"), ("цкая", "цкой"), ("ова", "овой"), ("ева", "евой"), ("ёва", "ёвой"),
               ("ина", "иной"), ("ына", "ыной"), ("кая", "кой"), ("гая", "гой"), ("хая", "хой"), ("ая", "ой")),
}
PATRONYMIC_CASE_ENDINGS = (("вич", "вича"), ("ич", "ича"), ("вна", "вны"), ("чна", "чны"))


def _by_ending(word, role, gender, case):
    """A word the dictionary cannot decline, by its ending: «Зайцевский» -> «Зайцевского»; else as is."""
    pairs = PATRONYMIC_CASE_ENDINGS if role == PATRONYMIC else SURNAME_CASE_ENDINGS.get(gender, ())
    if role == FIRST:
        return word
    for nominative, genitive in pairs:
        source, target = (nominative, genitive) if case == "gent" else (genitive, nominative)
        if word.endswith(source):
            return word[:-len(source)] + target
    return word


def _decline(word, role, gender, case):
    """One part of a name (lower case) into ``case`` ("gent" or "nomn") from the other one; a Latin word,
    an indeclinable one («Шевченко», «Али оглы») or one nobody knows is returned as it is."""
    if not _is_cyrillic(word) or " " in word:
        return word
    if "-" in word.strip("-") and role == SURNAME:  # «Римский-Корсаков»: each part declines
        return "-".join(_decline(part, role, gender, case) for part in word.split("-"))
    source = "nomn" if case == "gent" else "gent"
    wanted = {_GRAMMEME.get(gender), "ms-f"} if gender else None
    parses = [p for p in _analyzer().parse(word) if role in p.tag and p.tag.case == source
              and p.tag.number == "sing" and (wanted is None or p.tag.gender in wanted)]
    declined = max(parses, key=lambda p: p.score).inflect({case}) if parses else None
    result = declined.word if declined else _by_ending(word, role, gender, case)
    return result if "ё" in word else result.replace("ё", "е")  # «Семенов» stays without its «ё»


def _title(word):
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _is_genitive(tokens):
    """Whether a name typed «Фамилия Имя [Отчество]» is in the genitive: by its patronymic («Ивановича»),
    else by its first name («Марии» is a first name only in an oblique case)."""
    last = tokens[-1].lower()
    if len(tokens) >= 3 and last.endswith(GENITIVE_PATRONYMIC_ENDINGS):
        return True
    if len(tokens) >= 3 and last.endswith(NOMINATIVE_PATRONYMIC_ENDINGS):
        return False
    # «Мамедова Рашида Али оглы»: «оглы» / «кызы» are the same in every case and tell the gender, by
    # which the first name's case is read («Рашида» is a man's name in the genitive, not a woman's)
    gender = {"оглы": "masc", "кызы": "femn"}.get(last.split()[-1]) if len(tokens) >= 3 else None
    first = [p for p in _analyzer().parse(tokens[1].lower()) if FIRST in p.tag and p.tag.number == "sing"
             and (gender is None or p.tag.gender == gender)]
    return bool(first) and not any(p.tag.case == "nomn" for p in first) and any(p.tag.case == "gent" for p in first)


def _genitive_gender(lastname, firstname, patronymic):
    """The gender of a name in the genitive: «Ивановича», «Сергеевны», else the first name («Марии»)."""
    ending = (patronymic or "").lower()
    if ending.endswith(("вича", "ича", "оглы")):
        return "male"
    if ending.endswith(("вны", "чны", "кызы")):
        return "female"
    genders = {p.tag.gender for p in _analyzer().parse(firstname.lower())
               if FIRST in p.tag and p.tag.case == "gent" and p.tag.number == "sing"}
    return {"masc": "male", "femn": "female"}.get(genders.pop()) if len(genders) == 1 else None


def _signatory_parts(name):
    """(last name, first name, patronymic, in the genitive?) of a full name, None when it is not a Russian
    full name to decline (Latin letters, initials, a single word)."""
    tokens = _tokens(name)
    if len(tokens) < 2 or not all(_is_cyrillic(t.lower()) for t in tokens) or any("." in t for t in tokens):
        return None
    if _is_genitive(tokens):  # typed as contracts write it: «Фамилия Имя Отчество»
        if len(tokens) == 2:
            return tokens[0], tokens[1], "", True
        return " ".join(tokens[:-2]), tokens[-2], tokens[-1], True
    lastname, firstname, patronymic = split_russian_name(name)
    if not (lastname and firstname) or not any(FIRST in p.tag for p in _analyzer().parse(firstname.lower())):
        return None  # no first name the dictionary knows: «Покупатель с Авито» is no one's full name
    return lastname, firstname, patronymic or "", False


def genitive_name(name):
    """«Иванов Иван Иванович» -> «Иванова Ивана Ивановича», «Петрова Анна Сергеевна» -> «Петровой Анны
    Сергеевны», as «в лице …» writes it, surname first; a name already in the genitive, a foreign name or
    initials are returned as typed."""
    name = " ".join((name or "").split())
    parts = _signatory_parts(name)
    if not parts or parts[3]:
        return " ".join(t.lower() if t.lower() in TURKIC_PATRONYMIC else _title(t) for t in name.split()) \
            if parts else name
    lastname, firstname, patronymic, _genitive = parts
    gender = gender_from_name(firstname, patronymic, lastname)
    # a surname of several words («Ван Дер Берг») is not declined: as typed, its capitals too
    words = [lastname if " " in lastname else _decline(lastname.lower(), SURNAME, gender, "gent"),
             _decline(firstname.lower(), FIRST, gender, "gent")]
    if patronymic:
        words.append(patronymic if " " in patronymic else _decline(patronymic.lower(), PATRONYMIC, gender, "gent"))
    return " ".join(w if " " in w else _title(w) for w in words)


def _one_gender(genders):
    """The gender all the parts that tell one agree on, None when none tells or they disagree («Мария Иванов»)."""
    genders = set(genders) - {None}
    return genders.pop() if len(genders) == 1 else None


def _patronymic_gender(patronymic):
    """«Петровна», «Ильинична», «Гейдар кызы» (and their genitives «Петровны»): female; «Петрович», «Али
    оглы», «Петровича»: male; None otherwise."""
    word = (patronymic or "").strip().lower()
    if word.endswith((*FEMALE_PATRONYMIC_ENDINGS, "вны", "чны")):
        return "female"
    if word.endswith((*MALE_PATRONYMIC_ENDINGS, "ича")):
        return "male"
    return None


@lru_cache(maxsize=CACHE_SIZE)
def _gender_in_either_case(word):
    """The gender of a surname or a first name (lower case) typed in the nominative or the genitive, when
    both readings agree: «петровского», «смирновой» tell it, «иванова» (Иванова's, or Иванов's in the
    genitive), «александра», «толстой» do not; a surname the same for both genders («ким», «шевченко»)
    neither."""
    parses = [p for p in _analyzer().parse(word) if p.tag.case in ("nomn", "gent") and p.tag.number == "sing"
              and (FIRST in p.tag or (SURNAME in p.tag and {"masc", "femn"} <= {f.tag.gender for f in p.lexeme}))]
    if parses:
        return _one_gender(_GENDER.get(p.tag.gender) for p in parses) \
            if all(p.tag.gender in _GRAMMEME.values() for p in parses) else None
    if any(SURNAME in p.tag for p in _analyzer().parse(word)):
        return None  # a surname of one form for both («Ковальчук», «Дюма»)
    return _one_gender(gender for gender, pairs in SURNAME_CASE_ENDINGS.items()
                       for nominative, genitive in pairs if word.endswith((nominative, genitive)))


_GENDER = {"masc": "male", "femn": "female"}
_INITIALS = re.compile(r"(?:[а-яёa-z]\.)+", re.IGNORECASE)


def name_gender(name, either_case=False):
    """'male', 'female' or None: the gender of a person's full name typed in the nominative («Смирнова Ольга
    Николаевна», «Ольга Смирнова») or the genitive («Петровой Анны Сергеевны»), for the words a contract agrees
    with it («гражданка …, именуемая», «в лице … Петровой Анны Сергеевны, действующей»).

    A wrong gender in a contract is worse than «гражданин(ка)»: None unless the name tells it surely. Its
    parts that tell one must agree (a first name, a patronymic and a surname: «Мария Иванов», «Иванов Саша
    Петровна» tell none); a name of both genders («Саша Ким», «Женя Шевченко», «Черных Саша»), Latin letters, a
    company's name tell none. A surname with initials («Петрова А. С.») or alone tells it by the surname;
    ``either_case`` (a signatory's name, typed in the nominative or the genitive) only when both cases agree:
    «Иванова И. И.» may be Иванов's in the genitive, «Петровского И. И.», «Смирновой И. И.» may not."""
    name = " ".join((name or "").split())
    tokens = _tokens(name)
    if not tokens or not all(_is_cyrillic(token.lower()) for token in tokens):
        return None
    words = [token for token in tokens if not _INITIALS.fullmatch(token)]
    if len(words) != len(tokens) or len(words) == 1:  # «Петрова А. С.», «Петрова»: by the surname
        if len(words) != 1 or "." in words[0]:
            return None
        word = words[0].lower()
        if either_case:
            return _gender_in_either_case(word)
        if len(tokens) == 1:
            lastname, firstname, _patronymic = split_russian_name(word)
            return _first_name_gender(word) if firstname else _surname_gender(word)
        return _surname_gender(word)
    if any("." in token for token in tokens):
        return None
    parts = _signatory_parts(name)
    if parts and parts[3]:  # in the genitive
        lastname, firstname, patronymic = parts[:3]
        surname = {_GENDER.get(p.tag.gender) for p in _analyzer().parse(lastname.lower()) if SURNAME in p.tag
                   and p.tag.case == "gent" and p.tag.number == "sing"
                   and {"masc", "femn"} <= {form.tag.gender for form in p.lexeme}} if " " not in lastname else set()
        return _one_gender([_genitive_gender(lastname, firstname, ""), _patronymic_gender(patronymic),
                            surname.pop() if len(surname) == 1 else None])
    lastname, firstname, patronymic = split_russian_name(name)
    return _one_gender([firstname and _first_name_gender(firstname.split(" ")[0].lower()),
                        _patronymic_gender(patronymic),
                        lastname and _surname_gender(lastname.split()[-1].lower())])


# a word of a Russian name as typed, «Петров», «Римский-Корсаков»; an initial or two, «П.», «П.П.»
NAME_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)
INITIALS = re.compile(r"(?:[А-ЯЁ]\.){1,2}")
# the shapes a name's word is typed in: «Петров», «петров», «ПЕТРОВ», «Римский-Корсаков»; not a brand's capitals
# inside a word («ЦветОк», «КофеХауз»)
NAME_SHAPE = re.compile(r"[а-яё]+(?:-[а-яё]+)*|[А-ЯЁ][а-яё]*(?:-[А-ЯЁа-яё][а-яё]*)*|[А-ЯЁ]+(?:-[А-ЯЁ]+)*")
# words of trade names the dictionary reads as a first name («Арт», a man's name in it) or does not know,
# its guesses reading them as names («Голд», «Смарт»): never a part of a person's name on a card (not women's names
# brands take too, «Вита», «Флора»: a person's name first)
BRAND_WORDS = frozenset((
    "арт", "голд", "смарт", "финанс", "энерджи", "студио", "компани", "арома", "групп", "хаус", "хауз", "шоп",
    "лайн", "трейд", "маркет", "сервис", "строй", "профи", "плюс", "люкс", "эко", "био", "мега", "гранд",
    "элит", "фуд", "сити", "декор", "медиа", "софт", "инвест", "консалт", "моторс", "логистик",
    "экспресс", "систем", "системс", "холдинг", "стайл", "хоум", "бьюти", "кидс", "лайф", "лэнд",
))


def _dictionary_roles(word):
    """The roles the dictionary reads a lower-case word in as typed in a name (nominative, singular): an empty
    set for a word it knows as no name's part («лавка», «и», «цветов», the genitive plural of «цвет»), None for
    a word it does not know («Фаррух», «Гулямов»). A double word the dictionary does not know whole, by its parts
    («Мамедов-Алиев»)."""
    morph = _analyzer()
    if morph.word_is_known(word):
        return {role for parse in _nominative_parses(word) for role in ROLES if role in parse.tag}
    parts = [part for part in word.split("-") if part]
    if len(parts) < 2 or not all(morph.word_is_known(part) for part in parts):
        return None
    return set().union(*(_dictionary_roles(part) for part in parts))


def is_person_name(name):
    """Whether ``name`` reads as a person's name («Петров Пётр Петрович», «Ким Саша», «Гулямов Фаррух», «Петров П.
    П.») rather than a trade name («Цветочная лавка», «Мир цветов», «Петров и сыновья», «Виктория», «Flowers»,
    «Ромашка-2», «Цветов Арт», «Кофе Хауз»): one to four Cyrillic words typed as a name's (capitalised, lower or
    upper case), a surname or a patronymic among them, each word a name's part in the role its place in the name
    gives it: by the dictionary, a word it knows read as a surname, a first name or a patronymic in the nominative
    («Петров Сидоров», two surnames, no one's name), or a surname or a patronymic by its ending («Кириллов»,
    «Садов», known as other words); any word as the surname of a first name and a patronymic («Мельник Иван
    Петрович»); a word it does not know by its ending or as a name it lacks («Гулямов», «Фаррух»); initials. A
    word the dictionary knows as no name's («лавка», «мир», «и»), a trade name's word it reads as a name («Арт»,
    see BRAND_WORDS) make a trade name; so does a first name alone («Виктория», a shop's as often as a woman's)."""
    words = (name or "").split()
    if not 1 <= len(words) <= 4:
        return False
    telling = False
    for word in words:
        if INITIALS.fullmatch(word) or word.lower() in TURKIC_PATRONYMIC:
            continue
        if not NAME_WORD.fullmatch(word) or not NAME_SHAPE.fullmatch(word):
            return False
        lower = word.lower()
        if any(part in BRAND_WORDS for part in lower.split("-")):
            return False  # a trade name's word
        roles = _word_roles(lower)
        telling = telling or (bool(roles) and (roles[SURNAME] > 0.5 or roles[PATRONYMIC] > 0.5))
    if not telling:
        return False
    # each word the dictionary knows is read in the role the name's order gives it («Петров Сидоров»: Сидоров
    # is no first name); a Turkic patronymic («Гейдар оглы») is the father's first name
    lastname, firstname, patronymic = split_russian_name(" ".join(words))
    # a first name and a patronymic the dictionary reads as such: a person's, whatever the surname
    # («Мельник Иван Петрович», «Кот Иван Петрович»: surnames it knows as common nouns only)
    full = bool(lastname and " " not in lastname and firstname and patronymic) \
        and _fits(firstname, FIRST) and (patronymic.split()[-1].lower() in TURKIC_PATRONYMIC
                                         or _fits(patronymic, PATRONYMIC))
    for part, role in ((lastname, SURNAME), (firstname, FIRST), (patronymic, PATRONYMIC)):
        if not part or (role == PATRONYMIC and part.split()[-1].lower() in TURKIC_PATRONYMIC):
            continue
        if role == SURNAME and full:
            continue
        if not all(_fits(word, role) for word in part.split()):
            return False
    return True


def _fits(word, role):
    """Whether a word of a name (as typed) may be a name's part in ``role``: initials, a word the dictionary does
    not know, one it reads in that role; by its ending, as a surname one it knows otherwise («Кириллов»,
    «Лапин», «Садов», «Преображенский», «Попович»: the possessive, the genitive plural, the adjective, the noun a
    surname was made of), as a patronymic one ending as a patronymic («Иван Попович»)."""
    if INITIALS.fullmatch(word):
        return True
    lower = word.lower()
    roles = _dictionary_roles(lower)
    if roles is None or role in roles:
        return True
    if role == PATRONYMIC:  # «Иван Попович»: read as first name and patronymic by the ending
        return lower.endswith((*PATRONYMIC_ENDINGS, "ич"))
    return role == SURNAME and lower.endswith((*SURNAME_ENDINGS, "ич"))


def short_name(name):
    """«Иванов И. И.» (the nominative, as a signature is deciphered) from «Иванов Иван Иванович» or «Иванова
    Ивана Ивановича»; a foreign name or initials are returned as typed."""
    name = " ".join((name or "").split())
    parts = _signatory_parts(name)
    if not parts:
        return name
    lastname, firstname, patronymic, genitive = parts
    if " " in lastname:  # «Ван Дер Берг»: as typed
        surname = lastname
    else:
        gender = _genitive_gender(lastname, firstname, patronymic) if genitive else None
        surname = _title(_decline(lastname.lower(), SURNAME, gender, "nomn") if genitive else lastname.lower())
    initials = [f"{word[0].upper()}." for word in (firstname, patronymic) if word]
    return " ".join([surname, *initials])


# a word of a person's name as a customer types it: Cyrillic letters, a hyphenated name's parts
_NAME_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*")


def _as_typed(declined, typed):
    """``declined`` (lower case) written with the capitals of ``typed``: «ИВАНОВОЙ» for «ИВАНОВА»."""
    return declined.upper() if typed.isupper() and len(typed) > 1 else _title(declined)


def _genitive_first_name(word, gender):
    """A lone first name (lower case) in the genitive: «марии»; one for both genders («саша») when both
    decline it alike («саши»); None when the dictionary does not decline it as a first name."""
    parses = [p for p in _nominative_parses(word) if FIRST in p.tag]
    if gender:
        declined = {_decline(word, FIRST, gender, "gent")}
    else:  # «Саша» is the dictionary's «ms-f», no gender: each reading's genitive
        declined = {form.word for form in (p.inflect({"gent"}) for p in parses) if form}
    if len(declined) != 1 or not parses:
        return None
    declined = declined.pop()
    declined = declined if "ё" in word else declined.replace("ё", "е")
    return declined if declined != word else None


def genitive_customer_name(name):
    """A customer's name as «Заявка от …» writes it, in the genitive, its words in the order typed:
    «Иванова Мария Сергеевна» -> «Ивановой Марии Сергеевны», «Мария Иванова» -> «Марии Ивановой», a first
    name alone «Мария» -> «Марии» («Саша» -> «Саши»). Whatever is not surely a Russian person's name is
    returned as typed: Latin letters, initials, digits, punctuation («ООО Ромашка, Иванов», «Мария
    (доставка)»), a company («ИП Петров»), a name whose gender or parts the dictionary cannot tell («Анна
    Эрнст»), one already in the genitive, more than three parts."""
    name = " ".join((name or "").split())
    tokens = _tokens(name)
    if not tokens or len(tokens) > 3 or len({t.lower() for t in tokens}) < len(tokens) \
            or not all(_NAME_WORD.fullmatch(word) for word in name.lower().split()):
        return name
    if len(tokens) == 1:
        word = name.lower()
        roles = _word_roles(word)
        if roles and roles[SURNAME] > roles[FIRST]:
            return name  # «Ким», «Смирнова»: a surname alone, whose gender nothing tells
        declined = _genitive_first_name(word, _first_name_gender(word))
        return _as_typed(declined, name) if declined else name
    if _is_genitive(tokens):
        return name
    lastname, firstname, patronymic = split_russian_name(name)
    gender = firstname and _first_name_gender(firstname.lower())
    if not gender:
        return name  # no first name the dictionary knows, or one of both genders («Саша Иванов» too)
    if lastname:
        roles = _word_roles(lastname.lower())
        if (roles and roles[FIRST] > roles[SURNAME]) or _surname_gender(lastname.lower()) not in (None, gender):
            return name  # «Анна Эрнст» read as a surname «Анна»; «Мария Иванов»: not sure whose name it is
    if patronymic and " " not in patronymic:
        ending = patronymic.lower()
        if not ending.endswith(FEMALE_PATRONYMIC_ENDINGS if gender == "female" else MALE_PATRONYMIC_ENDINGS):
            return name
    declined = {}
    if lastname:
        declined[lastname] = _decline(lastname.lower(), SURNAME, gender, "gent")
    declined[firstname] = _decline(firstname.lower(), FIRST, gender, "gent")
    if patronymic:  # «Али оглы» is the same in every case
        declined[patronymic] = patronymic.lower() if " " in patronymic else \
            _decline(patronymic.lower(), PATRONYMIC, gender, "gent")
    if declined[firstname] == firstname.lower():
        return name  # a first name the dictionary does not decline: the others are not declined alone
    return " ".join(token if " " in token else _as_typed(declined[token], token) for token in tokens)
