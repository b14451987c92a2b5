from odoo import api, models


class ReportOfferCrmLead(models.AbstractModel):
    """The commercial offer printed from a request: its lines are checked before the template is
    rendered, so that a request without a quotation or a product of interest gets its UserError
    from Print as from Send, not a QWeb error dialog."""

    _name = "report.ecom_crm.report_offer_crm_lead"
    _description = "Commercial offer of a request"

    @api.model
    def _get_report_values(self, docids, data=None):
        leads = self.env["crm.lead"].browse(docids)
        for lead in leads:
            lead._ecom_document_source()  # raises the UserError that says what to add
        return {"doc_ids": docids, "doc_model": "crm.lead", "docs": leads, "data": data}


class ReportContractCrmLead(models.AbstractModel):
    """The contract printed from a request (see :class:`ReportOfferCrmLead`)."""

    _name = "report.ecom_crm.report_contract_crm_lead"
    _inherit = "report.ecom_crm.report_offer_crm_lead"
    _description = "Contract of a request"
