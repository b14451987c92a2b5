from odoo import fields, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    ecom_available = fields.Boolean(
        "Available", default=True, help="Unavailable members (leave, sick, busy) receive no new requests.")
    ecom_max_open_leads = fields.Integer(
        "Maximum open requests", default=50, help="Assignment by load never gives a member more open requests.")
