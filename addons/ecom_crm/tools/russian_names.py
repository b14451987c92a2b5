"""Russian personal names: «Фамилия Имя Отчество»."""

PATRONYMIC_ENDINGS = ("вич", "вна", "чна", "ична")
TURKIC_PATRONYMIC = ("оглы", "кызы")  # «Али оглы»: a two-word patronymic


def compose_name(lastname, firstname, patronymic):
    """«Фамилия Имя Отчество» from the parts that are set."""
    return " ".join(p.strip() for p in (lastname, firstname, patronymic) if p and p.strip())


def split_russian_name(name):
    """Split a person's full name into (last name, first name, patronymic).

    Three words or more are «Фамилия Имя Отчество» (extra leading words stay with
    the last name); two words are «Имя Отчество» when the second one looks like a
    patronymic, otherwise «Фамилия Имя»; a single word is a first name.  Turkic
    patronymics («Али оглы», «Гейдар кызы») count as one part.
    """
    words = (name or "").split()
    if len(words) >= 3 and words[-1].lower() in TURKIC_PATRONYMIC:
        words = [*words[:-2], " ".join(words[-2:])]
        if len(words) == 2:
            return False, words[0], words[1]
    if not words:
        return False, False, False
    if len(words) == 1:
        return False, words[0], False
    if len(words) == 2:
        if words[1].lower().endswith(PATRONYMIC_ENDINGS):
            return False, words[0], words[1]
        return words[0], words[1], False
    return " ".join(words[:-2]), words[-2], words[-1]


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


def gender_from_name(firstname, patronymic=None):
    """'male', 'female' or None, from a Russian first name (pymorphy3's dictionary of names).

    The dictionary knows first names with their gender («Светлана» femn, «Игорь» masc);
    names used for both («Саша», «Женя») are decided by the patronymic when there is one.
    """
    gender = None
    word = (firstname or "").strip().split(" ")[0]
    if word:
        names = [p for p in _analyzer().parse(word) if "Name" in p.tag]
        genders = {p.tag.gender for p in names if p.tag.gender in ("masc", "femn")}
        if len(genders) == 1:
            gender = "male" if genders == {"masc"} else "female"
    if gender is None and patronymic:
        ending = patronymic.strip().lower()
        if ending.endswith(FEMALE_PATRONYMIC_ENDINGS):
            gender = "female"
        elif ending.endswith(MALE_PATRONYMIC_ENDINGS):
            gender = "male"
    return gender
