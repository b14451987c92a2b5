from . import ecom_1c_exchange
from . import ecom_1c_exchange_file
