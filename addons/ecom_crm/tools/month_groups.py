"""The name of a month's group in the store's reports: «декабрь 2026», not «декабря 2026».

Odoo names the groups of a date grouped by month with babel's ``'MMMM yyyy'``
(``odoo.models.READ_GROUP_DISPLAY_FORMAT``): ``MMMM`` is the month as a date writes it, which in
Russian (as in Ukrainian, Polish, Czech) is the genitive («1 декабря»), read as «of December 2026»
in a pivot's heading. ``LLLL`` is the month standing alone (a heading, a calendar's title): the
nominative «декабрь» in Russian, the same word as ``MMMM`` in English, German, French. The pivot,
graph and grouped list show the name the server gives (``read_group``), so the reports' models
rename their month groups (:func:`name_months`) after Odoo formatted them; Odoo's own models keep
theirs.

A week's group is Odoo's «W50 2026», a Latin W in Russian: where this addon translates
:data:`WEEK_LABEL` (Russian), the reports name it after the translation (:func:`week_label`),
«50-я неделя 2026», with Odoo's own week number and week-year; in any other language they keep Odoo's
name.
"""

from datetime import date

import babel
import babel.dates

from odoo.tools.date_utils import weeknumber

MONTH_LABEL = "LLLL yyyy"
# Odoo's name of a week (``_read_group_format_result``: ``f"W{week} {year:04}"``), a term to translate
WEEK_LABEL = "W%(week)s %(year)s"


def month_label(value, locale):
    """The name of the month of ``value`` (a date or a datetime, in the reader's time zone, as
    ``_read_group`` returns a group) standing alone, in ``locale`` (``ru_RU``)."""
    return babel.dates.format_date(value, MONTH_LABEL, locale=locale)


def week_label(value, pattern, locale):
    """The name of the week of ``value`` (its first day, as ``_read_group`` returns a group) after
    ``pattern`` (:data:`WEEK_LABEL` translated) in ``locale``: the week and its week-year as Odoo
    numbers them (``date_utils.weeknumber``: ISO weeks where the locale's are, 2027-01-01 in week 53
    of 2026 in Russian; babel's own ``w YYYY`` is wrong around New Year)."""
    year, week = weeknumber(babel.Locale.parse(locale), value)
    return pattern % {"week": week, "year": f"{year:04}"}


def week_pattern(env):
    """:data:`WEEK_LABEL` in ``env``'s language (a term of this addon, whichever addon's report asks)."""
    return env._("W%(week)s %(year)s")


def week_groupings(fields, groupby):
    """The groupings of ``groupby`` that group a date or datetime field of ``fields`` by week."""
    return [spec for spec in groupby
            if spec.partition(":")[2] == "week"
            and getattr(fields.get(spec.partition(":")[0]), "type", None) in ("date", "datetime")]


def month_groupings(fields, groupby):
    """The groupings of ``groupby`` (``read_group``'s specs: ``date:month``, ``date``) that group a
    date or datetime field of ``fields`` (a model's ``_fields``) by month: a date named without a
    granularity is grouped by month, as Odoo does."""
    months = []
    for spec in groupby:
        fname, _sep, granularity = spec.partition(":")
        field = fields.get(fname)
        if field is not None and field.type in ("date", "datetime") and (granularity or "month") == "month":
            months.append(spec)
    return months


def name_months(rows, months, locale, format_result, weeks=(), pattern=None):
    """Run ``format_result()`` (Odoo's ``_read_group_format_result`` of ``rows``), then name the month
    groups ``months`` of ``rows`` standing alone (:func:`month_label`), and the week groups ``weeks``
    after ``pattern()`` (:func:`week_label`), from the dates they held before Odoo replaced them with
    its names. ``locale()`` gives the reader's language (``ru_RU``), asked only when there is a month
    or a week to name; a week keeps Odoo's name where ``pattern()`` is :data:`WEEK_LABEL` untranslated."""
    week_name = pattern() if weeks else WEEK_LABEL
    if week_name == WEEK_LABEL:
        weeks = ()
    specs = [*months, *weeks]
    values = [[row.get(spec) for spec in specs] for row in rows]
    format_result()
    if not specs:
        return
    code = locale()
    for row, row_values in zip(rows, values, strict=True):
        for spec, value in zip(specs, row_values, strict=True):
            if isinstance(value, date):  # a datetime is a date too; an empty group (False) keeps its name
                row[spec] = month_label(value, code) if spec in months else week_label(value, week_name, code)
