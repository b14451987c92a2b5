/** @odoo-module **/

import { registry } from "@web/core/registry";

const PIVOT = ".o_pivot_view";
const CALL = "+79161234567";

// a salesperson, in Russian, opens the calls behind the salespeople's report's «Звонки» (the calls
// journal's list, not the report's rows), then a call's row of the report opens its call; the other
// numbers still open the report's rows, a number of the requests those of its requests only
registry.category("web_tour.tours").add("ecom_crm_salespeople_calls", {
    steps: () => [
        {
            trigger: `${PIVOT} th.o_pivot_measure_row:contains('Звонки')`,
            content: "the report's «Calls», in Russian",
        },
        {
            // the total row, the ninth measure: «Звонки»
            trigger: `${PIVOT} tbody tr:first-child td:nth-of-type(9):contains('1')`,
            content: "click the number of calls",
            run: "click",
        },
        {
            trigger: `.o_breadcrumb .active:contains('Звонки')`,
            content: "the calls journal's list opened",
        },
        {
            trigger: `.o_list_view .o_data_row td[name=display_name]:contains('${CALL}')`,
            content: "the call behind the number",
        },
        {
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first-child a",
            content: "back to the report",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_list",
            content: "its list",
            run: "click",
        },
        {
            trigger: `.o_list_view .o_data_row td[name=call_id]:contains('${CALL}')`,
            content: "click the call's row",
            run: "click",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=display_name]:contains('${CALL}')`,
            content: "the call opened",
        },
        {
            trigger: ".o_breadcrumb li.breadcrumb-item:first-child a",
            content: "back to the report",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_pivot",
            content: "its pivot",
            run: "click",
        },
        {
            // another measure drills down as any pivot does: the report's own rows
            trigger: `${PIVOT} tbody tr:first-child td:nth-of-type(1)`,
            content: "click the number of requests",
            run: "click",
        },
        {
            trigger: ".o_list_view th[data-name=response_hours]",
            content: "the report's rows, not the calls journal",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=lead_id]:contains('Заявка из тура')",
            content: "the request's row",
        },
        {
            // its requests only: the call's row of the same salesperson is not among them
            trigger: `.o_list_view tbody:not(:has(td[name=call_id]:contains('${CALL}')))`,
            content: "not the call's row",
        },
    ],
});
