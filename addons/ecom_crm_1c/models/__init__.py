from . import ecom_1c_exchange
from . import ecom_1c_exchange_file
from . import ecom_1c_price_type
from . import ecom_1c_importer
from . import product_category
from . import product_template
from . import product_product
