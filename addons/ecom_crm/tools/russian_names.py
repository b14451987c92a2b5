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
