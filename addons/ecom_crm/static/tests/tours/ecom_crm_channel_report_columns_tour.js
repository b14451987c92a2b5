/** @odoo-module **/

import { registry } from "@web/core/registry";

// At the test browser's 1366 px, in Russian: the lists of «Сквозная аналитика», «Выручка по каналам» and «Когорты
// клиентов» within the screen (they scrolled sideways), their headers whole («Кампания последнего касания» was
// «Кампания…», «Команда продаж» «Команда …»), their channels whole, their months written as months («декабрь
// 2026», not «01.12.2026»).
function cut(element) {
    return [element, ...element.querySelectorAll("*")].some(
        (el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth
    );
}

// `names`: columns whose header and cells are whole; `headers`: columns whose header only is (a campaign's long
// name may be cut); `months`: columns whose cells read a month and a year.
function columnsWhole(names, { headers = [], months = [] } = {}) {
    return function () {
        const problems = [];
        for (const name of [...names, ...headers]) {
            const th = document.querySelector(`.o_list_view th[data-name=${name}]`);
            const title = th && th.querySelector("span.text-truncate");
            if (!title) {
                throw new Error(`no column «${name}»`);
            }
            if (cut(title)) {
                problems.push(`header ${title.textContent.trim()} (${title.clientWidth} of ${title.scrollWidth} px)`);
            }
            for (const td of headers.includes(name) ? [] : document.querySelectorAll(`.o_list_view td[name=${name}]`)) {
                if (cut(td)) {
                    problems.push(`${td.textContent.trim()} (${td.clientWidth} of ${td.scrollWidth} px)`);
                }
            }
        }
        for (const name of months) {
            for (const td of document.querySelectorAll(`.o_list_view td[name=${name}]`)) {
                if (!/^[а-яё]+ \d{4}$/.test(td.textContent.trim())) {
                    problems.push(`«${td.textContent.trim()}» is not a month`);
                }
            }
        }
        const table = document.querySelector(".o_list_table");
        if (table.getBoundingClientRect().width > table.parentElement.clientWidth + 1) {
            problems.push(`the list ${Math.round(table.getBoundingClientRect().width)} px wide in ` +
                          `${table.parentElement.clientWidth} px`);
        }
        if (problems.length) {
            const widths = [...document.querySelectorAll(".o_list_view thead th")].map(
                (th) => `${th.dataset.name || "-"} ${Math.round(th.getBoundingClientRect().width)}`);
            throw new Error(`cut at ${window.innerWidth} px: ${problems.join("; ")} [${widths.join(", ")}]`);
        }
    };
}

registry.category("web_tour.tours").add("ecom_crm_channel_columns", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=source_id]:contains('Электронная почта')",
            content: "«Сквозная аналитика»'s list, with the e-mail's spend and order",
        },
        {
            trigger: ".o_list_view th[data-name=drr]:contains('ДРР')",
            content: "its channels and headers whole, the list within the screen",
            run: columnsWhole(["date", "source_id"], {
                headers: ["campaign_id", "spend", "request_count", "order_count", "revenue", "cpl", "cpo", "romi",
                          "drr"],
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
            trigger: ".o_list_view th[data-name=lt_campaign_id]:contains('Кампания посл. касания')",
            content: "its months, channels and headers whole, the list within the screen",
            run: columnsWhole(["date", "ft_source_id", "lt_source_id"], {
                headers: ["ft_campaign_id", "lt_campaign_id", "order_count", "new_customer_count", "revenue",
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
            trigger: ".o_list_view th[data-name=lifetime_romi]",
            content: "its months, channels and headers whole, the list within the screen",
            run: columnsWhole(["date", "source_id"], {
                headers: ["customer_count", "revenue_per_customer", "cac", "repeat_3m_share", "repeat_12m_share",
                          "lifetime_romi"],
                months: ["date"],
            }),
        },
    ],
});
