from . import intake
from . import hooks
