"""Who makes a customer's scheduled contact: the hand-over rule, written once for the activities'
sync and a salesperson's change (records), the day's loads (rows of a query) and the nightly read
(numpy columns). Plain Python over user ids (0 or a negative number for nobody) and booleans,
scalars or numpy arrays alike: the operators are ``&`` and comparisons, never ``and`` nor ``if``.

Who *can call* the company's customers (an active internal user of the company) is read by the
ORM side (``res.company``'s ``_ecom_scoring_callers``): the booleans here.
"""


def moved_on_purpose(holder, given):
    """Whether a scheduled contact was handed over on purpose: assigned to ``holder``, someone else
    than the scoring gave it to (``given``): a team leader's hand-over, or its salesperson's to a
    colleague. A contact the scoring gave nobody (written before it kept whom) was not."""
    return (given > 0) & (holder != given)


def handed_over(owner, holder, given, owner_calls, holder_calls):
    """Whether the hand-over of a customer's scheduled contact holds, the contact then staying with
    (and counting for) who holds it: moved on purpose (:func:`moved_on_purpose`) from the customer's
    salesperson (``owner``: the scoring gave it to them), and both can call the company's customers
    (``owner_calls``, ``holder_calls``). It ends when the contact is done, the customer gets another
    salesperson, it goes back to the salesperson, or either can call no more."""
    return moved_on_purpose(holder, given) & (given == owner) & (holder > 0) & owner_calls & holder_calls
