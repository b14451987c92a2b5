from . import res_company
from . import res_config_settings
from . import res_partner
from . import crm_stage
from . import crm_lost_reason
from . import crm_lead
