"""Which variants of a product take the weight 1C gives it: plain Python, no ORM.

1C's «Вес» is a product's, never a characteristic's. The variants of a product of several take it unless the store
weighed them otherwise: the product remembers 1C's weight of it (``ecom_1c_weight``), and a variant weighing that
much, or nothing, takes 1C's next one; a variant of another weight is one the store weighed, and keeps it. A product
whose 1C weight is not known yet (made before the database remembered it, the store's product 1C just bound) is
judged by its variants alone: of one weight or of none, they weigh as the product and all take it; of weights that
differ among themselves, each weighs its own, and only those of no weight take it.
"""

from odoo.tools import float_compare, float_is_zero


def weight_takers(weights, new, previous=0.0, digits=None):
    """The keys of ``weights`` {variant: its weight, 0 none} that take ``new``, 1C's weight of their product, in
    their order (those weighing ``new`` already are left out). ``previous``: 1C's weight of the product before, 0 not
    known; ``digits``: the decimal places weights are kept to (None: compared exactly)."""

    def none(weight):
        return float_is_zero(weight, precision_digits=digits) if digits is not None else not weight

    def same(first, second):
        return float_compare(first, second, precision_digits=digits) == 0 if digits is not None else first == second

    if not none(previous):
        takers = [key for key, weight in weights.items() if none(weight) or same(weight, previous)]
    else:
        own = []
        for weight in weights.values():
            if not none(weight) and not any(same(weight, other) for other in own):
                own.append(weight)
        takers = [key for key, weight in weights.items() if len(own) <= 1 or none(weight)]
    return [key for key in takers if not same(weights[key], new)]
