-- Credit notes for bench/returns_bench.py on a database filled by the demo store (which has no
-- invoices): 5% of the confirmed orders invoiced (all their lines) and credited on their first line
-- (in half or in full, five days later), one in five of those corrected by a new invoice of that line
-- the day after (Odoo's «Full refund and new draft invoice»), and a credit note typed in by hand
-- (a line of no order) for 3% of the customers of each company, on a random day of their last 200.
-- Posted documents written straight into the tables: their product lines only (what the store's
-- reports, the card and the scoring read), no receivable lines, no taxes; for a bench database only.
--   psql -d DB -v ON_ERROR_STOP=1 -f bench/returns_credit_notes.sql
BEGIN;
SELECT setseed(0.35);
CREATE TEMP TABLE b_company AS
SELECT c.id AS company_id, c.currency_id,
       (SELECT j.id FROM account_journal j WHERE j.type = 'sale' AND j.company_id = c.id ORDER BY j.id LIMIT 1)
           AS journal_id,
       (SELECT j.default_account_id FROM account_journal j
         WHERE j.type = 'sale' AND j.company_id = c.id ORDER BY j.id LIMIT 1) AS account_id
  FROM res_company c;
CREATE TEMP TABLE b_ord AS
SELECT so.id AS order_id, so.partner_id, p.commercial_partner_id AS cp, so.company_id, so.currency_id,
       so.date_order::date AS day, random() AS r
  FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
 WHERE so.state = 'sale' AND random() < 0.05;
ALTER TABLE b_ord ADD inv_id int, ADD cr_id int, ADD re_id int;
UPDATE b_ord SET inv_id = nextval('account_move_id_seq');
UPDATE b_ord SET cr_id = nextval('account_move_id_seq');
UPDATE b_ord SET re_id = nextval('account_move_id_seq') WHERE r < 0.2;
CREATE TEMP TABLE b_hand AS
SELECT cp, company_id, max(date_order)::date - (random() * 200)::int AS day,
       (random() * 5000)::numeric(12, 2) + 10 AS amount, nextval('account_move_id_seq') AS id
  FROM (SELECT p.commercial_partner_id AS cp, so.company_id, so.date_order
          FROM sale_order so JOIN res_partner p ON p.id = so.partner_id WHERE so.state = 'sale') x
 GROUP BY cp, company_id HAVING random() < 0.03;
CREATE TEMP TABLE b_move AS
SELECT inv_id AS id, 'out_invoice' AS t, partner_id, cp, company_id, currency_id, day FROM b_ord
 UNION ALL SELECT cr_id, 'out_refund', partner_id, cp, company_id, currency_id, day + 5 FROM b_ord
 UNION ALL SELECT re_id, 'out_invoice', partner_id, cp, company_id, currency_id, day + 6 FROM b_ord
            WHERE re_id IS NOT NULL
 UNION ALL SELECT h.id, 'out_refund', h.cp, h.cp, h.company_id, c.currency_id, h.day
             FROM b_hand h JOIN b_company c ON c.company_id = h.company_id;
INSERT INTO account_move (id, name, sequence_prefix, sequence_number, journal_id, company_id,
       partner_id, commercial_partner_id, currency_id, state, move_type, auto_post, date, invoice_date,
       invoice_date_due, invoice_currency_rate, amount_untaxed, amount_tax, amount_total, amount_residual,
       payment_state, is_storno, always_tax_exigible, checked, posted_before, made_sequence_gap,
       is_move_sent, create_date, write_date, create_uid, write_uid)
SELECT m.id, 'BENCH/' || m.id, 'BENCH/', m.id, c.journal_id, m.company_id, m.partner_id, m.cp, m.currency_id,
       'posted', m.t, 'no', m.day, m.day, m.day, 1, 0, 0, 0, 0, 'not_paid', false, false, true, true, false, false,
       now() - interval '3 days', now() - interval '3 days', 1, 1
  FROM b_move m JOIN b_company c ON c.company_id = m.company_id;
CREATE TEMP TABLE b_line AS
SELECT nextval('account_move_line_id_seq') AS id, o.inv_id AS move_id, sol.id AS sol_id, sol.product_id,
       sol.product_uom_qty AS qty, sol.price_unit AS price, sol.price_total AS total, o.company_id, o.currency_id,
       o.day
  FROM b_ord o JOIN sale_order_line sol ON sol.order_id = o.order_id
 UNION ALL
SELECT nextval('account_move_line_id_seq'), o.cr_id, sol.id, sol.product_id, sol.product_uom_qty, sol.price_unit,
       CASE WHEN o.r < 0.6 THEN sol.price_total / 2 ELSE sol.price_total END, o.company_id, o.currency_id, o.day + 5
  FROM b_ord o JOIN LATERAL (SELECT * FROM sale_order_line WHERE order_id = o.order_id ORDER BY id LIMIT 1) sol ON true
 UNION ALL
SELECT nextval('account_move_line_id_seq'), o.re_id, sol.id, sol.product_id, sol.product_uom_qty, sol.price_unit,
       sol.price_total, o.company_id, o.currency_id, o.day + 6
  FROM b_ord o JOIN LATERAL (SELECT * FROM sale_order_line WHERE order_id = o.order_id ORDER BY id LIMIT 1) sol ON true
 WHERE o.re_id IS NOT NULL
 UNION ALL
SELECT nextval('account_move_line_id_seq'), h.id, NULL, NULL, 1, h.amount, h.amount, h.company_id, c.currency_id, h.day
  FROM b_hand h JOIN b_company c ON c.company_id = h.company_id;
INSERT INTO account_move_line (id, move_id, sequence, journal_id, company_id, company_currency_id, currency_id,
       account_id, product_id, name, display_type, parent_state, date, quantity, price_unit, price_subtotal,
       price_total, discount, debit, credit, balance, amount_currency, amount_residual, amount_residual_currency,
       reconciled, create_date, write_date, create_uid, write_uid)
SELECT l.id, l.move_id, 10, c.journal_id, l.company_id, c.currency_id, l.currency_id, c.account_id, l.product_id,
       'bench', 'product', 'posted', l.day, l.qty, l.price, l.total, l.total, 0, 0, 0, 0, 0, 0, 0, false,
       now(), now(), 1, 1
  FROM b_line l JOIN b_company c ON c.company_id = l.company_id;
INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
SELECT id, sol_id FROM b_line WHERE sol_id IS NOT NULL;
SELECT (SELECT count(*) FROM b_ord) AS credited_orders, (SELECT count(*) FROM b_hand) AS typed_by_hand,
       (SELECT count(*) FROM b_line) AS lines;
COMMIT;
VACUUM ANALYZE account_move;
VACUUM ANALYZE account_move_line;
VACUUM ANALYZE sale_order_line_invoice_rel;
