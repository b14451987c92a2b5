/** @odoo-module **/

import { registry } from "@web/core/registry";

// a sales manager, in Russian: a weekly task for a salesperson, given at once for a try
registry.category("web_tour.tours").add("ecom_crm_recurring_task", {
    url: "/odoo/action-ecom_crm.ecom_recurring_task_action",
    steps: () => [
        {
            trigger: ".o_view_nocontent:contains('Запланируйте повторяющуюся задачу')",
            content: "no task yet: the helper, in Russian",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Обзвонить отказы недели",
        },
        {
            trigger: ".o_field_widget[name=priority] .o_priority_star:eq(1)",
            content: "urgent",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=assign_to] label:contains('Пользователи')",
            content: "for some users (the choices in Russian)",
        },
        {
            trigger: ".o_field_widget[name=user_ids] input",
            run: "edit Ольга",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Ольга Звонкова')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=recurrence] select",
            run: "select \"weekly\"",
        },
        {
            trigger: ".o_field_widget[name=weekday] select",
            run: "select \"4\"",
        },
        {
            trigger: ".o_field_widget[name=weekday] select option:selected:contains('Пятница'):not(:visible)",
            content: "the weekdays in Russian",
        },
        {
            trigger: ".o_form_label[for^=weekday]:contains('День недели')",
            content: "labelled «День недели» («По: Пятница» read wrong in Russian), under «Интервал» (not «Каждые: 1»)",
        },
        {
            trigger: ".o_form_label[for^=interval]:contains('Интервал')",
        },
        {
            trigger: ".o_field_widget[name=note] .odoo-editor-editable",
            run: "editor Сначала отказы «дорого»",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved .o_statusbar_buttons button[name=action_schedule_now]:contains('Выдать задачу сейчас')",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Ольга Звонкова')",
            content: "given: the salesperson's activity is in the task's chatter",
        },
    ],
});

// an administrator, in Russian: the store's settings in CRM, their help texts in Russian
registry.category("web_tour.tours").add("ecom_crm_settings", {
    url: "/odoo/settings#crm",
    steps: () => [
        {
            trigger: "#ecom_reminders:contains('Напоминания менеджерам'):contains('перед ожидаемой датой закрытия')",
            content: "the reminders, explained in Russian",
        },
        {
            trigger: "#ecom_reminders .o_field_widget[name=ecom_reminder_days] input",
            run: "edit 3",
        },
        {
            trigger: "#ecom_customer_status label:contains('VIP от суммы покупок')",
        },
        {
            trigger: "#ecom_max_lost_reasons:contains('Причины отказа')",
        },
        {
            trigger: ".o_control_panel .o_form_button_save, .o_control_panel button[name=execute]",
            content: "save",
            run: "click",
        },
        {
            trigger: "#ecom_reminders .o_field_widget[name=ecom_reminder_days] input:value('3')",
        },
        {
            trigger: ".o_form_view:not(:has(.o_form_dirty)):not(.o_form_dirty)",
        },
    ],
});
