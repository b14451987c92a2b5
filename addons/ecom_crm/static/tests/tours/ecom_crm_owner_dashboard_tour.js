/** @odoo-module **/

import { registry } from "@web/core/registry";

const DASHBOARD = ".o_spreadsheet_dashboard_action";

registry.category("web_tour.tours").add("ecom_crm_owner_dashboard", {
    url: "/odoo/crm",
    steps: () => [
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='crm.crm_menu_report']",
            content: "open CRM > Reporting",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='ecom_crm.menu_ecom_owner_dashboard']",
            content: "open the owner's dashboard",
            run: "click",
        },
        {
            trigger: `${DASHBOARD} .o_search_panel_category_value.active[data-name="Панель руководителя"]`,
            content: "the dashboard app opened on the owner's dashboard, named in Russian",
        },
        {
            trigger: `${DASHBOARD} .o_filter_value_container [placeholder*="Менеджер"]`,
            content: "loaded: its global filters are in the control panel, labelled in Russian",
        },
        {
            trigger: `${DASHBOARD} .o-figure canvas`,
            content: "its figures are drawn",
        },
        {
            trigger: `${DASHBOARD}:not(:has(.dashboard-loading-status))`,
            content: "no loading error",
        },
    ],
});
