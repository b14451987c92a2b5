/** @odoo-module **/

import { registry } from "@web/core/registry";

// an office's number with its extension: the card's «Call» dials the number, then the extension
registry.category("web_tour.tours").add("ecom_crm_phone_extension", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=phone] input:value('+74951234567 доб. 123')",
            content: "the extension is kept with the number",
        },
        {
            trigger: ".o_field_widget[name=phone] a.o_phone_form_link[href='tel:+74951234567,123']:not(:visible)",
            content: "calling dials the number, pauses, dials the extension",
        },
        {
            trigger: ".o_field_widget[name=mobile] a.o_phone_form_link[href='tel:+79161234567']:not(:visible)",
            content: "a number without extension is called as it is",
        },
    ],
});
