/** @odoo-module **/

import { registry } from "@web/core/registry";

const ROW = (login) => `.o_data_row:has(td[name=login]:contains('${login}'))`;

// a sales manager, in Russian, gives a salesperson their PBX extension from CRM > Configuration; an
// administrator's row is read-only to them
registry.category("web_tour.tours").add("ecom_crm_pbx_extension", {
    steps: () => [
        {
            trigger: ".o_menu_sections button:contains('Конфигурация')",
            content: "CRM's configuration, in Russian",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('Внутренние номера менеджеров')",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Внутренние номера менеджеров')",
        },
        {
            trigger: ".o_list_renderer th:contains('Пользователь')",
            content: "the column of the users' names says who they are",
        },
        {
            trigger: `${ROW("ecom_ext_admin")} td[name=ecom_pbx_extension]`,
            content: "an administrator's extension is theirs",
            run: "click",
        },
        {
            trigger: `.o_selected_row${ROW("ecom_ext_admin")}:not(:has(td[name=ecom_pbx_extension] input))`,
            content: "read-only: no input",
        },
        {
            trigger: `${ROW("ecom_ext_seller")} td[name=ecom_pbx_extension]`,
            content: "the salesperson's row is editable (a sales manager may not write users otherwise)",
            run: "click",
        },
        {
            trigger: `.o_selected_row${ROW("ecom_ext_seller")} td[name=ecom_pbx_extension] input`,
            run: "edit 305",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: `${ROW("ecom_ext_seller")}:not(.o_selected_row) td[name=ecom_pbx_extension]:contains('305')`,
            content: "saved",
        },
    ],
});

// a salesperson, in Russian, finds the calls from a hidden number among the calls
registry.category("web_tour.tours").add("ecom_crm_hidden_calls", {
    steps: () => [
        {
            trigger: ".o_menu_sections button:contains('Продажи')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('Звонки')",
            run: "click",
        },
        {
            trigger: ".o_list_renderer th:contains('Длительность (с)')",
        },
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains('Скрытый номер')",
            content: "the filter of the calls from a hidden number",
            run: "click",
        },
        {
            trigger: ".o_facet_value:contains('Скрытый номер')",
        },
        {
            trigger: ".o_list_renderer:not(:has(.o_data_row:contains('+79161234567')))",
            content: "the calls from a number are filtered out",
        },
        {
            trigger: ".o_data_row td[name=display_name]:contains('Скрытый номер')",
            content: "the hidden caller is named in Russian",
        },
    ],
});
