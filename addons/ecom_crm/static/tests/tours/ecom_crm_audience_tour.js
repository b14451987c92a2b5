/** @odoo-module **/

import { registry } from "@web/core/registry";

// a marketer, in Russian: an audience of the VIP customers, its counts, its list, a mailing to it, its sending's
// buttons and confirmation in Russian (cancelled: not sent)
registry.category("web_tour.tours").add("ecom_crm_audience", {
    url: "/odoo/action-ecom_crm.ecom_mailing_audience_action",
    steps: () => [
        {
            trigger: ".o_view_nocontent:contains('Сохраните аудиторию клиентов')",
            content: "no audience yet: the helper says what one is, in Russian",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Наши VIP",
        },
        {
            trigger: ".o_field_widget[name=kind] select",
            run: "select \"status\"",
        },
        {
            trigger: ".o_field_widget[name=customer_status] select",
            run: "select \"vip\"",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: "button[name=action_new_mailing]:has(.o_stat_text:contains('Получателей email')) .o_stat_value:contains('2')",
            content: "two emails: the customer without an email is not counted",
        },
        {
            trigger: "button[name=action_new_sms]:has(.o_stat_text:contains('Получателей SMS')) .o_stat_value:contains('1')",
            content: "one SMS: the landline is not counted",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_create_list]",
            content: "a list that refreshes itself",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input:value('Наши VIP')",
            content: "the list is open",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Наши VIP')",
            content: "back to the audience",
            run: "click",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_refresh_list]",
            content: "refresh the list (after a contact was added by hand)",
            run: "click",
        },
        {
            trigger: ".o_form_saved .o_statusbar_buttons button[name=action_new_mailing]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=subject] input:value('Наши VIP')",
            content: "a new mailing to the audience, titled after it",
        },
        {
            trigger: ".o_field_widget[name=ecom_audience_id] input:value('Наши VIP')",
            content: "its recipients: the audience",
        },
        {
            trigger: "[name=body_arch] :iframe #empty",
            content: "an empty template (the editor needs one before saving)",
            run: "click",
        },
        {
            trigger: "[name=body_arch] :iframe .o_editable",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_schedule]:contains('Запланировать отправку')",
            content: "«Schedule» says it schedules the sending (Odoo's Russian read «Запланировать встречу», a meeting)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_launch]",
            content: "send it",
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains('Подтверждение')",
            content: "the confirmation in Russian (Odoo's title «Ready to unleash emails?» cannot be translated)",
        },
        {
            trigger: ".modal-footer .btn-primary:contains('Отправить всем')",
        },
        {
            trigger: ".modal-footer .btn-secondary",
            content: "not now",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
