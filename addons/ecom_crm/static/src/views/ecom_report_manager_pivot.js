/** @odoo-module **/
/**
 * The salespeople's report: a number of «Calls» (or «Calls outside requests») opens the calls behind
 * it, the calls journal's list, rather than the report's rows; the other numbers open the rows as
 * any pivot does. The server picks the calls (ecom.report.manager.ecom_calls_action). A number of the
 * requests («Requests handled», «Won», «Revenue»...) opens the rows of its requests only: a channel's
 * «Обработано заявок» 4 listed its 2 calls' rows too, 6 rows.
 */
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { pivotView } from "@web/views/pivot/pivot_view";
import { PivotRenderer } from "@web/views/pivot/pivot_renderer";

const CALL_MEASURES = ["calls", "calls_without_request"];
// the measures of the requests' rows (kind «request»): the calls' rows and other addons' have none of them
const REQUEST_MEASURES = [
    "requests", "responded", "response_rate", "median_response_hours", "p90_response_hours", "won",
    "conversion", "orders", "revenue", "revenue_untaxed", "refunded", "avg_order", "overdue_activities",
];

export class EcomReportManagerPivotRenderer extends PivotRenderer {
    setup() {
        super.setup();
        this.orm = useService("orm");
    }

    openView(domain, views, context) {
        if (this.ecomRequestsOnly) {
            domain = [...domain, ["kind", "=", "request"]];
        }
        return super.openView(domain, views, context);
    }

    async onOpenView(cell) {
        this.ecomRequestsOnly = REQUEST_MEASURES.includes(cell.measure);
        if (
            cell.value === undefined ||
            this.model.metaData.disableLinking ||
            !CALL_MEASURES.includes(cell.measure)
        ) {
            return super.onOpenView(cell);
        }
        const domain = this.model.getGroupDomain({
            rowValues: cell.groupId[0],
            colValues: cell.groupId[1],
            originIndex: cell.originIndexes[0],
        });
        const action = await this.orm.call("ecom.report.manager", "ecom_calls_action", [
            domain,
            cell.measure,
        ]);
        return this.actionService.doAction(action);
    }
}

registry.category("views").add("ecom_report_manager_pivot", {
    ...pivotView,
    Renderer: EcomReportManagerPivotRenderer,
});
