from odoo import api, models


class ReportOfferCrmLead(models.AbstractModel):
    """The commercial offer printed from a request: its lines are checked before the template is
    rendered, so that a request without a quotation or a product of interest gets its UserError
    from Print as from Send, not a QWeb error dialog (an error raised while rendering is one)."""

    _name = "report.ecom_crm.report_offer_crm_lead"
    _description = "Commercial offer of a request"
    _ecom_document_kind = "offer"
    _ecom_document_model = "crm.lead"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env[self._ecom_document_model].browse(docids)
        for doc in docs:
            doc._ecom_document_check(self._ecom_document_kind)  # raises the UserError that says what to add
        return {"doc_ids": docids, "doc_model": self._ecom_document_model, "docs": docs, "data": data}


class ReportContractCrmLead(models.AbstractModel):
    """The contract printed from a request (see :class:`ReportOfferCrmLead`)."""

    _name = "report.ecom_crm.report_contract_crm_lead"
    _inherit = "report.ecom_crm.report_offer_crm_lead"
    _description = "Contract of a request"
    _ecom_document_kind = "contract"


class ReportInvoiceCrmLead(models.AbstractModel):
    """The invoice for payment printed from a request: its quotation, the store's ИНН and bank account
    are checked first (see :class:`ReportOfferCrmLead`)."""

    _name = "report.ecom_crm.report_invoice_crm_lead"
    _inherit = "report.ecom_crm.report_offer_crm_lead"
    _description = "Invoice for payment of a request"
    _ecom_document_kind = "invoice"


class ReportInvoiceSaleOrder(models.AbstractModel):
    """The invoice for payment printed from a quotation (see :class:`ReportInvoiceCrmLead`)."""

    _name = "report.ecom_crm.report_invoice_sale_order"
    _inherit = "report.ecom_crm.report_offer_crm_lead"
    _description = "Invoice for payment of a quotation"
    _ecom_document_kind = "invoice"
    _ecom_document_model = "sale.order"


class ReportOfferSaleOrder(models.AbstractModel):
    """The commercial offer printed from a quotation: one without products says so (see
    :class:`ReportOfferCrmLead`)."""

    _name = "report.ecom_crm.report_offer_sale_order"
    _inherit = "report.ecom_crm.report_offer_crm_lead"
    _description = "Commercial offer of a quotation"
    _ecom_document_model = "sale.order"


class ReportContractSaleOrder(models.AbstractModel):
    """The contract printed from a quotation (see :class:`ReportOfferSaleOrder`)."""

    _name = "report.ecom_crm.report_contract_sale_order"
    _inherit = "report.ecom_crm.report_offer_crm_lead"
    _description = "Contract of a quotation"
    _ecom_document_kind = "contract"
    _ecom_document_model = "sale.order"
