from . import crm_lead_lost
from . import ecom_crm_stage_override
