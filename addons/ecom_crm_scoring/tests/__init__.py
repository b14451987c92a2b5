from . import test_rfm
from . import test_scoring_run
from . import test_i18n
