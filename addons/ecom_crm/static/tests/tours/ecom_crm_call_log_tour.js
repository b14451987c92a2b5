/** @odoo-module **/

import { registry } from "@web/core/registry";

const LOG_BUTTON = ".o_form_view .o_statusbar_buttons button:contains('Записать звонок')";
const DIALOG = ".modal:has(.o_field_widget[name=answered])";

// a salesperson, in Russian, logs the calls of a request made from their own phone: one answered,
// one not (the request asks to call again); both in the customer's history
registry.category("web_tour.tours").add("ecom_crm_call_log", {
    steps: () => [
        {
            trigger: LOG_BUTTON,
            content: "the request's «Log a call», in Russian",
            run: "click",
        },
        {
            trigger: `${DIALOG} .modal-title:contains('Записать звонок')`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=phone] input:value('+79161234567')`,
            content: "the customer's number is filled in",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=direction] label:contains('Звонок клиенту')`,
            content: "the choices are in Russian",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=duration_minutes] input`,
            run: "edit 4",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=note] textarea`,
            run: "edit Договорились о доставке в субботу",
        },
        {
            trigger: `${DIALOG} .modal-footer button:contains('Записать')`,
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o-mail-Message:contains('Исходящий звонок на номер +79161234567'):contains('4 мин')",
            content: "the call is in the request's chatter, with what was said",
        },
        {
            trigger: LOG_BUTTON,
            content: "a second call: nobody picks up",
            run: "click",
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=answered] input[data-value=no]`,
            run: "click",
        },
        {
            trigger: `${DIALOG}:not(:has(.o_field_widget[name=duration_minutes]))`,
            content: "no duration for a call nobody answered",
        },
        {
            trigger: `${DIALOG} .modal-footer button:contains('Записать')`,
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o-mail-Activity:contains('Позвонить ещё раз +79161234567')",
            content: "the salesperson is asked to call again",
        },
    ],
});

// then the customer's card: both calls in the history, told in Russian
registry.category("web_tour.tours").add("ecom_crm_call_timeline", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_ecom_view_timeline]",
            content: "the customer's history",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:has(td[name=call_state]:contains('Пропущен')):has(td[name=call_direction]:contains('Исходящий'))",
            content: "the unanswered call, its status in Russian",
        },
        {
            trigger: ".o_list_view .o_data_row:has(td[name=call_state]:contains('Завершён'))",
            content: "the answered one",
        },
        {
            trigger: ".o_list_view thead:contains('Статус звонка'):not(:contains('Call'))",
        },
    ],
});
