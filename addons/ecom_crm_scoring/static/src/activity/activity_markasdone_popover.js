/** @odoo-module **/

import { useState } from "@odoo/owl";
import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

/**
 * «Mark Done» on a scheduled contact of the scoring asks for its outcome (reached, ordered, offer
 * accepted, declined, not reached): it is written on the activity before Odoo marks it done, and
 * the server records it for the next learning. The choices come with the activity, translated.
 */
patch(ActivityMarkAsDone.prototype, {
    setup() {
        super.setup(...arguments);
        this.orm = useService("orm");
        this.ecomOutcome = useState({ value: this.props.activity.ecom_scoring_outcome || false });
    },

    get ecomOutcomes() {
        return (this.props.activity.ecom_is_scoring && this.props.activity.ecom_scoring_outcomes) || [];
    },

    ecomChooseOutcome(value) {
        this.ecomOutcome.value = value;
    },

    async ecomSaveOutcome() {
        if (this.ecomOutcomes.length && this.ecomOutcome.value) {
            await this.orm.write("mail.activity", [this.props.activity.id], {
                ecom_scoring_outcome: this.ecomOutcome.value,
            });
        }
    },

    async onClickDone() {
        await this.ecomSaveOutcome();
        return super.onClickDone(...arguments);
    },

    async onClickDoneAndScheduleNext() {
        await this.ecomSaveOutcome();
        return super.onClickDoneAndScheduleNext(...arguments);
    },
});
