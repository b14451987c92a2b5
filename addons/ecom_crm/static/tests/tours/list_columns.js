/** @odoo-module **/

// What the lists' width tours (ecom_crm_report_columns_tour.js, ecom_crm_channel_report_columns_tour.js) check at
// the test browser's 1366 px: a list's headers and cells whole, its months written as months, the list within the
// screen. Imported by them as "@ecom_crm/../tests/tours/list_columns", as Odoo's point_of_sale's tours share
// their helpers.

// Whether `element` or anything in it is cut (its text wider than its box, shown with «…»).
export function cut(element) {
    return [element, ...element.querySelectorAll("*")].some(
        (el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth
    );
}

// A tour step's `run`: `names`, columns whose header and cells are whole; `headers`, columns whose header only is
// (their cells, a customer's, a request's or a campaign's name, may be cut); `months`, columns whose cells read a
// month and a year in Russian («декабрь 2026»); `fits`, the list within the screen (no scrolling sideways).
export function columnsWhole(names, { fits = false, headers = [], months = [] } = {}) {
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
        if (fits && table.getBoundingClientRect().width > table.parentElement.clientWidth + 1) {
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
