from . import test_sniff
from . import test_exchange_log
