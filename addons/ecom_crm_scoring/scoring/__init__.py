"""Scoring maths in plain Python (numpy, scipy, scikit-learn; no ORM): tested without a database.

Nothing here imports Odoo.  The ORM side reads the store's history with set-based SQL, hands
it over as numpy arrays, and stores what comes back.  Submodules are imported explicitly
(``from odoo.addons.ecom_crm_scoring.scoring import engine``) so that loading the addon does
not load scikit-learn.

Layout and interfaces
---------------------
``history``
    ``History.build(n_customers, orders, lines=None, leads=None, activities=None, calls=None,
    mailings=None, complaints=None, opt_out_day=None, manager=None, reason_texts=None,
    refunds=None, credits=None)``
    from dicts of column arrays (see the module docstring for every column; days are integer
    day numbers such as ``date.toordinal()``, no order day negative; ``NEVER`` closes nothing).
    ``history.as_of(day)`` -> the history known at the start of ``day`` (the orders' returns
    recomputed from the dated ``refunds`` and ``credits`` made before it: ``given_back``);
    ``history.ordered_between(start, end)`` -> bool per customer.  ``from_lists(...)`` builds one
    from plain rows (tests); ``from_transactions(customers, days, amounts) -> (history, keys)``
    from a bare store's order log (``bench/scoring_real.py``); ``from_invoice_lines(customers,
    invoices, days, products, quantities, amounts, goods=None) -> (history, keys, product keys)``
    from a store's invoice lines, credit notes the orders' returns (``bench/scoring_retail.py``).
``criteria``
    ``compute(history, as_of, bgnbd_params=None, horizon=90) -> Criteria`` with ``values``
    (float32 customers x criteria, NaN = no data), ``names``, ``extra`` (per-customer arrays:
    ``last_order``, ``last_contact``, ``refusal_reason``, ``open_complaint``...),
    ``bgnbd_params``, ``has_orders``.  ``TEMPLATES[name]``: the criterion's English sentence
    with named placeholders; ``describe(criteria, customer, name) -> (template, params)``.
``bgnbd``
    ``fit(x, t_x, T) -> BgNbdParams`` (maximum likelihood), ``p_alive(params, x, t_x, T)``,
    ``expected_purchases(params, t, x, t_x, T)``, ``prob_purchase(params, t, x, t_x, T)``,
    ``log_likelihood(...)``, ``summarise(customer, day, as_of, n)`` (inputs in days).
``model``
    ``training_rows(criteria, history, horizon) -> (rows, y)``;
    ``fit(criteria | [criteria...], rows | [...], y | [...], horizon) -> OrderModel``
    (logistic / boosting / blend by cross-validated log loss, Platt calibration);
    ``OrderModel.predict(criteria, rows) -> probability``;
    ``contributions(model, criteria, rows)``, ``top_reasons(model, criteria, rows, k, sign)``.
``segments``
    ``rfm_scores(criteria) -> (r, f, m)``, ``rfm_segments(r, f, m)`` (index into ``SEGMENTS``),
    ``assign_groups(probability, r, f, m, overdue, p_alive, rules) -> GROWTH/RISK/WATCH/-1``;
    the rules are written in the module docstring; ``SEGMENT_LABELS``, ``GROUP_LABELS``.
``schedule``
    ``plan(today, group, probability, order_value, stake, manager, *, opted_out, last_contact,
    last_order, open_complaint, last_refusal, open_activities, usual_gap, settings) ->
    Schedule`` (``decision`` NONE/NOW/LATER/DND, ``reason`` into ``REASON_CODES``, ``date``,
    ``priority``); ``REASONS``: the English sentences.
``handover``
    ``moved_on_purpose(holder, given)``, ``handed_over(owner, holder, given, owner_calls,
    holder_calls)``: the hand-over rule of a scheduled contact, over ids and booleans (scalars or
    arrays), for the activities' sync, the day's loads and the nightly read.
``crosssell``
    ``fit(history, as_of, horizon, outcomes=None) -> CrossSellModel | None``;
    ``suggest(model, history, as_of, customers, k=3, order_probability=None) -> Suggestions``
    (flat arrays, best first; probability in [0.10, 0.90], at most the customer's order chance;
    ``describe(i) -> (template, params)``); a model of kind ``ORDER`` (a one-product store)
    tells each offer a share of the order chance, ``order_shares(model)`` gives that share per
    kind (None for other models);
    ``outcome_adjustment(outcomes)`` for the offers managers recorded.
``engine``
    ``run(history, today, settings=Settings()) -> Result``: the whole nightly job (learn,
    score, segment, group, plan, explain, suggest); ``Result.reasons(customer)``.
``backtest``
    ``backtest(history, as_of, horizon=90, settings=None, crosssell_customers=100000) -> dict``
    (JSON-serialisable; the fields are in the module docstring) and ``format_table(result)``.
``synthetic``
    ``generate(n_customers, days=1095, seed=0, orders_only=False) -> History``: a store for
    tests, benchmarks and the demo.
User-facing texts (criteria sentences, segment and group labels, schedule reasons, cross-sell
sentences) are English strings with named placeholders, gathered in dicts (``TEMPLATES``,
``SEGMENT_LABELS``, ``GROUP_LABELS``, ``GROUP_REASONS``, ``REASONS``) for the ORM side to
translate.
"""
