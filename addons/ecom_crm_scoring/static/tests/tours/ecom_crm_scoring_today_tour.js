/** @odoo-module **/

import { registry } from "@web/core/registry";

const TODAY = "/odoo/action-ecom_crm_scoring.ecom_scoring_today_action";

// a salesperson opens CRM > Today and records the outcome of a contact in two clicks
registry.category("web_tour.tours").add("ecom_crm_scoring_today", {
    url: TODAY,
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Петров Олег Викторович')",
            content: "the salesperson's other contact of the day is listed too",
        },
        {
            trigger: ".o_data_row:contains('Иванова Мария Сергеевна') .o_field_phone a[href^='tel:']",
            content: "one click to call",
        },
        {
            trigger: ".o_data_row:contains('Иванова Мария Сергеевна') button[name=action_ecom_record_outcome]",
            content: "after the call: what came of it",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=declined]",
            content: "she declined",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=note] textarea",
            content: "what she said",
            run: "edit Дорого, купила в другом магазине",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Иванова Мария Сергеевна')))",
            content: "done: she left today's list",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Петров Олег Викторович')",
        },
    ],
});

// the same from the customer's card: «Mark Done» on the scheduled contact asks for the outcome
registry.category("web_tour.tours").add("ecom_crm_scoring_mark_done", {
    steps: () => [
        {
            trigger: ".o-mail-Activity .o-mail-Activity-markDone",
            content: "the scheduled contact in the chatter",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_ecom_scoring_outcome button[data-outcome=accepted]",
            content: "the outcomes are offered",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone .o_ecom_scoring_outcome button[data-outcome=accepted].btn-primary",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Возьмёт фильтр",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button.btn-primary.mx-2",
            content: "Done",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity))",
            content: "the contact is done",
        },
    ],
});

// a customer no list took: the card's scoring tab asks the model why the score is what it is
registry.category("web_tour.tours").add("ecom_crm_scoring_why", {
    steps: () => [
        {
            trigger: ".o_notebook .nav-link[name=ecom_scoring]",
            content: "the card's scoring tab",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(.o_field_widget[name=ecom_score_reasons])) button[name=action_ecom_explain_score]",
            content: "no reasons yet: ask why",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=ecom_score_reasons]:contains('дн.')",
            content: "the reasons, in the salesperson's language",
        },
        {
            trigger: ".o_form_view:not(:has(button[name=action_ecom_explain_score]))",
        },
    ],
});

// «Today» at the test browser's 1366 px, in Russian: what a salesperson needs before the call shows without
// the columns' menu (the customer, the phone to click, the group, the reason, the offer with its chance, the
// chance of an order, the last order, the buttons), every header whole, the reason a column to read (a word
// a line when the last order took its room), the list within the screen.
function todayColumns() {
    const problems = [];
    for (const name of ["partner_id", "phone", "group", "main_reason", "main_offer", "score", "last_order"]) {
        const title = document.querySelector(`.o_list_view th[data-name=${name}] span.text-truncate`);
        if (!title) {
            problems.push(`no column «${name}»`);
        } else if (title.scrollWidth > title.clientWidth) {
            problems.push(`header ${title.textContent.trim()} (${title.clientWidth} of ${title.scrollWidth} px)`);
        }
    }
    for (const name of ["action_ecom_log_call", "action_ecom_record_outcome", "action_ecom_open_customer"]) {
        if (!document.querySelector(`.o_list_view .o_data_row button[name=${name}]`)) {
            problems.push(`no button ${name}`);
        }
    }
    const reason = document.querySelector(".o_list_view th[data-name=main_reason]");
    if (reason && reason.getBoundingClientRect().width < 170) {
        problems.push(`the reason ${Math.round(reason.getBoundingClientRect().width)} px wide`);
    }
    const table = document.querySelector(".o_list_table");
    if (table.getBoundingClientRect().width > table.parentElement.clientWidth + 1) {
        problems.push(`the list ${Math.round(table.getBoundingClientRect().width)} px wide in ` +
                      `${table.parentElement.clientWidth} px`);
    }
    if (problems.length) {
        const widths = [...document.querySelectorAll(".o_list_view thead th")].map(
            (th) => `${th.dataset.name || "-"} ${Math.round(th.getBoundingClientRect().width)}`);
        throw new Error(`at ${window.innerWidth} px: ${problems.join("; ")} [${widths.join(", ")}]`);
    }
}

registry.category("web_tour.tours").add("ecom_crm_scoring_today_columns", {
    url: TODAY,
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Иванова Мария Сергеевна') td[name=last_order]:not(:empty)",
            content: "a contact of the day with the date of the last order",
        },
        {
            trigger: ".o_data_row:contains('Иванова Мария Сергеевна') .o_field_phone a[href^='tel:']",
            content: "the phone to click, the other columns whole, the list within the screen",
            run: todayColumns,
        },
    ],
});
