/** @odoo-module **/

import { registry } from "@web/core/registry";

const CARD = (name) => `.o_kanban_view .o_kanban_record:contains('${name}')`;
const CUSTOMER = ".o_ecom_customer:contains('Первая покупка'):contains('1')";

// a salesperson, in Russian, with «Leads» on: the pipeline's card, CRM > Reporting > Forecast's card (Odoo's
// forecast rebuilds the pipeline's card: it broke on opening, «Упс! Что-то пошло не так», when our customer's
// block took the place of its revenue) and the leads' kanban, each opened from the menu
registry.category("web_tour.tours").add("ecom_crm_kanban_cards", {
    url: "/odoo/crm",
    steps: () => [
        {
            trigger: `${CARD("Кофемашина для офиса")} ${CUSTOMER}`,
            content: "the pipeline's card says who the customer is: status and orders",
        },
        {
            trigger: `${CARD("Кофемашина для офиса")} [name=expected_revenue]:contains('24')`,
            content: "and its expected revenue",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='crm.crm_menu_report']",
            content: "CRM > Reporting",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='crm.crm_menu_forecast']:contains('Прогноз')",
            content: "> Forecast",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Прогноз')",
        },
        {
            trigger: `${CARD("Кофемашина для офиса")} [name=prorated_revenue]:contains('9')`,
            content: "the forecast's card: its prorated revenue (40 % of 24 990: 9 996)",
        },
        {
            trigger: `${CARD("Кофемашина для офиса")} ${CUSTOMER}`,
            content: "and the customer, as on the pipeline's card",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_leads']",
            content: "CRM > Leads (the leads, not yet opportunities)",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Лиды')",
        },
        {
            trigger: ".o_switch_view.o_kanban",
            content: "their kanban",
            run: "click",
        },
        {
            trigger: CARD("Пылесос в подарок"),
            content: "the lead's card",
        },
    ],
});
