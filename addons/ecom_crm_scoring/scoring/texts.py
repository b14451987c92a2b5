"""The engine's words: codes and the English sentences a person reads, in one light module.

No numpy here: Odoo's models import these at load time (labels of selections, sentences to
translate), while the maths (numpy, scipy, scikit-learn) is imported only by the job that runs it,
so that an Odoo worker that never scores does not carry scikit-learn.  Sentences are marked with
:func:`.i18n._lt` for Odoo's translation export; the ORM side translates them when it shows them.
"""

from .i18n import _lt

# criteria: name -> sentence with named placeholders (criteria.PARAMS says where each comes from)
CRITERIA_TEMPLATES = {
    "recency": _lt("%(days)s days since the last order"),
    "frequency": _lt("%(orders)s orders so far"),
    "monetary": _lt("spent %(amount)s in total"),
    "avg_order": _lt("average order %(amount)s"),
    "tenure": _lt("a customer for %(days)s days"),
    "usual_gap": _lt("usually orders every %(gap)s days"),
    "overdue": _lt("usually orders every %(gap)s days, %(days)s days since the last order"),
    "regularity": _lt("the gaps between their orders vary by %(pct)s%%"),
    "revenue_trend": _lt("spent %(recent)s in the last 6 months against %(prior)s in the 6 months before"),
    "frequency_trend": _lt("%(recent)s orders in the last 6 months against %(prior)s in the 6 months before"),
    "orders_90": _lt("%(orders)s orders in the last 90 days"),
    # BG/NBD's figures, next to the score that weighs everything: said as the rhythm's alone
    "p_alive": _lt("by the rhythm of their orders, %(pct)s%% likely to still be a customer"),
    "expected_orders": _lt("expected to place %(orders)s orders in the next %(days)s days"),
    "rhythm_probability": _lt("by the rhythm of their orders alone, %(pct)s%% likely to order in the next %(days)s "
                                "days"),
    "category_breadth": _lt("buys in %(count)s categories"),
    "product_breadth": _lt("bought %(count)s different products"),
    "return_share": _lt("returned %(pct)s%% of what they bought"),
    "cancel_share": _lt("cancelled %(pct)s%% of their orders"),
    "discount_share": _lt("%(pct)s%% of their spending was a discount"),
    "rebuy_due": _lt("re-buys the same product every %(cycle)s days, %(days)s days since the last time"),
    "days_since_contact": _lt("last contacted %(days)s days ago"),
    "open_activities": _lt("%(count)s open activities"),
    "open_opportunities": _lt("%(count)s open opportunities"),
    "opportunity_stage": _lt("an open opportunity at stage %(stage)s"),
    "recent_refusals": _lt("refused %(count)s times in the last 6 months: %(reason)s"),
    "won_opportunities": _lt("%(count)s opportunities won"),
    "mail_engagement": _lt("opened or clicked %(count)s mailings in the last 90 days"),
    "days_since_mail": _lt("last opened a mailing %(days)s days ago"),
    "opted_out": _lt("opted out of mailings"),
    "complaints": _lt("%(count)s complaints in the last year"),
}

# the placeholders of CRITERIA_TEMPLATES that are amounts of money (criteria.PARAMS's "money"):
# stored as whole numbers, shown in the store's currency as the reader's language writes amounts
MONEY_PARAMS = {"monetary": ("amount",), "avg_order": ("amount",), "revenue_trend": ("recent", "prior")}
# the placeholders that are decimal numbers (criteria.PARAMS's "dec", stored as «0.9»): shown with the
# reader's language's decimal separator («0,9» in Russian)
DECIMAL_PARAMS = {"expected_orders": ("orders",)}

# cross-sell: what kind of offer, and its sentence (items are ids the ORM side names)
KINDS = ("rebuy", "copurchase", "popular")
CROSSSELL_TEMPLATES = {
    # the cycle is the mean gap between the days they bought it (crosssell.candidates), where the
    # criteria's «usually orders every N days» is the median: «on average» tells them apart
    "rebuy": _lt("re-buys %(item)s on average every %(cycle)s days, %(days)s days since the last time"),
    "copurchase": _lt("bought %(source)s, never %(item)s"),
    "popular": _lt("has not bought %(item)s yet: %(pct)s%% of recent customers did"),
}

# the contact schedule's reasons
SCHEDULE_REASONS = {
    "opted_out": _lt("opted out of contact"),
    "archived": _lt("archived in the contacts: not to be called"),
    "open_complaint": _lt("has an open complaint"),
    "open_refusal": _lt("refused %(days)s days ago"),
    "open_activity": _lt("already has an open activity"),
    "contacted_recently": _lt("contacted %(days)s days ago: not before %(date)s"),
    "ordered_recently": _lt("ordered %(days)s days ago: not before %(date)s"),
    "due_later": _lt("usually orders every %(gap)s days: due on %(date)s"),
    "over_cap": _lt("today's list is full: call on %(date)s"),
    "beyond_plan": _lt("not on the coming days' lists: customers with better chances come first"),
    "growth": _lt("growth point: likely to order and can buy more"),
    "risk": _lt("risk group: a valuable customer slipping away"),
    "watch": _lt("watch group: an uncertain prospect"),
}

# RFM segments and the groups managers act on
SEGMENTS = ("champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
            "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost")
SEGMENT_LABELS = {
    "champions": _lt("Champions"), "loyal": _lt("Loyal"), "potential_loyalists": _lt("Potential loyalists"),
    "new": _lt("New customers"), "promising": _lt("Promising"), "need_attention": _lt("Need attention"),
    "about_to_sleep": _lt("About to sleep"), "at_risk": _lt("At risk"), "cant_lose": _lt("Can't lose them"),
    "hibernating": _lt("Hibernating"), "lost": _lt("Lost"),
}
GROUPS = ("growth", "risk", "watch")
GROUP_LABELS = {"growth": _lt("Growth points"), "risk": _lt("Risk group"), "watch": _lt("Watch group")}
GROUP_REASONS = {
    "growth": _lt("likely to order (%(pct)s%%) and can buy more"),
    "risk": _lt("a valuable customer slipping away (%(pct)s%% chance of an order)"),
    "watch": _lt("uncertain (%(pct)s%% chance of an order): worth watching"),
}
