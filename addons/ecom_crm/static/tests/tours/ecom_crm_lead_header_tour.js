/** @odoo-module **/

import { registry } from "@web/core/registry";

const HEADER = ".o_form_view .o_form_statusbar";

// a salesperson, in Russian, at 1366 px (the tours' window): the request's header holds Odoo's buttons,
// ours named short (their tooltips say what they send) and the stages around the current one as
// arrows, not folded into one dropdown as when the buttons read «Отправить договор»…
registry.category("web_tour.tours").add("ecom_crm_lead_header", {
    steps: () => [
        {
            trigger: `${HEADER} .o_statusbar_buttons button[name=action_ecom_send_contract]:contains('Договор')`,
            content: "the documents' buttons, short",
        },
        {
            trigger: `${HEADER} .o_statusbar_buttons button[name=action_ecom_send_offer][data-tooltip-info*='коммерческим предложением']`,
            content: "their tooltip says what they send",
        },
        {
            trigger: `${HEADER} .o_statusbar_status .o_arrow_button_current:contains('Первичный контакт')`,
        },
        {
            trigger: `${HEADER} .o_statusbar_status .o_arrow_button:not(.dropdown-toggle):contains('Новая заявка'):visible`,
            content: "the stage before, as an arrow",
        },
        {
            trigger: `${HEADER} .o_statusbar_status .o_arrow_button:not(.dropdown-toggle):contains('Принимает решение'):visible`,
            content: "the stage after, as an arrow: a click moves the request there",
            run: "click",
        },
        {
            // the current stage shows (beside its neighbours, or alone as the stages' dropdown when the
            // next one's long name does not fit: «Ожидание оплаты / доставки»)
            trigger: `.o_form_view .o_form_saved .o_statusbar_status button:visible:contains('Принимает решение')`,
            content: "moved and saved",
        },
    ],
});
