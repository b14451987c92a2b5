"""18.0.2.3.6: a scheduled contact remembers whom the scoring gave it to (``ecom_scoring_user_id``),
so that one handed over on purpose since stays with who has it. The contacts open at the upgrade
are taken as the sync left them: given to who has them (a hand-over made before it was given back
every night)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE mail_activity a
           SET ecom_scoring_user_id = a.user_id
          FROM ir_model_data d
         WHERE d.module = 'ecom_crm_scoring' AND d.name = 'mail_activity_type_scoring_call'
           AND d.model = 'mail.activity.type' AND a.activity_type_id = d.res_id
           AND a.res_model = 'res.partner' AND a.ecom_scoring_user_id IS NULL
    """)
