from . import test_rfm
from . import test_scoring_run
