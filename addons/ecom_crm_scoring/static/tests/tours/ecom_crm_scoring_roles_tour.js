/** @odoo-module **/

import { registry } from "@web/core/registry";

// The scoring as each role clicks it, in Russian: the steps find things by their names and values;
// the words they look for are the Russian ones a user reads (an English word left there fails).

// a salesperson logs a call in the scheduled contact's dialog, then opens another customer's card
registry.category("web_tour.tours").add("ecom_crm_scoring_call_dialog", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Иванова Мария Сергеевна'):contains('Точки роста'):contains('30 дн. с последнего заказа')",
            content: "her contact of the day, her group and the main reason in Russian",
        },
        {
            trigger: ".o_list_view th[data-name=main_reason]:contains('Главная причина')",
            content: "the reason's column has the room for its title (no longer squeezed by a button's label)",
        },
        {
            trigger: ".o_data_row:contains('Иванова Мария Сергеевна') button[name=action_ecom_log_call][data-tooltip*='Записать звонок']",
            content: "log the call",
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains('Записать звонок')",
        },
        {
            trigger: ".modal .o_field_widget[name=note]:contains('Почему:'):contains('Шанс заказа:')",
            content: "the note says why, and the chance, in Russian",
        },
        {
            trigger: ".modal .o_field_widget[name=ecom_scoring_outcome] input[data-value=not_reached]",
            content: "she did not pick up",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=ecom_scoring_outcome] label:contains('Не дозвонились')",
        },
        {
            trigger: ".modal button[name=action_done]:contains('Отметить как выполненное')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Иванова Мария Сергеевна')))",
            content: "she left today's list",
        },
        {
            trigger: ".o_data_row:contains('Петров Олег Викторович') button[name=action_ecom_open_customer]",
            content: "the other contact's card",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link[name=ecom_scoring]:contains('Оценка')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ecom_score]:contains('60')",
            content: "the score",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ecom_group]:contains('Точки роста')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ecom_segment]:contains('Лояльные')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ecom_score_reasons]:contains('всего заказов: 2')",
            content: "the reasons in words",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=ecom_score_offer]:contains('Чайник Redmond (40 %)')",
            content: "the offer and its chance, as Russian writes a percentage (the tour reads its no-break space as a space)",
        },
    ],
});

// a team leader: the shared list, handed to a colleague, then everyone's list by salesperson
registry.category("web_tour.tours").add("ecom_crm_scoring_leader", {
    steps: () => [
        {
            trigger: ".o_searchview .o_facet_value:contains('Мои контакты')",
        },
        {
            trigger: ".o_searchview .o_facet_remove",
            content: "not only their own",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Кузнецов Андрей Ильич')",
            content: "everyone's contacts",
        },
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains('Без менеджера')",
            content: "the customers without a salesperson",
            run: "click",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Кузнецов Андрей Ильич'))) .o_data_row:contains('Смирнова Татьяна Юрьевна')",
            content: "the shared list",
        },
        {
            trigger: ".o_data_row:contains('Смирнова Татьяна Юрьевна') button[name=action_ecom_log_call]",
            content: "her scheduled contact",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=user_id] input",
            content: "handed to Boris",
            run: "edit Борис",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Борис Продажин')",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_close_dialog]:contains('Сохранить'):not(:disabled)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_group_by_menu .o_menu_item:contains('Менеджер')",
            content: "everyone's list by salesperson",
            run: "click",
        },
        {
            // Odoo's Russian has two words for an empty group's "None" (web's «Нет», mail's
            // «Ничего»), and which one the browser gets varies from load to load
            trigger: ".o_list_view .o_group_header:contains('Нет'), .o_list_view .o_group_header:contains('Ничего')",
            content: "the shared customers' group",
        },
    ],
});

// the sales director: the dashboard, the outcomes, and a group of customers as an audience
registry.category("web_tour.tours").add("ecom_crm_scoring_director", {
    steps: () => [
        {
            trigger: ".o_graph_view .o_graph_renderer canvas",
            content: "the groups over time",
        },
        {
            trigger: ".o_control_panel .breadcrumb-item:contains('Панель оценки клиентов'), .o_control_panel .o_last_breadcrumb_item:contains('Панель оценки клиентов')",
        },
        {
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot th:contains('Группа риска')",
            content: "the groups, in Russian",
        },
        {
            trigger: ".o_pivot th:contains('Запланировано контактов')",
            content: "the contacts made and what came of them",
        },
        {
            trigger: ".o_pivot th:contains('Отказ')",
        },
    ],
});

registry.category("web_tour.tours").add("ecom_crm_scoring_audience", {
    steps: () => [
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains('Группа риска')",
            content: "the risk group as an audience",
            run: "click",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains('Группа риска')",
        },
        {
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Иванова Мария Сергеевна'))) .o_kanban_record:contains('Кузнецов Андрей Ильич')",
            content: "only the risk group",
        },
    ],
});

// an administrator: Settings > CRM > Customer scoring, a threshold typed as a percentage too high
registry.category("web_tour.tours").add("ecom_crm_scoring_settings", {
    steps: () => [
        {
            trigger: "#ecom_scoring_groups:contains('Горизонт и группы')",
            content: "the scoring's settings, in Russian",
        },
        {
            trigger: "#ecom_scoring_quiet_days:contains('Тихие дни'):contains('Сколько дней не беспокоить')",
        },
        {
            trigger: ".o_field_widget[name=ecom_scoring_growth_min_probability] input",
            run: "edit 150",
        },
        {
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".modal .modal-body:contains('Шансы задаются от 0 до 100 %')",
            content: "refused in Russian, in percentages",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_control_panel .o_form_button_cancel",
            content: "discard the change",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=ecom_scoring_growth_min_probability] input:value(25)",
        },
    ],
});
