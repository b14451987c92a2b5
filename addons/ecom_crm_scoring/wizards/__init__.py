from . import ecom_scoring_outcome_wizard
