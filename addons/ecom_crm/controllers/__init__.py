from . import intake
from . import hooks
from . import sms_status
from . import export
