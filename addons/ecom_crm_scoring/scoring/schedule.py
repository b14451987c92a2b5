"""Who to call today: ``now``, ``later`` (with a date) or ``dnd`` (do not disturb), and why.

Candidates are the customers in a group (growth, risk, watch; see :mod:`.segments`).
Rules, in this order (the first that applies gives the decision and its reason):

Hard do-not-disturb (``dnd``):

1. ``opted_out``: the customer asked not to be contacted; ``archived``: the store archived the
   customer's contact (a closed business, a duplicate kept for its history);
2. ``open_complaint``: a complaint is still open (it is handled first, not sold to);
3. ``open_refusal``: refused (lost opportunity or refused activity) in the last 30 days;
4. ``open_activity``: a manager already has an open activity with them;
5. ``contacted_recently``: contacted less than 14 days ago (until that date);
6. ``ordered_recently``: ordered less than 7 days ago (until that date).

Timing (``later``):

7. ``due_later``: a regular customer (usual gap known) who is not due yet: the date is
   the day they become due (last order + usual gap - 7 days), when that is after today.

Daily cap (per manager, ``now`` or ``later``): the remaining candidates are ranked per
manager by priority; the first ``daily_cap`` are ``now`` (reason: their group), the next
ones ``later`` with the day their rank reaches the list (``over_cap``), up to
``plan_days`` days ahead; the rest get no decision this time (re-planned every night), and
their reason says so (``beyond_plan``: the card tells why such a customer is nobody's call).
Customers without a manager (-1) share one list, for the team leader to hand out, or for the
salespeople who take them (``shared_takers``: the default team's members, who get them by load):
then each day's shared list is what those salespeople's own lists leave of their daily cap that
day (:func:`shared_per_day`), at least one salesperson's cap.

Priority = probability of an order x expected order value (their average order); for the
risk group it is probability x value at stake (a year of their spending at their own pace,
at least one order), since a call there is about keeping the customer, not one order.
"""

from dataclasses import dataclass

import numpy as np

from .segments import RISK
from .texts import SCHEDULE_REASONS

NONE, NOW, LATER, DND = 0, 1, 2, 3
DECISIONS = {NONE: "", NOW: "now", LATER: "later", DND: "dnd"}
# reason code -> English sentence with placeholders (translated by the ORM side)
REASONS = SCHEDULE_REASONS
REASON_CODES = tuple(REASONS)
_R = {code: i for i, code in enumerate(REASON_CODES)}
NO_DATE = -1


@dataclass(frozen=True)
class ScheduleSettings:
    daily_cap: int = 20  # calls per manager per day
    contact_cooldown_days: int = 14
    order_cooldown_days: int = 7
    refusal_cooldown_days: int = 30
    due_margin_days: int = 7
    plan_days: int = 14
    # the salespeople (user ids) who take the customers without one (see the module docstring)
    shared_takers: tuple = ()


@dataclass
class Schedule:
    """Per customer: ``decision`` (NONE/NOW/LATER/DND), ``reason`` (index into
    :data:`REASON_CODES`, -1 for none), ``date`` (day number or -1), ``priority``."""

    decision: np.ndarray
    reason: np.ndarray
    date: np.ndarray
    priority: np.ndarray

    def reason_code(self, i):
        return REASON_CODES[self.reason[i]] if self.reason[i] >= 0 else ""


def priority(probability, group, order_value, stake):
    """Probability x expected order value; x value at stake (>= one order) for the risk group."""
    p = np.nan_to_num(probability, nan=0.0)
    value = np.nan_to_num(order_value, nan=0.0)
    stake = np.maximum(np.nan_to_num(stake, nan=0.0), value)
    return np.where(group == RISK, p * stake, p * value)


def plan(today, group, probability, order_value, stake, manager, *, opted_out=None, last_contact=None,
         last_order=None, open_complaint=None, last_refusal=None, open_activities=None, usual_gap=None,
         archived=None, settings=ScheduleSettings()):
    """The schedule of every customer (see the module docstring).

    Arrays are per customer; missing facts (``None``) are taken as absent.  Days are day
    numbers (``-1`` = never).
    """
    n = len(group)
    today = int(today)

    def arr(v, fill, dtype):
        return np.full(n, fill, dtype=dtype) if v is None else np.asarray(v, dtype=dtype)

    opted_out = arr(opted_out, False, bool)
    archived = arr(archived, False, bool)
    last_contact = arr(last_contact, -1, np.int64)
    last_order = arr(last_order, -1, np.int64)
    open_complaint = arr(open_complaint, False, bool)
    last_refusal = arr(last_refusal, -1, np.int64)
    open_activities = arr(open_activities, 0, np.float64)
    usual_gap = arr(usual_gap, np.nan, np.float64)
    manager = arr(manager, -1, np.int64)
    s = settings

    decision = np.full(n, NONE, dtype=np.int8)
    reason = np.full(n, -1, dtype=np.int8)
    date = np.full(n, NO_DATE, dtype=np.int64)
    prio = priority(probability, group, order_value, stake)
    undecided = group >= 0

    def apply(mask, dec, code, when=None):
        nonlocal undecided
        m = undecided & mask
        decision[m] = dec
        reason[m] = _R[code]
        if when is not None:
            date[m] = when[m]
        undecided = undecided & ~m

    apply(opted_out, DND, "opted_out")
    apply(archived, DND, "archived")
    apply(open_complaint, DND, "open_complaint")
    apply((last_refusal >= 0) & (today - last_refusal < s.refusal_cooldown_days), DND, "open_refusal",
          last_refusal + s.refusal_cooldown_days)
    apply(np.nan_to_num(open_activities) > 0, DND, "open_activity")
    apply((last_contact >= 0) & (today - last_contact < s.contact_cooldown_days), DND, "contacted_recently",
          last_contact + s.contact_cooldown_days)
    apply((last_order >= 0) & (today - last_order < s.order_cooldown_days), DND, "ordered_recently",
          last_order + s.order_cooldown_days)
    with np.errstate(invalid="ignore"):
        due = last_order + np.nan_to_num(usual_gap, nan=0.0).astype(np.int64) - s.due_margin_days
        apply(np.isfinite(usual_gap) & (last_order >= 0) & (due > today) & (group != RISK), LATER, "due_later", due)

    # the daily cap: rank the rest per manager by priority
    cand = np.flatnonzero(undecided)
    if len(cand):
        order = np.lexsort((cand, -prio[cand], manager[cand]))
        c = cand[order]
        mg = manager[c]
        starts = np.flatnonzero(np.r_[True, mg[1:] != mg[:-1]])
        sizes = np.diff(np.r_[starts, len(c)])
        rank = np.arange(len(c)) - np.repeat(starts, sizes)
        cap = max(int(s.daily_cap), 1)
        day_offset = rank // cap
        shared = mg < 0
        if shared.any() and s.shared_takers:
            own = {int(m): int(size) for m, size in zip(mg[starts], sizes, strict=True)}
            per_day = shared_per_day([own.get(int(user), 0) for user in s.shared_takers], cap, s.plan_days)
            # the shared list's ranks (first in c, by priority) to the days whose room they fill
            day_offset[shared] = np.searchsorted(np.cumsum(per_day), rank[shared], side="right")
        now = day_offset == 0
        decision[c[now]] = NOW
        reason[c[now]] = np.array([_R["growth"], _R["risk"], _R["watch"]], dtype=np.int8)[group[c[now]]]
        date[c[now]] = today
        later = ~now & (day_offset < s.plan_days)
        decision[c[later]] = LATER
        reason[c[later]] = _R["over_cap"]
        date[c[later]] = today + day_offset[later]
        reason[c[~now & ~later]] = _R["beyond_plan"]
    return Schedule(decision=decision, reason=reason, date=date, priority=prio)


def shared_per_day(own_counts, cap, days):
    """How many customers without a salesperson each of the next ``days`` days' lists holds: what
    the salespeople who take them (``own_counts``: how many of their own customers each has to
    call, planned ``cap`` a day from today) have left of their ``cap`` that day, at least ``cap``
    (one salesperson's list, for the team leader to hand out when everyone's is full)."""
    day = np.arange(days)[:, None]
    own = np.asarray(own_counts, dtype=np.int64)[None, :]
    room = np.clip((day + 1) * cap - own, 0, cap).sum(axis=1) if own.size else np.zeros(days, np.int64)
    return np.maximum(room, cap)
