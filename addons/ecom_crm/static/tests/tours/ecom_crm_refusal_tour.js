/** @odoo-module **/

import { registry } from "@web/core/registry";

const CARD = ".o_kanban_record:contains('Коляска для тура отказа')";
const REFUSAL_COLUMN = ".o_opportunity_kanban .o_kanban_group:has(.o_column_title:contains('Refused'))";

registry.category("web_tour.tours").add("ecom_crm_refusal_stage", {
    url: "/odoo/crm",
    steps: () => [
        {
            trigger: `.o_opportunity_kanban ${CARD}`,
            content: "drop the request into the refusal stage",
            run: `drag_and_drop (${REFUSAL_COLUMN})`,
        },
        {
            trigger: ".modal .o_field_widget[name=lost_reason_id]",
            content: "the refusal dialog asks for a reason",
        },
        {
            trigger: `.o_opportunity_kanban .o_kanban_group:not(:has(.o_column_title:contains('Refused'))) ${CARD}`,
            content: "while the dialog is open, the card has not moved",
        },
        {
            trigger: ".modal button[name=action_lost_reason_apply]",
            content: "try to confirm without a reason",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=lost_reason_id].o_field_invalid",
            content: "the reason is required: the dialog stays open",
        },
        {
            trigger: ".modal .o_field_widget[name=lost_reason_id] .o_radio_item:eq(9)",
            content: "every reason is on screen at once, a short list to pick from",
        },
        {
            trigger: ".modal .o_field_widget[name=lost_reason_id] .o_radio_item:first input",
            content: "pick the first reason (whatever the user's language)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_lost_reason_apply]",
            content: "confirm the refusal",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: `.o_opportunity_kanban:not(:has(${CARD}))`,
            content: "the lost request left the pipeline",
        },
    ],
});
