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
            trigger: ".dropdown-item[data-menu-xmlid='ecom_crm.menu_ecom_report_funnel']:contains('Воронка по этапам')",
            content: "the store's report by stage, named apart from Odoo's pipeline analysis «Воронка»",
            run() {
                const names = [...document.querySelectorAll(".dropdown-item[data-menu-xmlid]")].map(
                    (item) => item.textContent.trim());
                const funnels = names.filter((name) => name.includes("Воронка")).sort();
                if (funnels.join("|") !== "Воронка|Воронка по этапам") {
                    throw new Error(`CRM > Reporting: Odoo's «Воронка» and the store's «Воронка по этапам» expected: ${funnels.join(", ")}`);
                }
                if (new Set(names).size !== names.length) {
                    throw new Error(`CRM > Reporting: two entries read alike: ${names.join(", ")}`);
                }
            },
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='ecom_crm.menu_ecom_owner_dashboard']",
            content: "open the owner's dashboard",
            run: "click",
        },
        {
            trigger: `${DASHBOARD} .o_search_panel_category_value.active[data-name="Панель владельца"]`,
            content: "the dashboard app opened on the owner's dashboard, named in Russian",
        },
        {
            trigger: `${DASHBOARD} .o_search_panel_category_value.active .o_dashboard_name`,
            content: "its name whole in the list of dashboards (at 1366 px «Панель руководителя» was cut)",
            run() {
                const name = this.anchor;
                if (name.scrollWidth > name.clientWidth) {
                    throw new Error(`the dashboard's name is cut: ${name.scrollWidth} > ${name.clientWidth}`);
                }
            },
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

// a salesperson with the lowest rights types the dashboard's link: a dialog says whose it is and where
// their own figures are (not Odoo's «top-secret records»), and they go on to their own report
registry.category("web_tour.tours").add("ecom_crm_owner_dashboard_refused", {
    steps: () => [
        {
            trigger: ".modal .modal-body:contains('показывает цифры всего магазина')",
            content: "the dialog says the dashboard is the managers'",
        },
        {
            trigger: ".modal .modal-body:contains('«Воронка по этапам», «Менеджеры»'):not(:contains('сверхсекретные'))",
            content: "and where the salesperson's own figures are",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            content: "close it",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
            content: "the dialog closed, the web client still there",
        },
        {
            trigger: ".o_main_navbar",
            content: "the menu bar",
        },
    ],
});
