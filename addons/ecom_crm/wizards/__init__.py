from . import crm_lead_lost
from . import ecom_crm_stage_override
from . import ecom_intake_key_wizard
from . import base_partner_merge
from . import ecom_order_status_wizard
from . import ecom_webhook_secret_wizard
from . import ecom_ad_spend_import
from . import ecom_offline_conversion_export
