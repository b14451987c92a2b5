/** @odoo-module **/

import { registry } from "@web/core/registry";

const HEADER = ".o_form_view .o_form_statusbar";
const ARROW = `${HEADER} .o_statusbar_status .o_arrow_button:not(.dropdown-toggle)`;

// a salesperson, in Russian, at 1366 px (the tours' window): the request's header holds Odoo's buttons and
// ours («Записать звонок», «КП», «Договор», «Счёт»), and below them, when they do not fit beside the buttons,
// every stage as an arrow, the long «Ожидание оплаты / доставки» included, never folded into a dropdown; «КП»
// opens the e-mail with the offer, the dialog titled with the document
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
            trigger: `${HEADER} .o_statusbar_buttons button:contains('Записать звонок')`,
            content: "the call's button says it logs a call (not «Звонок», read as «dial»)",
        },
        {
            trigger: `${HEADER} .o_statusbar_status .o_arrow_button_current:contains('Первичный контакт')`,
        },
        {
            trigger: `${ARROW}:contains('Новая заявка'):visible`,
            content: "the stage before, as an arrow",
        },
        {
            trigger: `${ARROW}:contains('Ожидание оплаты / доставки'):visible`,
            content: "a later stage with a long name, as an arrow too",
        },
        {
            trigger: `${ARROW}:contains('Принимает решение'):visible`,
            content: "the stage after, as an arrow: a click moves the request there",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved .o_statusbar_status .o_arrow_button_current:contains('Принимает решение'):visible",
            content: "moved and saved",
        },
        {
            trigger: `${ARROW}:contains('Ожидание оплаты / доставки'):visible`,
            content: "from a middle stage, the next one's long name shows as an arrow, not folded",
        },
        {
            trigger: `${ARROW}:contains('Первичный контакт'):visible`,
            content: "and the stage before it",
        },
        {
            trigger: `${HEADER}:not(:has(.o_statusbar_status .dropdown-toggle:visible))`,
            content: "no stage is folded into a dropdown",
        },
        {
            trigger: `${HEADER} .o_statusbar_buttons button[name=action_ecom_send_offer]`,
            content: "«КП» opens the e-mail with the offer attached",
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains('Коммерческое предложение')",
            content: "titled with the document (an action without a name titled it «Odoo»)",
        },
        {
            trigger: ".modal .modal-header:not(:contains('Odoo'))",
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "closed, nothing sent",
        },
    ],
});
