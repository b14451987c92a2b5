"""18.0.1.5.2: one Russian word for the salesperson («Менеджер»), the owner's dashboard filter
under a term of its own (the shipped translations replace the database's at every upgrade:
``migrations/0.0.0``). The activity type «Нет свободного продавца» is a record created once
(``noupdate``), whose names a translation load leaves alone: its Russian name and summary are
renamed here while they are still the ones 18.0.1.5.1 shipped, a user's own names are kept."""

RENAMED = {  # field: (the Russian text 18.0.1.5.1 shipped, this version's)
    "name": ("Нет свободного продавца", "Нет свободного менеджера"),
    "summary": ("Назначьте продавца", "Назначьте менеджера"),
}


def migrate(cr, version):
    if not version:
        return
    for field, (old, new) in RENAMED.items():
        cr.execute(f"""
            UPDATE mail_activity_type t SET "{field}" = jsonb_set(t."{field}", '{{ru_RU}}', to_jsonb(%s::text))
              FROM ir_model_data d
             WHERE d.module = 'ecom_crm' AND d.name = 'mail_activity_type_unassigned'
               AND d.model = 'mail.activity.type' AND t.id = d.res_id AND t."{field}"->>'ru_RU' = %s
        """, [new, old])
