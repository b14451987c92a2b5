/** @odoo-module **/

import { registry } from "@web/core/registry";
import { columnsWhole } from "@ecom_crm/../tests/tours/list_columns";

// At the test browser's 1366 px, in Russian: the salespeople's report's list shows its requests
// («Заявка») and salespeople («Менеджер») whole, headers and names, without scrolling sideways; the
// calls journal its salespeople. They were cut to «Заявка для шир…», «Ольга Зво…».
registry.category("web_tour.tours").add("ecom_crm_report_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=lead_id]:contains('Заявка с сайта: коляска')",
            content: "the salespeople's report's list, with a request",
        },
        {
            trigger: ".o_list_view th[data-name=user_id]:contains('Менеджер')",
            content: "its request and salesperson whole, the list within the screen",
            run: columnsWhole(["lead_id", "call_id", "user_id"], { fits: true }),
        },
    ],
});

registry.category("web_tour.tours").add("ecom_crm_call_columns", {
    steps: () => [
        {
            trigger: ".o_list_view th[data-name=user_id]:contains('Менеджер')",
            content: "the calls journal",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=user_id]:contains('Ольга Звонкова')",
            content: "its salesperson whole",
            run: columnsWhole(["user_id"]),
        },
    ],
});

// The funnel's list at 1366 px, in Russian: its requests, salespeople and figures whole, the list within the
// screen (its sums realised and not realised, optional, would widen it past the screen's edge).
registry.category("web_tour.tours").add("ecom_crm_funnel_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=lead_id]:contains('Заявка на пылесос с сайта')",
            content: "the funnel's list, with a request",
        },
        {
            trigger: ".o_list_view th[data-name=hours]",
            content: "its request, salesperson and figures whole, the list within the screen",
            run: columnsWhole(["lead_id", "user_id", "reached", "advanced", "dropped", "hours"], { fits: true }),
        },
    ],
});

// The Sales report's list at 1366 px, in Russian: «Новый или повторный» and its salespeople whole, the list
// within the screen (its team, revenue without VAT and refunds, optional, would widen it past the screen's edge).
registry.category("web_tour.tours").add("ecom_crm_sales_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=user_id]:contains('Ольга Продажникова')",
            content: "the Sales report's list, with a salesperson",
        },
        {
            trigger: ".o_list_view th[data-name=margin_percent]",
            content: "its salesperson and «Новый или повторный» whole, the list within the screen",
            run: columnsWhole(["customer_kind", "user_id"], { fits: true }),
        },
    ],
});

// The win-back list at 1366 px, in Russian, empty (a new store's) and with a request of a long name refused:
// its headers whole, «Причина отказа» and «Заказ после возврата» among them, and the reason, the list within the
// screen; they were cut to «Причина отк…» and «Заказ после воз…» (each date column, then the request's name,
// took their room).
const WINBACK_COLUMNS = ["date_refused", "reason_id", "state", "attempts", "next_date", "won_order_id",
                         "won_amount"];
const WINBACK_NAMES = ["lead_id", "partner_id"];  // a request's or a customer's name may be cut, not its header

registry.category("web_tour.tours").add("ecom_crm_winback_columns_empty", {
    steps: () => [
        {
            trigger: ".o_list_view .o_view_nocontent",
            content: "the win-back list, empty",
        },
        {
            trigger: ".o_list_view th[data-name=won_amount]",
            content: "its headers whole, the list within the screen",
            run: columnsWhole(WINBACK_COLUMNS, { fits: true, headers: WINBACK_NAMES }),
        },
    ],
});

registry.category("web_tour.tours").add("ecom_crm_winback_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=reason_id]:contains('Долгая или дорогая доставка')",
            content: "the win-back list, with a request refused",
        },
        {
            trigger: ".o_list_view th[data-name=won_amount]",
            content: "its headers and names whole, the list within the screen",
            run: columnsWhole(WINBACK_COLUMNS, { fits: true, headers: WINBACK_NAMES }),
        },
    ],
});

// The refusals' list at 1366 px, in Russian: its headers whole («Потерянная на этапе» was cut to «Потерянна…»,
// «Причина отказа» to «Причина …»), the refusal's kind and reason and the salesperson whole, the list within
// the screen.
registry.category("web_tour.tours").add("ecom_crm_refusal_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=reason_id]:contains('Долгая или дорогая доставка')",
            content: "the refusals' list, with a request lost",
        },
        {
            trigger: ".o_list_view th[data-name=amount]",
            content: "its headers, kind, reason and salesperson whole, the list within the screen",
            run: columnsWhole(["kind", "reason_id", "user_id"], {
                fits: true, headers: ["date", "stage_id", "lead_id", "order_id", "partner_id", "amount"],
            }),
        },
    ],
});
