from . import test_sniff
from . import test_exchange_log
from . import test_reader
from . import test_importer
from . import test_protocol
from . import test_orders_export
from . import test_statuses_back
from . import test_i18n
