from . import ecom_scoring_run
from . import res_partner
