"""18.0.2.3.16: what the scoring's scheduled contacts showed of the customers' scores to users who
may not read them, taken out at once rather than at the next night's run:

* the summary of every scheduled contact was its reason (the group, the chance): it is the neutral
  «Call the customer», in its salesperson's language, as the runs write it from now on;
* a contact of the scoring's type scheduled by hand and given a score's note since (a team leader
  changed the customer's salesperson) had no company of the scoring, read as any activity: it gets
  its score's company, the scoring's rules guard it;
* the «done» messages of the contacts marked done before quoted their note and summary in the
  customer's chatter: they keep the outcome and the feedback (``tools.done_message``)."""

from odoo import SUPERUSER_ID, api
from odoo.addons.ecom_crm_scoring.tools.done_message import without_scoring_note

BATCH = 5000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    kind = env.ref("ecom_crm_scoring.mail_activity_type_scoring_call", raise_if_not_found=False)
    if not kind:
        return
    cr.execute("""
        UPDATE mail_activity a
           SET ecom_scoring_company_id = s.company_id
          FROM ecom_customer_score s
         WHERE s.activity_id = a.id AND a.ecom_scoring_company_id IS NULL
    """)
    # the summaries, a statement per language of the salespeople
    cr.execute("""
        SELECT COALESCE(p.lang, 'en_US'), array_agg(a.id)
          FROM mail_activity a
          LEFT JOIN res_users u ON u.id = a.user_id
          LEFT JOIN res_partner p ON p.id = u.partner_id
         WHERE a.activity_type_id = %s AND a.ecom_scoring_company_id IS NOT NULL
         GROUP BY 1
    """, [kind.id])
    for lang, ids in cr.fetchall():
        typed = kind.with_context(lang=lang)
        cr.execute("UPDATE mail_activity SET summary = %s WHERE id = ANY(%s) AND summary IS DISTINCT FROM %s",
                   [typed.summary or typed.name, ids, typed.summary or typed.name])
    # the «done» messages, a batch at a time
    subtype = env.ref("mail.mt_activities", raise_if_not_found=False)
    last = 0
    while True:
        cr.execute("""
            SELECT id, body FROM mail_message
             WHERE model = 'res.partner' AND mail_activity_type_id = %s AND subtype_id = %s AND id > %s
             ORDER BY id LIMIT %s
        """, [kind.id, subtype.id if subtype else 0, last, BATCH])
        rows = cr.fetchall()
        if not rows:
            break
        last = rows[-1][0]
        changed = [(message_id, body) for message_id, body in
                   ((message_id, without_scoring_note(body)) for message_id, body in rows) if body is not None]
        if changed:
            cr.execute("""
                UPDATE mail_message m SET body = v.body
                  FROM unnest(%s::int[], %s::text[]) AS v(id, body)
                 WHERE m.id = v.id
            """, [[row[0] for row in changed], [row[1] for row in changed]])
    env["mail.activity"].invalidate_model(["summary", "ecom_scoring_company_id"])
    env["mail.message"].invalidate_model(["body"])
