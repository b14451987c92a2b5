/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

// A date that stands for its month (a report's month: its first day) written as the month, in the user's
// language: «декабрь 2026», not «01.12.2026» (luxon's standalone month name, as Odoo's calendar heads its
// months). Read only: the reports' lists. The column keeps the date's value, so the list still sorts by it,
// the search filters and groups by it and an export gives the month's first day as a date.
export class EcomMonthField extends Component {
    static template = "ecom_crm.EcomMonthField";
    static props = { ...standardFieldProps };

    get formattedValue() {
        const value = this.props.record.data[this.props.name];
        return value ? value.toFormat("LLLL yyyy") : "";
    }
}

registry.category("fields").add("ecom_month", {
    component: EcomMonthField,
    supportedTypes: ["date"],
});
