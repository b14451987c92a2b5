from . import test_res_partner
from . import test_install_data
from . import test_demo_store
from . import test_i18n
