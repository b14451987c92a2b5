/** @odoo-module **/
/**
 * Dropping a request into a refusal stage asks for the refusal reason first (CRM's «Lost»
 * dialog); the card moves only once a reason is picked.  Cancelling leaves it where it was.
 * The server refuses the move without a reason anyway: this only makes the path pleasant.
 */
import { patch } from "@web/core/utils/patch";
import { CrmKanbanDynamicGroupList } from "@crm/views/crm_kanban/crm_kanban_model";

patch(CrmKanbanDynamicGroupList.prototype, {
    async moveRecord(dataRecordId, dataGroupId, refId, targetGroupId) {
        const targetGroup = this.groups.find((g) => g.id === targetGroupId);
        if (
            dataGroupId !== targetGroupId &&
            targetGroup?.groupByField.name === "stage_id" &&
            targetGroup.value &&
            (await this._ecomRefusalStageIds()).includes(targetGroup.value)
        ) {
            const sourceGroup = this.groups.find((g) => g.id === dataGroupId);
            const record = sourceGroup?.list.records.find((r) => r.id === dataRecordId);
            if (record) {
                return this._ecomAskRefusalReason(record, targetGroup.value);
            }
        }
        return super.moveRecord(...arguments);
    },

    async _ecomRefusalStageIds() {
        if (!this.model._ecomRefusalStageIds) {
            this.model._ecomRefusalStageIds = await this.model.orm.search("crm.stage", [
                ["ecom_is_refusal", "=", true],
            ]);
        }
        return this.model._ecomRefusalStageIds;
    },

    _ecomAskRefusalReason(record, stageId) {
        return new Promise((resolve) => {
            this.model.action.doAction("crm.crm_lead_lost_action", {
                additionalContext: {
                    active_id: record.resId,
                    active_ids: [record.resId],
                    active_model: "crm.lead",
                    default_ecom_stage_id: stageId,
                },
                onClose: async () => {
                    await this.model.load();
                    resolve();
                },
            });
        });
    },
});
