from . import intake
from . import sms_status
