from . import intake
from . import hooks
from . import sms_status
