/** @odoo-module **/

import { registry } from "@web/core/registry";
import { columnsWhole } from "@ecom_crm/../tests/tours/list_columns";

// At the test browser's 1366 px, in Russian: the lists of «Сквозная аналитика», «Выручка по каналам» and «Когорты
// клиентов» within the screen (they scrolled sideways), their headers whole («Кампания последнего касания» was
// «Кампания…», «Команда продаж» «Команда …»), their channels whole, their campaigns' long names whole, wrapped
// («Рассылка — брошенная…» was cut), their months written as months («декабрь 2026», not «01.12.2026»).
registry.category("web_tour.tours").add("ecom_crm_channel_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=source_id]:contains('Электронная почта')",
            content: "«Сквозная аналитика»'s list, with the e-mail's spend and order",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=campaign_id]:contains('Рассылка — брошенная корзина, ширина списка')",
            content: "the mailing's campaign, its long name",
        },
        {
            trigger: ".o_list_view th[data-name=drr]:contains('ДРР')",
            content: "its channels and headers whole, the list within the screen",
            run: columnsWhole(["date", "source_id", "campaign_id"], {
                fits: true,
                headers: ["spend", "request_count", "order_count", "revenue", "cpl", "cpo", "romi", "drr"],
            }),
        },
    ],
});

registry.category("web_tour.tours").add("ecom_crm_attribution_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=ft_source_id]:contains('Телефонный звонок')",
            content: "«Выручка по каналам»'s list, with a customer come by phone who bought from a mailing",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=lt_source_id]:contains('Электронная почта')",
            content: "the order's last touch, the mailing",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=lt_campaign_id]:contains('Рассылка — брошенная корзина, ширина списка')",
            content: "the order's campaign, its long name",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=date]:contains('сентябрь 2025')",
            content: "a September's customer (the month longest to write)",
        },
        {
            trigger: ".o_list_view th[data-name=lt_campaign_id]:contains('Кампания посл. касания')",
            content: "its months, channels and headers whole, the list within the screen",
            run: columnsWhole(["date", "ft_source_id", "lt_source_id", "ft_campaign_id", "lt_campaign_id"], {
                fits: true,
                headers: ["order_count", "new_customer_count", "revenue",
                          "revenue_per_customer"],
                months: ["date"],
            }),
        },
    ],
});

registry.category("web_tour.tours").add("ecom_crm_cohort_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=source_id]:contains('Телефонный звонок')",
            content: "«Когорты клиентов»'s list, with the customers come by phone",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=date]:contains('сентябрь 2025')",
            content: "a September's cohort (the month longest to write)",
        },
        {
            trigger: ".o_list_view th[data-name=lifetime_romi]",
            content: "its months, channels and headers whole, the list within the screen",
            run: columnsWhole(["date", "source_id"], {
                fits: true,
                headers: ["customer_count", "revenue_per_customer", "cac", "repeat_3m_share", "repeat_12m_share",
                          "lifetime_romi"],
                months: ["date"],
            }),
        },
    ],
});
