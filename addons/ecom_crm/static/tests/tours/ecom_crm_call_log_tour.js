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

// the calls journal opens a call: its form, in Russian, read-only; the request and the customer linked when
// the salesperson may open them, not for a call they made to another salesperson's customer
const CALL_FORM = ".o_form_view .o_form_sheet";
registry.category("web_tour.tours").add("ecom_crm_call_form", {
    steps: () => [
        {
            trigger: ".o_list_view thead:contains('Номер клиента')",
            content: "the calls journal, in Russian",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('+79035550000')))",
            content: "not the calls of another salesperson's request",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=display_name]:contains('+79161234567')",
            content: "a row opens its call",
            run: "click",
        },
        {
            trigger: `${CALL_FORM} h1:contains('+79161234567')`,
            content: "titled by the customer's number",
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=direction]:contains('Входящий')`,
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=state]:contains('Завершён')`,
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=called]:contains('+74951234567')`,
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=user_id]:contains('Ольга Звонкова')`,
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=duration]:contains('185')`,
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=recording_url] a[target=_blank][href='https://records.example.ru/call-1.mp3']`,
            content: "the recording opens in a new tab",
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=partner_id] a:contains('Иванова Мария')`,
            content: "the customer, a link",
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=lead_id] a:contains('Коляска для звонка')`,
            content: "the request, a link",
        },
        {
            trigger: `${CALL_FORM} label:contains('Номер магазина')`,
        },
        {
            trigger: `${CALL_FORM}:not(:has(.o_field_widget[name=company_id]))`,
            content: "one company: no company shown",
        },
        {
            trigger: `.o_form_view:not(:has(.o_form_button_save)) .o_breadcrumb:contains('Звонки')`,
            content: "read-only",
        },
        {
            trigger: ".o_pager_next",
            content: "the next call: one the salesperson made to another salesperson's request",
            run: "click",
        },
        {
            trigger: `${CALL_FORM} h1:contains('+79037770000')`,
        },
        {
            trigger: `${CALL_FORM} .o_field_widget[name=partner_id] a:contains('Сидоров Иван')`,
            content: "the customer, whom every salesperson may read",
        },
        {
            trigger: `${CALL_FORM}:not(:has(.o_field_widget[name=lead_id]))`,
            content: "another's request: no link to open",
        },
        {
            trigger: ".o_pager_next",
            run: "click",
        },
        {
            trigger: `${CALL_FORM} h1:contains('Скрытый номер')`,
            content: "a withheld number says so",
        },
        {
            trigger: `${CALL_FORM}:not(:has(.o_field_widget[name=caller])):not(:has(.o_field_widget[name=partner_id]))`,
            content: "no number, nobody to link",
        },
    ],
});
