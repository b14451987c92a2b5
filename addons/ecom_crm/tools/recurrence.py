"""Dates of recurring tasks: every N days, every N weeks on a weekday, every N months on a day
(the last day of shorter months). Plain date arithmetic, no ORM."""

import calendar
from datetime import date, timedelta

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"


def _month_day(year, month, day):
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year, month, months):
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def first_occurrence(start, kind, weekday=0, month_day=1):
    """The first date on or after ``start`` the recurrence falls on."""
    if kind == DAILY:
        return start
    if kind == WEEKLY:
        return start + timedelta(days=(weekday - start.weekday()) % 7)
    if kind == MONTHLY:
        first = _month_day(start.year, start.month, month_day)
        if first < start:
            first = _month_day(*_add_months(start.year, start.month, 1), month_day)
        return first
    raise ValueError(f"unknown recurrence {kind!r}")


def next_occurrence(previous, kind, interval=1, month_day=1):
    """The occurrence that follows ``previous`` (itself an occurrence)."""
    interval = max(int(interval or 1), 1)
    if kind == DAILY:
        return previous + timedelta(days=interval)
    if kind == WEEKLY:
        return previous + timedelta(weeks=interval)
    if kind == MONTHLY:
        return _month_day(*_add_months(previous.year, previous.month, interval), month_day)
    raise ValueError(f"unknown recurrence {kind!r}")


def occurrence_after(last, kind, interval=1, weekday=0, month_day=1):
    """The occurrence that follows ``last`` once the rule may have changed since: in the week (or
    month) ``interval`` weeks (months) after ``last``'s, on the rule's weekday (day), so that every
    N weeks stays every N weeks when the weekday is changed after a run, and never ``last`` again."""
    base = next_occurrence(last, kind, interval, month_day)
    if kind == WEEKLY:
        return base + timedelta(days=weekday - base.weekday())
    if kind == MONTHLY:
        return _month_day(base.year, base.month, month_day)
    return base


def due_occurrence(next_date, today, kind, interval=1, month_day=1):
    """``(due, following)``: the latest occurrence on or before ``today`` starting from
    ``next_date`` (None when ``next_date`` is still to come) and the first one after ``today``.
    Occurrences missed while the job did not run collapse into the latest: one task, not a pile."""
    due = None
    current = next_date
    while current <= today:
        due = current
        current = next_occurrence(current, kind, interval, month_day)
    return due, current
