from . import ecom_scoring_outcome_wizard
from . import base_partner_merge
