"""A campaign known by its ad system's id and by its title is one campaign. Ad systems' tracking templates
often put the campaign's numeric id in utm_campaign (Yandex Direct ``{campaign_id}``, Google Ads
``{campaignid}``, VK Ads ``{{campaign_id}}``; the Yandex Direct lead forms send it too), while their
statistics exports name the campaign by its title and, usually, its id: the id on ``utm.campaign`` (one
field per ad system) joins them. Plain Python: which values are ids and which ad systems a request's
source says its id is of; the database reads and writes the rest (``models/utm_campaign.py``)."""

import re

# the ad systems whose campaigns have ids in their tracking templates and exports: {system: field on
# utm.campaign}; a system's channel is ``tools.ad_spend.CABINET_CHANNELS[system]``
CAMPAIGN_REF_FIELDS = {
    "yandex_direct": "ecom_yandex_direct_ref",
    "google_ads": "ecom_google_ads_ref",
    "vk": "ecom_vk_ref",
}
# an ad system's campaign id: a whole number (Direct's are 8 to 9 digits, Google's 10 to 11, VK's 7 to 9)
MAX_REF_DIGITS = 20
REF = re.compile(rf"[0-9]{{1,{MAX_REF_DIGITS}}}")


def campaign_ref(value):
    """The ad system's campaign id ``value`` is («91234567», « 91234567 », an XLSX's 91234567.0), or None
    when it is not a number (a campaign's title, «{campaign_id}» left unsubstituted, a negative or a
    fraction)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if value != value or value < 0 or value != int(value):
            return None
        value = int(value)
    text = str(value).strip()
    return text if REF.fullmatch(text) else None


# «{campaign_name}|{campaign_id}», «{campaign_name_lat}_{campaign_id}»: the digits beside a title's «|» or «_» are
# read as an id from this many on (ad systems' ids are 7 to 11 digits): «Лето | 2026», «sale_2026», «promo_10» are
# titles
MIN_TITLED_REF_DIGITS = 6
TITLED_REF = re.compile(rf"(?s)(?P<title>.*\D)_(?P<ref>[0-9]{{{MIN_TITLED_REF_DIGITS},{MAX_REF_DIGITS}}})"
                        rf"|(?P<ref2>[0-9]{{{MIN_TITLED_REF_DIGITS},{MAX_REF_DIGITS}}})_(?P<title2>\D.*)")


def _titled_part(value):
    """The id ``value`` (one side of a «|») is when it is long enough to be one beside a title."""
    ref = campaign_ref(value)
    return ref if ref and len(ref) >= MIN_TITLED_REF_DIGITS else None


def titled_ref(value):
    """``(id, title, sure)`` of a utm_campaign that holds a campaign's title and its ad system's id, as tracking
    templates put them together, or None. Only :data:`MIN_TITLED_REF_DIGITS` digits or more are an id beside a
    title (a title may hold a year: «Лето | 2026», «sale_2026»). ``sure``: «Лето|91234567», «91234567|leto»
    (``{campaign_name}|{campaign_id}``: a «|» between them); not sure: «leto_91234567», «91234567_leto»
    (``{campaign_name_lat}_{campaign_id}``): a title may end in digits («sale_202611»), so only beside a title
    that does not end (begin) in a digit, to be taken only when an ad system has a campaign of that id."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if "|" in text:
        head, _sep, last = text.rpartition("|")
        if _titled_part(last):
            return _titled_part(last), head.strip(), True
        first, _sep, tail = text.partition("|")
        if _titled_part(first):
            return _titled_part(first), tail.strip(), True
        return None
    match = TITLED_REF.fullmatch(text)
    if not match:
        return None
    if match["ref"]:
        return match["ref"], match["title"].strip(), False
    return match["ref2"], match["title2"].strip(), False


def ref_of_name(name):
    """The ad system's id a campaign named ``name`` stands for: its whole name when a number, the id of a
    title «|» id (or id «|» title) name; None otherwise (a title «leto_91234567» is read as an id only when a
    campaign has it, see :func:`titled_ref`)."""
    ref = campaign_ref(name)
    if ref:
        return ref
    parts = titled_ref(name)
    return parts[0] if parts and parts[2] else None


def ref_systems(system, has_source):
    """The ad systems whose campaign ids a request's utm_campaign is looked up among: its source's
    (``system``: a key of :data:`CAMPAIGN_REF_FIELDS` or None), every one for a request that names no
    source (an id known to one system only is that system's campaign), none for another source's (a
    site's, a mailing's campaign «2026» is that source's own)."""
    if system:
        return (system,) if system in CAMPAIGN_REF_FIELDS else ()
    return () if has_source else tuple(CAMPAIGN_REF_FIELDS)


def one_campaign(campaign_ids):
    """The campaign an id stands for: the only one found, else None (none found, or two systems' campaigns
    with the same number and no source to tell them apart: the value stays a campaign of its own)."""
    distinct = set(campaign_ids)
    return next(iter(distinct)) if len(distinct) == 1 else None
